"""Set-up imports of the contract register: the framework agreement(s) and the admissions
(e.g. the register a region exports from its current tender platform).

Admissions go through the same services as the screens (every rule of ``_check_admission``:
the municipality buys the product regionally in the whole period, the product exists then,
no overlap); the same admission twice is one.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zorgregio.common.tables import Column, RowError, parse_date
from zorgregio.inrichting import lookups
from zorgregio.inrichting.registry import (
    SetupImport,
    ascii_digits,
    changed,
    new,
    register,
    unchanged,
)
from zorgregio.regio.models import Law

from . import services
from .models import Admission, AdmissionStatus, FrameworkAgreement
from .selectors import DAY

AGREEMENT_FIELDS = {
    "name": "naam",
    "laws": "wetten",
    "valid_from": "geldig_van",
    "valid_until": "geldig_tot",
    "extension_options": "verlengingsopties",
    "extension_months": "maanden_per_verlenging",
}


def _laws(values) -> list[str]:
    raw = values.get("wetten", "").lower().replace(";", ",").replace(" ", ",")
    laws = [law for law in raw.split(",") if law]
    wrong = [law for law in laws if law not in Law.values]
    if not laws or wrong:
        raise RowError("wetten", _("give the laws as wmo, jw or wmo,jw."))
    return sorted(set(laws), key=Law.values.index)


def _number(values, column, default: int) -> int:
    raw = ascii_digits(values, column)
    if not raw:
        return default
    if int(raw) > 30:
        raise RowError(column, _("%s is too large.") % raw)
    return int(raw)


def _agreement_row(ctx, number: int, values: dict):
    name = values.get("naam", "").strip()
    if not name:
        raise RowError("naam", _("a name is required."))
    if name in ctx.seen:
        raise RowError("naam", _("this agreement is already in row %s.") % ctx.seen[name])
    ctx.seen[name] = number
    wanted = {
        "laws": _laws(values),
        "valid_from": parse_date(values, "geldig_van"),
        "valid_until": parse_date(values, "geldig_tot", required=False),
        "extension_options": _number(values, "verlengingsopties", 0),
        "extension_months": _number(values, "maanden_per_verlenging", 24),
    }
    existing = FrameworkAgreement.objects.filter(region=ctx.region, name=name).first()
    if existing is None:
        services.agreement_create(actor=ctx.actor, region=ctx.region, name=name, **wanted)
        return new(number, name)
    differences = {k: v for k, v in wanted.items() if getattr(existing, k) != v}
    if not differences:
        return unchanged(number, name)
    services.agreement_update(actor=ctx.actor, agreement=existing, **differences)
    return changed(number, f"{name}: {', '.join(AGREEMENT_FIELDS[k] for k in differences)}")


register(
    SetupImport(
        slug="raamovereenkomsten",
        title=gettext_lazy("Framework agreements"),
        order=70,
        columns=(
            Column(
                "naam",
                True,
                gettext_lazy("Name of the agreement; an agreement with this name is updated."),
                "Raamovereenkomst 2026-2030",
            ),
            Column("wetten", True, gettext_lazy("Laws it covers: wmo, jw or wmo,jw."), "wmo,jw"),
            Column("geldig_van", True, gettext_lazy("First day."), "2026-01-01"),
            Column(
                "geldig_tot", False, gettext_lazy("Last day (empty: open-ended)."), "2030-12-31"
            ),
            Column("verlengingsopties", False, gettext_lazy("Number of extension options."), "3"),
            Column("maanden_per_verlenging", False, gettext_lazy("Months per extension."), "24"),
        ),
        apply_row=_agreement_row,
        fields=AGREEMENT_FIELDS,
    )
)


# --- admissions ------------------------------------------------------------------------------

ADMISSION_FIELDS = {
    "product": "productcode",
    "product_group": "productgroep_code",
    "municipality": "gemeentecode",
    "valid_from": "geldig_van",
    "valid_until": "geldig_tot",
    "effective_on": "geldig_van",
    "status": "status",
    "agreement": "raamovereenkomst",
}
STATUSES = {
    "concept": AdmissionStatus.CONCEPT,
    "actief": AdmissionStatus.ACTIVE,
    "clientenstop": AdmissionStatus.CLIENT_STOP,
    "cliëntenstop": AdmissionStatus.CLIENT_STOP,
    "beeindigd": AdmissionStatus.ENDED,
    "beëindigd": AdmissionStatus.ENDED,
}
REASON = "Import van het register bij de inrichting"


def _agreement(ctx, values):
    name = values.get("raamovereenkomst", "").strip()
    agreements = ctx.cache.setdefault(
        "agreements", {a.name: a for a in FrameworkAgreement.objects.filter(region=ctx.region)}
    )
    if name:
        if name not in agreements:
            raise RowError("raamovereenkomst", _("there is no agreement %s.") % name)
        return agreements[name]
    if len(agreements) != 1:
        raise RowError(
            "raamovereenkomst",
            _("name the agreement: the region has %s agreements.") % len(agreements),
        )
    return next(iter(agreements.values()))


def _provider(ctx, values):
    from zorgregio.aanbieders.models import Provider

    kvk = ascii_digits(values, "aanbieder_kvk", 8, _("KvK number"))
    agb = ascii_digits(values, "aanbieder_agb", 8, _("AGB code"))
    if not kvk and not agb:
        raise RowError("aanbieder_kvk", _("give the provider's KvK number or AGB code."))
    providers = lookups.cached(ctx, "providers", lambda: list(Provider.objects.all()))
    provider = next(
        (p for p in providers if (p.kvk_number == kvk if kvk else p.agb_code == agb)), None
    )
    if provider is None:
        column, value = ("aanbieder_kvk", kvk) if kvk else ("aanbieder_agb", agb)
        raise RowError(column, _("no provider has %s; import the providers first.") % value)
    if kvk and agb and provider.agb_code != agb:
        raise RowError(
            "aanbieder_agb",
            _("AGB code %(agb)s is not that of %(provider)s.") % {"agb": agb, "provider": provider},
        )
    return provider


def _product(ctx, values, day):
    from zorgregio.producten.models import ProductGroup

    code = values.get("productcode", "").strip().upper()
    group_code = values.get("productgroep_code", "").strip()
    if bool(code) == bool(group_code):
        raise RowError("productcode", _("give either a product code or a product group code."))
    if group_code:
        groups = lookups.cached(
            ctx, "groups", lambda: {g.code: g for g in ProductGroup.objects.all()}
        )
        group = groups.get(group_code)
        if group is None:
            raise RowError("productgroep_code", _("there is no product group %s.") % group_code)
        return None, group
    return lookups.product(ctx, values, day), None


def _admission_row(ctx, number: int, values: dict):
    agreement = _agreement(ctx, values)
    provider = _provider(ctx, values)
    start = parse_date(values, "geldig_van")
    end = parse_date(values, "geldig_tot", required=False)
    product, group = _product(ctx, values, start)
    municipality = lookups.municipality(ctx, values)
    raw_status = values.get("status", "").strip().lower() or "actief"
    if raw_status not in STATUSES:
        raise RowError(
            "status",
            _("%s is not a status (concept, actief, clientenstop or beeindigd).") % raw_status,
        )
    status = STATUSES[raw_status]
    what = product.label if product else group.name
    text = f"{provider} · {what} · {municipality} {start:%d-%m-%Y}"
    key = (
        provider.pk,
        getattr(product, "pk", None),
        getattr(group, "pk", None),
        municipality.pk,
        start,
    )
    if key in ctx.seen:
        return unchanged(
            number, _("%(text)s: the same as row %(row)s") % {"text": text, "row": ctx.seen[key]}
        )
    ctx.seen[key] = number
    existing = Admission.objects.filter(
        agreement=agreement,
        provider=provider,
        product=product,
        product_group=group,
        municipality=municipality,
        valid_from=start,
    ).first()
    if existing is not None:
        if existing.status != status:
            raise RowError(
                "status",
                _(
                    "this admission is in the register already, with status "
                    "%(status)s; change its status on its page or through the API."
                )
                % {"status": existing.get_status_display()},
            )
        return unchanged(number, text)
    if status == AdmissionStatus.ENDED and end is None:
        raise RowError("geldig_tot", _("an ended admission needs its last day."))
    status_from = parse_date(values, "status_vanaf", required=False)
    admission = services.admission_create(
        actor=ctx.actor,
        agreement=agreement,
        provider=provider,
        municipality=municipality,
        product=product,
        product_group=group,
        valid_from=start,
        valid_until=end,
        active=status != AdmissionStatus.CONCEPT,
        reason=REASON,
    )
    if status in (AdmissionStatus.CLIENT_STOP, AdmissionStatus.ENDED):
        default = start if status == AdmissionStatus.CLIENT_STOP else end + DAY
        services.admission_transition(
            actor=ctx.actor,
            admission=admission,
            to_status=status,
            effective_on=status_from or default,
            reason=REASON,
        )
    return new(number, text)


register(
    SetupImport(
        slug="deelnames",
        title=gettext_lazy("Admissions (the contract register)"),
        order=80,
        columns=(
            Column(
                "raamovereenkomst",
                False,
                gettext_lazy("Name of the agreement (may be empty when there is one)."),
                "",
            ),
            Column(
                "aanbieder_kvk",
                False,
                gettext_lazy("KvK number of the provider (or give its AGB code)."),
                "12345678",
            ),
            Column("aanbieder_agb", False, gettext_lazy("AGB code of the provider."), ""),
            Column(
                "wet",
                False,
                gettext_lazy("wmo or jw, where a product code exists under both."),
                "wmo",
            ),
            Column(
                "productcode",
                False,
                gettext_lazy(
                    "Product code (or give a product group code: every product of the group)."
                ),
                "02A16",
            ),
            Column("productgroep_code", False, gettext_lazy("Code of the product group."), ""),
            Column("gemeentecode", True, gettext_lazy("CBS code of the municipality."), "0363"),
            Column("geldig_van", True, gettext_lazy("First day of the admission."), "2026-01-01"),
            Column(
                "geldig_tot", False, gettext_lazy("Last day (default: the agreement's end)."), ""
            ),
            Column(
                "status",
                False,
                gettext_lazy("concept, actief (default), clientenstop or beeindigd."),
                "actief",
            ),
            Column(
                "status_vanaf",
                False,
                gettext_lazy(
                    "From when a client stop or ending applies (default: the first day, for "
                    "an ending the day after the last)."
                ),
                "",
            ),
        ),
        apply_row=_admission_row,
        fields=ADMISSION_FIELDS,
    )
)
