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


# The ingest and the monitor run raw SQL, whose formatting differs when DEBUG is on (Django's
# debug cursor logs ``sql % params``); ``make demo`` runs with DEBUG on. Every test of these
# apps therefore runs twice: as in production (DEBUG off) and as in the demo (DEBUG on).
RUN_ALSO_WITH_DEBUG = ("berichten", "monitor", "zorg", "demo", "toezicht")


def pytest_generate_tests(metafunc):
    parts = metafunc.definition.path.parts
    uses_database = metafunc.definition.get_closest_marker("django_db") is not None or any(
        name in metafunc.fixturenames for name in ("db", "transactional_db", "live_server")
    )
    once = metafunc.definition.get_closest_marker("debug_once") is not None
    if (
        uses_database
        and not once
        and "tests" in parts
        and any(app in parts for app in RUN_ALSO_WITH_DEBUG)
    ):
        metafunc.parametrize("django_debug", [False, True], ids=["", "debug"], indirect=True)


@pytest.fixture(autouse=True)
def django_debug(request):
    """DEBUG as the test's parameter says (off unless parametrized above)."""
    debug = getattr(request, "param", False)
    if not debug:
        yield False
        return
    settings = request.getfixturevalue("settings")
    settings.DEBUG = True
    yield True
