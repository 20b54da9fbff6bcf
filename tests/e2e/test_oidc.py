"""Municipality staff log in through their municipality's identity provider (a real OIDC
provider started by the test, tests/oidc_idp) and see only their own municipality."""

import pytest
from django.test import override_settings

from tests.oidc_idp import server
from zorgregio.regio.tests.factories import InhabitantsFactory, MunicipalityFactory, RegionFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def idp(live_server, tmp_path):
    users = {
        "gerrit": {
            "password": "gemeente-geheim",
            "email": "gerrit@apeldoorn.nl",
            "first_name": "Gerrit",
            "last_name": "Gemeente",
            "claims": {"zorgregio_rol": "gemeente", "gemeentecodes": ["0200"]},
        }
    }
    callback = f"{live_server.url}/oidc/callback/"
    with server.start(tmp_path, redirect_uris=[callback], users=users) as provider:
        settings = server.zorgregio_settings(provider)
        with override_settings(**settings, ZORGREGIO_TWO_FACTOR=True):
            yield provider


@pytest.fixture
def region_without_accounts(db):
    region = RegionFactory()
    apeldoorn = MunicipalityFactory(region=region, cbs_code="0200", name="Apeldoorn")
    MunicipalityFactory(region=region, cbs_code="0301", name="Zutphen")
    InhabitantsFactory(municipality=apeldoorn, year=2026, count=166_000)
    return region


def test_municipality_staff_log_in_with_oidc_and_see_only_their_municipality(
    page, idp, region_without_accounts
):
    page.goto(f"{page.base_url}/inloggen/")
    page.get_by_role("link", name="Inloggen met uw gemeente-account").click()
    # The identity provider's own login page.
    page.get_by_role("heading", name="Inloggen bij de gemeente").wait_for()
    page.get_by_label("Gebruiker").fill("gerrit")
    page.get_by_label("Geheim").fill("gemeente-geheim")
    page.get_by_role("button", name="Aanmelden bij gemeente").click()
    page.wait_for_url(f"{page.base_url}/")
    assert page.get_by_role("heading", level=1).inner_text() == region_without_accounts.name
    table = page.get_by_role("table")
    assert table.get_by_role("link", name="Apeldoorn").is_visible()
    assert table.get_by_role("link", name="Zutphen").count() == 0
    assert "Gerrit" in page.locator(".user-box").inner_text()
    response = page.goto(f"{page.base_url}/gemeenten/0301/")
    assert response.status == 404
