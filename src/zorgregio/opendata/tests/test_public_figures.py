"""The public dashboard and the open data API give exactly what a council member gets, never a
cell below the threshold, and nothing that subtraction can turn back into a hidden cell.

The data is the monitor's subtraction test region (four municipalities, clients spread so that
many cells are small). Every cell the public gets, through the API and the page, is collected
and the relations an attacker would use (the region is the sum of its municipalities, for the
year and the year before) are solved for the hidden ones (numpy), as in
``monitor/tests/test_subtraction.py``.
"""

from __future__ import annotations

import csv
import io

import numpy as np
import pytest

from zorgregio.monitor.tests.test_subtraction import region_data  # noqa: F401 - a fixture
from zorgregio.regio.tests.factories import InhabitantsFactory

pytestmark = [pytest.mark.django_db, pytest.mark.debug_once]
ADDITIVE = ("clients_in", "instroom", "uitstroom", "realisatie")  # region = sum of municipalities


@pytest.fixture
def data(region_data):  # noqa: F811
    """The monitor's region plus Brummen with two clients: small in every figure of a year."""
    import datetime as dt

    from django.core.cache import cache

    from zorgregio.monitor.services import refresh_after_import
    from zorgregio.monitor.tests.factories import ClientFactory, ProductFactory, RegelFactory, care
    from zorgregio.regio.tests.factories import MunicipalityFactory

    region = region_data["municipalities"][0].region
    brummen = MunicipalityFactory(region=region, cbs_code="0213", name="Brummen")
    product = ProductFactory(group=region_data["groups"][0])
    for month in (3, 5):
        client = ClientFactory()
        toewijzing = care(client, start=dt.date(2025, month, 1), product=product,
                          municipality=brummen)  # fmt: skip
        RegelFactory(client=client, municipality=brummen, provider=toewijzing.provider,
                     product=product, period_start=dt.date(2025, month, 1),
                     amount_cents=12_300)  # fmt: skip
    refresh_after_import()
    cache.clear()
    region_data = {**region_data, "municipalities": [*region_data["municipalities"], brummen]}
    for municipality in region_data["municipalities"]:
        InhabitantsFactory(municipality=municipality, year=2025, count=20_000)
        InhabitantsFactory(municipality=municipality, year=2024, count=19_500)
    return {**region_data, "region": region}


def api_cells(client, region, year=2025):
    """{(place, figure): cell} of everything the open API gives for a year."""
    response = client.get(
        f"/api/open/v1/regios/{region.slug}/kerncijfers/", {"jaar": year, "pagina_grootte": 100}
    )
    assert response.status_code == 200, response.content
    cells = {}
    for place in response.json()["resultaten"]:
        for figure in place["kengetallen"]:
            cells[(place["gemeente"] or "R", figure["kengetal"])] = figure
    return cells


def test_no_public_cell_below_the_threshold_and_none_derivable(client, data, settings):
    limit = settings.ZORGREGIO_SUPPRESSION_THRESHOLD
    cells = api_cells(client, data["region"])
    places = [m.cbs_code for m in data["municipalities"]]
    counts = [c["huidig"] for (_p, key), c in cells.items() if key in ("clients_in", "instroom")]
    assert counts
    for cell in counts:  # a shown count is 0 or at least the threshold
        assert cell["verborgen"] or cell["waarde"] in (None, 0) or cell["waarde"] >= limit
    hidden = [k for k, c in cells.items() if c["huidig"]["verborgen"]]
    assert hidden, "the data has small cells: some must be hidden"
    # Brummen's two clients are hidden, and (complementary) another municipality with them.
    assert cells[("0213", "clients_in")]["huidig"]["verborgen"]
    assert cells[("0213", "clients_in")]["huidig"]["tekst"] == f"< {limit}"
    assert sum(1 for (_p, key) in hidden if key == "clients_in") >= 2
    assert not cells[("R", "clients_in")]["huidig"]["verborgen"]
    for key in ADDITIVE:
        for side in ("huidig", "vorig_jaar", "vergelijkbaar"):
            if any(cells[(place, key)][side] is None for place in ["R", *places]):
                continue  # no comparison over part of the year
            values = {}
            for place in ["R", *places]:
                cell = cells[(place, key)][side]
                values[place] = None if cell["verborgen"] else (cell["waarde"] or 0)
            unknown = [p for p, v in values.items() if v is None]
            if not unknown:
                continue
            # One relation: R - sum(municipalities) = 0, over the hidden cells only.
            row = np.array([1.0 if p == "R" else -1.0 for p in unknown])
            null_space_rank = len(unknown) - np.linalg.matrix_rank(row.reshape(1, -1))
            assert len(unknown) >= 2 and null_space_rank >= 1, (key, side, unknown)
            if values["R"] is not None:
                # the hidden municipalities together: at least the threshold of clients
                assert len(unknown) != 1, (key, side)


