"""Parse messages in a child process while this process checks and writes them.

The parse (lxml ``iterparse`` with the XSD, the structural checks, the records) and the rest of
the ingest (TR checks, inserts) each take about half of the time of a message. Two ways use the
second core for it:

- :func:`open_message`: a large file (``ZORGREGIO_PARSE_PROCESS_MIN_BYTES``) is parsed by a
  forked child of its own;
- :class:`Reader`: an import of many files (``ZORGREGIO_READER_MIN_FILES``) has one forked
  child that stores every file in the archive and parses it, in the import's order, while this
  process records and applies the files before it (issue 15: an archive is mostly small files,
  for which a fork each would cost more than it saves).

Either child sends the records through a pipe in lists of events; this process reads them as the
same :class:`~zorgregio.zorg.records.Message` (header first, items streamed, the lines of a
declaration streamed), so the callers and their all-or-nothing transaction do not change.
Errors are raised here exactly as the in-process parser raises them: a
:class:`~zorgregio.berichten.parsers.MessageError` with the same reason, at the same point of the
stream.

A child never uses the database (a guard refuses any query: the code lists and the XSDs are
loaded before the fork) and leaves with ``os._exit`` (multiprocessing's fork start method), so
it does not touch the parent's connection. Used only where ``fork`` exists (Linux, macOS).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import multiprocessing
import os
from collections import deque
from operator import attrgetter
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.utils.translation import gettext as _

from zorgregio.zorg.records import MESSAGE_TYPES, DeclaratieRecord, Message, PrestatieRecord

from . import parsers
from .parsers import MessageError

try:
    import fcntl
except ImportError:  # Windows: no fork either, every file is parsed in process
    fcntl = None

log = logging.getLogger(__name__)

LINE_BATCH = 1000
EVENT_BATCH = 64  # events sent as one list (one pickle, one write)
PIPE_BYTES = 1 << 20

# A Prestatie travels as a plain tuple (pickles much faster than the dataclass), its two dates
# as day numbers (a pickled date costs about four times as much as an int).
_PRESTATIE_FIELDS = PrestatieRecord.__slots__
_START = _PRESTATIE_FIELDS.index("period_start")  # period_end follows it
_head = attrgetter(*_PRESTATIE_FIELDS[:_START])
_tail = attrgetter(*_PRESTATIE_FIELDS[_START + 2 :])


def _pack(line: PrestatieRecord) -> tuple:
    return (*_head(line), line.period_start.toordinal(), line.period_end.toordinal(), *_tail(line))


def open_message(path: Path, *, on_bytes=None, content: bytes | None = None) -> Message:
    """The message in ``path`` (see :func:`parsers.open_message`), parsed in a child process
    when the file is large enough and the platform can fork. ``content``: the file's plain
    bytes when the caller has them (a small file just stored), parsed here."""
    minimum = settings.ZORGREGIO_PARSE_PROCESS_MIN_BYTES
    small = content is not None or not minimum or path.stat().st_size < minimum
    if small or not hasattr(os, "fork"):
        return parsers.open_message(path, on_bytes=on_bytes, content=content)
    fh, standard, message_type = parsers.open_sniffed(path)
    fh.close()
    # Everything the parser reads from the database or disk once is loaded before the fork.
    parsers.schema_for(standard, message_type)
    parsers.warm_codes(standard)
    child, conn = _fork(_parse_in_child, path)
    inbox = _Inbox(conn)

    def close() -> None:
        conn.close()
        if child.is_alive():
            child.kill()
        child.join()

    stream = _Stream(inbox.recv, on_bytes, close)
    try:
        kind, header = stream.receive()
    except BaseException:
        stream.close()
        raise
    return Message(header=header, items=stream.items())


def _fork(target, *args):
    """A forked child running ``target(*args, conn)`` and this process's end of its pipe."""
    context = multiprocessing.get_context("fork")
    reader, writer = context.Pipe(duplex=False)
    _widen(writer)
    child = context.Process(target=target, args=(*args, writer), daemon=True)
    child.start()
    writer.close()
    return child, reader


