import pytest
import yaml
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_api_requires_a_role(client):
    assert client.get("/api/v1/gemeenten/").status_code in (401, 403)


def test_municipality_api_is_scoped(client, users):
    client.force_login(users["gemeente"])
    data = client.get("/api/v1/gemeenten/").json()
    assert [row["cbs_code"] for row in data["results"]] == ["0200"]
    assert data["results"][0]["inhabitants"] == 166_000
    assert client.get("/api/v1/gemeenten/0301/").status_code == 404
    client.force_login(users["regio"])
    data = client.get("/api/v1/gemeenten/").json()
    assert sorted(row["cbs_code"] for row in data["results"]) == ["0200", "0301"]


def test_provider_api_shows_a_provider_user_only_itself(client, users):
    client.force_login(users["aanbieder"])
    data = client.get("/api/v1/aanbieders/").json()
    assert [row["kvk_number"] for row in data["results"]] == [
        users["aanbieder"].provider.kvk_number
    ]


def test_openapi_schema_documents_the_endpoints(client, users):
    client.force_login(users["regio"])
    response = client.get(reverse("api-schema"))
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert "/api/v1/gemeenten/" in schema["paths"]
    assert "/api/v1/aanbieders/" in schema["paths"]


def test_swagger_ui_is_served_without_a_cdn(client, users):
    client.force_login(users["regio"])
    content = client.get(reverse("api-docs")).content.decode()
    assert "cdn" not in content.lower()
    assert "/static/drf_spectacular_sidecar/" in content
