"""Regieberichten (starts and stops without a toewijzing) are client data: scoped by role and
audited where shown (issue 20)."""

import datetime as dt

import pytest
from django.urls import reverse

from zorgregio.aanbieders.tests.factories import ProviderFactory
from zorgregio.audit.models import AuditAction, AuditEvent
from zorgregio.monitor.tests.factories import ClientFactory, ProductGroupFactory
from zorgregio.zorg import selectors
from zorgregio.zorg.models import Regiebericht

pytestmark = pytest.mark.django_db


@pytest.fixture
def messages(users, apeldoorn, zutphen):
    group = ProductGroupFactory(name="Begeleiding groep")
    own = users["aanbieder"].provider
    other = ProviderFactory(name="Andere aanbieder")
    rows = {}
    for name, provider, municipality in (
        ("own-apeldoorn", own, apeldoorn),
        ("other-apeldoorn", other, apeldoorn),
        ("own-zutphen", own, zutphen),
    ):
        rows[name] = Regiebericht.objects.create(
            municipality=municipality, provider=provider, client=ClientFactory(), law="wmo",
            kind="start", group=group, begindatum=dt.date(2026, 5, 4),
        )  # fmt: skip
    return rows


def _names(user, messages):
    seen = set(selectors.regieberichten(user).values_list("pk", flat=True))
    return {name for name, row in messages.items() if row.pk in seen}


def test_each_role_sees_its_own_regieberichten(users, messages):
    assert _names(users["regio"], messages) == set(messages)
    assert _names(users["aanbieder"], messages) == {"own-apeldoorn", "own-zutphen"}
    assert _names(users["gemeente"], messages) == {"own-apeldoorn", "other-apeldoorn"}
    assert _names(users["raad"], messages) == set()  # aggregates only
    assert _names(users["beheerder"], messages) == set()


def test_the_client_page_shows_them_to_whoever_may_see_them(client, users, messages):
    theirs = reverse("zorg:client", args=[messages["other-apeldoorn"].client_id])
    client.force_login(users["aanbieder"])
    assert client.get(theirs).status_code == 404  # another provider's client
    mine = reverse("zorg:client", args=[messages["own-zutphen"].client_id])
    page = client.get(mine)
    assert page.status_code == 200
    assert "Regiebericht (zonder toewijzing)" in page.content.decode()
    assert AuditEvent.objects.filter(
        actor=users["aanbieder"], action=AuditAction.VIEW, message="tijdlijn"
    ).exists()
    client.force_login(users["gemeente"])  # Apeldoorn staff: not Zutphen's
    assert client.get(mine).status_code == 404
    assert client.get(theirs).status_code == 200
