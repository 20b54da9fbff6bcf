"""The finder's search form (GET, no login) and the offer's edit form."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import selectors
from .geo import normalise_postcode
from .models import (
    APPROACH_MAX,
    DESCRIPTION_MAX,
    MAX_LOCATIONS,
    SPECIALISMS_MAX,
    Language,
    TargetGroup,
)

DISTANCES = (1, 2, 5, 10, 15, 20, 30, 50)


class FinderForm(forms.Form):
    """The search of the finder. Every value is checked: a wrong one is a Dutch message on the
    page, never an error page."""

    zoek = forms.CharField(
        label=gettext_lazy("Search"),
        required=False,
        max_length=100,
        help_text=gettext_lazy("Name of the provider or a word from its offer."),
        error_messages={"max_length": gettext_lazy("Search with at most 100 characters.")},
    )
    productgroep = forms.ChoiceField(
        label=gettext_lazy("Kind of support"),
        required=False,
        error_messages={
            "invalid_choice": gettext_lazy(
                "%(value)s is not a kind of support in this municipality; choose one from the list."
            )
        },
    )
    intensiteit = forms.ChoiceField(
        label=gettext_lazy("Product and intensity"),
        required=False,
        error_messages={
            "invalid_choice": gettext_lazy(
                "%(value)s is not a product in this municipality; choose one from the list."
            )
        },
    )
    doelgroep = forms.ChoiceField(
        label=gettext_lazy("For whom"),
        required=False,
        error_messages={
            "invalid_choice": gettext_lazy("%(value)s is not a target group; choose one.")
        },
    )
    postcode = forms.CharField(
        label=gettext_lazy("Your postcode"),
        required=False,
        max_length=10,
        help_text=gettext_lazy("Such as 8161 AB: the nearest providers come first."),
        error_messages={"max_length": gettext_lazy("A postcode has four digits and two letters.")},
        widget=forms.TextInput(attrs={"autocomplete": "postal-code", "size": 8}),
    )
    afstand = forms.ChoiceField(
        label=gettext_lazy("Within"),
        required=False,
        error_messages={
            "invalid_choice": gettext_lazy("Choose a distance from the list, such as 10 km.")
        },
    )
    datum = forms.DateField(
        label=gettext_lazy("Contracted on"),
        required=False,
        input_formats=["%Y-%m-%d", "%d-%m-%Y"],
        help_text=gettext_lazy("Empty: today."),
        error_messages={"invalid": gettext_lazy("Give a date such as 01-03-2026.")},
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, data, *, municipality, today: dt.date, **kwargs):
        super().__init__(data, **kwargs)
        self.municipality = municipality
        self.today = today
        day = self._day_from_data(data) or today
        products = selectors.offered_products(municipality, day)
        groups = {}
        for product in products:
            groups.setdefault(product.group.code, product.group)
        self.groups = groups
        self.products = {str(p.pk): p for p in products}
        self.fields["productgroep"].choices = [("", _("All"))] + [
            (code, group.name) for code, group in groups.items()
        ]
        by_group: dict[str, list] = {}
        for product in products:
            by_group.setdefault(product.group.name, []).append(
                (str(product.pk), f"{product.name} ({product.code})")
            )
        self.fields["intensiteit"].choices = [("", _("All"))] + list(by_group.items())
        self.fields["doelgroep"].choices = [("", _("Everyone"))] + list(TargetGroup.choices)
        self.fields["afstand"].choices = [("", _("Any distance"))] + [
            (str(km), _("%(km)s km") % {"km": km}) for km in DISTANCES
        ]

    def _day_from_data(self, data) -> dt.date | None:
        raw = (data or {}).get("datum", "")
        for fmt in ("%Y-%m-%d", "%d-%m-%Y"):
            try:
                return dt.datetime.strptime(raw, fmt).date()
            except (TypeError, ValueError):
                continue
        return None

    def clean_datum(self):
        day = self.cleaned_data.get("datum")
        if day is not None and not dt.date(2000, 1, 1) <= day <= dt.date(2100, 12, 31):
            raise forms.ValidationError(_("Give a date between 2000 and 2100."))
        return day

    def clean_postcode(self):
        raw = self.cleaned_data.get("postcode", "").strip()
        if not raw:
            return None
        code = normalise_postcode(raw)
        if code is None:
            raise forms.ValidationError(
                _("%(value)s is not a postcode: give four digits and two letters, such as 8161 AB.")
                % {"value": raw}
            )
        found = selectors.postcode(code)
        if found is None:
            raise forms.ValidationError(
                _(
                    "Postcode %(value)s is not in the region's postcode table: give a postcode "
                    "nearby, or search without a postcode."
                )
                % {"value": f"{code[:4]} {code[4:]}"}
            )
        return found

    def clean(self):
        data = super().clean()
        if data.get("afstand") and not data.get("postcode") and "postcode" not in self.errors:
            self.add_error("postcode", _("Give your postcode to search within a distance."))
        return data

    def filters(self) -> selectors.Filters:
        data = self.cleaned_data
        return selectors.Filters(
            day=data.get("datum") or self.today,
            group=self.groups.get(data.get("productgroep") or ""),
            product=self.products.get(data.get("intensiteit") or ""),
            target_group=data.get("doelgroep") or "",
            text=(data.get("zoek") or "").strip(),
            origin=data.get("postcode"),
            km=int(data["afstand"]) if data.get("afstand") else None,
        )


class OfferForm(forms.Form):
    description = forms.CharField(
        label=gettext_lazy("Description"),
        required=False,
        max_length=DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy("What you offer, in plain language. Plain text: no HTML."),
    )
    approach = forms.CharField(
        label=gettext_lazy("Approach"),
        required=False,
        max_length=APPROACH_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("How you work with clients."),
    )
    target_groups = forms.MultipleChoiceField(
        label=gettext_lazy("Target groups"),
        required=False,
        choices=TargetGroup.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    languages = forms.MultipleChoiceField(
        label=gettext_lazy("Languages"),
        required=False,
        choices=Language.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    specialisms = forms.CharField(
        label=gettext_lazy("Specialisms"),
        required=False,
        max_length=SPECIALISMS_MAX,
        help_text=gettext_lazy("Separated by commas, such as: autism, day structure."),
    )
    phone = forms.CharField(label=gettext_lazy("Phone"), required=False, max_length=30)
    email = forms.CharField(label=gettext_lazy("E-mail"), required=False, max_length=254)
    website = forms.CharField(
        label=gettext_lazy("Website"),
        required=False,
        max_length=200,
        help_text=gettext_lazy("Starts with https://."),
    )

    # The service checks every value again (also for the API and the demo); the form only
    # shapes them, so its messages and the service's are the same.


class LocationForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), required=False, max_length=100)
    street = forms.CharField(label=gettext_lazy("Street"), required=False, max_length=100)
    house_number = forms.CharField(
        label=gettext_lazy("House number"), required=False, max_length=12
    )
    postcode = forms.CharField(
        label=gettext_lazy("Postcode"),
        required=False,
        max_length=7,
        widget=forms.TextInput(attrs={"autocomplete": "off", "size": 8}),
    )
    city = forms.CharField(label=gettext_lazy("City"), required=False, max_length=80)


LocationFormSet = forms.formset_factory(
    LocationForm, extra=1, max_num=MAX_LOCATIONS, absolute_max=MAX_LOCATIONS
)
