"""The cross-message rules on stops (307) and requests (315/317), one scenario each: the
messages before it, then one that breaks only that rule (its item refused with the rule's code
and retourcode, the rest of the archive intact), and the nearest message that keeps it."""

from __future__ import annotations

import pytest

from zorgregio.berichten.models import FileStatus
from zorgregio.berichten.services import ingest_paths
from zorgregio.berichten.tests import builders as B
from zorgregio.zorg.models import Levering, Verzoek
from zorgregio.zorg.rules.registry import RULES

from .conftest import AGB, BSN, BSN2

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(jeugd, apeldoorn):
    return jeugd


_count = {"n": 0}


def ingest(tmp_path, data: bytes):
    _count["n"] += 1
    path = tmp_path / f"{_count['n']:03d}.xml"
    path.write_bytes(data)
    [result] = ingest_paths([path])
    assert result.status == FileStatus.PROCESSED, result.reasons
    return result


def refused(result) -> str:
    """The rule of the one refused item, checked against its retourcode."""
    items = result.message_file.verdict["refused_items"]
    assert len(items) == 1, items
    assert items[0]["retourcode"] == RULES[items[0]["rule"]].retourcode
    return items[0]["rule"]


def accepted(result) -> bool:
    return result.message_file.rejected_count == 0 and result.reasons == []


def ident() -> str:
    """A new BerichtIdentificatie: a message sent again is another message (TR056)."""
    _count["n"] += 1
    return f"X{_count['n']:06d}"


def m301(*products, bsn=BSN):
    products = list(products) or [B.Assigned("1001")]
    return B.msg_301("ijw", "0200", AGB, bsn, products, ident=ident())


def m305(begin="2026-01-05", **kw):
    return B.msg_start_stop("ijw", "305", "0200", AGB, BSN, "1001", begin, ident=ident(), **kw)


def m307(end, begin="2026-01-05", **kw):
    return B.msg_start_stop("ijw", "307", "0200", AGB, BSN, "1001", begin, end, ident=ident(), **kw)


def m315(ref, bsn=BSN):
    return B.msg_315("ijw", "0200", AGB, bsn, [B.Requested(ref)], ident=ident())


NEW = [B.Requested(code="45A05", start="2027-01-01", end="2027-06-30")]


def m317(ref="VOW1", ongewijzigd=("1001",), te_wijzigen=(), nieuw=None):
    nieuw = NEW if nieuw is None and not te_wijzigen else (nieuw or [])
    return B.msg_317(
        "ijw", "0200", AGB, BSN, ref, ongewijzigd, te_wijzigen, list(nieuw), ident=ident()
    )


# --- 307 --------------------------------------------------------------------------------------


def test_tr382_a_stop_needs_its_start(tmp_path, setup):
    ingest(tmp_path, m301())
    assert refused(ingest(tmp_path, m307("2026-03-31"))) == "TR382"
    assert not Levering.objects.exists()
    ingest(tmp_path, m305())
    assert refused(ingest(tmp_path, m307("2026-03-31", code="45A04"))) == "TR382"  # product
    assert accepted(ingest(tmp_path, m307("2026-03-31")))
    assert Levering.objects.get().einddatum.isoformat() == "2026-03-31"


def test_tr415_a_final_stop_is_not_stopped_again(tmp_path, setup):
    ingest(tmp_path, m301())
    ingest(tmp_path, m305())
    assert accepted(ingest(tmp_path, m307("2026-03-31")))  # reason 31: final
    assert refused(ingest(tmp_path, m307("2026-04-30"))) == "TR415"
    # Deleted first (StatusAanlevering 3), then sent again: accepted.
    assert accepted(ingest(tmp_path, m307("2026-03-31", status="3")))
    assert accepted(ingest(tmp_path, m307("2026-04-30")))
    assert Levering.objects.get().einddatum.isoformat() == "2026-04-30"


def test_tr413_a_temporary_stop_is_followed_by_another_reason(tmp_path, setup):
    ingest(tmp_path, m301())
    ingest(tmp_path, m305())
    assert accepted(ingest(tmp_path, m307("2026-02-28", reden="20")))
    assert refused(ingest(tmp_path, m307("2026-03-31", reden="20"))) == "TR413"
    assert accepted(ingest(tmp_path, m307("2026-03-31", reden="31")))  # OP377: then final


def test_tr414_a_later_stop_does_not_end_earlier(tmp_path, setup):
    ingest(tmp_path, m301())
    ingest(tmp_path, m305())
    assert accepted(ingest(tmp_path, m307("2026-03-31", reden="20")))
    assert refused(ingest(tmp_path, m307("2026-02-28", reden="31"))) == "TR414"
    assert accepted(ingest(tmp_path, m307("2026-03-31", reden="31")))


# --- 315 / 317 --------------------------------------------------------------------------------


