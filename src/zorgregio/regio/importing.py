"""Set-up imports of the region: its municipalities (by CBS code) and their inhabitants."""

from __future__ import annotations

import re

from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zorgregio.audit.models import AuditAction
from zorgregio.audit.services import audit_log, snapshot
from zorgregio.common.tables import Column, RowError
from zorgregio.inrichting import lookups
from zorgregio.inrichting.registry import (
    SetupImport,
    ascii_digits,
    changed,
    new,
    register,
    unchanged,
)

from .models import Inhabitants, Municipality, Region


def _cbs_list() -> dict[str, tuple[str, str]]:
    """{code: (name, province)} of the CBS list the product holds."""
    from zorgregio.codelijsten.loader import load_codelists
    from zorgregio.codelijsten.models import Code, CodeList
    from zorgregio.codelijsten.selectors import clear_cache

    if not Code.objects.exists():
        # The reference data of the migration was flushed (as code_map() also handles).
        load_codelists(CodeList, Code)
        clear_cache()
    return {
        code.code: (code.description, code.extra.get("Provincienaam", ""))
        for code in Code.objects.filter(codelist__standard="cbs", codelist__key="GEMEENTE")
    }


def _municipality_row(ctx, number: int, values: dict):
    name = values.get("regio", "").strip()
    if not name:
        raise RowError("regio", _("the name of the region is required."))
    if ctx.actor is not None and ctx.region is not None and name != ctx.region.name:
        raise RowError(
            "regio", _("%(name)s is not your region (%(own)s).") % {"name": name, "own": ctx.region}
        )
    code = ascii_digits(values, "gemeentecode", 4, _("CBS municipality code"))
    if not code:
        raise RowError("gemeentecode", _("a CBS municipality code is required."))
    if "cbs_list" not in ctx.cache:
        ctx.cache["cbs_list"] = _cbs_list()
    known = ctx.cache["cbs_list"]
    if code not in known:
        raise RowError(
            "gemeentecode", _("%s is not a municipality in the CBS list of 2026.") % code
        )
    if code in ctx.seen:
        raise RowError(
            "gemeentecode",
            _("municipality %(code)s is already in row %(row)s.")
            % {"code": code, "row": ctx.seen[code]},
        )
    ctx.seen[code] = number
    region = Region.objects.filter(name=name).first()
    if region is None:
        slug = slugify(values.get("regio_code", "") or name)[:50]
        if not slug or Region.objects.filter(slug=slug).exists():
            raise RowError("regio_code", _("give the region a short name of its own."))
        region = Region.objects.create(name=name, slug=slug)
        audit_log(actor=ctx.actor, action=AuditAction.CREATE, obj=region, after=snapshot(region))
    town, province = known[code]
    existing = Municipality.objects.filter(cbs_code=code).select_related("region").first()
    if existing is not None:
        if existing.region_id != region.pk:
            raise RowError(
                "gemeentecode",
                _("%(town)s (%(code)s) already belongs to the region %(region)s.")
                % {"town": existing.name, "code": code, "region": existing.region},
            )
        return unchanged(number, f"{code} {existing.name}")
    municipality = Municipality.objects.create(
        region=region, cbs_code=code, name=town, province=province
    )
    audit_log(
        actor=ctx.actor,
        action=AuditAction.CREATE,
        obj=municipality,
        after=snapshot(municipality),
    )
    return new(number, f"{code} {town} ({province})")


register(
    SetupImport(
        slug="gemeenten",
        title=gettext_lazy("Municipalities of the region"),
        order=10,
        needs_region=False,
        columns=(
            Column("regio", True, gettext_lazy("Name of the care region."), "Zorgregio West"),
            Column(
                "regio_code",
                False,
                gettext_lazy("Short name of the region in addresses (default: from the name)."),
                "zorgregio-west",
            ),
            Column(
                "gemeentecode",
                True,
                gettext_lazy(
                    "CBS municipality code (4 digits); name and province come from the CBS list."
                ),
                "0363",
            ),
        ),
        apply_row=_municipality_row,
    )
)


