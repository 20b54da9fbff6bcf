"""An archive imported by several worker processes (``zorgregio import --workers N``)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import OperationalError

from zorgregio.aanbieders.tests.factories import ProviderFactory
from zorgregio.berichten import parallel, services
from zorgregio.berichten.models import FileStatus, MessageFile
from zorgregio.berichten.services import Received
from zorgregio.contracten.models import Admission, AdmissionStatus, FrameworkAgreement
from zorgregio.zorg.index import ApplyContext

from . import builders as B
from .conftest import AGB, BSN, BSN2

OTHER_AGB = "65656066"


def test_deal_keeps_a_provider_and_law_together_in_order_and_balances_the_workers(monkeypatch):
    groups = ["a:jw", "b:jw", "a:jw", "c:wmo", "a:wmo", "b:jw", "a:jw", "", "c:wmo"]
    sizes = [50, 10, 50, 30, 20, 10, 50, 5, 30]
    received = [
        Received(f"{i}.xml", MessageFile(pk=i + 1, size=size, stored_path=groups[i]))
        for i, size in enumerate(sizes)
    ]
    monkeypatch.setattr(parallel, "_group", lambda item: item.message_file.stored_path)
    shares = parallel.deal(received, 2)
    assert len(shares) == 2
    by_group: dict[str, set[int]] = {}
    for number, share in enumerate(shares):
        assert share == sorted(share)  # the archive's order within a worker
        for index in share:
            by_group.setdefault(groups[index], set()).add(number)
    assert all(len(workers) == 1 for workers in by_group.values())  # never split
    # a:jw (150 bytes) alone against the rest (20 + 60 + 20 + 5 = 105)
    assert sorted(shares, key=len) == [[0, 2, 6], [1, 3, 4, 5, 7, 8]]
    assert sorted(sum(shares, [])) == list(range(len(received)))
    # More workers than groups: one per group, no empty worker.
    assert len(parallel.deal(received[:3], 8)) == 2


class _Conflict(Exception):
    sqlstate = "40P01"  # deadlock_detected, as psycopg reports it


def _failing(times: int, cause: Exception):
    calls = []

    def work(index):
        calls.append(index)
        if len(calls) <= times:
            raise OperationalError("deadlock detected") from cause
        return f"result {index}"

    return work, calls


def test_a_file_aborted_by_a_conflict_with_another_transaction_is_done_again():
    work, calls = _failing(2, _Conflict())
    assert services._alone(work, 7, ApplyContext()) == "result 7"
    assert calls == [7, 7, 7]
    # Another database error is not retried; neither is a conflict without end.
    work, calls = _failing(1, ValueError("disk full"))
    with pytest.raises(OperationalError):
        services._alone(work, 1, ApplyContext())
    assert calls == [1]
    work, calls = _failing(99, _Conflict())
    with pytest.raises(OperationalError):
        services._alone(work, 2, ApplyContext())
    assert len(calls) == services.TRANSIENT_TRIES


@pytest.fixture
def two_providers(jeugd, apeldoorn):
    """The conftest's provider and a second one, both admitted for 45A03 in Apeldoorn."""
    other = ProviderFactory(agb_code=OTHER_AGB)
    agreement = FrameworkAgreement.objects.get()
    Admission.objects.create(
        agreement=agreement, provider=other, product=jeugd, municipality=apeldoorn,
        status=AdmissionStatus.ACTIVE, valid_from=dt.date(2026, 1, 1),
        valid_until=dt.date(2026, 12, 31),
    )  # fmt: skip
    return jeugd


