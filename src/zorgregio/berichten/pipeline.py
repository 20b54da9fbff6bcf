"""Parse a large message in a child process while this process checks and writes it.

The parse (lxml ``iterparse`` with the XSD, the structural checks, the records) and the rest of
the ingest (TR checks, inserts) each take about half of the time of a large 323. A forked child
runs :func:`~zorgregio.berichten.parsers.open_message` and sends the records through a pipe in
batches; this process reads them as the same :class:`~zorgregio.zorg.records.Message`
(header first, items streamed, the lines of a declaration streamed), so the callers and their
all-or-nothing transaction do not change. Errors are raised here exactly as the in-process
parser raises them: a :class:`~zorgregio.berichten.parsers.MessageError` with the same reason,
at the same point of the stream.

The child never uses the database (a guard refuses any query: the code lists and the XSD are
loaded before the fork) and leaves with ``os._exit`` (multiprocessing's fork start method), so
it does not touch the parent's connection. Used only where ``fork`` exists (Linux, macOS) and
for files of at least ``ZORGREGIO_PARSE_PROCESS_MIN_BYTES``; small files are parsed in process,
where a fork would cost more than it saves.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import multiprocessing
import os
from operator import attrgetter
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.utils.translation import gettext as _

from zorgregio.zorg.records import DeclaratieRecord, Message, PrestatieRecord

from . import parsers
from .parsers import MessageError

try:
    import fcntl
except ImportError:  # Windows: no fork either, every file is parsed in process
    fcntl = None

log = logging.getLogger(__name__)

LINE_BATCH = 1000
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
    context = multiprocessing.get_context("fork")
    reader, writer = context.Pipe(duplex=False)
    _widen(writer)
    child = context.Process(target=_parse_in_child, args=(path, writer), daemon=True)
    child.start()
    writer.close()
    stream = _Stream(reader, child, on_bytes)
    try:
        kind, header = stream.receive()
    except BaseException:
        stream.close()
        raise
    return Message(header=header, items=stream.items())


def _widen(conn) -> None:
    """Let the pipe hold about twenty batches (Linux: 1 MiB instead of 64 KiB), so the parser
    keeps parsing while this process writes a batch to the database, and the other way round."""
    # Not Linux (no F_SETPIPE_SZ), or more than the system's pipe-max-size: keep the default.
    with contextlib.suppress(AttributeError, OSError):
        fcntl.fcntl(conn.fileno(), fcntl.F_SETPIPE_SZ, PIPE_BYTES)


def _no_queries(*args, **kwargs):
    raise RuntimeError("The parser process must not use the database.")


def _parse_in_child(path: Path, conn) -> None:
    for alias in connections:
        connections[alias].execute_wrappers.append(_no_queries)
    sent = 0

    def progress(read_bytes):
        nonlocal sent
        if read_bytes - sent >= 1_000_000:
            sent = read_bytes
            conn.send(("progress", read_bytes))

    try:
        message = parsers.open_message(path, on_bytes=progress)
        conn.send(("header", message.header))
        for item in message.items:
            if not isinstance(item, DeclaratieRecord):
                conn.send(("item", item))
                continue
            lines, item.lines = item.lines, ()
            conn.send(("declaratie", item))
            batch = []
            for line in lines:
                batch.append(_pack(line))
                if len(batch) >= LINE_BATCH:
                    conn.send(("lines", batch))
                    batch = []
            conn.send(("lines", batch))
            conn.send(("end", None))
        conn.send(("done", None))
    except MessageError as exc:
        conn.send(("error", (exc.reason, exc.schema, exc.rule, exc.retourcode, exc.row)))
    except Exception:  # noqa: BLE001 - reported to the parent, which refuses the file
        log.exception("Parsing %s in a child process failed", path)
        conn.send(("crash", None))
    finally:
        conn.close()


class _Stream:
    """The parent's end of the pipe: messages from the child, errors raised as the parser's."""

    def __init__(self, conn, child, on_bytes):
        self.conn, self.child, self.on_bytes = conn, child, on_bytes
        self.in_lines = False  # inside a declaration whose lines were not all read
        self.days: dict[int, dt.date] = {}  # day number -> date, the same few for many lines

    def receive(self):
        while True:
            try:
                kind, payload = self.conn.recv()
            except EOFError:
                kind, payload = "crash", None
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
        self.conn.close()
        if self.child.is_alive():
            self.child.kill()
        self.child.join()
