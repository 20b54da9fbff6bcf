"""Message ingest: store raw files once, parse them streaming, validate, apply to the care model.

Public API (other modules and the CSV import build on it; keep the signatures stable):

- :func:`ingest_paths` (files, folders, zip archives) -> :class:`Results`, one
  :class:`IngestResult` per file
- :func:`ingest_file` one file-like object (uploads)
- :func:`apply_records` apply one parsed :class:`~zorgregio.zorg.records.Message` with all
  checks, through the care model's services (:mod:`zorgregio.zorg.apply`)

Applying is all-or-nothing per message (``transaction.atomic``); anything that refuses the
message raises :class:`~.parsers.MessageError` with a Dutch reason. Items of an accepted message
that a TR rule refuses are not applied and are listed as remarks.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import tempfile
import time
import zipfile
import zlib
from array import array
from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import accumulate
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zorgregio.audit.models import AuditAction
from zorgregio.audit.services import audit_log, deferred_audit
from zorgregio.common.rows import Insert, Update
from zorgregio.zorg.apply import ApplySummary, apply_items, changed_months, resolve_parties
from zorgregio.zorg.index import ApplyContext
from zorgregio.zorg.records import RETURN_TYPES, Message, MessageError

from . import verdicts
from .archive import writer as stored_writer
from .models import FileStatus, MessageFile
from .pipeline import Reader, can_read_ahead, open_message
from .states import MessageFileStates
from .validation import check_identificatie

log = logging.getLogger(__name__)

MAX_FILE_BYTES = int(getattr(settings, "ZORGREGIO_MAX_MESSAGE_BYTES", 1024**3))
# Small files are applied many to one transaction (each message in a savepoint of its own, so
# still all or nothing per message): a commit, and the disk sync it costs, is paid per batch,
# not per file. A batch ends after BATCH_FILES files or BATCH_SECONDS (other writers wait for
# it); a file of BATCH_BIG_BYTES or more gets a transaction of its own.
BATCH_FILES = 200
BATCH_SECONDS = 2.0
BATCH_BIG_BYTES = 4 * 1024 * 1024
CHUNK = 1024 * 1024

Progress = Callable[[float, int, str], None]


class IngestResult:
    """The outcome for one file. ``reasons`` are Dutch; ``status`` a :class:`FileStatus`.

    It keeps the stored file's id, not the file: an import of 50,000 files holds 50,000 small
    results however large their verdicts, and :attr:`message_file` reads the file again when
    asked for (issue 15: memory flat in the archive's size)."""

    __slots__ = ("name", "status", "reasons", "file_id", "duplicate")

    def __init__(self, name: str, status: str, reasons=None, message_file=None,
                 duplicate: bool = False):  # fmt: skip
        self.name = name
        self.status = status
        self.reasons = list(reasons or [])
        self.file_id = message_file.pk if message_file is not None else None
        self.duplicate = duplicate

    def __repr__(self) -> str:
        return f"IngestResult({self.name!r}, {self.status!r}, file {self.file_id})"

    @classmethod
    def from_dict(cls, values: dict) -> IngestResult:
        """The result :meth:`as_dict` gave (e.g. from a worker process)."""
        result = cls(values["name"], values["status"], values["reasons"],
                     duplicate=values["duplicate"])  # fmt: skip
        result.file_id = values["file_id"]
        return result

    @property
    def message_file(self) -> MessageFile | None:
        if self.file_id is None:
            return None
        return MessageFile.objects.filter(pk=self.file_id).first()

    @property
    def refused(self) -> bool:
        return self.status == FileStatus.REJECTED

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "status": str(self.status),
            "reasons": self.reasons,
            "file_id": self.file_id,
            "duplicate": self.duplicate,
        }


_STATUSES = tuple(FileStatus)  # a status kept as its index


