"""Writes of supervision: computing the signals, cases and their measures, waiting-time
reports and norms, client-stop requests and satisfaction results. Each service validates in
full before it writes, runs in one transaction and is audited."""

from __future__ import annotations

import datetime as dt
import logging
import time
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zorgregio.accounts.scoping import scope_for, supervision_officers
from zorgregio.audit.models import AuditAction
from zorgregio.audit.services import audit_log, snapshot

from .models import (
    MAX_WAITING_WEEKS,
    Case,
    CaseDocument,
    CaseEvent,
    CaseStatus,
    ClientStopRequest,
    Measure,
    MeasureKind,
    SatisfactionResult,
    Signal,
    SignalThreshold,
    StopRequestStatus,
    ToezichtState,
    WaitingTimeNorm,
    WaitingTimeReport,
)
from .rules import RULES, RuleContext, Thresholds
from .states import CaseStates, StopRequestStates

log = logging.getLogger(__name__)


# --- signals -----------------------------------------------------------------------------------


def _data_end(today: dt.date) -> dt.date:
    from django.db.models import Max

    from zorgregio.zorg.models import DeclaratieRegel

    latest = DeclaratieRegel.objects.filter(month__lte=today).aggregate(m=Max("month"))["m"]
    if latest is None:
        return today
    following = (latest.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return min(today, following - dt.timedelta(days=1))


def recompute_signals(*, today: dt.date | None = None, rules=None, region=None) -> ToezichtState:
    """Run the signal rules (all, or the ``rules`` named) for every region (or one) and bring
    the signals up to date: a finding with the key of an existing signal updates it (and
    raises it again when it was resolved), a new key creates one, and a signal of these rules
    that was not found again is marked resolved. One transaction: pages never see half."""
    from zorgregio.monitor.models import MonitorState
    from zorgregio.regio.models import Region

    started = time.perf_counter()
    today = today or dt.date.today()
    codes = list(rules) if rules else list(RULES)
    unknown = [c for c in codes if c not in RULES]
    if unknown:
        raise ValueError(f"unknown signal rules: {unknown}")
    regions = [region] if region is not None else list(Region.objects.all())
    data_end = _data_end(today)
    findings = []
    for reg in regions:
        municipality_ids = list(reg.municipalities.values_list("pk", flat=True))
        if not municipality_ids:
            continue
        ctx = RuleContext(
            region=reg,
            today=today,
            thresholds=Thresholds(reg),
            municipality_ids=municipality_ids,
            data_end=data_end,
        )
        for code in codes:
            for finding in RULES[code].compute(ctx):
                findings.append((reg.pk, finding))
    now = timezone.now()
    with transaction.atomic():
        state = ToezichtState.objects.select_for_update().order_by("pk").first()
        if state is None:
            state = ToezichtState.objects.create()
        scope = Signal.objects.filter(rule__in=codes)
        if region is not None:
            scope = scope.filter(region=region)
        compared = [
            "municipality_id", "provider_id", "client_id", "product_group_id", "product_id",
            "period_start", "period_end", "measure", "threshold", "figures", "evidence", "active",
        ]  # fmt: skip
        existing = {row["key"]: row for row in scope.values("key", "pk", *compared)}
        seen, updates, unchanged, creates = set(), [], [], []
        for region_id, f in findings:
            if f.key in seen:
                continue
            seen.add(f.key)
            values = {
                "rule": f.rule,
                "region_id": region_id,
                "municipality_id": f.municipality_id,
                "provider_id": f.provider_id,
                "client_id": f.client_id,
                "product_group_id": f.group_id,
                "product_id": f.product_id,
                "period_start": f.period_start,
                "period_end": f.period_end,
                "measure": float(f.measure),
                "threshold": float(f.threshold),
                "figures": f.figures,
                "evidence": f.evidence,
                "active": True,
                "last_seen": now,
                "resolved_at": None,
            }
            old = existing.get(f.key)
            if old is not None:
                # Only what changed is rewritten; a signal raised again as it was only gets
                # its last_seen moved (one UPDATE per 500).
                if all(old[name] == values[name] for name in compared):
                    unchanged.append(old["pk"])
                else:
                    updates.append(Signal(pk=old["pk"], key=f.key, **values))
            else:
                creates.append(Signal(key=f.key, first_seen=now, **values))
        Signal.objects.bulk_create(creates, batch_size=500)
        fields = [
            "municipality_id", "provider_id", "client_id", "product_group_id", "product_id",
            "period_start", "period_end", "measure", "threshold", "figures", "evidence",
            "active", "last_seen", "resolved_at",
        ]  # fmt: skip
        Signal.objects.bulk_update(updates, fields, batch_size=100)
        for start in range(0, len(unchanged), 500):
            Signal.objects.filter(pk__in=unchanged[start : start + 500]).update(last_seen=now)
        gone = [row["pk"] for key, row in existing.items() if key not in seen]
        for start in range(0, len(gone), 500):
            Signal.objects.filter(pk__in=gone[start : start + 500], active=True).update(
                active=False, resolved_at=now
            )
        state.computed_at = now
        monitor = MonitorState.objects.first()
        state.monitor_version = monitor.version if monitor else 0
        state.seconds = time.perf_counter() - started
        state.raised = len(seen)
        state.save()
    log.info("Signals computed: %s raised in %.1f s", len(seen), state.seconds)
    return state


def refresh_after_care_change() -> ToezichtState | None:
    """The hook on changed care data (``zorg.hooks``): recompute when the monitor's facts
    changed since the last computation, or when changes are still pending (the monitor's
    refresh failed). Runs after the monitor's own hook."""
    from zorgregio.monitor.models import MonitorState
    from zorgregio.zorg.hooks import pending_changes

    state = ToezichtState.objects.order_by("pk").first()
    monitor = MonitorState.objects.first()
    version = monitor.version if monitor else 0
    if state is not None and state.monitor_version == version and not pending_changes():
        return None
    return recompute_signals()


def threshold_set(*, actor, region, rule: str, key: str, value, municipality=None):
    """Set a rule's threshold for a municipality (or the whole region): the regional team."""
    if actor is not None and not scope_for(actor).manages_region:
        raise PermissionDenied(_("Only the regional team may do this."))
    if rule not in RULES or key not in RULES[rule].thresholds:
        raise ValidationError({"key": _("This rule has no threshold %(key)s.") % {"key": key}})
    try:
        number = Decimal(str(value).replace(",", "."))
    except InvalidOperation:
        number = None
    if number is None or number < 0:
        raise ValidationError({"value": _("Enter a number of zero or more.")})
    with transaction.atomic():
        row, created = SignalThreshold.objects.update_or_create(
            region=region, municipality=municipality, rule=rule, key=key, defaults={"value": number}
        )
        audit_log(
            actor=actor,
            action=AuditAction.CREATE if created else AuditAction.UPDATE,
            obj=row,
            after=snapshot(row),
        )
    return row


# --- cases -------------------------------------------------------------------------------------


def _require_case_scope(actor, region_id: int, municipality_id: int | None) -> None:
    if actor is None:
        return
    if not scope_for(actor).may_open_case(region_id=region_id, municipality_id=municipality_id):
        raise PermissionDenied(_("You may not handle supervision cases of this municipality."))


def _check_assignee(assignee, region_id: int, municipality_id: int | None) -> None:
    from zorgregio.accounts.models import User

    if assignee is None:
        return
    allowed = supervision_officers(
        User.objects.filter(pk=assignee.pk, is_active=True),
        region_id=region_id,
        municipality_id=municipality_id,
    )
    if not allowed.exists():
        raise ValidationError(
            {
                "assignee": _(
                    "%(user)s cannot be the officer of this case: only the regional team or "
                    "staff of the case's municipality."
                )
                % {"user": assignee.get_username()}
            }
        )


def _event(case, actor, *, before="", after="", text=""):
    return CaseEvent.objects.create(
        case=case,
        from_status=before,
        to_status=after,
        text=text,
        author=actor if getattr(actor, "is_authenticated", False) else None,
    )


@transaction.atomic
def case_open(
    *,
    actor,
    signal: Signal | None = None,
    provider=None,
    municipality=None,
    region=None,
    title: str = "",
    description: str = "",
    assignee=None,
    deadline: dt.date | None = None,
    today: dt.date | None = None,
) -> Case:
    """Open a case, from a signal (its provider and municipality) or directly."""
    if signal is not None:
        provider, municipality, region_id = signal.provider, signal.municipality, signal.region_id
    else:
        region_id = (municipality.region_id if municipality else None) or getattr(
            region, "pk", None
        )
        if region_id is None and actor is not None:
            region_id = actor.region_id
    if provider is None or region_id is None:
        raise ValidationError({"provider": _("A case is about a provider; choose one.")})
    _require_case_scope(actor, region_id, municipality.pk if municipality else None)
    title = (title or "").strip()
    if not title and signal is not None:
        title = str(RULES[signal.rule].title)
    if not title:
        raise ValidationError({"title": _("Give the case a title.")})
    today = today or dt.date.today()
    if deadline is not None and deadline < today:
        raise ValidationError({"deadline": _("The deadline cannot lie in the past.")})
    _check_assignee(assignee, region_id, municipality.pk if municipality else None)
    case = Case.objects.create(
        region_id=region_id,
        municipality=municipality,
        provider=provider,
        signal=signal,
        title=title[:200],
        description=description,
        assignee=assignee,
        opened_by=actor if getattr(actor, "is_authenticated", False) else None,
        opened_on=today,
        deadline=deadline,
    )
    _event(case, actor, after=CaseStatus.NEW, text=description)
    audit_log(actor=actor, action=AuditAction.CREATE, obj=case, after=snapshot(case))
    return case


def _locked(case: Case) -> Case:
    return Case.objects.select_for_update().get(pk=case.pk)


@transaction.atomic
def case_assign(*, actor, case: Case, assignee, deadline: dt.date | None = None) -> Case:
    case = _locked(case)
    _require_case_scope(actor, case.region_id, case.municipality_id)
    _check_assignee(assignee, case.region_id, case.municipality_id)
    before = snapshot(case)
    case.assignee = assignee
    if deadline is not None:
        case.deadline = deadline
    case.save()
    _event(
        case,
        actor,
        text=_("Officer: %(user)s") % {"user": assignee.get_username() if assignee else "–"},
    )
    audit_log(actor=actor, action=AuditAction.UPDATE, obj=case, before=before, after=snapshot(case))
    return case


@transaction.atomic
def case_transition(
    *, actor, case: Case, to_status: str, note: str = "", conclusion: str = "", today=None
) -> Case:
    """Move a case on. Concluding (gegrond / ongegrond) needs the conclusion's reasons; closing
    is only possible after a conclusion; reopening (back to investigation) needs a note."""
    case = _locked(case)
    _require_case_scope(actor, case.region_id, case.municipality_id)
    today = today or dt.date.today()
    if to_status == CaseStatus.CLOSED and case.status not in CaseStates.CONCLUSIONS:
        raise ValidationError(
            {
                "status": _(
                    "A case can only be closed after a conclusion: first conclude it as "
                    "founded or unfounded."
                )
            }
        )
    CaseStates.check(case.status, to_status)
    conclusion = (conclusion or "").strip()
    note = (note or "").strip()
    if to_status in CaseStates.CONCLUSIONS and not conclusion:
        raise ValidationError(
            {"conclusion": _("Write down the conclusion: why the case is founded or unfounded.")}
        )
    reopening = to_status == CaseStatus.INVESTIGATING and case.status != CaseStatus.NEW
    if reopening and not note:
        raise ValidationError({"note": _("Say why the case is investigated again.")})
    before = snapshot(case)
    old = case.status
    case.status = to_status
    if to_status in CaseStates.CONCLUSIONS:
        case.conclusion = conclusion
        case.concluded_on = today
    if to_status == CaseStatus.CLOSED:
        case.closed_on = today
    if reopening:
        case.closed_on = None
    case.save()
    _event(case, actor, before=old, after=to_status, text=conclusion or note)
    audit_log(
        actor=actor,
        action=AuditAction.TRANSITION,
        obj=case,
        message=conclusion or note,
        before=before,
        after=snapshot(case),
    )
    return case


@transaction.atomic
def case_add_note(*, actor, case: Case, text: str) -> CaseEvent:
    _require_case_scope(actor, case.region_id, case.municipality_id)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("A note cannot be empty.")})
    event = _event(case, actor, text=text)
    audit_log(actor=actor, action=AuditAction.UPDATE, obj=case, message=f"notitie: {text[:200]}")
    return event


