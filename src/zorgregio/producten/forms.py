from django import forms
from django.utils.translation import gettext_lazy as _

from zorgregio.common.numbers import DecimalCommaField, DutchNumbersMixin, EuroField, cents_text

from .models import CostCalculation, Indexation, Product


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class DayForm(forms.Form):
    op = forms.DateField(label=_("Date"), widget=DateInput(), required=False)


class CostCalculationForm(DutchNumbersMixin, forms.ModelForm):
    monthly_salary = EuroField(label=_("Monthly salary of that scale and step (euro)"))
    travel_cost_per_hour = EuroField(label=_("Travel cost per productive hour (euro)"))

    class Meta:
        model = CostCalculation
        fields = [
            "note",
            "cao_name",
            "cao_scale",
            "cao_step",
            "holiday_pay_pct",
            "year_end_bonus_pct",
            "employer_charges_pct",
            "hours_per_week",
            "leave_pct",
            "sickness_pct",
            "training_pct",
            "travel_time_pct",
            "meetings_pct",
            "overhead_pct",
            "reporting_pct",
            "risk_pct",
            "hours_per_unit",
        ]

    def __init__(self, *args, instance=None, **kwargs):
        initial = kwargs.pop("initial", {}) or {}
        if instance is not None and instance.pk:
            initial.setdefault("monthly_salary", cents_text(instance.monthly_salary_cents))
            initial.setdefault(
                "travel_cost_per_hour", cents_text(instance.travel_cost_per_hour_cents)
            )
        super().__init__(*args, instance=instance, initial=initial, **kwargs)
        self.fields["note"].required = False

    def inputs(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields if name != "note"}
        data["monthly_salary_cents"] = self.cleaned_data["monthly_salary"]
        data["travel_cost_per_hour_cents"] = self.cleaned_data["travel_cost_per_hour"] or 0
        return data


class ApplyCalculationForm(forms.Form):
    valid_from = forms.DateField(label=_("Tariff valid from"), widget=DateInput())
    municipality = forms.ModelChoiceField(
        label=_("Municipality"),
        queryset=None,
        required=False,
        empty_label=_("Whole region"),
    )
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)

    def __init__(self, *args, municipalities=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = municipalities


class IndexationForm(DutchNumbersMixin, forms.ModelForm):
    class Meta:
        model = Indexation
        fields = [
            "name",
            "year",
            "labour_weight_pct",
            "material_weight_pct",
            "labour_forecast_next_pct",
            "labour_forecast_current_pct",
            "labour_final_current_pct",
            "material_forecast_next_pct",
            "material_forecast_current_pct",
            "material_final_current_pct",
        ]


class IndexationApplyForm(forms.Form):
    valid_from = forms.DateField(label=_("Apply from"), widget=DateInput())


class ImportForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What the file contains"),
        choices=[("products", _("Products")), ("tariffs", _("Tariffs"))],
    )
    file = forms.FileField(label=_("File (CSV or XLSX)"))


class RetireForm(forms.Form):
    valid_until = forms.DateField(label=_("Last day of the product"), widget=DateInput())
    successor = forms.ModelChoiceField(
        label=_("Succeeded by"), queryset=Product.objects.none(), required=False
    )

    def __init__(self, *args, product=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["successor"].queryset = Product.objects.filter(law=product.law).exclude(
            pk=product.pk
        )


class MatrixDateForm(forms.Form):
    valid_from = forms.DateField(label=_("Changes apply from"), widget=DateInput())


class ProductForm(forms.ModelForm):
    """A new product; the code lists come from the iStandaarden (WJ756, WMO757)."""

    unit = forms.ChoiceField(label=_("Unit"))
    allowed_frequencies = forms.MultipleChoiceField(
        label=_("Frequencies allowed"), widget=forms.CheckboxSelectMultiple, required=False
    )

    class Meta:
        model = Product
        fields = [
            "group",
            "law",
            "productcategorie",
            "productcode",
            "name",
            "description",
            "unit",
            "allowed_frequencies",
            "intensity_rank",
            "valid_from",
            "valid_until",
        ]
        widgets = {"valid_from": DateInput(), "valid_until": DateInput()}

    def __init__(self, *args, **kwargs):
        from zorgregio.codelijsten.selectors import code_choices

        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = code_choices("iwmo", "WJ756")
        self.fields["allowed_frequencies"].choices = code_choices("iwmo", "WMO757")


class ProductEditForm(forms.ModelForm):
    """What may change in an existing product (services.EDITABLE_PRODUCT_FIELDS)."""

    unit = forms.ChoiceField(label=_("Unit"))
    allowed_frequencies = forms.MultipleChoiceField(
        label=_("Frequencies allowed"), widget=forms.CheckboxSelectMultiple, required=False
    )

    class Meta:
        model = Product
        fields = ["group", "name", "description", "unit", "allowed_frequencies", "intensity_rank"]

    def __init__(self, *args, **kwargs):
        from zorgregio.codelijsten.selectors import code_choices

        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = code_choices("iwmo", "WJ756")
        self.fields["allowed_frequencies"].choices = code_choices("iwmo", "WMO757")
        if self.instance.pk:
            self.fields["group"].queryset = self.fields["group"].queryset.filter(
                law=self.instance.law
            )


# --- funding variants (issue 20) ---------------------------------------------------------------


class VariantForm(forms.Form):
    group = forms.ModelChoiceField(label=_("Product group"), queryset=None)
    municipality = forms.ModelChoiceField(label=_("Municipality"), queryset=None)
    variant = forms.ChoiceField(label=_("Funding variant"))
    valid_from = forms.DateField(label=_("From"), widget=DateInput())
    valid_until = forms.DateField(label=_("Until (inclusive)"), widget=DateInput(), required=False)
    regieberichten = forms.BooleanField(
        label=_("Start and stop messages without a toewijzing agreed (task-oriented only)"),
        required=False,
    )
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)

    def __init__(self, *args, groups=None, municipalities=None, **kwargs):
        from .models import FundingVariant

        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = groups
        self.fields["municipality"].queryset = municipalities
        self.fields["variant"].choices = FundingVariant.choices