def _widen(conn) -> None:
    """Let the pipe hold about twenty batches (Linux: 1 MiB instead of 64 KiB), so the parser
    keeps parsing while this process writes a batch to the database, and the other way round."""
    # Not Linux (no F_SETPIPE_SZ), or more than the system's pipe-max-size: keep the default.
    with contextlib.suppress(AttributeError, OSError):
        fcntl.fcntl(conn.fileno(), fcntl.F_SETPIPE_SZ, PIPE_BYTES)


def _no_queries(*args, **kwargs):
    raise RuntimeError("The parser process must not use the database.")


def _guard_database() -> None:
    for alias in connections:
        connections[alias].execute_wrappers.append(_no_queries)


class _Outbox:
    """The child's end: events sent in lists, a list when it is full or holds lines."""

    def __init__(self, conn):
        self.conn = conn
        self.events: list = []

    def add(self, kind: str, payload=None) -> None:
        self.events.append((kind, payload))
        if kind == "lines" or len(self.events) >= EVENT_BATCH:
            self.flush()

    def flush(self) -> None:
        if self.events:
            self.conn.send(self.events)
            self.events = []


class _Inbox:
    """The parent's end: one event at a time from the lists the child sends."""

    def __init__(self, conn):
        self.conn = conn
        self.events: deque = deque()

    def recv(self):
        while not self.events:
            self.events.extend(self.conn.recv())  # EOFError: the child is gone
        return self.events.popleft()


def _progress(out: _Outbox):
    """An ``on_bytes`` that tells the parent every megabyte read."""
    sent = 0

    def progress(read_bytes):
        nonlocal sent
        if read_bytes - sent >= 1_000_000:
            sent = read_bytes
            out.add("progress", read_bytes)
            out.flush()

    return progress


def _send_message(path: Path, out: _Outbox, content: bytes | None = None) -> None:
    """Parse the message in ``path`` and send it as events, ending with ``done``, ``error``
    (the parser's refusal) or ``crash`` (anything else)."""
    try:
        message = parsers.open_message(path, on_bytes=_progress(out), content=content)
        out.add("header", message.header)
        for item in message.items:
            if not isinstance(item, DeclaratieRecord):
                out.add("item", item)
                continue
            lines, item.lines = item.lines, ()
            out.add("declaratie", item)
            batch = []
            for line in lines:
                batch.append(_pack(line))
                if len(batch) >= LINE_BATCH:
                    out.add("lines", batch)
                    batch = []
            out.add("lines", batch)
            out.add("end")
        out.add("done")
    except MessageError as exc:
        out.add("error", (exc.reason, exc.schema, exc.rule, exc.retourcode, exc.row))
    except Exception:  # noqa: BLE001 - reported to the parent, which refuses the file
        log.exception("Parsing %s in a child process failed", path)
        out.add("crash")


def _parse_in_child(path: Path, conn) -> None:
    _guard_database()
    out = _Outbox(conn)
    try:
        _send_message(path, out)
        out.flush()
    finally:
        conn.close()


class _Stream:
    """One message's events in the parent, errors raised as the parser's. ``close`` is called
    once the message is done with (read to its end or not)."""

    def __init__(self, recv, on_bytes, close):
        self.recv, self.on_bytes, self._close = recv, on_bytes, close
        self.in_lines = False  # inside a declaration whose lines were not all read
        self.days: dict[int, dt.date] = {}  # day number -> date, the same few for many lines
        self.closed = False  # the caller is done with the message
        self.finished = False  # its last event (done, error, crash) was read

    def receive(self):
        while True:
            try:
                kind, payload = self.recv()
            except EOFError:
                kind, payload = "crash", None
            if kind in ("done", "error", "crash"):
                self.finished = True
            if kind == "progress":
                if self.on_bytes is not None:
                    self.on_bytes(payload)
                continue
            if kind == "error":
                self.close()
                reason, schema, rule, retourcode, row = payload
                raise MessageError(reason, schema=schema, rule=rule, retourcode=retourcode, row=row)
            if kind == "crash":
                self.close()
                raise MessageError(_("Processing failed unexpectedly; nothing was applied."))
            return kind, payload

    def items(self):
        try:
            while True:
                if self.in_lines:  # the caller stopped reading a declaration's lines
                    for _line in self._lines():
                        pass
                kind, payload = self.receive()
                if kind == "done":
                    self.close()
                    return
                if kind == "declaratie":
                    self.in_lines = True
                    payload.lines = self._lines()
                yield payload
        finally:
            self.close()

    def _lines(self):
        make = PrestatieRecord
        days = self.days
        while self.in_lines:
            kind, payload = self.receive()
            if kind == "end":
                self.in_lines = False
                return
            for values in payload:
                first, last = values[_START], values[_START + 1]
                start, end = days.get(first), days.get(last)
                if start is None:
                    start = days[first] = dt.date.fromordinal(first)
                if end is None:
                    end = days[last] = dt.date.fromordinal(last)
                yield make(*values[:_START], start, end, *values[_START + 2 :])

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            self._close()


