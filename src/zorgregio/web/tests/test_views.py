import pytest
from django.urls import reverse

from zorgregio.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_anonymous_visitor_is_sent_to_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("role", ["regio", "gemeente", "aanbieder", "raad", "beheerder"])
def test_every_role_gets_a_home_page(client, users, role):
    client.force_login(users[role])
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert "Wat u kunt zien" in response.content.decode()


def test_home_page_of_municipality_staff_lists_only_its_municipality(client, users):
    client.force_login(users["gemeente"])
    content = client.get(reverse("home")).content.decode()
    assert reverse("municipality", args=["0200"]) in content
    assert reverse("municipality", args=["0301"]) not in content
    assert "166.000" in content  # inhabitants of Apeldoorn, Dutch notation


def test_regional_team_sees_every_municipality(client, users):
    client.force_login(users["regio"])
    content = client.get(reverse("home")).content.decode()
    assert reverse("municipality", args=["0200"]) in content
    assert reverse("municipality", args=["0301"]) in content


def test_municipality_staff_cannot_open_another_municipality(client, users):
    client.force_login(users["gemeente"])
    assert client.get(reverse("municipality", args=["0200"])).status_code == 200
    response = client.get(reverse("municipality", args=["0301"]))
    assert response.status_code == 404
    assert "Pagina niet gevonden" in response.content.decode()


def test_unknown_municipality_code_is_a_404_not_a_500(client, users):
    client.force_login(users["regio"])
    assert client.get(reverse("municipality", args=["9999"])).status_code == 404
    assert client.get(reverse("municipality", args=["abc"])).status_code == 404


def test_logged_in_user_without_role_gets_a_dutch_403(client, region):
    user = UserFactory(without_role=True, region=region)
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 403
    assert "Aan uw account is nog geen rol toegekend" in response.content.decode()


def test_english_is_available(client, users):
    client.force_login(users["regio"])
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    content = client.get(reverse("home")).content.decode()
    assert "What you can see" in content
    assert 'lang="en"' in content


def test_static_assets_are_served_by_the_app(client, users):
    client.force_login(users["regio"])
    content = client.get(reverse("home")).content.decode()
    assert "/static/zorgregio/zorgregio.css" in content
    assert "http://" not in content.replace("http://testserver", "")
    assert "https://" not in content


def test_interface_is_dutch_even_for_an_english_browser(client, users):
    client.force_login(users["regio"])
    content = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "Wat u kunt zien" in content
