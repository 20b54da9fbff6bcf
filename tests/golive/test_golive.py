"""A new region goes live from an empty database with nothing but the README's commands and
its own files (kept here, in tests/golive/): municipalities, inhabitants, products, tariffs,
purchase matrix, providers, agreement, admissions and users; then its message archive
imports and the monitor shows its figures to the regional team, who logged in through the
invitation, a password of their own and a second factor (README, *Going live*)."""

import base64
import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings
from django_otp.oath import totp

from zorgregio.aanbieders.models import Provider
from zorgregio.accounts.models import User
from zorgregio.contracten.models import Admission
from zorgregio.producten.models import Product
from zorgregio.regio.models import Municipality, Region
from zorgregio.zorg.models import DeclaratieRegel, LineStatus

FILES = Path(__file__).resolve().parent
# The README's steps, in its order: (command, file).
STEPS = [
    ("import-gemeenten", "gemeenten.csv"),
    ("import-inwoners", "inwoners.csv"),
    ("import-producten", "producten.csv"),
    ("import-tarieven", "tarieven.csv"),
    ("import-inkoopmatrix", "inkoopmatrix.csv"),
    ("import-aanbieders", "aanbieders.csv"),
    ("import-raamovereenkomsten", "raamovereenkomsten.csv"),
    ("import-deelnames", "deelnames.csv"),
    ("import-gebruikers", "gebruikers.csv"),
]


def _euro(cents: int) -> str:
    return f"€ {cents // 100:,}".replace(",", ".") + f",{cents % 100:02d}"


@pytest.mark.django_db(transaction=True)
@override_settings(ZORGREGIO_TWO_FACTOR=True, ZORGREGIO_SITE_URL="https://zorgregio.example.nl")
def test_a_new_region_goes_live_from_its_own_files(client, mailoutbox):
    assert not Region.objects.exists() and not Municipality.objects.exists()
    assert not Provider.objects.exists() and not Product.objects.exists()
    assert not User.objects.exists()

    for command, name in STEPS:
        out = StringIO()
        call_command(command, str(FILES / name), stdout=out)
        assert "nieuw" in out.getvalue(), (command, out.getvalue())
    # Running them again changes nothing.
    out = StringIO()
    call_command("import-deelnames", str(FILES / "deelnames.csv"), stdout=out)
    assert "0 nieuw, 0 gewijzigd, 15 ongewijzigd." in out.getvalue()

    region = Region.objects.get()
    assert region.municipalities.count() == 6
    assert Provider.objects.filter(regions=region).count() == 6
    assert Admission.objects.count() == 14

    out = StringIO()
    call_command("import", str(FILES / "berichten.zip"), "--no-progress", stdout=out)
    summary = out.getvalue()
    assert "afgekeurd" not in summary and "bestanden verwerkt." in summary, summary

    # The regional team's invitation: set a password, log in, set up the second factor.
    mail = next(m for m in mailoutbox if m.to == ["r.regio@zuidwest-drenthe.nl"])
    link = re.search(r"https://zorgregio\.example\.nl(/uitnodiging/\S+/)", mail.body)[1]
    form = client.get(link, follow=True)
    assert form.status_code == 200
    password = "Drenthe-gaat-live-2026"  # noqa: S105
    done = client.post(
        form.redirect_chain[-1][0] if form.redirect_chain else link,
        {"new_password1": password, "new_password2": password},
    )
    assert done.status_code == 302
    client.post("/inloggen/", {"username": "r.regio", "password": password})
    setup = client.get("/inloggen/tweede-stap/").content.decode()
    secret = re.search(r'data-testid="totp-secret">([A-Z2-7]+)<', setup)[1]
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    assert client.post("/inloggen/tweede-stap/", {"code": f"{totp(key):06d}"}).status_code == 302

    # The monitor shows the region's figures from the imported messages.
    lines = DeclaratieRegel.objects.filter(
        status=LineStatus.APPROVED, municipality__region=region, month__year=2026
    )
    expected = sum(line.signed_amount_cents for line in lines)
    assert expected > 0
    page = client.get("/monitor/?periode=2026").content.decode()
    cell = re.search(r'<tr[^>]*data-figure="realisatie"[^>]*>.*?<td[^>]*>(.*?)</td>', page, re.S)
    assert cell[1].strip() == _euro(expected)
    assert "Hoogeveen" in page and "Zwartewaterland" in page
