"""The region's side: the assessment in three steps by at least two assessors (four eyes),
requests for additional evidence, the decision per product group and municipality with its
letter, objections, and the final decision that writes the admissions into the register."""

from __future__ import annotations

import datetime as dt
import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from zorgregio.accounts.models import Role
from zorgregio.accounts.scoping import scope_for
from zorgregio.audit.models import AuditAction
from zorgregio.audit.services import audit_log, snapshot

from .. import notifications, pdf, storage
from ..models import (
    Application,
    ApplicationStatus,
    Decision,
    DecisionAdmission,
    DecisionLine,
    DecisionStatus,
    EvidenceRequest,
    LineOutcome,
    Objection,
    ObjectionKind,
    ObjectionStatus,
    RequestStatus,
    Verdict,
    VerdictOutcome,
)
from ..rules import (
    applicable_requirements,
    assess,
    entry_for,
    fmt_date,
    thresholds_on,
)
from ..states import ApplicationStates, DecisionStates, ObjectionStates
from ._common import (
    require_assessor,
    require_team,
    require_text,
    today_or,
    transition,
    user_or_none,
)

logger = logging.getLogger(__name__)
DAY = dt.timedelta(days=1)


def _locked(application: Application) -> Application:
    return (
        Application.objects.select_for_update().select_related("procedure").get(pk=application.pk)
    )


def _move(application: Application, to_status: str, *, actor, message: str) -> None:
    transition(application, ApplicationStates, to_status, actor=actor, message=message)


def _require_assessing(application: Application) -> None:
    if application.status not in ApplicationStates.ASSESSING:
        raise ValidationError(
            _("The application is %(status)s; it is not being assessed.")
            % {"status": application.get_status_display()}
        )


@transaction.atomic
def assessment_start(*, actor, application: Application, assessors) -> Application:
    """Assign at least ``min_assessors`` members of the committee; the assessment begins."""
    procedure = application.procedure
    require_team(actor, procedure)
    application = _locked(application)
    ApplicationStates.check(application.status, ApplicationStatus.IN_ASSESSMENT)
    assessors = list(dict.fromkeys(assessors))
    committee = set(procedure.committee.values_list("pk", flat=True))
    for user in assessors:
        if user.pk not in committee or user.role != Role.REGIONAL:
            raise ValidationError(
                {
                    "assessors": _("%(user)s is not a member of the assessment committee.")
                    % {"user": user.get_full_name() or user.username}
                }
            )
    if len(assessors) < procedure.min_assessors:
        raise ValidationError(
            {
                "assessors": _("At least %(count)s assessors assess every application (four eyes).")
                % {"count": procedure.min_assessors}
            }
        )
    application.assessors.set(assessors)
    _move(
        application,
        ApplicationStatus.IN_ASSESSMENT,
        actor=actor,
        message=_("Assessment started by %(names)s.")
        % {"names": ", ".join(u.get_full_name() or u.username for u in assessors)},
    )
    return application


@transaction.atomic
def verdicts_record(*, actor, application: Application, step: int, verdicts: dict) -> int:
    """Record the actor's verdicts ``{requirement id: (outcome, motivation)}`` for one step.
    A verdict 'not met' needs a motivation. An assessor records the steps in order: step 2
    after all of its own verdicts of step 1."""
    require_assessor(actor, application)
    application = _locked(application)
    _require_assessing(application)
    requirements = {r.pk: r for r in applicable_requirements(application)}
    mine = dict(
        application.verdicts.filter(assessor=actor).values_list("requirement_id", "outcome")
    )
    for earlier in range(1, step):
        open_ = [r.code for r in requirements.values() if r.step == earlier and r.pk not in mine]
        if open_:
            raise ValidationError(
                _("First record your verdicts of step %(step)s (%(codes)s).")
                % {"step": earlier, "codes": ", ".join(open_)}
            )
    changed = 0
    for pk, (outcome, motivation) in verdicts.items():
        requirement = requirements.get(int(pk))
        if requirement is None or requirement.step != step:
            raise ValidationError(
                _("This requirement is not part of step %(step)s.") % {"step": step}
            )
        if not outcome:
            continue
        if outcome not in VerdictOutcome.values:
            raise ValidationError({f"v_{pk}": _("Choose a verdict.")})
        motivation = (motivation or "").strip()
        if outcome == VerdictOutcome.NOT_MET and not motivation:
            raise ValidationError(
                {
                    f"m_{pk}": _("%(code)s: motivate why the requirement is not met.")
                    % {"code": requirement.code}
                }
            )
        verdict = Verdict.objects.filter(
            application=application, requirement=requirement, assessor=actor
        ).first()
        before = snapshot(verdict, ["outcome", "motivation"]) if verdict else None
        if before == {"outcome": outcome, "motivation": motivation}:
            continue
        verdict = verdict or Verdict(
            application=application, requirement=requirement, assessor=actor
        )
        verdict.outcome, verdict.motivation = outcome, motivation
        verdict.save()
        changed += 1
        audit_log(
            actor=actor,
            action=AuditAction.DECISION,
            obj=verdict,
            message=f"{application.number} {requirement.code}",
            before=before,
            after={"outcome": outcome, "motivation": motivation},
        )
    return changed


