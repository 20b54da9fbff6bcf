"""The offer and the postcode table: validated in full, Dutch messages, nothing half-written,
audited, and only the provider itself or its region's team may change an offer."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from zorgregio.audit.models import AuditEvent
from zorgregio.vinder import services
from zorgregio.vinder.geo import haversine_km, normalise_postcode
from zorgregio.vinder.models import Location, Offer, Postcode

pytestmark = pytest.mark.django_db

LOCATION = {
    "name": "Epe",
    "street": "Hoofdstraat",
    "house_number": "12a",
    "postcode": "8161 ab",
    "city": "Epe",
}


@pytest.fixture(autouse=True)
def dutch():
    with translation.override("nl"):
        yield


def test_the_provider_saves_its_own_offer_with_locations_and_it_is_audited(world):
    user = world.users["aanbieder"]
    offer = services.offer_save(
        actor=user,
        provider=world.near,
        description="Nieuwe tekst",
        languages=["nl", "en"],
        target_groups=["jeugd"],
        locations=[LOCATION, {**LOCATION, "name": "Tweede", "postcode": "8162CD"}],
    )
    offer.refresh_from_db()
    assert offer.description == "Nieuwe tekst"
    assert [loc.postcode for loc in offer.locations.order_by("name")] == ["8161AB", "8162CD"]
    event = AuditEvent.objects.filter(actor=user).latest("pk")
    assert event.before["description"].startswith("Wij helpen")
    assert event.after["description"] == "Nieuwe tekst"
    assert len(event.after["locations"]) == 2


def test_the_regional_team_may_edit_a_providers_offer_of_its_region_only(world):
    services.offer_save(actor=world.users["regio"], provider=world.far, description="Door de regio")
    assert Offer.objects.get(provider=world.far).description == "Door de regio"
    with pytest.raises(PermissionDenied):
        services.offer_save(actor=world.users["regio"], provider=world.drenthe, description="x")
    with pytest.raises(PermissionDenied):
        services.offer_save(actor=world.users["regio_b"], provider=world.far, description="x")


@pytest.mark.parametrize("role", ["aanbieder_far", "gemeente", "raad", "beheerder"])
def test_others_may_not_change_an_offer(world, role):
    with pytest.raises(PermissionDenied):
        services.offer_save(actor=world.users[role], provider=world.near, description="Overgenomen")
    assert Offer.objects.get(provider=world.near).description.startswith("Wij helpen")


def test_bad_values_give_dutch_messages_per_field_and_change_nothing(world):
    before = list(Location.objects.filter(offer__provider=world.near).values_list("postcode"))
    with pytest.raises(ValidationError) as caught:
        services.offer_save(
            actor=world.users["aanbieder"],
            provider=world.near,
            description="x" * 2001,
            phone="bel mij",
            email="geen-adres",
            website="javascript:alert(1)",
            target_groups=["marsmannetjes"],
            languages=["kl"],
            locations=[
                LOCATION,
                {**LOCATION, "postcode": "0161 AB", "house_number": "nul"},
                {"name": "Zonder straat", "postcode": "8161AB"},
            ],
        )
    errors = caught.value.message_dict
    assert "Maximaal 2000 tekens" in errors["description"][0]
    assert "telefoonnummer" in errors["phone"][0]
    assert "e-mailadres" in errors["email"][0]
    assert "https://" in errors["website"][0]
    assert "marsmannetjes is geen keuze" in errors["target_groups"][0]
    assert errors["languages"]
    assert any(
        "Locatie 2" in e and "0161 AB is geen Nederlandse postcode" in e and "huisnummer" in e
        for e in errors["locations"]
    )
    assert any("Locatie 3" in e and "ontbreekt" in e for e in errors["locations"])
    assert not any("Locatie 1" in e for e in errors["locations"])
    assert (
        list(Location.objects.filter(offer__provider=world.near).values_list("postcode")) == before
    )
    assert Offer.objects.get(provider=world.near).description.startswith("Wij helpen")


def test_markup_is_kept_as_plain_text_and_control_characters_dropped(world):
    offer = services.offer_save(
        actor=None, provider=world.near, description="<b>Vet</b>\x00 & <img src=x onerror=alert(1)>"
    )
    assert offer.description == "<b>Vet</b> & <img src=x onerror=alert(1)>"


def test_an_empty_location_row_is_ignored_and_too_many_are_refused(world):
    offer = services.offer_save(
        actor=None, provider=world.near, locations=[{"name": " "}, LOCATION]
    )
    assert offer.locations.count() == 1
    with pytest.raises(ValidationError) as caught:
        services.offer_save(actor=None, provider=world.near, locations=[LOCATION] * 21)
    assert "Maximaal 20 locaties" in caught.value.message_dict["locations"][0]


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("8161 AB", "8161AB"),
        ("8161ab", "8161AB"),
        (" 8161  AB", None),
        ("0161AB", None),
        ("8161 SA", None),
        ("８１６１AB", None),
        ("81612AB", None),
        ("", None),
    ],
)
def test_postcodes_are_normalised_or_refused(raw, expected):
    assert normalise_postcode(raw) == expected


def test_haversine_gives_the_distance_between_epe_and_apeldoorn():
    # Epe (52.348, 5.983) to Apeldoorn centre (52.2125, 5.964): about 15 km as the crow flies.
    assert 14.9 < haversine_km(52.348, 5.983, 52.2125, 5.964) < 15.3
    assert haversine_km(52.0, 6.0, 52.0, 6.0) == 0


def test_postcode_set_is_new_then_unchanged_then_changed(db):
    assert (
        services.postcode_set(actor=None, postcode="8161 ab", latitude="52,348", longitude="5.983")[
            1
        ]
        == "new"
    )
    assert (
        services.postcode_set(actor=None, postcode="8161AB", latitude="52.348", longitude="5,983")[
            1
        ]
        == "unchanged"
    )
    assert (
        services.postcode_set(actor=None, postcode="8161AB", latitude="52.349", longitude="5.983")[
            1
        ]
        == "changed"
    )
    assert str(Postcode.objects.get().latitude) == "52.349000"


@pytest.mark.parametrize(
    "values, field, text",
    [
        ({"postcode": "ABCD12"}, "postcode", "geen Nederlandse postcode"),
        ({"latitude": "zuid"}, "latitude", "geen getal"),
        ({"latitude": "40.1"}, "latitude", "buiten Nederland"),
        ({"longitude": "12"}, "longitude", "buiten Nederland"),
    ],
)
def test_postcode_set_refuses_bad_rows_in_dutch(db, values, field, text):
    row = {"postcode": "8161AB", "latitude": "52.3", "longitude": "5.9", **values}
    with pytest.raises(ValidationError) as caught:
        services.postcode_set(actor=None, **row)
    assert text in caught.value.message_dict[field][0]
    assert not Postcode.objects.exists()


def test_only_the_regional_team_sets_postcodes(world):
    with pytest.raises(PermissionDenied):
        services.postcode_set(
            actor=world.users["aanbieder"], postcode="8161AB", latitude="52.3", longitude="5.9"
        )