# --- the reader of an import -----------------------------------------------------------------

# What the parent keeps of the files it took: enough for a failed batch to be done again from
# the archive (``services.in_batches`` redoes at most one batch), not the whole import.
KEEP_TAKEN = 1024


def can_read_ahead(count: int) -> bool:
    minimum = settings.ZORGREGIO_READER_MIN_FILES
    return bool(minimum) and count >= minimum and hasattr(os, "fork")


def _read_sources(sources, conn) -> None:
    """In the reader child: store every source in the archive and parse it, in order."""
    from .services import store

    _guard_database()
    out = _Outbox(conn)
    try:
        for index, source in enumerate(sources):
            try:
                stored = store(source)
            except Exception:  # noqa: BLE001 - the parent stores this one and the rest itself
                log.exception("Reading %s in the reader process failed", source.name)
                out.add("fallback", index)
                return
            if isinstance(stored, str):
                out.add("refused", (index, stored))
                continue
            out.add("stored", (index, stored.sha256, str(stored.path), stored.size))
            _send_message(stored.path, out, stored.content)
        out.add("eof")
    finally:
        out.flush()
        conn.close()


class Reader:
    """The files of one import stored and parsed, in order, by a forked child (see the
    module's description). :meth:`take` gives each file's stored copy and its message, in the
    order of ``sources``; None means this process reads that file itself (the child stopped,
    or the file was taken before and its parse is gone: a batch done again)."""

    def __init__(self, sources):
        for standard in ("iwmo", "ijw"):  # what the parser loads once, loaded before the fork
            parsers.warm_codes(standard)
            for message_type in MESSAGE_TYPES:
                parsers.schema_for(standard, message_type)
        self.child, conn = _fork(_read_sources, sources)
        self.conn = conn
        self.inbox = _Inbox(conn)
        self.next = 0  # the index of the next file the child sends
        self.taken: dict[int, object] = {}  # index -> stored copy, the last KEEP_TAKEN
        self.stream: _Stream | None = None  # the current file's message
        self.alive = True

    def take(self, index: int):
        """``(stored, opener)`` for the file at ``index``: ``stored`` as
        :func:`~.services.store` gives it (a copy or a refusal), ``opener(on_bytes)`` the
        message (or raises the parser's :class:`MessageError`; None for a refusal)."""
        if index < self.next:
            stored = self.taken.get(index)
            return None if stored is None else (stored, None)
        if not self.alive or index > self.next:
            return None
        self._skip()
        try:
            kind, payload = self.inbox.recv()
        except EOFError:
            kind, payload = "eof", None
        if kind not in ("stored", "refused"):  # "fallback", "eof": the rest is read here
            self.close()
            return None
        from .services import Stored

        self.next = index + 1
        self.taken.pop(index - KEEP_TAKEN, None)
        if kind == "refused":
            stored = self.taken[index] = payload[1]
            return stored, None
        _index, sha256, path, size = payload
        stored = self.taken[index] = Stored(sha256, path, size, None)  # the path as text
        stream = self.stream = _Stream(self.inbox.recv, None, lambda: None)

        def opener(on_bytes=None) -> Message:
            stream.on_bytes = on_bytes
            kind, header = stream.receive()  # the parser's refusal is raised here
            return Message(header=header, items=stream.items())

        return stored, opener

    def _skip(self) -> None:
        """Read past what is left of the previous file's events (not read to its end)."""
        stream, self.stream = self.stream, None
        if stream is None:
            return
        stream.on_bytes = None
        with contextlib.suppress(MessageError):  # the file's refusal, read past as the rest
            while not stream.finished:
                stream.receive()

    def close(self) -> None:
        if self.alive:
            self.alive = False
            self.conn.close()
            if self.child.is_alive():
                self.child.kill()
            self.child.join()
