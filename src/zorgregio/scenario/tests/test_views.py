"""The scenario screens per role: the editor, live preview, saving, comparing, exports and the
council report section; every page also as a user of another scope."""

import datetime as dt
import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from zorgregio.scenario.models import Scenario
from zorgregio.scenario.services import scenario_publish, scenario_save

from .pdf import pdf_text

NEXT_YEAR = dt.date.today().year + 1
START = f"{NEXT_YEAR}-01-01"


def knobs(*rows):
    data = {}
    for n, (kind, value) in enumerate(rows):
        data.update(
            {
                f"knop-{n}-soort": kind,
                f"knop-{n}-waarde": value,
                f"knop-{n}-start": START,
                f"knop-{n}-gemeente": "",
                f"knop-{n}-productgroep": "",
            }
        )
    return data


def spending_2027(html: str) -> str:
    row = re.search(r'data-year="2027">(.*?)</tr>', html, re.S).group(1)
    return re.search(r'data-figure="spending">(.*?)<', row).group(1)


def saved(users, municipality, name, *, published=False, rows=()):
    return scenario_save(
        actor=users["regio"],
        region=municipality.region if municipality else users["regio"].region,
        municipality=municipality,
        name=name,
        knob_rows=list(rows),
        horizon=5,  # to 2030: knobs start on 1 January next year
        published=published,
    ).scenario


def test_editor_computes_and_saves(client, users, history, apeldoorn):
    client.force_login(users["gemeente"])
    url = reverse("scenario:new") + "?gemeente=0200"
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Tariefwijziging" in html and 'data-figure="spending"' in html
    base = spending_2027(html)
    computed = client.get(reverse("scenario:new"), {"gemeente": "0200", **knobs(("tariff", "10"))})
    assert spending_2027(computed.content.decode()) != base
    preview = client.get(
        reverse("scenario:preview"), {"gemeente": "0200", **knobs(("tariff", "10"))}
    )
    assert preview.status_code == 200
    assert spending_2027(preview.content.decode()) == spending_2027(computed.content.decode())
    response = client.post(url, {"naam": "Duurder", "jaren": "3", **knobs(("tariff", "10"))})
    scenario = Scenario.objects.get(name="Duurder")
    assert response.status_code == 302
    assert response["Location"] == reverse("scenario:detail", args=[scenario.pk])
    detail = client.get(response["Location"]).content.decode()
    assert "Versie 1" in detail and "Tariefwijziging: 10%" in detail
    client.post(
        reverse("scenario:detail", args=[scenario.pk]),
        {"naam": "Duurder", "jaren": "3", **knobs(("tariff", "12"))},
    )
    assert scenario.versions.count() == 2


def test_bad_input_shows_dutch_messages_and_saves_nothing(client, users, history):
    client.force_login(users["regio"])
    url = reverse("scenario:new") + "?gemeente=0200"
    response = client.post(url, {"naam": "Fout", "jaren": "2", **knobs(("prevention", "150"))})
    assert response.status_code == 200
    assert "moet tussen 0% en 100% liggen" in response.content.decode()
    preview = client.get(
        reverse("scenario:preview"), {"gemeente": "0200", **knobs(("budget", "-101"))}
    )
    assert "moet tussen -100% en 100% liggen" in preview.content.decode()
    assert not Scenario.objects.exists()


