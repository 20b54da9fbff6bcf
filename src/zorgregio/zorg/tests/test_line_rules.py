"""The rules on one declaration line, function by function: each on the smallest line that
breaks it and on the nearest one that does not. (The messages that break them, with their
retourcodes in the stored lines, are in ``berichten/tests/test_services.py`` and
``test_rules.py``.)"""

from __future__ import annotations

import ast
import datetime as dt
import importlib
from pathlib import Path
from types import SimpleNamespace

import pytest

from zorgregio.zorg.rules import deliveries, requests
from zorgregio.zorg.rules import lines as L
from zorgregio.zorg.rules.lines import TW
from zorgregio.zorg.rules.registry import RULES

D = dt.date


def tw(**kw) -> TW:
    return TW(**({"id": 1, "client_id": 7, "provider_id": 3, "product_id": 11, "categorie": "10",
                  "code": "10A01", "start": D(2026, 1, 1), "end": D(2026, 12, 31), "volume": None,
                  "unit": "", "frequency": "", "budget": None, "deleted": False} | kw))  # fmt: skip


def line(**kw):
    base = {"productcategorie": "10", "productcode": "10A01", "unit": "04", "volume": 4,
            "tariff_cents": 5000, "amount_cents": 20000}  # fmt: skip
    return SimpleNamespace(**(base | kw))


def test_tr304_the_line_is_for_the_client_of_the_toewijzing():
    assert L.tr304_other_client(tw(), 8)
    assert not L.tr304_other_client(tw(), 7)


def test_tr319_the_period_ends_within_the_declaration_period():
    assert L.tr319_outside_period(D(2026, 2, 1), D(2026, 1, 31))
    assert not L.tr319_outside_period(D(2026, 1, 31), D(2026, 1, 31))


def test_tr346_amount_is_volume_times_tariff_unless_in_euros():
    assert L.tr346_amount(line(amount_cents=20001))
    assert not L.tr346_amount(line())
    # Eenheid 83: euros, no ProductTarief (CD087): any amount
    assert not L.tr346_amount(line(unit="83", volume=1, tariff_cents=None, amount_cents=12345))


@pytest.mark.parametrize(
    "rule, broken, kept",
    [
        (L.tr339_categorie, {"productcategorie": "45"}, {"productcategorie": "10"}),
        (L.tr340_code, {"productcode": "10A02"}, {"productcode": "10A01"}),
    ],
)
def test_tr339_tr340_product_of_the_toewijzing(rule, broken, kept):
    assert rule(line(**broken), tw())
    assert not rule(line(**kept), tw())
    # a toewijzing without a product (a budget) holds any product
    assert not rule(line(**broken), tw(categorie="", code=""))


def test_tr341_the_unit_of_the_toewijzing():
    assert L.tr341_unit(line(unit="01"), tw(unit="04"))
    assert not L.tr341_unit(line(unit="04"), tw(unit="04"))
    assert not L.tr341_unit(line(unit="01"), tw(unit=""))


def test_tr307_tr308_within_the_toewijzing():
    assert L.tr307_before_start(D(2025, 12, 31), tw())
    assert not L.tr307_before_start(D(2026, 1, 1), tw())
    assert L.tr308_after_end(D(2027, 1, 1), tw())
    assert not L.tr308_after_end(D(2026, 12, 31), tw())
    assert not L.tr308_after_end(D(2030, 1, 1), tw(end=None))


def test_whole_months_within_the_toewijzing_need_no_month_bounds():
    assert L.whole_months(D(2026, 3, 1), D(2026, 3, 31), tw())
    assert not L.whole_months(D(2026, 3, 2), D(2026, 3, 31), tw())
    assert not L.whole_months(D(2026, 3, 1), D(2026, 3, 30), tw())
    assert not L.whole_months(D(2026, 3, 1), D(2026, 3, 31), tw(start=D(2026, 3, 10)))
    assert not L.whole_months(D(2026, 3, 1), D(2026, 3, 31), tw(end=D(2026, 3, 20)))


