"""CSV import of toewijzingen, leveringen and declaration lines (docs/berichten-csv.md).

For municipalities without a message archive. Every row is parsed into the same records the XML
parsers produce (:mod:`zorgregio.zorg.records`) and applied through
:func:`services.apply_records`, so the same checks run (TR rules, contract register, tariffs).
The whole file is validated first: any bad row gives a Dutch message naming the row and the
column, and nothing is applied. The file is stored raw with its checksum, like a message file;
the same file twice is refused.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
import shutil
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zorgregio.common.money import parse_euros
from zorgregio.common.validators import is_valid_bsn, parse_integer
from zorgregio.zorg.records import (
    ClientRecord,
    DeclaratieRecord,
    Header,
    Message,
    PrestatieRecord,
    StartRecord,
    StopRecord,
    ToewijzingRecord,
)

from .archive import writer as stored_writer
from .models import FileStatus, MessageFile
from .parsers import MAX_AMOUNT
from .states import MessageFileStates

KINDS = ("toewijzingen", "leveringen", "declaratieregels")
MAX_ERRORS = 50

_COMMON = ("gemeente", "aanbieder", "wet")
COLUMNS = {
    "toewijzingen": {
        "required": (*_COMMON, "bsn", "toewijzingnummer", "productcategorie", "productcode",
                     "toewijzingsdatum", "ingangsdatum"),
        "optional": ("geboortedatum", "einddatum", "reden_wijziging", "volume", "eenheid",
                     "frequentie", "budget", "referentie_aanbieder"),
    },
    "leveringen": {
        "required": (*_COMMON, "bsn", "toewijzingnummer", "begindatum"),
        "optional": ("einddatum", "reden_beeindiging", "status_aanlevering", "productcategorie",
                     "productcode"),
    },
    "declaratieregels": {
        "required": (*_COMMON, "declaratienummer", "declaratiedatum", "declaratieperiode_begin",
                     "declaratieperiode_einde", "bsn", "referentienummer", "toewijzingnummer",
                     "productcategorie", "productcode", "periode_begin", "periode_einde",
                     "volume", "eenheid", "tarief", "bedrag", "debet_credit"),
        "optional": ("vorig_referentienummer",),
    },
}  # fmt: skip
MESSAGE_TYPE = {"toewijzingen": "301", "declaratieregels": "323"}
_LAWS = {"wmo": "iwmo", "jw": "ijw", "jeugdwet": "ijw"}


@dataclass
class CsvImportResult:
    name: str
    status: str
    reasons: list[str] = field(default_factory=list)
    message_file: MessageFile | None = None
    rows: int = 0


class _Row:
    """One CSV row with typed getters that collect Dutch errors naming row and column."""

    def __init__(self, number: int, values: dict[str, str], errors: list[str]):
        self.number = number
        self.values = values
        self.errors = errors

    def fail(self, column: str, problem: str) -> None:
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(
                _("Row %(row)s, column '%(column)s': %(problem)s")
                % {"row": self.number, "column": column, "problem": problem}
            )

    def text(self, column: str, required: bool = True, max_length: int = 40) -> str:
        value = (self.values.get(column) or "").strip()
        if required and not value:
            self.fail(column, _("this field is required."))
        elif len(value) > max_length:
            # Not checked (nor repeated in a reason) any further: a stray quote can make a
            # value of the rest of the file.
            self.fail(column, _("at most %(n)s characters.") % {"n": max_length})
            return ""
        return value

    def digits(self, column: str, length: int, required: bool = True) -> str:
        value = self.text(column, required)
        if value and not re.fullmatch(f"[0-9]{{{length}}}", value):
            self.fail(column, _("%(value)s is not %(n)s digits.") % {"value": value, "n": length})
        return value

    def date(self, column: str, required: bool = True) -> dt.date | None:
        value = self.text(column, required)
        if not value:
            return None
        for fmt in ("%Y-%m-%d", "%d-%m-%Y"):
            try:
                return dt.datetime.strptime(value, fmt).date()
            except ValueError:
                continue
        self.fail(
            column, _("%(value)s is not a date (YYYY-MM-DD or DD-MM-YYYY).") % {"value": value}
        )
        return None

    def integer(self, column: str, required: bool = True) -> int | None:
        """A whole number of 0 or more in the digits 0-9, at most 99999999 (the standard's
        limit of a volume)."""
        value = self.text(column, required)
        if not value:
            return None
        try:
            return parse_integer(value, minimum=0, maximum=MAX_AMOUNT)
        except ValueError as exc:
            self.fail(column, str(exc))
            return None

    def euros(self, column: str, required: bool = True) -> int | None:
        value = self.text(column, required)
        if not value:
            return None
        try:
            cents = parse_euros(value)
        except ValidationError as exc:
            self.fail(column, exc.messages[0])
            return None
        if cents < 0:
            self.fail(column, _("the amount cannot be negative; use debet_credit C."))
        elif cents > MAX_AMOUNT:
            self.fail(
                column,
                _("%(value)s is more than the largest amount of one line (EUR 999.999,99).")
                % {"value": value},
            )
        return cents

    def choice(self, column: str, allowed, required: bool = True) -> str:
        value = (
            self.text(column, required).lower() if column == "wet" else self.text(column, required)
        )
        if value and value not in allowed:
            self.fail(
                column,
                _("%(value)s is not one of %(allowed)s.")
                % {"value": value, "allowed": ", ".join(sorted(allowed))},
            )
        return value

    def bsn(self) -> str:
        value = self.text("bsn")
        if value and not is_valid_bsn(value):
            self.fail(
                "bsn", _("%(value)s is not a valid BSN (9 digits, elfproef).") % {"value": value}
            )
        return value


def _read_rows(data: bytes, kind: str, errors: list[str]) -> list[_Row]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        errors.append(_("The file is not UTF-8 text."))
        return []
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = [(name or "").strip().lower() for name in (reader.fieldnames or [])]
    missing = [c for c in COLUMNS[kind]["required"] if c not in header]
    if missing:
        errors.append(
            _("Row 1 (header): missing column(s) %(columns)s for %(kind)s.")
            % {"columns": ", ".join(missing), "kind": kind}
        )
        return []
    known = set(COLUMNS[kind]["required"]) | set(COLUMNS[kind]["optional"])
    unknown = [c for c in header if c and c not in known]
    if unknown:
        # A stray quote makes the rest of the file one "column name": name only its start, so
        # the reason does not carry the file's contents (client numbers) along.
        shown = [" ".join(c.split())[:40] + ("..." if len(c) > 40 else "") for c in unknown]
        errors.append(
            _("Row 1 (header): unknown column(s) %(columns)s.") % {"columns": ", ".join(shown)}
        )
        return []
    reader.fieldnames = header
    rows = []
    try:
        for number, raw in enumerate(reader, start=2):
            if raw.get(None):
                errors.append(_("Row %(row)s: more values than columns.") % {"row": number})
                continue
            values = {k: (v or "") for k, v in raw.items() if k}
            if not any(v.strip() for v in values.values()):
                continue  # an empty line
            rows.append(_Row(number, values, errors))
    except csv.Error as exc:
        errors.append(_("The file is not valid CSV: %(error)s") % {"error": exc})
    if not rows and not errors:
        errors.append(_("The file holds no rows."))
    return rows


def _common(row: _Row, municipalities: dict, providers: dict) -> tuple[str, str, str]:
    cbs = row.digits("gemeente", 4)
    agb = row.digits("aanbieder", 8)
    law = row.choice("wet", _LAWS)
    if re.fullmatch("[0-9]{4}", cbs) and cbs not in municipalities:
        row.fail("gemeente", _("municipality %(code)s is not part of this region.") % {"code": cbs})
    if re.fullmatch("[0-9]{8}", agb) and agb not in providers:
        row.fail("aanbieder", _("no provider with AGB code %(code)s is known.") % {"code": agb})
    return cbs, agb, _LAWS.get(law, "")


def _check_period(row: _Row, start, end, end_column: str) -> None:
    if start and end and end < start:
        row.fail(end_column, _("the end date lies before the start date."))


def parse_csv(data: bytes, kind: str) -> list[Message]:
    """Parse and validate a whole CSV file into messages; raise ValidationError with every
    problem (row and column named) when anything is wrong."""
    from zorgregio.aanbieders.models import Provider
    from zorgregio.regio.models import Municipality

    if kind not in KINDS:
        raise ValidationError(
            _("Unknown kind %(kind)s; choose %(kinds)s.")
            % {"kind": kind, "kinds": ", ".join(KINDS)}
        )
    errors: list[str] = []
    rows = _read_rows(data, kind, errors)
    municipalities = set(Municipality.objects.values_list("cbs_code", flat=True))
    providers = set(Provider.objects.exclude(agb_code=None).values_list("agb_code", flat=True))
    groups: OrderedDict[tuple, list] = OrderedDict()
    declarations: dict[tuple, dict] = {}
    for row in rows:
        cbs, agb, standard = _common(row, municipalities, providers)
        if kind == "toewijzingen":
            record = ToewijzingRecord(
                client=ClientRecord(row.bsn(), row.date("geboortedatum", False), row.number),
                toewijzingnummer=str(row.integer("toewijzingnummer") or ""),
                productcategorie=row.text("productcategorie", max_length=2),
                productcode=row.text("productcode", max_length=5),
                toewijzingsdatum=row.date("toewijzingsdatum"),
                ingangsdatum=row.date("ingangsdatum"),
                einddatum=row.date("einddatum", False),
                reden_wijziging=row.text("reden_wijziging", False, 2),
                volume=row.integer("volume", False),
                unit=row.text("eenheid", False, 2),
                frequency=row.text("frequentie", False, 1),
                budget_cents=row.euros("budget", False),
                referentie_aanbieder=row.text("referentie_aanbieder", False, 36),
                row=row.number,
            )
            _check_period(row, record.ingangsdatum, record.einddatum, "einddatum")
            if record.volume is not None and not (record.unit and record.frequency):
                row.fail("eenheid", _("a volume needs eenheid and frequentie."))
            key = (cbs, agb, standard, "301")
        elif kind == "leveringen":
            client = ClientRecord(row.bsn(), None, row.number)
            begin = row.date("begindatum")
            end = row.date("einddatum", False)
            status = row.choice("status_aanlevering", {"1", "2", "3"}, False) or "1"
            common = {
                "client": client,
                "toewijzingnummer": str(row.integer("toewijzingnummer") or ""),
                "begindatum": begin,
                "productcategorie": row.text("productcategorie", False, 2),
                "productcode": row.text("productcode", False, 5),
                "status_aanlevering": status,
                "row": row.number,
            }
            if end is not None:
                reden = row.text("reden_beeindiging", True, 2)
                _check_period(row, begin, end, "einddatum")
                record = StopRecord(
                    einddatum=end, reden_beeindiging=reden, with_start=True, **common
                )
                key = (cbs, agb, standard, "307")
            else:
                if row.text("reden_beeindiging", False):
                    row.fail("einddatum", _("a reason for ending needs an end date."))
                record = StartRecord(**common)
                key = (cbs, agb, standard, "305")
        else:
            nummer = row.text("declaratienummer", max_length=12)
            if nummer and not nummer.isalnum():
                row.fail("declaratienummer", _("only letters and digits are allowed."))
            head = (
                row.date("declaratiedatum"),
                row.date("declaratieperiode_begin"),
                row.date("declaratieperiode_einde"),
            )
            _check_period(row, head[1], head[2], "declaratieperiode_einde")
            volume = row.integer("volume")
            unit = row.text("eenheid", max_length=2)
            tariff = row.euros("tarief", unit != "83")  # in euros no tariff (CD087)
            amount = row.euros("bedrag")
            record = PrestatieRecord(
                bsn=row.bsn(),
                referentienummer=row.text("referentienummer", max_length=20),
                toewijzingnummer=str(row.integer("toewijzingnummer") or ""),
                productcategorie=row.text("productcategorie", max_length=2),
                productcode=row.text("productcode", max_length=5),
                period_start=row.date("periode_begin"),
                period_end=row.date("periode_einde"),
                volume=volume or 0,
                unit=unit,
                tariff_cents=tariff,
                amount_cents=amount or 0,
                debit_credit=row.choice("debet_credit", {"D", "C"}),
                vorig_referentienummer=row.text("vorig_referentienummer", False, 20),
                row=row.number,
            )
            _check_period(row, record.period_start, record.period_end, "periode_einde")
            if record.debit_credit == "C" and not record.vorig_referentienummer:
                row.fail("vorig_referentienummer", _("a credit line names the debit line it "
                                                     "takes back."))  # fmt: skip
            key = (cbs, agb, standard, "323", nummer)
            seen = declarations.setdefault(key, {"head": head, "row": row.number})
            if seen["head"] != head:
                row.fail(
                    "declaratiedatum",
                    _("declaration %(nr)s has other dates in row %(first)s.")
                    % {"nr": nummer, "first": seen["row"]},
                )
        groups.setdefault(key, []).append(record)
    if errors:
        raise ValidationError(errors)
    return [_message(key, records, declarations.get(key)) for key, records in groups.items()]


def _message(key: tuple, records: list, declaration: dict | None) -> Message:
    cbs, agb, standard, message_type = key[:4]
    from_municipality = message_type == "301"
    header = Header(
        standard=standard,
        message_type=message_type,
        afzender=cbs if from_municipality else agb,
        ontvanger=agb if from_municipality else cbs,
        identificatie="CSV",
        dagtekening=timezone.localdate(),
    )
    if message_type != "323":
        return Message(header=header, items=records)
    declaratiedatum, first, last = declaration["head"]
    total = sum(-r.amount_cents if r.debit_credit == "C" else r.amount_cents for r in records)
    item = DeclaratieRecord(
        declaratienummer=key[4],
        declaratiedatum=declaratiedatum,
        period_start=first,
        period_end=last,
        total_cents=abs(total),
        total_debit_credit="C" if total < 0 else "D",
        lines=records,
        row=declaration["row"],
    )
    return Message(header=header, items=[item])


def ingest_csv(path, *, kind: str, actor=None) -> CsvImportResult:
    """Import one CSV file of ``kind`` (toewijzingen, leveringen, declaratieregels).

    All or nothing: a bad row, or a message the checks refuse as a whole (an unknown
    municipality, a DeclaratieNummer received before), applies nothing and the result is
    ``afgekeurd`` with the reasons. Lines the TR checks reject are stored as rejected, exactly as
    from a 323 message; their explanations are in the reasons.
    """
    from zorgregio.zorg.apply import changed_months
    from zorgregio.zorg.hooks import note_changes
    from zorgregio.zorg.index import ApplyContext
    from zorgregio.zorg.records import MessageError

    from .services import apply_records
    from .validation import checked

    path = Path(path)
    name = path.name
    try:
        data = path.read_bytes()
    except OSError as exc:
        return CsvImportResult(
            name, FileStatus.REJECTED, [_("The file could not be read: %s") % exc]
        )
    sha = hashlib.sha256(data).hexdigest()
    existing = MessageFile.objects.filter(sha256=sha).first()
    if existing is not None:
        from .services import duplicate_result

        seen = duplicate_result(name, existing, actor)
        return CsvImportResult(name, FileStatus.REJECTED, seen.reasons, seen.message_file)
    try:
        messages = parse_csv(data, kind)
    except ValidationError as exc:
        return CsvImportResult(name, FileStatus.REJECTED, list(exc.messages))
    rows = sum(
        len(m.items[0].lines) if m.header.message_type == "323" else len(m.items) for m in messages
    )
    ctx = ApplyContext()
    remarks: list[str] = []
    items = rejected = 0
    refused_items: list[dict] = []
    try:
        with transaction.atomic():
            target = Path(settings.MEDIA_ROOT) / "berichten" / "csv" / f"{sha}.csv"
            message_file = MessageFile.objects.create(
                sha256=sha,
                name=name[:255],
                size=len(data),
                stored_path=str(target),
                message_type="CSV",
                status=FileStatus.PROCESSING,
                uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
            )
            for message in messages:
                # The same rules as for a message, except those on client details (names,
                # addresses, relations), which the CSV format does not have.
                message.items = checked(message.header, message.items, client_details=False)
                summary = apply_records(message, actor=actor, source=message_file, ctx=ctx)
                items += summary.items
                rejected += summary.rejected
                remarks.extend(summary.remarks)
                note_changes(changed_months(summary))
                refused_items.extend(summary.refused_items)
            message_file.identificatie = f"CSV {kind}"[:40]
            MessageFileStates.check(message_file.status, FileStatus.PROCESSED)
            message_file.status = FileStatus.PROCESSED
            message_file.errors = remarks[:200]
            message_file.item_count = items
            message_file.rejected_count = rejected
            message_file.verdict = {"items": items, "rejected": rejected,
                                    "refused_items": refused_items[:10_000]}  # fmt: skip
            message_file.processed_at = timezone.now()
            message_file.save()
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_suffix(".part")
            with stored_writer(tmp.open("wb")) as handle:  # encrypted at rest (BSNs)
                handle.write(data)
            shutil.move(tmp, target)
    except MessageError as exc:
        return CsvImportResult(name, FileStatus.REJECTED, [exc.reason])
    from zorgregio.audit.models import AuditAction
    from zorgregio.audit.services import audit_log

    audit_log(actor=actor, action=AuditAction.IMPORT, obj=message_file, message=f"CSV {kind}")
    from zorgregio.zorg.hooks import care_data_changed

    remarks += care_data_changed()
    return CsvImportResult(name, FileStatus.PROCESSED, remarks, message_file, rows)
