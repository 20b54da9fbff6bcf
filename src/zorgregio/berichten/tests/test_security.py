"""Issue 11: writes are scoped, imports survive crashes and damaged zips, uploads are limited
before they reach the disk, and the audit trail says who imported what."""

import datetime as dt
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from zorgregio.accounts.tests.factories import UserFactory
from zorgregio.audit.models import AuditAction, AuditEvent
from zorgregio.berichten import services
from zorgregio.berichten.models import BatchStatus, FileStatus, ImportBatch, MessageFile
from zorgregio.berichten.services import ingest_paths
from zorgregio.berichten.tests import builders as B
from zorgregio.contracten.models import Admission, AdmissionStatus, FrameworkAgreement
from zorgregio.monitor.models import ScopeMonth
from zorgregio.zorg.models import CareChange, DeclaratieRegel, Levering, Toewijzing

from .conftest import AGB, BSN, BSN2


@pytest.fixture
def zutphen_admitted(jeugd, zutphen, provider):
    Admission.objects.create(
        agreement=FrameworkAgreement.objects.get(),
        provider=provider,
        product=jeugd,
        municipality=zutphen,
        status=AdmissionStatus.ACTIVE,
        valid_from=dt.date(2026, 1, 1),
    )
    return zutphen


def _upload(client, *files):
    return client.post(
        reverse("berichten:upload"),
        {"files": [SimpleUploadedFile(name, data) for name, data in files]},
        follow=True,
    )


# --- 1. writes are scoped ---------------------------------------------------------------------


@pytest.mark.django_db
def test_municipality_staff_cannot_write_another_municipalitys_care_data(
    client, users, zutphen_admitted, tmp_path
):
    """Apeldoorn's staff uploads 301, 305 and 323 messages addressed to Zutphen: each is
    refused with a Dutch reason and Zutphen's care data stay exactly as they were."""
    ingest_paths(
        [_write(tmp_path, "z301.xml", B.msg_301("ijw", "0301", AGB, BSN, [B.Assigned("7001")]))]
    )
    before = Toewijzing.objects.get(toewijzingnummer="7001")
    assert before.einddatum == dt.date(2026, 12, 31)

    client.force_login(users["gemeente"])  # Apeldoorn only
    changed = B.msg_301(
        "ijw", "0301", AGB, BSN, [B.Assigned("7001", end="2026-03-31")], ident="changed"
    )
    start = B.msg_start_stop("ijw", "305", "0301", AGB, BSN, "7001", "2026-01-05")
    declaration = B.msg_323("ijw", "0301", AGB, "Z1", [B.Line("Z1R1", "7001")])
    response = _upload(client, ("301.xml", changed), ("305.xml", start), ("323.xml", declaration))
    content = response.content.decode()
    assert content.count("gemeente of aanbieder waarvoor u niet werkt") == 3
    assert Toewijzing.objects.get(toewijzingnummer="7001").einddatum == dt.date(2026, 12, 31)
    assert not Levering.objects.exists() and not DeclaratieRegel.objects.exists()
    # The refused files are not attributed to Zutphen: its staff do not see Apeldoorn's attempt.
    refused = MessageFile.objects.filter(status=FileStatus.REJECTED)
    assert refused.count() == 3 and not refused.filter(municipality__isnull=False).exists()


@pytest.mark.django_db
def test_the_regional_team_writes_only_for_its_own_region(client, jeugd, tmp_path):
    from zorgregio.regio.tests.factories import MunicipalityFactory, RegionFactory

    other = RegionFactory(name="Andere regio")
    MunicipalityFactory(region=other, cbs_code="0363", name="Amsterdam")
    team = UserFactory(username="andere-regio", regional_team=True, region=other)
    client.force_login(team)
    data = B.msg_301("ijw", "0200", AGB, BSN, [B.Assigned("1001")])
    content = _upload(client, ("301.xml", data)).content.decode()
    assert "gemeente of aanbieder waarvoor u niet werkt" in content
    assert not Toewijzing.objects.exists()


@pytest.mark.django_db
def test_a_duplicate_of_another_municipalitys_file_reveals_neither_name_nor_id(
    client, users, zutphen_admitted, tmp_path
):
    data = B.msg_301("ijw", "0301", AGB, BSN, [B.Assigned("7001")])
    [first] = ingest_paths([_write(tmp_path, "zutphen-geheim-301.xml", data)])
    assert first.status == FileStatus.PROCESSED
    client.force_login(users["gemeente"])
    response = _upload(client, ("kopie.xml", data))
    content = response.content.decode()
    assert "al eerder ontvangen" in content
    assert "zutphen-geheim-301.xml" not in content
    assert reverse("berichten:file", args=[first.message_file.pk]) not in content
    batch = ImportBatch.objects.get()
    assert batch.results[0]["file_id"] is None