class Results(Sequence):
    """The results of an import, in order, kept compactly: the names as UTF-8 in one buffer,
    status, file id and duplicate flag in arrays, the reasons only for files that have them.
    About 70 bytes a file where a list of :class:`IngestResult` takes about 250 (issue 15: an
    archive of 200,000 files). An item is a new :class:`IngestResult` each time it is read;
    a changed one is kept by assigning it back (``results[i] = result``)."""

    __slots__ = ("_names", "_ends", "_status", "_file_ids", "_duplicate", "_reasons")

    def __init__(self, results: Iterable[IngestResult] = ()):
        self._names = bytearray()
        self._ends = array("q")
        self._status = bytearray()
        self._file_ids = array("q")  # -1: no stored file
        self._duplicate = bytearray()
        self._reasons: dict[int, list[str]] = {}
        self.extend(results)

    def append(self, result: IngestResult) -> None:
        self._names += result.name.encode()
        self._ends.append(len(self._names))
        self._status.append(_STATUSES.index(result.status))
        self._file_ids.append(-1 if result.file_id is None else result.file_id)
        self._duplicate.append(bool(result.duplicate))
        if result.reasons:
            self._reasons[len(self._ends) - 1] = list(result.reasons)

    def extend(self, results: Iterable[IngestResult]) -> None:
        for result in results:
            self.append(result)

    def __iadd__(self, results: Iterable[IngestResult]) -> Results:
        self.extend(results)
        return self

    def __len__(self) -> int:
        return len(self._ends)

    def _index(self, index: int) -> int:
        if index < 0:
            index += len(self._ends)
        if not 0 <= index < len(self._ends):
            raise IndexError(index)
        return index

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        index = self._index(index)
        start = self._ends[index - 1] if index else 0
        file_id = self._file_ids[index]
        result = IngestResult(
            self._names[start : self._ends[index]].decode(), _STATUSES[self._status[index]],
            self._reasons.get(index), duplicate=bool(self._duplicate[index]),
        )  # fmt: skip
        result.file_id = None if file_id < 0 else file_id
        return result

    def __setitem__(self, index: int, result: IngestResult) -> None:
        """Keep a changed status, file or reasons (the name stays)."""
        index = self._index(index)
        self._status[index] = _STATUSES.index(result.status)
        self._file_ids[index] = -1 if result.file_id is None else result.file_id
        self._duplicate[index] = bool(result.duplicate)
        if result.reasons:
            self._reasons[index] = list(result.reasons)
        else:
            self._reasons.pop(index, None)


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


@dataclass(slots=True)
class Source:
    """One file to import: a file on disk or a member of a zip archive. ``refusal`` is set when
    it cannot be read at all (the zip's table of contents is damaged, the path is missing).
    An import's files on disk are held compactly (:class:`Sources`), a ``Source`` made when
    one is read; a zip member is held as one for the whole run."""

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


class _FileOpener:
    """Opens one file on disk for reading: a path kept as a string, not a closure over a
    ``Path`` (a few hundred bytes less per file of a large archive)."""

    __slots__ = ("path",)

    def __init__(self, path: str):
        self.path = path

    def __call__(self):
        return open(self.path, "rb")  # noqa: SIM115 (the caller closes it)


def _files_in(folder: Path) -> list[str]:
    """The files in a folder and its subfolders, in the order of their paths' parts (as sorted
    ``Path`` objects would be, a folder's files before a sibling folder whose name extends
    theirs), as strings: a folder of 200,000 messages is walked without 200,000 ``Path``
    objects alive at once."""
    found = []
    for root, _dirs, names in os.walk(folder):
        for name in names:
            full = os.path.join(root, name)
            if os.path.isfile(full):
                found.append(full)
    found.sort(key=lambda full: full.replace(os.sep, "\0"))  # the separator sorts first
    return found


class _Files:
    """Files on disk in one run of an import's sources: their paths in one string and their
    sizes in an array, about 120 bytes a file where a :class:`Source` with its opener and
    strings takes about 300, and three objects however many files (the reader process reads
    them without copying the pages they are on, issue 15)."""

    __slots__ = ("paths", "ends", "sizes")

    def __init__(self, paths: list[str], sizes: list[int]):
        self.paths = "".join(paths)
        self.ends = array("q", accumulate(len(path) for path in paths))
        self.sizes = array("q", sizes)

    def __len__(self) -> int:
        return len(self.ends)

    def __getitem__(self, index: int) -> Source:
        start = self.ends[index - 1] if index else 0
        path = self.paths[start : self.ends[index]]
        return Source(os.path.basename(path), _FileOpener(path), self.sizes[index])


class Sources(Sequence):
    """The sources of one import, in order: runs of files on disk kept as :class:`_Files`,
    the rest (zip members, refusals) as :class:`Source` objects. An item is a new
    :class:`Source` each time it is read."""

    __slots__ = ("_runs", "_starts", "_paths", "_sizes", "_count")

    def __init__(self):
        self._runs: list = []  # _Files or a list of Source
        self._starts = array("q")  # the index of each run's first source
        self._paths: list[str] = []  # the files of the run being added
        self._sizes: list[int] = []
        self._count = 0

    def add_file(self, path: str, size: int) -> None:
        self._paths.append(path)
        self._sizes.append(size)

    def append(self, source: Source) -> None:
        self._close_files()
        if not self._runs or not isinstance(self._runs[-1], list):
            self._starts.append(self._count)
            self._runs.append([])
        self._runs[-1].append(source)
        self._count += 1

    def done(self) -> Sources:
        self._close_files()
        return self

    def _close_files(self) -> None:
        if self._paths:
            self._starts.append(self._count)
            self._runs.append(_Files(self._paths, self._sizes))
            self._count += len(self._paths)
            self._paths, self._sizes = [], []

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self._count))]
        if index < 0:
            index += self._count
        if not 0 <= index < self._count:
            raise IndexError(index)
        run = bisect_right(self._starts, index) - 1
        return self._runs[run][index - self._starts[run]]


