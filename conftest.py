"""Fixtures every app's tests share: a small region and one user per role."""

import pytest

from zorgregio.accounts.tests.factories import UserFactory
from zorgregio.regio.tests.factories import InhabitantsFactory, MunicipalityFactory, RegionFactory


@pytest.fixture
def region(db):
    return RegionFactory()


@pytest.fixture
def apeldoorn(region):
    municipality = MunicipalityFactory(region=region, cbs_code="0200", name="Apeldoorn")
    InhabitantsFactory(municipality=municipality, year=2026, count=166_000)
    return municipality


@pytest.fixture
def zutphen(region):
    municipality = MunicipalityFactory(region=region, cbs_code="0301", name="Zutphen")
    InhabitantsFactory(municipality=municipality, year=2026, count=48_500)
    return municipality


@pytest.fixture
def users(region, apeldoorn, zutphen):
    """One user per role; the municipality user works for Apeldoorn only."""
    return {
        "regio": UserFactory(username="regio", regional_team=True, region=region),
        "gemeente": UserFactory(
            username="apeldoorn", municipality_staff=True, region=region, municipalities=[apeldoorn]
        ),
        "aanbieder": UserFactory(username="aanbieder", provider_user=True, region=region),
        "raad": UserFactory(username="raad", council_member=True, region=region),
        "beheerder": UserFactory(username="beheer", administrator=True, region=None),
    }
