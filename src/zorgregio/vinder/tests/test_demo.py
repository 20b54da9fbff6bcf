"""The demo step: the postcode table of the demo towns and an offer for every provider, with
locations in the towns where it is contracted and coordinates from the table."""

import random

import pytest

from zorgregio.demo.registry import DemoContext
from zorgregio.vinder.demo import AREAS, build_finder
from zorgregio.vinder.models import Offer, Postcode

pytestmark = pytest.mark.django_db


def test_every_demo_provider_gets_an_offer_with_located_addresses(world):
    ctx = DemoContext(seed=1, scale=0.05, log=lambda _m: None, password="x", region=world.region)
    ctx.rng = random.Random(1)
    Postcode.objects.all().delete()
    build_finder(ctx)
    assert Postcode.objects.filter(pk__startswith="8161").count() == 8  # Epe's PC4 8161
    providers = list(world.region.providers.all())
    offers = {o.provider_id: o for o in Offer.objects.prefetch_related("locations")}
    towns = {pc4: code for code, areas in AREAS.items() for pc4, *_rest in areas}
    for provider in providers:
        offer = offers[provider.pk]
        assert offer.description and offer.phone and offer.target_groups
        assert offer.languages[0] == "nl"
        locations = list(offer.locations.all())
        assert locations
        for location in locations:
            assert Postcode.objects.filter(pk=location.postcode).exists()
    # the provider contracted only in Epe is located in Epe
    near = offers[world.near.pk]
    assert {towns[loc.postcode[:4]] for loc in near.locations.all()} == {"0232"}
