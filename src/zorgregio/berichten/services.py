"""Message ingest: store raw files once, parse them streaming, validate, apply to the care model.

Public API (other modules and the CSV import build on it; keep the signatures stable):

- :func:`ingest_paths` (files, folders, zip archives) -> list of :class:`IngestResult`
- :func:`ingest_file` one file-like object (uploads)
- :func:`apply_records` apply one parsed :class:`~.records.Message` with all checks

Applying is all-or-nothing per message (``transaction.atomic``); anything that refuses the
message raises :class:`~.parsers.MessageError` with a Dutch reason. Items of an accepted message
that a TR rule refuses are not applied and are listed as remarks.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import logging
import os
import tempfile
import threading
import time
import zipfile
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zorgregio.aanbieders.models import Provider
from zorgregio.accounts.scoping import may_write_care_data
from zorgregio.audit.models import AuditAction
from zorgregio.audit.services import audit_log
from zorgregio.regio.models import Municipality
from zorgregio.zorg.models import (
    Client,
    Declaratie,
    DeclaratieRegel,
    DeclaratieStatus,
    Levering,
    LineStatus,
    Toewijzing,
    Verzoek,
)
from zorgregio.zorg.rules import variants
from zorgregio.zorg.rules.cross import month_bounds
from zorgregio.zorg.services import encrypt_bsn, pseudonym, pseudonyms

from . import checks, verdicts
from .archive import writer as stored_writer
from .checks import TW, debit_key
from .models import FileStatus, MessageFile
from .parsers import MessageError
from .pipeline import open_message
from .records import (
    RETURN_TYPES,
    AntwoordRecord,
    DeclaratieRecord,
    Message,
    StartRecord,
    StopRecord,
    ToewijzingRecord,
    VerzoekRecord,
)
from .validation import check_identificatie

log = logging.getLogger(__name__)

MAX_FILE_BYTES = int(getattr(settings, "ZORGREGIO_MAX_MESSAGE_BYTES", 1024**3))
LINE_BATCH = 2000
MAX_REMARKS = 200
# Small files are applied many to one transaction (each message in a savepoint of its own, so
# still all or nothing per message): a commit, and the disk sync it costs, is paid per batch,
# not per file. A batch ends after BATCH_FILES files or BATCH_SECONDS (other writers wait for
# it); a file of BATCH_BIG_BYTES or more gets a transaction of its own.
BATCH_FILES = 200
BATCH_SECONDS = 2.0
BATCH_BIG_BYTES = 4 * 1024 * 1024
# A declaration of fewer lines is written at once instead of on the writer thread, whose start
# and join cost more than the write.
THREAD_MIN_ROWS = 500
CHUNK = 1024 * 1024

Progress = Callable[[float, int, str], None]


@dataclass
class IngestResult:
    """The outcome for one file. ``reasons`` are Dutch; ``status`` a :class:`FileStatus`."""

    name: str
    status: str
    reasons: list[str] = field(default_factory=list)
    message_file: MessageFile | None = None
    duplicate: bool = False

    @property
    def refused(self) -> bool:
        return self.status == FileStatus.REJECTED

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "status": str(self.status),
            "reasons": self.reasons,
            "file_id": self.message_file.pk if self.message_file else None,
            "duplicate": self.duplicate,
        }


@dataclass
class ApplySummary:
    items: int = 0
    rejected: int = 0
    remarks: list[str] = field(default_factory=list)
    declaraties: list[int] = field(default_factory=list)
    refused_items: list[dict] = field(default_factory=list)  # row, rule, retourcode (verdicts)

    def remark(self, text: str) -> None:
        if len(self.remarks) < MAX_REMARKS:
            self.remarks.append(text)


# --- sources ---------------------------------------------------------------------------------


_made_dirs: set[str] = set()


def _ensure_dir(path: Path) -> Path:
    key = str(path)
    if key not in _made_dirs:
        path.mkdir(parents=True, exist_ok=True)
        _made_dirs.add(key)
    return path


def _archive_dir() -> Path:
    return _ensure_dir(Path(settings.MEDIA_ROOT) / "berichten")


@dataclass
class Source:
    """One file to import: a file on disk or a member of a zip archive. ``refusal`` is set when
    it cannot be read at all (the zip's table of contents is damaged, the path is missing)."""

    name: str
    open: Callable | None
    size: int | None
    refusal: str | None = None
    member: bool = False  # a member of a zip archive


# What reading a damaged zip member can raise: a bad CRC or header, a truncated or corrupt
# deflate stream, an encrypted member, an unknown compression method, a size that lies.
ZIP_MEMBER_ERRORS = (
    zipfile.BadZipFile, zlib.error, RuntimeError, NotImplementedError, EOFError, ValueError,
    OSError,
)  # fmt: skip


def _member_reason(exc: BaseException) -> str:
    if isinstance(exc, RuntimeError) and "encrypt" in str(exc).lower():
        return _("The file in the zip archive is encrypted with a password; it cannot be read.")
    if isinstance(exc, NotImplementedError):
        return _("The file in the zip archive uses a compression method that is not supported.")
    return _("The file in the zip archive is damaged (checksum or size does not match).")


def _zip_sources(zip_file, stack: contextlib.ExitStack, name: str = "") -> list[Source]:
    """The members of a zip archive (a path or a seekable file object), read through one open
    archive (linear in the members); two members with the same name each get their own
    result."""
    name = name or Path(zip_file).name
    try:
        archive = stack.enter_context(zipfile.ZipFile(zip_file))
        members = [info for info in archive.infolist() if not info.is_dir()]
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
        return [Source(name, None, None, _("The zip archive is damaged and cannot be read."))]
    if not members:
        return [Source(name, None, None, _("The zip archive contains no files."))]
    sources = []
    seen: dict[str, int] = {}
    for info in sorted(members, key=lambda i: i.filename):
        seen[info.filename] = seen.get(info.filename, 0) + 1
        member = f"{name}:{info.filename}"
        if seen[info.filename] > 1:
            member += f" ({seen[info.filename]})"
        sources.append(
            Source(member, lambda info=info: archive.open(info), info.file_size, member=True)
        )
    return sources


def _sources(paths: Iterable, stack: contextlib.ExitStack) -> list[Source]:
    """Every file to import: folders are walked, zip archives opened (kept open on ``stack``)."""
    found: list[Source] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found += _sources(sorted(p for p in path.rglob("*") if p.is_file()), stack)
        elif path.suffix.lower() == ".zip" and path.is_file():
            found += _zip_sources(path, stack)
        elif path.is_file():
            found.append(Source(path.name, lambda p=path: open(p, "rb"), path.stat().st_size))  # noqa: SIM115
        else:
            found.append(Source(str(path), None, None, _("File or folder not found.")))
    return found


class Budget:
    """The bytes one import may still write into the archive (None: no limit beyond the
    per-file maximum). An upload gets a budget, so a small zip cannot expand without bound."""

    def __init__(self, total: int | None = None):
        self.left = total

    def take(self, size: int) -> bool:
        if self.left is None:
            return True
        self.left -= size
        return self.left >= 0


def _copy(fh, size: int | None, budget: Budget | None = None) -> tuple[str, Path, int] | str:
    """Copy the file into the archive while hashing it: (sha256, stored path, size), or the
    refusal reason. The archive path is the checksum, so the same content is stored once."""
    if size is not None and size > MAX_FILE_BYTES:
        fh.close()
        return _too_big(size)
    archive = _archive_dir()
    digest = hashlib.sha256()
    total = 0
    over_budget = False
    tmp = tempfile.NamedTemporaryFile(dir=archive, delete=False, suffix=".part")  # noqa: SIM115
    try:
        with stored_writer(tmp) as out:  # encrypted at rest: the file carries BSNs
            while chunk := fh.read(CHUNK):
                total += len(chunk)
                if total > MAX_FILE_BYTES:
                    break
                if budget is not None and not budget.take(len(chunk)):
                    over_budget = True
                    break
                digest.update(chunk)
                out.write(chunk)
    except BaseException:
        os.unlink(tmp.name)
        raise
    finally:
        fh.close()
    if total > MAX_FILE_BYTES or over_budget:
        os.unlink(tmp.name)
        if over_budget:
            return _("The upload holds more than %(max)s MB of files in all; refused.") % {
                "max": settings.ZORGREGIO_MAX_UPLOAD_BYTES // 1024**2
            }
        return _too_big(total)
    sha = digest.hexdigest()
    target = _ensure_dir(archive / sha[:2]) / f"{sha}.xml"
    os.replace(tmp.name, target)
    return sha, target, total


def _too_big(size: int) -> str:
    return _("The file is %(size)s MB, more than the maximum of %(max)s MB; refused.") % {
        "size": size // 1024**2,
        "max": MAX_FILE_BYTES // 1024**2,
    }


# --- entry points ----------------------------------------------------------------------------


@dataclass
class Received:
    """A file stored in the archive (or the reason it could not be): the first half of an
    import. The upload screen receives in the request, the worker processes later."""

    name: str
    message_file: MessageFile | None = None
    refusal: str | None = None

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "file_id": self.message_file.pk if self.message_file else None,
            "refusal": self.refusal,
        }


