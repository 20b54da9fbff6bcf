"""Each role sees exactly its scope; the rules live in accounts.scoping only."""

import pytest

from zorgregio.aanbieders.models import Provider
from zorgregio.aanbieders.tests.factories import ProviderFactory
from zorgregio.accounts.scoping import scope_for
from zorgregio.accounts.tests.factories import UserFactory
from zorgregio.regio.models import Municipality
from zorgregio.regio.tests.factories import MunicipalityFactory, RegionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_region_municipality():
    other = RegionFactory(name="Regio Rivierenland", slug="rivierenland")
    return MunicipalityFactory(region=other, cbs_code="0281", name="Tiel")


def visible_names(user):
    return sorted(Municipality.objects.visible_to(user).values_list("name", flat=True))


def test_regional_team_sees_its_whole_region_only(users, other_region_municipality):
    assert visible_names(users["regio"]) == ["Apeldoorn", "Zutphen"]
    assert scope_for(users["regio"]).client_data
    assert scope_for(users["regio"]).manages_region


def test_municipality_staff_sees_only_its_own_municipality(users):
    assert visible_names(users["gemeente"]) == ["Apeldoorn"]
    scope = scope_for(users["gemeente"])
    assert scope.client_data
    assert not scope.manages_region


def test_municipality_staff_with_two_municipalities(users, zutphen):
    users["gemeente"].municipalities.add(zutphen)
    users["gemeente"].__dict__.pop("_zorgregio_scope", None)  # as in a new request
    assert visible_names(users["gemeente"]) == ["Apeldoorn", "Zutphen"]


def test_provider_user_sees_only_its_own_provider(users):
    ProviderFactory.create_batch(3)
    visible = Provider.objects.visible_to(users["aanbieder"])
    assert list(visible) == [users["aanbieder"].provider]
    assert visible_names(users["aanbieder"]) == ["Apeldoorn", "Zutphen"]


def test_council_member_sees_aggregates_only(users):
    scope = scope_for(users["raad"])
    assert visible_names(users["raad"]) == ["Apeldoorn", "Zutphen"]
    assert not scope.client_data
    assert not scope.manages_region


def test_administrator_has_no_client_data(users, other_region_municipality):
    scope = scope_for(users["beheerder"])
    assert visible_names(users["beheerder"]) == ["Apeldoorn", "Tiel", "Zutphen"]
    assert not scope.client_data
    # A technical role: it manages accounts and settings, not the register (issue 11.9).
    assert not scope.manages_region
    assert scope.spans_regions


def test_only_the_regional_team_manages_the_region(users):
    managing = [role for role, user in users.items() if scope_for(user).manages_region]
    assert managing == ["regio"]


def test_user_without_role_sees_nothing(region, apeldoorn):
    user = UserFactory(without_role=True, region=region)
    assert visible_names(user) == []
    assert not Provider.objects.visible_to(user).exists()


def test_client_level_querysets_are_denied_by_default(users, apeldoorn, zutphen):
    """Scope.filter on client-level data: own municipality, own provider, or nothing."""
    qs = Municipality.objects.all()
    assert list(scope_for(users["gemeente"]).filter(qs, municipality="pk", client_level=True)) == [
        apeldoorn
    ]
    # A scoped role whose path is not given gets nothing rather than everything.
    assert not scope_for(users["gemeente"]).filter(qs, client_level=True).exists()
    assert (
        not scope_for(users["aanbieder"]).filter(qs, municipality="pk", client_level=True).exists()
    )
    assert not scope_for(users["raad"]).filter(qs, municipality="pk", client_level=True).exists()
    assert scope_for(users["raad"]).filter(qs, municipality="pk").count() == 2
    assert scope_for(users["regio"]).filter(qs, municipality="pk", client_level=True).count() == 2


def test_inactive_user_has_no_scope(users):
    users["regio"].is_active = False
    users["regio"].save()
    users["regio"].__dict__.pop("_zorgregio_scope", None)
    assert not scope_for(users["regio"]).has_role
