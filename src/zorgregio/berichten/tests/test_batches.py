"""Issue 15: small files are applied many to one transaction, still all or nothing per message;
a batch that fails as a whole is done again file by file, so no result tells of rolled-back
work."""

import multiprocessing
import os

import pytest
from django.db import OperationalError, connection, transaction

from zorgregio.audit.models import AuditAction, AuditEvent
from zorgregio.audit.services import audit_log, deferred_audit
from zorgregio.berichten import pipeline, services
from zorgregio.berichten.models import FileStatus, MessageFile
from zorgregio.berichten.services import ingest_paths
from zorgregio.berichten.tests import builders as B
from zorgregio.zorg.models import Toewijzing

from .conftest import AGB, BSN

# Every test here runs in process and with the parser and reader processes (conftest).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("parse_mode")]


def _files(tmp_path, count, broken=()):
    folder = tmp_path / "in"
    folder.mkdir()
    for n in range(count):
        data = B.msg_301("ijw", "0200", AGB, BSN, [B.Assigned(f"{9100 + n}")])
        if n in broken:
            data = data[: len(data) // 2]  # cut off: refused as a whole
        (folder / f"{n:03d}-301.xml").write_bytes(data)
    return folder


def test_many_small_files_in_batches_each_message_all_or_nothing(jeugd, tmp_path, monkeypatch):
    monkeypatch.setattr(services, "BATCH_FILES", 3)
    results = ingest_paths([_files(tmp_path, 8, broken={4})])
    assert [r.status for r in results] == [FileStatus.PROCESSED] * 4 + [FileStatus.REJECTED] + [
        FileStatus.PROCESSED
    ] * 3
    assert Toewijzing.objects.count() == 7
    assert "9104" not in set(Toewijzing.objects.values_list("toewijzingnummer", flat=True))
    assert MessageFile.objects.filter(status=FileStatus.PROCESSED).count() == 7


def test_a_batch_that_fails_as_a_whole_is_done_again_file_by_file(jeugd, tmp_path, monkeypatch):
    real = services.process_received
    calls = {"n": 0}

    def failing_once(received, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:  # the database gives out in the middle of the batch
            raise OperationalError("disk I/O error")
        return real(received, **kwargs)

    monkeypatch.setattr(services, "process_received", failing_once)
    results = ingest_paths([_files(tmp_path, 5)])
    # The batch's first two files were rolled back with it and are done again: every result
    # is true of the database.
    assert [r.status for r in results] == [FileStatus.PROCESSED] * 5
    assert Toewijzing.objects.count() == 5
    assert MessageFile.objects.filter(status=FileStatus.PROCESSED).count() == 5
    # The audit rows of the rolled-back batch went with it: one row per file, not two.
    assert _import_events() == sorted(
        str(pk) for pk in MessageFile.objects.values_list("pk", flat=True)
    )


def _in_this_process(monkeypatch, module, name: str) -> list:
    """The calls of ``module.name`` made by this process (not by a forked child)."""
    parent, calls, real = os.getpid(), [], getattr(module, name)

    def counted(*args, **kwargs):
        if os.getpid() == parent:
            calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, counted)
    return calls


def test_the_reader_process_stores_and_parses_every_file(jeugd, tmp_path, monkeypatch, settings):
    settings.ZORGREGIO_READER_MIN_FILES = 1
    stored_here = _in_this_process(monkeypatch, services, "store")
    parsed_here = _in_this_process(monkeypatch, services, "open_message")
    results = ingest_paths([_files(tmp_path, 6, broken={4})])
    assert [r.status for r in results] == [FileStatus.PROCESSED] * 4 + [
        FileStatus.REJECTED,
        FileStatus.PROCESSED,
    ]
    assert "afgekapt" in results[4].reasons[0]
    assert Toewijzing.objects.count() == 5
    assert stored_here == [] and parsed_here == []  # all done by the reader
    assert multiprocessing.active_children() == []


def test_a_reader_process_that_dies_leaves_the_rest_to_the_import(
    jeugd, tmp_path, monkeypatch, settings
):
    settings.ZORGREGIO_READER_MIN_FILES = 1
    monkeypatch.setattr(pipeline, "EVENT_BATCH", 1)  # sent at once: what it read arrives
    parent, real = os.getpid(), services.store

    def dying(source, budget=None):
        if os.getpid() != parent and source.name.startswith("003"):
            os._exit(1)  # killed halfway, e.g. by the kernel for memory
        return real(source, budget)

    monkeypatch.setattr(services, "store", dying)
    stored_here = _in_this_process(monkeypatch, services, "store")
    results = ingest_paths([_files(tmp_path, 6, broken={4})])
    assert [r.status for r in results] == [FileStatus.PROCESSED] * 4 + [
        FileStatus.REJECTED,
        FileStatus.PROCESSED,
    ]
    assert Toewijzing.objects.count() == 5
    assert [args[0].name for args in stored_here] == ["003-301.xml", "004-301.xml", "005-301.xml"]
    assert multiprocessing.active_children() == []


def _import_events() -> list[str]:
    return sorted(
        AuditEvent.objects.filter(action=AuditAction.IMPORT).values_list("object_id", flat=True)
    )


def test_a_batch_writes_the_audit_rows_of_its_files_at_once(jeugd, tmp_path, monkeypatch):
    monkeypatch.setattr(services, "BATCH_FILES", 4)
    inserts = []
    table = AuditEvent._meta.db_table

    def counting(execute, sql, params, many, context):
        if sql.startswith(f'INSERT INTO "{table}"'):
            inserts.append(len(params) if many else 1)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counting):
        results = ingest_paths([_files(tmp_path, 6, broken={1})])
    assert inserts == [4, 2]  # one insert per batch, a row for every file (the refused too)
    files = {r.message_file.pk for r in results}
    assert _import_events() == sorted(str(pk) for pk in files)