def receive(source: Source, *, actor=None, budget: Budget | None = None) -> Received:
    """Store one source in the archive and record it (status received). Never raises for bad
    input: a file that cannot be read gets its Dutch reason."""
    if source.open is None:
        return Received(source.name, refusal=source.refusal or _("The file could not be read."))
    try:
        copied = _copy(source.open(), source.size, budget)
    except ZIP_MEMBER_ERRORS as exc:
        if source.member:
            return Received(source.name, refusal=_member_reason(exc))
        if not isinstance(exc, OSError):
            raise
        return Received(source.name, refusal=_("The file could not be read: %s") % exc)
    if isinstance(copied, str):
        return Received(source.name, refusal=copied)
    sha, target, total = copied
    message_file, _created = MessageFile.objects.get_or_create(
        sha256=sha,
        defaults={
            "name": source.name[:255],
            "size": total,
            "stored_path": str(target),
            "uploaded_by": actor if getattr(actor, "is_authenticated", False) else None,
            "status": FileStatus.RECEIVED,
        },
    )
    return Received(source.name, message_file)


def receive_uploads(uploads, *, actor) -> list[Received]:
    """Store uploaded files (``(name, file object)`` pairs; zip archives are unpacked) in the
    archive, within the upload budget of ``ZORGREGIO_MAX_UPLOAD_BYTES``."""
    budget = Budget(settings.ZORGREGIO_MAX_UPLOAD_BYTES)
    received = []
    with contextlib.ExitStack() as stack:
        for name, upload in uploads:
            if name.lower().endswith(".zip"):
                sources = _zip_sources(upload, stack, name=name)
            else:
                sources = [Source(name, lambda upload=upload: upload, upload.size)]
            received += [receive(source, actor=actor, budget=budget) for source in sources]
    return received


def receive_paths(paths, *, actor=None, budget: Budget | None = None) -> list[Received]:
    """Store every file of ``paths`` (files, folders, zip archives) without processing it."""
    with contextlib.ExitStack() as stack:
        return [receive(s, actor=actor, budget=budget) for s in _sources(paths, stack)]


def ingest_paths(
    paths, *, actor=None, on_progress: Progress | None = None, refresh_monitor: bool = True
) -> list[IngestResult]:
    """Ingest files, folders and zip archives. One result per file, in order; a damaged file or
    zip member gets its own refusal whatever the others do.

    ``on_progress(done, total, name)`` is called while working: ``done`` counts finished files
    and may be fractional while a large file is read. Afterwards whatever builds on the care
    data (the monitor) is brought up to date (``refresh_monitor=False`` leaves that to the
    caller, as the demo does once at its end; the changes stay noted until then).
    """
    with contextlib.ExitStack() as stack:
        sources = _sources(paths, stack)
        ctx = ApplyContext()
        total = len(sources)

        def work(index: int) -> IngestResult:
            source = sources[index]
            if on_progress:
                on_progress(index, total, source.name)

            def fraction(read_bytes, index=index, name=source.name, size=source.size):
                if on_progress and size:
                    on_progress(index + min(read_bytes / size, 0.99), total, name)

            received = receive(source, actor=actor)
            return process_received(received, actor=actor, ctx=ctx, on_bytes=fraction)

        results = in_batches(total, work, size_of=lambda i: sources[i].size, ctx=ctx)
    if on_progress:
        on_progress(total, total, "")
    if refresh_monitor:
        after_import(results)
    return results


def in_batches(count: int, work: Callable[[int], IngestResult], *, size_of, ctx) -> list:
    """``work(i)`` for i in ``range(count)``, small files many to one transaction (see
    BATCH_FILES). ``work`` handles a file's own failures (a refusal is a result); should a
    batch fail anyway (the commit, the database), its files are done again one by one, each in
    its own transaction as without batches, so no result tells of work that was rolled back."""
    results: list = []
    index = 0
    while index < count:
        first = index
        try:
            with transaction.atomic():
                ctx.noted = set()  # one transaction: a month is noted in it once
                started = time.monotonic()
                batch: list = []
                while index < count:
                    big = (size_of(index) or 0) >= BATCH_BIG_BYTES
                    full = len(batch) >= BATCH_FILES
                    if batch and (big or full or time.monotonic() - started >= BATCH_SECONDS):
                        break
                    batch.append(work(index))
                    index += 1
                    if big:
                        break
                ctx.noted = None
        except Exception:
            log.exception("A batch of %s files failed; processing them one by one", index - first)
            ctx.reset()
            last = min(index + 1, count)
            batch = [work(i) for i in range(first, last)]  # each in a transaction of its own
            index = last
        results += batch
    return results


