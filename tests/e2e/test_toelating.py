"""The whole Open House chain in the browser: the region publishes; a new provider registers,
asks a question and applies with evidence; the region answers (the Nota appears for another
provider); two assessors assess, evidence is requested and supplied, the decision letter is
produced; after the objection period the admissions appear in the register and on the
provider's register page."""

import datetime as dt
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.e2e.helpers import login
from zorgregio.accounts.tests.factories import PASSWORD, UserFactory
from zorgregio.regio.tests.factories import MunicipalityFactory, RegionFactory
from zorgregio.toelating.models import Application, Decision, Procedure
from zorgregio.toelating.tests.factories import draft_procedure, pdf_bytes

PDF = "application/pdf"


def logout(page):
    page.context.clear_cookies()


def record_verdicts(page):
    """As the assessor on the assessment page: 'voldoet' on every requirement, step by step."""
    for step in (1, 2, 3):
        for select in page.locator(f"select[name^='s{step}-v_']").all():
            select.select_option("voldoet")
        page.get_by_role("button", name=f"Mijn oordelen van stap {step} vastleggen").click()
        page.get_by_text(f"oordelen van stap {step} opgeslagen").wait_for()


@pytest.mark.django_db(transaction=True)
def test_the_whole_admission_chain(page):
    region = RegionFactory()
    apeldoorn = MunicipalityFactory(region=region, cbs_code="0200", name="Apeldoorn")
    zutphen = MunicipalityFactory(region=region, cbs_code="0301", name="Zutphen")
    procedure, catalogue, requirements = draft_procedure(region, [apeldoorn, zutphen])
    UserFactory(username="renate", first_name="Renate", regional_team=True, region=region)
    UserFactory(username="bea", first_name="Bea", regional_team=True, region=region)
    UserFactory(username="piet", provider_user=True, region=region, provider__name="Piet Zorg BV")
    base = page.base_url

    # 1. The region adds a requirement, sets the committee and publishes.
    login(page, "renate", PASSWORD)
    page.goto(f"{base}/toelating/{procedure.pk}/vragenlijst/")
    page.get_by_text("Eis toevoegen").first.click()
    page.get_by_label("Stap:", exact=True).select_option(label="Stap 3: uitvoeringseisen")
    page.get_by_label("Nummer:", exact=True).fill("U2")
    page.get_by_label("Eis:", exact=True).fill("Wij leveren binnen 5 werkdagen na de toewijzing.")
    page.get_by_label("Soort vraag").select_option(label="verklaring")
    page.get_by_role("button", name="Eis toevoegen").click()
    page.get_by_text("De eis is toegevoegd.").wait_for()
    page.goto(f"{base}/toelating/{procedure.pk}/")
    page.get_by_text("Commissie samenstellen").click()
    page.get_by_label("Renate").check()
    page.get_by_label("Bea").check()
    page.get_by_role("button", name="Commissie opslaan").click()
    page.get_by_text("De beoordelingscommissie is opgeslagen.").wait_for()
    page.get_by_role("button", name="Procedure publiceren").click()
    page.get_by_text("De procedure is gepubliceerd, ook op de openbare pagina.").wait_for()
    logout(page)

    # 2. A new provider finds it on the public page, registers and asks a question.
    page.goto(f"{base}/toelating/openbaar/")
    page.get_by_role("link", name=procedure.title).click()
    assert page.get_by_text("Inkoopdocument").count() >= 1
    page.get_by_role("link", name="Registreren als nieuwe aanbieder").click()
    page.get_by_label("Naam van de organisatie").fill("Zorg Nieuw Begin BV")
    page.get_by_label("KvK-nummer").fill("7654321")  # one digit short
    page.get_by_label("AGB-code").fill("98123456")
    page.get_by_label("Uw naam").fill("Noor Nieuw")
    page.get_by_label("Uw e-mailadres").fill("noor@nieuwbegin.nl")
    page.get_by_label("Gebruikersnaam").fill("noor")
    page.get_by_label("Wachtwoord:", exact=True).fill("lang-en-geheim-2026")
    page.get_by_label("Wachtwoord nogmaals").fill("lang-en-geheim-2026")
    page.get_by_role("button", name="Registreren").click()
    page.get_by_text("KvK-nummer 7654321 is ongeldig").wait_for()
    page.get_by_label("KvK-nummer").fill("76543210")
    page.get_by_label("Wachtwoord:", exact=True).fill("lang-en-geheim-2026")
    page.get_by_label("Wachtwoord nogmaals").fill("lang-en-geheim-2026")
    page.get_by_role("button", name="Registreren").click()
    page.get_by_text("Welkom, Zorg Nieuw Begin BV is geregistreerd.").wait_for()
    page.get_by_role("link", name="Vragen en Nota's").click()
    page.get_by_label("Uw vraag").fill("Geldt de omzeteis ook voor Zorg Nieuw Begin als starter?")
    page.get_by_role("button", name="Vraag versturen").click()
    page.get_by_text("Uw vraag is naar het regioteam gestuurd.").wait_for()

    # 3. It applies with evidence over two visits.
    page.get_by_role("link", name="Overzicht").click()
    page.get_by_role("button", name="Onze aanvraag beginnen of verder invullen").click()
    page.get_by_label(f"{catalogue.licht.label} in Apeldoorn").check()
    page.get_by_label(f"{catalogue.basis.label} in Apeldoorn").check()
    page.get_by_role("button", name="Keuze opslaan").click()
    page.get_by_text("Uw keuze is opgeslagen.").wait_for()
    page.get_by_label("Contactpersoon:", exact=True).fill("Noor Nieuw")
    page.get_by_label("E-mail contactpersoon").fill("noor@nieuwbegin.nl")
    page.get_by_role("button", name="Gegevens opslaan").click()
    page.get_by_text("Opgeslagen.").wait_for()
    page.goto(page.url)  # a second visit: the draft is still there
    assert page.get_by_label(f"{catalogue.licht.label} in Apeldoorn").is_checked()
    r = requirements
    page.locator(f"input[name='req_{r['UEA'].pk}']").check()
    page.locator(f"input[name='req_{r['G1'].pk}'][value='ja']").check()
    page.locator(f"input[name='req_{r['G2'].pk}']").fill("4")
    page.locator(f"textarea[name='req_{r['G3'].pk}']").fill("Wijkgericht, met vaste begeleiders.")
    page.locator(f"select[name='req_{r['S1G1'].pk}']").select_option("hbo")
    page.locator(f"input[name='req_{r['U1'].pk}']").check()
    u2 = procedure.requirements.get(code="U2")
    page.locator(f"input[name='req_{u2.pk}']").check()
    page.get_by_role("button", name="Antwoorden opslaan").click()
    page.get_by_text("Uw antwoorden zijn opgeslagen.").wait_for()
    kvk = page.get_by_role("form", name="Bewijs voor KVK")
    kvk.locator("input[type=file]").set_input_files(
        files=[{"name": "virus.exe", "mimeType": "application/octet-stream", "buffer": b"MZ"}]
    )
    kvk.get_by_label("Datum van het document").fill(
        (dt.date.today() - dt.timedelta(days=20)).isoformat()
    )
    kvk.get_by_role("button", name="Toevoegen aan KVK").click()
    page.get_by_text("worden niet aangenomen").wait_for()
    kvk = page.get_by_role("form", name="Bewijs voor KVK")
    kvk.locator("input[type=file]").set_input_files(
        files=[{"name": "kvk-uittreksel.pdf", "mimeType": PDF, "buffer": pdf_bytes("KvK")}]
    )
    kvk.get_by_label("Datum van het document").fill(
        (dt.date.today() - dt.timedelta(days=20)).isoformat()
    )
    kvk.get_by_role("button", name="Toevoegen aan KVK").click()
    page.get_by_text("Het bewijsstuk is toegevoegd.").wait_for()
    page.get_by_text("Alles is compleet.").wait_for()
    page.get_by_role("button", name="Aanvraag indienen").click()
    page.get_by_text("Uw aanvraag is ingediend.").wait_for()
    with page.expect_download() as receipt:
        page.get_by_role("link", name="Ontvangstbevestiging (PDF)").click()
    assert Path(receipt.value.path()).read_bytes().startswith(b"%PDF")
    application = Application.objects.get(provider__name="Zorg Nieuw Begin BV")
    assert application.status == "ingediend"
    logout(page)

    # 4. The region answers; the Nota appears for another provider, without the asker.
    login(page, "renate", PASSWORD)
    page.goto(f"{base}/toelating/{procedure.pk}/vragen/")
    page.get_by_label("Vraag zoals gepubliceerd").fill("Geldt de omzeteis ook voor een starter?")
    page.get_by_label("Antwoord:", exact=True).fill("Ja, de omzeteis geldt voor iedere aanbieder.")
    page.get_by_role("button", name="Antwoord opslaan").click()
    page.get_by_text("Het antwoord is opgeslagen.").wait_for()
    page.get_by_role("button", name="Nota publiceren").click()
    page.get_by_text("Nota van Inlichtingen 1 is voor iedere aanbieder gepubliceerd.").wait_for()
    logout(page)
    login(page, "piet", PASSWORD)
    page.goto(f"{base}/toelating/{procedure.pk}/vragen/")
    page.get_by_text("Geldt de omzeteis ook voor een starter?").wait_for()
    page.get_by_text("Ja, de omzeteis geldt voor iedere aanbieder.").wait_for()
    assert page.get_by_text("Nieuw Begin").count() == 0
    assert page.get_by_role("link", name="Nota van Inlichtingen 1 (PDF)").count() == 1
    # Another provider cannot open the application.
    assert page.goto(f"{base}/toelating/aanvraag/{application.pk}/").status == 404
    logout(page)

    # 5. Two assessors; evidence requested and supplied.
    login(page, "renate", PASSWORD)
    page.goto(f"{base}/toelating/{procedure.pk}/aanvragen/")
    page.get_by_role("link", name=application.number).click()
    page.get_by_label("Renate").check()
    page.get_by_label("Bea").check()
    page.get_by_role("button", name="Beoordeling starten").click()
    page.get_by_text("De beoordeling is gestart.").wait_for()
    record_verdicts(page)
    page.get_by_text("Aanvullend bewijs vragen").click()
    page.get_by_label("Eis:", exact=True).select_option(
        label=f"GVA {requirements['GVA'].text[:60]}"
    )
    page.get_by_label("Wat wordt gevraagd").fill("Stuur de Gedragsverklaring Aanbesteden.")
    page.get_by_role("button", name="Bewijs opvragen").click()
    page.get_by_text("Het bewijs is opgevraagd").wait_for()
    page.get_by_text("nog 14 dagen").first.wait_for()
    logout(page)
    login(page, "noor", "lang-en-geheim-2026")
    page.goto(f"{base}/toelating/aanvraag/{application.pk}/")
    page.get_by_text("Stuur de Gedragsverklaring Aanbesteden.").wait_for()
    page.locator("input[type=file]").set_input_files(
        files=[{"name": "gva.pdf", "mimeType": PDF, "buffer": pdf_bytes("GVA")}]
    )
    page.get_by_label("Datum van het document").fill(
        (dt.date.today() - dt.timedelta(days=100)).isoformat()
    )
    page.get_by_role("button", name="Lever het bewijs aan").click()
    page.get_by_text("Het bewijs is aangeleverd.").wait_for()
    logout(page)

    # 6. The second assessor assesses and decides; the letter is produced.
    login(page, "bea", PASSWORD)
    page.goto(f"{base}/toelating/aanvraag/{application.pk}/beoordeling/")
    record_verdicts(page)
    page.get_by_label("Motivering van het besluit").fill("Aan alle eisen is voldaan.")
    page.get_by_role("button", name="Besluit nemen").click()
    page.get_by_text("Het besluit is genomen").wait_for()
    with page.expect_download() as letter:
        page.get_by_role("link", name="Besluitbrief (PDF)").first.click()
    assert Path(letter.value.path()).read_bytes().startswith(b"%PDF")
    logout(page)

    # 7. After the objection period the admissions are in the register.
    decision = Decision.objects.get(application=application)
    call_command(
        "finalise_decisions",
        "--date",
        (decision.objection_until + dt.timedelta(days=1)).isoformat(),
    )
    login(page, "noor", "lang-en-geheim-2026")
    page.goto(f"{base}/contracten/")
    page.get_by_role("link", name="Mijn contract").click()
    admissions = page.locator("section", has_text="Deelnames").first.inner_text()
    assert catalogue.licht.name in admissions and "Apeldoorn" in admissions
    assert f"Toelatingsbesluit {application.number}/1" in admissions
    logout(page)
    login(page, "renate", PASSWORD)
    page.goto(f"{base}/contracten/")
    register = page.locator("main table").first.inner_text()
    assert (
        "Zorg Nieuw Begin BV" in register
        and f"Toelatingsbesluit {application.number}/1" in register
    )
    assert Procedure.objects.get().status == "gepubliceerd"
