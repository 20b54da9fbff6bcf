"""Screenshots of the main pages per role, desktop and phone, into var/screenshots/.

    make screenshots                      # builds the demo if needed, serves it, takes them
    python tools/screenshots.py --base-url http://127.0.0.1:8000   # against a running demo

Each role logs in with its demo account (password ``demo-zorgregio``) in Debian's Chromium
(Playwright, no browser download) and every page of its list is taken at 1280 px wide and at a
phone's 390 px; a file per page and width: ``var/screenshots/<role>-<page>-<desktop|phone>.png``.
A page that answers with an error or scrolls sideways on the phone is reported, and the command
exits non-zero.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "var" / "screenshots"
CHROMIUM = os.environ.get("ZORGREGIO_CHROMIUM", "/usr/bin/chromium")
PASSWORD = "demo-zorgregio"  # noqa: S105 - the public password of the demo accounts

# (name, path) per demo account; the main pages each role works with.
PAGES = {
    "demo-regio": [
        ("home", "/"),
        ("productenboek", "/producten/"),
        ("contracten", "/contracten/"),
        ("werklijst", "/contracten/werklijst/"),
        ("berichten", "/berichten/"),
        ("clienten", "/zorg/clienten/"),
        ("monitor", "/monitor/"),
        ("budgetten", "/monitor/budgetten/"),
        ("varianten", "/producten/varianten/?op=2026-06-01"),
        ("taakbudgetten", "/producten/taakbudgetten/"),
        ("pilot", "/monitor/pilot/wmo-begeleiding-groep/"),
        ("inrichting", "/inrichting/"),
        ("huisstijl", "/thema/"),
    ],
    "demo-apeldoorn": [
        ("home", "/"),
        ("contracten", "/contracten/"),
        ("berichten", "/berichten/"),
        ("monitor", "/monitor/"),
    ],
    "demo-aanbieder": [
        ("home", "/"),
        ("productenboek", "/producten/"),
        ("gegevensaanlevering", "/producten/gegevensaanlevering/"),
        ("contracten", "/contracten/"),
        ("monitor", "/monitor/"),
    ],
    "demo-raad": [
        ("home", "/"),
        ("monitor", "/monitor/"),
        ("productenboek", "/producten/"),
        # the public dashboard (the same for anyone, logged in or not)
        ("openbaar", "/openbaar/midden-ijssel-oost-veluwe/"),
        ("openbaar-gemeente", "/openbaar/midden-ijssel-oost-veluwe/gemeente/0301/"),
    ],
    "demo-beheer": [("home", "/")],
}
# The elements that stick out past the right edge of the viewport (to fix what scrolls sideways).
WIDEST = """() => Array.from(document.querySelectorAll('body *'))
  .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
  .filter(e => !e.parentElement.closest('.utrecht-table-container, .table-scroll, table'))
  .slice(0, 4).map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : ''))
  .join(', ')"""
VIEWPORTS = {"desktop": (1280, 900), "phone": (390, 844)}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 - our own local server
                return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"The server at {url} did not answer within {seconds:.0f} s.")


def take(base_url: str) -> list[str]:
    from playwright.sync_api import sync_playwright

    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("*.png"):  # only this run's pages
        old.unlink()
    problems = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        for account, pages in PAGES.items():
            for label, (width, height) in VIEWPORTS.items():
                context = browser.new_context(
                    locale="nl-NL",
                    viewport={"width": width, "height": height},
                    is_mobile=label == "phone",
                    has_touch=label == "phone",
                )
                page = context.new_page()
                page.goto(f"{base_url}/inloggen/")
                page.get_by_label("Gebruikersnaam").fill(account)
                page.get_by_label("Wachtwoord").fill(PASSWORD)
                page.get_by_role("button", name="Inloggen").click()
                page.wait_for_load_state()
                for name, path in pages:
                    response = page.goto(f"{base_url}{path}")
                    page.wait_for_load_state("networkidle")
                    if response is None or response.status >= 400:
                        problems.append(f"{account} {path}: HTTP {response and response.status}")
                    if label == "phone":
                        sideways = (
                            page.evaluate(
                                "Math.max(document.documentElement.scrollWidth,"
                                " document.body.scrollWidth)"
                            )
                            > width + 1
                        )
                        if sideways:
                            wide = page.evaluate(WIDEST)
                            problems.append(f"{account} {path}: the page scrolls sideways ({wide})")
                    role = account.removeprefix("demo-")
                    # The whole page, cut at a few screens' height (a long list is not news).
                    full_height = page.evaluate("document.documentElement.scrollHeight")
                    clip = {"x": 0, "y": 0, "width": width, "height": min(full_height, 3 * height)}
                    page.screenshot(
                        path=str(OUT / f"{role}-{name}-{label}.png"), full_page=True, clip=clip
                    )
                context.close()
        browser.close()
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", help="a running zorgregio; default: serve the demo here")
    args = parser.parse_args()
    server = None
    base_url = args.base_url
    if not base_url:
        port = free_port()
        base_url = f"http://127.0.0.1:{port}"
        env = dict(os.environ, DEBUG=os.environ.get("DEBUG", "true"))
        server = subprocess.Popen(  # noqa: S603 - our own command
            [sys.executable, "-m", "zorgregio", "serve", "--port", str(port), "--no-worker"],
            env=env,
        )
    try:
        wait_for(f"{base_url}/health/")
        problems = take(base_url.rstrip("/"))
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=20)
    shots = sorted(OUT.glob("*.png"))
    print(f"{len(shots)} screenshots in {OUT.relative_to(ROOT)}/")
    for problem in problems:
        print(f"problem: {problem}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
