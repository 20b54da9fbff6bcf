"""`zorgregio import --csv KIND PATH...` applies CSV files and is scriptable like XML imports."""

from io import StringIO

import pytest
from django.core.management import call_command

from zorgregio.berichten.tests.test_csv_import import BSN, BSN2, LEVERINGEN, TOEWIJZINGEN, _write
from zorgregio.berichten.tests.test_generator_ingest import register  # noqa: F401 - fixture
from zorgregio.zorg.models import Levering, Toewijzing

pytestmark = pytest.mark.django_db


def test_csv_files_through_the_import_command(register, tmp_path):  # noqa: F811
    values = {"agb": register[0].agb_code, "bsn": BSN, "bsn2": BSN2}
    toewijzingen = _write(tmp_path, "t.csv", TOEWIJZINGEN.format(**values))
    leveringen = _write(tmp_path, "l.csv", LEVERINGEN.format(**values))
    out = StringIO()
    call_command("import", "--csv", "toewijzingen", str(toewijzingen), stdout=out)
    call_command("import", "--csv", "leveringen", str(leveringen), stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("verwerkt\tt.csv")
    assert any(line.startswith("verwerkt\tl.csv") for line in lines)
    assert Toewijzing.objects.count() == 2
    assert Levering.objects.count() == 2


def test_a_refused_csv_file_makes_the_command_fail(register, tmp_path):  # noqa: F811
    bad = _write(tmp_path, "bad.csv", "gemeente;aanbieder\n0200;x\n")
    out = StringIO()
    with pytest.raises(SystemExit) as exc:
        call_command("import", "--csv", "toewijzingen", str(bad), stdout=out)
    assert exc.value.code == 1
    assert out.getvalue().startswith("afgekeurd\tbad.csv\t")
    assert Toewijzing.objects.count() == 0