@transaction.atomic
def case_add_document(*, actor, case: Case, title: str, file) -> CaseDocument:
    _require_case_scope(actor, case.region_id, case.municipality_id)
    title = (title or "").strip() or getattr(file, "name", "")
    if file is None:
        raise ValidationError({"file": _("Choose a file.")})
    document = CaseDocument.objects.create(
        case=case,
        title=title[:200],
        file=file,
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit_log(actor=actor, action=AuditAction.CREATE, obj=document, message=f"zaak {case.pk}")
    return document


@transaction.atomic
def case_add_measure(
    *,
    actor,
    case: Case,
    kind: str,
    amount_cents: int | None = None,
    due_on: dt.date | None = None,
    note: str = "",
    admission=None,
    today: dt.date | None = None,
) -> Measure:
    """Record a measure. A recovery (terugvordering) needs a positive amount in eurocents; a
    suspension needs an admission of the case's provider, which goes to 'client stop' through
    the contract register's own transition (the regional team only)."""
    from zorgregio.contracten.models import AdmissionStatus
    from zorgregio.contracten.services import admission_transition

    _require_case_scope(actor, case.region_id, case.municipality_id)
    today = today or dt.date.today()
    if kind not in MeasureKind.values:
        raise ValidationError({"kind": _("Choose a measure.")})
    if not case.is_open:
        raise ValidationError({"kind": _("The case is closed; reopen it first.")})
    if kind == MeasureKind.RECOVERY:
        if amount_cents is None or amount_cents <= 0:
            raise ValidationError(
                {"amount_cents": _("A recovery needs the amount to recover, more than 0 euros.")}
            )
    else:
        amount_cents = None
    if due_on is not None and due_on < today:
        raise ValidationError({"due_on": _("The date cannot lie in the past.")})
    if kind == MeasureKind.SUSPENSION:
        if admission is None or admission.provider_id != case.provider_id:
            raise ValidationError(
                {"admission": _("Choose the admission of this provider to suspend.")}
            )
        admission_transition(
            actor=actor,
            admission=admission,
            to_status=AdmissionStatus.CLIENT_STOP,
            effective_on=today,
            reason=_("Suspended as a measure in supervision case %(case)s. %(note)s")
            % {"case": case.pk, "note": note},
        )
    else:
        admission = None
    measure = Measure.objects.create(
        case=case,
        kind=kind,
        amount_cents=amount_cents,
        admission=admission,
        due_on=due_on,
        note=note,
        taken_on=today,
        taken_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    _event(case, actor, text=f"{measure.get_kind_display()}: {note}".strip(": "))
    audit_log(actor=actor, action=AuditAction.DECISION, obj=measure, after=snapshot(measure))
    return measure


# --- waiting times -----------------------------------------------------------------------------


def _weeks(value, field: str) -> Decimal:
    try:
        number = Decimal(str(value).replace(",", ".").strip())
    except (InvalidOperation, AttributeError):
        raise ValidationError(
            {field: _("Enter the waiting time in weeks, e.g. 3 or 4,5.")}
        ) from None
    if not number.is_finite() or number < 0:
        raise ValidationError({field: _("A waiting time cannot be negative.")})
    if number > MAX_WAITING_WEEKS:
        raise ValidationError(
            {
                field: _(
                    "A waiting time of more than %(max)s weeks is not plausible; check the number."
                )
                % {"max": MAX_WAITING_WEEKS}
            }
        )
    return number.quantize(Decimal("0.1"))


@transaction.atomic
def waiting_time_report(
    *,
    actor,
    provider,
    municipality,
    product,
    intake_weeks,
    treatment_weeks,
    reported_on: dt.date | None = None,
) -> WaitingTimeReport:
    """A provider reports its current waiting time for a product it is admitted for in a
    municipality. The waiting-time signal is recomputed at once."""
    from zorgregio.contracten.selectors import admitted

    if actor is not None and not scope_for(actor).may_report_for(provider.pk):
        raise PermissionDenied(_("Only the provider itself reports its waiting times."))
    reported_on = reported_on or dt.date.today()
    errors = {}
    values = {}
    for field, raw in (("intake_weeks", intake_weeks), ("treatment_weeks", treatment_weeks)):
        try:
            values[field] = _weeks(raw, field)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if reported_on > dt.date.today():
        errors["reported_on"] = [_("A report cannot be dated in the future.")]
    if not admitted(provider.pk, product.pk, municipality.pk, reported_on):
        errors["product"] = [
            _("%(provider)s is not admitted for %(product)s in %(municipality)s.")
            % {"provider": provider, "product": product.name, "municipality": municipality}
        ]
    if errors:
        raise ValidationError(errors)
    report = WaitingTimeReport.objects.create(
        provider=provider,
        municipality=municipality,
        product=product,
        reported_on=reported_on,
        reported_by=actor if getattr(actor, "is_authenticated", False) else None,
        **values,
    )
    audit_log(actor=actor, action=AuditAction.CREATE, obj=report, after=snapshot(report))
    transaction.on_commit(
        lambda: recompute_signals(rules=["waiting_time_over_norm"], region=municipality.region)
    )
    return report


@transaction.atomic
def norm_set(*, actor, region, product_group, intake_weeks, treatment_weeks, note=""):
    if actor is not None and not scope_for(actor).manages_region:
        raise PermissionDenied(_("Only the regional team may do this."))
    intake = _weeks(intake_weeks, "intake_weeks")
    treatment = _weeks(treatment_weeks, "treatment_weeks")
    norm, created = WaitingTimeNorm.objects.update_or_create(
        region=region,
        product_group=product_group,
        defaults={"intake_weeks": intake, "treatment_weeks": treatment, "note": note},
    )
    audit_log(
        actor=actor,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        obj=norm,
        after=snapshot(norm),
    )
    transaction.on_commit(
        lambda: recompute_signals(
            rules=["waiting_time_over_norm", "measured_waiting_over_norm"], region=region
        )
    )
    return norm


@transaction.atomic
def stop_request_create(*, actor, admission, starts_on: dt.date, reason: str):
    """Art. 3.5.3: a provider announces a client stop for one of its admissions."""
    from zorgregio.contracten.models import AdmissionStatus

    if actor is not None and not scope_for(actor).may_report_for(admission.provider_id):
        raise PermissionDenied(_("Only the provider itself announces a client stop."))
    reason = (reason or "").strip()
    errors = {}
    if not reason:
        errors["reason"] = [_("Give the reason for the client stop.")]
    if admission.status != AdmissionStatus.ACTIVE:
        errors["admission"] = [_("Only an active admission can get a client stop.")]
    if starts_on < dt.date.today():
        errors["starts_on"] = [_("The date cannot lie in the past.")]
    if errors:
        raise ValidationError(errors)
    request = ClientStopRequest.objects.create(
        admission=admission,
        provider_id=admission.provider_id,
        starts_on=starts_on,
        reason=reason,
        requested_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit_log(actor=actor, action=AuditAction.CREATE, obj=request, after=snapshot(request))
    return request


@transaction.atomic
def stop_request_decide(*, actor, request: ClientStopRequest, grant: bool, note: str = ""):
    """The region grants (the admission goes to client stop through the register's own
    transition) or refuses a client stop."""
    from zorgregio.contracten.models import AdmissionStatus
    from zorgregio.contracten.services import admission_transition

    if actor is not None and not scope_for(actor).manages_region:
        raise PermissionDenied(_("Only the regional team may do this."))
    request = ClientStopRequest.objects.select_for_update().get(pk=request.pk)
    to_status = StopRequestStatus.GRANTED if grant else StopRequestStatus.REFUSED
    StopRequestStates.check(request.status, to_status)
    note = (note or "").strip()
    if not grant and not note:
        raise ValidationError({"note": _("Give the reason for refusing.")})
    before = snapshot(request)
    if grant:
        admission_transition(
            actor=actor,
            admission=request.admission,
            to_status=AdmissionStatus.CLIENT_STOP,
            effective_on=max(request.starts_on, dt.date.today()),
            reason=request.reason,
        )
    request.status = to_status
    request.decided_by = actor if getattr(actor, "is_authenticated", False) else None
    request.decision_note = note
    request.save()
    audit_log(
        actor=actor,
        action=AuditAction.DECISION,
        obj=request,
        before=before,
        after=snapshot(request),
    )
    return request


# --- client satisfaction -----------------------------------------------------------------------

SCORE_MIN, SCORE_MAX = Decimal(1), Decimal(10)


def _score(value, field: str) -> Decimal:
    try:
        number = Decimal(str(value).replace(",", ".").strip())
    except (InvalidOperation, AttributeError):
        raise ValidationError({field: _("%(value)s is not a score.") % {"value": value}}) from None
    if not number.is_finite() or not SCORE_MIN <= number <= SCORE_MAX:
        raise ValidationError(
            {field: _("A score lies between 1 and 10; %(value)s does not.") % {"value": value}}
        )
    return number.quantize(Decimal("0.1"))


@transaction.atomic
def satisfaction_set(
    *, actor, provider, product_group, year: int, respondents: int, scores: dict, overall
) -> tuple[SatisfactionResult, str]:
    """Store (or update) a survey result; returns it with 'new', 'changed' or 'unchanged'."""
    if actor is not None and not scope_for(actor).manages_region:
        raise PermissionDenied(_("Only the regional team may do this."))
    if respondents is None or respondents < 1:
        raise ValidationError({"respondents": _("A result needs at least one respondent.")})
    checked = {code: str(_score(v, code)) for code, v in scores.items()}
    overall = _score(overall, "overall")
    existing = SatisfactionResult.objects.filter(
        provider=provider, product_group=product_group, year=year
    ).first()
    wanted = {"respondents": respondents, "scores": checked, "overall": overall}
    if existing is not None:
        if all(getattr(existing, k) == v for k, v in wanted.items()):
            return existing, "unchanged"
        before = snapshot(existing)
        for k, v in wanted.items():
            setattr(existing, k, v)
        existing.save()
        audit_log(
            actor=actor,
            action=AuditAction.IMPORT,
            obj=existing,
            before=before,
            after=snapshot(existing),
        )
        return existing, "changed"
    result = SatisfactionResult.objects.create(
        provider=provider, product_group=product_group, year=year, **wanted
    )
    audit_log(actor=actor, action=AuditAction.IMPORT, obj=result, after=snapshot(result))
    return result, "new"
