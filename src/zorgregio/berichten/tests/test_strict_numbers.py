"""Issue 11.8 in the ingest: a fullwidth BSN is not another client, absurd numbers get a Dutch
reason naming the field, before anything reaches the database."""

import pytest

from zorgregio.berichten.csv_import import ingest_csv
from zorgregio.berichten.models import FileStatus
from zorgregio.berichten.services import ingest_paths
from zorgregio.berichten.tests import builders as B
from zorgregio.zorg.models import Client, Toewijzing

from .conftest import AGB, BSN

HEADER = (
    "gemeente;aanbieder;wet;bsn;toewijzingnummer;productcategorie;productcode;"
    "toewijzingsdatum;ingangsdatum;einddatum;volume;eenheid;frequentie;budget\n"
)


def _csv(tmp_path, rows: list[str], name="t.csv"):
    path = tmp_path / name
    path.write_text(HEADER + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.mark.django_db
def test_a_fullwidth_bsn_does_not_create_a_second_client(tmp_path, jeugd):
    row = "0200;{agb};jw;{bsn};1001;45;45A03;2026-01-01;2026-01-01;2026-12-31;10;04;4;"
    first = ingest_csv(_csv(tmp_path, [row.format(agb=AGB, bsn="824637677")]), kind="toewijzingen")
    assert first.status == FileStatus.PROCESSED, first.reasons
    wide = row.format(agb=AGB, bsn="８２４６３７６７７").replace("1001", "1002")
    result = ingest_csv(_csv(tmp_path, [wide], "wide.csv"), kind="toewijzingen")
    assert result.status == FileStatus.REJECTED
    assert "kolom 'bsn'" in result.reasons[0] and "geen geldig BSN" in result.reasons[0]
    assert Client.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("column", "value", "words"),
    [
        ("budget", "1" + "0" * 30, "meer dan het grootste bedrag"),
        ("budget", "１０", "is geen bedrag"),
        ("volume", "１０", "geen geheel getal"),
        ("volume", "123456789", "meer dan 99999999"),
    ],
)
def test_absurd_csv_numbers_are_refused_naming_row_and_column(
    tmp_path, jeugd, column, value, words
):
    values = {"volume": "10", "budget": ""}
    values[column] = value
    row = (
        f"0200;{AGB};jw;{BSN};1001;45;45A03;2026-01-01;2026-01-01;2026-12-31;"
        f"{values['volume']};04;4;{values['budget']}"
    )
    result = ingest_csv(_csv(tmp_path, [row]), kind="toewijzingen")
    assert result.status == FileStatus.REJECTED
    assert f"Regel 2, kolom '{column}'" in result.reasons[0] and words in result.reasons[0]
    assert not Toewijzing.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("volume", ["-5", "123456789", "１０"])
@pytest.mark.parametrize("with_xsd", [True, False], ids=["xsd", "no xsd"])
def test_a_negative_or_huge_volume_in_a_301_gets_a_reason_naming_the_field(
    tmp_path, settings, jeugd, volume, with_xsd
):
    if not with_xsd:
        settings.ZORGREGIO_XSD_DIR = ""
    elif not settings.ZORGREGIO_XSD_DIR:
        pytest.skip("the official XSDs are not available")
    data = B.msg_301("ijw", "0200", AGB, BSN, [B.Assigned("1001")]).replace(
        b">10</", f">{volume}</".encode()
    )
    path = tmp_path / "301.xml"
    path.write_bytes(data)
    [result] = ingest_paths([path])
    assert result.status == FileStatus.REJECTED
    assert "onverwacht" not in result.reasons[0]
    assert "Volume" in result.reasons[0], result.reasons
    assert not Toewijzing.objects.exists()
