"""The baseline read from the monitor's tables, saving scenarios in versions, and bad input."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zorgregio.audit.models import AuditEvent
from zorgregio.scenario import baseline as baseline_module
from zorgregio.scenario.models import Scenario, ScenarioVersion
from zorgregio.scenario.services import load_baseline, scenario_publish, scenario_save

D = dt.date
TODAY = D(2026, 1, 1)


def row(kind, value, start="2026-01-01", municipality="", group="", series=""):
    return {
        "kind": kind,
        "value": value,
        "start": start,
        "municipality": municipality,
        "group": group,
        "series": series,
    }


def save(user, municipality, knobs, region=None, **extra):
    return scenario_save(
        actor=user,
        region=region or municipality.region,
        municipality=municipality,
        name=extra.pop("name", "Test"),
        knob_rows=knobs,
        horizon=extra.pop("horizon", 2),
        today=extra.pop("today", TODAY),
        **extra,
    )


def messages(exc_info):
    return " | ".join(exc_info.value.messages)


def test_base_year_is_the_last_complete_calendar_year():
    assert baseline_module.base_year_for(D(2026, 1, 31)) == 2025
    assert baseline_module.base_year_for(D(2025, 12, 31)) == 2025
    assert baseline_module.base_year_for(None) is None


def test_flows_are_counted_over_the_latest_twelve_complete_months():
    window = baseline_module.flow_window
    assert window(2025, D(2026, 9, 30)) == (D(2025, 10, 1), D(2026, 9, 30))
    assert window(2025, D(2025, 12, 31)) == (D(2025, 1, 1), D(2025, 12, 31))
    assert window(2025, None) == (D(2025, 1, 1), D(2025, 12, 31))
    assert window(2027, D(2028, 2, 29)) == (D(2027, 3, 1), D(2028, 2, 29))
    assert window(2027, D(2028, 2, 28)) == (D(2027, 2, 28), D(2028, 2, 28))  # no 29-2-2027


def test_baseline_reads_the_history_per_municipality_and_group(history, apeldoorn):
    b = baseline_module.load([apeldoorn], base_year=2025, use_cache=False)
    codes = [b.groups[g]["code"] for g in b.cell_g]
    assert codes == ["begeleiding-groep", "begeleiding-individueel"]  # ordered by name
    bi = codes.index("begeleiding-individueel")
    bg = codes.index("begeleiding-groep")
    assert b.clients[bi] == 3 and b.spending[bi] == 350_000
    assert b.inflow[bi] == 1  # b started in 2025
    assert b.outflow[bi] == 2  # b and c ended in 2025
    assert b.top_share[bi] == pytest.approx(1 / 3)  # a of a, b, c in the highest intensity
    assert b.top_step[bi] == 200_000 - 75_000  # EUR 2,000 against (1,000 + 500) / 2
    assert b.clients[bg] == 1 and b.spending[bg] == 80_000 and b.inflow[bg] == 1
    # With the data complete until 31 January 2026 the flows are those of February 2025 to
    # January 2026: d, who started on 1 January 2025, is no inflow of that window.
    live = baseline_module.load(
        [apeldoorn], base_year=2025, use_cache=False, complete_until=D(2026, 1, 31)
    )
    assert live.flows == (D(2025, 2, 1), D(2026, 1, 31))
    assert live.inflow[bg] == 0 and live.inflow[bi] == 1 and live.outflow[bi] == 2
    assert b.groups[b.cell_g[bi]]["partner"] == b.cell_g[bg]
    assert b.budget_for(2026)[bi] == 300_000 and b.budget_for(2027)[bi] == 300_000
    assert b.inhabitants[0, 1] == 166_000  # 2026, from the fixture
    assert (0, b.cell_g[bg]) in b.buys


def test_back_test_compares_with_what_was_realised(history, apeldoorn):
    """2024 has no realisatie in this history: nothing to back-test from."""
    assert baseline_module.back_test([apeldoorn], last_complete=2025, first_data_year=2024) == []


def test_save_makes_versions_and_audits(history, apeldoorn, users):
    v1 = save(users["gemeente"], apeldoorn, [row("tariff", "10")])
    assert v1.number == 1 and v1.base_year == 2025 and v1.horizon == 2
    totals = v1.summary["totals"]
    assert [t["year"] for t in totals] == [2025, 2026, 2027]
    base = v1.summary["baseline"][1]["spending_cents"]
    assert totals[1]["spending_cents"] == pytest.approx(base * 1.1, abs=1)
    v2 = save(users["gemeente"], apeldoorn, [row("tariff", "5")], scenario=v1.scenario)
    assert v2.number == 2 and v2.scenario == v1.scenario
    assert v1.scenario.latest == v2
    assert ScenarioVersion.objects.get(pk=v1.pk).knobs[0]["value"] == "10"  # kept
    assert AuditEvent.objects.filter(object_id=str(v1.scenario.pk)).count() == 2


@pytest.mark.parametrize(
    "knob, expected",
    [
        (row("prevention", "120"), "tussen 0% en 100%"),
        (row("tariff", "veel"), "'veel' is geen getal"),
        (row("provider_cap", "2,5"), "geheel getal"),
        (row("tariff", "5", group="begeleiding-groep", municipality="0301"), "koopt"),
        (row("tariff", "5", start="2025-06-01"), "ligt in het verleden"),
        (row("tariff", "5", start="2031-01-01"), "na het laatste"),
        (row("to_group", "10", group="begeleiding-groep"), "geen groepsvariant"),
        (row("scale_down", "20", group="begeleiding-groep"), "had in 2025 maar één intensiteit"),
        (row("tariff", "5", group="bestaat-niet"), "onbekende productgroep"),
    ],
)
def test_bad_knobs_save_nothing(history, apeldoorn, zutphen, users, knob, expected):
    municipality = zutphen if knob["municipality"] == "0301" else apeldoorn
    with pytest.raises(ValidationError) as exc:
        save(users["regio"], municipality, [knob])
    assert expected in messages(exc)
    assert "Knop 1" in messages(exc)
    assert not Scenario.objects.exists() and not ScenarioVersion.objects.exists()


def test_every_problem_is_listed_at_once(history, apeldoorn, users):
    with pytest.raises(ValidationError) as exc:
        save(users["regio"], apeldoorn, [row("prevention", "-5"), row("budget", "500")], name="")
    text = messages(exc)
    assert "Geef het scenario een naam" in text and "Knop 1" in text and "Knop 2" in text


def test_no_baseline_year_with_data(db, apeldoorn, users):
    with pytest.raises(ValidationError) as exc:
        save(users["regio"], apeldoorn, [])
    assert "geen basisjaar met gegevens" in messages(exc)
    assert not Scenario.objects.exists()


def test_scope_of_who_may_save(history, apeldoorn, zutphen, users):
    with pytest.raises(PermissionDenied):
        save(users["gemeente"], zutphen, [])  # another municipality
    with pytest.raises(PermissionDenied):
        save(users["gemeente"], None, [], region=apeldoorn.region)  # the whole region
    for role in ("raad", "aanbieder", "beheerder"):
        with pytest.raises(PermissionDenied):
            save(users[role], apeldoorn, [])
    assert not Scenario.objects.exists()
    regional = save(users["regio"], None, [], region=apeldoorn.region, name="Regio")
    assert regional.scenario.municipality is None
    assert len(regional.summary["totals"]) == 3


def test_who_sees_which_scenarios(history, apeldoorn, zutphen, users):
    from zorgregio.accounts.scoping import scope_for

    own = save(users["regio"], apeldoorn, [], name="Apeldoorn").scenario
    other = save(users["regio"], zutphen, [], name="Zutphen").scenario
    region = save(users["regio"], None, [], region=apeldoorn.region, name="Regio").scenario
    scenario_publish(actor=users["regio"], scenario=other, published=True)

    def seen(role):
        return set(scope_for(users[role]).scenarios(Scenario.objects.all()))

    assert seen("regio") == {own, other, region}
    assert seen("gemeente") == {own}
    assert seen("raad") == {other}
    assert seen("aanbieder") == set() and seen("beheerder") == set()
    with pytest.raises(PermissionDenied):
        scenario_publish(actor=users["gemeente"], scenario=other, published=False)


def test_load_baseline_uses_the_monitor_state(history, apeldoorn):
    assert load_baseline(apeldoorn.region, apeldoorn).base_year == 2025


def test_baseline_takes_the_productenboek_indexation(history, apeldoorn):
    from zorgregio.producten.models import Indexation

    Indexation.objects.create(
        name="Indexatie 2027",
        year=2027,
        labour_forecast_next_pct=3,
        labour_forecast_current_pct=2,
        labour_final_current_pct=2,
        material_forecast_next_pct=2,
        material_forecast_current_pct=1,
        material_final_current_pct=1,
        applied_from=D(2027, 1, 1),
    )
    Indexation.objects.create(  # not applied: not in the baseline
        name="Concept 2028",
        year=2028,
        labour_forecast_next_pct=9,
        labour_forecast_current_pct=0,
        labour_final_current_pct=0,
        material_forecast_next_pct=9,
        material_forecast_current_pct=0,
        material_final_current_pct=0,
    )
    b = baseline_module.load([apeldoorn], base_year=2025, use_cache=False)
    # 90% x 3% + 10% x 2% = 2.9% from 2027 on; none before.
    assert b.indexation[2026] == 0
    assert b.indexation[2027] == pytest.approx(2.9)
    assert b.indexation[2029] == pytest.approx(2.9)
