"""Questions only through zorgregio; answers in numbered, anonymised Nota's van Inlichtingen;
a confidential answer only for the asker."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zorgregio.accounts.tests.factories import UserFactory
from zorgregio.producten.tests.test_exports import pdf_text
from zorgregio.toelating import selectors, services, storage
from zorgregio.toelating.models import QuestionStatus

pytestmark = pytest.mark.django_db


def messages(info) -> str:
    return " ".join(info.value.messages)


@pytest.fixture
def asker(users, provider):
    return users["aanbieder"]


@pytest.fixture
def stranger(other_provider, region):
    return UserFactory(provider_user=True, provider=other_provider, region=region, username="ander")


def ask(procedure, user, text="Mag dat?", **kwargs):
    return services.question_ask(actor=user, procedure=procedure, text=text, **kwargs)


def test_questions_until_the_deadline_only(procedure, asker):
    with pytest.raises(ValidationError) as info:
        ask(procedure, asker, now=procedure.question_deadline + dt.timedelta(seconds=1))
    assert "te laat" in messages(info)
    ask(procedure, asker, now=procedure.question_deadline)


@pytest.mark.parametrize("role", ["regio", "gemeente", "raad", "beheerder"])
def test_only_providers_ask(procedure, users, role):
    with pytest.raises(PermissionDenied):
        ask(procedure, users[role])


def test_a_confidential_question_needs_its_reason(procedure, asker):
    with pytest.raises(ValidationError) as info:
        ask(procedure, asker, confidential=True)
    assert "vertrouwelijk" in messages(info)
    assert not procedure.questions.exists()


def test_nota_publishes_answered_public_questions_numbered_and_anonymised(
    procedure, asker, stranger, members
):
    team = members[0]
    first = ask(procedure, asker, "Vraag van Thuiszorg Hendriks over perceel 1?")
    secret = ask(
        procedure,
        asker,
        "Onze overname?",
        confidential=True,
        confidential_reason="Bedrijfsgevoelig",
    )
    ask(procedure, stranger, "Nog open?")
    services.question_answer(
        actor=team, question=first, answer="Ja.", public_text="Vraag over perceel 1?"
    )
    services.question_answer(actor=team, question=secret, answer="Telt mee vanaf de overname.")
    nota = services.nota_publish(actor=team, procedure=procedure, intro="Eerste ronde.")
    first.refresh_from_db()
    secret.refresh_from_db()
    assert nota.number == 1 and first.number == 1 and first.status == QuestionStatus.PUBLISHED
    assert (
        secret.status == QuestionStatus.ANSWERED and secret.nota is None and secret.number is None
    )
    text = pdf_text(storage.read_bytes(nota.pdf_key))
    assert "Vraag over perceel 1?" in text and "Ja." in text
    assert "Hendriks" not in text and asker.provider.name not in text
    assert "overname" not in text.lower()
    # The next Nota numbers on.
    later = ask(procedure, stranger, "En dit?")
    services.question_answer(actor=team, question=later, answer="Nee.")
    second = services.nota_publish(actor=team, procedure=procedure)
    later.refresh_from_db()
    assert second.number == 2 and later.number == 2
    with pytest.raises(ValidationError):
        services.nota_publish(actor=team, procedure=procedure)
    # A published answer cannot change.
    with pytest.raises(ValidationError):
        services.question_answer(actor=team, question=first, answer="Toch niet.")


def test_a_confidential_answer_is_seen_by_the_asker_only(
    procedure, asker, stranger, members, users
):
    secret = ask(
        procedure,
        asker,
        "Onze overname?",
        confidential=True,
        confidential_reason="Bedrijfsgevoelig",
    )
    services.question_answer(actor=members[0], question=secret, answer="Telt mee.")
    assert secret in selectors.questions_visible_to(asker)
    assert secret in selectors.questions_visible_to(members[0])
    for user in (stranger, users["gemeente"], users["raad"], users["beheerder"], None):
        assert secret not in selectors.questions_visible_to(user)
    assert secret not in selectors.published_questions(procedure)
