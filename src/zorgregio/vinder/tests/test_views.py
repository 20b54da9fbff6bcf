"""The finder's pages without a login, the provider's edit screen by role, and bad input: a
Dutch message on the page or a 404, never a 500, and nothing that is not public."""

import pytest
from django.urls import reverse
from django.utils import translation

from zorgregio.audit.models import AuditEvent
from zorgregio.vinder.models import Offer
from zorgregio.vinder.tests.factories import DAY

pytestmark = pytest.mark.django_db

FINDER = "/vinden/epe/"


@pytest.fixture(autouse=True)
def on_the_day(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: DAY)
    with translation.override("nl"):
        yield


def test_anonymous_resident_finds_the_contracted_providers_of_epe(client, world):
    response = client.get(FINDER)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Zorgaanbieders in Epe" in page
    assert "3 aanbieders gecontracteerd op 1 juni 2026" in page
    for name in ("Dichtbij Begeleiding Epe", "Verweg Zorg Apeldoorn", "Vol Zit Zorg"):
        assert name in page
    for name in ("Concept Zorg", "Gestopte Zorg", "Alleen Apeldoorn Zorg", "Drentse Zorg"):
        assert name not in page
    assert "Cliëntenstop" in page


def test_cbs_code_works_as_well_as_the_slug(client, world):
    assert "Zorgaanbieders in Epe" in client.get("/vinden/0232/").content.decode()


def test_distance_and_group_filters(client, world):
    page = client.get(
        FINDER,
        {"postcode": "8161 ab", "afstand": "10", "productgroep": "wmo-begeleiding-individueel"},
    ).content.decode()
    assert "2 aanbieders gecontracteerd" in page
    assert page.index("Dichtbij Begeleiding Epe") < page.index("Vol Zit Zorg")
    assert "Verweg Zorg Apeldoorn" not in page
    assert "op 1,0 km" in page


@pytest.mark.parametrize(
    "params, message",
    [
        ({"postcode": "0000"}, "0000 is geen postcode"),
        ({"postcode": "9999ZZ"}, "Postcode 9999 ZZ staat niet in de postcodetabel"),
        ({"postcode": "8161 AB", "afstand": "7"}, "Kies een afstand uit de lijst"),
        ({"afstand": "10"}, "Geef uw postcode om binnen een afstand te zoeken"),
        ({"productgroep": "<script>"}, "&lt;script&gt; is geen soort ondersteuning"),
        ({"intensiteit": "abc"}, "abc is geen product in deze gemeente"),
        ({"doelgroep": "robots"}, "robots is geen doelgroep"),
        ({"datum": "gisteren"}, "Geef een datum zoals 01-03-2026"),
        ({"datum": "1900-01-01"}, "Geef een datum tussen 2000 en 2100"),
        ({"zoek": "x" * 101}, "Zoek met maximaal 100 tekens"),
        ({"postcode": "８１６１AB"}, "is geen postcode"),
    ],
)
def test_bad_filter_values_give_a_dutch_message_not_an_error(client, world, params, message):
    response = client.get(FINDER, params)
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert 'role="alert"' in page
    assert "Dichtbij Begeleiding Epe" not in page  # no results beside a wrong search


def test_a_page_number_out_of_range_is_no_error(client, world):
    assert client.get(FINDER, {"pagina": "999"}).status_code == 200
    assert client.get(FINDER, {"pagina": "x"}).status_code == 200


def test_an_unknown_municipality_is_a_404(client, world):
    assert client.get("/vinden/atlantis/").status_code == 404
    assert client.get("/vinden/9999/").status_code == 404


def test_provider_page_shows_offer_waiting_time_contact_and_published_satisfaction(client, world):
    page = client.get(reverse("vinder:provider", args=["epe", world.near.pk])).content.decode()
    assert "Dichtbij Begeleiding Epe" in page
    assert "2,5 weken" in page and "20-05-2026" in page  # reported for Basis in Epe
    assert "9,0 weken" not in page  # the report for Apeldoorn
    assert "0578 123 456" in page and "info@example.nl" in page and "https://www.example.nl" in page
    assert "8,1 van de 10, van 25 cliënten" in page
    assert "Mensen met autisme" in page and "Hoofdstraat 1, 8162 CD Epe" in page


def test_provider_text_with_markup_is_shown_escaped(client, world):
    for url in (FINDER, reverse("vinder:provider", args=["epe", world.near.pk])):
        page = client.get(url).content.decode()
        assert "<script>alert" not in page
        assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page


def test_satisfaction_from_too_few_respondents_is_never_shown(client, world):
    page = client.get(reverse("vinder:provider", args=["epe", world.far.pk])).content.decode()
    assert "Cliënttevredenheid" not in page and "4,3" not in page


def test_provider_without_a_current_admission_there_is_a_404(client, world):
    for provider in (world.draft, world.ended, world.elsewhere, world.drenthe):
        assert client.get(reverse("vinder:provider", args=["epe", provider.pk])).status_code == 404
    # the ended one held in March: its page then, not now
    url = reverse("vinder:provider", args=["epe", world.ended.pk])
    assert client.get(url, {"datum": "2026-03-01"}).status_code == 200
    assert client.get(reverse("vinder:provider", args=["epe", 999999])).status_code == 404


def test_provider_page_with_a_bad_postcode_is_a_message(client, world):
    response = client.get(
        reverse("vinder:provider", args=["epe", world.near.pk]), {"postcode": "abc"}
    )
    assert response.status_code == 200
    assert "abc is geen postcode" in response.content.decode()