def _sources(paths: Iterable, stack: contextlib.ExitStack) -> Sources:
    """Every file to import: folders are walked, zip archives opened (kept open on ``stack``)."""
    found = Sources()
    _add_sources(found, paths, stack)
    return found.done()


def _add_sources(found: Sources, paths: Iterable, stack: contextlib.ExitStack) -> None:
    for raw in paths:
        path = str(raw)
        if os.path.isdir(path):
            _add_sources(found, _files_in(path), stack)
        elif path.lower().endswith(".zip") and os.path.isfile(path):
            for source in _zip_sources(path, stack):
                found.append(source)
        elif os.path.isfile(path):
            found.add_file(path, os.stat(path).st_size)
        else:
            found.append(Source(path, None, None, _("File or folder not found.")))


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


@dataclass
class Stored:
    """A file copied into the archive."""

    sha256: str
    path: Path | str
    size: int
    content: bytes | None  # the plain bytes of a file of one chunk at most (else None)


def _copy(fh, size: int | None, budget: Budget | None = None) -> Stored | str:
    """Copy the file into the archive while hashing it, or give the refusal reason. The
    archive path is the checksum, so the same content is stored once."""
    if size is not None and size > MAX_FILE_BYTES:
        fh.close()
        return _too_big(size)
    archive = _archive_dir()
    digest = hashlib.sha256()
    total = 0
    content = None
    over_budget = False
    handle, tmp = tempfile.mkstemp(dir=archive, suffix=".part")
    try:
        with stored_writer(os.fdopen(handle, "wb")) as out:  # encrypted: the file carries BSNs
            while chunk := fh.read(CHUNK):
                total += len(chunk)
                if total > MAX_FILE_BYTES:
                    break
                if budget is not None and not budget.take(len(chunk)):
                    over_budget = True
                    break
                digest.update(chunk)
                out.write(chunk)
                content = chunk if total == len(chunk) else None  # the first chunk only
    except BaseException:
        os.unlink(tmp)
        raise
    finally:
        fh.close()
    if total > MAX_FILE_BYTES or over_budget:
        os.unlink(tmp)
        if over_budget:
            return _("The upload holds more than %(max)s MB of files in all; refused.") % {
                "max": settings.ZORGREGIO_MAX_UPLOAD_BYTES // 1024**2
            }
        return _too_big(total)
    sha = digest.hexdigest()
    target = _ensure_dir(archive / sha[:2]) / f"{sha}.xml"
    os.replace(tmp, target)
    return Stored(sha, target, total, content)


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
    claimed: bool = False  # recorded as being processed in the caller's transaction
    refusal: str | None = None
    # A small file's plain bytes, as just stored (claimed or ``keep_content``): read without
    # decrypting the archive back (the same bytes; that costs as much as the parse).
    content: bytes | None = None

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "file_id": self.message_file.pk if self.message_file else None,
            "refusal": self.refusal,
        }


_insert_file = Insert(MessageFile, conflict="sha256")


def store(source: Source, budget: Budget | None = None) -> Stored | str:
    """Copy one source into the archive, or give the Dutch reason it cannot be read (no
    database: the import's reader process stores while this one records)."""
    if source.open is None:
        return source.refusal or _("The file could not be read.")
    try:
        return _copy(source.open(), source.size, budget)
    except ZIP_MEMBER_ERRORS as exc:
        if source.member:
            return _member_reason(exc)
        if not isinstance(exc, OSError):
            raise
        return _("The file could not be read: %s") % exc