def test_tr374_no_new_request_while_one_is_pending(tmp_path, setup):
    assert accepted(ingest(tmp_path, m315("REF1")))
    assert refused(ingest(tmp_path, m315("REF2"))) == "TR374"
    assert accepted(ingest(tmp_path, m315("REF3", bsn=BSN2)))  # another client
    # Rejected by the municipality (319, VerzoekAntwoord 1): no longer pending.
    ingest(tmp_path, B.msg_319("ijw", "0200", AGB, "REF1", answer="1"))
    assert accepted(ingest(tmp_path, m315("REF4")))
    # Honoured by a 301 with its ReferentieAanbieder: no longer pending either.
    ingest(tmp_path, m301(B.Assigned("1001", ref="REF4")))
    assert Verzoek.objects.get(referentie="REF4").honoured_on is not None
    assert accepted(ingest(tmp_path, m315("REF5")))


def test_tr349_a_change_request_names_every_current_toewijzing(tmp_path, setup):
    ingest(tmp_path, m301(B.Assigned("1001"), B.Assigned("1002", code="45A04")))
    result = ingest(tmp_path, m317("VOW1", ("1001",), nieuw=[B.Requested(code="45A05")]))
    assert refused(result) == "TR349"
    assert Verzoek.objects.count() == 0
    assert accepted(
        ingest(tmp_path, m317("VOW2", ("1001", "1002"), nieuw=[B.Requested(code="45A05")]))
    )


def test_tr350_tr351_the_toewijzingen_named_exist(tmp_path, setup):
    ingest(tmp_path, m301())
    assert refused(ingest(tmp_path, m317("VOW1", ("1001", "9999")))) == "TR350"
    change = B.Change("9999", start="2026-06-01")
    assert refused(ingest(tmp_path, m317("VOW2", ("1001",), [change]))) == "TR351"
    assert accepted(ingest(tmp_path, m317("VOW3", (), [B.Change("1001", start="2026-06-01")])))


def test_tr304_a_change_request_names_toewijzingen_of_its_client(tmp_path, setup):
    ingest(tmp_path, m301())
    ingest(tmp_path, m301(B.Assigned("2002"), bsn=BSN2))
    assert refused(ingest(tmp_path, m317("VOW1", ("1001", "2002")))) == "TR304"
    assert accepted(ingest(tmp_path, m317("VOW2", ("1001",))))


def test_tr357_a_change_in_the_past_holds_from_the_start(tmp_path, setup):
    ingest(tmp_path, m301())  # 2026-01-01 to 2026-12-31; the 317 is of 2026-05-06
    backdated = B.Change("1001", start="2026-03-01")
    assert refused(ingest(tmp_path, m317("VOW1", (), [backdated]))) == "TR357"
    assert accepted(ingest(tmp_path, m317("VOW2", (), [B.Change("1001", start="2026-01-01")])))


def test_tr373_a_budget_change_holds_for_the_whole_toewijzing(tmp_path, setup):
    budget = B.Assigned("1001", code="", volume=None, budget=100_000)
    ingest(tmp_path, m301(budget))
    later = B.Change("1001", start="2026-06-01", volume=None, budget=200_000)
    assert refused(ingest(tmp_path, m317("VOW1", (), [later]))) == "TR373"
    whole = B.Change("1001", start="2026-01-01", volume=None, budget=200_000)
    assert accepted(ingest(tmp_path, m317("VOW2", (), [whole])))


def test_tr411_an_omvang_for_a_product_code(tmp_path, setup):
    ingest(tmp_path, m301())
    empty = B.Change("1001", start="2026-06-01", volume=None)
    assert refused(ingest(tmp_path, m317("VOW1", (), [empty]))) == "TR411"
    assert accepted(ingest(tmp_path, m317("VOW2", (), [B.Change("1001", start="2026-06-01")])))


def test_tr412_no_omvang_without_a_product_code(tmp_path, setup):
    ingest(tmp_path, m301(B.Assigned("1001", code="", volume=None, budget=100_000)))
    with_omvang = B.Change("1001", start="2026-01-01", volume=6)
    assert refused(ingest(tmp_path, m317("VOW1", (), [with_omvang]))) == "TR412"
    without = B.Change("1001", start="2026-01-01", volume=None, budget=100_000)
    assert accepted(ingest(tmp_path, m317("VOW2", (), [without])))


def test_tr375_no_omvang_without_a_product(tmp_path, setup):
    ingest(tmp_path, m301(B.Assigned("1001", categorie="", code="", volume=None, budget=100_000)))
    with_omvang = B.Change("1001", start="2026-01-01", volume=6)
    assert refused(ingest(tmp_path, m317("VOW1", (), [with_omvang]))) == "TR375"
    without = B.Change("1001", start="2026-01-01", volume=None, budget=100_000)
    assert accepted(ingest(tmp_path, m317("VOW2", (), [without])))


def test_tr361_a_product_twice_only_in_periods_apart(tmp_path, setup):
    ingest(tmp_path, m301())  # 45A03 for 2026
    twice = [B.Requested(code="45A03", start="2026-06-01", end="2026-12-31")]
    assert refused(ingest(tmp_path, m317("VOW1", ("1001",), nieuw=twice))) == "TR361"
    apart = [B.Requested(code="45A03", start="2027-01-01", end="2027-06-30")]
    assert accepted(ingest(tmp_path, m317("VOW2", ("1001",), nieuw=apart)))
