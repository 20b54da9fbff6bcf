"""The Django admin (/beheer/) is Dutch, open to the regional team, and audited."""

import pytest

from zorgregio.aanbieders.models import Provider
from zorgregio.accounts.demo import regional_team_group
from zorgregio.audit.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def team_member(users):
    user = users["regio"]
    user.is_staff = True
    user.save()
    user.groups.add(regional_team_group())
    return user


def test_regional_team_uses_the_admin_in_dutch(client, team_member):
    client.force_login(team_member)
    response = client.get("/beheer/aanbieders/provider/")
    assert response.status_code == 200
    assert "Selecteer zorgaanbieder om te wijzigen" in response.content.decode()


def test_admin_refuses_a_bad_kvk_number_in_dutch_and_saves_nothing(client, team_member):
    client.force_login(team_member)
    response = client.post(
        "/beheer/aanbieders/provider/add/",
        {
            "name": "Nieuwe Zorg",
            "kvk_number": "123",
            "agb_code": "",
            "legal_form": "bv",
            "addresses-TOTAL_FORMS": "0",
            "addresses-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "KvK-nummer 123 is ongeldig" in response.content.decode()
    assert not Provider.objects.filter(name="Nieuwe Zorg").exists()


def test_admin_changes_are_in_the_audit_trail(client, team_member):
    client.force_login(team_member)
    response = client.post(
        "/beheer/aanbieders/provider/add/",
        {
            "name": "Nieuwe Zorg",
            "kvk_number": "12345670",
            "agb_code": "",
            "legal_form": "bv",
            "addresses-TOTAL_FORMS": "0",
            "addresses-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    provider = Provider.objects.get(name="Nieuwe Zorg")
    event = AuditEvent.objects.get(action=AuditAction.CREATE, object_id=str(provider.pk))
    assert event.actor == team_member


def test_council_member_has_no_admin(client, users):
    client.force_login(users["raad"])
    response = client.get("/beheer/aanbieders/provider/")
    assert response.status_code == 302  # to the admin login


def test_two_providers_without_agb_code_can_be_added(client, team_member):
    client.force_login(team_member)
    for kvk in ("12345670", "12345671"):
        response = client.post(
            "/beheer/aanbieders/provider/add/",
            {
                "name": f"Zorg {kvk}",
                "kvk_number": kvk,
                "agb_code": "",
                "legal_form": "bv",
                "addresses-TOTAL_FORMS": "0",
                "addresses-INITIAL_FORMS": "0",
            },
        )
        assert response.status_code == 302
    assert Provider.objects.filter(agb_code__isnull=True).count() == 2
