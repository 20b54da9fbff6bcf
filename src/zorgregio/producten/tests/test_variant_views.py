"""The pages of issue 20: variants, task budgets and data deliveries, per role and scope."""

import datetime as dt
from html import escape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from zorgregio.aanbieders.tests.factories import ProviderFactory
from zorgregio.producten import services
from zorgregio.producten.models import (
    DataDelivery,
    FundingVariant,
    GroupVariant,
    TaskBudget,
    TaskBudgetInstalment,
)

from .factories import ProductGroupFactory

pytestmark = pytest.mark.django_db
URL = reverse("producten:variants")
CSV_HEAD = (
    "productgroep;gemeente;periode_begin;periode_eind;clienten;instroom;uitstroom;wachttijd_dagen\n"  # noqa: E501
)


def _post_variant(client, group, municipality, **kw):
    data = {
        "group": group.pk,
        "municipality": municipality.pk,
        "variant": "taakgericht",
        "valid_from": "2026-07-01",
        "reason": "pilot",
        **kw,
    }
    return client.post(URL, data)


def test_the_regional_team_switches_a_group_to_task_oriented_from_a_date(client, users, apeldoorn):
    group = ProductGroupFactory()
    client.force_login(users["regio"])
    response = _post_variant(client, group, apeldoorn, regieberichten="on")
    assert response.status_code == 302
    row = GroupVariant.objects.get()
    assert (row.variant, row.valid_from, row.regieberichten) == (
        "taakgericht", dt.date(2026, 7, 1), True,
    )  # fmt: skip
    page = client.get(URL + "?op=2026-07-01").content.decode()
    assert "taakgericht" in page and "pilot" in page
    before = client.get(URL + "?op=2026-06-30").content.decode()
    assert "inspanningsgericht" in before


def test_an_overlapping_change_is_shown_in_dutch_and_not_saved(client, users, apeldoorn):
    group = ProductGroupFactory()
    services.group_variant_set(
        actor=users["regio"],
        group=group,
        municipality=apeldoorn,
        variant=FundingVariant.TASK,
        valid_from=dt.date(2026, 1, 1),
        valid_until=dt.date(2026, 12, 31),
    )
    client.force_login(users["regio"])
    response = _post_variant(client, group, apeldoorn, variant="inspanningsgericht")
    assert response.status_code == 400
    assert "overlapt" in response.content.decode()
    assert GroupVariant.objects.count() == 1


@pytest.mark.parametrize("role", ["gemeente", "aanbieder", "raad", "beheerder"])
def test_others_read_the_variants_but_cannot_set_them(client, users, apeldoorn, role):
    group = ProductGroupFactory()
    client.force_login(users[role])
    page = client.get(URL)
    assert page.status_code == 200
    assert 'name="variant"' not in page.content.decode()
    assert _post_variant(client, group, apeldoorn).status_code == 403
    assert not GroupVariant.objects.exists()


def test_a_municipality_of_another_region_cannot_be_chosen(client, users):
    from zorgregio.regio.tests.factories import MunicipalityFactory, RegionFactory

    elsewhere = MunicipalityFactory(
        region=RegionFactory(name="Amstelland"), cbs_code="0363", name="Amsterdam"
    )
    client.force_login(users["regio"])
    response = _post_variant(client, ProductGroupFactory(), elsewhere)
    assert response.status_code == 400
    assert not GroupVariant.objects.exists()


def _task_group(users, municipality):
    group = ProductGroupFactory()
    services.group_variant_set(
        actor=users["regio"],
        group=group,
        municipality=municipality,
        variant=FundingVariant.TASK,
        valid_from=dt.date(2026, 1, 1),
    )
    return group