def receive(
    source: Source, *, actor=None, budget: Budget | None = None, claim: bool = False,
    keep_content: bool = False, stored: Stored | str | None = None,
) -> Received:  # fmt: skip
    """Store one source in the archive and record it (status received). Never raises for bad
    input: a file that cannot be read gets its Dutch reason. ``stored``: what :func:`store`
    gave for it already (in another process).

    ``claim``: the caller processes the file in the transaction it is in, so a file recorded
    now is recorded as being processed (:attr:`Received.claimed`), without a claim of its own
    (one statement fewer per file of an archive). Outside a transaction it is not: a process
    that dies halfway must leave the file received. ``keep_content``: the plain bytes of a
    small file stay on the result (:attr:`Received.content`) for the caller to read."""
    copied = store(source, budget) if stored is None else stored
    if isinstance(copied, str):
        return Received(source.name, refusal=copied)
    claim = claim and transaction.get_connection().in_atomic_block
    fields = {
        "sha256": copied.sha256,
        "name": source.name[:255],
        "size": copied.size,
        "stored_path": str(copied.path),
        "received_at": timezone.now(),
        "uploaded_by_id": actor.pk if getattr(actor, "is_authenticated", False) else None,
        "status": FileStatus.PROCESSING if claim else FileStatus.RECEIVED,
    }
    # A new file is the rule, the same content again the exception: insert first. Content
    # stored before (or just now by a concurrent import, whose transaction is waited for) is
    # not inserted again (no error, so no savepoint) and is read instead.
    stored = _insert_file.create(**fields)
    if stored is None:
        return Received(source.name, MessageFile.objects.get(sha256=copied.sha256))
    content = copied.content if claim or keep_content else None
    return Received(source.name, stored, claim, content=content)


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
) -> Results:
    """Ingest files, folders and zip archives. One result per file, in order; a damaged file or
    zip member gets its own refusal whatever the others do.

    ``on_progress(done, total, name)`` is called while working: ``done`` counts finished files
    and may be fractional while a large file is read. Afterwards whatever builds on the care
    data (the monitor) is brought up to date (``refresh_monitor=False`` leaves that to the
    caller, as the demo does once at its end; the changes stay noted until then).

    An import of ``ZORGREGIO_READER_MIN_FILES`` files or more has a forked reader process that
    stores and parses the files while this one applies them (:class:`~.pipeline.Reader`).
    """
    with contextlib.ExitStack() as stack:
        sources = _sources(paths, stack)
        ctx = ApplyContext()
        total = len(sources)
        reader = Reader(sources) if can_read_ahead(total) else None
        if reader is not None:
            stack.callback(reader.close)

        def work(index: int) -> IngestResult:
            source = sources[index]
            if on_progress:
                on_progress(index, total, source.name)

            def fraction(read_bytes, index=index, name=source.name, size=source.size):
                if on_progress and size:
                    on_progress(index + min(read_bytes / size, 0.99), total, name)

            taken = reader.take(index) if reader is not None else None
            stored, opener = taken if taken is not None else (None, None)
            received = receive(source, actor=actor, claim=True, stored=stored)
            return process_received(
                received, actor=actor, ctx=ctx, on_bytes=fraction, opener=opener
            )

        results = in_batches(total, work, size_of=lambda i: sources[i].size, ctx=ctx)
    if on_progress:
        on_progress(total, total, "")
    if refresh_monitor:
        after_import(results)
    return results


def in_batches(count: int, work: Callable[[int], IngestResult], *, size_of, ctx) -> Results:
    """``work(i)`` for i in ``range(count)``, small files many to one transaction (see
    BATCH_FILES). ``work`` handles a file's own failures (a refusal is a result); should a
    batch fail anyway (the commit, the database), its files are done again one by one, each in
    its own transaction as without batches, so no result tells of work that was rolled back."""
    results = Results()
    index = 0
    while index < count:
        first = index
        try:
            with transaction.atomic(), deferred_audit():  # the files' audit rows: one insert
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
            batch = [_alone(work, i, ctx) for i in range(first, last)]  # a transaction each
            index = last
        results += batch
    return results


# PostgreSQL's deadlock_detected and serialization_failure: two transactions that each wait for
# the other (e.g. two import workers recording the same new clients in another order); the
# database aborts one of them, and doing its work again succeeds.
TRANSIENT_SQLSTATES = {"40P01", "40001"}
TRANSIENT_TRIES = 5


def is_transient(exc: BaseException) -> bool:
    cause = exc.__cause__ if isinstance(exc, DatabaseError) else None
    return getattr(cause, "sqlstate", None) in TRANSIENT_SQLSTATES


def _alone(work: Callable[[int], IngestResult], index: int, ctx) -> IngestResult:
    """``work(index)`` in a transaction of its own, again when the database aborted it for a
    conflict with another transaction (a short wait first, longer each time)."""
    attempt = 1
    while True:
        try:
            return work(index)
        except DatabaseError as exc:
            if not is_transient(exc) or attempt >= TRANSIENT_TRIES:
                raise
            log.warning("File %s conflicted with another transaction; again (%s)", index, attempt)
            ctx.reset()
            time.sleep(0.05 * attempt)
            attempt += 1