@transaction.atomic
def evidence_request(
    *, actor, application: Application, requirement, description: str, today: dt.date | None = None
) -> EvidenceRequest:
    """Ask for additional evidence; the provider has the procedure's term (14 days)."""
    require_assessor(actor, application)
    application = _locked(application)
    _require_assessing(application)
    today = today_or(today)
    if requirement.pk not in {r.pk for r in applicable_requirements(application)}:
        raise ValidationError({"requirement": _("This requirement does not apply here.")})
    request = EvidenceRequest.objects.create(
        application=application,
        requirement=requirement,
        description=require_text(description, "description", _("what is requested")),
        requested_on=today,
        due_on=today + dt.timedelta(days=application.procedure.evidence_term_days),
        requested_by=user_or_none(actor),
    )
    audit_log(actor=actor, action=AuditAction.CREATE, obj=request, after=snapshot(request))
    if application.status == ApplicationStatus.IN_ASSESSMENT:
        _move(
            application,
            ApplicationStatus.EVIDENCE_REQUESTED,
            actor=actor,
            message=_("Additional evidence requested until %(due)s.")
            % {"due": fmt_date(request.due_on)},
        )
    notifications.evidence_requested(request)
    return request


def decision_problems(application: Application, today: dt.date, start_date: dt.date | None = None):
    """Why no decision can be taken yet (empty: it can), and the summary of the verdicts."""
    summary = assess(application)
    problems = []
    procedure = application.procedure
    if len(summary.assessors) < procedure.min_assessors:
        problems.append(
            _("Four eyes: at least %(count)s assessors must assess this application.")
            % {"count": procedure.min_assessors}
        )
    waiting = application.evidence_requests.filter(status=RequestStatus.OPEN, due_on__gte=today)
    for request in waiting:
        problems.append(
            _("The provider has until %(due)s to supply %(code)s.")
            % {"due": fmt_date(request.due_on), "code": request.requirement.code}
        )
    for item in summary.waiting_for:
        code = item.requirement.code
        if item.state == "disagree":
            problems.append(
                _("%(code)s: the assessors disagree; they must reach one verdict.") % {"code": code}
            )
        else:
            names = ", ".join(a.get_full_name() or a.username for a in item.missing)
            problems.append(
                _("%(code)s: still to be assessed by %(names)s (four eyes: every assessor).")
                % {"code": code, "names": names}
            )
    if start_date is not None:
        until = today + dt.timedelta(days=procedure.objection_days)
        if start_date <= until:
            problems.append(
                _("The admissions can start after the objection period, from %(day)s.")
                % {"day": fmt_date(until + DAY)}
            )
        agreement = procedure.agreement
        if agreement.valid_until is not None and start_date > agreement.valid_until:
            problems.append(_("The start date lies after the end of the framework agreement."))
    thresholds = thresholds_on(procedure, application.received_on or today)
    for line in summary.lines:
        if line.outcome == LineOutcome.ADMITTED:
            entry = entry_for(
                procedure,
                (line.product_group.pk, line.municipality.pk),
                application.received_on,
                thresholds,
            )
            if entry.waits and entry.window is None:
                problems.append(
                    _("%(group)s in %(m)s %(entry)s.")
                    % {
                        "group": line.product_group,
                        "m": line.municipality,
                        "entry": entry.describe(),
                    }
                )
    return problems, summary