def after_import(results: list[IngestResult]) -> None:
    """Tell whatever builds on the care data that it changed; its problems become remarks of
    the results (the files themselves were applied and stay so)."""
    from zorgregio.zorg.hooks import care_data_changed

    problems = care_data_changed()
    if problems:
        for result in results:
            if result.status == FileStatus.PROCESSED and not result.duplicate:
                result.reasons = [*result.reasons, *problems]


def process_received(received: Received, *, actor=None, ctx=None, on_bytes=None) -> IngestResult:
    if received.message_file is None:
        return IngestResult(received.name, FileStatus.REJECTED, [received.refusal])
    return process_file(
        received.message_file, actor=actor, ctx=ctx, on_bytes=on_bytes, name=received.name
    )


def ingest_file(name, fh, *, size=None, actor=None, ctx=None, on_bytes=None) -> IngestResult:
    """Store one file (a binary file object) and process it. Never raises for bad input."""
    received = receive(Source(name, lambda: fh, size), actor=actor)
    return process_received(received, actor=actor, ctx=ctx, on_bytes=on_bytes)


def _schema_reason(message) -> MessageError | None:
    """When a message was refused before it was read to the end, the XSD or a rule within the
    message may refuse it too: that refusal comes first in the standard (check levels 1 and 2
    before 3 and 4) and is the one operators expect (read only, nothing is written)."""
    if message is None:
        return None
    try:
        for item in message.items:
            for _line in getattr(item, "lines", ()):
                pass
    except MessageError as exc:
        return exc if exc.schema or verdicts.within_message(exc.rule) else None
    except Exception:  # noqa: BLE001 - only a better reason is sought here
        return None
    return None


def duplicate_result(name: str, message_file: MessageFile, actor) -> IngestResult:
    """ "Already received": with the earlier file's name and date only for who may see it."""
    from .selectors import message_files

    if actor is not None and not message_files(actor).filter(pk=message_file.pk).exists():
        return IngestResult(
            name,
            message_file.status,
            [_("This file was already received; it is not processed again.")],
            None,
            duplicate=True,
        )
    when = timezone.localtime(message_file.received_at).strftime("%d-%m-%Y %H:%M")
    return IngestResult(
        name,
        message_file.status,
        [
            _("This file was already received on %(when)s as %(name)s; it is not processed again.")
            % {"when": when, "name": message_file.name}  # fmt: skip
        ],
        message_file,
        duplicate=True,
    )


