"""The set-up imports of a region, in the order a region goes live (README, *Live gaan*).

Each import is registered by its app (``<app>/importing.py``) with its documented columns
and a function that handles one row. :func:`run_import` reads the file, checks the header,
applies every row in one transaction (each row in a savepoint, so later rows see earlier
ones) and rolls everything back when any row is wrong, or when only checking: nothing is ever
applied half.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext as _

from zorgregio.audit.models import AuditAction
from zorgregio.audit.services import audit_log
from zorgregio.common.tables import (
    Column,
    RowError,
    RowResult,
    SetupReport,
    check_header,
    read_table,
    records,
    row_message,
    validation_messages,
)


@dataclass
class ImportContext:
    """What one run hands from row to row: the actor, its region, and what earlier rows did."""

    actor: Any
    region: Any = None
    base_url: str = ""
    seen: dict = field(default_factory=dict)
    cache: dict = field(default_factory=dict)
    after_commit: list[Callable[[], None]] = field(default_factory=list)


@dataclass(frozen=True)
class SetupImport:
    slug: str  # the command is ``zorgregio import-<slug>``
    title: str  # lazy
    order: int
    columns: tuple[Column, ...]
    apply_row: Callable[[ImportContext, int, dict], RowResult] | None = None
    # Field names of model errors -> column names, for the row messages.
    fields: dict = field(default_factory=dict)
    # An import that handles the whole table itself (products, tariffs).
    run_table: Callable | None = None
    # Renames the (lower-cased) header of a known foreign format to the documented columns.
    prepare: Callable[[ImportContext, list[str]], list[str]] | None = None
    needs_region: bool = True

    @property
    def column_map(self) -> dict[str, bool]:
        return {c.name: c.required for c in self.columns}


_IMPORTS: dict[str, SetupImport] = {}


def register(item: SetupImport) -> SetupImport:
    _IMPORTS[item.slug] = item
    return item


def imports() -> list[SetupImport]:
    autodiscover_modules("importing")
    return sorted(_IMPORTS.values(), key=lambda i: i.order)


def get(slug: str) -> SetupImport:
    for item in imports():
        if item.slug == slug:
            return item
    raise KeyError(slug)


def actor_region(actor, region=None):
    """The region an import works in: the actor's own (the regional team), or for the
    command line the one given or the only one."""
    from zorgregio.accounts.scoping import scope_for
    from zorgregio.regio.models import Region

    if actor is not None:
        scope = scope_for(actor)
        if not scope.manages_region:
            raise PermissionDenied(_("Only the regional team may do this."))
        return actor.region
    if region is not None:
        return region
    regions = list(Region.objects.all()[:2])
    return regions[0] if len(regions) == 1 else None


def run_import(
    item: SetupImport,
    *,
    actor,
    upload,
    filename: str = "",
    region=None,
    check_only: bool = False,
    base_url: str = "",
    operator: str = "",
) -> SetupReport:
    """Run one import. ``operator`` names the person at the command line (user@host) in the
    audit trail when there is no actor."""
    report = SetupReport(kind=item.slug, checked_only=check_only)
    ctx = ImportContext(actor=actor, region=actor_region(actor, region), base_url=base_url)
    if item.needs_region and ctx.region is None:
        report.errors.append(
            _(
                "There is no region yet, or more than one: import the municipalities first, or "
                "name the region (--regio)."
            )
        )
        return report
    data = upload.read() if hasattr(upload, "read") else upload
    filename = filename or getattr(upload, "name", "")
    if item.run_table is not None:
        return item.run_table(ctx, data, filename, report, check_only)
    try:
        rows = read_table(data, filename)
    except ValidationError as exc:
        report.errors = list(exc.messages)
        return report
    if item.prepare is not None:
        rows[0] = item.prepare(ctx, [h.strip().lower() for h in rows[0]])
    header, report.errors = check_header(rows, item.column_map)
    if report.errors:
        return report
    with transaction.atomic():
        for number, values in records(rows, header):
            try:
                with transaction.atomic():
                    report.rows.append(item.apply_row(ctx, number, values))
            except RowError as exc:
                report.errors.append(row_message(number, exc.column, exc.message))
            except ValidationError as exc:
                report.errors.extend(validation_messages(number, exc, item.fields))
            except PermissionDenied as exc:
                report.errors.append(row_message(number, "-", str(exc)))
        if report.errors or check_only:
            transaction.set_rollback(True)
            return report
        audit_log(
            actor=actor,
            action=AuditAction.IMPORT,
            message=_(
                "Set-up import %(kind)s: %(new)s new, %(changed)s changed, %(same)s unchanged."
            )
            % {
                "kind": item.slug,
                "new": report.created,
                "changed": report.updated,
                "same": report.unchanged,
            },
        )
        for callback in ctx.after_commit:
            transaction.on_commit(callback)
    return report


def unchanged(number: int, text: str) -> RowResult:
    return RowResult(row=number, outcome="unchanged", text=text)


def new(number: int, text: str) -> RowResult:
    return RowResult(row=number, outcome="new", text=text)


def changed(number: int, text: str) -> RowResult:
    return RowResult(row=number, outcome="changed", text=text)


def ascii_digits(values: dict, column: str, count: int | None = None, label: str = "") -> str:
    """A code of ASCII digits only (a fullwidth ８ is not an 8), left-padded where CBS and AGB
    codes lost their zeros in a spreadsheet."""
    raw = values.get(column, "").strip()
    if not raw:
        return ""
    if not (raw.isascii() and raw.isdigit()):
        raise RowError(column, _("%s may only hold the digits 0-9.") % raw)
    if count is not None:
        # A spreadsheet drops leading zeros: "363" is CBS code 0363, a 7-digit KvK number or AGB
        # code lost one zero. Anything shorter is a mistake, not a number to pad.
        if len(raw) >= max(count - 1, 3):
            raw = raw.zfill(count)
        if len(raw) != count:
            raise RowError(
                column,
                _("%(value)s is not a %(label)s of %(count)s digits.")
                % {"value": raw, "label": label or column, "count": count},
            )
    return raw