def test_nothing_about_clients_or_monitor_figures_on_the_finder(client, world):
    page = (
        client.get(FINDER).content.decode()
        + client.get(reverse("vinder:provider", args=["epe", world.near.pk])).content.decode()
    )
    for word in ("BSN", "cliënten in zorg", "uitgaven", "€"):
        assert word not in page


def test_the_finder_is_in_english_too(client, world):
    with translation.override("en"):
        client.cookies["django_language"] = "en"
        page = client.get(FINDER, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Care providers in Epe" in page


# --- the edit screen ---------------------------------------------------------------------------


def _post(client, provider, **extra):
    data = {
        "description": "Nieuw aanbod", "approach": "", "specialisms": "autisme",
        "target_groups": ["jeugd"], "languages": ["nl"], "phone": "0578 654 321",
        "email": "zorg@example.nl", "website": "https://zorg.example.nl",
        "locatie-TOTAL_FORMS": "1", "locatie-INITIAL_FORMS": "0",
        "locatie-0-name": "Epe", "locatie-0-street": "Markt", "locatie-0-house_number": "3",
        "locatie-0-postcode": "8161 AB", "locatie-0-city": "Epe", **extra,
    }  # fmt: skip
    return client.post(reverse("vinder:offer_edit", args=[provider.pk]), data)


def test_the_provider_edits_its_own_offer(client, world):
    client.force_login(world.users["aanbieder"])
    url = reverse("vinder:offer_edit", args=[world.near.pk])
    page = client.get(url).content.decode()
    assert "Aanbod in de zorgvinder" in page and "&lt;script&gt;" in page
    response = _post(client, world.near)
    assert response.status_code == 302
    offer = Offer.objects.get(provider=world.near)
    assert offer.description == "Nieuw aanbod" and offer.target_groups == ["jeugd"]
    assert [loc.postcode for loc in offer.locations.all()] == ["8161AB"]
    assert AuditEvent.objects.filter(actor=world.users["aanbieder"]).exists()
    page = client.get(reverse("vinder:provider", args=["epe", world.near.pk])).content.decode()
    assert "Nieuw aanbod" in page and "Markt 3, 8161 AB Epe" in page


def test_bad_input_on_the_edit_screen_is_shown_in_dutch_and_nothing_is_saved(client, world):
    client.force_login(world.users["aanbieder"])
    response = _post(client, world.near, **{"website": "ftp://x", "locatie-0-postcode": "12345"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "begint met https://" in page
    assert "Locatie 1: 12345 is geen Nederlandse postcode" in page
    assert Offer.objects.get(provider=world.near).description.startswith("Wij helpen")


def test_another_provider_gets_a_404_and_changes_nothing(client, world):
    client.force_login(world.users["aanbieder_far"])
    url = reverse("vinder:offer_edit", args=[world.near.pk])
    assert client.get(url).status_code == 404
    assert _post(client, world.near).status_code == 404
    assert Offer.objects.get(provider=world.near).description.startswith("Wij helpen")


@pytest.mark.parametrize("role, status", [("gemeente", 404), ("raad", 404), ("beheerder", 404),
                                          ("regio_b", 404)])  # fmt: skip
def test_other_roles_and_regions_may_not_edit(client, world, role, status):
    client.force_login(world.users[role])
    assert client.get(reverse("vinder:offer_edit", args=[world.near.pk])).status_code == status
    assert _post(client, world.near).status_code == status


def test_the_regional_team_edits_an_offer_of_its_region(client, world):
    client.force_login(world.users["regio"])
    assert client.get(reverse("vinder:offer_edit", args=[world.far.pk])).status_code == 200
    assert _post(client, world.far).status_code == 302
    assert client.get(reverse("vinder:offer_edit", args=[world.drenthe.pk])).status_code == 404


def test_anonymous_is_sent_to_the_login(client, world):
    response = client.get(reverse("vinder:offer_edit", args=[world.near.pk]))
    assert response.status_code == 302 and "/inloggen/" in response["Location"]


def test_the_dossier_screen_links_to_the_offer(client, world):
    client.force_login(world.users["aanbieder"])
    page = client.get(reverse("contracten:provider", args=[world.near.pk])).content.decode()
    assert reverse("vinder:offer_edit", args=[world.near.pk]) in page


def test_unknown_location_postcodes_are_named_on_the_edit_screen(client, world):
    client.force_login(world.users["aanbieder"])
    _post(client, world.near, **{"locatie-0-postcode": "8199 ZZ"})
    page = client.get(reverse("vinder:offer_edit", args=[world.near.pk])).content.decode()
    assert "8199ZZ" in page and "niet in de postcodetabel" in page


def test_index_lists_municipalities(client, world):
    page = client.get("/vinden/").content.decode()
    assert "/vinden/epe/" in page and "/vinden/meppel/" in page


def test_future_date_shows_what_holds_then(client, world):
    page = client.get(FINDER, {"datum": "2031-01-01"}).content.decode()
    assert "0 aanbieders gecontracteerd" in page


def test_a_providers_own_website_is_linked_only_when_it_is_http(client, world):
    from zorgregio.aanbieders.models import Provider

    Offer.objects.filter(provider=world.far).update(website="", phone="", email="")
    Provider.objects.filter(pk=world.far.pk).update(website="javascript:alert(1)")
    page = client.get(reverse("vinder:provider", args=["epe", world.far.pk])).content.decode()
    assert "javascript:" not in page
    Provider.objects.filter(pk=world.far.pk).update(website="https://verweg.example.nl")
    page = client.get(reverse("vinder:provider", args=["epe", world.far.pk])).content.decode()
    assert 'href="https://verweg.example.nl"' in page