def test_tr321_volume_per_period_and_tr322_total_volume():
    weekly = tw(volume=3, frequency="2")  # 3 per week
    assert L.tr321_period_volume(weekly, D(2026, 3, 1), D(2026, 3, 7), 4)
    assert not L.tr321_period_volume(weekly, D(2026, 3, 1), D(2026, 3, 7), 3)
    # 31 days are 5 (begun) weeks
    assert not L.tr321_period_volume(weekly, D(2026, 3, 1), D(2026, 3, 31), 15)
    total = tw(volume=10, frequency="6", used_volume=8)
    assert L.tr322_total_volume(total, 3)
    assert not L.tr322_total_volume(total, 2)
    assert not L.tr322_total_volume(tw(volume=10, frequency="4", used_volume=8), 3)


def test_tr369_the_budget():
    assert L.tr369_budget(tw(budget=100_00, used_amount=90_00), 10_01)
    assert not L.tr369_budget(tw(budget=100_00, used_amount=90_00), 10_00)
    assert not L.tr369_budget(tw(budget=None, used_amount=90_00), 10_000_00)


def test_tr418_the_contractual_tariff():
    assert L.tr418_tariff(line(tariff_cents=5001), 5000) == "0611"
    assert L.tr418_tariff(line(), 5000) == ""
    assert L.tr418_tariff(line(), None) == L.ZR_NO_TARIFF
    assert L.tr418_tariff(line(unit="83", tariff_cents=None), None) == ""  # CD087


def test_tr389_tr323_tr390_tr314_against_what_was_declared():
    key = L.debit_key(1, "10", "10A01", D(2026, 1, 1), D(2026, 1, 31))
    assert L.tr389_declared_before(key, {key})
    assert not L.tr389_declared_before(key, set())
    assert L.tr323_no_debit(None) and not L.tr323_no_debit(("row",))
    assert L.tr390_credited("R1", {"R1"}) and not L.tr390_credited("R1", {"R2"})
    assert L.tr314_reference_used("R1", {"R1"}, set())
    assert L.tr314_reference_used("R1", set(), {"R1"})
    assert not L.tr314_reference_used("R1", {"R2"}, {"R3"})