@pytest.mark.django_db(transaction=True)
def test_two_workers_apply_each_provider_in_order_and_check_identification_across_them(
    tmp_path, two_providers
):
    """Each provider's 301 and 305 go to one worker, in order (the 305 needs its 301); the
    municipality sent one identification twice (to both providers): exactly one of the two is
    refused with TR056, whichever worker came first, as one process would refuse the second."""
    from zorgregio.zorg.models import Client, Levering, Toewijzing

    if not parallel.can_run_parallel():
        pytest.skip("several import workers need PostgreSQL")
    files = {
        "a1-301.xml": B.msg_301("ijw", "0200", AGB, BSN, [B.Assigned("1001")], ident="DUP"),
        "a2-305.xml": B.msg_start_stop("ijw", "305", "0200", AGB, BSN, "1001", "2026-01-05"),
        "b1-301.xml": B.msg_301("ijw", "0200", OTHER_AGB, BSN2, [B.Assigned("2001")], ident="DUP"),
        "b2-301.xml": B.msg_301("ijw", "0200", OTHER_AGB, BSN, [B.Assigned("2002")]),
        "b3-305.xml": B.msg_start_stop("ijw", "305", "0200", OTHER_AGB, BSN, "2002", "2026-02-02"),
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    results = parallel.ingest_parallel([tmp_path], workers=2)
    assert [r.name for r in results] == sorted(files)
    status = {r.name: r.status for r in results}
    duplicate = [name for name in ("a1-301.xml", "b1-301.xml") if status[name] != "verwerkt"]
    assert len(duplicate) == 1, results
    refused = next(r for r in results if r.name == duplicate[0])
    assert "TR056" in refused.reasons[0]
    assert status["b2-301.xml"] == status["b3-305.xml"] == FileStatus.PROCESSED
    # The client both providers serve was recorded once, by whichever worker met it first.
    assert Client.objects.count() == 2 - (duplicate[0] == "b1-301.xml")
    assert Toewijzing.objects.filter(provider__agb_code=OTHER_AGB, toewijzingnummer="2002").get()
    if duplicate[0] == "b1-301.xml":  # provider A's 301 stood: its 305 was applied
        assert status["a2-305.xml"] == FileStatus.PROCESSED
        assert Levering.objects.count() == 2
    assert not MessageFile.objects.filter(status=FileStatus.PROCESSING).exists()


# --- one worker in a process of its own (``zorgregio import``) -----------------------------


def _two_files(tmp_path):
    files = {
        "a1-301.xml": B.msg_301("ijw", "0200", AGB, BSN, [B.Assigned("1001")]),
        "a2-305.xml": B.msg_start_stop("ijw", "305", "0200", AGB, BSN, "1001", "2026-01-05"),
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    return sorted(files)


@pytest.mark.django_db(transaction=True)
def test_an_import_in_its_own_process_applies_the_files_there_and_refreshes_here(
    tmp_path, jeugd, apeldoorn
):
    """The files are applied by a forked process (the progress callback runs there) that ends
    before the monitor is refreshed in this one; the results come back in order."""
    import multiprocessing
    import os

    from zorgregio.monitor.models import MonitorState
    from zorgregio.zorg.models import Levering

    if not parallel.can_run_alone():
        pytest.skip("an import in its own process needs a database on disk")
    names = _two_files(tmp_path)
    applied_in = multiprocessing.Value("i", 0)

    def progress(done, total, name):
        applied_in.value = os.getpid()

    results = parallel.ingest_parallel(
        [tmp_path], workers=1, on_progress=progress, own_process=True
    )
    assert isinstance(results, services.Results)
    assert [(r.name, r.status) for r in results] == [(n, FileStatus.PROCESSED) for n in names]
    assert applied_in.value not in (0, os.getpid())
    assert Levering.objects.count() == 1
    assert MonitorState.objects.exists()  # refreshed in this process, after the import's end
    assert not MessageFile.objects.filter(status=FileStatus.PROCESSING).exists()


@pytest.mark.django_db(transaction=True)
def test_an_import_process_that_dies_is_said_in_dutch_and_leaves_nothing_half_done(
    tmp_path, jeugd, apeldoorn
):
    import os

    from django.utils import translation

    from zorgregio.zorg.models import Toewijzing

    if not parallel.can_run_alone():
        pytest.skip("an import in its own process needs a database on disk")
    _two_files(tmp_path)

    def progress(done, total, name):
        if done >= 1:  # the first file applied in the batch's open transaction, then gone
            os._exit(3)

    with translation.override("nl"), pytest.raises(parallel.ImportStopped) as stopped:
        parallel.ingest_parallel([tmp_path], workers=1, on_progress=progress, own_process=True)
    assert "onverwacht" in str(stopped.value) and "3" in str(stopped.value)
    assert not Toewijzing.objects.exists()  # the batch was never committed
    assert not MessageFile.objects.filter(status=FileStatus.PROCESSING).exists()


@pytest.mark.django_db
def test_an_import_inside_a_transaction_or_on_a_database_in_memory_stays_in_this_process(
    tmp_path, jeugd, apeldoorn
):
    """A caller's open transaction (here the test's) must see the import's rows: no process of
    its own then, and the same results."""
    import os

    names = _two_files(tmp_path)
    assert not parallel.can_run_alone()
    seen = set()
    results = parallel.ingest_parallel(
        [tmp_path], workers=1, own_process=True,
        on_progress=lambda done, total, name: seen.add(os.getpid()),
    )  # fmt: skip
    assert [(r.name, r.status) for r in results] == [(n, FileStatus.PROCESSED) for n in names]
    assert seen == {os.getpid()}
