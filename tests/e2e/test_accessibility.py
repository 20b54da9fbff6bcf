"""axe-core on every page of every role, desktop and phone (issue 17, "Done when").

The demo region is built (small scale), then each demo account logs in and the test walks every
page it can reach by links from the home page (one page per URL pattern: ids replaced), runs
axe-core on it (injected by Playwright from the axe-playwright-python package, which bundles
axe.min.js; nothing is downloaded) and fails on any serious or critical violation. The main
pages are checked again at a phone's width, where the page must not scroll sideways either.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urldefrag, urlparse

import pytest
from django.core.management import call_command
from playwright.sync_api import Error as PlaywrightError

from tests.e2e.helpers import login

pytestmark = pytest.mark.django_db(transaction=True)

DEMO_PASSWORD = "demo-zorgregio"  # noqa: S105 - the public password of the demo accounts
ROLES = ["demo-regio", "demo-apeldoorn", "demo-aanbieder", "demo-raad", "demo-beheer"]
MAIN_PAGES = ["/", "/producten/", "/contracten/", "/berichten/", "/monitor/"]
MAX_PAGES_PER_ROLE = 60
# Links that are no pages to check: downloads, the API's browsable pages, the Django admin's
# own screens (Django's markup), logging out, switching language.
SKIP = re.compile(
    r"(\.xlsx|/xlsx|/pdf|\.pdf|\.csv|\.xml|\.zip|\.css|\.png|/export|/download|formaat=|/api/|/beheer/.+"
    r"|/uitloggen|/i18n/|/325/|/brief|/bijlage|/bewijs)",
    re.I,
)
IMPACTS = {"serious", "critical"}


def _axe_source() -> str:
    import axe_playwright_python

    return (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text("utf-8")


def _pattern(path: str) -> str:
    """One page per kind: ``/contracten/deelname/12/`` and ``/13/`` are the same page."""
    path = re.sub(r"/\d+(?=/|$)", "/N", path)
    return re.sub(r"/[0-9]{4}(?=/|$)", "/C", path)  # CBS codes


def _violations(page, axe: str) -> list[str]:
    page.add_script_tag(content=axe)
    result = page.evaluate(
        """async () => {
          const r = await axe.run(document, {resultTypes: ['violations']});
          return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
        }"""
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {', '.join(v['nodes'])}"
        for v in result
        if v["impact"] in IMPACTS
    ]


def _links(page, base: str) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
    out = []
    for href in hrefs:
        href = urldefrag(href)[0]
        if not href.startswith(base) or SKIP.search(href):
            continue
        out.append(href)
    return out


@pytest.fixture
def demo_region():
    call_command("demo", scale=0.05, seed=7, verbosity=0)


def test_every_page_of_every_role_has_no_serious_accessibility_violation(
    page, browser, live_server, demo_region
):
    axe = _axe_source()
    base = live_server.url
    failures: list[str] = []
    checked = 0
    for account in ROLES:
        context = browser.new_context(locale="nl-NL", bypass_csp=True)
        context.set_default_timeout(20_000)
        role_page = context.new_page()
        role_page.base_url = base
        login(role_page, account, DEMO_PASSWORD)
        role_page.wait_for_load_state()
        queue, seen = [f"{base}/"], set()
        while queue and len(seen) < MAX_PAGES_PER_ROLE:
            url = queue.pop(0)
            key = _pattern(urlparse(url).path) + ("?" if urlparse(url).query else "")
            if key in seen:
                continue
            seen.add(key)
            try:
                response = role_page.goto(url)
            except PlaywrightError as exc:  # a link to a download
                if "Download is starting" in str(exc):
                    continue
                raise
            if response is None or response.status >= 500:
                failures.append(f"{account} {url}: HTTP {response and response.status}")
                continue
            if "text/html" not in (response.headers.get("content-type") or ""):
                continue
            checked += 1
            for violation in _violations(role_page, axe):
                failures.append(f"{account} {urlparse(url).path}: {violation}")
            queue.extend(_links(role_page, base))
        context.close()

    # The main pages at a phone's width: no violation and no sideways scrolling.
    for account in ("demo-regio", "demo-raad"):
        context = browser.new_context(
            locale="nl-NL",
            viewport={"width": 390, "height": 844},
            is_mobile=True,
            has_touch=True,
            bypass_csp=True,
        )
        phone = context.new_page()
        phone.base_url = base
        login(phone, account, DEMO_PASSWORD)
        phone.wait_for_load_state()
        for path in MAIN_PAGES:
            response = phone.goto(f"{base}{path}")
            if response is None or response.status != 200:
                continue
            checked += 1
            for violation in _violations(phone, axe):
                failures.append(f"{account} phone {path}: {violation}")
            width = phone.evaluate(
                "Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
            )
            if width > 391:
                failures.append(f"{account} phone {path}: the page is {width} px wide")
        context.close()

    assert checked > 40, f"only {checked} pages checked"
    assert not failures, "\n".join(failures)
