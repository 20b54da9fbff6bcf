"""Questions through zorgregio only, answered by the regional team and published to every
provider as numbered Nota's van Inlichtingen, without the askers; a confidential question's
answer goes to the asker alone."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from zorgregio.accounts.scoping import scope_for
from zorgregio.audit.models import AuditAction
from zorgregio.audit.services import audit_log, snapshot

from .. import notifications, pdf, storage
from ..models import Nota, Procedure, ProcedureStatus, Question, QuestionStatus
from ..rules import fmt_moment
from ..states import QuestionStates
from ._common import now_or, require_team, require_text, user_or_none


@transaction.atomic
def question_ask(
    *,
    actor,
    procedure: Procedure,
    text: str,
    reference: str = "",
    confidential: bool = False,
    confidential_reason: str = "",
    provider=None,
    now: dt.datetime | None = None,
) -> Question:
    """A provider's question, until the deadline for questions."""
    now = now_or(now)
    if actor is not None:
        scope = scope_for(actor)
        if scope.provider_id is None or scope.region_id != procedure.region_id:
            raise PermissionDenied(_("Only providers ask questions."))
        provider = actor.provider
    if procedure.status != ProcedureStatus.PUBLISHED:
        raise ValidationError(_("Questions can only be asked about a published procedure."))
    if now > procedure.question_deadline:
        raise ValidationError(
            _("Questions could be asked until %(deadline)s; this one is too late.")
            % {"deadline": fmt_moment(procedure.question_deadline)}
        )
    text = require_text(text, "text", _("question"))
    reason = confidential_reason.strip()
    if confidential and not reason:
        raise ValidationError({"confidential_reason": _("Say why the question is confidential.")})
    question = Question.objects.create(
        procedure=procedure,
        provider=provider,
        asked_by=user_or_none(actor),
        asked_at=now,
        reference=reference.strip(),
        text=text,
        public_text=text,
        confidential=confidential,
        confidential_reason=reason if confidential else "",
    )
    audit_log(actor=actor, action=AuditAction.CREATE, obj=question, after=snapshot(question))
    return question


@transaction.atomic
def question_answer(
    *,
    actor,
    question: Question,
    answer: str,
    public_text: str = "",
    now: dt.datetime | None = None,
) -> Question:
    """Answer (or correct the answer) until it is published. ``public_text`` is the question
    as the Nota will show it, stripped of anything that identifies the asker."""
    require_team(actor, question.procedure)
    question = Question.objects.select_for_update().get(pk=question.pk)
    if question.status == QuestionStatus.PUBLISHED:
        raise ValidationError(_("This answer was published in a Nota and cannot change."))
    before = snapshot(question)
    first = question.status == QuestionStatus.OPEN
    if first:
        QuestionStates.check(question.status, QuestionStatus.ANSWERED)
    question.answer = require_text(answer, "answer", _("answer"))
    question.public_text = (public_text or "").strip() or question.public_text or question.text
    question.status = QuestionStatus.ANSWERED
    question.answered_by = user_or_none(actor)
    question.answered_at = now_or(now)
    question.save()
    audit_log(
        actor=actor,
        action=AuditAction.TRANSITION if first else AuditAction.UPDATE,
        obj=question,
        before=before,
        after=snapshot(question),
    )
    if question.confidential:
        notifications.question_answered(question)
    return question


def nota_publish(
    *, actor, procedure: Procedure, intro: str = "", now: dt.datetime | None = None
) -> Nota:
    """Publish every answered, non-confidential question not yet published as the next
    Nota van Inlichtingen: numbered on from the previous one, without the askers."""
    require_team(actor, procedure)
    now = now_or(now)
    if not procedure.is_public:
        raise ValidationError(_("Publish the procedure first."))
    with transaction.atomic():
        Procedure.objects.select_for_update().get(pk=procedure.pk)
        questions = list(
            procedure.questions.filter(status=QuestionStatus.ANSWERED, confidential=False).order_by(
                "asked_at", "id"
            )
        )
        if not questions:
            raise ValidationError(_("There are no answered questions to publish."))
        for question in questions:
            QuestionStates.check(question.status, QuestionStatus.PUBLISHED)
        number = (procedure.notas.aggregate(n=Max("number"))["n"] or 0) + 1
        first = (procedure.questions.aggregate(n=Max("number"))["n"] or 0) + 1
        for offset, question in enumerate(questions):
            question.number = first + offset
        nota = Nota(
            procedure=procedure,
            number=number,
            intro=intro.strip(),
            published_at=now,
            published_by=user_or_none(actor),
        )
        with storage.saving(pdf.nota_pdf(nota, questions)) as stored:
            nota.pdf_key, nota.pdf_sha256 = stored.key, stored.sha256
            nota.save()
            for question in questions:
                question.status = QuestionStatus.PUBLISHED
                question.nota = nota
                question.save(update_fields=["status", "nota", "number"])
            audit_log(
                actor=actor,
                action=AuditAction.CREATE,
                obj=nota,
                message=_("Published with questions %(first)s to %(last)s.")
                % {"first": first, "last": first + len(questions) - 1},
                after=snapshot(nota),
            )
            for question in questions:
                notifications.question_answered(question)
    return nota
