"""Forms shape input only; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from zorgregio.aanbieders.models import Provider
from zorgregio.common.numbers import DecimalCommaField
from zorgregio.common.numbers import EuroField as NumbersEuroField
from zorgregio.producten.models import Product, ProductGroup
from zorgregio.regio.models import Law, Municipality

from .models import (
    ActivityExceptionReason,
    Admission,
    AdmissionStatus,
    AmendmentChangeKind,
    AmendmentStatus,
    ConsentStatus,
    EvidenceKind,
)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def _date(label, required=True, **kwargs):
    return forms.DateField(label=label, required=required, widget=DateInput(), **kwargs)


class RegisterFilterForm(forms.Form):
    provider = forms.ModelChoiceField(
        label=_("Provider"), queryset=Provider.objects.none(), required=False
    )
    product = forms.ModelChoiceField(
        label=_("Product"), queryset=Product.objects.none(), required=False
    )
    municipality = forms.ModelChoiceField(
        label=_("Municipality"), queryset=Municipality.objects.none(), required=False
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("all"))] + list(AdmissionStatus.choices),
        required=False,
    )
    day = _date(_("Valid on"), required=False)

    def __init__(self, *args, providers, municipalities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = providers
        self.fields["municipality"].queryset = municipalities
        self.fields["product"].queryset = Product.objects.order_by("productcode")
        for field in self.fields.values():
            if isinstance(field, forms.ModelChoiceField):
                field.empty_label = _("all")


class AdmissionForm(forms.Form):
    provider = forms.ModelChoiceField(label=_("Provider"), queryset=Provider.objects.all())
    product = forms.ModelChoiceField(
        label=_("Product"), queryset=Product.objects.order_by("productcode"), required=False
    )
    product_group = forms.ModelChoiceField(
        label=_("or product group"), queryset=ProductGroup.objects.all(), required=False
    )
    municipality = forms.ModelChoiceField(
        label=_("Municipality"), queryset=Municipality.objects.none()
    )
    valid_from = _date(_("Valid from"))
    valid_until = _date(
        _("Valid until"), required=False, help_text=_("Empty: until the agreement ends.")
    )
    active = forms.BooleanField(label=_("Active at once"), required=False)
    reason = forms.CharField(
        label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, municipalities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = municipalities


class TransitionForm(forms.Form):
    to_status = forms.ChoiceField(label=_("New status"), choices=())
    effective_on = _date(_("Effective from"))
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, allowed, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_status"].choices = [
            (value, label) for value, label in AdmissionStatus.choices if value in allowed
        ]


class AmendmentForm(forms.Form):
    provider = forms.ModelChoiceField(
        label=_("Provider"),
        queryset=Provider.objects.none(),
        required=False,
        help_text=_("Empty: a change for the whole agreement (regional team only)."),
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    motivation = forms.CharField(label=_("Motivation"), widget=forms.Textarea(attrs={"rows": 4}))
    articles = forms.CharField(
        label=_("Affected articles"),
        max_length=200,
        required=False,
        help_text=_("E.g. 1.5, 3.2."),
    )
    effective_date = _date(_("Effective date"))
    kind = forms.ChoiceField(
        label=_("Change to the register"),
        choices=[("", _("none (a change to the articles only)"))]
        + list(AmendmentChangeKind.choices),
        required=False,
    )
    product = forms.ModelChoiceField(
        label=_("Product to add"),
        queryset=Product.objects.order_by("productcode"),
        required=False,
    )
    municipality = forms.ModelChoiceField(
        label=_("Municipality to add it in"),
        queryset=Municipality.objects.none(),
        required=False,
    )
    admission = forms.ModelChoiceField(
        label=_("Admission to end"), queryset=Admission.objects.none(), required=False
    )

    def __init__(self, *args, providers, municipalities, admissions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = providers
        if providers.count() == 1:
            self.fields["provider"].initial = providers.first()
            self.fields["provider"].required = True
            self.fields["provider"].empty_label = None
        self.fields["municipality"].queryset = municipalities
        self.fields["admission"].queryset = admissions

    def changes(self) -> list[dict]:
        data = self.cleaned_data
        kind = data.get("kind")
        if not kind:
            return []
        if kind == AmendmentChangeKind.END:
            return [{"kind": kind, "admission": data.get("admission")}]
        return [
            {"kind": kind, "product": data.get("product"), "municipality": data.get("municipality")}
        ]


class DecisionForm(forms.Form):
    to_status = forms.ChoiceField(label=_("Decision"), choices=())
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when rejecting."),
    )

    def __init__(self, *args, allowed, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_status"].choices = [
            (value, label) for value, label in AmendmentStatus.choices if value in allowed
        ]


class AgreementForm(forms.Form):
    """Create or edit a framework agreement (its terms and extension options)."""

    name = forms.CharField(label=_("Name"), max_length=200)
    laws = forms.MultipleChoiceField(
        label=_("Laws"), choices=Law.choices, widget=forms.CheckboxSelectMultiple
    )
    valid_from = _date(_("Valid from"))
    valid_until = _date(_("Valid until"), required=False)
    extension_options = forms.IntegerField(
        label=_("Number of extension options"), min_value=0, max_value=30, initial=0
    )
    extension_months = forms.IntegerField(
        label=_("Months per extension"), min_value=1, max_value=120, initial=24
    )


class ExtensionForm(forms.Form):
    exercised_on = _date(_("Exercised on"))
    reason = forms.CharField(label=_("Reason"), required=False)


class DocumentForm(forms.Form):
    title = forms.CharField(label=_("Document"), max_length=200)
    valid_from = _date(_("Valid from"))
    reference = forms.CharField(label=_("Reference"), max_length=300, required=False)


class EvidenceForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of evidence"), choices=EvidenceKind.choices)
    issued_on = _date(_("Issue date"))
    expires_on = _date(
        _("Valid until"),
        required=False,
        help_text=_("Only for quality marks, certificates and statements without a maximum age."),
    )
    description = forms.CharField(label=_("Description"), max_length=200, required=False)


class SubcontractorForm(forms.Form):
    name = forms.CharField(label=_("Name of the subcontractor"), max_length=200)
    kvk_number = forms.CharField(label=_("KvK number"), max_length=8)
    scope_description = forms.CharField(label=_("What it delivers"), required=False)


class ConsentForm(forms.Form):
    to_status = forms.ChoiceField(label=_("Decision"), choices=())
    note = forms.CharField(label=_("Note"), required=False)

    def __init__(self, *args, allowed, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_status"].choices = [
            (value, label) for value, label in ConsentStatus.choices if value in allowed
        ]


EuroField = NumbersEuroField  # one parsing path for amounts (common.numbers)


class CeilingForm(forms.Form):
    municipality = forms.ModelChoiceField(
        label=_("Municipality"), queryset=Municipality.objects.none()
    )
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    amount = EuroField(label=_("Spending ceiling (euros)"))
    intake_stop = forms.BooleanField(label=_("Intake stop now"), required=False)

    def __init__(self, *args, municipalities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = municipalities


class BridgingForm(forms.Form):
    municipality = forms.ModelChoiceField(
        label=_("Municipality"), queryset=Municipality.objects.none()
    )
    product = forms.ModelChoiceField(
        label=_("Product"), queryset=Product.objects.order_by("productcode"), required=False
    )
    valid_from = _date(_("Valid from"))
    valid_until = _date(_("Valid until"))
    client_count = forms.IntegerField(label=_("Number of clients"), min_value=0)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, municipalities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = municipalities


class ExceptionForm(forms.Form):
    municipality = forms.ModelChoiceField(
        label=_("Municipality"), queryset=Municipality.objects.none()
    )
    reason = forms.ChoiceField(label=_("Exception"), choices=ActivityExceptionReason.choices)
    satisfaction = DecimalCommaField(
        label=_("Average satisfaction"), max_digits=3, decimal_places=1, required=False
    )
    note = forms.CharField(label=_("Note"), required=False)

    def __init__(self, *args, municipalities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = municipalities


class DossierForm(forms.Form):
    governance_code = forms.BooleanField(
        label=_("Applies the Governance Code Zorg"), required=False
    )
    wnt_applicable = forms.BooleanField(label=_("Falls under the WNT"), required=False)
    wnt_compliant = forms.BooleanField(label=_("Complies with the WNT"), required=False)
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class OptionsForm(forms.Form):
    municipality = forms.ModelChoiceField(
        label=_("Municipality"), queryset=Municipality.objects.none()
    )
    spending_ceiling = forms.BooleanField(label=_("Art. 1.5 spending ceiling"), required=False)
    warn_percent = forms.IntegerField(
        label=_("Warn at percentage of the ceiling"), min_value=1, max_value=100, initial=70
    )
    activity_rule = forms.BooleanField(label=_("Art. 1.6 activity"), required=False)
    activity_min_clients = forms.IntegerField(
        label=_("Minimum clients in the first 12 months"), min_value=0, initial=1
    )
    activity_min_turnover = EuroField(
        label=_("Minimum turnover in the first 12 months (euros)"), required=False
    )
    sroi = forms.BooleanField(label=_("Art. 1.9 SROI"), required=False)
    sroi_conditions = forms.CharField(label=_("SROI conditions"), required=False)

    def __init__(self, *args, municipalities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = municipalities


class SroiForm(forms.Form):
    municipality = forms.ModelChoiceField(
        label=_("Municipality"), queryset=Municipality.objects.none()
    )
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    commitment = forms.CharField(label=_("Commitment"), max_length=500)
    committed = EuroField(label=_("Committed value (euros)"), required=False)
    realised = EuroField(label=_("Realised value (euros)"), required=False)

    def __init__(self, *args, municipalities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = municipalities