def decision_take(
    *,
    actor,
    application: Application,
    motivation: str,
    start_date: dt.date,
    today: dt.date | None = None,
) -> Decision:
    """The proposed (voorgenomen) decision per product group and municipality, drawn from
    the verdicts, with its letter. Final after the objection period unless an objection is
    lodged. Taken by an assessor of the application, never by one assessor alone."""
    require_assessor(actor, application)
    today = today_or(today)
    with transaction.atomic():
        application = _locked(application)
        _require_assessing(application)
        ApplicationStates.check(application.status, ApplicationStatus.DECIDED)
        motivation = require_text(motivation, "motivation", _("motivation"))
        if start_date is None:
            raise ValidationError({"start_date": _("Fill in the start date.")})
        problems, summary = decision_problems(application, today, start_date)
        if problems:
            raise ValidationError(problems)
        procedure = application.procedure
        number = (application.decisions.aggregate(n=Max("number"))["n"] or 0) + 1
        decision = Decision(
            application=application,
            number=number,
            motivation=motivation,
            decided_on=today,
            decided_by=user_or_none(actor),
            start_date=start_date,
            objection_until=today + dt.timedelta(days=procedure.objection_days),
        )
        thresholds = thresholds_on(procedure, application.received_on)
        lines = []
        for result in summary.lines:
            line = DecisionLine(
                product_group=result.product_group,
                municipality=result.municipality,
                outcome=result.outcome,
                motivation=result.motivation,
            )
            if result.outcome == LineOutcome.ADMITTED:
                entry = entry_for(
                    procedure,
                    (result.product_group.pk, result.municipality.pk),
                    application.received_on,
                    thresholds,
                )
                line.start_date = max(start_date, entry.start) if entry.start else start_date
            lines.append((line, result.products))
        decision.letter_key = "pending"
        decision.letter_sha256 = ""
        decision.save()
        for line, products in lines:
            line.decision = decision
            line.save()
            line.products.set(products)
        application.evidence_requests.filter(status=RequestStatus.OPEN).update(
            status=RequestStatus.LAPSED
        )
        with storage.saving(pdf.decision_letter_pdf(decision)) as stored:
            decision.letter_key, decision.letter_sha256 = stored.key, stored.sha256
            decision.save(update_fields=["letter_key", "letter_sha256"])
        audit_log(
            actor=actor,
            action=AuditAction.DECISION,
            obj=decision,
            message=motivation,
            after={
                **snapshot(decision),
                "lines": [
                    [line.product_group_id, line.municipality_id, line.outcome]
                    for line, _p in lines
                ],
            },
        )
        _move(
            application,
            ApplicationStatus.DECIDED,
            actor=actor,
            message=_("Decision %(number)s taken; objection possible until %(until)s.")
            % {"number": number, "until": fmt_date(decision.objection_until)},
        )
        notifications.decision_taken(decision)
        return decision


def _finalise(decision: Decision, today: dt.date, actor=None) -> Decision:
    """Make the decision final and write its admissions into the register (in the caller's
    transaction). The register's own checks apply; one that fails rolls everything back."""
    from zorgregio.contracten.services import admission_create

    DecisionStates.check(decision.status, DecisionStatus.FINAL)
    application = _locked(decision.application)
    ApplicationStates.check(application.status, ApplicationStatus.FINAL)
    agreement = application.procedure.agreement
    reason = _(
        "Admission procedure %(procedure)s: decision %(number)s on application %(app)s, "
        "final on %(day)s."
    ) % {
        "procedure": application.procedure,
        "number": decision.number,
        "app": application.number,
        "day": fmt_date(today),
    }
    for line in decision.lines.filter(outcome=LineOutcome.ADMITTED).prefetch_related("products"):
        for product in line.products.all():
            admission = admission_create(
                actor=None,
                agreement=agreement,
                provider=application.provider,
                municipality=line.municipality,
                product=product,
                valid_from=line.start_date,
                active=True,
                reason=reason,
            )
            DecisionAdmission.objects.create(line=line, admission=admission)
    decision.finalised_on = today
    transition(
        decision,
        DecisionStates,
        DecisionStatus.FINAL,
        actor=actor,
        message=reason,
        fields=["finalised_on"],
    )
    _move(application, ApplicationStatus.FINAL, actor=actor, message=reason)
    notifications.decision_final(decision)
    return decision


def decision_finalise(*, decision: Decision, today: dt.date | None = None) -> Decision:
    """A proposed decision becomes final after its objection period unless an objection was
    lodged. The system does this (``finalise_decisions``, or on access): no person decides."""
    today = today_or(today)
    with transaction.atomic():
        decision = Decision.objects.select_for_update().get(pk=decision.pk)
        if decision.status != DecisionStatus.PROPOSED:
            DecisionStates.check(decision.status, DecisionStatus.FINAL)
            raise ValidationError(_("An objection is pending; the decision is not final."))
        if today <= decision.objection_until:
            raise ValidationError(
                _("The objection period runs until %(until)s.")
                % {"until": fmt_date(decision.objection_until)}
            )
        return _finalise(decision, today)