def process_file(message_file, *, actor=None, ctx=None, on_bytes=None, name=None) -> IngestResult:
    """Process a stored file that is received, or refused before (a refused file is processed
    again when it is offered again: its cause may have been fixed). The claim (a conditional
    update to "processing") is made in the transaction that applies the file: a concurrent
    import of the same file waits for it and then finds it processed, and a process that dies
    halfway leaves the file as it was."""
    name = name or message_file.name
    with transaction.atomic():
        claimed = MessageFile.objects.filter(
            pk=message_file.pk, status__in=[FileStatus.RECEIVED, FileStatus.REJECTED]
        ).update(
            status=FileStatus.PROCESSING,
            uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        if claimed:  # what the update wrote, without reading the row again
            message_file.status = FileStatus.PROCESSING
            message_file.uploaded_by = actor if getattr(actor, "is_authenticated", False) else None
            return _process(message_file, actor=actor, ctx=ctx, on_bytes=on_bytes, name=name)
    message_file.refresh_from_db()
    return duplicate_result(name, message_file, actor)


def retry_refused(*, actor=None, on_progress: Progress | None = None) -> list[IngestResult]:
    """Process every refused file in the archive again (``zorgregio import --retry-refused``),
    oldest first, then bring the monitor up to date."""
    from .selectors import message_files

    files = MessageFile.objects.filter(status=FileStatus.REJECTED)
    if actor is not None:
        files = message_files(actor).filter(status=FileStatus.REJECTED)
    files = list(files.order_by("received_at", "pk"))
    ctx = ApplyContext()

    def work(index: int) -> IngestResult:
        if on_progress:
            on_progress(index, len(files), files[index].name)
        return process_file(files[index], actor=actor, ctx=ctx)

    results = in_batches(len(files), work, size_of=lambda i: files[i].size, ctx=ctx)
    if on_progress:
        on_progress(len(files), len(files), "")
    after_import(results)
    return results


def _process(message_file, *, actor, ctx, on_bytes, name) -> IngestResult:
    ctx = ctx or ApplyContext()
    status, reasons, summary, message = FileStatus.PROCESSED, [], None, None
    refusal = None
    # A retried file starts from a clean slate: what the earlier attempt read is forgotten.
    message_file.municipality = message_file.provider = None
    message_file.item_count = message_file.rejected_count = 0
    try:
        message = open_message(Path(message_file.stored_path), on_bytes=on_bytes)
        header = message.header
        message_file.message_type = ("WMO" if header.standard == "iwmo" else "JW") + (
            header.message_type
        )
        if header.message_type in RETURN_TYPES:
            for _item in message.items:  # read to the end: the XSD check covers the whole file
                pass
            message_file.standard, message_file.law = header.standard, header.law
            message_file.identificatie = header.identificatie[:40]
            reasons = [_("Return message: archived, nothing applied to the care model.")]
        else:
            summary = apply_records(message, actor=actor, source=message_file, ctx=ctx)
            reasons = summary.remarks
            ctx.note_changes(changed_months(summary))
    except MessageError as exc:
        ctx.reset()
        refusal = exc if verdicts.within_message(exc.rule) else _schema_reason(message) or exc
        status, reasons = FileStatus.REJECTED, [refusal.reason]
    except Exception:  # never a 500 or a half-applied message
        log.exception("Processing %s failed", name)
        ctx.reset()
        status, reasons = (
            FileStatus.REJECTED,
            [_("Processing failed unexpectedly; nothing was applied.")],
        )
    finally:
        if message is not None:
            message.close()
    message_file.status = status
    message_file.errors = reasons
    message_file.verdict = verdicts.stored(refusal=refusal, summary=summary)
    message_file.processed_at = timezone.now()
    if summary is not None:
        message_file.item_count = summary.items
        message_file.rejected_count = summary.rejected
    message_file.save()
    audit_log(
        actor=actor,
        action=AuditAction.IMPORT,
        obj=message_file,
        message=f"{message_file.message_type} {status}",
    )
    return IngestResult(name, status, reasons, message_file)


def changed_months(summary: ApplySummary) -> set:
    """The months whose figures the applied message changes: those of its declaration lines,
    or none in particular (toewijzingen, leveringen, requests: ``None``)."""
    if not summary.declaraties:
        return {None}
    return set(
        DeclaratieRegel.objects.filter(declaratie_id__in=summary.declaraties)
        .values_list("month", flat=True)
        .distinct()
    ) or {None}


# --- the care model --------------------------------------------------------------------------


class ProviderState:
    """In-memory index of one provider's toewijzingen and declared lines (per import)."""

    def __init__(self, provider_id: int):
        self.provider_id = provider_id
        self.toewijzingen: dict[tuple[int, str], TW] = {}
        self.by_id: dict[int, TW] = {}
        self.debit_keys: set[int] = set()
        # TR333 and TR314 in memory: declaration numbers, and hashes of (law, reference number)
        # (a hit is confirmed in the database, so a hash collision cannot refuse a line).
        self.declaratienummers = set(
            Declaratie.objects.filter(provider_id=provider_id).values_list(
                "law", "declaratienummer"
            )
        )
        self.refs: set[int] = {
            hash(pair)
            for pair in DeclaratieRegel.objects.filter(provider_id=provider_id).values_list(
                "law", "referentienummer"
            )
        }
        self.pseudonyms = dict(
            Client.objects.filter(toewijzingen__provider_id=provider_id).values_list(
                "pseudonym", "id"
            )
        )
        for row in Toewijzing.objects.filter(provider_id=provider_id).values_list(
            "id", "client_id", "provider_id", "product_id", "productcategorie", "productcode",
            "ingangsdatum", "einddatum", "volume", "unit", "frequency", "budget_cents", "deleted",
            "municipality_id", "toewijzingnummer",
        ):  # fmt: skip
            tw = TW(*row[:13])
            self.toewijzingen[(row[13], row[14])] = tw
            self.by_id[tw.id] = tw
        for lev in Levering.objects.filter(toewijzing__provider_id=provider_id).values_list(
            "id", "toewijzing_id", "begindatum", "einddatum", "deleted"
        ):
            tw = self.by_id.get(lev[1])
            if tw is not None:
                tw.leveringen.append([lev[0], lev[2], lev[3], lev[4]])
        credited = set(
            DeclaratieRegel.objects.filter(
                provider_id=provider_id, debit_credit="C", status=LineStatus.APPROVED
            ).values_list("law", "vorig_referentienummer")
        )
        approved = DeclaratieRegel.objects.filter(
            provider_id=provider_id, status=LineStatus.APPROVED, toewijzing__isnull=False
        )
        for law, ref, tw_id, cat, code, start, end, volume, amount, dc in approved.values_list(
            "law", "referentienummer", "toewijzing_id", "productcategorie", "productcode",
            "period_start", "period_end", "volume", "amount_cents", "debit_credit",
        ):  # fmt: skip
            tw = self.by_id.get(tw_id)
            if tw is None:
                continue
            sign = -1 if dc == "C" else 1
            tw.used_volume += sign * volume
            tw.used_amount += sign * amount
            if dc == "D" and (law, ref) not in credited:
                self.debit_keys.add(debit_key(tw_id, cat, code, start, end))

    def add(self, municipality_id: int, nummer: str, tw: TW) -> None:
        self.toewijzingen[(municipality_id, nummer)] = tw
        self.by_id[tw.id] = tw


class ApplyContext:
    """Indexes shared by all messages of one import run (reset when a message is refused)."""

    def __init__(self):
        self.reset()

    def reset(self) -> None:
        self.municipalities: dict[str, int] | None = None
        self.regions: dict[int, int] = {}
        self.providers: dict[str, int | None] = {}
        self.states: dict[int, ProviderState] = {}
        self.clients: dict[str, int] = {}
        self._products = None
        self._tariffs = None
        self._admissions = None
        self._variants = None  # the funding variants (zorg/rules/variants.py)
        # Months noted as changed in the current batch's transaction (``in_batches`` sets it
        # for the length of one transaction); None: note every time.
        self.noted: set | None = None

    def note_changes(self, months: set) -> None:
        """Note changed months, once per transaction within a batch of files."""
        from zorgregio.zorg.hooks import note_changes

        new = set(months) - (self.noted or set())
        if new:
            note_changes(new)
            if self.noted is not None:
                self.noted |= new

    # reference data
    def municipality_id(self, cbs: str) -> int | None:
        if self.municipalities is None:
            self.municipalities = {}
            self.regions = {}
            for code, pk, region_id in Municipality.objects.values_list(
                "cbs_code", "id", "region_id"
            ):
                self.municipalities[code] = pk
                self.regions[pk] = region_id
        return self.municipalities.get(cbs)

    def region_of(self, municipality_id: int) -> int | None:
        return self.regions.get(municipality_id)

    def provider_id(self, agb: str) -> int | None:
        if agb not in self.providers:
            self.providers[agb] = (
                Provider.objects.filter(agb_code=agb).values_list("id", flat=True).first()
            )
        return self.providers[agb]

    def state(self, provider_id: int) -> ProviderState:
        state = self.states.get(provider_id)
        if state is None:
            state = self.states[provider_id] = ProviderState(provider_id)
        return state

    def product(self, law: str, categorie: str, code: str, day) -> int | None:
        if self._products is None:
            from zorgregio.producten.models import Product

            self._products = {}
            for pid, plaw, pcode, first, last in Product.objects.values_list(
                "id", "law", "productcode", "valid_from", "valid_until"
            ).order_by("valid_from"):
                self._products.setdefault((plaw, pcode), []).append((first, last, pid))
        rows = self._products.get((law, code))
        if not rows:
            return None
        if day is not None:
            for first, last, pid in rows:
                if (first is None or first <= day) and (last is None or day <= last):
                    return pid
        return rows[-1][2]

    def tariff(self, product_id: int, municipality_id: int, day) -> int | None:
        if self._tariffs is None:
            from zorgregio.producten.models import Tariff

            self._tariffs = {}
            for pid, mid, first, last, amount in Tariff.objects.values_list(
                "product_id", "municipality_id", "valid_from", "valid_until", "amount_cents"
            ).order_by("valid_from"):
                self._tariffs.setdefault((pid, mid), []).append((first, last, amount))
        own = self._tariffs.get((product_id, municipality_id))
        if own:
            found = checks.tariff_on(own, day)
            if found is not None:
                return found
        regional = self._tariffs.get((product_id, None))
        return checks.tariff_on(regional, day) if regional else None

    def variant_index(self) -> variants.VariantIndex:
        if self._variants is None:
            self._variants = variants.load_variant_index()
        return self._variants

    def admitted(self, provider_id: int, product_id: int, municipality_id: int, day) -> bool:
        if self._admissions is None:
            self._load_admissions()
        periods = self._admissions.get((provider_id, product_id, municipality_id), ())
        return checks.period_covered(periods, day)

    def _load_admissions(self) -> None:
        try:
            from zorgregio.contracten.selectors import admission_periods

            self._admissions = admission_periods()
            return
        except ImportError:
            pass
        from zorgregio.contracten.models import Admission, AdmissionStatus
        from zorgregio.producten.models import Product

        by_group: dict[int, list[int]] = {}
        for pid, gid in Product.objects.values_list("id", "group_id"):
            if gid is not None:
                by_group.setdefault(gid, []).append(pid)
        self._admissions = {}
        for prov, prod, group, mun, first, last in Admission.objects.filter(
            status__in=[AdmissionStatus.ACTIVE, AdmissionStatus.CLIENT_STOP]
        ).values_list(
            "provider_id", "product_id", "product_group_id", "municipality_id",
            "valid_from", "valid_until",
        ):  # fmt: skip
            products = [prod] if prod else by_group.get(group, [])
            for pid in products:
                self._admissions.setdefault((prov, pid, mun), []).append((first, last))

    def prefetch_clients(self, bsns, known: dict[str, int] | None = None) -> None:
        """Look up the clients of many BSNs at once: from ``known`` (pseudonym -> id, e.g. the
        provider's clients) or with one query for the rest."""
        new = {bsn for bsn in bsns if bsn not in self.clients}
        if not new:
            return
        keys = {}
        for bsn, key in pseudonyms(new).items():
            cid = known.get(key) if known else None
            if cid is None:
                keys[key] = bsn
            else:
                self.clients[bsn] = cid
        if not keys:
            return
        for cid, key in Client.objects.filter(pseudonym__in=list(keys)).values_list(
            "id", "pseudonym"
        ):
            self.clients[keys[key]] = cid

    def client_id(self, bsn: str, birth_date=None) -> int:
        cid = self.clients.get(bsn)
        if cid is None:
            key = pseudonym(bsn)
            cid = Client.objects.filter(pseudonym=key).values_list("id", flat=True).first()
            if cid is None:
                cid = Client.objects.create(
                    pseudonym=key, bsn_encrypted=encrypt_bsn(bsn), birth_date=birth_date
                ).id
            elif birth_date is not None:
                Client.objects.filter(pk=cid, birth_date__isnull=True).update(birth_date=birth_date)
            self.clients[bsn] = cid
        return cid


def apply_records(
    message: Message, *, actor=None, source: MessageFile | None = None, ctx=None
) -> ApplySummary:
    """Apply one message to the care model with all checks, all-or-nothing.

    Raises :class:`MessageError` (nothing applied) when the message is refused.
    """
    ctx = ctx or ApplyContext()
    header = message.header
    municipality_id = ctx.municipality_id(header.municipality_code)
    if municipality_id is None:
        raise MessageError(
            _("Municipality %(code)s (CBS code) is not part of this region; refused.")
            % {"code": header.municipality_code},
            rule="TR378",
            retourcode="S300",
        )
    provider_id = ctx.provider_id(header.provider_code)
    if provider_id is None:
        raise MessageError(
            _("Provider with AGB code %(code)s is not known in the provider register; refused.")
            % {"code": header.provider_code}
        )
    if not may_write_care_data(
        actor,
        municipality_id=municipality_id,
        region_id=ctx.region_of(municipality_id),
        provider_id=provider_id,
    ):
        raise MessageError(
            _(
                "This message concerns a municipality or provider you do not work for; it is "
                "refused and nothing was applied."
            )
        )
    if source is not None:
        source.standard = header.standard
        source.law = header.law
        source.municipality_id = municipality_id
        source.provider_id = provider_id
        source.identificatie = header.identificatie[:40]
        check_identificatie(source, header)  # TR056
    applier = _Applier(ctx, header, municipality_id, provider_id, source)
    try:
        with transaction.atomic():
            for item in message.items:
                applier.apply(item)
    except Exception:
        ctx.reset()
        raise
    return applier.summary


class _Applier:
    def __init__(self, ctx: ApplyContext, header, municipality_id, provider_id, source):
        self.ctx, self.header = ctx, header
        self.municipality_id, self.provider_id = municipality_id, provider_id
        self.source = source
        self.law = header.law
        self.state = ctx.state(provider_id)
        self.summary = ApplySummary()

    def reject(self, row, text: str, rule: str = "") -> None:
        self.summary.rejected += 1
        self.summary.remark(_("Line %(row)s: %(text)s") % {"row": row or "?", "text": text})
        verdicts.record_refused_item(self.summary.refused_items, row, rule)

    def apply(self, item) -> None:
        if isinstance(item, DeclaratieRecord):
            self.declaratie(item)
            return
        self.summary.items += 1
        if isinstance(item, ToewijzingRecord):
            self.toewijzing(item)
        elif isinstance(item, StartRecord):
            self.start(item)
        elif isinstance(item, StopRecord):
            self.stop(item)
        elif isinstance(item, VerzoekRecord):
            self.verzoek(item)
        elif isinstance(item, AntwoordRecord):
            self.antwoord(item)

    # 301
    def toewijzing(self, rec: ToewijzingRecord) -> None:
        if rec.ingangsdatum is None or rec.toewijzingsdatum is None:
            raise MessageError(
                _("Line %(row)s: toewijzing %(nr)s has no start or assignment date.")
                % {"row": rec.row or "?", "nr": rec.toewijzingnummer}
            )
        client_id = self.ctx.client_id(rec.client.bsn, rec.client.birth_date)
        product_id = self.ctx.product(
            self.law, rec.productcategorie, rec.productcode, rec.ingangsdatum
        )
        values = {
            "client_id": client_id,
            "law": self.law,
            "product_id": product_id,
            "productcategorie": rec.productcategorie,
            "productcode": rec.productcode,
            "toewijzingsdatum": rec.toewijzingsdatum,
            "ingangsdatum": rec.ingangsdatum,
            "einddatum": rec.einddatum,
            "reden_wijziging": rec.reden_wijziging,
            "volume": rec.volume,
            "unit": rec.unit,
            "frequency": rec.frequency,
            "budget_cents": rec.budget_cents,
            "deleted": rec.reden_wijziging == "13",
        }
        key = (self.municipality_id, rec.toewijzingnummer)
        existing = self.state.toewijzingen.get(key)
        if existing is None:
            other = Toewijzing.objects.filter(
                municipality_id=self.municipality_id, toewijzingnummer=rec.toewijzingnummer
            ).first()
            if other is not None:
                self.reject(
                    rec.row,
                    _("ToewijzingNummer %(nr)s is already used for another provider.")
                    % {"nr": rec.toewijzingnummer},
                    "TR332",
                )
                return
            obj = Toewijzing.objects.create(
                municipality_id=self.municipality_id,
                provider_id=self.provider_id,
                toewijzingnummer=rec.toewijzingnummer,
                **values,
            )
            tw = TW(obj.id, client_id, self.provider_id, product_id, rec.productcategorie,
                    rec.productcode, rec.ingangsdatum, rec.einddatum, rec.volume, rec.unit,
                    rec.frequency, rec.budget_cents, values["deleted"])  # fmt: skip
            self.state.add(self.municipality_id, rec.toewijzingnummer, tw)
            return
        if existing.client_id != client_id:
            self.reject(
                rec.row,
                _("ToewijzingNummer %(nr)s belongs to another client.")
                % {"nr": rec.toewijzingnummer},
                "TR332",
            )
            return
        Toewijzing.objects.filter(pk=existing.id).update(**values)
        existing.product_id, existing.categorie, existing.code = (
            product_id, rec.productcategorie, rec.productcode,
        )  # fmt: skip
        existing.start, existing.end = rec.ingangsdatum, rec.einddatum
        existing.volume, existing.unit, existing.frequency = rec.volume, rec.unit, rec.frequency
        existing.budget, existing.deleted = rec.budget_cents, values["deleted"]

    def _tw_for(self, rec) -> TW | None:
        tw = self.state.toewijzingen.get((self.municipality_id, rec.toewijzingnummer))
        if tw is None or tw.deleted:
            self.reject(
                rec.row,
                _(
                    "ToewijzingNummer %(nr)s is not a known toewijzing of this provider (TR019, "
                    "retourcode 9019)."
                )
                % {"nr": rec.toewijzingnummer},  # fmt: skip
                "TR019",
            )
            return None
        if tw.client_id != self.ctx.client_id(rec.client.bsn, rec.client.birth_date):
            self.reject(
                rec.row,
                _("The BSN differs from the client of toewijzing %(nr)s (TR019).")
                % {"nr": rec.toewijzingnummer},
                "TR019",
            )
            return None
        return tw

    def _taakgericht(self, rec) -> bool:
        """A start or stop without a ToewijzingNummer (task-oriented work, TR019 does not apply):
        accepted, but there is no toewijzing to record it on."""
        if rec.toewijzingnummer:
            return False
        product_id = rec.productcode and self.ctx.product(
            self.law, rec.productcategorie, rec.productcode, rec.begindatum
        )
        if not self.ctx.variant_index().regie_allowed(
            product_id or None, self.municipality_id, rec.begindatum
        ):
            self.reject(rec.row, variants.regiebericht_refusal(rec.begindatum), "TR019")
            return True
        self.summary.remark(
            _("Line %(row)s: no ToewijzingNummer (task-oriented): accepted, not linked.")
            % {"row": rec.row or "?"}
        )
        return True

    # 305
    def start(self, rec: StartRecord) -> None:
        if self._taakgericht(rec):
            return
        tw = self._tw_for(rec)
        if tw is None:
            return
        same = [lev for lev in tw.leveringen if lev[1] == rec.begindatum and not lev[3]]
        if rec.status_aanlevering == "3":
            if not same:
                self.reject(
                    rec.row, _("No earlier start with this start date to delete (TR063)."), "TR063"
                )
                return
            if same[0][2] is not None:
                self.reject(
                    rec.row, _("The start cannot be deleted: a stop was sent (TR071)."), "TR071"
                )
                return
            Levering.objects.filter(pk=same[0][0]).update(deleted=True)
            same[0][3] = True
            return
        if same:
            if rec.status_aanlevering == "1":
                self.reject(rec.row, _("This start was already received (TR074)."), "TR074")
            return
        if any(not lev[3] and lev[2] is None for lev in tw.leveringen):
            self.reject(rec.row, _("The toewijzing already has a current start (TR326)."), "TR326")
            return
        obj = Levering.objects.create(toewijzing_id=tw.id, begindatum=rec.begindatum)
        tw.leveringen.append([obj.id, rec.begindatum, None, False])

    # 307
    def stop(self, rec: StopRecord) -> None:
        if self._taakgericht(rec):
            return
        tw = self._tw_for(rec)
        if tw is None:
            return
        same = [lev for lev in tw.leveringen if lev[1] == rec.begindatum and not lev[3]]
        if rec.status_aanlevering == "3":
            if not same or same[0][2] is None:
                self.reject(
                    rec.row, _("No earlier stop with this start date to delete (TR063)."), "TR063"
                )
                return
            Levering.objects.filter(pk=same[0][0]).update(einddatum=None, reden_beeindiging="")
            same[0][2] = None
            return
        if same:
            Levering.objects.filter(pk=same[0][0]).update(
                einddatum=rec.einddatum, reden_beeindiging=rec.reden_beeindiging
            )
            same[0][2] = rec.einddatum
            return
        obj = Levering.objects.create(
            toewijzing_id=tw.id,
            begindatum=rec.begindatum,
            einddatum=rec.einddatum,
            reden_beeindiging=rec.reden_beeindiging,
        )
        tw.leveringen.append([obj.id, rec.begindatum, rec.einddatum, False])

    # 315 / 317
    def verzoek(self, rec: VerzoekRecord) -> None:
        if Verzoek.objects.filter(
            provider_id=self.provider_id, law=self.law, referentie=rec.referentie
        ).exists():  # TR347: unique per provider within the law
            self.reject(
                rec.row,
                _("A request with reference %(ref)s was already received (TR347).")
                % {"ref": rec.referentie},
                "TR347",
            )
            return
        Verzoek.objects.create(
            municipality_id=self.municipality_id,
            provider_id=self.provider_id,
            client_id=self.ctx.client_id(rec.client.bsn, rec.client.birth_date),
            law=self.law,
            kind=rec.kind,
            referentie=rec.referentie,
            received_on=rec.received_on or timezone.localdate(),
            details=rec.details,
        )

    # 319
    def antwoord(self, rec: AntwoordRecord) -> None:
        updated = Verzoek.objects.filter(
            provider_id=self.provider_id,
            municipality_id=self.municipality_id,
            law=self.law,
            referentie=rec.referentie,
        ).update(answer=rec.answer[:2], answered_on=rec.answered_on)
        if not updated:
            self.reject(
                rec.row,
                _("No request with reference %(ref)s is known; the answer is not linked (TR355).")
                % {"ref": rec.referentie},
                "TR355",
            )

    # 323
    def declaratie(self, rec: DeclaratieRecord) -> None:
        key = (self.law, rec.declaratienummer)
        if key in self.state.declaratienummers:
            raise MessageError(
                _(
                    "DeclaratieNummer %(nr)s was already received from this provider (TR333, "
                    "retourcode 9333); refused."
                )
                % {"nr": rec.declaratienummer},  # fmt: skip
                rule="TR333",
                retourcode="9333",
            )
        fields = {
            "municipality_id": self.municipality_id,
            "provider_id": self.provider_id,
            "law": self.law,
            "declaratienummer": rec.declaratienummer,
            "declaratiedatum": rec.declaratiedatum,
            "period_start": rec.period_start,
            "period_end": rec.period_end,
            "total_cents": rec.total_cents,
            "total_debit_credit": rec.total_debit_credit,
            "source": self.source,
        }
        checker = _LineChecker(self, rec)
        try:
            # Any query of this thread (also a progress update) first waits for the writer.
            with connection.execute_wrapper(checker.writer.before_query):
                decl = self._declaratie_lines(rec, checker, fields)
        finally:
            checker.writer.wait(raise_error=False)  # never leave a write running on an error
        self.state.declaratienummers.add(key)
        self.summary.items += checker.count + len(checker.refused)
        self.summary.rejected += checker.rejected + len(checker.refused)
        self.summary.declaraties.append(decl.pk)
        if checker.rejected or checker.refused:
            self.summary.remark(
                _("Declaratie %(nr)s: %(bad)s of %(all)s lines rejected by the checks.")
                % {
                    "nr": rec.declaratienummer,
                    "bad": checker.rejected + len(checker.refused),
                    "all": checker.count + len(checker.refused),
                }
            )

    def _declaratie_lines(self, rec: DeclaratieRecord, checker: _LineChecker, fields: dict):
        """Check and write the lines in batches; the declaration row itself last."""
        decl = None
        batch = []
        for line in rec.lines:
            batch.append(line)
            if len(batch) >= LINE_BATCH:
                rows = checker.run(batch)
                batch = []
                if decl is None:  # a large declaration: create it now, complete it at the end
                    decl = Declaratie.objects.create(**fields)
                checker.insert(decl.pk, rows)
        rows = checker.run(batch) if batch else []
        final = {
            "line_count": checker.count,
            "rejected_count": checker.rejected,
            "approved_cents": checker.approved_cents,
            "refused_lines": checker.refused,
            "status": DeclaratieStatus.PROCESSED,
            "retourcodes": ["8001"] if not checker.rejected and not checker.refused else ["0200"],
        }
        if decl is None:
            decl = Declaratie.objects.create(**fields, **final)
        else:
            Declaratie.objects.filter(pk=decl.pk).update(**final)
        checker.insert(decl.pk, rows)
        checker.writer.wait()
        return decl


_ONE_DAY = dt.timedelta(days=1)


def _credit_first(line) -> bool:
    return line.debit_credit != "C"


INSERT_COLUMNS = (
    "declaratie_id", "toewijzing_id", "client_id", "municipality_id", "provider_id",
    "product_id", "law", "referentienummer", "vorig_referentienummer", "toewijzingnummer",
    "productcategorie", "productcode", "period_start", "period_end", "month", "volume", "unit",
    "tariff_cents", "amount_cents", "debit_credit", "status", "retourcodes",
)  # fmt: skip


class _LineChecker:
    """Checks and writes the lines of one declaration in batches (no per-line queries)."""

    def __init__(self, applier: _Applier, rec: DeclaratieRecord):
        self.applier = applier
        self.ctx = applier.ctx
        self.state = applier.state
        self.rec = rec
        self.count = 0
        self.rejected = 0
        self.approved_cents = 0
        self.refused: list[dict] = []
        self.rules: dict[tuple, tuple] = {}
        self.dates: dict[dt.date, tuple] = {}
        self.writer = _Writer()
        table = DeclaratieRegel._meta.db_table
        qn = connection.ops.quote_name
        # Table and column names come from the model, never from input; the declaration's id
        # is filled in by insert() as an integer literal (no copy of every row to prepend it).
        self.sql = "INSERT INTO {} ({}) VALUES ({{declaratie_id}}, {})".format(  # noqa: S608
            qn(table),
            ", ".join(qn(c) for c in INSERT_COLUMNS),
            ", ".join(["%s"] * (len(INSERT_COLUMNS) - 1)),
        )
        self.as_text = connection.vendor == "sqlite"

    def run(self, lines: list) -> list[tuple]:
        """Check a batch of lines: the rows to insert. What needs the database is read first
        (each query waits for the previous batch's write); the checks themselves read only
        memory, so they run while the writer thread writes the previous batch."""
        provider_id = self.applier.provider_id
        law = self.applier.law
        clients = self.ctx.clients
        seen_refs = self.state.refs
        new_bsns = {line.bsn for line in lines if line.bsn not in clients}
        maybe = {line.referentienummer for line in lines
                 if hash((law, line.referentienummer)) in seen_refs}  # fmt: skip
        vorige = {line.vorig_referentienummer for line in lines if line.debit_credit == "C"}
        existing: set[str] = set()
        debits: dict[str, tuple] = {}
        credited: set[str] = set()
        if vorige:  # OP366: credit lines are processed before debit lines
            lines = sorted(lines, key=_credit_first)
        if new_bsns:
            self.ctx.prefetch_clients(new_bsns, self.state.pseudonyms)
            for bsn in new_bsns - clients.keys():  # not known yet: registered now
                self.ctx.client_id(bsn)
        if maybe:
            existing = set(
                DeclaratieRegel.objects.filter(
                    provider_id=provider_id, law=law, referentienummer__in=maybe
                ).values_list("referentienummer", flat=True)
            )
        if vorige:
            for row in DeclaratieRegel.objects.filter(
                provider_id=provider_id,
                law=law,
                referentienummer__in=vorige,
                debit_credit="D",
                status=LineStatus.APPROVED,
            ).values_list(
                "referentienummer", "toewijzing_id", "productcategorie", "productcode",
                "period_start", "period_end", "volume", "amount_cents",
            ):  # fmt: skip
                debits[row[0]] = row[1:]
            credited = set(
                DeclaratieRegel.objects.filter(
                    provider_id=provider_id,
                    law=law,
                    vorig_referentienummer__in=vorige,
                    debit_credit="C",
                    status=LineStatus.APPROVED,
                ).values_list("vorig_referentienummer", flat=True)
            )
        rows = []
        seen: set[str] = set()
        municipality_id = self.applier.municipality_id
        period_end = self.rec.period_end
        toewijzingen = self.state.toewijzingen
        debit_keys = self.state.debit_keys
        by_id = self.state.by_id
        # Tariff and admission per (product, start date): the same for many lines.
        rules = self.rules
        dates = self.dates
        vix = self.ctx.variant_index()  # funding variants (zorg/rules/variants.py)
        variants.load_outputs(vix, provider_id)
        count = rejected = approved_cents = 0
        for line in lines:
            dc = line.debit_credit
            amount = line.amount_cents
            volume = line.volume
            sign = -1 if dc == "C" else 1
            ref = line.referentienummer
            if ref in existing or ref in seen:
                self.refused.append(
                    {"referentienummer": ref, "row": line.row,
                     "client_id": clients[line.bsn],
                     "toewijzingnummer": line.toewijzingnummer, "retourcodes": ["8021"],
                     "productcategorie": line.productcategorie, "productcode": line.productcode,
                     "period_start": line.period_start.isoformat(),
                     "period_end": line.period_end.isoformat(), "volume": volume,
                     "unit": line.unit, "tariff_cents": line.tariff_cents,
                     "amount_cents": amount, "debit_credit": dc}
                )  # fmt: skip
                continue
            seen.add(ref)
            seen_refs.add(hash((law, ref)))
            codes: list[str] = []
            tw = toewijzingen.get((municipality_id, line.toewijzingnummer))
            client_id = clients[line.bsn]
            product_id = None
            if tw is None or tw.deleted:
                codes.append("9338" if tw is None else "9384")  # TR384: a deleted toewijzing
                tw = None
            else:
                # A toewijzing of a budget names no product code: the line's product then.
                product_id = tw.product_id or self.ctx.product(
                    law, line.productcategorie, line.productcode, line.period_start
                )
                if tw.client_id != client_id:
                    codes.append("8187")
            start, end = line.period_start, line.period_end
            line_product = product_id or self.ctx.product(
                law, line.productcategorie, line.productcode, start
            )
            codes += variants.task_line_codes(vix.variant(line_product, municipality_id, start))
            if end > period_end:
                codes.append("9319")
            if line.unit != "83" and amount != volume * line.tariff_cents:
                codes.append("9346")
            key = None
            if dc == "C":
                debit = debits.get(line.vorig_referentienummer)
                if debit is None:
                    codes.append("8017")
                elif line.vorig_referentienummer in credited:
                    codes.append("9390")
            elif tw is not None:
                if tw.categorie and line.productcategorie != tw.categorie:
                    codes.append("9339")
                if tw.code and line.productcode != tw.code:
                    codes.append("9340")
                if tw.unit and line.unit != tw.unit:
                    codes.append("9341")
                if start < tw.start:
                    codes.append("9307")
                if tw.end is not None and end > tw.end:
                    codes.append("9308")
                if (
                    start.day != 1
                    or (end + _ONE_DAY).day != 1
                    or start < tw.start
                    or (tw.end is not None and end > tw.end)
                ):
                    codes.extend(month_bounds(start, end, tw.start, tw.end))  # TR387, TR388
                if tw.volume is not None and tw.frequency:
                    allowed = checks.allowed_volume(tw, start, end)
                    if allowed is not None and volume > allowed:
                        codes.append("9321")
                    if tw.frequency == "6" and tw.used_volume + volume > tw.volume:
                        codes.append("9322")
                if tw.budget is not None and tw.used_amount + amount > tw.budget:
                    codes.append("9369")
                if product_id is None:
                    codes.append(checks.ZR_NO_TARIFF)
                else:
                    rule = rules.get((product_id, start))
                    if rule is None:
                        rule = rules[(product_id, start)] = (
                            self.ctx.tariff(product_id, municipality_id, start),
                            self.ctx.admitted(provider_id, product_id, municipality_id, start),
                        )
                    tariff, admitted = rule
                    if line.unit == "83":  # in euros: no ProductTarief to compare (CD087)
                        pass
                    elif tariff is None:
                        codes.append(checks.ZR_NO_TARIFF)
                    elif tariff != line.tariff_cents:
                        codes.append("0611")
                    if not admitted:
                        codes.append(checks.ZR_NOT_ADMITTED)
                    for code in variants.debit_line_codes(
                        vix, tw=tw, unit=line.unit, volume=volume, amount_cents=amount,
                        tariff_cents=line.tariff_cents, contract_tariff_cents=tariff,
                        productcode=line.productcode, start=start, end=end,
                    ):  # fmt: skip
                        if code not in codes:
                            codes.append(code)
                if tw.leveringen and checks.after_stop(tw, start):
                    codes.append(checks.ZR_AFTER_STOP)
                key = debit_key(tw.id, line.productcategorie, line.productcode, start, end)
                if key in debit_keys:  # (twice in this message: TR416, refused as a whole)
                    codes.append("9389")
            count += 1
            if codes:
                rejected += 1
                status = LineStatus.REJECTED
            else:
                status = LineStatus.APPROVED
                approved_cents += sign * amount
                if dc == "C":
                    debit = debits[line.vorig_referentienummer]
                    credited.add(line.vorig_referentienummer)
                    dtw = by_id.get(debit[0])
                    if dtw is not None:
                        dtw.used_volume -= debit[5]
                        dtw.used_amount -= debit[6]
                    debit_keys.discard(debit_key(*debit[:5]))
                    vix.remove_output(debit[0], debit[2], debit[3], debit[4])
                elif tw is not None:
                    tw.used_volume += volume
                    tw.used_amount += amount
                    debit_keys.add(key)
                    variants.approved(
                        vix, tw_id=tw.id, unit=line.unit, productcode=line.productcode,
                        start=start, end=end,
                    )  # fmt: skip
                    debits[ref] = (tw.id, line.productcategorie, line.productcode, start, end,
                                   volume, amount)  # fmt: skip
            # The dates as the database takes them, and the month: computed once per date.
            start_value = dates.get(start)
            if start_value is None:
                start_value = dates[start] = self._date_values(start)
            end_value = dates.get(end)
            if end_value is None:
                end_value = dates[end] = self._date_values(end)
            rows.append((
                tw.id if tw else None, client_id, municipality_id, provider_id, product_id, law,
                ref, line.vorig_referentienummer, line.toewijzingnummer, line.productcategorie,
                line.productcode, start_value[0], end_value[0], start_value[1], volume,
                line.unit, line.tariff_cents, amount, dc, status,
                json.dumps(codes) if codes else "[]",
            ))  # fmt: skip
        self.count += count
        self.rejected += rejected
        self.approved_cents += approved_cents
        return rows

    def _date_values(self, day: dt.date) -> tuple:
        """(the day, the first of its month) as the database driver takes them."""
        month = day.replace(day=1)
        if self.as_text:  # SQLite: ISO text, without the driver's adapter per value
            return day.isoformat(), month.isoformat()
        return day, month

    def insert(self, declaratie_id: int, rows: list[tuple]) -> None:
        if rows:
            self.writer.submit(self.sql.format(declaratie_id=int(declaratie_id)), rows)


class _Writer:
    """Writes a batch of lines while the next batch is checked (one batch in flight).

    On SQLite the insert runs on a second thread through the same connection, inside the same
    transaction: ``sqlite3`` releases the GIL while SQLite writes, so the checks and the writes
    overlap. Every query of the calling thread waits for the write first
    (:meth:`before_query`, installed as an execute wrapper around a declaration). On other
    databases the insert runs at once on the normal cursor.
    """

    def __init__(self):
        self.thread: threading.Thread | None = None
        self.error: BaseException | None = None
        self.background = connection.vendor == "sqlite"

    def submit(self, sql: str, rows: list[tuple]) -> None:
        self.wait()
        if not self.background or len(rows) < THREAD_MIN_ROWS:
            with connection.cursor() as cursor:
                cursor.executemany(sql, rows)
            return
        connection.ensure_connection()
        raw = connection.connection
        qmark = sql.replace("%s", "?")
        self.thread = threading.Thread(target=self._write, args=(raw, qmark, rows), daemon=True)
        self.thread.start()

    def _write(self, raw, sql: str, rows: list[tuple]) -> None:
        try:
            raw.executemany(sql, rows)
        except BaseException as exc:  # noqa: BLE001 - raised again by wait() in the caller
            self.error = exc

    def before_query(self, execute, sql, params, many, context):
        """A ``connection.execute_wrapper``: no query of this thread overlaps a write."""
        self.wait()
        return execute(sql, params, many, context)

    def wait(self, raise_error: bool = True) -> None:
        """Until the batch in flight is written; its error, if any, is raised here."""
        if self.thread is not None:
            self.thread.join()
            self.thread = None
        error, self.error = self.error, None
        if error is not None and raise_error:
            with connection.wrap_database_errors:
                raise error
