"""The set-up screens: only the regional team of the region reads and writes them."""

import io
from pathlib import Path

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from zorgregio.aanbieders.models import Provider
from zorgregio.accounts.models import Role, RoleChangeRequest, User
from zorgregio.accounts.tests.factories import UserFactory
from zorgregio.regio.models import Municipality

pytestmark = pytest.mark.django_db
FILES = Path(__file__).resolve().parents[4] / "tests" / "golive"
IMPORTED = Provider.objects.filter  # the users fixture has a provider of its own
KVK = ["40012345", "40023456"]
PROVIDERS = "naam;kvk_nummer;agb_code\nZorg West;40012345;98100001\nZorg Oost;40023456;98100002\n"


def upload(client, slug, text, name="x.csv", **extra):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        reverse("inrichting:import", args=[slug]),
        {"file": SimpleUploadedFile(name, text.encode()), **extra},
    )


def test_regional_team_uploads_and_sees_the_row_report(client, users):
    client.force_login(users["regio"])
    page = client.get(reverse("inrichting:index")).content.decode()
    assert "De regio inrichten" in page and "zorgregio import-deelnames" in page
    response = upload(client, "aanbieders", PROVIDERS)
    content = response.content.decode()
    assert response.status_code == 200 and "2 nieuw, 0 gewijzigd, 0 ongewijzigd." in content
    assert IMPORTED(kvk_number__in=KVK).count() == 2
    assert set(Provider.objects.get(kvk_number="40012345").regions.all()) == {users["regio"].region}


def test_a_bad_file_on_screen_names_the_row_and_applies_nothing(client, users):
    client.force_login(users["regio"])
    response = upload(client, "aanbieders", PROVIDERS + "Zorg Dubbel;40012345;\n")
    content = response.content.decode()
    assert "Er is niets geïmporteerd" in content
    assert "Rij 4, veld kvk_nummer: deze aanbieder staat al in rij 2" in content
    assert not IMPORTED(kvk_number__in=KVK).exists()
    not_a_table = upload(client, "aanbieders", "\x00\x01 binary", name="x.xlsx")
    assert "Het bestand kan niet worden gelezen" in not_a_table.content.decode()


def test_check_only_on_screen(client, users):
    client.force_login(users["regio"])
    response = upload(client, "aanbieders", PROVIDERS, check_only="on")
    assert "er is niets verwerkt (alleen controle)" in response.content.decode()
    assert not IMPORTED(kvk_number__in=KVK).exists()


def test_templates_download_as_csv_and_xlsx(client, users):
    client.force_login(users["regio"])
    csv = client.get(reverse("inrichting:template", args=["deelnames", "csv"]))
    assert csv.content.decode("utf-8-sig").startswith("raamovereenkomst;aanbieder_kvk;")
    assert "no-store" in csv["Cache-Control"]
    xlsx = client.get(reverse("inrichting:template", args=["gebruikers", "xlsx"]))
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet["A1"].value == "gebruikersnaam"


def test_the_region_of_the_team_bounds_the_import(client, users, region):
    """A regional team imports only into its own region."""
    client.force_login(users["regio"])
    response = upload(client, "gemeenten", "regio;gemeentecode\nAndere regio;0363\n")
    assert f"Andere regio is niet uw regio ({region.name})" in response.content.decode()
    assert not Municipality.objects.filter(cbs_code="0363").exists()


@pytest.mark.parametrize("role", ["gemeente", "aanbieder", "raad", "beheerder"])
def test_other_roles_can_neither_read_nor_write(client, users, role):
    client.force_login(users[role])
    assert client.get(reverse("inrichting:index")).status_code == 403
    assert client.get(reverse("inrichting:import", args=["aanbieders"])).status_code == 403
    assert upload(client, "aanbieders", PROVIDERS).status_code == 403
    assert client.get(reverse("inrichting:template", args=["aanbieders", "csv"])).status_code == 403
    assert client.get(reverse("inrichting:role_changes")).status_code == 403
    assert not IMPORTED(kvk_number__in=KVK).exists()


