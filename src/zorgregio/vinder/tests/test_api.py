"""The finder as open data: no login, read-only, paginated, problem details on errors, and only
what the pages show (public admissions, reported waiting times, published satisfaction)."""

import pytest
from django.core.cache import cache
from django.utils import translation

from zorgregio.vinder.tests.factories import DAY

pytestmark = pytest.mark.django_db

URL = "/api/open/v1/aanbieders/"


@pytest.fixture(autouse=True)
def on_the_day(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: DAY)
    cache.clear()
    with translation.override("nl"):
        yield
    cache.clear()


def test_anonymous_reads_the_providers_of_a_municipality(client, world):
    response = client.get(URL, {"gemeente": "epe", "postcode": "8161AB", "afstand": "10"})
    assert response.status_code == 200 and response["API-Version"] == "1.0.0"
    body = response.json()
    assert body["totaal"] == 2
    first = body["resultaten"][0]
    assert first["naam"] == "Dichtbij Begeleiding Epe" and first["afstand_km"] == 1.0
    basis = next(p for p in first["producten"] if p["productcode"] == world.basis.code)
    assert basis["wachttijd"] == {
        "tot_intake_weken": 2.5, "intake_tot_start_weken": 3.0, "gemeld_op": "2026-05-20",
    }  # fmt: skip
    assert first["clienttevredenheid"] == [
        {
            "productgroep": "wmo-begeleiding-individueel",
            "jaar": 2025,
            "score": 8.1,
            "respondenten": 25,
        }
    ]
    assert first["contact"]["telefoon"] == "0578 123 456"
    assert first["aanbod"]["beschrijving"].startswith("Wij helpen <script>")  # data, not HTML
    assert first["url"].endswith(f"/vinden/epe/{world.near.pk}/")
    assert body["resultaten"][1]["clientenstop"] is True


def test_without_a_municipality_every_one_with_its_name(client, world):
    body = client.get(URL).json()
    pairs = {(r["gemeente"]["cbs_code"], r["naam"]) for r in body["resultaten"]}
    assert ("0200", "Alleen Apeldoorn Zorg") in pairs and ("0119", "Drentse Zorg") in pairs
    assert not any(name in ("Concept Zorg", "Gestopte Zorg") for _c, name in pairs)
    # a group only one municipality contracted leaves the others out, no error
    household = client.get(URL, {"productgroep": "wmo-hulp-bij-het-huishouden"}).json()
    assert [r["naam"] for r in household["resultaten"]] == ["Verweg Zorg Apeldoorn"]


def test_satisfaction_from_too_few_respondents_is_not_in_the_data(client, world):
    body = client.get(URL, {"gemeente": "0232"}).json()
    far = next(r for r in body["resultaten"] if r["naam"] == "Verweg Zorg Apeldoorn")
    assert far["clienttevredenheid"] == []
    assert "4.3" not in str(body) and 'respondenten": 6' not in str(body)


def test_pagination_as_the_whole_open_api(client, world):
    response = client.get(URL, {"gemeente": "epe", "pagina": "2", "pagina_grootte": "1"})
    body = response.json()
    assert body["totaal"] == 3 and len(body["resultaten"]) == 1 and body["pagina"] == 2
    assert body["_links"]["next"] and body["_links"]["prev"]
    assert 'rel="next"' in response["Link"]


@pytest.mark.parametrize(
    "params, status, name, text",
    [
        ({"gemeente": "epe", "postcode": "0000"}, 400, "postcode", "0000 is geen postcode"),
        (
            {"gemeente": "epe", "afstand": "7", "postcode": "8161AB"},
            400,
            "afstand",
            "Kies een afstand",
        ),
        ({"gemeente": "epe", "datum": "morgen"}, 400, "datum", "Geef een datum"),
        ({"productgroep": "bestaat-niet"}, 400, "productgroep", "geen soort ondersteuning"),
        ({"gemeente": "atlantis"}, 404, None, "Deze gemeente staat niet in de zorgvinder"),
    ],
)
def test_errors_are_problem_details_in_dutch(client, world, params, status, name, text):
    response = client.get(URL, params)
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status and body["title"]
    if name:
        assert [p["name"] for p in body["invalid-params"]] == [name]
        assert text in body["invalid-params"][0]["reason"]
    else:
        assert text in body["detail"]


def test_it_is_read_only(client, world):
    response = client.post(URL, {"naam": "x"})
    assert response.status_code == 405
    assert response["Content-Type"] == "application/problem+json"


def test_it_is_rate_limited(client, world, monkeypatch):
    monkeypatch.setattr(
        "zorgregio.opendata.api_base.OpenRateThrottle.get_rate", lambda s: "2/minute"
    )
    assert client.get(URL, {"gemeente": "epe"}).status_code == 200
    assert client.get(URL, {"gemeente": "epe"}).status_code == 200
    response = client.get(URL, {"gemeente": "epe"})
    assert response.status_code == 429
    assert response["Content-Type"] == "application/problem+json" and response["Retry-After"]
