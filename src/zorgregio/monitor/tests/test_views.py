"""Pages, exports and API: who sees what, suppression, and bad input."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from zorgregio.monitor.models import Budget
from zorgregio.monitor.services import refresh_after_import

from .factories import ClientFactory, ProductFactory, ProductGroupFactory, RegelFactory, care

D = dt.date


@pytest.fixture
def data(users, apeldoorn, zutphen):
    """Apeldoorn: 6 clients, each in care all of 2025 with 100 euros in January.
    Zutphen: 2 clients (below the threshold of 5)."""
    group = ProductGroupFactory(code="begeleiding", name="Begeleiding", law="wmo")
    product = ProductFactory(group=group)
    for municipality, count in ((apeldoorn, 6), (zutphen, 2)):
        for _ in range(count):
            client = ClientFactory()
            t = care(client, start=D(2025, 1, 1), product=product, municipality=municipality)
            RegelFactory(
                client=client,
                municipality=municipality,
                provider=t.provider,
                product=product,
                amount_cents=100_00,
            )
    refresh_after_import()
    return {"group": group, "product": product}


def figure(response, key):
    """The value cell of one figure in the key-figure table."""
    html = response.content.decode()
    start = html.index(f'data-figure="{key}"')
    cell = html.index('<td class="num">', start) + len('<td class="num">')
    return html[cell : html.index("</td>", cell)].strip()


def test_regional_team_sees_municipalities_in_detail(client, users, data, zutphen):
    client.force_login(users["regio"])
    response = client.get(reverse("monitor:municipality", args=["0301"]), {"periode": "2025"})
    assert response.status_code == 200
    assert figure(response, "clients_in") == "2"
    assert figure(response, "realisatie") == "€ 200,00"


def test_council_sees_small_cells_suppressed(client, users, data):
    """Zutphen's 2 clients are hidden; with two municipalities, region minus Apeldoorn would
    give Zutphen, so Apeldoorn is hidden with it (complementary suppression) and the region
    total stays."""
    client.force_login(users["raad"])
    zutphen = client.get(reverse("monitor:municipality", args=["0301"]), {"periode": "2025"})
    assert figure(zutphen, "clients_in") == "&lt; 5"
    assert "€" not in figure(zutphen, "realisatie")
    apeldoorn = client.get(reverse("monitor:municipality", args=["0200"]), {"periode": "2025"})
    assert figure(apeldoorn, "clients_in") == "verborgen"
    assert figure(apeldoorn, "realisatie") == "verborgen"
    region = client.get(reverse("monitor:index"), {"periode": "2025"})
    assert figure(region, "clients_in") == "8"
    assert figure(region, "realisatie") == "€ 800,00"


def test_municipality_staff_own_detail_region_aggregate_other_404(client, users, data):
    client.force_login(users["gemeente"])  # works for Apeldoorn
    own = client.get(reverse("monitor:municipality", args=["0200"]), {"periode": "2025"})
    assert own.status_code == 200
    assert figure(own, "clients_in") == "6"
    other = client.get(reverse("monitor:municipality", args=["0301"]))
    assert other.status_code == 404
    region = client.get(reverse("monitor:index"), {"periode": "2025"})
    assert region.status_code == 200
    # Apeldoorn's staff know Apeldoorn (6): the region's 8 would give Zutphen's 2.
    assert figure(region, "clients_in") == "verborgen"
    assert figure(region, "realisatie") == "verborgen"
    assert (
        "Zutphen" not in region.content.decode().split('id="gemeenten"')[1].split("</section>")[0]
    )


def test_period_without_data_says_so(client, users, data):
    client.force_login(users["regio"])
    response = client.get(reverse("monitor:index"), {"periode": "2019-K2"})
    assert response.status_code == 200
    assert figure(response, "clients_in") == "geen gegevens"
    assert figure(response, "realisatie") == "geen gegevens"


@pytest.mark.parametrize(
    "params",
    [
        {"periode": "2025-K9"},
        {"van": "2025-05-01", "tot": "x"},
        {"van": "2025-05-01", "tot": "2025-01-01"},
        {"productgroep": "bestaat-niet"},
    ],
)
def test_bad_filters_give_a_message_not_an_error(client, users, data, params):
    client.force_login(users["regio"])
    response = client.get(reverse("monitor:index"), params)
    assert response.status_code == 200
    assert 'class="alert alert-error"' in response.content.decode()


@pytest.mark.parametrize("role", ["regio", "gemeente", "aanbieder", "raad", "beheerder"])
def test_every_page_answers_for_every_role(client, users, data, role):
    client.force_login(users[role])
    assert client.get(reverse("monitor:index")).status_code == 200
    assert client.get(reverse("monitor:group", args=["begeleiding"])).status_code == 200
    assert client.get(reverse("monitor:municipality", args=["0200"])).status_code == 200


def test_provider_page_only_own_provider(client, users, data):
    user = users["aanbieder"]
    care(
        start=D(2025, 1, 1),
        provider=user.provider,
        product=data["product"],
        municipality=users["gemeente"].municipalities.first(),
    )
    refresh_after_import()
    client.force_login(user)
    own = client.get(reverse("monitor:provider", args=[user.provider_id]), {"periode": "2025"})
    assert own.status_code == 200
    assert figure(own, "clients_in") == "1"  # own clients: detail
    from zorgregio.zorg.models import Toewijzing

    other = Toewijzing.objects.exclude(provider=user.provider).first().provider_id
    assert client.get(reverse("monitor:provider", args=[other])).status_code == 404


def test_xlsx_export_is_suppressed_like_the_screen(client, users, data):
    client.force_login(users["raad"])
    response = client.get(reverse("monitor:municipality_xlsx", args=["0301"]), {"periode": "2025"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = {row[0]: row[1] for row in sheet.iter_rows(values_only=True) if row and row[0]}
    assert values["Cliënten in de periode"] == "< 5"
    assert values["Realisatie"].startswith("verborgen")

    client.force_login(users["regio"])
    response = client.get(reverse("monitor:municipality_xlsx", args=["0301"]), {"periode": "2025"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = {row[0]: row[1] for row in sheet.iter_rows(values_only=True) if row and row[0]}
    assert values["Cliënten in de periode"] == 2
    assert values["Realisatie"] == 200.0


def test_council_report_pdf(client, users, data):
    client.force_login(users["raad"])
    response = client.get(reverse("monitor:report", args=["0200"]), {"periode": "2025-K1"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert "2025-K1" in response["Content-Disposition"]


def test_budget_import_all_or_nothing(client, users, data, apeldoorn):
    client.force_login(users["regio"])
    url = reverse("monitor:budgets")
    bad = (
        "gemeente;productgroep;jaar;bedrag\n0200;begeleiding;2025;1.000,00\n0200;onbekend;2025;5\n"
    )
    upload = io.BytesIO(bad.encode())
    upload.name = "b.csv"
    response = client.post(url, {"file": upload})
    assert response.status_code == 200
    assert "Rij 3, productgroep" in response.content.decode()
    assert not Budget.objects.exists()
    good = "gemeente;productgroep;jaar;bedrag\n0200;begeleiding;2025;1.000,50\n"
    upload = io.BytesIO(good.encode())
    upload.name = "b.csv"
    assert client.post(url, {"file": upload}).status_code == 302
    assert Budget.objects.get().amount_cents == 1_000_50


def test_municipality_staff_cannot_budget_for_another_municipality(client, users, data):
    client.force_login(users["gemeente"])
    upload = io.BytesIO(b"gemeente;productgroep;jaar;bedrag\n0301;begeleiding;2025;10\n")
    upload.name = "b.csv"
    response = client.post(reverse("monitor:budgets"), {"file": upload})
    assert "Rij 2, gemeente" in response.content.decode()
    assert not Budget.objects.exists()


def test_api_suppresses_and_scopes(client, users, data):
    url = "/api/v1/monitor/kerncijfers/"
    client.force_login(users["raad"])
    body = client.get(url, {"gemeente": "0301", "periode": "2025"}).json()
    figures = {f["key"]: f["current"] for f in body["figures"]}
    assert body["suppressed"] is True
    assert figures["clients_in"] == {
        "value": None,
        "text": "< 5",
        "suppressed": True,
        "unit": "count",
    }
    assert figures["realisatie"]["value"] is None
    client.force_login(users["gemeente"])
    assert client.get(url, {"gemeente": "0301"}).status_code == 403
    body = client.get(url, {"gemeente": "0200", "periode": "2025"}).json()
    figures = {f["key"]: f["current"] for f in body["figures"]}
    assert figures["clients_in"]["value"] == 6
    assert figures["realisatie"]["value"] == 600_00
    assert client.get(url, {"periode": "nope"}).status_code == 400


def test_page_is_current_after_the_next_import(client, users, data, apeldoorn):
    client.force_login(users["regio"])
    url = reverse("monitor:municipality", args=["0200"])
    assert figure(client.get(url, {"periode": "2025"}), "clients_in") == "6"
    care(start=D(2025, 3, 1), product=data["product"], municipality=apeldoorn)
    assert figure(client.get(url, {"periode": "2025"}), "clients_in") == "6"  # not yet refreshed
    refresh_after_import()
    assert figure(client.get(url, {"periode": "2025"}), "clients_in") == "7"


def test_a_providers_page_shows_what_means_something_for_one_provider(client, users, data):
    """Issue 17 point 3: no HHI, top-3 share, cost per inhabitant or budget on a provider's own
    page; instead its realisatie beside all providers' per product group with its share, and
    its contract (ceilings, activity). All providers' total is an aggregate: with 8 clients
    of whom 1 is the provider's own, the rest (7) may be shown; the share follows it."""
    user = users["aanbieder"]
    own = ClientFactory()
    care(own, start=D(2025, 1, 1), product=data["product"], provider=user.provider,
         municipality=users["gemeente"].municipalities.first())  # fmt: skip
    RegelFactory(client=own, municipality=users["gemeente"].municipalities.first(),
                 provider=user.provider, product=data["product"], amount_cents=300_00)  # fmt: skip
    refresh_after_import()
    client.force_login(user)
    page = client.get(reverse("monitor:provider", args=[user.provider_id]), {"periode": "2025"})
    assert page.status_code == 200
    html = page.content.decode()
    for meaningless in ("hhi", "top3", "top10", "cost_per_inhabitant", "budget_use", "forecast"):
        assert f'data-figure="{meaningless}"' not in html, meaningless
    assert 'id="markt"' not in html and 'id="budget"' not in html
    assert figure(page, "realisatie") == "€ 300,00"
    row = html.split('data-group="begeleiding"')[1].split("</tr>")[0]
    assert "€ 300,00" in row  # its own
    assert "€ 1.100,00" in row and "27,3%" in row  # 300 of 1,100 over 9 clients
    assert "Het contract: bestedingsruimte (art. 1.5) en activiteit (art. 1.6)" in html

    # The regional team looking at the same provider sees the same table in detail.
    client.force_login(users["regio"])
    page = client.get(reverse("monitor:provider", args=[user.provider_id]), {"periode": "2025"})
    assert "27,3%" in page.content.decode().split('data-group="begeleiding"')[1]
