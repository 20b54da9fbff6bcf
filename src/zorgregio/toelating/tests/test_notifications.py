"""E-mail to providers through a real SMTP server that the test starts (aiosmtpd)."""

import email
import socket

import pytest
from aiosmtpd.controller import Controller
from django.test import override_settings
from django.utils import timezone

from zorgregio.toelating import services

from .factories import DAY, assess_everything, submitted_application

pytestmark = pytest.mark.django_db(transaction=True)


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages.append((envelope.rcpt_tos, email.message_from_bytes(envelope.content)))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=controller.port,
        EMAIL_USE_TLS=False,
        DEFAULT_FROM_EMAIL="regio@zorgregio.example",
    ):
        yield inbox
    controller.stop()


def body(message) -> str:
    return message.get_payload(decode=True).decode(message.get_content_charset() or "utf-8")


def test_evidence_request_decision_and_answer_reach_the_provider(
    smtp, procedure, catalogue, requirements, members, provider, apeldoorn, users
):
    application = submitted_application(procedure, catalogue, requirements, provider, [apeldoorn])
    services.assessment_start(actor=members[0], application=application, assessors=members)
    services.evidence_request(
        actor=members[0],
        application=application,
        requirement=requirements["GVA"],
        description="Stuur de GVA.",
    )
    ((to, message),) = smtp.messages
    assert to == ["anouk@example.nl"]
    assert application.number in message["Subject"] and message["From"] == "regio@zorgregio.example"
    text = body(message)
    assert (
        "Stuur de GVA." in text and (timezone.localdate() + 14 * DAY).strftime("%-d-%-m-%Y") in text
    )

    assess_everything(application, members)
    request = application.evidence_requests.get()
    from .factories import pdf_upload

    services.evidence_supply(
        actor=users["aanbieder"],
        request=request,
        upload=pdf_upload(),
        issued_on=timezone.localdate(),
    )
    decision = services.decision_take(
        actor=members[1],
        application=application,
        motivation="Voldaan.",
        start_date=timezone.localdate() + 40 * DAY,
    )
    _to, message = smtp.messages[-1]
    assert "Besluit" in message["Subject"]
    assert decision.objection_until.strftime("%-d-%-m-%Y") in body(message)

    users["aanbieder"].email = "vragen@aanbieder.nl"
    users["aanbieder"].save()
    question = services.question_ask(
        actor=users["aanbieder"],
        procedure=procedure,
        text="Vertrouwelijk?",
        confidential=True,
        confidential_reason="Intern",
    )
    services.question_answer(actor=members[0], question=question, answer="Ja, alleen voor u.")
    to, message = smtp.messages[-1]
    assert to == ["vragen@aanbieder.nl"] and "Ja, alleen voor u." in body(message)


def test_a_refused_change_sends_no_mail(
    smtp, procedure, catalogue, requirements, members, provider, apeldoorn
):
    application = submitted_application(procedure, catalogue, requirements, provider, [apeldoorn])
    services.assessment_start(actor=members[0], application=application, assessors=members)
    with pytest.raises(Exception):  # noqa: B017 - any failure inside the transaction
        from django.db import transaction

        with transaction.atomic():
            services.evidence_request(
                actor=members[0],
                application=application,
                requirement=requirements["GVA"],
                description="x",
            )
            raise RuntimeError("crash halfway")
    assert smtp.messages == []
    assert not application.evidence_requests.exists()


def test_a_failing_mail_server_does_not_undo_the_change(
    procedure, catalogue, requirements, members, provider, apeldoorn
):
    application = submitted_application(procedure, catalogue, requirements, provider, [apeldoorn])
    services.assessment_start(actor=members[0], application=application, assessors=members)
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=free_port(),
    ):
        services.evidence_request(
            actor=members[0],
            application=application,
            requirement=requirements["GVA"],
            description="x",
        )
    assert application.evidence_requests.count() == 1
