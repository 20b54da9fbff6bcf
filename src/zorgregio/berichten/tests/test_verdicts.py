"""The machine-readable verdict: ``zorgregio import --format json`` and the berichten API."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command

from zorgregio.audit.models import AuditEvent
from zorgregio.berichten.models import MessageFile
from zorgregio.berichten.tests import builders as B

from .conftest import AGB, BSN

pytestmark = pytest.mark.django_db


@pytest.fixture
def files(tmp_path, jeugd, apeldoorn):
    """A toewijzing; a declaration with one line for an unknown toewijzing; a declaration
    refused as a whole (the same debit twice, TR416)."""
    paths = []
    messages = {
        "301.xml": B.msg_301("ijw", "0200", AGB, BSN, [B.Assigned("1001")]),
        "323-ok.xml": B.msg_323("ijw", "0200", AGB, "D1",
                                [B.Line("R1", "1001"), B.Line("R2", "9999")]),
        "323-bad.xml": B.msg_323("ijw", "0200", AGB, "D2",
                                 [B.Line("R3", "1001", start="2026-03-01", end="2026-03-31"),
                                  B.Line("R4", "1001", start="2026-03-01", end="2026-03-31")]),
    }  # fmt: skip
    for name, data in messages.items():
        path = tmp_path / name
        path.write_bytes(data)
        paths.append(path)
    return paths


def _import_json(*args) -> tuple[dict, int]:
    out = io.StringIO()
    code = 0
    try:
        call_command("import", *args, "--format", "json", "--no-progress", stdout=out)
    except SystemExit as exc:
        code = exc.code
    return json.loads(out.getvalue()), code


def test_import_prints_the_verdict_per_file_message_and_line(files):
    data, code = _import_json(*map(str, files))
    assert code == 1  # a file was refused
    assert data["summary"] == {"files": 3, "refused": 1}
    by_name = {f["name"]: f for f in data["files"]}
    assert by_name["301.xml"]["message"]["verdict"] == "accepted"
    assert by_name["301.xml"]["counts"] == {"lines": 1, "refused": 0}
    ok = by_name["323-ok.xml"]
    assert ok["message"]["verdict"] == "accepted" and ok["message"]["type"] == "JW323"
    assert ok["counts"] == {"lines": 2, "refused": 1}
    [line] = ok["lines"]
    assert (line["kind"], line["reference"], line["verdict"]) == ("Prestatie", "R2", "refused")
    assert [(r["rule"], r["retourcode"]) for r in line["rules"]] == [("TR338", "9338")]
    bad = by_name["323-bad.xml"]
    assert bad["status"] == "afgekeurd" and bad["message"]["verdict"] == "refused"
    [rule] = bad["message"]["rules"]
    assert (rule["rule"], rule["retourcode"]) == ("TR416", "0001") and rule["row"]
    assert bad["lines"] == [] and rule["text"]
    # Imported again: reported as duplicates, with the verdict they got the first time.
    again, code = _import_json(str(files[1]))
    assert code == 0 and again["files"][0]["duplicate"] is True
    assert again["files"][0]["counts"] == {"lines": 2, "refused": 1}


def test_the_api_gives_the_same_verdict_scoped_and_audited(client, users, files, zutphen):
    from zorgregio.berichten.services import ingest_paths
    from zorgregio.berichten.verdicts import file_verdict

    ingest_paths(files)
    ok = MessageFile.objects.get(name="323-ok.xml")
    client.force_login(users["regio"])
    response = client.get(f"/api/v1/berichten/{ok.pk}/")
    assert response.status_code == 200
    assert response.json() == json.loads(json.dumps(file_verdict(ok)))
    assert AuditEvent.objects.filter(object_id=str(ok.pk), message="verdict").exists()
    listed = client.get("/api/v1/berichten/").json()
    assert {row["name"] for row in listed["results"]} == {"301.xml", "323-ok.xml", "323-bad.xml"}
    # Apeldoorn's staff sees its files; other scopes see nothing.
    client.force_login(users["gemeente"])
    assert client.get(f"/api/v1/berichten/{ok.pk}/").status_code == 200
    zutphen_file = B.msg_301("ijw", "0301", AGB, BSN, [B.Assigned("7")])
    path = files[0].parent / "zutphen.xml"
    path.write_bytes(zutphen_file)
    [other] = ingest_paths([path])
    assert client.get(f"/api/v1/berichten/{other.message_file.pk}/").status_code == 404
    for role in ("aanbieder", "raad", "beheerder"):
        client.force_login(users[role])
        assert client.get(f"/api/v1/berichten/{ok.pk}/").status_code in (403, 404), role
        listing = client.get("/api/v1/berichten/")
        assert listing.status_code == 403 or listing.json()["results"] == [], role