def test_anonymous_is_sent_to_login(client):
    response = upload(client, "aanbieders", PROVIDERS)
    assert response.status_code == 302 and "inloggen" in response["Location"]
    assert not IMPORTED(kvk_number__in=KVK).exists()


# --- four eyes: the administrator cannot give client-level access alone (issue 11.9) --------


@pytest.fixture
def admin_user(region):
    return UserFactory(
        username="root", administrator=True, region=None, is_staff=True, is_superuser=True
    )


def _admin_change(client, user, **fields):
    data = {
        "username": user.username,
        "first_name": "",
        "last_name": "",
        "email": "",
        "is_active": "on",
        "role": fields.get("role", ""),
        "region": fields.get("region", ""),
        "municipalities": fields.get("municipalities", []),
        "provider": "",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "10:00:00",
        "initial-date_joined_0": "2026-01-01",
        "initial-date_joined_1": "10:00:00",
    }
    if fields.get("is_superuser"):
        data["is_superuser"] = "on"
    return client.post(f"/beheer/accounts/user/{user.pk}/change/", data, follow=True)


def test_admin_cannot_give_itself_client_access(client, admin_user, region, apeldoorn):
    client.force_login(admin_user)
    response = _admin_change(
        client, admin_user, role=Role.REGIONAL, region=region.pk, is_superuser=True
    )
    assert response.status_code == 200
    assert "een tweede persoon van het regioteam moet ze goedkeuren" in response.content.decode()
    admin_user.refresh_from_db()
    assert admin_user.role == Role.ADMIN
    assert RoleChangeRequest.objects.get().role == Role.REGIONAL


def test_a_second_person_of_the_team_approves(client, users, admin_user, region, apeldoorn):
    target = UserFactory(username="nieuw", without_role=True, region=region)
    client.force_login(admin_user)
    _admin_change(
        client, target, role=Role.MUNICIPALITY, region=region.pk, municipalities=[apeldoorn.pk]
    )
    target.refresh_from_db()
    assert target.role == "" and not target.municipalities.exists()
    change = RoleChangeRequest.objects.get()
    # The administrator cannot approve (not the regional team); the team member can.
    assert client.post(reverse("inrichting:role_changes"), {"change": change.pk}).status_code == 403
    client.force_login(users["regio"])
    assert "nieuw" in client.get(reverse("inrichting:role_changes")).content.decode()
    client.post(reverse("inrichting:role_changes"), {"change": change.pk, "decision": "approve"})
    target.refresh_from_db()
    assert target.role == Role.MUNICIPALITY
    assert list(target.municipalities.all()) == [apeldoorn]


def test_the_requester_cannot_approve_its_own_request(users, region, apeldoorn):
    from django.core.exceptions import ValidationError

    from zorgregio.accounts import services

    requester = users["regio"]
    change = services.role_change_request(
        actor=requester,
        user=users["raad"],
        role=Role.REGIONAL,
        region=region,
        provider=None,
        municipalities=[],
    )
    with pytest.raises(ValidationError):
        services.role_change_decide(actor=requester, change=change, approve=True)
    assert User.objects.get(pk=users["raad"].pk).role == Role.COUNCIL


def test_admin_cannot_change_business_data_in_beheer(client, admin_user):
    from zorgregio.aanbieders.tests.factories import ProviderFactory

    provider = ProviderFactory(name="Oud")
    client.force_login(admin_user)
    assert client.get("/beheer/aanbieders/provider/add/").status_code == 403
    response = client.post(
        f"/beheer/aanbieders/provider/{provider.pk}/change/",
        {
            "name": "Nieuw",
            "kvk_number": provider.kvk_number,
            "legal_form": "bv",
            "addresses-TOTAL_FORMS": "0",
            "addresses-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 403
    provider.refresh_from_db()
    assert provider.name == "Oud"