def after_import(results: Sequence[IngestResult]) -> None:
    """Tell whatever builds on the care data that it changed; its problems become remarks of
    the results (the files themselves were applied and stay so)."""
    from zorgregio.zorg.hooks import care_data_changed

    problems = care_data_changed()
    if problems:
        for index, result in enumerate(results):
            if result.status == FileStatus.PROCESSED and not result.duplicate:
                result.reasons = [*result.reasons, *problems]
                results[index] = result  # kept by a list and by :class:`Results`


def process_received(
    received: Received, *, actor=None, ctx=None, on_bytes=None, opener=None
) -> IngestResult:
    """Process a file :func:`receive` stored. ``opener(on_bytes)``: its message as parsed
    already (by the reader process), for a file claimed in this transaction."""
    if received.message_file is None:
        return IngestResult(received.name, FileStatus.REJECTED, [received.refusal])
    if received.claimed:  # recorded as processing in the transaction it is in
        return _process(
            received.message_file, actor=actor, ctx=ctx, on_bytes=on_bytes, name=received.name,
            content=received.content, opener=opener,
        )  # fmt: skip
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
    before 3 and 4) and is the one operators expect (read only, nothing is written). So does a
    refusal of the file itself, which names no rule (not well-formed XML, cut off)."""
    if message is None:
        return None
    try:
        for item in message.items:
            for _line in getattr(item, "lines", ()):
                pass
    except MessageError as exc:
        return exc if not exc.rule or verdicts.within_message(exc.rule) else None
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
            pk=message_file.pk, status__in=MessageFileStates.before(FileStatus.PROCESSING)
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


def retry_refused(*, actor=None, on_progress: Progress | None = None) -> Results:
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


def failed_unexpectedly() -> str:
    """The reason of a file whose processing broke off for no fault of its own."""
    return _("Processing failed unexpectedly; nothing was applied.")


# What processing a file finds and decides (the stored file itself does not change).
_save_outcome = Update(MessageFile, [
    "uploaded_by_id", "message_type", "status", "errors", "standard", "law", "municipality_id",
    "provider_id", "identificatie", "item_count", "rejected_count", "processed_at", "verdict",
])  # fmt: skip


def _process(
    message_file, *, actor, ctx, on_bytes, name, content=None, opener=None
) -> IngestResult:
    ctx = ctx or ApplyContext()
    status, reasons, summary, message = FileStatus.PROCESSED, [], None, None
    refusal = None
    # A retried file starts from a clean slate: what the earlier attempt read is forgotten.
    message_file.municipality = message_file.provider = None
    message_file.item_count = message_file.rejected_count = 0
    try:
        if opener is not None:
            message = opener(on_bytes)
        else:
            path = Path(message_file.stored_path)
            message = open_message(path, on_bytes=on_bytes, content=content)
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
    except Exception as exc:  # never a 500 or a half-applied message
        if is_transient(exc):  # not the file's fault: its batch is done again (in_batches)
            ctx.reset()
            raise
        log.exception("Processing %s failed", name)
        ctx.reset()
        status, reasons = (
            FileStatus.REJECTED,
            [failed_unexpectedly()],
        )
    finally:
        if message is not None:
            message.close()
    MessageFileStates.check(message_file.status, status)
    message_file.status = status
    message_file.errors = reasons
    message_file.verdict = verdicts.stored(refusal=refusal, summary=summary)
    message_file.processed_at = timezone.now()
    if summary is not None:
        message_file.item_count = summary.items
        message_file.rejected_count = summary.rejected
    _save_outcome(message_file)
    audit_log(
        actor=actor,
        action=AuditAction.IMPORT,
        obj=message_file,
        message=f"{message_file.message_type} {status}",
    )
    return IngestResult(name, status, reasons, message_file)


def apply_records(
    message: Message, *, actor=None, source: MessageFile | None = None, ctx=None
) -> ApplySummary:
    """Apply one parsed message to the care model with all checks, all or nothing (the care
    model's services, :mod:`zorgregio.zorg.apply`); the file it came from learns its parties
    and identification (TR056 is a rule on the file: :func:`~.validation.check_identificatie`).

    Raises :class:`MessageError` (nothing applied) when the message is refused.
    """
    ctx = ctx or ApplyContext()
    header = message.header
    municipality_id, provider_id = resolve_parties(header, actor=actor, ctx=ctx)
    if source is not None:
        source.standard = header.standard
        source.law = header.law
        source.municipality_id = municipality_id
        source.provider_id = provider_id
        source.identificatie = header.identificatie[:40]
        check_identificatie(source, header)  # TR056
    return apply_items(ctx, header, municipality_id, provider_id, message.items, source=source)
