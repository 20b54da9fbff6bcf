"""An archive imported by several worker processes at once (PostgreSQL; issue 15, ADR 0302).

``zorgregio import --workers N``: the files are first stored and recorded (received), then
divided among N worker processes by **provider and law**: every message a cross-message rule
relates (a 301 and the 305, 307 and 323 that follow it; a 315 and its 316; a 317 and its 319)
has the same provider and law, so all of them go to one worker, which applies them in the
archive's order, as a single process would. A provider's files are never split, and the
providers are dealt out by their bytes (the largest first to the least loaded worker), so the
workers finish at about the same time.

What the workers share is made safe for concurrent writers rather than partitioned: a client
(one BSN, several providers) is recorded once however many workers meet it at once
(:meth:`~zorgregio.zorg.index.ApplyContext.client_id`), and the identification of a message
(TR056: unique per sender, and a municipality sends to every provider) is checked under a lock
of its own (:func:`~.validation.check_identificatie`). A deadlock the database breaks costs a
batch its transaction, and that batch is applied again file by file (:func:`~.services.
in_batches`), as after any failed batch: no file is lost or applied twice.

SQLite has one writer at a time, so there (and where a process cannot fork) the archive is
imported by one process whatever ``workers`` says.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import multiprocessing
import multiprocessing.connection
import os
import zlib
from collections.abc import Sequence
from pathlib import Path

from django.db import connection, connections, transaction
from django.utils.translation import gettext as _

from zorgregio.common import memory
from zorgregio.zorg.index import ApplyContext

from .models import FileStatus
from .parsers import MessageError, open_message
from .services import (
    IngestResult,
    Progress,
    Results,
    _sources,
    after_import,
    failed_unexpectedly,
    in_batches,
    ingest_paths,
    process_received,
    receive,
)

log = logging.getLogger(__name__)

RECEIVE_CHUNK = 500  # files stored and recorded per transaction before the workers start


def can_run_parallel() -> bool:
    return connection.vendor == "postgresql" and hasattr(os, "fork")


def can_run_alone() -> bool:
    """Whether an import can run in a process of its own: the platform forks, no transaction
    of the caller is open (the import commits its own), and the database is not one process's
    memory (SQLite in memory, as in tests)."""
    if not hasattr(os, "fork") or connection.in_atomic_block:
        return False
    return connection.vendor != "sqlite" or not connection.is_in_memory_db()


def ingest_parallel(
    paths, *, workers: int, actor=None, on_progress: Progress | None = None,
    refresh_monitor: bool = True, own_process: bool = False,
) -> Sequence[IngestResult]:  # fmt: skip
    """:func:`~.services.ingest_paths` with ``workers`` processes applying the files (see the
    module's description): the same results, in the same order.

    ``own_process`` (one worker; ``zorgregio import``): the files are applied in a forked
    process that ends before the monitor is refreshed here, so the refresh does not come on
    top of the memory the import used (issue 15: the import process tree's peak)."""
    if workers <= 1 or not can_run_parallel():
        if own_process and can_run_alone():
            results = _alone(paths, actor, on_progress)
        else:
            results = ingest_paths(
                paths, actor=actor, on_progress=on_progress, refresh_monitor=False
            )
        if refresh_monitor:
            after_import(results)
        return results
    with contextlib.ExitStack() as stack:
        sources = _sources(paths, stack)
        received, keys = [], []
        for start in range(0, len(sources), RECEIVE_CHUNK):
            with transaction.atomic():
                chunk = [
                    receive(s, actor=actor, keep_content=True)
                    for s in sources[start : start + RECEIVE_CHUNK]
                ]
            for item in chunk:  # the header read from the bytes just stored, then let go
                keys.append(_group(item))
                item.content = None
            received += chunk
            if on_progress:
                on_progress(0, len(sources), sources[min(start, len(sources) - 1)].name)
    shares = deal(received, workers, keys)
    connections.close_all()  # every worker opens its own connection
    context = multiprocessing.get_context("fork")
    results: list[IngestResult | None] = [None] * len(received)
    running = {}
    for share in shares:
        reader, writer = context.Pipe(duplex=False)
        # Not a daemon: a worker forks a parser process of its own for a large file.
        worker = context.Process(
            target=_work, args=([(i, received[i]) for i in share], actor, writer)
        )
        worker.start()
        writer.close()
        running[reader] = (worker, share)
    done = 0
    while running:
        for reader in multiprocessing.connection.wait(list(running)):
            worker, share = running.pop(reader)
            try:
                values = reader.recv()
            except EOFError:  # the worker died: what it committed stands, the rest is said
                values = _as_stored([(i, received[i]) for i in share])
            reader.close()
            worker.join()
            for index, result in values:
                results[index] = IngestResult.from_dict(result)
            done += len(values)
            if on_progress:
                on_progress(done, len(received), "")
    results = Results(results)
    if refresh_monitor:
        after_import(results)
    return results


class ImportStopped(RuntimeError):
    """The import's own process stopped without its results; the message is Dutch."""


def _alone(paths, actor, on_progress) -> Results:
    """The files applied by a forked child (its own reader process beside it), the results
    sent back compactly (:class:`~.services.Results`, about 70 bytes a file)."""
    connections.close_all()  # the child opens its own connection
    memory.release()  # the caller's garbage is not copied into the child as it writes
    context = multiprocessing.get_context("fork")
    reader, writer = context.Pipe(duplex=False)
    # Not a daemon: it forks the import's reader process.
    child = context.Process(target=_import_alone, args=(paths, actor, on_progress, writer))
    # What exists now stays out of the child's garbage collections: a full collection writes
    # to every object it visits, which would copy each page of ours holding one into the child.
    gc.freeze()
    try:
        child.start()
    finally:
        gc.unfreeze()
    writer.close()
    try:
        kind, payload = reader.recv()
    except EOFError:
        kind, payload = "died", None
    finally:
        reader.close()
        child.join()
    if kind == "results":
        return payload
    log.error("The import process stopped (%s, exit code %s): %s", kind, child.exitcode, payload)
    raise ImportStopped(
        _(
            "The import stopped unexpectedly (exit code %(code)s). What it had applied is kept; "
            "import the same files again: those already processed are recognised as duplicates."
        )
        % {"code": child.exitcode}
    )


def _import_alone(paths, actor, on_progress, conn) -> None:
    try:
        try:
            results = ingest_paths(
                paths, actor=actor, on_progress=on_progress, refresh_monitor=False
            )
        except BaseException as exc:  # told to the parent, which raises ImportStopped
            log.exception("The import process failed")
            conn.send(("error", repr(exc)))
            raise
        conn.send(("results", results))
    finally:
        connections.close_all()
        conn.close()


def deal(received, workers: int, keys: list[str] | None = None) -> list[list[int]]:
    """The indexes of ``received`` per worker: grouped by provider and law, in the archive's
    order within a group, the groups dealt out largest first to the least loaded worker. A
    file whose header cannot be read goes with the others of no group (its worker refuses it
    with the reason a single process would give). ``keys``: the group of each, when known."""
    groups: dict[str, list[int]] = {}
    weight: dict[str, int] = {}
    for index, item in enumerate(received):
        key = keys[index] if keys is not None else _group(item)
        groups.setdefault(key, []).append(index)
        size = item.message_file.size if item.message_file is not None else 0
        weight[key] = weight.get(key, 0) + (size or 0) + 1
    loads = [0] * max(1, min(workers, len(groups)))
    shares: list[list[int]] = [[] for _ in loads]
    # Largest first; equal weights in a fixed order (the key's checksum), so a run is repeatable.
    for key in sorted(groups, key=lambda k: (-weight[k], zlib.crc32(k.encode()))):
        least = loads.index(min(loads))
        shares[least] += groups[key]
        loads[least] += weight[key]
    return [sorted(share) for share in shares if share]


def _group(item) -> str:
    if item.message_file is None:
        return ""
    try:
        message = open_message(Path(item.message_file.stored_path), content=item.content)
    except MessageError:
        return ""
    try:
        return f"{message.header.provider_code}:{message.header.law}"
    finally:
        message.close()


def _work(items, actor, conn) -> None:
    """In a worker process: apply this share's files in order, in batches as one process
    does, and send the results as plain values to the parent."""
    ctx = ApplyContext()
    try:
        results = in_batches(
            len(items),
            lambda i: process_received(items[i][1], actor=actor, ctx=ctx),
            size_of=lambda i: items[i][1].message_file.size if items[i][1].message_file else 0,
            ctx=ctx,
        )
        values = [(index, r.as_dict()) for (index, _item), r in zip(items, results, strict=True)]
    except Exception:  # never without a result per file: what is stored says what happened
        log.exception("An import worker failed")
        values = _as_stored(items)
    finally:
        connections.close_all()
    conn.send(values)
    conn.close()


def _as_stored(items) -> list[tuple[int, dict]]:
    """The results of files as the archive records them (after a worker failed): processed or
    refused with the stored reasons, or not processed."""
    from .models import MessageFile

    ids = [item.message_file.pk for _index, item in items if item.message_file is not None]
    stored = {f.pk: f for f in MessageFile.objects.filter(pk__in=ids)}
    values = []
    for index, item in items:
        found = stored.get(item.message_file.pk) if item.message_file is not None else None
        if found is None:
            reason = item.refusal or failed_unexpectedly()
            result = IngestResult(item.name, FileStatus.REJECTED, [reason])
        elif found.status in (FileStatus.PROCESSED, FileStatus.REJECTED):
            result = IngestResult(item.name, found.status, found.errors, found)
        else:
            result = IngestResult(
                item.name,
                found.status,
                [_("Not processed: the import stopped before this file; import it again.")],
                found,
            )
        values.append((index, result.as_dict()))
    return values
