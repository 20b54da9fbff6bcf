"""Contract register in the browser: a provider proposes an amendment, the regional team
accepts it, and the register shows the change from its effective date."""

import datetime as dt

import pytest

from tests.e2e.helpers import login
from zorgregio.accounts.tests.factories import PASSWORD, UserFactory
from zorgregio.contracten.tests.factories import (
    AdmissionFactory,
    AgreementFactory,
    ProductFactory,
    ProductGroupFactory,
    PurchaseFactory,
)
from zorgregio.regio.tests.factories import MunicipalityFactory, RegionFactory


@pytest.mark.django_db(transaction=True)
def test_provider_proposes_region_accepts_register_changes_from_effective_date(page):
    region = RegionFactory()
    apeldoorn = MunicipalityFactory(region=region, cbs_code="0200", name="Apeldoorn")
    zutphen = MunicipalityFactory(region=region, cbs_code="0301", name="Zutphen")
    agreement = AgreementFactory(region=region)
    group = ProductGroupFactory(code="begeleiding", name="Begeleiding")
    product = ProductFactory(group=group, productcode="02A01", name="Begeleiding individueel")
    for municipality in (apeldoorn, zutphen):
        PurchaseFactory(product=product, municipality=municipality)
    provider_user = UserFactory(
        username="anouk", provider_user=True, region=region, provider__name="Zorg op Maat BV"
    )
    UserFactory(username="renate", regional_team=True, region=region)
    AdmissionFactory(
        agreement=agreement,
        provider=provider_user.provider,
        product=product,
        municipality=apeldoorn,
        active=True,
    )

    # The provider proposes to deliver the product in Zutphen from 1-9-2026.
    login(page, "anouk", PASSWORD)
    page.goto(f"{page.base_url}/contracten/")
    page.get_by_role("link", name="Contractwijzigingen").click()
    page.get_by_role("link", name="Contractwijziging voorstellen").click()
    page.get_by_label("Titel").fill("Begeleiding ook in Zutphen")
    page.get_by_label("Motivering").fill("Er is een wachtlijst in Zutphen.")
    page.get_by_label("Ingangsdatum").fill("2026-09-01")
    page.get_by_label("Wijziging in het register").select_option(label="deelname toevoegen")
    page.get_by_label("Toe te voegen product").select_option(label=str(product))
    page.get_by_label("Gemeente waarin").select_option(label="Zutphen")
    page.get_by_role("button", name="Contractwijziging indienen").click()
    page.get_by_text("De contractwijziging is ingediend.").wait_for()
    assert page.locator(".badge", has_text="ingediend").count() == 1
    # The provider has no decision form.
    assert page.get_by_role("button", name="Besluit vastleggen").count() == 0

    # The regional team accepts it.
    page.context.clear_cookies()
    login(page, "renate", PASSWORD)
    page.goto(f"{page.base_url}/contracten/wijzigingen/")
    page.get_by_role("link", name="Begeleiding ook in Zutphen").click()
    page.get_by_label("Besluit").select_option(label="aanvaard")
    page.get_by_label("Toelichting").fill("Akkoord, tekort in Zutphen.")
    page.get_by_role("button", name="Besluit vastleggen").click()
    page.get_by_text("Het besluit is vastgelegd.").wait_for()
    assert page.locator(".badge", has_text="aanvaard").count() == 1

    # The register shows the admission from 1-9-2026, not the day before.
    def register_on(day: dt.date) -> str:
        page.goto(f"{page.base_url}/contracten/")
        page.get_by_label("Gemeente").select_option(label="Zutphen")
        page.get_by_label("Geldig op").fill(day.isoformat())
        page.get_by_role("button", name="Filteren").click()
        return page.locator("main table").first.inner_text()

    before = register_on(dt.date(2026, 8, 31))
    assert "Geen deelnames voldoen aan deze filters." in before
    after = register_on(dt.date(2026, 9, 1))
    assert "Zorg op Maat BV" in after and "01-09-2026" in after and "actief" in after

    # The admission's history names the amendment and who accepted it.
    page.get_by_role("link", name=str(product)).click()
    history = page.locator("table", has_text="Geschiedenis").inner_text()
    assert "renate" in history and "Contractwijziging: Begeleiding ook in Zutphen" in history
