import pytest
from django.core.exceptions import ValidationError

from zorgregio.aanbieders.models import Provider, ProviderAddress
from zorgregio.aanbieders.services import provider_create, provider_update
from zorgregio.audit.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db

ADDRESS = {"street": "Markt", "house_number": "1", "postcode": "7311 AB", "city": "Apeldoorn"}


def test_create_provider_with_address_is_audited(users):
    provider = provider_create(
        actor=users["regio"],
        name=" Zorg B.V. ",
        kvk_number="12345678",
        agb_code="97000001",
        addresses=[ADDRESS],
    )
    assert provider.name == "Zorg B.V."
    assert provider.addresses.get().postcode == "7311 AB"
    event = AuditEvent.objects.get(action=AuditAction.CREATE, object_id=str(provider.pk))
    assert event.actor == users["regio"]
    assert event.after["kvk_number"] == "12345678"


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"kvk_number": "1234"}, "kvk_number", "KvK-nummer 1234 is ongeldig"),
        ({"agb_code": "97-00001"}, "agb_code", "AGB-code 97-00001 is ongeldig"),
    ],
)
def test_invalid_identifiers_are_refused_in_dutch(users, fields, field, message):
    data = {"name": "Zorg", "kvk_number": "12345678", "agb_code": "97000001", **fields}
    with pytest.raises(ValidationError) as exc:
        provider_create(actor=users["regio"], **data)
    assert message in " ".join(exc.value.message_dict[field])
    assert not Provider.objects.filter(name="Zorg").exists()


def test_duplicate_kvk_and_agb_are_refused(users):
    provider_create(actor=users["regio"], name="Eerste", kvk_number="12345678", agb_code="97000001")
    with pytest.raises(ValidationError) as exc:
        provider_create(actor=users["regio"], name="Tweede", kvk_number="12345678")
    assert "Er bestaat al een zorgaanbieder met KvK-nummer 12345678." in exc.value.messages
    with pytest.raises(ValidationError) as exc:
        provider_create(
            actor=users["regio"], name="Derde", kvk_number="87654321", agb_code="97000001"
        )
    assert "Er bestaat al een zorgaanbieder met AGB-code 97000001." in exc.value.messages
    assert Provider.objects.filter(name__in=["Tweede", "Derde"]).count() == 0


def test_bad_address_saves_nothing(users):
    with pytest.raises(ValidationError) as exc:
        provider_create(
            actor=users["regio"],
            name="Half",
            kvk_number="11112222",
            addresses=[{**ADDRESS, "postcode": "ABCD 12"}],
        )
    assert "geen Nederlandse postcode" in " ".join(exc.value.messages)
    assert not Provider.objects.filter(kvk_number="11112222").exists()
    assert not ProviderAddress.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditAction.CREATE).exists()


def test_update_records_before_and_after(users):
    provider = provider_create(actor=users["regio"], name="Oud", kvk_number="12345678")
    provider_update(actor=users["regio"], provider=provider, name="Nieuw")
    event = AuditEvent.objects.get(action=AuditAction.UPDATE)
    assert event.changes() == [("name", "Oud", "Nieuw")]
