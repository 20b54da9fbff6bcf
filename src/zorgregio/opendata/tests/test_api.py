"""The conventions of the open data API: no login, read-only, throttled, problem details in
Dutch, pagination, versioned, its own OpenAPI document apart from the authenticated one."""

from __future__ import annotations

import pytest
import yaml

pytestmark = pytest.mark.django_db


def test_regions_without_login_paginated_with_links(client, region, apeldoorn, zutphen):
    response = client.get("/api/open/v1/regios/", {"pagina_grootte": 1})
    assert response.status_code == 200
    assert response["API-Version"] == "1.0.0"
    assert response["Access-Control-Allow-Origin"] == "*"
    body = response.json()
    assert body["totaal"] == 1 and body["pagina"] == 1
    assert body["_links"]["self"]["href"].endswith("pagina_grootte=1")
    assert "next" not in body["_links"]
    (only,) = body["resultaten"]
    assert only["regio"] == region.slug
    assert {m["cbs_code"] for m in only["gemeenten"]} == {"0200", "0301"}


def test_pages_link_to_each_other(client, region, apeldoorn, zutphen):
    first = client.get(f"/api/open/v1/regios/{region.slug}/kerncijfers/", {"pagina_grootte": 2})
    assert first.status_code == 200
    body = first.json()
    assert body["totaal"] == 3  # the region and its two municipalities
    assert "pagina=2" in body["_links"]["next"]["href"]
    assert 'rel="next"' in first["Link"] and first["X-Total-Count"] == "3"
    second = client.get(body["_links"]["next"]["href"])
    assert [p["gemeente"] for p in second.json()["resultaten"]] == ["0301"]


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_read_only(client, users, region, method):
    client.force_login(users["regio"])
    response = getattr(client, method)("/api/open/v1/regios/")
    assert response.status_code == 405
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["detail"] == "Deze API is alleen-lezen: alleen GET is toegestaan."


def test_unknown_paths_and_regions_are_dutch_problems(client, region):
    response = client.get("/api/open/v1/regios/nergens/kerncijfers/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body == {
        "type": "about:blank",
        "title": "Niet gevonden",
        "status": 404,
        "detail": "Onbekende regio 'nergens'.",
        "instance": "/api/open/v1/regios/nergens/kerncijfers/",
    }
    # Dutch whatever the caller's language.
    english = client.get("/api/open/v1/regios/nergens/kerncijfers/", HTTP_ACCEPT_LANGUAGE="en")
    assert english.json()["title"] == "Niet gevonden"
    unknown = client.get("/api/open/v1/bestaat/niet/")
    assert unknown.status_code == 404 and unknown["Content-Type"] == "application/problem+json"
    assert unknown.json()["detail"] == "Deze bron bestaat niet."
    bad = client.get("/api/open/v1/ocds/releases/", {"regio": "nergens"})
    assert bad.status_code == 400 and bad.json()["invalid-params"][0]["name"] == "regio"


def test_a_bad_token_does_not_matter(client, region):
    """The open API has no authentication: a wrong token is not a 401, the data is public."""
    response = client.get("/api/open/v1/regios/", HTTP_AUTHORIZATION="Token onzin")
    assert response.status_code == 200


def test_throttled_with_a_dutch_problem(client, region, settings):
    settings.ZORGREGIO_OPEN_API_RATE = "3/minute"
    for n in range(3):
        # a forged X-Forwarded-For (no trusted proxy) does not give a fresh allowance
        forged = {"HTTP_X_FORWARDED_FOR": f"10.0.0.{n}"}
        assert client.get("/api/open/v1/regios/", **forged).status_code == 200
    response = client.get("/api/open/v1/regios/", HTTP_X_FORWARDED_FOR="10.9.9.9")
    assert response.status_code == 429
    assert response["Content-Type"] == "application/problem+json"
    assert int(response["Retry-After"]) >= 1
    assert response.json()["title"] == "Te veel verzoeken"
    assert "probeer het over" in response.json()["detail"]


def test_its_own_openapi_document(client, region):
    response = client.get("/api/open/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "zorgregio open data API"
    paths = set(schema["paths"])
    assert "/api/open/v1/regios/{region}/kerncijfers/" in paths
    assert "/api/open/v1/aanbieders/" in paths  # the finder joins the open schema
    assert "/api/open/v1/ocds/releases/" in paths and "/api/open/v1/ocds/records/{ocid}/" in paths
    assert all(p.startswith("/api/open/v1/") for p in paths)
    assert not any("openapi" in p for p in paths)
    # every operation has its own id (no collision resolved with a number)
    operations = [op["operationId"] for item in schema["paths"].values() for op in item.values()]
    assert len(operations) == len(set(operations)) == 10
    assert not [o for o in operations if o[-1].isdigit()]
    from drf_spectacular.validation import validate_schema

    validate_schema(schema)  # a valid OpenAPI 3 document (raises otherwise)
    as_yaml = yaml.safe_load(client.get("/api/open/v1/openapi.yaml").content)
    assert set(as_yaml["paths"]) == paths


def test_the_authenticated_schema_leaves_the_open_api_out(client, users):
    client.force_login(users["regio"])
    response = client.get("/api/v1/schema/", {"format": "json"})
    assert response.status_code == 200
    assert not [p for p in response.json()["paths"] if p.startswith("/api/open/")]
