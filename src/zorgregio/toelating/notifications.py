"""E-mail to providers when something happens to what they submitted: a question answered,
evidence requested, a decision taken, a decision final.

Sent through Django's e-mail backend (SMTP in production, the console in DEBUG) after
the transaction commits, so a rolled-back change never sends mail. A failing mail server is
logged and does not undo the change: the provider also sees everything in zorgregio.
"""

from __future__ import annotations

import contextvars
import logging
from contextlib import contextmanager

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from .models import LineOutcome

logger = logging.getLogger(__name__)


_SUPPRESSED = contextvars.ContextVar("toelating_mail_suppressed", default=False)


@contextmanager
def suppressed():
    """No mail for what happens inside (the demo builds history; nobody is waiting for it)."""
    token = _SUPPRESSED.set(True)
    try:
        yield
    finally:
        _SUPPRESSED.reset(token)


def _link(name: str, *args) -> str:
    return settings.ZORGREGIO_SITE_URL.rstrip("/") + reverse(name, args=args)


def _send(recipients, subject_text, template: str, context: dict) -> None:
    recipients = sorted({r for r in recipients if r})
    if not recipients or _SUPPRESSED.get():
        return
    with translation.override(settings.LANGUAGE_CODE):
        subject = str(subject_text())
        body = render_to_string(f"toelating/email/{template}.txt", context)

    def deliver():
        try:
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
        except Exception:  # the change stands; the provider sees it in zorgregio too
            logger.exception("E-mail '%s' to %s could not be sent", subject, recipients)

    transaction.on_commit(deliver)


def _application_recipients(application) -> list[str]:
    return [application.contact_email or application.provider.email]


def question_answered(question) -> None:
    asker = question.asked_by
    _send(
        [getattr(asker, "email", "") or question.provider.email],
        lambda: (
            _("Your question about %(procedure)s has been answered")
            % {"procedure": question.procedure}
        ),
        "question_answered",
        {"question": question, "link": _link("toelating:questions", question.procedure_id)},
    )


def evidence_requested(request) -> None:
    application = request.application
    _send(
        _application_recipients(application),
        lambda: (
            _("Additional evidence requested for application %(number)s")
            % {"number": application.number}
        ),
        "evidence_requested",
        {
            "request": request,
            "application": application,
            "link": _link("toelating:application", application.pk),
        },
    )


def decision_taken(decision) -> None:
    application = decision.application
    _send(
        _application_recipients(application),
        lambda: _("Decision on application %(number)s") % {"number": application.number},
        "decision_taken",
        {
            "decision": decision,
            "application": application,
            "lines": decision.lines.select_related("product_group", "municipality"),
            "link": _link("toelating:application", application.pk),
        },
    )


def decision_final(decision) -> None:
    application = decision.application
    _send(
        _application_recipients(application),
        lambda: (
            _("The decision on application %(number)s is final") % {"number": application.number}
        ),
        "decision_final",
        {
            "decision": decision,
            "admitted": decision.lines.filter(outcome=LineOutcome.ADMITTED).exists(),
            "application": application,
            "link": _link("toelating:application", application.pk),
        },
    )
