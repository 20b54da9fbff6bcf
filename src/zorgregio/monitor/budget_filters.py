"""The filters of the budget list: municipality, year and law (issue 17.7)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from zorgregio.regio.models import Law, Municipality


class BudgetFilterForm(forms.Form):
    gemeente = forms.ModelChoiceField(
        label=_("Municipality"),
        queryset=Municipality.objects.none(),
        required=False,
        empty_label=_("all"),
    )
    jaar = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)
    wet = forms.ChoiceField(label=_("Law"), required=False)

    def __init__(self, *args, municipalities, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["gemeente"].queryset = municipalities
        self.fields["jaar"].choices = [("", _("all"))] + [(y, str(y)) for y in years]
        self.fields["wet"].choices = [("", _("all")), *Law.choices]

    def apply(self, budgets):
        """The budgets that match; an invalid filter (e.g. another municipality's id) shows
        nothing rather than everything."""
        if not self.is_bound:
            return budgets
        if not self.is_valid():
            return budgets.none()
        data = self.cleaned_data
        if data.get("gemeente"):
            budgets = budgets.filter(municipality=data["gemeente"])
        if data.get("jaar"):
            budgets = budgets.filter(year=data["jaar"])
        if data.get("wet"):
            budgets = budgets.filter(product_group__law=data["wet"])
        return budgets
