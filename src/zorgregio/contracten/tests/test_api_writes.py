"""The write API of the register (issue 12.2): the same services and rules as the screens,
the regional team only (a provider proposes amendments for its own contract), Dutch refusals,
and an API token for other systems."""

import datetime as dt

import pytest
from rest_framework.test import APIClient

from zorgregio.aanbieders.models import Provider
from zorgregio.aanbieders.tests.factories import ProviderFactory
from zorgregio.accounts.api_auth import token_create
from zorgregio.contracten.models import Admission, AdmissionStatus, Amendment, AmendmentStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def provider(region):
    provider = ProviderFactory(name="Zorg op Maat BV")
    provider.regions.add(region)
    return provider


def test_the_regional_team_adds_a_provider_with_a_token(api, users, region):
    _token, key = token_create(user=users["regio"], name="aanbestedingsplatform")
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = api.post(
        "/api/v1/aanbieders/",
        {
            "name": "Nieuwe Zorg",
            "kvk_number": "40012345",
            "agb_code": "98100001",
            "addresses": [
                {
                    "street": "Hoofdstraat",
                    "house_number": "1",
                    "postcode": "7311ab",
                    "city": "Apeldoorn",
                }
            ],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    provider = Provider.objects.get(kvk_number="40012345")
    assert region in provider.regions.all()
    assert provider.addresses.get().postcode == "7311AB"
    twice = api.post(
        "/api/v1/aanbieders/", {"name": "Dubbel", "kvk_number": "40012345"}, format="json"
    )
    assert twice.status_code == 400
    message = "Er bestaat al een zorgaanbieder met KvK-nummer 40012345."
    assert twice.json()["kvk_number"] == [message]
    bad = api.post("/api/v1/aanbieders/", {"name": "Fout", "kvk_number": "123"}, format="json")
    assert bad.status_code == 400 and "123" in bad.json()["kvk_number"][0]
    changed = api.patch(
        f"/api/v1/aanbieders/{provider.pk}/", {"website": "https://nieuwezorg.nl"}, format="json"
    )
    assert changed.status_code == 200
    provider.refresh_from_db()
    assert provider.website == "https://nieuwezorg.nl"


def test_admissions_are_created_and_moved_through_the_services(
    api, users, agreement, product, provider, apeldoorn, zutphen
):
    api.force_authenticate(users["regio"])
    response = api.post(
        "/api/v1/deelnames/",
        {
            "provider": provider.pk,
            "product": product.pk,
            "municipality": "0200",
            "valid_from": "2026-01-01",
            "active": True,
            "reason": "Toegelaten",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    admission = Admission.objects.get(pk=response.json()["id"])
    assert admission.status == AdmissionStatus.ACTIVE
    # Zutphen buys the product regionally only from 1-7-2026: the screen's rule, the same text.
    refused = api.post(
        "/api/v1/deelnames/",
        {
            "provider": provider.pk,
            "product": product.pk,
            "municipality": "0301",
            "valid_from": "2026-01-01",
        },
        format="json",
    )
    assert refused.status_code == 400
    assert (
        "koopt" in refused.json()["product"][0] and "niet regionaal" in refused.json()["product"][0]
    )
    moved = api.post(
        f"/api/v1/deelnames/{admission.pk}/status/",
        {"to_status": "clientenstop", "effective_on": "2026-09-01", "reason": "Plafond bereikt"},
        format="json",
    )
    assert moved.status_code == 200 and moved.json()["status"] == "clientenstop"
    wrong = api.post(
        f"/api/v1/deelnames/{admission.pk}/status/",
        {"to_status": "concept", "effective_on": "2026-09-01", "reason": "terug"},
        format="json",
    )
    assert wrong.status_code == 400 and "kan niet van" in wrong.json()["status"][0]
    assert admission.transitions.count() == 2


@pytest.mark.parametrize("role", ["gemeente", "aanbieder", "raad", "beheerder"])
def test_other_roles_cannot_write_the_register(api, users, agreement, product, provider, role):
    api.force_authenticate(users[role])
    assert (
        api.post(
            "/api/v1/aanbieders/", {"name": "X", "kvk_number": "40099999"}, format="json"
        ).status_code
        == 403
    )
    assert api.patch(
        f"/api/v1/aanbieders/{provider.pk}/", {"name": "Overgenomen"}, format="json"
    ).status_code in (403, 404)
    assert (
        api.post(
            "/api/v1/deelnames/",
            {
                "provider": provider.pk,
                "product": product.pk,
                "municipality": "0200",
                "valid_from": "2026-01-01",
            },
            format="json",
        ).status_code
        == 403
    )
    assert not Admission.objects.exists()
    assert not Provider.objects.filter(kvk_number="40099999").exists()
    provider.refresh_from_db()
    assert provider.name == "Zorg op Maat BV"


def test_anonymous_writes_are_refused(api, provider):
    response = api.post("/api/v1/aanbieders/", {"name": "X", "kvk_number": "40099999"})
    assert response.status_code == 401
    assert not Provider.objects.filter(kvk_number="40099999").exists()


def test_a_provider_proposes_for_itself_and_the_region_decides(
    api, users, agreement, product, apeldoorn, provider
):
    own = users["aanbieder"].provider
    api.force_authenticate(users["aanbieder"])
    body = {
        "title": "Uitbreiding",
        "motivation": "Wachtlijst",
        "effective_date": "2026-07-01",
        "changes": [{"kind": "toevoegen", "product": product.pk, "municipality": "0200"}],
    }
    response = api.post("/api/v1/contractwijzigingen/", {**body, "provider": own.pk}, format="json")
    assert response.status_code == 201, response.json()
    other = api.post(
        "/api/v1/contractwijzigingen/", {**body, "provider": provider.pk}, format="json"
    )
    assert other.status_code == 400  # another provider is not visible to it: "does not exist"
    amendment = Amendment.objects.get()
    assert (
        api.post(
            f"/api/v1/contractwijzigingen/{amendment.pk}/besluit/", {"to_status": "aanvaard"}
        ).status_code
        == 403
    )
    api.force_authenticate(users["regio"])
    for status in ("in_behandeling", "aanvaard"):
        decided = api.post(
            f"/api/v1/contractwijzigingen/{amendment.pk}/besluit/",
            {"to_status": status},
            format="json",
        )
        assert decided.status_code == 200, decided.json()
    amendment.refresh_from_db()
    assert amendment.status == AmendmentStatus.ACCEPTED
    assert Admission.objects.filter(provider=own, valid_from=dt.date(2026, 7, 1)).exists()


def test_a_municipality_outside_the_scope_does_not_exist_for_the_api(
    api, users, agreement, product, provider
):
    from zorgregio.regio.tests.factories import MunicipalityFactory, RegionFactory

    MunicipalityFactory(region=RegionFactory(name="Elders", slug="elders"), cbs_code="0363")
    api.force_authenticate(users["regio"])
    response = api.post(
        "/api/v1/deelnames/",
        {
            "provider": provider.pk,
            "product": product.pk,
            "municipality": "0363",
            "valid_from": "2026-01-01",
        },
        format="json",
    )
    assert response.status_code == 400 and "municipality" in response.json()
