"""Issue 20 in the browser: the regional team switches a product group to taakgericht for one
municipality from a date and sets the task budget with its instalments; the provider uploads
its data delivery; the monitor's pilot page compares before and after. Another provider sees
neither the budget nor the delivery."""

import datetime as dt

import pytest

from tests.e2e.helpers import login
from zorgregio.accounts.tests.factories import PASSWORD, UserFactory
from zorgregio.monitor.models import MonitorState
from zorgregio.producten.models import DataDelivery, GroupVariant, TaskBudget
from zorgregio.producten.tests.factories import ProductGroupFactory

pytestmark = pytest.mark.django_db(transaction=True)

CSV = (
    "productgroep;gemeente;periode_begin;periode_eind;clienten;instroom;uitstroom;wachttijd_dagen\n"  # noqa: E501
    "wmo-begeleiding-groep;0200;2026-07-01;2026-09-30;48;9;5;12\n"
)


@pytest.fixture
def pilot_setup(users, apeldoorn, zutphen):
    group = ProductGroupFactory(code="wmo-begeleiding-groep", name="Begeleiding groep")
    provider = users["aanbieder"].provider
    provider.name = "Zorg Eerst"
    provider.save()
    provider.regions.add(apeldoorn.region)
    other = UserFactory(username="ander", provider_user=True, region=apeldoorn.region)
    other.provider.name = "Andere Zorg"
    other.provider.save()
    # The monitor's data are complete until the end of October: the pilot's "after" window
    # runs from the change to that day, the "before" window as many days before it.
    MonitorState.objects.create(complete_until=dt.date(2026, 10, 31))
    return group, provider


