"""The rule registry against the standard's rule documents, and the rule functions one by one.

The messages that break each rule are in ``berichten/tests/test_rules.py``; here each function
is checked on the smallest record that breaks it and on the nearest one that does not.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from types import SimpleNamespace as R

import pytest
from django.utils import translation

from zorgregio.zorg.rules import catalogue, cross, docs, elements, within
from zorgregio.zorg.rules.registry import RULES, Effect, Level, Status, counts

D = dt.date
DOCS = Path(__file__).resolve().parents[4] / "docs" / "berichten.md"


def test_every_rule_of_the_documents_for_the_seven_messages_is_in_the_registry():
    for law, codes in catalogue.applicable_codes().items():
        missing = sorted(code for code in codes if code not in RULES or law not in RULES[code].laws)
        assert missing == [], law
    for code, rule in RULES.items():
        for law in rule.laws:
            assert rule.messages(law), (code, law)  # no rule the documents do not give


def test_each_entry_says_how_it_is_applied():
    for code, rule in RULES.items():
        assert str(rule.text), code
        if rule.status == Status.IMPLEMENTED:
            assert rule.check is not None or rule.where or rule.reason, code
            assert rule.effect in (Effect.MESSAGE, Effect.LINE) or rule.level == Level.BUSINESS
        else:
            assert rule.reason, code
        for status, reason in rule.by_message.values():
            assert status in (Status.NOT_APPLICABLE, Status.NOT_IMPLEMENTED) and reason
        if rule.level in (Level.MESSAGE, Level.ELEMENT) and rule.status == Status.IMPLEMENTED:
            assert (rule.retourcode, rule.effect) == ("0001", Effect.MESSAGE), code


def test_the_retourcodes_are_the_standards():
    for code, rule in RULES.items():
        if rule.kind != "TR":
            continue
        published = {
            found["retourcode"]
            for law in rule.laws
            if (found := catalogue.entry(law, code)) and found["retourcode"]
        }
        assert published <= {rule.retourcode}, code


def test_every_rule_text_is_translated():
    with translation.override("nl"):
        untranslated = [code for code, rule in RULES.items() if not _translated(rule)]
    assert untranslated == []


def _translated(rule) -> bool:
    with translation.override("en"):
        english = str(rule.text)
    return str(rule.text) != english or english.endswith(("is 2.", "is 3."))


def test_counts_per_message_and_law_add_up():
    tally = counts()
    for (law, message_type), found in tally.items():
        total = sum(found.values())
        assert total == len([r for r in RULES.values() if message_type in r.messages(law)])
        assert found[Status.IMPLEMENTED] > 0, (law, message_type)


def test_the_rules_section_of_the_docs_is_current():
    assert docs.section(DOCS) == docs.render(), (
        "run: python -m zorgregio.zorg.rules.docs docs/berichten.md"
    )


# --- the functions, each broken and not ------------------------------------------------------

CONTACT = {
    "soort": "01",
    "huis": True,
    "postcode": "7311AB",
    "landcode": "NL",
    "telefoon": False,
    "periode": False,
    "periode_start": None,
    "periode_end": None,
}
PRODUCT = {
    "productcategorie": "45",
    "productcode": "45A03",
    "ingangsdatum": D(2026, 1, 1),
    "einddatum": D(2026, 12, 31),
    "volume": 4,
    "unit": "04",
    "frequency": "4",
    "budget_cents": None,
    "reden_wijziging": "",
    "beschikkingnummer": "",
    "beschikking_ingangsdatum": None,
    "verwijzer_type": "01",
    "verwijzer_naam": "x",
    "zorgverlenercode": "",
}
LINE = {
    "debit_credit": "D",
    "vorig_referentienummer": "",
    "period_start": D(2026, 4, 1),
    "period_end": D(2026, 4, 30),
    "tariff_cents": 1250,
    "unit": "04",
    "volume": 4,
    "amount_cents": 5000,
}


def c(**kw):
    return R(**{**CONTACT, **kw})


def p(**kw):
    return R(**{**PRODUCT, **kw})


def ln(**kw):
    return R(**{**LINE, **kw})


# (function, arguments that break the rule, arguments that do not)
CASES = {
    "CS139": (elements.cs139_datum_gebruik, (D(2010, 2, 14), "1"), (D(2010, 2, 1), "1")),
    "CS139 year": (elements.cs139_datum_gebruik, (D(2010, 2, 1), "2"), (D(2010, 1, 1), "2")),
    "CS139 unknown": (elements.cs139_datum_gebruik, (D(1901, 1, 1), "3"), (D(1900, 1, 1), "3")),
    "CS318": (elements.cs318_no_naam_gebruik_6, (R(naam_gebruik="6"),), (R(naam_gebruik="1"),)),
    "CS050": (
        elements.cs050_naam_gebruik,
        (R(naam_gebruik="2", partnernaam=False),),
        (R(naam_gebruik="2", partnernaam=True),),
    ),
    "CD007": (
        elements.cd007_taal,
        (R(communicatie_vorm="1", taal=""),),
        (R(communicatie_vorm="1", taal="Pools"),),
    ),
    "CD007 other": (
        elements.cd007_taal,
        (R(communicatie_vorm="2", taal="Pools"),),
        (R(communicatie_vorm="2", taal=""),),
    ),
    "CD025": (elements.cd025_huis, (c(huis=False),), (c(),)),
    "CD034": (
        elements.cd034_postcode,
        (c(postcode="", landcode=""),),
        (c(soort="02", postcode="", landcode=""),),
    ),
    "CS089": (elements.cs089_dutch_postcode, (c(postcode="0311AB"),), (c(),)),
    "CD005": (elements.cd005_landcode, (c(landcode=""),), (c(),)),
    "CD009": (elements.cd009_periode, (c(periode=True),), (c(soort="04", periode=True),)),
    "CS003": (
        elements.cs003_end_not_before_start,
        (D(2026, 2, 1), D(2026, 1, 31)),
        (D(2026, 2, 1), D(2026, 2, 1)),
    ),
    "CD079": (
        elements.cd079_product,
        (p(productcategorie="", productcode=""),),
        (p(productcategorie="", productcode="", budget_cents=1, volume=None),),
    ),
    "CD075": (
        elements.cd075_einddatum_with_budget,
        (p(budget_cents=1, einddatum=None),),
        (p(budget_cents=1),),
    ),
    "CD076": (
        elements.cd076_einddatum_per_week,
        (p(frequency="2", einddatum=None),),
        (p(frequency="2"),),
    ),
    "CS335": (
        elements.cs335_deleted_only_on_one_day,
        (p(reden_wijziging="13"),),
        (p(reden_wijziging="13", einddatum=D(2026, 1, 1)),),
    ),
    "CS336": (elements.cs336_no_reden_01, (p(reden_wijziging="01"),), (p(reden_wijziging="02"),)),
    "CD041": (elements.cd041_omvang_with_code, (p(volume=None),), (p(),)),
    "CD077": (elements.cd077_no_omvang_with_budget, (p(budget_cents=1),), (p(),)),
    "CD078": (
        elements.cd078_no_budget_with_omvang,
        (p(budget_cents=1),),
        (p(volume=None, budget_cents=1),),
    ),
    "CD080": (
        elements.cd080_no_omvang_without_code,
        (p(productcode=""),),
        (p(productcode="", einddatum=D(2020, 12, 31)),),
    ),
    "CS338": (
        elements.cs338_frequency_for_unit,
        (p(unit="14", frequency="1"),),
        (p(unit="14", frequency="4"),),
    ),
    "CD043": (
        elements.cd043_beschikking_ingangsdatum,
        (p(beschikkingnummer="1"),),
        (p(beschikkingnummer="1", beschikking_ingangsdatum=D(2026, 1, 1)),),
    ),
    "CD066": (
        elements.cd066_no_naam_with_zorgverlenercode,
        (p(verwijzer_type="02", zorgverlenercode="1"),),
        (p(verwijzer_type="02", zorgverlenercode="1", verwijzer_naam=""),),
    ),
    "CD067": (
        elements.cd067_naam_without_zorgverlenercode,
        (p(verwijzer_type="03", verwijzer_naam=""),),
        (p(verwijzer_type="03"),),
    ),
    "CD068": (
        elements.cd068_no_zorgverlenercode_for_other_types,
        (p(zorgverlenercode="1"),),
        (p(verwijzer_type="04", zorgverlenercode="1", verwijzer_naam=""),),
    ),
    "CS058": (
        elements.cs058_status_aanlevering,
        (R(status_aanlevering="2"),),
        (R(status_aanlevering="3"),),
    ),
    "CD085": (
        elements.cd085_reden_when_refused,
        (R(answer="1", reden_afwijzing=""),),
        (R(answer="1", reden_afwijzing="3"),),
    ),
    "CD086": (
        elements.cd086_no_reden_when_investigating,
        (R(answer="2", reden_afwijzing="3"),),
        (R(answer="2", reden_afwijzing=""),),
    ),
    "CS100": (elements.cs100_from_2021, (D(2020, 12, 31),), (D(2021, 1, 1),)),
    "CS340": (
        elements.cs340_one_calendar_month,
        (D(2026, 2, 1), D(2026, 2, 27)),
        (D(2026, 2, 1), D(2026, 2, 28)),
    ),
    "CS340 leap": (
        elements.cs340_one_calendar_month,
        (D(2028, 2, 1), D(2028, 2, 28)),
        (D(2028, 2, 1), D(2028, 2, 29)),
    ),
    "CS325": (elements.cs325_zero_is_debit, (0, "C"), (0, "D")),
    "CS319": (elements.cs319_declaratienummer, ("D 1",), ("D1",)),
    "CS319 ascii": (elements.cs319_declaratienummer, ("D１",), ("D1",)),
    "CD060": (
        elements.cd060_vorig_referentienummer,
        (ln(debit_credit="C"),),
        (ln(debit_credit="C", vorig_referentienummer="R1"),),
    ),
    "CS337": (elements.cs337_one_month, (ln(period_end=D(2026, 5, 1)),), (ln(),)),
    "CD087": (elements.cd087_tariff, (ln(unit="83"),), (ln(unit="83", tariff_cents=None),)),
    "CS339": (
        elements.cs339_euros_amount_is_volume,
        (ln(unit="83", tariff_cents=None),),
        (ln(unit="83", tariff_cents=None, volume=5000),),
    ),
    "TR002": (
        within.tr002_born_within_120_years,
        (D(1906, 5, 5), "", D(2026, 5, 6)),
        (D(1906, 5, 6), "", D(2026, 5, 6)),
    ),
    "TR002 unknown": (
        within.tr002_born_within_120_years,
        (D(1900, 1, 1), "2", D(2026, 5, 6)),
        (D(1900, 1, 1), "3", D(2026, 5, 6)),
    ),
    "TR134": (
        within.tr134_not_after_dagtekening,
        (D(2026, 5, 7), D(2026, 5, 6)),
        (D(2026, 5, 6), D(2026, 5, 6)),
    ),
    "TR137": (
        within.tr137_period_ended,
        (D(2026, 4, 1), D(2026, 4, 30), D(2026, 4, 29)),
        (D(2026, 4, 1), D(2026, 4, 30), D(2026, 4, 30)),
    ),
    "TR335": (
        within.tr335_not_five_years_old,
        (D(2021, 5, 5), D(2026, 5, 6)),
        (D(2021, 5, 6), D(2026, 5, 6)),
    ),
    "TR380": (
        within.tr380_after_dagtekening,
        (D(2026, 5, 6), D(2026, 5, 6)),
        (D(2026, 5, 7), D(2026, 5, 6)),
    ),
    "TR018": (
        within.tr018_end_not_before_begin,
        (R(begindatum=D(2026, 3, 2), einddatum=D(2026, 3, 1)),),
        (R(begindatum=D(2026, 3, 1), einddatum=D(2026, 3, 1)),),
    ),
    "TR006": (within.tr006_contact_reachable, (c(postcode=""),), (c(postcode="", telefoon=True),)),
    "TR061": (
        within.tr061_has_residential_address,
        (R(contacts=(c(soort="04"),)),),
        (R(contacts=(c(soort="04"), c(soort="02"))),),
    ),
    "TR352": (
        within.tr352_keeps_or_changes_a_product,
        (R(ongewijzigd=(), products=(R(kind="nieuw"),)),),
        (R(ongewijzigd=(), products=(R(kind="te_wijzigen"),)),),
    ),
    "TR353": (
        within.tr353_changes_or_adds_a_product,
        (R(ongewijzigd=("1",), products=()),),
        (R(ongewijzigd=("1",), products=(R(kind="nieuw"),)),),
    ),
    "TR377": (
        within.tr377_woonplaatsbeginsel_given,
        (R(reden_afwijzing="8", woonplaatsbeginsel=""),),
        (R(reden_afwijzing="8", woonplaatsbeginsel="0200"),),
    ),
    "TR409": (
        within.tr409_woonplaatsbeginsel_only_for_8,
        (R(reden_afwijzing="3", woonplaatsbeginsel="0200"),),
        (R(reden_afwijzing="3", woonplaatsbeginsel=""),),
    ),
    "TR387": (
        cross.tr387_period_start,
        (D(2026, 4, 2), D(2026, 1, 1)),
        (D(2026, 4, 2), D(2026, 4, 2)),
    ),
    "TR388": (cross.tr388_period_end, (D(2026, 4, 29), None), (D(2026, 4, 29), D(2026, 4, 29))),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_rule_function_on_the_smallest_records(case):
    function, broken, fine = CASES[case]
    assert function(*broken) is True
    assert function(*fine) is False


def test_overlapping_products_by_code_category_or_any():
    a = p(einddatum=D(2026, 6, 30))
    assert within.overlapping_products([a, p(ingangsdatum=D(2026, 7, 1))]) is None
    assert within.overlapping_products([a, p(ingangsdatum=D(2026, 6, 30))]) is not None
    other_code = p(productcode="45A04", ingangsdatum=D(2026, 6, 1))
    assert within.overlapping_products([a, other_code]) is None
    no_code = p(productcode="", ingangsdatum=D(2026, 6, 1))
    assert within.overlapping_products([a, no_code]) is not None  # by category
    no_category = p(productcategorie="", productcode="", ingangsdatum=D(2026, 6, 1))
    assert within.overlapping_products([p(productcategorie="54"), no_category]) is not None
    deleted = p(ingangsdatum=D(2026, 3, 1), einddatum=D(2026, 3, 1), reden_wijziging="13")
    assert within.overlapping_products([a, deleted]) is None  # not counted (TR302)


def test_declaration_lines_state_keeps_hashes_and_finds_each_rule():
    state = within.DeclaratieLines()
    debit = R(
        bsn="1",
        referentienummer="R1",
        vorig_referentienummer="",
        debit_credit="D",
        toewijzingnummer="7",
        productcategorie="45",
        productcode="45A03",
        period_start=D(2026, 4, 1),
        period_end=D(2026, 4, 30),
        row=3,
    )
    assert not state.tr101_duplicate_line(debit) and state.tr101_duplicate_line(debit)
    assert not state.tr416_debit_twice(debit) and state.tr416_debit_twice(debit)
    credit = R(
        **{
            **vars(debit),
            "referentienummer": "C1",
            "vorig_referentienummer": "R1",
            "debit_credit": "C",
            "row": 4,
        }
    )
    assert not state.tr416_debit_twice(credit)  # credits are not counted
    assert not state.tr315_vorig_twice(credit) and state.tr315_vorig_twice(credit)
    assert state.tr316_credited_in_message() == "R1"
    assert all(isinstance(key, int) for key in set(state.refs) | state.again | state.debits)
    state.signed_sum = 0
    assert not state.tr358_total_differs(R(total_cents=0, total_debit_credit="D"))
    assert state.tr358_total_differs(R(total_cents=1, total_debit_credit="C"))