@pytest.mark.django_db
def test_a_refused_file_offered_again_is_processed_once_its_cause_is_fixed(
    jeugd, apeldoorn, tmp_path
):
    """Refused because the provider was not in the register yet: after the provider is added,
    the same file (retried, or uploaded again) is processed; it is never "dubbel" for ever."""
    from zorgregio.aanbieders.models import Provider

    data = B.msg_301("ijw", "0200", "12345678", BSN, [B.Assigned("1001")])
    path = _write(tmp_path, "301.xml", data)
    [refused] = ingest_paths([path])
    assert refused.status == FileStatus.REJECTED and "12345678" in refused.reasons[0]
    provider = Provider.objects.get(agb_code=AGB)
    provider.agb_code = "12345678"
    provider.save()
    out = io.StringIO()
    call_command("import", "--retry-refused", stdout=out)
    assert "verwerkt\t301.xml" in out.getvalue()
    assert Toewijzing.objects.filter(toewijzingnummer="1001").exists()
    assert MessageFile.objects.get().status == FileStatus.PROCESSED
    # Offered once more, it is a duplicate of a processed file now.
    [again] = ingest_paths([path])
    assert again.duplicate and Toewijzing.objects.count() == 1


# --- 2. and 3. the monitor after failures --------------------------------------------------------


@pytest.mark.django_db
def test_a_failing_refresh_leaves_the_files_applied_and_the_batch_truthful(
    client, users, jeugd, tmp_path, monkeypatch
):
    from zorgregio.monitor import services as monitor_services

    def broken(months=None):
        raise RuntimeError("refresh broke")

    monkeypatch.setattr(monitor_services, "refresh_after_import", broken)
    client.force_login(users["regio"])
    data = B.msg_301("ijw", "0200", AGB, BSN, [B.Assigned("1001")])
    content = _upload(client, ("301.xml", data)).content.decode()
    batch = ImportBatch.objects.get()
    assert batch.status == BatchStatus.DONE
    assert batch.results[0]["status"] == FileStatus.PROCESSED
    assert "1 bestand verwerkt." in content
    assert "bijwerken van de monitor daarna is mislukt" in content
    assert Toewijzing.objects.exists()
    # The change stays noted, so the next refresh picks it up.
    assert CareChange.objects.exists()


@pytest.mark.django_db
def test_the_months_of_a_committed_file_are_refreshed_even_if_the_import_died(
    jeugd, apeldoorn, tmp_path
):
    """An import killed after committing a 323 but before its refresh: the changed months are
    noted in the file's own transaction, and the next import (here of another file) or
    `zorgregio refresh-monitor --pending` brings them into the monitor."""
    ingest_paths(
        [_write(tmp_path, "301.xml", B.msg_301("ijw", "0200", AGB, BSN, [B.Assigned("1001")]))]
    )
    declaration = B.msg_323("ijw", "0200", AGB, "D1", [B.Line("R1", "1001")])
    # The process "dies" after the commit: no refresh runs.
    ingest_paths([_write(tmp_path, "323.xml", declaration)], refresh_monitor=False)
    assert CareChange.objects.filter(month=dt.date(2026, 4, 1)).exists()
    assert not ScopeMonth.objects.filter(month=dt.date(2026, 4, 1)).exists()
    # The next import is a duplicate of the same file: nothing new, yet the months are drained.
    [again] = ingest_paths([_write(tmp_path, "323-again.xml", declaration)])
    assert again.duplicate
    assert ScopeMonth.objects.get(month=dt.date(2026, 4, 1)).amount_cents == 5000
    assert not CareChange.objects.exists()