# --- inhabitants -----------------------------------------------------------------------------

# CBS StatLine's own export (e.g. table 03759ned or 70072ned) is read as it is: RegioS
# ("GM0363"), Perioden ("2026JJ00") and a column with the population on 1 January
# ("BevolkingOp1Januari_1", "TotaleBevolking_1").
CBS_COLUMNS = {"regios": "gemeentecode", "perioden": "jaar"}
CBS_PERIOD_RE = re.compile(r"^(\d{4})JJ00$")


def _cbs_header(ctx, header: list[str]) -> list[str]:
    if "regios" not in header:
        return header
    renamed = []
    for name in header:
        if name in CBS_COLUMNS:
            renamed.append(CBS_COLUMNS[name])
        elif "bevolking" in name and "inwoners" not in renamed:
            renamed.append("inwoners")
        else:
            renamed.append("")  # ID and other columns of the CBS table
    ctx.cache["cbs"] = True
    return renamed


def _inhabitants_row(ctx, number: int, values: dict):
    if ctx.cache.get("cbs"):
        region_code = values.get("gemeentecode", "").strip().upper()
        if not region_code.startswith("GM"):
            return unchanged(number, _("%s is not a municipality; skipped.") % region_code)
        period = CBS_PERIOD_RE.match(values.get("jaar", "").strip())
        if period is None:
            raise RowError("jaar", _("a CBS period is a year, e.g. 2024JJ00."))
        values = {**values, "gemeentecode": region_code[2:], "jaar": period[1], "bron": "CBS"}
    municipality = lookups.municipality(ctx, values)
    code = municipality.cbs_code
    year = ascii_digits(values, "jaar")
    if not year or not 1900 <= int(year) <= 2100:
        raise RowError("jaar", _("%s is not a year.") % (values.get("jaar") or "''"))
    count = ascii_digits(values, "inwoners")
    if not count or not 0 < int(count) < 100_000_000:
        raise RowError("inwoners", _("%s is not a number of inhabitants.") % (count or "''"))
    key = (code, year)
    if key in ctx.seen:
        raise RowError(
            "jaar",
            _("%(code)s %(year)s is already in row %(row)s.")
            % {"code": code, "year": year, "row": ctx.seen[key]},
        )
    ctx.seen[key] = number
    text = f"{municipality.name} {year}: {int(count)}"
    item = Inhabitants.objects.filter(municipality=municipality, year=int(year)).first()
    source = values.get("bron", "")[:200]
    if item is None:
        item = Inhabitants.objects.create(
            municipality=municipality, year=int(year), count=int(count), source=source
        )
        audit_log(actor=ctx.actor, action=AuditAction.CREATE, obj=item, after=snapshot(item))
        return new(number, text)
    if item.count == int(count):
        return unchanged(number, text)
    before = snapshot(item)
    item.count, item.source = int(count), source or item.source
    item.save()
    audit_log(
        actor=ctx.actor, action=AuditAction.UPDATE, obj=item, before=before, after=snapshot(item)
    )
    return changed(number, text)


register(
    SetupImport(
        slug="inwoners",
        title=gettext_lazy("Inhabitants per municipality and year"),
        order=20,
        columns=(
            Column(
                "gemeentecode",
                True,
                gettext_lazy(
                    "CBS municipality code. A CBS StatLine export (columns RegioS, Perioden and "
                    "the population on 1 January) is read as it is."
                ),
                "0363",
            ),
            Column("jaar", True, gettext_lazy("Year; the count is of 1 January."), "2026"),
            Column("inwoners", True, gettext_lazy("Number of inhabitants."), "931298"),
            Column("bron", False, gettext_lazy("Source, e.g. CBS StatLine 03759ned."), "CBS"),
        ),
        apply_row=_inhabitants_row,
        prepare=_cbs_header,
    )
)