SEGMENTS = 3


class TaskBudgetForm(DutchNumbersMixin, forms.Form):
    provider = forms.ModelChoiceField(label=_("Provider"), queryset=None)
    municipality = forms.ModelChoiceField(label=_("Municipality"), queryset=None)
    group = forms.ModelChoiceField(label=_("Product group"), queryset=None)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    markup_pct = forms.DecimalField(
        label=_("Risk and innovation mark-up (%)"),
        max_digits=6,
        decimal_places=2,
        min_value=0,
        max_value=100,
    )
    instalment_count = forms.TypedChoiceField(
        label=_("Instalments"),
        coerce=int,
        choices=[(1, _("one, on 1 January")), (4, _("4 per quarter")), (12, _("12 per month"))],
        initial=4,
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, providers=None, groups=None, municipalities=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = providers
        self.fields["group"].queryset = groups
        self.fields["municipality"].queryset = municipalities
        for i in range(1, SEGMENTS + 1):
            required = i == 1
            self.fields[f"label_{i}"] = forms.CharField(
                label=_("Segment %s: name") % i, max_length=80, required=False
            )
            self.fields[f"clients_{i}"] = forms.DecimalField(
                label=_("Segment %s: expected clients") % i,
                min_value=0,
                max_digits=9,
                decimal_places=2,
                required=required,
            )
            self.fields[f"hours_{i}"] = forms.DecimalField(
                label=_("Segment %s: hours per client per year") % i,
                min_value=0,
                max_digits=9,
                decimal_places=2,
                required=required,
            )
            self.fields[f"cost_{i}"] = EuroField(
                label=_("Segment %s: cost per hour (euro)") % i, required=required
            )
        # The segment fields are added after the mixin ran: make their decimals Dutch too.
        for name, field in list(self.fields.items()):
            if name.startswith(("clients_", "hours_")):
                replacement = DecimalCommaField(
                    max_digits=9, decimal_places=2, required=field.required, label=field.label
                )
                replacement.validators = list(field.validators)
                self.fields[name] = replacement

    def mix(self) -> list[dict]:
        out = []
        for i in range(1, SEGMENTS + 1):
            clients = self.cleaned_data.get(f"clients_{i}")
            hours = self.cleaned_data.get(f"hours_{i}")
            cost = self.cleaned_data.get(f"cost_{i}")
            if clients is None and hours is None and cost is None:
                continue
            out.append(
                {
                    "label": self.cleaned_data.get(f"label_{i}") or "",
                    "clients": str(clients or 0),
                    "hours_per_client": str(hours or 0),
                    "cost_per_hour_cents": cost or 0,
                }
            )
        return out


class PayForm(forms.Form):
    instalment = forms.IntegerField(min_value=1)
    paid_on = forms.DateField(label=_("Paid on"), widget=DateInput())


class DataDeliveryForm(forms.Form):
    file = forms.FileField(
        label=_(
            "File (CSV with the columns productgroep, gemeente, periode_begin, periode_eind, "
            "clienten, instroom, uitstroom, wachttijd_dagen)"
        )  # fmt: skip
    )