@pytest.mark.django_db
def test_refresh_monitor_command(jeugd, apeldoorn, tmp_path):
    ingest_paths(
        [_write(tmp_path, "301.xml", B.msg_301("ijw", "0200", AGB, BSN, [B.Assigned("1001")]))]
    )
    ingest_paths(
        [_write(tmp_path, "323.xml", B.msg_323("ijw", "0200", AGB, "D1", [B.Line("R1", "1001")]))],
        refresh_monitor=False,
    )
    out = io.StringIO()
    call_command("refresh-monitor", "--pending", stdout=out)
    assert "Monitor bijgewerkt" in out.getvalue()
    assert ScopeMonth.objects.filter(month=dt.date(2026, 4, 1)).exists()
    out = io.StringIO()
    call_command("refresh-monitor", "--pending", stdout=out)
    assert "niets open" in out.getvalue()
    call_command("refresh-monitor", "--from", "2026-01", stdout=io.StringIO())
    assert ScopeMonth.objects.get(month=dt.date(2026, 4, 1)).amount_cents == 5000
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="geen maand"):
        call_command("refresh-monitor", "--from", "2026-13")


# --- 6. damaged zip archives --------------------------------------------------------------------


def _zip(tmp_path, members: list[tuple[str, bytes]], name="batch.zip"):
    path = tmp_path / name
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for member, data in members:
            archive.writestr(member, data)
    return path


def _patch(path, old: bytes, new: bytes, count=1):
    data = path.read_bytes()
    assert data.count(old) >= count
    path.write_bytes(data.replace(old, new, count))


@pytest.mark.django_db
def test_every_zip_member_gets_its_own_result_whatever_the_others_do(jeugd, apeldoorn, tmp_path):
    good = B.msg_301("ijw", "0200", AGB, BSN, [B.Assigned("1001")])
    other = B.msg_301("ijw", "0200", AGB, BSN2, [B.Assigned("1002")], ident="b")
    path = _zip(tmp_path, [("a.xml", good), ("b-bad-crc.xml", b"<x>" * 200), ("c.xml", other)])
    # Damage the CRC of the middle member (its local header and its central directory entry).
    crc = zipfile.ZipFile(path).getinfo("b-bad-crc.xml").CRC.to_bytes(4, "little")
    _patch(path, crc, b"\0\0\0\0", count=2)
    results = {r.name: r for r in ingest_paths([path])}
    assert results["batch.zip:a.xml"].status == FileStatus.PROCESSED
    assert results["batch.zip:c.xml"].status == FileStatus.PROCESSED
    bad = results["batch.zip:b-bad-crc.xml"]
    assert bad.status == FileStatus.REJECTED and "beschadigd" in bad.reasons[0]
    assert Toewijzing.objects.count() == 2


def _set_in_headers(path, filename: str, *, local: int, central: int, value: bytes):
    """Overwrite bytes of a member's local header and its central directory entry."""
    data = bytearray(path.read_bytes())
    name = filename.encode()
    at = 0
    while (at := data.find(b"PK\x01\x02", at)) >= 0:  # central directory entries
        length = int.from_bytes(data[at + 28 : at + 30], "little")
        if bytes(data[at + 46 : at + 46 + length]) == name:
            data[at + central : at + central + len(value)] = value
            offset = int.from_bytes(data[at + 42 : at + 46], "little")
            data[offset + local : offset + local + len(value)] = value
        at += 4
    path.write_bytes(bytes(data))


@pytest.mark.django_db
def test_encrypted_unknown_method_and_two_members_with_one_name(jeugd, apeldoorn, tmp_path):
    one = B.msg_301("ijw", "0200", AGB, BSN, [B.Assigned("1001")])
    two = B.msg_301("ijw", "0200", AGB, BSN2, [B.Assigned("1002")], ident="two")
    path = tmp_path / "odd.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("enc.xml", one)
        archive.writestr("method.xml", one)
        with pytest.warns(UserWarning, match="Duplicate name"):
            archive.writestr("same.xml", one)
            archive.writestr("same.xml", two)
    _set_in_headers(path, "enc.xml", local=6, central=8, value=b"\x01\x00")  # encrypted flag
    _set_in_headers(path, "method.xml", local=8, central=10, value=b"\x63\x00")  # method 99
    by_name = {r.name: r for r in ingest_paths([path])}
    assert set(by_name) == {
        "odd.zip:enc.xml", "odd.zip:method.xml", "odd.zip:same.xml", "odd.zip:same.xml (2)",
    }  # fmt: skip
    assert "wachtwoord" in by_name["odd.zip:enc.xml"].reasons[0]
    assert "compressiemethode" in by_name["odd.zip:method.xml"].reasons[0]
    assert by_name["odd.zip:same.xml"].status == FileStatus.PROCESSED
    assert by_name["odd.zip:same.xml (2)"].status == FileStatus.PROCESSED
    assert set(Toewijzing.objects.values_list("toewijzingnummer", flat=True)) == {"1001", "1002"}


