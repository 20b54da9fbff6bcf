"""Set-up import of the care providers: a provider with the same KvK number or AGB code is
updated, not duplicated; the report says which were new and what changed."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zorgregio.common.tables import Column, RowError
from zorgregio.inrichting.registry import (
    SetupImport,
    ascii_digits,
    changed,
    new,
    register,
    unchanged,
)

from . import services
from .models import AddressKind, LegalForm, Provider, ProviderAddress

FIELDS = {
    "name": "naam",
    "kvk_number": "kvk_nummer",
    "agb_code": "agb_code",
    "legal_form": "rechtsvorm",
    "email": "email",
    "phone": "telefoon",
    "website": "website",
    "postcode": "postcode",
    "street": "straat",
    "house_number": "huisnummer",
    "city": "plaats",
}
# Legal forms as a register writes them ("B.V.", "Stichting", ...), to our codes.
LEGAL_FORMS = {
    **{code: code for code in LegalForm.values},
    "b.v.": LegalForm.BV,
    "besloten vennootschap": LegalForm.BV,
    "v.o.f.": LegalForm.VOF,
    "vennootschap onder firma": LegalForm.VOF,
    "coöperatie": LegalForm.COOPERATIE,
    "cooperatie u.a.": LegalForm.COOPERATIE,
    "other": LegalForm.OTHER,
}


def _legal_form(values) -> str:
    raw = values.get("rechtsvorm", "").strip().lower()
    if not raw:
        return LegalForm.BV
    if raw not in LEGAL_FORMS:
        raise RowError(
            "rechtsvorm",
            _("%(value)s is not a legal form (%(known)s).")
            % {"value": raw, "known": ", ".join(LegalForm.values)},
        )
    return LEGAL_FORMS[raw]


def _address(values) -> dict | None:
    parts = {
        k: values.get(FIELDS[k], "").strip() for k in ("street", "house_number", "postcode", "city")
    }
    if not any(parts.values()):
        return None
    missing = [FIELDS[k] for k, v in parts.items() if not v]
    if missing:
        raise RowError(missing[0], _("an address needs street, house number, postcode and city."))
    return {"kind": AddressKind.VISIT, **parts}


def _provider_row(ctx, number: int, values: dict):
    name = values.get("naam", "").strip()
    if not name:
        raise RowError("naam", _("a name is required."))
    kvk = ascii_digits(values, "kvk_nummer", 8, _("KvK number"))
    if not kvk:
        raise RowError("kvk_nummer", _("a KvK number is required."))
    agb = ascii_digits(values, "agb_code", 8, _("AGB code")) or None
    for column, key in (("kvk_nummer", ("kvk", kvk)), ("agb_code", ("agb", agb))):
        if key[1] is None:
            continue
        if key in ctx.seen:
            raise RowError(
                column,
                _(
                    "this provider is already in row %(row)s (%(value)s): a provider "
                    "appears once in a file."
                )
                % {"row": ctx.seen[key], "value": key[1]},
            )
        ctx.seen[key] = number
    wanted = {
        "name": name,
        "kvk_number": kvk,
        "agb_code": agb,
        "legal_form": _legal_form(values),
        "email": values.get("email", "").strip(),
        "phone": values.get("telefoon", "").strip(),
        "website": values.get("website", "").strip(),
    }
    address = _address(values)
    by_kvk = Provider.objects.filter(kvk_number=kvk).first()
    by_agb = Provider.objects.filter(agb_code=agb).first() if agb else None
    if by_kvk and by_agb and by_kvk.pk != by_agb.pk:
        raise RowError(
            "agb_code",
            _("KvK number %(kvk)s is %(a)s, but AGB code %(agb)s is %(b)s.")
            % {"kvk": kvk, "a": by_kvk, "agb": agb, "b": by_agb},
        )
    provider = by_kvk or by_agb
    if provider is None:
        provider = services.provider_create(
            actor=ctx.actor, addresses=[address] if address else (), **wanted
        )
        provider.regions.add(ctx.region)
        return new(number, f"{name} (KvK {kvk})")
    differences = [
        FIELDS[field]
        for field, value in wanted.items()
        if (getattr(provider, field) or "") != (value or "")
        and not (field in ("email", "phone", "website") and not value)
    ]
    updates = {FIELDS_BY_COLUMN[c]: wanted[FIELDS_BY_COLUMN[c]] for c in differences}
    if updates:
        services.provider_update(actor=ctx.actor, provider=provider, **updates)
    if address and not _has_address(provider, address):
        services.provider_set_address(actor=ctx.actor, provider=provider, **address)
        differences.append(_("address"))
    if not provider.regions.filter(pk=ctx.region.pk).exists():
        provider.regions.add(ctx.region)
        differences.append(_("region"))
    if not differences:
        return unchanged(number, f"{name} (KvK {kvk})")
    return changed(
        number,
        _("%(name)s (KvK %(kvk)s): %(fields)s")
        % {"name": name, "kvk": kvk, "fields": ", ".join(str(d) for d in differences)},
    )


FIELDS_BY_COLUMN = {column: field for field, column in FIELDS.items()}


def _has_address(provider, address) -> bool:
    return ProviderAddress.objects.filter(
        provider=provider,
        kind=address["kind"],
        street=address["street"],
        house_number=address["house_number"],
        postcode=address["postcode"].upper(),
        city=address["city"],
    ).exists()


register(
    SetupImport(
        slug="aanbieders",
        title=gettext_lazy("Care providers"),
        order=60,
        columns=(
            Column("naam", True, gettext_lazy("Name of the provider."), "Zorg op Maat B.V."),
            Column("kvk_nummer", True, gettext_lazy("KvK number, 8 digits."), "12345678"),
            Column(
                "agb_code",
                False,
                gettext_lazy(
                    "Vektis AGB code, 8 digits; the provider's identifier in iWmo/iJw messages."
                ),
                "98000001",
            ),
            Column(
                "rechtsvorm",
                False,
                gettext_lazy("bv, stichting, vereniging, eenmanszaak, vof, cooperatie or overig."),
                "stichting",
            ),
            Column(
                "email",
                False,
                gettext_lazy("E-mail address for contract matters."),
                "contract@zorgopmaat.nl",
            ),
            Column("telefoon", False, gettext_lazy("Telephone number."), "055 123 45 67"),
            Column("website", False, gettext_lazy("Website."), "https://www.zorgopmaat.nl"),
            Column("straat", False, gettext_lazy("Visiting address: street."), "Hoofdstraat"),
            Column("huisnummer", False, gettext_lazy("Visiting address: house number."), "12"),
            Column(
                "postcode", False, gettext_lazy("Visiting address: postcode (1234 AB)."), "7311 AB"
            ),
            Column("plaats", False, gettext_lazy("Visiting address: city."), "Apeldoorn"),
        ),
        apply_row=_provider_row,
        fields=FIELDS,
    )
)
