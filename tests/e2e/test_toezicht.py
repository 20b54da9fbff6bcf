"""Browser test of supervision: a signal appears after an import, an officer opens a case,
requests an improvement plan and closes it as founded with a recovery; a provider reports a
waiting time over the norm and it shows in the monitor with its signal."""

import datetime as dt
import re

import pytest

from tests.e2e.helpers import login
from zorgregio.accounts.tests.factories import PASSWORD, UserFactory
from zorgregio.berichten.csv_import import ingest_csv
from zorgregio.berichten.tests.test_generator_ingest import register  # noqa: F401 - fixture
from zorgregio.toezicht.models import Case, Signal

BSN = "999990019"
TOEWIJZINGEN = (
    "gemeente;aanbieder;wet;bsn;geboortedatum;toewijzingnummer;productcategorie;productcode;"
    "toewijzingsdatum;ingangsdatum;einddatum;volume;eenheid;frequentie\n"
    "0200;{agb};wmo;{bsn};12-03-1950;5001;02;02A22;2024-02-20;2024-03-01;2024-12-31;4;04;2\n"
)
LEVERINGEN = (
    "gemeente;aanbieder;wet;bsn;toewijzingnummer;begindatum;einddatum;reden_beeindiging\n"
    "0200;{agb};wmo;{bsn};5001;2024-03-04;2024-04-30;19\n"
)
DECLARATIES = (
    "gemeente;aanbieder;wet;declaratienummer;declaratiedatum;declaratieperiode_begin;"
    "declaratieperiode_einde;bsn;referentienummer;vorig_referentienummer;toewijzingnummer;"
    "productcategorie;productcode;periode_begin;periode_einde;volume;eenheid;tarief;bedrag;"
    "debet_credit\n"
    "0200;{agb};wmo;D2406A;2024-07-03;2024-06-01;2024-06-30;{bsn};R1;;5001;02;02A22;"
    "2024-06-01;2024-06-30;16;04;58,00;928,00;D\n"
)


def _import(tmp_path, name, kind, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    result = ingest_csv(path, kind=kind)
    assert result.status == "verwerkt", result.reasons
    return result


@pytest.mark.django_db(transaction=True)
def test_signal_case_and_waiting_time(page, register, apeldoorn, tmp_path):  # noqa: F811
    provider = register[0]
    values = {"agb": provider.agb_code, "bsn": BSN}
    _import(tmp_path, "t.csv", "toewijzingen", TOEWIJZINGEN.format(**values))
    _import(tmp_path, "l.csv", "leveringen", LEVERINGEN.format(**values))
    UserFactory(
        username="toezichthouder", first_name="Tessa", last_name="Toezicht",
        municipality_staff=True, region=apeldoorn.region, municipalities=[apeldoorn],
    )  # fmt: skip
    UserFactory(
        username="zorgaanbieder", provider_user=True, provider=provider, region=apeldoorn.region
    )

    login(page, "toezichthouder", PASSWORD)
    page.goto(f"{page.base_url}/toezicht/?regel=declared_after_stop")
    page.get_by_role("heading", name="Toezichtsignalen").wait_for()
    assert page.get_by_text("Geen signalen.").is_visible()

    # A declaration for June after the stop of 30 April arrives: the import's hook computes it.
    _import(tmp_path, "d.csv", "declaratieregels", DECLARATIES.format(**values))
    page.reload()
    page.get_by_role("link", name="Gedeclareerd na het einde van de zorg").click()
    assert page.get_by_test_id("signal-summary").inner_text().startswith("1 regels")
    page.get_by_role("cell", name="R1").wait_for()  # the evidence: the line itself

    page.get_by_label("Titel").fill("Declaratie na stop")
    page.get_by_role("button", name="Zaak openen").click()
    page.get_by_text("De zaak is geopend.").wait_for()
    assert page.get_by_test_id("case-status").inner_text() == "nieuw"

    page.get_by_label("Nieuwe status").select_option(label="in onderzoek")
    page.get_by_role("button", name="Status wijzigen").click()
    page.get_by_text("De status van de zaak is gewijzigd.").wait_for()

    page.get_by_label("Maatregel", exact=True).select_option(label="verbeterplan")
    page.get_by_label("Uiterlijk op").fill((dt.date.today() + dt.timedelta(days=42)).isoformat())
    page.get_by_role("button", name="Maatregel vastleggen").click()
    page.get_by_text("De maatregel is vastgelegd.").wait_for()

    # Closing without a conclusion is refused with a Dutch message.
    page.get_by_label("Nieuwe status").select_option(label="gegrond")
    page.get_by_role("button", name="Status wijzigen").click()
    page.get_by_text("Schrijf de conclusie op").wait_for()
    page.get_by_label("Nieuwe status").select_option(label="gegrond")
    page.get_by_label("Conclusie (bij gegrond of ongegrond)").fill(
        "Zorg gedeclareerd na de beëindiging."
    )
    page.get_by_role("button", name="Status wijzigen").click()
    page.get_by_text("De status van de zaak is gewijzigd.").wait_for()

    page.get_by_label("Maatregel", exact=True).select_option(label="terugvordering")
    page.get_by_label("Terug te vorderen bedrag").fill("928,00")
    page.get_by_role("button", name="Maatregel vastleggen").click()
    page.get_by_text("De maatregel is vastgelegd.").wait_for()
    page.get_by_label("Nieuwe status").select_option(label="afgehandeld")
    page.get_by_role("button", name="Status wijzigen").click()
    page.get_by_text("De status van de zaak is gewijzigd.").wait_for()
    assert page.get_by_test_id("case-status").inner_text() == "afgehandeld"
    assert page.get_by_text(re.compile(r"terugvordering\s+€\s*928,00")).is_visible()
    case = Case.objects.get()
    assert case.status == "afgehandeld"
    assert case.measures.get(kind="terugvordering").amount_cents == 92_800

    # The provider reports a waiting time over the Treeknorm (4 weeks to intake).
    page.context.clear_cookies()
    login(page, "zorgaanbieder", PASSWORD)
    page.goto(f"{page.base_url}/toezicht/wachttijden/")
    page.get_by_text("moeten worden gemeld").wait_for()  # the reminder
    page.get_by_label("Product en gemeente").select_option(label="02A22 02A22 · Apeldoorn")
    page.get_by_label("Aanmeldwachttijd (weken)").fill("7")
    page.get_by_label("Behandelwachttijd, van intake tot start zorg (weken)").fill("3")
    page.get_by_role("button", name="Melden").click()
    page.get_by_text("De wachttijd is gemeld.").wait_for()
    assert Signal.objects.filter(rule="waiting_time_over_norm", provider=provider).exists()

    # The officer sees it in the monitor beside the measured waiting time, and as a signal.
    page.context.clear_cookies()
    login(page, "toezichthouder", PASSWORD)
    page.goto(f"{page.base_url}/monitor/gemeente/0200/")
    section = page.get_by_test_id("reported-waiting-times")
    section.get_by_role("heading", name="Gemelde wachttijden").wait_for()
    assert "1 boven de norm" in section.inner_text() or "één boven de norm" in section.inner_text()
    assert provider.name in section.inner_text()
    page.goto(f"{page.base_url}/toezicht/?regel=waiting_time_over_norm")
    page.get_by_role("link", name="Gemelde wachttijd boven de norm (art. 3.5)").wait_for()