def test_compare_and_export(client, users, history, apeldoorn):
    a = saved(users, apeldoorn, "A", rows=[{"kind": "tariff", "value": "5", "start": START}])
    b = saved(users, apeldoorn, "B", rows=[{"kind": "budget", "value": "-5", "start": START}])
    client.force_login(users["regio"])
    page = client.get(reverse("scenario:compare"), {"s": [a.pk, b.pk]})
    assert page.status_code == 200
    html = page.content.decode()
    assert "Basislijn" in html and "<svg" in html
    xlsx = client.get(reverse("scenario:compare_xlsx"), {"s": [a.pk, b.pk]})
    rows = list(load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True))
    header = next(r for r in rows if r and r[0] == "Cijfer")
    assert header[2:] == ("Basislijn", "A (v1)", "B (v1)")
    spending = [r for r in rows if r and r[0] == "Uitgaven"]
    assert spending[0][2] == spending[0][3] == spending[0][4]  # the base year as realised
    knobbed = next(r for r in spending if r[1] == NEXT_YEAR)
    assert knobbed[3] == pytest.approx(knobbed[2] * 1.05, abs=0.02)  # A: 5% dearer
    assert knobbed[4] == knobbed[2]  # B changes the budget only
    one = client.get(reverse("scenario:xlsx", args=[a.pk]))
    assert one.status_code == 200
    too_many = client.get(reverse("scenario:compare"), {"s": [a.pk] * 5})
    assert too_many.status_code == 302


def test_council_reads_published_scenarios_only(client, users, history, apeldoorn):
    hidden = saved(users, apeldoorn, "Intern")
    shown = saved(users, apeldoorn, "VNG-groei", published=True)
    client.force_login(users["raad"])
    index = client.get(reverse("scenario:index")).content.decode()
    assert "VNG-groei" in index and "Intern" not in index
    assert client.get(reverse("scenario:detail", args=[shown.pk])).status_code == 200
    assert client.get(reverse("scenario:detail", args=[hidden.pk])).status_code == 404
    assert client.get(reverse("scenario:new")).status_code == 403
    assert client.get(reverse("scenario:preview"), {"gemeente": "0200"}).status_code == 403
    assert client.post(reverse("scenario:detail", args=[shown.pk]), {}).status_code == 403
    assert client.post(reverse("scenario:publish", args=[shown.pk]), {}).status_code == 403
    assert client.get(reverse("scenario:compare"), {"s": hidden.pk}).status_code == 404


def test_municipality_staff_stay_in_their_scope(client, users, history, apeldoorn, zutphen):
    other = saved(users, zutphen, "Zutphen")
    region = saved(users, None, "Regio")
    client.force_login(users["gemeente"])
    assert client.get(reverse("scenario:detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("scenario:detail", args=[region.pk])).status_code == 404
    assert client.get(reverse("scenario:xlsx", args=[other.pk])).status_code == 404
    assert client.get(reverse("scenario:new"), {"gemeente": "0301"}).status_code == 404
    assert client.get(reverse("scenario:new")).status_code == 403  # the whole region
    assert client.get(reverse("scenario:preview"), {"gemeente": "0301"}).status_code == 404
    assert client.get(reverse("scenario:preview"), {"scenario": other.pk}).status_code == 404
    index = client.get(reverse("scenario:index")).content.decode()
    assert "Zutphen" not in index.split("<table")[-1]


@pytest.mark.parametrize("role", ["aanbieder", "beheerder"])
def test_other_roles_have_no_scenarios(client, users, history, apeldoorn, role):
    scenario = saved(users, apeldoorn, "A", published=True)
    client.force_login(users[role])
    for url in (
        reverse("scenario:index"),
        reverse("scenario:detail", args=[scenario.pk]),
        reverse("scenario:xlsx", args=[scenario.pk]),
    ):
        assert client.get(url).status_code == 403


def test_council_report_has_the_published_scenarios(client, users, history, apeldoorn, zutphen):
    shown = saved(users, apeldoorn, "VNG-groei", published=True)
    saved(users, apeldoorn, "Intern")
    saved(users, zutphen, "Zutphen-plan", published=True)
    scenario_publish(actor=users["regio"], scenario=shown, published=True)
    client.force_login(users["raad"])
    response = client.get(reverse("monitor:report", args=["0200"]), {"periode": "2025-K4"})
    text = pdf_text(response.content)
    assert "Budgetscenario" in text
    assert "VNG-groei" in text
    assert "Intern" not in text and "Zutphen-plan" not in text
