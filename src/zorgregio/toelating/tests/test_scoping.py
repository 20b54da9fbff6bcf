"""The scoping rules the admission procedure added to accounts/scoping.py, on real rows of
two regions and two providers."""

import pytest
from django.utils import timezone

from zorgregio.aanbieders.tests.factories import ProviderFactory
from zorgregio.accounts.scoping import NO_SCOPE, scope_for
from zorgregio.accounts.tests.factories import UserFactory
from zorgregio.contracten.tests.factories import AgreementFactory
from zorgregio.regio.tests.factories import RegionFactory
from zorgregio.toelating.models import Application, Procedure
from zorgregio.toelating.selectors import PUBLISHED

from .factories import START

pytestmark = pytest.mark.django_db


@pytest.fixture
def rows(users, region):
    elsewhere = RegionFactory(name="Elders", slug="elders")

    def procedure(reg, reference, status):
        return Procedure.objects.create(
            region=reg,
            agreement=AgreementFactory(region=reg),
            title=reference,
            reference=reference,
            status=status,
            question_deadline=timezone.now(),
            admission_start=START,
        )

    here = procedure(region, "hier", "gepubliceerd")
    draft = procedure(region, "concept", "concept")
    there = procedure(elsewhere, "daar", "gepubliceerd")
    other = ProviderFactory(name="Ander")
    own = users["aanbieder"].provider
    apps = {
        "own": Application.objects.create(procedure=here, provider=own, number="A1"),
        "other": Application.objects.create(procedure=here, provider=other, number="A2"),
        "elsewhere": Application.objects.create(procedure=there, provider=own, number="A3"),
    }
    team_elsewhere = UserFactory(regional_team=True, region=elsewhere, username="elders")
    return {"here": here, "draft": draft, "there": there, "apps": apps, "elders": team_elsewhere}


def submissions(user):
    return set(
        scope_for(user)
        .submissions(
            Application.objects.all(), provider="provider_id", region="procedure__region_id"
        )
        .values_list("number", flat=True)
    )


def procedures(user):
    return set(
        scope_for(user)
        .procedures(Procedure.objects.all(), region="region_id", published=PUBLISHED)
        .values_list("reference", flat=True)
    )


def test_only_the_regional_team_runs_procedures(users):
    assert {role for role, user in users.items() if scope_for(user).runs_procedures} == {"regio"}
    assert not NO_SCOPE.runs_procedures


def test_submissions_only_for_the_team_of_the_region_and_the_submitter(users, rows):
    assert submissions(users["regio"]) == {"A1", "A2"}
    assert submissions(rows["elders"]) == {"A3"}
    assert submissions(users["aanbieder"]) == {"A1"}  # its own, in its own region
    for role in ("gemeente", "raad", "beheerder"):
        assert submissions(users[role]) == set(), role
    assert submissions(None) == set()


def test_procedures_drafts_only_for_the_team_published_for_every_role(users, rows):
    assert procedures(users["regio"]) == {"hier", "concept"}
    for role in ("gemeente", "aanbieder", "raad"):
        assert procedures(users[role]) == {"hier"}, role
    assert procedures(users["beheerder"]) == {"hier", "daar"}
    assert procedures(rows["elders"]) == {"daar"}
    assert procedures(None) == set()
