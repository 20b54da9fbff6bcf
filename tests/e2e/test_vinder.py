"""The public provider finder in the browser (issue 18, "Done when"): an anonymous resident of
Epe finds the providers for begeleiding within 10 km of a postcode, opens one and sees its
offer, waiting time and contact; axe reports no serious or critical violation on the finder's
pages, on a desktop and on a phone (where no page scrolls sideways either)."""

from __future__ import annotations

import pytest

from tests.e2e.test_accessibility import _axe_source, _violations

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def epe():
    from zorgregio.vinder.tests.factories import build_world

    return build_world()


def test_a_resident_of_epe_finds_begeleiding_within_10_km(page, epe):
    page.goto(f"{page.base_url}/vinden/")
    page.get_by_role("link", name="Epe").click()
    page.get_by_role("heading", name="Zorgaanbieders in Epe").wait_for()
    page.get_by_label("Soort ondersteuning").select_option(label="Begeleiding individueel")
    page.get_by_label("Uw postcode").fill("8161 AB")
    page.get_by_label("Binnen").select_option(label="10 km")
    page.get_by_role("button", name="Zoeken", exact=True).click()
    results = page.get_by_role("heading", name="2 aanbieders gecontracteerd", exact=False)
    results.wait_for()
    cards = page.locator(".provider-card h2")
    assert cards.all_inner_texts() == ["Dichtbij Begeleiding Epe", "Vol Zit Zorg"]
    assert "op 1,0 km" in page.locator(".provider-card").first.inner_text()
    assert page.get_by_text("Verweg Zorg Apeldoorn").count() == 0

    page.get_by_role("link", name="Dichtbij Begeleiding Epe").click()
    page.get_by_role("heading", name="Dichtbij Begeleiding Epe", level=1).wait_for()
    offer = page.locator("section", has=page.get_by_role("heading", name="Wat de aanbieder biedt"))
    assert "Wij helpen <script>alert('x')</script> thuis." in offer.inner_text()  # as text
    table = page.get_by_role("table")
    assert "2,5 weken" in table.inner_text()
    contact = page.locator("section", has=page.get_by_role("heading", name="Contact", exact=True))
    assert "0578 123 456" in contact.inner_text()
    assert "info@example.nl" in contact.inner_text()
    assert "1,0 km van uw postcode" in page.inner_text("main")


def test_a_wrong_postcode_is_a_message_on_the_page(page, epe):
    page.goto(f"{page.base_url}/vinden/epe/")
    page.get_by_label("Uw postcode").fill("9999 ZZ")
    page.get_by_role("button", name="Zoeken", exact=True).click()
    alert = page.get_by_role("alert")
    assert "staat niet in de postcodetabel" in alert.inner_text()


PAGES = [
    "/vinden/",
    "/vinden/epe/",
    "/vinden/epe/?postcode=8161+AB&afstand=10&productgroep=wmo-begeleiding-individueel",
    "/vinden/epe/?postcode=0000&afstand=7",
]


def test_the_finders_pages_have_no_serious_accessibility_violation(browser, live_server, epe):
    axe = _axe_source()
    pages = PAGES + [
        f"/vinden/epe/{epe.near.pk}/?postcode=8161AB",
        f"/vinden/epe/{epe.stopped.pk}/",
    ]
    failures = []
    for viewport, mobile in (
        ({"width": 1280, "height": 900}, False),
        ({"width": 390, "height": 844}, True),
    ):
        context = browser.new_context(
            locale="nl-NL", viewport=viewport, is_mobile=mobile, has_touch=mobile, bypass_csp=True
        )
        tab = context.new_page()
        for path in pages:
            response = tab.goto(f"{live_server.url}{path}")
            assert response is not None and response.status == 200, path
            failures += [f"{viewport['width']} {path}: {v}" for v in _violations(tab, axe)]
            width = tab.evaluate(
                "Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
            )
            if width > viewport["width"] + 1:
                failures.append(f"{viewport['width']} {path}: the page is {width} px wide")
        context.close()
    assert not failures, "\n".join(failures)
