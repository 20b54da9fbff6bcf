"""Browser test: upload messages, follow the progress, read the result and the declaration."""

import datetime as dt

import pytest

from tests.e2e.helpers import login
from zorgregio.aanbieders.tests.factories import ProviderFactory
from zorgregio.accounts.tests.factories import PASSWORD, UserFactory
from zorgregio.berichten.tests import builders as B
from zorgregio.producten.models import Product, ProductGroup, Tariff
from zorgregio.regio.tests.factories import MunicipalityFactory

AGB = "65656055"
BSN = "999900006"


@pytest.fixture
def setup(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    municipality = MunicipalityFactory(cbs_code="0200", name="Apeldoorn")
    ProviderFactory(agb_code=AGB, name="Jeugdzorg Oost")
    group = ProductGroup.objects.create(law="jw", code="jeugd", name="Jeugdhulp")
    product = Product.objects.create(
        group=group, law="jw", productcategorie="45", productcode="45A03", name="Ambulant",
        unit="04", valid_from=dt.date(2025, 1, 1),
    )  # fmt: skip
    Tariff.objects.create(product=product, amount_cents=1250, valid_from=dt.date(2026, 1, 1))
    user = UserFactory(username="regioteam", regional_team=True, region=municipality.region)
    files = {
        "toewijzing.xml": B.msg_301("ijw", "0200", AGB, BSN, [B.Assigned("1001")]),
        "declaratie.xml": B.msg_323("ijw", "0200", AGB, "D77", [B.Line("R1", "1001")]),
        "kapot.xml": b"<?xml version='1.0'?><oops",
    }
    paths = []
    for name, data in files.items():
        path = tmp_path / name
        path.write_bytes(data)
        paths.append(str(path))
    return user, paths


@pytest.mark.django_db(transaction=True)
def test_upload_progress_result_and_declaration(page, setup):
    user, paths = setup
    login(page, user.username, PASSWORD)
    page.goto(f"{page.base_url}/berichten/")
    page.get_by_role("link", name="Berichten uploaden").click()
    page.get_by_label("Berichtbestanden").set_input_files(paths)
    page.get_by_role("button", name="Uploaden en verwerken").click()

    # The progress page: the work ran (immediate task backend in tests) and the result shows.
    page.get_by_role("heading", name="Voortgang van de import").wait_for()
    assert page.locator("progress").get_attribute("value") == "100"
    main = page.locator("main").inner_text()
    assert "2 bestanden verwerkt, 1 afgekeurd." in main
    row = page.get_by_role("row").filter(has_text="kapot.xml")
    assert "afgekeurd" in row.inner_text()
    assert "geen geldige XML" in row.inner_text() or "Onbekend bericht" in row.inner_text()

    # The declaration file leads to the declaration with its lines and check results.
    page.get_by_role("link", name="declaratie.xml").click()
    page.get_by_role("link", name="D77").click()
    table = page.get_by_role("table", name="Prestaties en controleresultaten")
    line = table.get_by_role("row").filter(has_text="R1")
    # No admission in the contract register: the line is rejected with the own code ZR01.
    assert "afgekeurd" in line.inner_text() and "ZR01" in line.inner_text()
    assert "niet toegelaten" in line.inner_text()

    # The client's timeline shows the toewijzing and the declaration line, without the BSN.
    line.get_by_role("link").first.click()
    page.get_by_role("heading", name="Tijdlijn").wait_for()
    content = page.locator("main").inner_text()
    assert "Toewijzing 1001" in content and "R1" in content
    assert BSN not in content


@pytest.mark.django_db(transaction=True)
def test_progress_page_while_waiting_then_done(page, setup):
    from zorgregio.berichten.models import ImportBatch
    from zorgregio.berichten.tasks import run_import

    user, paths = setup

    from zorgregio.berichten.services import receive_paths

    received = receive_paths([paths[0]], actor=user)
    batch = ImportBatch.objects.create(
        created_by=user,
        names=[r.name for r in received],
        items=[r.as_dict() for r in received],
        total_files=1,
    )
    login(page, user.username, PASSWORD)
    page.goto(f"{page.base_url}/berichten/imports/{batch.pk}/")
    assert page.locator("progress").get_attribute("value") == "0"
    assert "Wacht op de achtergrondverwerking" in page.locator("main").inner_text()
    run_import.call(batch.pk)
    page.reload()
    assert page.locator("progress").get_attribute("value") == "100"
    assert "1 bestand verwerkt." in page.locator("main").inner_text()
