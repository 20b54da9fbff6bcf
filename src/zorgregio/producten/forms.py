from django import forms
from django.utils.translation import gettext_lazy as _

from zorgregio.common.numbers import DutchNumbersMixin, EuroField, cents_text

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
