"""Reads of the admission procedure. Who sees what is decided by
:mod:`zorgregio.accounts.scoping` (``procedures`` and ``submissions``); the public pages read
only what is published."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from zorgregio.accounts.scoping import scope_for

from .models import (
    Application,
    ApplicationStatus,
    Decision,
    DecisionAdmission,
    DecisionStatus,
    EvidenceFile,
    EvidenceRequest,
    Nota,
    Procedure,
    ProcedureDocument,
    ProcedureStatus,
    Question,
    QuestionStatus,
    RequestStatus,
    Threshold,
)

PUBLISHED = Q(status__in=[ProcedureStatus.PUBLISHED, ProcedureStatus.CLOSED])


# --- procedures ------------------------------------------------------------------------------


def procedures_visible_to(user):
    return scope_for(user).procedures(
        Procedure.objects.select_related("region", "agreement"),
        region="region_id",
        published=PUBLISHED,
    )


def public_procedures():
    """What anyone may see without logging in: published (and closed) procedures."""
    return Procedure.objects.filter(PUBLISHED).select_related("region", "agreement")


def documents_visible_to(user):
    return ProcedureDocument.objects.filter(procedure__in=procedures_visible_to(user))


def public_documents():
    return ProcedureDocument.objects.filter(procedure__in=public_procedures())


def latest_documents(procedure) -> list[ProcedureDocument]:
    """The newest version of every document title, then the older ones under ``older``."""
    latest: dict[str, ProcedureDocument] = {}
    for document in procedure.documents.order_by("kind", "title", "-version"):
        if document.title in latest:
            latest[document.title].older.append(document)
        else:
            document.older = []
            latest[document.title] = document
    return list(latest.values())


def public_notas():
    return Nota.objects.filter(procedure__in=public_procedures())


def published_questions(procedure):
    """The questions as published in the Nota's: never the asker, never a confidential one."""
    return (
        procedure.questions.filter(status=QuestionStatus.PUBLISHED, confidential=False)
        .select_related("nota")
        .order_by("number")
    )


def thresholds_of(procedure, day: dt.date | None = None):
    """A procedure's thresholds (public once it is published), per municipality."""
    qs = (
        Threshold.objects.filter(procedure=procedure)
        .select_related("municipality", "product_group", "requirement")
        .prefetch_related("windows")
        .order_by("municipality__name", "product_group__name", "kind", "valid_from")
    )
    if day is not None:
        qs = qs.filter(Q(valid_until__isnull=True) | Q(valid_until__gte=day))
    return qs


# --- submissions: applications, questions, evidence, decisions --------------------------------


def applications_visible_to(user):
    return scope_for(user).submissions(
        Application.objects.select_related("procedure__region", "provider"),
        provider="provider_id",
        region="procedure__region_id",
    )


def applications_of(user, procedure):
    return (
        applications_visible_to(user)
        .filter(procedure=procedure)
        .annotate(line_count=Count("lines", distinct=True))
        .prefetch_related(
            Prefetch(
                "evidence_requests",
                queryset=EvidenceRequest.objects.filter(status=RequestStatus.OPEN),
                to_attr="open_requests",
            )
        )
        .order_by("number")
    )


def questions_visible_to(user):
    """Every question with its answer, confidential ones included: the regional team and the
    asking provider. Other providers read only :func:`published_questions`."""
    return scope_for(user).submissions(
        Question.objects.select_related("procedure", "provider", "nota"),
        provider="provider_id",
        region="procedure__region_id",
    )


def evidence_visible_to(user):
    return EvidenceFile.objects.filter(application__in=applications_visible_to(user))


def decisions_visible_to(user):
    return Decision.objects.filter(application__in=applications_visible_to(user)).select_related(
        "application__procedure", "application__provider"
    )


def requests_of(application, today: dt.date):
    """The evidence requests with their clock: days left, or overdue."""
    requests = list(application.evidence_requests.select_related("requirement").order_by("due_on"))
    for request in requests:
        request.days_left = (request.due_on - today).days
        request.overdue = request.status == RequestStatus.OPEN and request.days_left < 0
        request.overdue_days = -request.days_left if request.overdue else 0
    return requests


def due_decisions(user, today: dt.date):
    """Proposed decisions whose objection period is over (to finalise on access)."""
    return decisions_visible_to(user).filter(
        status=DecisionStatus.PROPOSED, objection_until__lt=today
    )


def worklist(user, procedure, today: dt.date) -> dict:
    """What waits for the regional team in a procedure."""
    applications = applications_visible_to(user).filter(procedure=procedure)
    return {
        "to_start": applications.filter(status=ApplicationStatus.SUBMITTED).count(),
        "assessing": applications.filter(status=ApplicationStatus.IN_ASSESSMENT).count(),
        "waiting": EvidenceRequest.objects.filter(
            application__in=applications, status=RequestStatus.OPEN, due_on__gte=today
        ).count(),
        "overdue": EvidenceRequest.objects.filter(
            application__in=applications, status=RequestStatus.OPEN, due_on__lt=today
        ).count(),
        "open_questions": questions_visible_to(user)
        .filter(procedure=procedure, status=QuestionStatus.OPEN)
        .count(),
        "unpublished_answers": questions_visible_to(user)
        .filter(procedure=procedure, status=QuestionStatus.ANSWERED, confidential=False)
        .count(),
    }


# --- where an admission in the register came from ---------------------------------------------


@dataclass(frozen=True)
class Origin:
    label: str
    url: str = ""


def attach_origins(admissions, user) -> list:
    """Set ``admission.origin`` on each admission: the admission decision it came from (with
    a link for those who may read that application), the amendment, or typed in by the
    regional team. Two queries for the whole page."""
    from zorgregio.contracten.models import AmendmentChange

    admissions = list(admissions)
    ids = [a.pk for a in admissions]
    decided = {
        link.admission_id: link
        for link in DecisionAdmission.objects.filter(admission_id__in=ids).select_related(
            "line__decision__application__procedure"
        )
    }
    readable = set(
        applications_visible_to(user)
        .filter(pk__in=[d.line.decision.application_id for d in decided.values()])
        .values_list("pk", flat=True)
    )
    amended = dict(
        AmendmentChange.objects.filter(admission_id__in=ids, kind="toevoegen").values_list(
            "admission_id", "amendment_id"
        )
    )
    for admission in admissions:
        link = decided.get(admission.pk)
        if link is not None:
            decision = link.line.decision
            application = decision.application
            admission.origin = Origin(
                _("Admission decision %(number)s (%(procedure)s, final on %(day)s)")
                % {
                    "number": f"{application.number}/{decision.number}",
                    "procedure": application.procedure.title,
                    "day": decision.finalised_on.strftime("%d-%m-%Y")
                    if decision.finalised_on
                    else "",
                },
                reverse("toelating:application", args=[application.pk])
                if application.pk in readable
                else "",
            )
        elif admission.pk in amended:
            admission.origin = Origin(
                _("Amendment"), reverse("contracten:amendment", args=[amended[admission.pk]])
            )
        else:
            admission.origin = Origin(_("Entered by the regional team"))
    return admissions
