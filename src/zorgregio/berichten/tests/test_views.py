import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from zorgregio.audit.models import AuditAction, AuditEvent
from zorgregio.berichten.models import FileStatus, ImportBatch, MessageFile
from zorgregio.berichten.services import ingest_paths
from zorgregio.berichten.tests import builders as B
from zorgregio.zorg.models import Client, Declaratie

from .conftest import AGB, BSN, BSN2


@pytest.fixture
def declared(tmp_path, jeugd, apeldoorn):
    one = tmp_path / "301.xml"
    one.write_bytes(B.msg_301("ijw", "0200", AGB, BSN, [B.Assigned("1001")]))
    two = tmp_path / "323.xml"
    lines = [B.Line("OK", "1001"), B.Line("BAD", "1001", tariff=1300, start="2026-03-01",
                                          end="2026-03-31")]  # fmt: skip
    two.write_bytes(B.msg_323("ijw", "0200", AGB, "D1", lines))
    results = ingest_paths([one, two])
    assert all(r.status == FileStatus.PROCESSED for r in results)
    return Declaratie.objects.get()


@pytest.mark.django_db
def test_council_member_has_no_message_screens(client, users):
    client.force_login(users["raad"])
    assert client.get(reverse("berichten:index")).status_code == 403


@pytest.mark.django_db
def test_upload_runs_in_background_and_shows_result(client, users, jeugd):
    client.force_login(users["regio"])
    data = B.msg_301("ijw", "0200", AGB, BSN, [B.Assigned("1001")])
    broken = b"<not-xml"
    response = client.post(
        reverse("berichten:upload"),
        {"files": [SimpleUploadedFile("a.xml", data), SimpleUploadedFile("b.xml", broken)]},
        follow=True,
    )
    batch = ImportBatch.objects.get()
    assert response.redirect_chain[-1][0] == reverse("berichten:batch", args=[batch.pk])
    assert batch.status == "klaar" and batch.percent == 100
    content = response.content.decode()
    assert "a.xml" in content and "b.xml" in content
    assert "1 bestand verwerkt, 1 afgekeurd." in content
    assert MessageFile.objects.get(name="a.xml").uploaded_by == users["regio"]
    # The municipality staff member does not see the regional team's upload.
    client.force_login(users["gemeente"])
    assert client.get(reverse("berichten:batch", args=[batch.pk])).status_code == 404


@pytest.mark.django_db
def test_upload_without_file_is_a_form_error(client, users):
    client.force_login(users["gemeente"])
    response = client.post(reverse("berichten:upload"), {})
    assert response.status_code == 400
    assert not ImportBatch.objects.exists()


@pytest.mark.django_db
def test_declaration_lines_with_explanations_and_audit(client, users, declared):
    client.force_login(users["gemeente"])
    response = client.get(reverse("berichten:declaratie", args=[declared.pk]))
    content = response.content.decode()
    assert response.status_code == 200
    assert "0611" in content and "contractuele tarief" in content
    assert AuditEvent.objects.filter(action=AuditAction.VIEW, object_id=str(declared.pk)).exists()


@pytest.mark.django_db
def test_other_municipality_and_other_provider_cannot_see_declaration(
    client, users, declared, zutphen
):
    from zorgregio.accounts.tests.factories import UserFactory

    other = UserFactory(municipality_staff=True, region=declared.municipality.region,
                        municipalities=[zutphen])  # fmt: skip
    client.force_login(other)
    assert client.get(reverse("berichten:declaratie", args=[declared.pk])).status_code == 404
    client.force_login(users["aanbieder"])  # a different provider
    assert client.get(reverse("berichten:declaratie", args=[declared.pk])).status_code == 404
    client.force_login(users["raad"])
    assert client.get(reverse("berichten:declaratie", args=[declared.pk])).status_code == 403


