"""The funding variants in the ingest (issue 20): whole messages through ``ingest_paths``."""

import datetime as dt

import pytest

from zorgregio.berichten.models import FileStatus
from zorgregio.berichten.services import ingest_paths
from zorgregio.berichten.tests import builders as B
from zorgregio.contracten.models import Admission, AdmissionStatus, FrameworkAgreement
from zorgregio.producten import services as producten
from zorgregio.producten.models import FundingVariant, Product, Tariff
from zorgregio.zorg.models import DeclaratieRegel, Levering, LineStatus, Regiebericht

from .conftest import AGB, BSN

pytestmark = pytest.mark.django_db
APR_2026 = dt.date(2026, 4, 1)


def ingest(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    [result] = ingest_paths([path])
    return result


def m301(products):
    return B.msg_301("ijw", "0200", AGB, BSN, products)


def m323(lines, nummer="D1"):
    return B.msg_323("ijw", "0200", AGB, nummer, lines)


def codes():
    return dict(DeclaratieRegel.objects.values_list("referentienummer", "retourcodes"))


def set_variant(users, group, municipality, variant, day=APR_2026, **kw):
    return producten.group_variant_set(
        actor=users["regio"],
        group=group,
        municipality=municipality,
        variant=variant,
        valid_from=day,
        **kw,
    )


def test_a_declaration_for_a_task_oriented_product_is_refused(tmp_path, jeugd, apeldoorn, users):
    assert ingest(tmp_path, "301.xml", m301([B.Assigned("1001")])).status == FileStatus.PROCESSED
    set_variant(users, jeugd.group, apeldoorn, FundingVariant.TASK)  # from April
    lines = [
        B.Line("R1", "1001", start="2026-03-01", end="2026-03-31"),  # before the pilot
        B.Line("R2", "1001"),  # April: task-oriented
    ]
    result = ingest(tmp_path, "323.xml", m323(lines))
    assert result.status == FileStatus.PROCESSED
    assert codes() == {"R1": [], "R2": ["ZR04"]}
    line = DeclaratieRegel.objects.get(referentienummer="R2")
    assert line.status == LineStatus.REJECTED


@pytest.fixture
def output_product(jeugd, apeldoorn, provider):
    """45A04: one trajectory (Eenheid 82) at 965,63, the provider admitted."""
    product = Product.objects.create(
        group=jeugd.group,
        law="jw",
        productcategorie="45",
        productcode="45A04",
        name="Traject",
        unit="82",
        valid_from=dt.date(2025, 1, 1),
    )
    Tariff.objects.create(product=product, amount_cents=96_563, valid_from=dt.date(2026, 1, 1))
    Admission.objects.create(
        agreement=FrameworkAgreement.objects.get(),
        provider=provider,
        product=product,
        municipality=apeldoorn,
        status=AdmissionStatus.ACTIVE,
        valid_from=dt.date(2026, 1, 1),
        valid_until=dt.date(2026, 12, 31),
    )
    return product


def _out(ref, month, **kw):
    last = {2: 28, 3: 31, 4: 30, 5: 31}[month]
    args = {
        "start": f"2026-{month:02d}-01",
        "end": f"2026-{month:02d}-{last}",
        "volume": 1,
        "tariff": 96_563,
        "code": "45A04",
        "unit": "82",
    }
    return B.Line(ref, "2001", **{**args, **kw})


def test_output_lines_by_price_number_and_period(tmp_path, output_product):
    assigned = B.Assigned("2001", code="45A04", volume=2, unit="82", frequency="6")
    assert ingest(tmp_path, "301.xml", m301([assigned])).status == FileStatus.PROCESSED
    first = [_out("R1", 2), _out("R2", 3, tariff=95_000)]
    assert ingest(tmp_path, "a.xml", m323(first)).status == FileStatus.PROCESSED
    assert codes() == {"R1": [], "R2": ["0611"]}  # not the price per output
    second = [
        _out("R3", 2, end="2026-02-14"),  # overlaps the output already declared for February
        _out("R4", 3),  # the second of two outputs
        _out("R5", 4, end="2026-04-30"),  # a third of two
    ]
    assert ingest(tmp_path, "b.xml", m323(second, "D2")).status == FileStatus.PROCESSED
    found = codes()
    assert "9389" in found["R3"]
    assert found["R4"] == []
    assert found["R5"] == ["9322"]


def test_a_credited_output_may_be_declared_again(tmp_path, output_product):
    assigned = B.Assigned("2001", code="45A04", volume=2, unit="82", frequency="6")
    ingest(tmp_path, "301.xml", m301([assigned]))
    ingest(tmp_path, "a.xml", m323([_out("R1", 2)]))
    credit_and_again = [_out("C1", 2, dc="C", vorig="R1"), _out("R2", 2)]
    assert ingest(tmp_path, "b.xml", m323(credit_and_again, "D2")).status == FileStatus.PROCESSED
    assert codes() == {"R1": [], "C1": [], "R2": []}


def test_euro_lines_against_the_assigned_budget(tmp_path, jeugd):
    in_euros = B.Assigned("3001", volume=100_000, unit="83", frequency="6")
    hours = B.Assigned("3002")
    for name, assigned in (("a.xml", in_euros), ("b.xml", hours)):  # one product, two periods
        done = ingest(tmp_path, name, m301([assigned]))
        assert done.status == FileStatus.PROCESSED, done.reasons
    lines = [
        B.Line("R1", "3001", unit="83", tariff=None, volume=60_000),
        B.Line(
            "R2",
            "3001",
            unit="83",
            tariff=None,
            volume=40_001,
            start="2026-03-01",
            end="2026-03-31",
        ),  # fmt: skip
        B.Line("R3", "3002", unit="83", tariff=None, volume=500),  # nothing in euros assigned
    ]
    declared = ingest(tmp_path, "323.xml", m323(lines))
    assert declared.status == FileStatus.PROCESSED, declared.reasons
    found = codes()
    assert found["R1"] == []  # no tariff check on a line in euros (0611 no more)
    assert "9369" in found["R2"]  # above the assigned budget
    assert "9341" in found["R3"] and "ZR05" not in found["R3"]  # assigned in hours: TR341


def _without_nummer(data: bytes) -> bytes:
    for kind in (b"305", b"307"):
        data = data.replace(
            b"<jw%b:ToewijzingNummer>1001</jw%b:ToewijzingNummer>" % (kind, kind), b""
        )
    return data


def test_a_start_without_toewijzing_only_where_agreed(tmp_path, jeugd, apeldoorn, users):
    start = _without_nummer(B.msg_start_stop("ijw", "305", "0200", AGB, BSN, "1001", "2026-04-06"))
    assert b"ToewijzingNummer" not in start
    refused = ingest(tmp_path, "a.xml", start)
    assert refused.status == FileStatus.PROCESSED
    [item] = refused.message_file.verdict["refused_items"]
    assert item["rule"] == "TR019" and item["retourcode"] == "9019"
    set_variant(users, jeugd.group, apeldoorn, FundingVariant.TASK, regieberichten=True)
    again = _without_nummer(
        B.msg_start_stop("ijw", "305", "0200", AGB, BSN, "1001", "2026-04-06", ident="S2")
    )
    accepted = ingest(tmp_path, "b.xml", again)
    assert accepted.status == FileStatus.PROCESSED
    assert accepted.message_file.verdict.get("refused_items", []) == []
    assert not Levering.objects.exists()  # a regiebericht: on no toewijzing


def test_regieberichten_are_stored_and_withdrawn(tmp_path, jeugd, apeldoorn, users):
    """An accepted start and stop without a toewijzing are stored (for the monitor's inflow and
    outflow of the task-oriented cell); a repeated start is TR074; StatusAanlevering 3
    withdraws the stop."""
    set_variant(users, jeugd.group, apeldoorn, FundingVariant.TASK, regieberichten=True)

    def send(name, kind, **kw):
        data = B.msg_start_stop("ijw", kind, "0200", AGB, BSN, "1001", "2026-04-06", ident=name,
                                **kw)  # fmt: skip
        return ingest(tmp_path, f"{name}.xml", _without_nummer(data))

    assert send("s1", "305").message_file.verdict.get("refused_items", []) == []
    stop = send("t1", "307", end="2026-04-20")
    assert stop.message_file.verdict.get("refused_items", []) == [], stop.message_file.verdict
    assert stop.status == FileStatus.PROCESSED, (stop.reasons, stop.message_file.verdict)
    stored = list(Regiebericht.objects.order_by("kind").values_list(
        "kind", "group_id", "municipality_id", "begindatum", "einddatum", "deleted"))  # fmt: skip
    assert stored == [
        ("start", jeugd.group.pk, apeldoorn.pk, APR_2026.replace(day=6), None, False),
        ("stop", jeugd.group.pk, apeldoorn.pk, APR_2026.replace(day=6), dt.date(2026, 4, 20),
         False),
    ]  # fmt: skip
    [again] = send("s2", "305").message_file.verdict["refused_items"]
    assert again["rule"] == "TR074"
    send("t2", "307", end="2026-04-20", status="3")
    assert Regiebericht.objects.get(kind="stop").deleted
    assert Regiebericht.objects.count() == 2
