"""The public dashboard as an anonymous resident: from the open data page to the region and a
municipality, the figures with their protection, the CSV; axe finds no serious or critical
violation, on desktop and phone, and no page is wider than a phone's screen."""

import pytest
from django.core.management import call_command

from tests.e2e.test_accessibility import _axe_source, _violations

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo_region():
    call_command("demo", scale=0.05, seed=7, verbosity=0)


@pytest.mark.parametrize("width", [1280, 390])
def test_an_anonymous_resident_reads_the_public_dashboard(browser, live_server, demo_region, width):
    axe = _axe_source()
    # axe is injected as an inline script: the app's Content-Security-Policy would block it
    context = browser.new_context(
        locale="nl-NL",
        bypass_csp=True,
        accept_downloads=True,
        viewport={"width": width, "height": 900},
    )
    page = context.new_page()
    page.base_url = live_server.url
    page.goto(page.base_url + "/openbaar/")
    problems = _violations(page, axe)
    page.get_by_role("link", name="Zorgregio Midden-IJssel/Oost-Veluwe").click()
    page.wait_for_selector("[data-figure='clients_in']")
    assert "Ter bescherming van de privacy" in page.content()
    problems += _violations(page, axe)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.locator("[data-municipality='0301'] a").click()
    page.wait_for_selector("h1:has-text('Kerncijfers van Zutphen')")
    problems += _violations(page, axe)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV downloaden").click()
    assert download.value.suggested_filename.startswith("kerncijfers-0301-")
    context.close()
    assert not problems, problems