@pytest.mark.django_db
def test_a_member_whose_size_lies_is_refused(jeugd, apeldoorn, tmp_path):
    path = _zip(tmp_path, [("lies.xml", b"<a>" + b"y" * 4000 + b"</a>")])
    info = zipfile.ZipFile(path).getinfo("lies.xml")
    real = info.file_size.to_bytes(4, "little")
    _patch(path, real, (100).to_bytes(4, "little"), count=2)
    [result] = ingest_paths([path])
    assert result.status == FileStatus.REJECTED and "beschadigd" in result.reasons[0]


def test_opening_members_is_linear_in_their_number(tmp_path, monkeypatch):
    """Each member is read through the one open archive: reading the table of contents
    once, not once per member (which made 5,000 tiny members take minutes)."""
    import contextlib

    path = _zip(tmp_path, [(f"m{i:04d}.xml", b"<a/>") for i in range(300)])
    opened = []
    real = zipfile.ZipFile.__init__

    def counting(self, *args, **kwargs):
        opened.append(args[0] if args else None)
        real(self, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "__init__", counting)
    with contextlib.ExitStack() as stack:
        sources = services._sources([path], stack)
        for source in sources:
            with source.open() as fh:
                fh.read()
    assert len(sources) == 300 and len(opened) == 1


# --- 7. uploads limited before disk, nothing unencrypted on disk ---------------------------------


@pytest.mark.django_db
def test_an_oversize_upload_is_refused_before_its_body_is_read(client, users, settings):
    settings.ZORGREGIO_MAX_UPLOAD_BYTES = 1024
    client.force_login(users["regio"])
    response = client.post(
        reverse("berichten:upload"),
        {"files": [SimpleUploadedFile("big.xml", b"x" * 3 * 1024 * 1024)]},
    )
    assert response.status_code == 413
    assert "groter dan het maximum" in response.content.decode()
    assert not MessageFile.objects.exists() and not ImportBatch.objects.exists()


@pytest.mark.django_db
def test_an_upload_just_over_the_limit_is_stopped_while_it_streams(client, users, settings):
    settings.ZORGREGIO_MAX_UPLOAD_BYTES = 3 * 1024 * 1024  # the envelope lets 3.5 MB through
    client.force_login(users["regio"])
    response = client.post(
        reverse("berichten:upload"),
        {"files": [SimpleUploadedFile("big.xml", b"x" * (3 * 1024 * 1024 + 500_000))]},
    )
    assert response.status_code == 413
    assert "groter dan het maximum" in response.content.decode()
    assert not MessageFile.objects.exists()


@pytest.mark.django_db
def test_a_zip_that_unpacks_beyond_the_limit_is_refused(client, users, settings, jeugd):
    settings.ZORGREGIO_MAX_UPLOAD_BYTES = 2 * 1024 * 1024
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("bomb.xml", b"<a>" + b" " * (3 * 1024 * 1024) + b"</a>")
    client.force_login(users["regio"])
    content = _upload(client, ("bomb.zip", buffer.getvalue())).content.decode()
    assert "meer dan 2 MB aan bestanden" in content
    assert not MessageFile.objects.exists()


@pytest.mark.django_db
def test_uploads_are_never_stored_unencrypted(client, users, jeugd, archive):
    client.force_login(users["regio"])
    data = B.msg_301("ijw", "0200", AGB, BSN, [B.Assigned("1001")])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zipped:
        zipped.writestr("in-zip.xml", B.msg_301("ijw", "0200", AGB, BSN2, [B.Assigned("1002")]))
    _upload(client, ("301.xml", data), ("set.zip", buffer.getvalue()))
    assert Toewijzing.objects.count() == 2
    stored = [p for p in archive.rglob("*") if p.is_file()]
    assert stored
    for path in stored:
        raw = path.read_bytes()
        assert BSN.encode() not in raw and BSN2.encode() not in raw, path


# --- 13. the audit trail of imports ---------------------------------------------------------------


@pytest.mark.django_db
def test_command_line_imports_name_the_operating_system_user_and_host(jeugd, apeldoorn, tmp_path):
    import getpass
    import socket

    path = _write(tmp_path, "301.xml", B.msg_301("ijw", "0200", AGB, BSN, [B.Assigned("1001")]))
    call_command("import", str(path), "--no-progress", stdout=io.StringIO())
    event = AuditEvent.objects.get(action=AuditAction.IMPORT)
    assert event.actor is None
    assert event.actor_name == f"systeem ({getpass.getuser()}@{socket.gethostname()})"


def _write(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    return path
