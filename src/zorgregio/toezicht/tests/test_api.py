"""The API: scoped as the screens, writes through the services with Dutch errors."""

import datetime as dt

import pytest
from rest_framework.test import APIClient

from zorgregio.aanbieders.tests.factories import ProviderFactory
from zorgregio.monitor.tests.factories import (
    AdmissionFactory,
    AgreementFactory,
    ProductFactory,
    ProductGroupFactory,
)
from zorgregio.toezicht.models import SatisfactionResult, WaitingTimeReport
from zorgregio.toezicht.tests.test_views import _signal

pytestmark = pytest.mark.django_db


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_signals_are_scoped(region, users, apeldoorn, zutphen):
    own = _signal(region, apeldoorn)
    other = _signal(region, zutphen)
    data = api(users["gemeente"]).get("/api/v1/toezicht/signalen/").json()
    ids = [s["id"] for s in (data["results"] if isinstance(data, dict) else data)]
    assert ids == [own.pk]
    assert api(users["gemeente"]).get(f"/api/v1/toezicht/signalen/{other.pk}/").status_code == 404
    for role in ("aanbieder", "raad", "beheerder"):
        assert api(users[role]).get("/api/v1/toezicht/signalen/").status_code == 403
    regional = api(users["regio"]).get(f"/api/v1/toezicht/signalen/{other.pk}/").json()
    assert regional["summary"] and regional["municipality"] == zutphen.cbs_code


def test_a_provider_reports_a_waiting_time(
    region, users, apeldoorn, django_capture_on_commit_callbacks
):
    product = ProductFactory(group=ProductGroupFactory(code="begeleiding"), productcategorie="02",
                             productcode="02A16", valid_from=dt.date(2020, 1, 1))  # fmt: skip
    provider = users["aanbieder"].provider
    AdmissionFactory(
        agreement=AgreementFactory(region=region), provider=provider, product=product,
        product_group=None, municipality=apeldoorn, activated_on=dt.date(2020, 1, 1),
    )  # fmt: skip
    client = api(users["aanbieder"])
    body = {"gemeente": apeldoorn.cbs_code, "productcode": "0202A16",
            "aanmeldwachttijd_weken": "-2", "behandelwachttijd_weken": "3"}  # fmt: skip
    bad = client.post("/api/v1/toezicht/wachttijden/", body, format="json")
    assert bad.status_code == 400 and "negatief" in str(bad.json())
    assert not WaitingTimeReport.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        ok = client.post(
            "/api/v1/toezicht/wachttijden/", {**body, "aanmeldwachttijd_weken": "5"}, format="json"
        )
    assert ok.status_code == 201, ok.json()
    assert ok.json()["over_norm"] is True
    assert api(users["regio"]).post("/api/v1/toezicht/wachttijden/", body).status_code == 403
    listed = api(users["gemeente"]).get("/api/v1/toezicht/wachttijden/").json()
    assert [r["provider_id"] for r in listed] == [provider.pk]


def test_satisfaction_is_suppressed_below_ten_respondents(users):
    group = ProductGroupFactory(code="begeleiding")
    few = SatisfactionResult.objects.create(
        provider=ProviderFactory(), product_group=group, year=2025, respondents=9,
        scores={"score_1": "9.0"}, overall="9.0",
    )  # fmt: skip
    data = api(users["raad"]).get("/api/v1/toezicht/clientervaring/").json()
    [row] = [r for r in data if r["provider_id"] == few.provider_id]
    assert row["suppressed"] is True and row["overall"] is None and row["scores"] == {}
