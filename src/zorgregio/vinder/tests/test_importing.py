"""The postcode table through the set-up import and ``zorgregio import-postcodes``: a row-by-row
report, Dutch errors per row, nothing half-imported, the public files' English headers."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import translation

from zorgregio.audit.models import AuditEvent
from zorgregio.inrichting import registry
from zorgregio.vinder.models import Postcode

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def dutch():
    with translation.override("nl"):
        yield


def run(text, actor=None):
    return registry.run_import(
        registry.get("postcodes"), actor=actor, upload=text.encode(), filename="postcodes.csv"
    )


def test_a_file_is_imported_and_again_changes_nothing():
    text = (
        "postcode;breedtegraad;lengtegraad;woonplaats\n"
        "8161 AB;52,3480;5,9830;Epe\n8171AA;52.287;5.965;Vaassen\n"
    )
    report = run(text)
    assert report.ok and report.created == 2
    assert Postcode.objects.get(pk="8161AB").city == "Epe"
    assert str(Postcode.objects.get(pk="8171AA").longitude) == "5.965000"
    assert AuditEvent.objects.filter(message__contains="postcodes").exists()
    again = run(text)
    assert again.ok and again.unchanged == 2 and again.created == 0


def test_the_english_headers_of_public_pc6_files_are_read():
    report = run("pc6,lat,lon\n8161AB,52.348,5.983\n")
    assert report.ok and Postcode.objects.filter(pk="8161AB").exists()


def test_one_wrong_row_refuses_the_whole_file_with_dutch_messages_per_row():
    report = run(
        "postcode;breedtegraad;lengtegraad\n"
        "8161AB;52.348;5.983\n"
        "0000XX;52.3;5.9\n"
        "8162AB;noord;5.9\n"
        "8163AB;40;5.9\n"
        "8161 AB;52.1;5.9\n"
        "8164AB;;5.9\n"
    )
    assert not report.ok
    text = "\n".join(report.errors)
    assert "Rij 3" in text and "0000XX is geen Nederlandse postcode" in text
    assert "Rij 4" in text and "noord is geen getal in graden" in text
    assert "Rij 5" in text and "40 ligt buiten Nederland" in text
    assert "Rij 6" in text and "deze postcode staat al in rij 2" in text
    assert "Rij 7" in text and "geef de coördinaat in decimale graden" in text
    assert not Postcode.objects.exists()


def test_a_missing_column_is_named():
    report = run("postcode;breedtegraad\n8161AB;52.3\n")
    assert not report.ok and "lengtegraad" in report.errors[0]


def test_only_the_regional_team_imports(world):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        run("postcode;breedtegraad;lengtegraad\n8199AB;52.3;5.9\n", actor=world.users["aanbieder"])
    assert not Postcode.objects.filter(pk="8199AB").exists()
    assert run(
        "postcode;breedtegraad;lengtegraad\n8199AB;52.3;5.9\n", actor=world.users["regio"]
    ).ok


def test_the_command_imports_and_exits_1_on_a_wrong_file(tmp_path):
    good = tmp_path / "pc6.csv"
    good.write_text("postcode;breedtegraad;lengtegraad\n8161AB;52.348;5.983\n", encoding="utf-8")
    out = StringIO()
    call_command("import-postcodes", str(good), stdout=out)
    assert "nieuw" in out.getvalue() and Postcode.objects.count() == 1
    bad = tmp_path / "bad.csv"
    bad.write_text("postcode;breedtegraad;lengtegraad\n8162AB;52.3;99\n", encoding="utf-8")
    out = StringIO()
    with pytest.raises(SystemExit) as exited:
        call_command("import-postcodes", str(bad), stdout=out)
    assert exited.value.code == 1
    assert "Rij 2" in out.getvalue() and "buiten Nederland" in out.getvalue()
    assert Postcode.objects.count() == 1
