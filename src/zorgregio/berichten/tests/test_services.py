import datetime as dt
import os
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from zorgregio.aanbieders.tests.factories import ProviderFactory
from zorgregio.berichten import services
from zorgregio.berichten.models import FileStatus, MessageFile
from zorgregio.berichten.services import ingest_paths
from zorgregio.berichten.tests import builders as B
from zorgregio.regio.tests.factories import MunicipalityFactory
from zorgregio.zorg import apply
from zorgregio.zorg.models import Client, Declaratie, DeclaratieRegel, Levering, Toewijzing

from .conftest import AGB, BSN, BSN2

# The official examples and XSDs (the test settings' ZORGREGIO_STANDARDS_DIR). Outside CI the
# tests that need them are skipped when they are absent; in CI (CI set) they must be there.
EXAMPLES = Path(django_settings.ZORGREGIO_STANDARDS_DIR) / "examples"
XSD_DIR = django_settings.ZORGREGIO_XSD_DIR
NO_SHARED = "the official iWmo/iJw examples and XSDs (../shared/standards) are not available"
needs_shared = pytest.mark.skipif(
    not (EXAMPLES.is_dir() and XSD_DIR) and not os.environ.get("CI"), reason=NO_SHARED
)


# Every test here runs twice, in process and with the parser process (conftest.parse_mode).
pytestmark = pytest.mark.usefixtures("parse_mode")