def test_task_oriented_pilot_from_switch_to_comparison(page, users, pilot_setup, apeldoorn):
    group, provider = pilot_setup

    # The regional team switches Begeleiding groep in Apeldoorn to taakgericht from 1 July.
    login(page, "regio", PASSWORD)
    page.goto(f"{page.base_url}/producten/varianten/")
    form = page.locator("section.card").filter(has=page.get_by_role("button", name="Opslaan"))
    form.get_by_label("Productgroep").select_option(label=str(group))
    form.get_by_label("Gemeente").select_option(label="Apeldoorn")
    form.get_by_label("Uitvoeringsvariant").select_option(value="taakgericht")
    form.get_by_label("Vanaf").fill("2026-07-01")
    form.get_by_label("Start- en stopberichten zonder toewijzing", exact=False).check()
    form.get_by_label("Reden").fill("Pilot taakgericht")
    form.get_by_role("button", name="Opslaan").click()
    page.wait_for_url("**/producten/varianten/?op=2026-07-01")
    assert "Begeleiding groep in Apeldoorn is" in page.content()
    assert "vanaf 01-07-2026" in page.content()
    row = page.locator("table.matrix").get_by_role("row").filter(has_text="Begeleiding groep")
    assert "taakgericht" in row.inner_text()
    assert row.get_by_role("link", name="pilotvergelijking").count() == 1
    variant = GroupVariant.objects.get()
    assert (variant.variant, variant.municipality, variant.regieberichten) == (
        "taakgericht", apeldoorn, True,
    )  # fmt: skip

    # The task budget: two segments, 3 % mark-up, four quarterly instalments.
    page.goto(f"{page.base_url}/producten/taakbudgetten/")
    form = page.locator("section.card").filter(
        has=page.get_by_role("heading", name="Taakbudget vaststellen")
    )
    form.get_by_label("Aanbieder").select_option(label="Zorg Eerst")
    form.get_by_label("Gemeente").select_option(label="Apeldoorn")
    form.get_by_label("Productgroep").select_option(label=str(group))
    form.get_by_role("spinbutton", name="Jaar").fill("2026")
    form.get_by_label("Segment 1: naam").fill("licht")
    form.get_by_label("Segment 1: verwachte cliënten").fill("40")
    form.get_by_label("Segment 1: uren per cliënt per jaar").fill("60")
    form.get_by_label("Segment 1: kosten per uur (euro)").fill("72,50")
    form.get_by_label("Segment 2: naam").fill("zwaar")
    form.get_by_label("Segment 2: verwachte cliënten").fill("10")
    form.get_by_label("Segment 2: uren per cliënt per jaar").fill("150")
    form.get_by_label("Segment 2: kosten per uur (euro)").fill("80,00")
    form.get_by_role("button", name="Opslaan").click()
    page.wait_for_url("**/producten/taakbudgetten/")
    card = page.locator("section.card").filter(has_text="Zorg Eerst · Begeleiding groep")
    # 40 x 60 x 72,50 + 10 x 150 x 80,00 = 294 000,00; plus 3 % = 302 820,00; 4 x 75 705,00.
    assert "€ 302.820,00" in card.inner_text()
    instalments = card.locator("table").last
    assert instalments.get_by_text("€ 75.705,00").count() == 4
    assert TaskBudget.objects.get().amount_cents == 30_282_000

    # The instalment due on 1 July is paid.
    card.get_by_label("Betaald op 01-07-2026").fill("2026-07-01")
    card.get_by_role("row").filter(has_text="01-07-2026").get_by_role(
        "button", name="Betaling vastleggen"
    ).click()
    page.wait_for_url("**/producten/taakbudgetten/")
    assert "Termijn als betaald vastgelegd" in page.content()
    paid_row = (
        page.locator("section.card").locator("table").last.get_by_role("row").nth(3)
    )  # header, January, April, July
    assert paid_row.inner_text().count("01-07-2026") == 2  # due on and paid on

    # The provider uploads its data delivery for the third quarter.
    page.context.clear_cookies()
    login(page, "aanbieder", PASSWORD)
    page.goto(f"{page.base_url}/producten/taakbudgetten/")
    assert "€ 302.820,00" in page.content()  # its own budget
    page.goto(f"{page.base_url}/producten/gegevensaanlevering/")
    page.get_by_label("Bestand", exact=False).set_input_files(
        {"name": "levering.csv", "mimeType": "text/csv", "buffer": CSV.encode()}
    )
    page.get_by_role("button", name="Uploaden").click()
    page.wait_for_url("**/producten/gegevensaanlevering/")
    assert "1 periode aangeleverd." in page.content()
    delivered = page.locator("table").last.get_by_role("row").filter(has_text="Zorg Eerst")
    text = delivered.inner_text()
    assert "01-07-2026" in text and "30-09-2026" in text
    assert text.split("\t")[-4:] == ["48", "9", "5", "12"]
    assert DataDelivery.objects.get().provider == provider

    # Another provider sees neither the budget nor the delivery, and uploads only for itself.
    page.context.clear_cookies()
    login(page, "ander", PASSWORD)
    page.goto(f"{page.base_url}/producten/taakbudgetten/")
    assert "Zorg Eerst" not in page.content() and "302.820" not in page.content()
    page.goto(f"{page.base_url}/producten/gegevensaanlevering/")
    assert "Nog niets aangeleverd." in page.content()
    assert "Zorg Eerst" not in page.content()
    page.get_by_label("Bestand", exact=False).set_input_files(
        {"name": "levering.csv", "mimeType": "text/csv", "buffer": CSV.encode()}
    )
    page.get_by_role("button", name="Uploaden").click()
    page.wait_for_url("**/producten/gegevensaanlevering/")
    # Its rows are its own delivery: the first provider's delivery is not replaced.
    assert sorted(DataDelivery.objects.values_list("provider__name", "clients")) == [
        ("Andere Zorg", 48), ("Zorg Eerst", 48),
    ]  # fmt: skip
    assert "Zorg Eerst" not in page.content()
    DataDelivery.objects.filter(provider__name="Andere Zorg").delete()

    # The monitor's pilot page compares before and after the change.
    page.context.clear_cookies()
    login(page, "regio", PASSWORD)
    page.goto(f"{page.base_url}/producten/varianten/?op=2026-07-01")
    page.get_by_role("link", name="pilotvergelijking").click()
    page.wait_for_url(f"**/monitor/pilot/{group.code}/")
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Pilotvergelijking: Begeleiding groep"
    )
    assert "01-07-2026" in page.locator("p.lead").inner_text()
    changed = page.locator("table").filter(has_text="Gemeenten die wijzigden")
    assert "Apeldoorn" in changed.locator("caption").inner_text()
    variant_row = changed.get_by_role("row").filter(has_text="Uitvoeringsvariant")
    assert "inspanningsgericht" in variant_row.inner_text()
    assert "taakgericht" in variant_row.inner_text()
    spending = changed.get_by_role("row").filter(has_text="Uitgaven").inner_text()
    assert spending.split("\t")[-1] == "€ 75.705,00"  # the paid July instalment
    clients = changed.get_by_role("row").filter(has_text="Cliënten").first.inner_text()
    assert clients.split("\t")[-1] == "48"  # from the data delivery
    cost = changed.get_by_role("row").filter(has_text="Kosten per cliënt").inner_text()
    assert cost.split("\t")[-1] == "€ 1.577,19"  # 75 705,00 / 48
    unchanged = page.locator("table").filter(has_text="Gemeenten die niet wijzigden")
    assert "Zutphen" in unchanged.locator("caption").inner_text()
    per_municipality = page.locator("table").last.get_by_role("row").filter(has_text="Apeldoorn")
    assert "inspanningsgericht / taakgericht" in per_municipality.inner_text()

    # The municipality's monitor page counts the paid instalment as realisatie of the group
    # (recording the payment and the upload refreshed the monitor) and says what it rests on.
    page.goto(f"{page.base_url}/monitor/gemeente/0200/?periode=2026-K3&productgroep={group.code}")
    realisatie = page.locator("tr").filter(has_text="Realisatie").first.inner_text()
    assert "€ 75.705,00" in realisatie
    note = page.locator("#funding-variants").inner_text()
    assert "betaalde termijnen van de taakbudgetten" in note