def test_the_public_gets_exactly_what_a_council_member_gets(client, users, data):
    """The same cells as the council's monitor API for the same selections (the published
    cells: the region and each municipality, per year)."""
    public = api_cells(client, data["region"])
    client.force_login(users["raad"])
    for place in ["R", *(m.cbs_code for m in data["municipalities"])]:
        query = {"periode": "2025"} if place == "R" else {"periode": "2025", "gemeente": place}
        council = client.get("/api/v1/monitor/kerncijfers/", query).json()["figures"]
        by_key = {row["key"]: row for row in council}
        for (p, key), cell in public.items():
            if p != place:
                continue
            assert cell["huidig"]["verborgen"] == by_key[key]["current"]["suppressed"], (p, key)
            assert cell["huidig"]["waarde"] == by_key[key]["current"]["value"], (p, key)
            assert cell["huidig"]["tekst"] == by_key[key]["current"]["text"], (p, key)


def test_logged_in_roles_get_the_same_public_figures(client, users, data):
    anonymous = api_cells(client, data["region"])
    for role in ("regio", "gemeente", "aanbieder", "raad", "beheerder"):
        client.force_login(users[role])
        assert api_cells(client, data["region"]) == anonymous, role
        # the page too: no detail for the regional team on the public page
        page = client.get(f"/openbaar/{data['region'].slug}/gemeente/0301/?jaar=2025")
        assert page.status_code == 200
        client.logout()


def test_the_page_and_the_csv_show_the_api_cells(client, data):
    region = data["region"]
    cells = api_cells(client, region)
    page = client.get(f"/openbaar/{region.slug}/", {"jaar": "2025"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "Zutphen" in html and 'data-figure="clients_in"' in html
    response = client.get(f"/openbaar/{region.slug}/csv/", {"jaar": "2025"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows
    for row in rows:
        cell = cells[(row["cbs_code"] or "R", row["kengetal"])]["huidig"]
        assert row["tekst"].lstrip("'") == cell["tekst"]
        assert (row["verborgen"] == "ja") == cell["verborgen"]
        if cell["verborgen"]:
            assert row["waarde"] == ""


def test_csv_neutralises_formulas():
    from zorgregio.common.xlsx import csv_safe

    assert csv_safe("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert csv_safe("-3,5%") == "'-3,5%"
    assert csv_safe("@x") == "'@x" and csv_safe("+1") == "'+1"
    assert csv_safe("Apeldoorn") == "Apeldoorn" and csv_safe(5) == 5


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/openbaar/nergens/", 404),
        ("/openbaar/{slug}/gemeente/9999/", 404),
        ("/openbaar/{slug}/gemeente/0119/", 404),
        ("/openbaar/{slug}/csv/?jaar=abc", 404),
        ("/openbaar/{slug}/?jaar=abc", 200),
        ("/openbaar/{slug}/?jaar=1999", 200),
        ("/openbaar/{slug}/?jaar=２０２５", 200),
    ],
)
def test_bad_input_on_the_page_is_a_message_or_404(client, data, path, status):
    response = client.get(path.format(slug=data["region"].slug))
    assert response.status_code == status
    if status == 200:
        assert "is geen jaar" in response.content.decode() or "Er zijn geen cijfers" in (
            response.content.decode()
        )


@pytest.mark.parametrize(
    ("query", "status", "name"),
    [
        ({"jaar": "abc"}, 400, "jaar"),
        ({"jaar": "1999"}, 400, "jaar"),
        ({"jaar": "２０２５"}, 400, "jaar"),
        ({"gemeente": "9999"}, 404, None),
        ({"pagina": "0"}, 400, "pagina"),
        ({"pagina": "x"}, 400, "pagina"),
        ({"pagina": "99"}, 404, None),
        ({"pagina_grootte": "1000"}, 400, "pagina_grootte"),
    ],
)
def test_bad_input_in_the_api_is_a_dutch_problem(client, data, query, status, name):
    response = client.get(f"/api/open/v1/regios/{data['region'].slug}/kerncijfers/", query)
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status and body["title"] and body["detail"]
    assert body["title"] in ("Ongeldig verzoek", "Niet gevonden")
    if name:
        assert [p["name"] for p in body["invalid-params"]] == [name]
        assert all(p["reason"] for p in body["invalid-params"])


def test_the_public_scope_is_a_council_member_of_one_region_and_nothing_more(region, apeldoorn):
    from zorgregio.accounts.scoping import public_scope
    from zorgregio.regio.models import Municipality
    from zorgregio.regio.tests.factories import MunicipalityFactory, RegionFactory
    from zorgregio.zorg.models import Client

    drenthe = RegionFactory(name="Zorgregio Zuidwest-Drenthe")
    other = MunicipalityFactory(region=drenthe, cbs_code="0119", name="Meppel")
    scope = public_scope(region.pk)
    assert list(scope.region_municipalities(Municipality.objects.all())) == [apeldoorn]
    assert other not in scope.municipalities(Municipality.objects.all())
    assert not scope.has_role and not scope.client_data
    assert not scope.detail_for([apeldoorn.pk])
    assert not scope.filter(Client.objects.all(), client_level=True).exists()
    assert scope.filter(Municipality.objects.all()).count() == 0  # no role: nothing else