@pytest.mark.django_db
def test_325_download_is_audited(client, users, declared):
    client.force_login(users["regio"])
    response = client.get(reverse("berichten:answer325", args=[declared.pk]))
    assert response.status_code == 200
    assert b"<jw325:ReferentieNummer>BAD</jw325:ReferentieNummer>" in response.content.replace(
        b"ijw:ReferentieNummer", b"jw325:ReferentieNummer"
    )
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT).count() == 1


@pytest.mark.django_db
def test_client_timeline_for_client_roles_only_and_audited(client, users, declared):
    client_obj = Client.objects.get()
    url = reverse("zorg:client", args=[client_obj.pk])
    client.force_login(users["raad"])
    assert client.get(url).status_code == 403
    client.force_login(users["beheerder"])
    assert client.get(url).status_code == 403
    client.force_login(users["gemeente"])
    response = client.get(url)
    content = response.content.decode()
    assert response.status_code == 200
    assert "1001" in content and "OK" in content and "BAD" in content
    assert BSN not in content
    assert AuditEvent.objects.filter(action=AuditAction.VIEW, object_id=str(client_obj.pk)).exists()
    # Search by BSN leads to the same timeline.
    response = client.get(reverse("zorg:index"), {"bsn": BSN})
    assert response.status_code == 302 and response.url == url


@pytest.mark.django_db
def test_import_command_lines_and_exit_code(tmp_path, jeugd, apeldoorn):
    good = tmp_path / "good.xml"
    good.write_bytes(B.msg_301("ijw", "0200", AGB, BSN, [B.Assigned("1001")]))
    out = io.StringIO()
    call_command("import", str(good), stdout=out)
    assert "good.xml" in out.getvalue() and "verwerkt" in out.getvalue()
    bad = tmp_path / "bad.xml"
    bad.write_bytes(b"<broken")
    out = io.StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("import", str(good), str(bad), stdout=out)
    assert exit_info.value.code == 1
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("dubbel") or "good.xml" in lines[0]
    assert any(line.startswith("afgekeurd\tbad.xml") for line in lines)


@pytest.mark.django_db(transaction=True)
def test_import_command_with_two_workers(tmp_path, jeugd, apeldoorn):
    """``--workers 2``: on PostgreSQL two processes apply the files; on SQLite the import says
    that it runs in one process. Either way every file gets its line, in the archive's order."""
    from zorgregio.berichten.parallel import can_run_parallel

    for name, bsn, nummer in (("a.xml", BSN, "1001"), ("b.xml", BSN2, "1002")):
        (tmp_path / name).write_bytes(B.msg_301("ijw", "0200", AGB, bsn, [B.Assigned(nummer)]))
    out, err = io.StringIO(), io.StringIO()
    call_command("import", str(tmp_path), "--workers", "2", stdout=out, stderr=err)
    lines = out.getvalue().splitlines()
    assert lines[0] == "verwerkt\ta.xml" and lines[1] == "verwerkt\tb.xml"
    one_process = "de import loopt in één proces" in err.getvalue()
    assert one_process != can_run_parallel()


@pytest.mark.django_db
def test_import_history_per_role(client, users, declared, tmp_path):
    bad = tmp_path / "kapot.xml"
    bad.write_bytes(b"<kapot")
    ingest_paths([bad])
    client.force_login(users["regio"])
    content = client.get(reverse("berichten:index")).content.decode()
    assert "301.xml" in content and "323.xml" in content and "kapot.xml" in content
    assert "geen geldige XML" in content
    refused = client.get(reverse("berichten:index"), {"status": "afgekeurd"}).content.decode()
    assert "kapot.xml" in refused and "301.xml" not in refused
    # The provider user of another provider sees none of these files.
    client.force_login(users["aanbieder"])
    content = client.get(reverse("berichten:index")).content.decode()
    assert "323.xml" not in content and "kapot.xml" not in content
    file = MessageFile.objects.get(name="323.xml")
    client.force_login(users["gemeente"])
    detail = client.get(reverse("berichten:file", args=[file.pk])).content.decode()
    assert "D1" in detail and re.search(r"1 van \d+ prestaties? afgekeurd", detail)