def test_deferred_audit_writes_nothing_when_the_work_fails(jeugd):
    with pytest.raises(RuntimeError), transaction.atomic(), deferred_audit():
        audit_log(actor=None, action=AuditAction.IMPORT, message="rolled back")
        raise RuntimeError("the batch fails")
    assert not AuditEvent.objects.exists()
    with transaction.atomic(), deferred_audit():
        audit_log(actor=None, action=AuditAction.IMPORT, message="kept")
        assert not AuditEvent.objects.exists()  # not yet: at the end of the block
    assert list(AuditEvent.objects.values_list("message", flat=True)) == ["kept"]


def test_a_batch_notes_each_changed_month_once_and_the_monitor_still_learns_it(jeugd, tmp_path):
    from zorgregio.zorg.hooks import pending_changes
    from zorgregio.zorg.models import CareChange

    results = ingest_paths([_files(tmp_path, 6)], refresh_monitor=False)
    assert all(r.status == FileStatus.PROCESSED for r in results)
    # Six toewijzingen, one transaction: the change is noted once, not six times.
    assert list(CareChange.objects.values_list("month", flat=True)) == [None]
    assert pending_changes()


def test_a_result_keeps_the_files_id_not_the_file(jeugd, tmp_path):
    """An import of many files holds small results; the file is read again when asked for."""
    [result] = ingest_paths([_files(tmp_path, 1)])
    assert not hasattr(result, "__dict__")  # slots only: nothing else is kept
    assert result.message_file.pk == result.file_id == result.as_dict()["file_id"]
    MessageFile.objects.filter(pk=result.file_id).update(rejected_count=7)
    assert result.message_file.rejected_count == 7  # read again, not a stale copy


def test_an_imports_results_are_kept_compactly_and_read_back_the_same(jeugd, tmp_path):
    """The results of an import (one per file: 200,000 for a region's archive) come back as
    given: names with any character, every status, no file, duplicates, reasons; a result
    changed and assigned back stays changed; they travel between processes whole."""
    import pickle

    given = [
        services.IngestResult("één-301.xml", FileStatus.PROCESSED),
        services.IngestResult("b.xml", FileStatus.REJECTED, ["TR056: al ontvangen", "tweede"]),
        services.IngestResult("c.xml", FileStatus.PROCESSING, duplicate=True),
        services.IngestResult("", FileStatus.RECEIVED),
    ]
    given[0].file_id, given[2].file_id = 41, 2**40
    kept = services.Results(given)
    assert len(kept) == 4
    assert [r.as_dict() for r in kept] == [r.as_dict() for r in given]
    assert kept[-1].name == "" and kept[1].reasons == ["TR056: al ontvangen", "tweede"]
    assert [r.name for r in kept[1:3]] == ["b.xml", "c.xml"]
    with pytest.raises(IndexError):
        kept[4]
    changed = kept[0]
    changed.reasons = ["De monitor is niet bijgewerkt."]
    changed.status = FileStatus.REJECTED
    kept[0] = changed
    assert kept[0].as_dict() == {**given[0].as_dict(), "status": "afgekeurd",
                                 "reasons": ["De monitor is niet bijgewerkt."]}  # fmt: skip
    kept += [given[1]]
    sent = pickle.loads(pickle.dumps(kept))  # noqa: S301 - our own bytes
    assert [r.as_dict() for r in sent] == [r.as_dict() for r in kept]
    # An import gives them so, read back the same as the stored files say.
    results = ingest_paths([_files(tmp_path, 3, broken={1})], refresh_monitor=False)
    assert isinstance(results, services.Results)
    stored = {f.pk: f for f in MessageFile.objects.all()}
    for result in results:
        assert result.status == stored[result.file_id].status
        assert result.name == stored[result.file_id].name
    assert results[1].reasons and not results[0].reasons
