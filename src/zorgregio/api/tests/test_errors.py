"""Issue 11.12: API errors are Dutch and name the parameter; no TypeError on a format suffix;
the schema and its docs are for users with a role."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_json_suffix_of_the_figures_works(client, users):
    client.force_login(users["regio"])
    response = client.get("/api/v1/monitor/kerncijfers.json")
    assert response.status_code == 200 and "figures" in response.json()


@pytest.mark.parametrize(
    ("url", "parameter"),
    [
        ("/api/v1/monitor/kerncijfers/?aanbieder=abc", "aanbieder"),
        ("/api/v1/monitor/kerncijfers/?product=１２", "product"),
        ("/api/v1/deelnames/?provider=1x", "provider"),
        ("/api/v1/deelnames/?date=31-12-2026", "date"),
        ("/api/v1/deelnames/?status=weg", "status"),
        ("/api/v1/producten/?op=morgen", "op"),
    ],
)
def test_a_wrong_parameter_is_a_dutch_400_naming_it(client, users, url, parameter):
    client.force_login(users["regio"])
    response = client.get(url)
    assert response.status_code == 400, response.content
    body = response.json()
    assert list(body) == [parameter]
    text = " ".join(body[parameter])
    assert "invalid literal" not in text and "Invalid isoformat" not in text
    assert any(word in text for word in ("geheel getal", "datum", "Onbekende status")), text


def test_the_schema_and_docs_need_a_role(client, users):
    assert client.get(reverse("api-schema")).status_code in (401, 403)
    assert client.get(reverse("api-docs")).status_code in (401, 403)
    client.force_login(users["raad"])
    assert client.get(reverse("api-schema")).status_code == 200
