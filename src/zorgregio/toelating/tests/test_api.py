"""The read API: procedures and published answers for anyone, applications and decisions
only for the regional team and the applicant."""

import pytest
from django.utils import timezone

from zorgregio.accounts.tests.factories import UserFactory
from zorgregio.toelating import services
from zorgregio.toelating.models import Procedure

from .factories import START, submitted_application

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(
    procedure, catalogue, requirements, members, provider, other_provider, apeldoorn, users, region
):
    application = submitted_application(procedure, catalogue, requirements, provider, [apeldoorn])
    secret = services.question_ask(
        actor=users["aanbieder"],
        procedure=procedure,
        text="Geheim?",
        confidential=True,
        confidential_reason="x",
    )
    services.question_answer(actor=members[0], question=secret, answer="Geheim antwoord")
    public = services.question_ask(actor=users["aanbieder"], procedure=procedure, text="Openbaar?")
    services.question_answer(actor=members[0], question=public, answer="Openbaar antwoord")
    services.nota_publish(actor=members[0], procedure=procedure)
    Procedure.objects.create(
        region=region,
        agreement=procedure.agreement,
        title="Concept",
        reference="concept-2028",
        question_deadline=timezone.now(),
        admission_start=START,
    )
    stranger = UserFactory(provider_user=True, provider=other_provider, region=region)
    return application, stranger


def get(client, user, url):
    client.logout()
    if user is not None:
        client.force_login(user)
    return client.get(f"/api/v1/{url}/")


def test_procedures_are_public_and_drafts_only_for_the_team(client, data, members, users):
    public = get(client, None, "toelatingsprocedures").json()
    assert [p["reference"] for p in public["results"]] == ["wmo-2027"]
    procedure = public["results"][0]
    assert {lot["product_group_code"] for lot in procedure["lots"]} == {"begeleiding", "hh"}
    assert procedure["documents"][0]["title"] == "Inkoopdocument"
    team = get(client, members[0], "toelatingsprocedures").json()
    assert {p["reference"] for p in team["results"]} == {"wmo-2027", "concept-2028"}
    for role in ("aanbieder", "gemeente", "raad", "beheerder"):
        assert get(client, users[role], "toelatingsprocedures").json()["count"] == 1, role


def test_published_answers_never_hold_a_confidential_one_or_the_asker(client, data):
    answers = get(client, None, "inlichtingen").json()["results"]
    assert [a["answer"] for a in answers] == ["Openbaar antwoord"]
    assert set(answers[0]) == {
        "procedure",
        "nota",
        "number",
        "reference",
        "question",
        "answer",
        "published_at",
    }


def test_applications_and_decisions_are_scoped(client, data, members, users):
    application, stranger = data
    assert [
        a["number"] for a in get(client, members[0], "toelatingsaanvragen").json()["results"]
    ] == [application.number]
    own = get(client, users["aanbieder"], "toelatingsaanvragen").json()["results"]
    assert (
        own[0]["number"] == application.number
        and own[0]["lines"][0]["municipality_cbs_code"] == "0200"
    )
    for user in (stranger, users["gemeente"], users["raad"], users["beheerder"]):
        assert get(client, user, "toelatingsaanvragen").json()["count"] == 0
        assert get(client, user, "toelatingsbesluiten").json()["count"] == 0
        assert get(client, user, f"toelatingsaanvragen/{application.pk}").status_code == 404
    assert get(client, None, "toelatingsaanvragen").status_code in (401, 403)
    assert get(client, None, "toelatingsbesluiten").status_code in (401, 403)
