"""CSV import of toewijzingen, leveringen and declaration lines: same checks, all or nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from zorgregio.berichten.csv_import import ingest_csv
from zorgregio.berichten.models import FileStatus, MessageFile
from zorgregio.berichten.tests.test_generator_ingest import register  # noqa: F401 - fixture
from zorgregio.zorg.models import Declaratie, DeclaratieRegel, Levering, LineStatus, Toewijzing

pytestmark = pytest.mark.django_db

# The messages are English msgids translated to Dutch in the berichten catalogue; the tests read
# them in English so they do not depend on the state of that catalogue.

BSN = "999990019"  # passes the elfproef
BSN2 = "999990032"

TOEWIJZINGEN = (
    (
        "gemeente;aanbieder;wet;bsn;geboortedatum;toewijzingnummer;productcategorie;productcode;"
        "toewijzingsdatum;ingangsdatum;einddatum;volume;eenheid;frequentie\n"
    )
    + """0200;{agb};wmo;{bsn};12-03-1950;5001;02;02A22;2024-02-20;2024-03-01;2024-12-31;4;04;2
0301;{agb};wmo;{bsn2};;5002;02;02A22;2024-02-20;2024-03-01;;16;04;4
"""
)

LEVERINGEN = """gemeente,aanbieder,wet,bsn,toewijzingnummer,begindatum,einddatum,reden_beeindiging
0200,{agb},wmo,{bsn},5001,2024-03-04,,
0301,{agb},wmo,{bsn2},5002,2024-03-01,2024-04-30,19
"""

DECL_HEAD = (
    "gemeente;aanbieder;wet;declaratienummer;declaratiedatum;declaratieperiode_begin;"
    "declaratieperiode_einde;bsn;referentienummer;vorig_referentienummer;toewijzingnummer;"
    "productcategorie;productcode;periode_begin;periode_einde;volume;eenheid;tarief;bedrag;"
    "debet_credit\n"
)


def _write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def assigned(register, tmp_path):  # noqa: F811 - the fixture imported above
    agb = register[0].agb_code
    values = {"agb": agb, "bsn": BSN, "bsn2": BSN2}
    first = ingest_csv(
        _write(tmp_path, "t.csv", TOEWIJZINGEN.format(**values)), kind="toewijzingen"
    )
    second = ingest_csv(_write(tmp_path, "l.csv", LEVERINGEN.format(**values)), kind="leveringen")
    assert first.status == second.status == FileStatus.PROCESSED, first.reasons + second.reasons
    return agb


def test_toewijzingen_and_leveringen_are_applied(assigned):
    tw = Toewijzing.objects.get(toewijzingnummer="5001")
    assert (tw.municipality.cbs_code, tw.productcode, tw.volume, tw.frequency) == (
        "0200", "02A22", 4, "2",
    )  # fmt: skip
    assert tw.einddatum == dt.date(2024, 12, 31)
    assert tw.client.birth_date == dt.date(1950, 3, 12)
    assert tw.product is not None and tw.product.productcode == "02A22"
    open_levering = Levering.objects.get(toewijzing=tw)
    assert (open_levering.begindatum, open_levering.einddatum) == (dt.date(2024, 3, 4), None)
    stopped = Levering.objects.get(toewijzing__toewijzingnummer="5002")
    assert (stopped.einddatum, stopped.reden_beeindiging) == (dt.date(2024, 4, 30), "19")
    assert MessageFile.objects.filter(message_type="CSV", status=FileStatus.PROCESSED).count() == 2


def test_declaration_lines_get_the_same_checks_as_a_323(assigned, tmp_path):
    agb = assigned
    # Apeldoorn's tariff for 02A22 is 58,00; Zutphen has its own of 60,00.
    rows = [
        f"0200;{agb};wmo;D2404A;2024-05-06;2024-04-01;2024-04-30;{BSN};R1;;5001;02;02A22;"
        "2024-04-01;2024-04-30;16;04;58,00;928,00;D",
        # The wrong tariff for Zutphen (TR418).
        f"0301;{agb};wmo;D2404Z;2024-05-06;2024-04-01;2024-04-30;{BSN2};R2;;5002;02;02A22;"
        "2024-04-01;2024-04-30;10;04;58,00;580,00;D",
        # After the stop of 30 April (own check ZR02); another declaration, as one message
        # holds one debit per toewijzing, product and period (TR416).
        f"0301;{agb};wmo;D2404Y;2024-05-06;2024-04-01;2024-04-30;{BSN2};R3;;5002;02;02A22;"
        "2024-04-01;2024-04-30;10;04;60,00;600,00;D",
        # An unknown toewijzing (TR338).
        f"0200;{agb};wmo;D2404A;2024-05-06;2024-04-01;2024-04-30;{BSN};R4;;9999;02;02A22;"
        "2024-04-01;2024-04-30;2;04;58,00;116,00;D",
    ]
    result = ingest_csv(
        _write(tmp_path, "d.csv", DECL_HEAD + "\n".join(rows)), kind="declaratieregels"
    )
    assert result.status == FileStatus.PROCESSED, result.reasons
    assert result.rows == 4
    lines = {r.referentienummer: r for r in DeclaratieRegel.objects.all()}
    assert lines["R1"].status == LineStatus.APPROVED
    assert lines["R1"].amount_cents == 16 * 5800
    assert "0611" in lines["R2"].retourcodes
    assert lines["R3"].status == LineStatus.APPROVED  # April is within the delivery
    assert "9338" in lines["R4"].retourcodes
    apeldoorn = Declaratie.objects.get(declaratienummer="D2404A")
    assert apeldoorn.total_cents == 16 * 5800 + 2 * 5800
    assert apeldoorn.source.message_type == "CSV"
    # A credit for R1 in a later declaration takes it back.
    credit = (
        f"0200;{agb};wmo;D2405A;2024-06-03;2024-05-01;2024-05-31;{BSN};R5;R1;5001;02;02A22;"
        "2024-04-01;2024-04-30;16;04;58,00;928,00;C"
    )
    result = ingest_csv(_write(tmp_path, "c.csv", DECL_HEAD + credit), kind="declaratieregels")
    assert result.status == FileStatus.PROCESSED, result.reasons
    credit_line = DeclaratieRegel.objects.get(referentienummer="R5")
    assert credit_line.status == LineStatus.APPROVED and credit_line.debit_credit == "C"
    declaratie = Declaratie.objects.get(declaratienummer="D2405A")
    assert (declaratie.total_cents, declaratie.total_debit_credit) == (16 * 5800, "C")


def test_bad_rows_are_named_and_nothing_is_applied(assigned, tmp_path):
    agb = assigned
    before = (DeclaratieRegel.objects.count(), MessageFile.objects.count())
    rows = [
        # Good row.
        f"0200;{agb};wmo;D1;2024-05-06;2024-04-01;2024-04-30;{BSN};R1;;5001;02;02A22;"
        "2024-04-01;2024-04-30;16;04;58,00;928,00;D",
        # Row 3: a BSN failing the elfproef and an amount that is not one.
        f"0200;{agb};wmo;D1;2024-05-06;2024-04-01;2024-04-30;123456789;R2;;5001;02;02A22;"
        "2024-04-01;2024-04-30;1;04;58,00;veel;D",
        # Row 4: a date that does not exist and an unknown municipality.
        f"0999;{agb};wmo;D2;2024-05-06;2024-04-01;2024-04-30;{BSN};R3;;5001;02;02A22;"
        "2024-04-31;2024-04-30;1;04;58,00;58,00;X",
    ]
    with translation.override("en"):
        result = ingest_csv(
            _write(tmp_path, "bad.csv", DECL_HEAD + "\n".join(rows)), kind="declaratieregels"
        )
    assert result.status == FileStatus.REJECTED
    text = "\n".join(result.reasons)
    assert "Row 3, column 'bsn': 123456789 is not a valid BSN" in text
    assert "Row 3, column 'bedrag': veel is not an amount" in text
    assert "Row 4, column 'gemeente': municipality 0999 is not part of this region" in text
    assert "Row 4, column 'periode_begin': 2024-04-31 is not a date" in text
    assert "Row 4, column 'debet_credit': X is not one of C, D" in text
    assert "Row 2" not in text
    assert (DeclaratieRegel.objects.count(), MessageFile.objects.count()) == before


def test_missing_columns_and_the_same_file_twice_are_refused(assigned, tmp_path):
    values = {"agb": assigned, "bsn": BSN, "bsn2": BSN2}
    with translation.override("en"):
        result = ingest_csv(
            _write(tmp_path, "x.csv", "gemeente;aanbieder\n0200;1\n"), kind="leveringen"
        )
        # The toewijzingen file of the fixture again: one file, nothing applied twice.
        again = ingest_csv(
            _write(tmp_path, "t2.csv", TOEWIJZINGEN.format(**values)), kind="toewijzingen"
        )
    assert result.status == FileStatus.REJECTED
    assert result.reasons[0].startswith("Row 1 (header): missing column(s) wet, bsn,")
    assert again.status == FileStatus.REJECTED
    assert "already received" in again.reasons[0]
    assert Toewijzing.objects.count() == 2


def test_a_refused_declaration_rolls_back_the_whole_file(assigned, tmp_path):
    agb = assigned
    line = (
        f"0200;{agb};wmo;{{nr}};2024-05-06;2024-04-01;2024-04-30;{BSN};{{ref}};;5001;02;02A22;"
        "2024-04-01;2024-04-30;1;04;58,00;58,00;D"
    )
    first = ingest_csv(
        _write(tmp_path, "1.csv", DECL_HEAD + line.format(nr="D7", ref="R7")),
        kind="declaratieregels",
    )
    assert first.status == FileStatus.PROCESSED
    before = (
        DeclaratieRegel.objects.count(),
        Declaratie.objects.count(),
        MessageFile.objects.count(),
    )
    # D8 is new, D7 was received before (TR333): the whole file is refused, D8 included.
    text = DECL_HEAD + line.format(nr="D8", ref="R8") + "\n" + line.format(nr="D7", ref="R9")
    second = ingest_csv(_write(tmp_path, "2.csv", text), kind="declaratieregels")
    assert second.status == FileStatus.REJECTED
    assert "D7" in second.reasons[0]
    after = (
        DeclaratieRegel.objects.count(),
        Declaratie.objects.count(),
        MessageFile.objects.count(),
    )
    assert after == before