def write(tmp_path, name, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def ingest(tmp_path, name, data):
    [result] = ingest_paths([write(tmp_path, name, data)])
    return result


@pytest.fixture
def assigned(tmp_path, jeugd, apeldoorn):
    """Toewijzing 1001 (45A03, 10 hours a month in 2026) for BSN at the provider."""
    result = ingest(tmp_path, "301.xml", B.msg_301("ijw", "0200", AGB, BSN, [B.Assigned("1001")]))
    assert result.status == FileStatus.PROCESSED, result.reasons
    return Toewijzing.objects.get(toewijzingnummer="1001")


@pytest.mark.django_db
def test_same_file_twice_is_one_file(tmp_path, assigned):
    data = B.msg_301("ijw", "0200", AGB, BSN, [B.Assigned("1001")])
    again = ingest(tmp_path, "copy-of-301.xml", data)
    assert again.duplicate
    assert MessageFile.objects.count() == 1
    assert Toewijzing.objects.count() == 1


@pytest.mark.django_db
def test_bsn_stored_only_as_pseudonym_and_encrypted(assigned):
    client = Client.objects.get()
    assert BSN not in client.pseudonym
    assert BSN not in client.bsn_encrypted
    from zorgregio.zorg.services import decrypt_bsn

    assert decrypt_bsn(client.bsn_encrypted) == BSN
    assert client.birth_date == dt.date(2010, 2, 14)


@pytest.mark.django_db
def test_correct_declaration_approved_and_counted_once(tmp_path, assigned):
    line = B.Line("R1", "1001", volume=4, tariff=1250)
    result = ingest(tmp_path, "323.xml", B.msg_323("ijw", "0200", AGB, "D1", [line]))
    assert result.status == FileStatus.PROCESSED, result.reasons
    regel = DeclaratieRegel.objects.get()
    assert regel.status == "goedgekeurd", regel.retourcodes
    assert regel.amount_cents == 4 * 1250
    assert regel.month == dt.date(2026, 4, 1)
    assert regel.toewijzing == assigned and regel.product == assigned.product
    decl = Declaratie.objects.get()
    assert decl.approved_cents == 4 * 1250 and decl.retourcodes == ["8001"]


def _codes(tmp_path, lines, nummer="D9", **kw):
    """Ingest a 323 of ``lines`` (it must be accepted); the retourcodes per reference."""
    result = ingest(tmp_path, f"{nummer}.xml", B.msg_323("ijw", "0200", AGB, nummer, lines, **kw))
    assert result.status == FileStatus.PROCESSED, result.reasons
    return {r.referentienummer: r.retourcodes for r in DeclaratieRegel.objects.filter(
        declaratie__declaratienummer=nummer)}  # fmt: skip


# One line per case, each in its own message (a one-month declaration, Dagtekening 15 June):
# the line breaks only the named cross-message rule and gets exactly its retourcodes.
LINE_CASES = {
    "TR338 unknown toewijzing": ({"nummer": "9999"}, ["9338"]),
    "TR339/TR340 other product": ({"categorie": "54", "code": "54001"}, ["9339", "9340"]),
    "TR341 other unit": ({"unit": "01"}, ["9341"]),
    "TR307 before the toewijzing": (
        {"start": "2025-12-01", "end": "2025-12-31"},
        ["9307", "ZR03", "ZR01"],  # and in 2025 there is no tariff and no admission
    ),
    "TR319 after the declaration period": ({"start": "2026-05-01", "end": "2026-05-31"}, ["9319"]),
    "TR321 over the volume": ({"volume": 11}, ["9321"]),
    "TR346 amount not volume x tariff": ({"amount": 999}, ["9346"]),
    "TR418 not the contractual tariff": ({"tariff": 1300}, ["0611"]),
    "TR304 another client": ({"bsn": BSN2}, ["8187"]),
    "TR387 not from the first of the month": ({"start": "2026-04-02"}, ["9387"]),
    "TR388 not to the end of the month": ({"end": "2026-04-29"}, ["9388"]),
    "a line in euros (Eenheid 83) gets no tariff check": (
        {"unit": "83", "tariff": None, "volume": 5},
        ["9341"],
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("case", sorted(LINE_CASES))
def test_each_line_check_gives_exactly_its_retourcode(tmp_path, assigned, case):
    fields, expected = LINE_CASES[case]
    fields = dict(fields)
    line = B.Line("R1", fields.pop("nummer", "1001"), **fields)
    codes = _codes(tmp_path, [line], day="2026-06-15")
    assert codes == {"R1": expected}


@pytest.mark.django_db
def test_tr308_after_the_end_of_the_toewijzing(tmp_path, jeugd, apeldoorn):
    product = B.Assigned("3003", end="2026-02-28")
    ingest(tmp_path, "301.xml", B.msg_301("ijw", "0200", AGB, BSN, [product]))
    codes = _codes(tmp_path, [B.Line("R1", "3003", start="2026-03-01", end="2026-03-31")],
                   period=("2026-03-01", "2026-03-31"))  # fmt: skip
    assert codes == {"R1": ["9308"]}
    # Up to the end of the toewijzing within its last month is right (TR388).
    codes = _codes(tmp_path, [B.Line("R2", "3003", start="2026-02-01", end="2026-02-28")], "D8")
    assert codes == {"R2": []}


@pytest.mark.django_db
def test_a_line_in_euros_is_approved_without_a_tariff(tmp_path, jeugd, apeldoorn):
    """Eenheid 83 has no ProductTarief (CD087): no tariff check (TR418), amount = volume."""
    budget = B.Assigned("4004", code="", volume=None, budget=500_000)  # no unit to compare
    result = ingest(tmp_path, "301.xml", B.msg_301("ijw", "0200", AGB, BSN, [budget]))
    assert result.status == FileStatus.PROCESSED, result.reasons
    codes = _codes(tmp_path, [B.Line("E1", "4004", unit="83", tariff=None, volume=250_000)])
    assert codes == {"E1": []}
    assert DeclaratieRegel.objects.get(referentienummer="E1").tariff_cents is None


@pytest.mark.django_db
def test_deleted_toewijzing_gets_tr384(tmp_path, jeugd, apeldoorn):
    deleted = B.Assigned("5005", start="2026-04-01", end="2026-04-01", reden="13")
    ingest(tmp_path, "301.xml", B.msg_301("ijw", "0200", AGB, BSN, [deleted]))
    codes = _codes(tmp_path, [B.Line("R1", "5005", end="2026-04-01")])
    assert codes == {"R1": ["9384"]}


@pytest.mark.django_db
def test_debit_twice_credit_and_duplicate_reference(tmp_path, assigned):
    _codes(tmp_path, [B.Line("R1", "1001")], nummer="D1")
    codes = _codes(
        tmp_path,
        [
            B.Line("R2", "1001"),  # same period again: TR389
            B.Line("R5", "1001", dc="C", vorig="NOPE"),  # no debit: TR323
            B.Line("R1", "1001", start="2026-03-01", end="2026-03-31"),  # reference reused: TR314
        ],
        nummer="D2",
    )
    assert codes["R2"] == ["9389"]
    assert codes["R5"] == ["8017"]
    decl = Declaratie.objects.get(declaratienummer="D2")
    assert [r["referentienummer"] for r in decl.refused_lines] == ["R1"]
    assert decl.refused_lines[0]["retourcodes"] == ["8021"]
    # A credit of R1 is approved; a second credit of R1 in a later message is TR390.
    assert _codes(tmp_path, [B.Line("R3", "1001", dc="C", vorig="R1")], nummer="D3") == {"R3": []}
    assert _codes(tmp_path, [B.Line("R4", "1001", dc="C", vorig="R1")], nummer="D4") == {
        "R4": ["9390"]
    }
    # After the credit of R1 a new debit for April is allowed again.
    codes = _codes(tmp_path, [B.Line("R6", "1001")], nummer="D5")
    assert codes["R6"] == []


@pytest.mark.django_db
def test_a_credit_and_the_corrected_debit_in_one_message_in_either_order(tmp_path, assigned):
    """OP366: the credit lines of a message are processed before its debit lines, so the
    corrected debit for the same period is not refused as a second debit (TR389)."""
    _codes(tmp_path, [B.Line("R1", "1001", volume=8)], nummer="D1")
    codes = _codes(
        tmp_path,
        [B.Line("R2", "1001", volume=6), B.Line("C1", "1001", volume=8, dc="C", vorig="R1")],
        nummer="D2",
    )
    assert codes == {"R2": [], "C1": []}


@pytest.mark.django_db
def test_same_debit_twice_in_one_message_refuses_the_message_tr416(tmp_path, assigned):
    data = B.msg_323("ijw", "0200", AGB, "D9", [B.Line("A", "1001"), B.Line("B", "1001")])
    result = ingest(tmp_path, "323.xml", data)
    assert result.status == FileStatus.REJECTED
    assert "TR416" in result.reasons[0] and "0001" in result.reasons[0]
    assert result.message_file.verdict["refused"]["rule"] == "TR416"
    assert not DeclaratieRegel.objects.exists() and not Declaratie.objects.exists()


@pytest.mark.django_db
def test_total_volume_and_budget(tmp_path, jeugd, apeldoorn):
    product = B.Assigned("2002", volume=6, frequency="6")
    ingest(tmp_path, "301.xml", B.msg_301("ijw", "0200", AGB, BSN, [product]))
    codes = _codes(
        tmp_path,
        [
            B.Line("M1", "2002", volume=4, start="2026-03-01", end="2026-03-31"),
            B.Line("M2", "2002", volume=4),  # 4 + 4 > 6: TR322
        ],
    )
    assert codes == {"M1": [], "M2": ["9322"]}


@pytest.mark.django_db
def test_not_admitted_and_after_stop(tmp_path, assigned):
    start = B.msg_start_stop("ijw", "305", "0200", AGB, BSN, "1001", "2026-01-05")
    assert ingest(tmp_path, "305.xml", start).status == FileStatus.PROCESSED
    stop = B.msg_start_stop("ijw", "307", "0200", AGB, BSN, "1001", "2026-01-05", "2026-03-31")
    assert ingest(tmp_path, "307.xml", stop).status == FileStatus.PROCESSED
    assert Levering.objects.get().einddatum == dt.date(2026, 3, 31)
    codes = _codes(tmp_path, [B.Line("S1", "1001")])
    assert codes["S1"] == ["ZR02"]
    from zorgregio.contracten.models import Admission

    Admission.objects.update(valid_until=dt.date(2026, 2, 28))
    codes = _codes(tmp_path, [B.Line("S2", "1001", start="2026-03-01", end="2026-03-31")], "D8")
    assert codes["S2"] == ["ZR01"]


@pytest.mark.django_db
def test_amounts_not_adding_up_refuse_the_whole_message(tmp_path, assigned):
    data = B.msg_323("ijw", "0200", AGB, "D1", [B.Line("R1", "1001")], total=1)
    result = ingest(tmp_path, "bad.xml", data)
    assert result.status == FileStatus.REJECTED
    assert "TR358" in result.reasons[0]
    assert not Declaratie.objects.exists() and not DeclaratieRegel.objects.exists()


@pytest.mark.django_db
def test_duplicate_declaratienummer_refused(tmp_path, assigned):
    _codes(tmp_path, [B.Line("R1", "1001")], nummer="D1")
    data = B.msg_323("ijw", "0200", AGB, "D1", [B.Line("R2", "1001")], ident="other")
    result = ingest(tmp_path, "again.xml", data)
    assert result.status == FileStatus.REJECTED and "9333" in result.reasons[0]
    assert DeclaratieRegel.objects.count() == 1


@pytest.mark.skipif(not XSD_DIR and not os.environ.get("CI"), reason=NO_SHARED)
@pytest.mark.django_db
def test_325_answer_lists_rejected_lines_and_validates_against_jw325(tmp_path, assigned, settings):
    from lxml import etree

    from zorgregio.berichten.answers import answer_325_bytes

    lines = [
        B.Line("OK", "1001"),
        B.Line("BAD", "1001", tariff=1300, start="2026-03-01", end="2026-03-31"),
        # The same reference again for another client: refused as a line (TR314); for the same
        # client it would be a duplicate line, refusing the message (TR101).
        B.Line("OK", "1001", bsn=BSN2, start="2026-02-01", end="2026-02-28"),
    ]
    _codes(tmp_path, lines, nummer="D5", period=("2026-04-01", "2026-04-30"))
    decl = Declaratie.objects.get(declaratienummer="D5")
    xml = answer_325_bytes(decl)
    schema = etree.XMLSchema(
        etree.parse(str(Path(settings.ZORGREGIO_XSD_DIR) / "ijw-3.2/JW325.xsd"))
    )
    doc = etree.fromstring(xml)
    assert schema.validate(doc), schema.error_log
    ns = {"m": "http://www.istandaarden.nl/ijw/3_2/jw325/schema",
          "b": "http://www.istandaarden.nl/ijw/3_2/basisschema/schema"}  # fmt: skip
    refs = doc.xpath("//m:Prestatie/m:ProductReferentie/b:ReferentieNummer/text()", namespaces=ns)
    assert sorted(refs) == ["BAD", "OK"]  # the rejected one and the refused duplicate
    codes = doc.xpath("//m:Prestatie/m:RetourCodes/m:RetourCode/text()", namespaces=ns)
    assert sorted(codes) == ["0611", "8021"]
    granted = doc.xpath("//m:TotaalToegekendBedrag/b:TotaalBedrag/text()", namespaces=ns)
    assert granted == [str(4 * 1250)]
    assert doc.xpath("//m:Client/m:Bsn/text()", namespaces=ns) == [BSN, BSN2]


@pytest.mark.django_db
def test_wmo_declaration_and_its_325(tmp_path, apeldoorn, provider):
    from zorgregio.berichten.answers import answer_325_bytes

    product = B.Assigned("7001", categorie="02", code="02A01")
    result = ingest(tmp_path, "w301.xml", B.msg_301("iwmo", "0200", AGB, BSN, [product]))
    assert result.status == FileStatus.PROCESSED, result.reasons
    line = B.Line("W-R1", "7001", categorie="02", code="02A01")
    result = ingest(tmp_path, "w323.xml", B.msg_323("iwmo", "0200", AGB, "WD1", [line]))
    assert result.status == FileStatus.PROCESSED, result.reasons
    regel = DeclaratieRegel.objects.get()
    assert regel.law == "wmo"
    assert regel.retourcodes == ["ZR03"]  # no product or tariff known for 02A01 in this region
    xml = answer_325_bytes(regel.declaratie).decode()
    assert "http://www.istandaarden.nl/iwmo/3_2/wmo325/schema" in xml
    assert "<wmo325:RetourCode>0001</wmo325:RetourCode>" in xml


BAD_INPUT = {
    "truncated.xml": lambda: B.msg_301("ijw", "0200", AGB, BSN, [B.Assigned("1")])[:-40],
    "xxe.xml": lambda: (
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>'
    ),
    "bomb.xml": lambda: (
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
        b"<r>&b;</r>"
    ),
    "namespace.xml": lambda: b'<?xml version="1.0"?><Bericht xmlns="urn:other"/>',
    "release2.xml": lambda: (
        b'<?xml version="1.0"?><wmo305:Bericht xmlns:wmo305='
        b'"http://www.istandaarden.nl/iwmo/2_0/wmo305/schema/2_0"/>'
    ),
    "release31.xml": lambda: B.msg_301("ijw", "0200", AGB, BSN, [B.Assigned("1")]).replace(
        b"3_2", b"3_1"
    ),
    "type303.xml": lambda: B.msg_301("ijw", "0200", AGB, BSN, [B.Assigned("1")]).replace(
        b"jw301", b"jw303"
    ),
    "badbsn.xml": lambda: B.msg_301("ijw", "0200", AGB, "123456789", [B.Assigned("1")]),
    "empty.xml": lambda: b"",
}
EXPECTED = {
    "truncated.xml": "afgekapt",
    "xxe.xml": "DOCTYPE",
    "bomb.xml": "DOCTYPE",
    "namespace.xml": "Onbekend bericht",
    "release2.xml": "release 3.2",
    "release31.xml": "Release 3.1",
    "type303.xml": "Berichttype 303",
    "badbsn.xml": "elfproef",
    "empty.xml": "",
}


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(BAD_INPUT))
def test_bad_input_refused_with_reason_and_nothing_applied(tmp_path, jeugd, apeldoorn, name):
    result = ingest(tmp_path, name, BAD_INPUT[name]())
    assert result.status == FileStatus.REJECTED
    assert result.reasons and EXPECTED[name] in result.reasons[0], result.reasons
    assert not Toewijzing.objects.exists() and not Client.objects.exists()


WHOLE_301 = B.msg_301("ijw", "0200", AGB, BSN, [B.Assigned("1")])


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (WHOLE_301[: len(WHOLE_301) // 2], "afgekapt"),  # cut in the middle of a tag name
        (WHOLE_301[:-3], "afgekapt"),  # the root's end tag cut
        (WHOLE_301[: WHOLE_301.rfind(b"</")], "afgekapt"),  # cut after a whole element
        (WHOLE_301.rstrip() + b"\n<!-- sent -->\n<?done?>\n", None),  # whole, then remarks
        (
            WHOLE_301.replace(b"</ijw:Achternaam>", b"</ijw:Achternaa>", 1),
            "andere naam dan waarmee het begon",
        ),
    ],
    ids=["tag-name", "root-end", "after-element", "remarks-after", "mismatch-inside"],
)
def test_a_cut_off_file_is_named_so_and_a_broken_whole_one_by_its_error(
    tmp_path, jeugd, apeldoorn, data, reason
):
    result = ingest(tmp_path, "x.xml", data)
    if reason is None:
        assert result.status == FileStatus.PROCESSED, result.reasons
        return
    assert result.status == FileStatus.REJECTED
    assert reason in result.reasons[0], result.reasons
    assert not Toewijzing.objects.exists()


@pytest.mark.django_db
def test_a_cut_off_file_is_named_so_before_its_unknown_sender(tmp_path, jeugd, apeldoorn):
    """Well-formedness comes first (check level 1): the header names a provider that is not in
    the register, but the file is refused for being cut off."""
    data = B.msg_301("ijw", "0200", "12345678", BSN, [B.Assigned("1")])
    result = ingest(tmp_path, "x.xml", data[: len(data) // 2])
    assert result.status == FileStatus.REJECTED
    assert "afgekapt" in result.reasons[0], result.reasons


@pytest.mark.django_db
def test_too_big_file_refused_before_storing(tmp_path, settings, monkeypatch):

    monkeypatch.setattr(services, "MAX_FILE_BYTES", 100)
    result = ingest(tmp_path, "big.xml", b"<a>" + b"x" * 200 + b"</a>")
    assert result.status == FileStatus.REJECTED and "MB" in result.reasons[0]
    assert not MessageFile.objects.exists()


@pytest.mark.django_db
def test_folder_and_zip(tmp_path, jeugd, apeldoorn):
    import zipfile

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.xml").write_bytes(B.msg_301("ijw", "0200", AGB, BSN, [B.Assigned("1001")]))
    archive = tmp_path / "batch.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("b.xml", B.msg_301("ijw", "0200", AGB, BSN2, [B.Assigned("1002")], ident="b"))
    seen = []
    results = ingest_paths([folder, archive], on_progress=lambda d, t, n: seen.append((d, t)))
    assert [r.name for r in results] == ["a.xml", "batch.zip:b.xml"]
    assert all(r.status == FileStatus.PROCESSED for r in results)
    assert Toewijzing.objects.count() == 2
    assert seen[-1] == (2, 2)


def test_files_zip_members_and_refusals_keep_the_order_they_were_named_in(tmp_path):
    import contextlib
    import zipfile

    for name, size in [("a.xml", 3), ("b.xml", 5), ("c.xml", 7)]:
        (tmp_path / name).write_bytes(b"x" * size)
    with zipfile.ZipFile(tmp_path / "m.zip", "w") as zf:
        zf.writestr("1.xml", b"<x/>")
    named = ["a.xml", "missing.xml", "b.xml", "m.zip", "c.xml", "a.xml"]
    with contextlib.ExitStack() as stack:
        sources = services._sources([tmp_path / n for n in named], stack)
        names = [s.name for s in sources]
        assert names == ["a.xml", str(tmp_path / "missing.xml"), "b.xml", "m.zip:1.xml",
                         "c.xml", "a.xml"]  # fmt: skip
        assert len(sources) == 6 and [s.size for s in sources] == [3, None, 5, 4, 7, 3]
        assert sources[1].refusal and sources[1].open is None
        assert [s.name for s in sources[2:4]] == ["b.xml", "m.zip:1.xml"]
        assert sources[-2].name == "c.xml" and sources[-1].name == "a.xml"
        with sources[4].open() as fh, sources[3].open() as member:
            assert fh.read() == b"xxxxxxx" and member.read() == b"<x/>"
        with pytest.raises(IndexError):
            sources[6]


def test_a_folder_is_imported_in_the_order_of_its_paths_parts(tmp_path):
    """Messages are applied in path order (the cross-message rules depend on it): a folder's
    files before those of a sibling folder whose name extends its own, subfolders walked,
    zip archives inside the folder opened, a symbolic link to a folder not followed."""
    import contextlib
    import zipfile

    root = tmp_path / "in"
    for name in ["a/b/y", "a/x", "a-b/z", "a.b/w", "Z/q", "a0", "a b"]:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(b"<x/>")
    with zipfile.ZipFile(root / "a" / "m.zip", "w") as zf:
        zf.writestr("2.xml", b"<x/>")
        zf.writestr("1.xml", b"<x/>")
    (root / "link").symlink_to(root / "a", target_is_directory=True)
    with contextlib.ExitStack() as stack:
        sources = services._sources([root], stack)
        names = [s.name for s in sources]
        assert names == ["q", "y", "m.zip:1.xml", "m.zip:2.xml", "x", "a b", "z", "w", "a0"]
        with sources[0].open() as fh:
            assert fh.read() == b"<x/>"
        assert sources[0].size == 4
    expected = sorted(p for p in root.rglob("*") if p.is_file())
    assert services._files_in(root) == [str(p) for p in expected]


@pytest.mark.django_db
def test_two_imports_of_the_same_file_at_once_count_once(tmp_path, jeugd, apeldoorn, monkeypatch):
    """Whichever import records the checksum first counts; the other applies nothing."""

    data = B.msg_301("ijw", "0200", AGB, BSN, [B.Assigned("1001")])
    first = ingest(tmp_path, "301.xml", data)
    assert first.status == FileStatus.PROCESSED and Toewijzing.objects.count() == 1
    # A stored file still being processed elsewhere is not claimed a second time.
    MessageFile.objects.update(status=FileStatus.PROCESSING)
    result = services.process_file(MessageFile.objects.get())
    assert result.duplicate and result.status == FileStatus.PROCESSING
    # The racing import did not see the first one yet: the unique checksum stops it, and its
    # toewijzing (applied in the same transaction) is rolled back.
    MessageFile.objects.update(status=FileStatus.PROCESSED)
    real_filter = MessageFile.objects.filter

    def blind_filter(*args, **kwargs):
        return real_filter(pk=-1) if "sha256" in kwargs else real_filter(*args, **kwargs)

    monkeypatch.setattr(MessageFile.objects, "filter", blind_filter)
    raced = ingest(tmp_path, "301-again.xml", data)
    assert raced.duplicate and raced.message_file.pk == first.message_file.pk
    assert MessageFile.objects.count() == 1 and Toewijzing.objects.count() == 1


@pytest.mark.django_db
def test_start_correction_deletion_and_stop(tmp_path, assigned):
    def send(kind, begin, end=None, status="1", ident=None):
        data = B.msg_start_stop("ijw", kind, "0200", AGB, BSN, "1001", begin, end, status=status,
                                ident=ident)  # fmt: skip
        return ingest(tmp_path, f"{ident or kind}.xml", data)

    assert send("305", "2026-01-05", ident="s1").reasons == []
    again = send("305", "2026-01-05", ident="s2")  # the same start again: TR074
    assert again.status == FileStatus.PROCESSED and "TR074" in again.reasons[0]
    send("305", "2026-01-05", status="3", ident="s3")  # delete it
    assert Levering.objects.get().deleted
    send("305", "2026-01-12", ident="s4")  # the corrected start
    send("307", "2026-01-12", "2026-02-28", ident="s5")
    live = Levering.objects.get(deleted=False)
    assert (live.begindatum, live.einddatum) == (dt.date(2026, 1, 12), dt.date(2026, 2, 28))
    refused = send("305", "2026-01-12", status="3", ident="s6")  # stop already sent: TR071
    assert "TR071" in refused.reasons[0] and not Levering.objects.get(pk=live.pk).deleted
    unknown = ingest(tmp_path, "x.xml", B.msg_start_stop("ijw", "305", "0200", AGB, BSN, "4242",
                                                          "2026-01-01"))  # fmt: skip
    assert unknown.status == FileStatus.PROCESSED and "9019" in unknown.reasons[0]


@needs_shared
@pytest.mark.django_db
def test_request_and_answer_examples(tmp_path):
    from zorgregio.zorg.models import Verzoek

    region = MunicipalityFactory(cbs_code="0384", name="Wormerland").region
    MunicipalityFactory(region=region, cbs_code="0363", name="Amsterdam")
    providers = [ProviderFactory(agb_code=agb) for agb in ("42420001", "65656055")]
    # The toewijzingen the WMO317 names (TR350/TR351), as the example assumes them: 10072 a
    # budget for category 01 from the 317's own date (TR357, TR411).
    from zorgregio.zorg.models import Toewijzing
    from zorgregio.zorg.services import client_for_bsn

    client = client_for_bsn("999900006")
    for nummer, code, start in (("10071", "01A01", "2023-01-01"), ("10072", "", "2023-04-02")):
        Toewijzing.objects.create(
            municipality=region.municipalities.get(cbs_code="0384"), provider=providers[1],
            client=client, law="wmo", toewijzingnummer=nummer, productcategorie="01",
            productcode=code, toewijzingsdatum=dt.date(2023, 1, 1),
            ingangsdatum=dt.date.fromisoformat(start), einddatum=dt.date(2023, 12, 31),
        )  # fmt: skip
    names = ["jaapjunior-WMO317.xml", "jaapjunior-WMO319.xml", "jaapjunior-WMO315.xml"]
    results = ingest_paths([EXAMPLES / name for name in names])
    assert [r.status for r in results] == [FileStatus.PROCESSED] * 3, [r.reasons for r in results]
    kinds = sorted(Verzoek.objects.values_list("kind", flat=True))
    assert kinds.count("317") == 1 and "315" in kinds
    # The 319 answers the 317 (ReferentieAanbieder 9003): VerzoekAntwoord 1.
    assert Verzoek.objects.get(kind="317").answer == "1"


@needs_shared
@pytest.mark.django_db
def test_schema_reason_wins_over_unknown_municipality(tmp_path):
    [result] = ingest_paths([EXAMPLES / "jaapjunior-JW318.xml"])
    assert result.status == FileStatus.REJECTED
    assert "officiële XSD" in result.reasons[0]


@pytest.mark.django_db
def test_an_import_brings_the_monitor_up_to_date(tmp_path, assigned):
    """Freshness: after the import returns, the monitor's spending includes its lines."""
    from zorgregio.monitor.models import ClientMonth, MonitorState

    line = B.Line("R1", "1001", volume=4, tariff=1250)
    result = ingest(tmp_path, "323.xml", B.msg_323("ijw", "0200", AGB, "D1", [line]))
    assert result.status == FileStatus.PROCESSED, result.reasons
    spent = ClientMonth.objects.filter(month=dt.date(2026, 4, 1))
    assert sum(spent.values_list("amount_cents", flat=True)) == 4 * 1250
    assert MonitorState.objects.get().refreshed_at is not None


@pytest.mark.django_db
def test_a_crashing_parser_process_refuses_the_file_and_applies_nothing(
    tmp_path, assigned, parse_mode, monkeypatch
):
    from django.utils.translation import gettext

    from zorgregio.berichten import parsers

    def broken(*args):
        raise RuntimeError("a bug in the parser")

    monkeypatch.setattr(parsers, "_prestaties", broken)
    result = ingest(
        tmp_path, "323.xml", B.msg_323("ijw", "0200", AGB, "D1", [B.Line("R1", "1001")])
    )
    assert result.status == FileStatus.REJECTED
    assert result.reasons == [gettext("Processing failed unexpectedly; nothing was applied.")]
    assert not Declaratie.objects.exists() and not DeclaratieRegel.objects.exists()


@pytest.mark.django_db
def test_no_parser_process_is_left_behind(tmp_path, assigned, parse_mode):
    import multiprocessing

    _codes(tmp_path, [B.Line("R1", "1001")], nummer="D1")
    # Refused before its lines are read (TR333): the parser process is stopped, not orphaned.
    data = B.msg_323("ijw", "0200", AGB, "D1", [B.Line("R2", "1001")], ident="other")
    assert ingest(tmp_path, "again.xml", data).status == FileStatus.REJECTED
    assert multiprocessing.active_children() == []


@pytest.mark.django_db
def test_a_failing_write_refuses_the_whole_declaration(tmp_path, assigned, monkeypatch):
    def broken_insert(checker, declaratie_id, rows):
        checker.writer.submit("INSERT INTO no_such_table VALUES (%s)", [(1,)])

    monkeypatch.setattr(apply.DeclarationLines, "insert", broken_insert)
    lines = [B.Line(f"R{i}", "1001", start=f"2026-0{i}-01", end=f"2026-0{i}-28") for i in (1, 2, 3)]
    data = B.msg_323("ijw", "0200", AGB, "D1", lines, period=("2026-01-01", "2026-04-30"))
    result = ingest(tmp_path, "323.xml", data)
    assert result.status == FileStatus.REJECTED
    assert not Declaratie.objects.exists() and not DeclaratieRegel.objects.exists()
