import datetime as dt

import pytest

from zorgregio.aanbieders.tests.factories import ProviderFactory
from zorgregio.accounts.tests.factories import UserFactory
from zorgregio.zorg import selectors
from zorgregio.zorg.models import Toewijzing
from zorgregio.zorg.services import client_for_bsn, decrypt_bsn, pseudonym

BSN = "999900006"


def test_pseudonym_is_keyed_and_stable(settings):
    first = pseudonym(BSN)
    assert first == pseudonym(BSN) and BSN not in first and len(first) == 64
    settings.ZORGREGIO_PSEUDONYM_KEY = "another-key"
    assert pseudonym(BSN) != first


@pytest.fixture
def toewijzing(apeldoorn):
    client = client_for_bsn(BSN, dt.date(2010, 2, 14))
    return Toewijzing.objects.create(
        municipality=apeldoorn, provider=ProviderFactory(), client=client, law="jw",
        toewijzingnummer="1", toewijzingsdatum=dt.date(2026, 1, 1),
        ingangsdatum=dt.date(2026, 1, 1),
    )  # fmt: skip


@pytest.mark.django_db
def test_client_stored_encrypted_and_found_by_bsn(users, toewijzing):
    client = toewijzing.client
    assert decrypt_bsn(client.bsn_encrypted) == BSN and BSN not in client.bsn_encrypted
    assert client_for_bsn(BSN) == client  # the same BSN is the same client
    assert selectors.client_by_bsn(users["gemeente"], BSN) == client


@pytest.mark.django_db
def test_timeline_only_for_roles_and_scope_that_may_see_it(users, toewijzing, zutphen):
    client = toewijzing.client
    assert selectors.visible_client(users["regio"], client.pk) == client
    assert selectors.visible_client(users["gemeente"], client.pk) == client
    # Another provider, the council, the administrator and another municipality see nothing.
    assert selectors.visible_client(users["aanbieder"], client.pk) is None
    assert selectors.visible_client(users["raad"], client.pk) is None
    assert selectors.visible_client(users["beheerder"], client.pk) is None
    other = UserFactory(municipality_staff=True, region=zutphen.region, municipalities=[zutphen])
    assert selectors.visible_client(other, client.pk) is None
    own = UserFactory(provider_user=True, provider=toewijzing.provider, region=zutphen.region)
    events = selectors.timeline(own, client)
    assert [e["kind"] for e in events] == ["toewijzing"]