def _resolve(path: str):
    """``zorg.rules.lines.tr304_other_client`` -> the object (module, then attributes)."""
    parts = path.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module("zorgregio." + ".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for attribute in parts[cut:]:
            obj = getattr(obj, attribute)
        return obj
    raise ModuleNotFoundError(path)


def test_every_place_the_registry_names_exists():
    for code, rule in RULES.items():
        if not rule.where:
            continue
        first, *others = [part.strip() for part in rule.where.split(" / ")]
        assert _resolve(first), code
        parent = first.rsplit(".", 1)[0]
        for other in others:  # "MessageApplier.start / .stop"
            assert _resolve(parent + other if other.startswith(".") else other), code


def test_the_care_model_does_not_import_the_message_adapter():
    """berichten builds on zorg (files -> records -> zorg services), never the other way."""
    root = Path(__file__).resolve().parents[1]
    offenders = []
    for path in root.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            offenders += [f"{path.name}: {n}" for n in names if n.startswith("zorgregio.berichten")]
    assert offenders == []


# --- stops and requests -----------------------------------------------------------------------


def stop(end, reden="31", status="1", categorie="", code=""):
    return SimpleNamespace(einddatum=end, reden_beeindiging=reden, status_aanlevering=status,
                           productcategorie=categorie, productcode=code)  # fmt: skip


def test_the_stop_rules():
    running = [1, D(2026, 1, 5), None, False, ""]
    temporary = [1, D(2026, 1, 5), D(2026, 2, 28), False, "20"]
    final = [1, D(2026, 1, 5), D(2026, 3, 31), False, "31"]
    assert deliveries.tr382_no_start(None, stop(D(2026, 3, 31)), tw())
    assert deliveries.tr382_no_start(running, stop(D(2026, 3, 31), code="45A01"), tw())
    assert not deliveries.tr382_no_start(running, stop(D(2026, 3, 31), code="10A01"), tw())
    assert deliveries.tr413_temporary_again(temporary, stop(D(2026, 3, 31), reden="20"))
    assert not deliveries.tr413_temporary_again(temporary, stop(D(2026, 3, 31)))
    assert not deliveries.tr413_temporary_again(running, stop(D(2026, 3, 31), reden="20"))
    assert deliveries.tr414_ends_earlier(temporary, stop(D(2026, 2, 27)))
    assert not deliveries.tr414_ends_earlier(temporary, stop(D(2026, 2, 28)))
    assert deliveries.tr415_second_stop(final, stop(D(2026, 4, 30)))
    assert not deliveries.tr415_second_stop(temporary, stop(D(2026, 4, 30)))
    assert not deliveries.tr415_second_stop(running, stop(D(2026, 4, 30)))


JAN, DEC, JUNE = D(2026, 1, 1), D(2026, 12, 31), D(2026, 6, 1)


def current(nr="1", client=7, code="45A03", categorie="45", start=JAN, end=DEC, volume=10,
            frequency="4", budget=None):  # fmt: skip
    return requests.Current(nr, client, categorie, code, start, end, volume, frequency, budget)


def change(nr="1", start=JUNE, volume=6, frequency="2", budget=None, kind="te_wijzigen"):
    return SimpleNamespace(kind=kind, toewijzingnummer=nr, ingangsdatum=start, volume=volume,
                           frequency=frequency, budget_cents=budget, productcode="",
                           productcategorie="", einddatum=None)  # fmt: skip


def test_the_request_rules():
    day = D(2026, 5, 6)
    known = {"1": current(), "2": current("2", client=8), "3": current("3", end=D(2026, 4, 30))}
    assert requests.tr374_pending(["REF1"]) and not requests.tr374_pending([])
    assert requests.tr350_unchanged_unknown(["1", "9", "3"], known, day) == ["9", "3"]
    assert requests.tr351_changed_unknown([change("9"), change("1")], known, day) == ["9"]
    assert requests.tr304_other_client(["1", "2"], known, 7) == ["2"]
    mine = {"1": known["1"], "4": current("4")}
    assert requests.tr349_missing(mine, ["1"], [change("4")], day) == []
    assert requests.tr349_missing(mine, ["1"], [], day) == ["4"]
    assert requests.tr357_backdated(change(start=D(2026, 3, 1)), known["1"], day)
    assert not requests.tr357_backdated(change(start=D(2026, 1, 1)), known["1"], day)
    assert not requests.tr357_backdated(change(start=D(2026, 6, 1)), known["1"], day)
    budget = current(code="", volume=None, frequency="", budget=100_000)
    assert requests.tr373_budget_change(change(volume=None, budget=200_000), budget)
    assert not requests.tr373_budget_change(
        change(start=D(2026, 1, 1), volume=None, budget=200_000), budget
    )
    assert not requests.tr373_budget_change(change(), known["1"])  # per week: not a total
    assert requests.tr373_budget_change(change(volume=50, frequency="6"), current(frequency="6"))
    assert requests.tr411_omvang_required(change(volume=None), known["1"])
    assert not requests.tr411_omvang_required(change(), known["1"])
    assert requests.tr412_omvang_empty(change(), budget)
    assert not requests.tr412_omvang_empty(change(volume=None), budget)
    assert not requests.tr412_omvang_empty(change(), current(code="", end=D(2020, 12, 31)))
    no_product = current(code="", categorie="", volume=None, budget=1)
    assert requests.tr375_omvang_without_product(change(), no_product)
    assert not requests.tr375_omvang_without_product(change(), budget)  # a category
    june = (D(2026, 6, 1), D(2026, 12, 31))
    assert requests.tr361_overlap([("45A03", D(2026, 1, 1), D(2026, 12, 31)), ("45A03", *june)])
    assert not requests.tr361_overlap([("45A03", D(2026, 1, 1), D(2026, 5, 31)), ("45A03", *june)])
    assert not requests.tr361_overlap([("45A03", D(2026, 1, 1), None), ("45A04", *june)])
    assert requests.tr361_overlap([("45A03", D(2026, 1, 1), None), ("45A03", *june)])