def test_the_regional_team_sets_a_task_budget_and_records_a_payment(client, users, apeldoorn):
    group = _task_group(users, apeldoorn)
    provider = users["aanbieder"].provider
    provider.regions.add(apeldoorn.region)
    client.force_login(users["regio"])
    response = client.post(
        reverse("producten:task_budgets"),
        {
            "provider": provider.pk,
            "municipality": apeldoorn.pk,
            "group": group.pk,
            "year": "2026",
            "markup_pct": "3",
            "instalment_count": "4",
            "label_1": "licht",
            "clients_1": "40",
            "hours_1": "60",
            "cost_1": "72,50",
            "label_2": "zwaar",
            "clients_2": "10",
            "hours_2": "150",
            "cost_2": "80,00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    budget = TaskBudget.objects.get()
    assert budget.amount_cents == 30_282_000
    assert sorted(budget.instalments.values_list("amount_cents", flat=True)) == [7_570_500] * 4
    first = budget.instalments.order_by("due_on").first()
    paid = client.post(
        reverse("producten:task_budgets"), {"instalment": first.pk, "paid_on": "2026-01-05"}
    )
    assert paid.status_code == 302
    first.refresh_from_db()
    assert first.paid_on == dt.date(2026, 1, 5)
    # The provider sees its budget, the municipality of another one does not.
    client.force_login(users["aanbieder"])
    assert "302.820,00" in client.get(reverse("producten:task_budgets")).content.decode()
    assert (
        client.post(
            reverse("producten:task_budgets"), {"instalment": first.pk, "paid_on": "2026-02-01"}
        ).status_code
        == 403
    )


def test_an_instalment_of_another_region_is_not_found(client, users, apeldoorn):
    from zorgregio.accounts.tests.factories import UserFactory
    from zorgregio.regio.tests.factories import MunicipalityFactory, RegionFactory

    elsewhere = RegionFactory(name="Amstelland")
    amsterdam = MunicipalityFactory(region=elsewhere, cbs_code="0363", name="Amsterdam")
    group = _task_group(users, amsterdam)
    budget = TaskBudget.objects.create(
        provider=ProviderFactory(), municipality=amsterdam, group=group, year=2026, amount_cents=1
    )
    instalment = TaskBudgetInstalment.objects.create(
        budget=budget, due_on=dt.date(2026, 1, 1), amount_cents=1
    )
    client.force_login(
        UserFactory(username="regio_a2", regional_team=True, region=apeldoorn.region)
    )
    response = client.post(
        reverse("producten:task_budgets"), {"instalment": instalment.pk, "paid_on": "2026-01-02"}
    )
    assert response.status_code == 404
    instalment.refresh_from_db()
    assert instalment.paid_on is None


def _upload(client, text):
    return client.post(
        reverse("producten:data_deliveries"),
        {
            "file": SimpleUploadedFile(
                "levering.csv", text if isinstance(text, bytes) else text.encode(), "text/csv"
            )
        },
    )


def test_the_provider_uploads_its_data_delivery(client, users, apeldoorn, zutphen):
    group = _task_group(users, apeldoorn)
    client.force_login(users["aanbieder"])
    response = _upload(client, CSV_HEAD + f"{group.code};0200;2026-01-01;2026-03-31;48;9;5;12\n")
    assert response.status_code == 302
    delivery = DataDelivery.objects.get()
    assert delivery.provider == users["aanbieder"].provider and delivery.clients == 48
    assert "48" in client.get(reverse("producten:data_deliveries")).content.decode()
    # Municipality staff of Apeldoorn see it; the regional team too; the council has no page.
    client.force_login(users["gemeente"])
    assert (
        escape(users["aanbieder"].provider.name)
        in client.get(reverse("producten:data_deliveries")).content.decode()
    )
    client.force_login(users["raad"])
    assert client.get(reverse("producten:data_deliveries")).status_code == 403


def test_a_wrong_delivery_file_is_refused_whole_in_dutch(client, users, apeldoorn):
    group = _task_group(users, apeldoorn)
    client.force_login(users["aanbieder"])
    bad = CSV_HEAD + (
        f"{group.code};0200;2026-01-01;2026-03-31;48;9;5;12\n"
        f"{group.code};0200;2026-04-01;2026-06-30;50;veel;5;12\n"
    )
    response = _upload(client, bad)
    assert response.status_code == 400
    assert "rij 2: instroom moet een geheel getal" in response.content.decode()
    assert not DataDelivery.objects.exists()
    missing = _upload(client, "productgroep;gemeente\nx;0200\n")
    assert missing.status_code == 400 and "Kolommen ontbreken" in missing.content.decode()
    binary = _upload(client, b"\xff\xfe\x00")  # not UTF-8
    assert binary.status_code == 400 and "geen UTF-8" in binary.content.decode()


def test_only_a_provider_uploads(client, users, apeldoorn):
    group = _task_group(users, apeldoorn)
    client.force_login(users["regio"])
    response = _upload(client, CSV_HEAD + f"{group.code};0200;2026-01-01;2026-03-31;1;1;1;1\n")
    assert response.status_code == 403
    assert not DataDelivery.objects.exists()


def test_another_provider_does_not_see_the_delivery(client, users, apeldoorn):
    from zorgregio.accounts.tests.factories import UserFactory

    group = _task_group(users, apeldoorn)
    services.data_delivery_record(
        actor=users["aanbieder"],
        provider=users["aanbieder"].provider,
        rows=[
            {
                "productgroep": group.code, "gemeente": "0200", "periode_begin": "2026-01-01",
                "periode_eind": "2026-03-31", "clienten": "77", "instroom": "1",
                "uitstroom": "1", "wachttijd_dagen": "1",
            }
        ],
    )  # fmt: skip
    other = UserFactory(username="ander", provider_user=True, region=apeldoorn.region)
    client.force_login(other)
    page = client.get(reverse("producten:data_deliveries")).content.decode()
    assert "Nog niets aangeleverd" in page


def test_the_data_delivery_api_for_the_provider_itself(client, users, apeldoorn):
    from zorgregio.accounts.tests.factories import UserFactory

    group = _task_group(users, apeldoorn)
    url = "/api/v1/gegevensaanleveringen/"
    row = {
        "productgroep": group.code, "gemeente": "0200", "periode_begin": "2026-01-01",
        "periode_eind": "2026-03-31", "clienten": "12", "instroom": "3", "uitstroom": "2",
        "wachttijd_dagen": "9",
    }  # fmt: skip
    client.force_login(users["aanbieder"])
    created = client.post(url, {"rijen": [row]}, content_type="application/json")
    assert created.status_code == 201, created.content
    assert created.json()[0]["clients"] == 12
    bad = client.post(url, {"rijen": [{**row, "clienten": "-3"}]}, content_type="application/json")
    assert bad.status_code == 400 and "clienten moet een geheel getal" in bad.content.decode()
    assert DataDelivery.objects.get().clients == 12  # nothing half applied
    client.force_login(users["regio"])
    assert client.post(url, {"rijen": [row]}, content_type="application/json").status_code == 403
    assert client.get(url).json()["count"] == 1
    other = UserFactory(username="ander2", provider_user=True, region=apeldoorn.region)
    client.force_login(other)
    assert client.get(url).json()["count"] == 0
    variants = client.get("/api/v1/uitvoeringsvarianten/?op=2026-06-01").json()["results"]
    assert [(v["group"], v["municipality"], v["variant"]) for v in variants] == [
        (group.code, "0200", "taakgericht")
    ]
