"""A municipality user logs in through the browser and sees only its own municipality."""

import re

import pytest

from tests.e2e.helpers import login
from zorgregio.accounts.tests.factories import PASSWORD, UserFactory
from zorgregio.regio.tests.factories import InhabitantsFactory, MunicipalityFactory, RegionFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def region_with_staff():
    region = RegionFactory()
    apeldoorn = MunicipalityFactory(region=region, cbs_code="0200", name="Apeldoorn")
    MunicipalityFactory(region=region, cbs_code="0301", name="Zutphen")
    InhabitantsFactory(municipality=apeldoorn, year=2026, count=166_000)
    return UserFactory(
        username="gerrit",
        first_name="Gerrit",
        municipality_staff=True,
        region=region,
        municipalities=[apeldoorn],
    )


def test_municipality_user_sees_only_its_own_municipality(page, region_with_staff):
    login(page, "gerrit", PASSWORD)
    page.wait_for_url(f"{page.base_url}/")
    assert (
        page.get_by_role("heading", level=1).inner_text() == "Zorgregio Midden-IJssel/Oost-Veluwe"
    )
    table = page.get_by_role("table")
    assert table.get_by_role("link", name="Apeldoorn").is_visible()
    assert table.get_by_role("link", name="Zutphen").count() == 0
    assert page.get_by_test_id("municipality-count").inner_text() == "1"
    assert page.get_by_role("navigation", name="Hoofdmenu").is_visible()

    table.get_by_role("link", name="Apeldoorn").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Gemeente Apeldoorn"

    response = page.goto(f"{page.base_url}/gemeenten/0301/")
    assert response.status == 404
    assert page.get_by_role("heading", name="Pagina niet gevonden").is_visible()


def test_wrong_password_shows_a_dutch_error(page, region_with_staff):
    login(page, "gerrit", "verkeerd")
    assert (
        page.get_by_role("alert")
        .inner_text()
        .startswith("De gebruikersnaam of het wachtwoord is onjuist")
    )
    assert re.search(r"/inloggen/", page.url)
