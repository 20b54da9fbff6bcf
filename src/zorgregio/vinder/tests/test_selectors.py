"""What the finder reads: only admissions that hold on the day, products of group admissions,
waiting times, client stops, published satisfaction, distances, filters."""

import datetime as dt

import pytest

from zorgregio.vinder import selectors
from zorgregio.vinder.models import Postcode
from zorgregio.vinder.tests.factories import DAY

pytestmark = pytest.mark.django_db


def names(cards):
    return [c.provider.name for c in cards]


def test_only_admissions_that_hold_on_the_day_are_public(world):
    cards = selectors.finder_cards(world.epe, selectors.Filters(day=DAY))
    assert names(cards) == ["Dichtbij Begeleiding Epe", "Verweg Zorg Apeldoorn", "Vol Zit Zorg"]
    # the ended admission still held in March; the draft never; Apeldoorn's provider not in Epe
    march = selectors.finder_cards(world.epe, selectors.Filters(day=dt.date(2026, 3, 1)))
    assert "Gestopte Zorg" in names(march) and "Concept Zorg" not in names(march)
    assert (
        names(selectors.finder_cards(world.epe, selectors.Filters(day=dt.date(2025, 12, 31)))) == []
    )


def test_a_group_admission_covers_the_groups_products_with_waiting_times_and_stops(world):
    cards = {
        c.provider.name: c for c in selectors.finder_cards(world.epe, selectors.Filters(day=DAY))
    }
    near = cards["Dichtbij Begeleiding Epe"]
    assert [line.product.name for line in near.lines] == ["Licht", "Basis"]
    basis = near.lines[1]
    assert str(basis.waiting.intake_weeks) == "2.5"
    # the report for Apeldoorn is not shown in Epe
    assert near.lines[0].waiting is None
    assert not near.client_stop
    assert cards["Vol Zit Zorg"].client_stop


def test_satisfaction_only_with_enough_respondents(world):
    cards = {
        c.provider.name: c for c in selectors.finder_cards(world.epe, selectors.Filters(day=DAY))
    }
    assert [str(r.overall) for r in cards["Dichtbij Begeleiding Epe"].satisfaction] == ["8.1"]
    assert cards["Verweg Zorg Apeldoorn"].satisfaction == []  # 6 respondents: never shown


def test_distance_from_a_postcode_orders_and_limits(world):
    origin = Postcode.objects.get(pk="8161AB")
    cards = selectors.finder_cards(world.epe, selectors.Filters(day=DAY, origin=origin))
    assert names(cards) == ["Dichtbij Begeleiding Epe", "Vol Zit Zorg", "Verweg Zorg Apeldoorn"]
    assert 0.5 < cards[0].distance_km < 1.2 and 6 < cards[1].distance_km < 8
    assert 14.9 < cards[2].distance_km < 15.3
    within = selectors.finder_cards(world.epe, selectors.Filters(day=DAY, origin=origin, km=10))
    assert names(within) == ["Dichtbij Begeleiding Epe", "Vol Zit Zorg"]


def test_filters_by_group_intensity_target_group_and_text(world):
    def find(**kwargs):
        return names(selectors.finder_cards(world.epe, selectors.Filters(day=DAY, **kwargs)))

    assert find(group=world.other_group) == ["Verweg Zorg Apeldoorn"]
    assert find(product=world.licht) == ["Dichtbij Begeleiding Epe"]
    assert find(target_group="autisme") == ["Dichtbij Begeleiding Epe"]
    assert find(target_group="jeugd") == []
    assert find(text="verweg") == ["Verweg Zorg Apeldoorn"]
    assert find(text="SCHOON") == ["Verweg Zorg Apeldoorn"]  # its product


def test_offered_products_are_those_of_public_admissions(world):
    products = selectors.offered_products(world.epe, DAY)
    assert [p.name for p in products] == ["Licht", "Basis", "Schoon huis"]
    assert [p.name for p in selectors.offered_products(world.meppel, DAY)] == ["Basis"]


def test_municipality_by_slug_or_cbs_code(world):
    assert selectors.finder_municipality("epe") == world.epe
    assert selectors.finder_municipality("0232") == world.epe
    assert selectors.finder_municipality("EPE") == world.epe
    assert selectors.finder_municipality("9999") is None
    assert selectors.finder_municipality("atlantis") is None


def test_a_provider_without_a_current_admission_has_no_card(world):
    assert selectors.finder_card(world.epe, world.near.pk, selectors.Filters(day=DAY))
    for provider in (world.draft, world.ended, world.elsewhere, world.drenthe):
        assert selectors.finder_card(world.epe, provider.pk, selectors.Filters(day=DAY)) is None