def decisions_finalise_due(*, today: dt.date | None = None, decisions=None) -> tuple[list, list]:
    """Finalise every proposed decision whose objection period is over. Each in its own
    transaction: one that fails stays proposed, with the reason, and the others go on.
    Returns (finalised decisions, [(decision, reason)])."""
    today = today_or(today)
    qs = Decision.objects.all() if decisions is None else decisions
    due = qs.filter(status=DecisionStatus.PROPOSED, objection_until__lt=today).order_by("pk")
    done, failed = [], []
    for decision in due:
        try:
            done.append(decision_finalise(decision=decision, today=today))
        except ValidationError as exc:
            logger.warning("Decision %s not finalised: %s", decision.pk, exc.messages)
            failed.append((decision, " ".join(exc.messages)))
    return done, failed


@transaction.atomic
def objection_lodge(
    *, actor, decision: Decision, kind: str, grounds: str, today: dt.date | None = None
) -> Objection:
    """An objection against a proposed decision, within the objection period: lodged by the
    provider in zorgregio, or registered by the regional team (e.g. a kort geding)."""
    application = decision.application
    if actor is not None:
        scope = scope_for(actor)
        own = (
            scope.provider_id == application.provider_id
            and scope.region_id == application.procedure.region_id
        )
        team = scope.runs_procedures and scope.region_id == application.procedure.region_id
        if not (own or team):
            raise PermissionDenied(_("Only the applicant or the regional team may do this."))
    today = today_or(today)
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    if decision.status not in (DecisionStatus.PROPOSED, DecisionStatus.OBJECTION):
        raise ValidationError(
            _("The decision is %(status)s; no objection is possible.")
            % {"status": decision.get_status_display()}
        )
    if today > decision.objection_until:
        raise ValidationError(
            _("The objection period ended on %(until)s.")
            % {"until": fmt_date(decision.objection_until)}
        )
    if kind not in ObjectionKind.values:
        raise ValidationError({"kind": _("Choose the kind of objection.")})
    objection = Objection.objects.create(
        decision=decision,
        kind=kind,
        grounds=require_text(grounds, "grounds", _("grounds")),
        lodged_on=today,
        registered_by=user_or_none(actor),
    )
    audit_log(actor=actor, action=AuditAction.CREATE, obj=objection, after=snapshot(objection))
    if decision.status == DecisionStatus.PROPOSED:
        transition(
            decision,
            DecisionStates,
            DecisionStatus.OBJECTION,
            actor=actor,
            message=_("Objection lodged; the decision does not become final for now."),
        )
    return objection


@transaction.atomic
def objection_handle(
    *, actor, objection: Objection, upheld: bool, note: str, today: dt.date | None = None
) -> Objection:
    """Upheld: the decision is withdrawn and the application assessed again. Dismissed: the
    decision stands; it becomes final at once when the period is over (and no other objection
    is pending), otherwise at its end."""
    decision = objection.decision
    application = decision.application
    require_team(actor, application.procedure)
    today = today_or(today)
    objection = Objection.objects.select_for_update().get(pk=objection.pk)
    to_status = ObjectionStatus.UPHELD if upheld else ObjectionStatus.DISMISSED
    ObjectionStates.check(objection.status, to_status)
    objection.status = to_status
    objection.outcome_note = require_text(note, "note", _("outcome"))
    objection.handled_by = user_or_none(actor)
    objection.handled_on = today
    objection.save()
    audit_log(actor=actor, action=AuditAction.DECISION, obj=objection, after=snapshot(objection))
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    if upheld:
        decision.objections.filter(status=ObjectionStatus.LODGED).update(
            status=ObjectionStatus.UPHELD, outcome_note=objection.outcome_note, handled_on=today
        )
        transition(
            decision,
            DecisionStates,
            DecisionStatus.WITHDRAWN,
            actor=actor,
            message=_("Withdrawn after an upheld objection."),
        )
        _move(
            _locked(application),
            ApplicationStatus.IN_ASSESSMENT,
            actor=actor,
            message=_("Objection upheld; assessed again."),
        )
    elif not decision.objections.filter(status=ObjectionStatus.LODGED).exists():
        if today > decision.objection_until:
            _finalise(decision, today, actor=None)
        else:
            transition(
                decision,
                DecisionStates,
                DecisionStatus.PROPOSED,
                actor=actor,
                message=_("Objection dismissed; final after %(until)s.")
                % {"until": fmt_date(decision.objection_until)},
            )
    return objection
