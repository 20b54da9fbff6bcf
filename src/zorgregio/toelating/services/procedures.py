"""Writes of the procedure itself: planning, documents, lots, the questionnaire, the
committee, publication and the thresholds (drempels) per municipality."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from zorgregio.accounts.models import Role
from zorgregio.audit.models import AuditAction
from zorgregio.audit.services import audit_log, snapshot
from zorgregio.contracten.models import EVIDENCE_MAX_AGE_MONTHS, EvidenceKind

from .. import storage
from ..models import (
    ApplicationWindow,
    DocumentKind,
    EntryWindow,
    EvidenceMoment,
    EvidenceParties,
    Lot,
    Procedure,
    ProcedureContact,
    ProcedureDocument,
    ProcedureStatus,
    QuestionType,
    Requirement,
    Step,
    Threshold,
    ThresholdKind,
)
from ..rules import fmt_date, fmt_moment
from ..states import ProcedureStates
from ._common import now_or, require_team, require_text, today_or, transition, user_or_none


def _require_draft(procedure: Procedure, what: str) -> None:
    if procedure.status != ProcedureStatus.DRAFT:
        raise ValidationError(
            _("%(what)s can only be changed before publication; the procedure was published.")
            % {"what": what}
        )


def _require_open(procedure: Procedure) -> None:
    if procedure.status == ProcedureStatus.CLOSED:
        raise ValidationError(_("The procedure is closed."))


# --- the procedure --------------------------------------------------------------------------


@transaction.atomic
def procedure_create(
    *,
    actor,
    region,
    agreement,
    title: str,
    reference: str,
    question_deadline: dt.datetime,
    admission_start: dt.date,
    law: str = "wmo",
    description: str = "",
    nota_planned_on: dt.date | None = None,
    evidence_term_days: int = 14,
    objection_days: int = 20,
    court: str = "",
    min_assessors: int = 2,
) -> Procedure:
    procedure = Procedure(
        region=region,
        agreement=agreement,
        title=require_text(title, "title", _("title")),
        reference=(reference or "").strip().lower(),
        law=law,
        description=description.strip(),
        question_deadline=question_deadline,
        nota_planned_on=nota_planned_on,
        admission_start=admission_start,
        evidence_term_days=evidence_term_days,
        objection_days=objection_days,
        court=court.strip(),
        min_assessors=min_assessors,
    )
    require_team(actor, procedure)
    if agreement.region_id != region.pk:
        raise ValidationError(
            {"agreement": _("The framework agreement belongs to another region.")}
        )
    if law not in (agreement.laws or [law]):
        raise ValidationError({"law": _("The framework agreement does not cover this law.")})
    _check_start(procedure)
    if Procedure.objects.filter(reference=procedure.reference).exists():
        raise ValidationError(
            {"reference": _("The reference %(ref)s is in use.") % {"ref": procedure.reference}}
        )
    procedure.full_clean()
    procedure.save()
    audit_log(actor=actor, action=AuditAction.CREATE, obj=procedure, after=snapshot(procedure))
    return procedure


def _check_start(procedure: Procedure) -> None:
    agreement = procedure.agreement
    if procedure.admission_start < agreement.valid_from or (
        agreement.valid_until is not None and procedure.admission_start > agreement.valid_until
    ):
        raise ValidationError(
            {
                "admission_start": _(
                    "Admissions must start within the framework agreement (%(start)s to %(end)s)."
                )
                % {"start": fmt_date(agreement.valid_from), "end": fmt_date(agreement.valid_until)}
            }
        )


PLANNING_FIELDS = (
    "title",
    "description",
    "question_deadline",
    "nota_planned_on",
    "admission_start",
    "evidence_term_days",
    "objection_days",
    "court",
    "min_assessors",
)


@transaction.atomic
def procedure_update(*, actor, procedure: Procedure, **fields) -> Procedure:
    """Change the planning or terms. After publication the planning may still change (the
    model document says providers derive no rights from it); every change is audited."""
    require_team(actor, procedure)
    _require_open(procedure)
    unknown = set(fields) - set(PLANNING_FIELDS)
    if unknown:
        raise ValueError(unknown)
    before = snapshot(procedure)
    for name, value in fields.items():
        setattr(procedure, name, value.strip() if isinstance(value, str) else value)
    require_text(procedure.title, "title", _("title"))
    _check_start(procedure)
    procedure.full_clean()
    procedure.save()
    audit_log(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=procedure,
        before=before,
        after=snapshot(procedure),
    )
    return procedure


@transaction.atomic
def contact_add(
    *, actor, procedure: Procedure, name: str, email: str, role: str = "", phone: str = ""
) -> ProcedureContact:
    require_team(actor, procedure)
    _require_open(procedure)
    contact = ProcedureContact(
        procedure=procedure,
        name=require_text(name, "name", _("name")),
        email=require_text(email, "email", _("e-mail")),
        role=role.strip(),
        phone=phone.strip(),
    )
    contact.full_clean()
    contact.save()
    audit_log(actor=actor, action=AuditAction.CREATE, obj=contact, after=snapshot(contact))
    return contact


@transaction.atomic
def contact_remove(*, actor, contact: ProcedureContact) -> None:
    require_team(actor, contact.procedure)
    _require_open(contact.procedure)
    audit_log(actor=actor, action=AuditAction.DELETE, obj=contact, before=snapshot(contact))
    contact.delete()


@transaction.atomic
def window_add(
    *,
    actor,
    procedure: Procedure,
    label: str,
    opens_at: dt.datetime,
    closes_at: dt.datetime,
    now: dt.datetime | None = None,
) -> ApplicationWindow:
    """A period in which applications can be submitted. Windows may not overlap; once the
    procedure is published a window can only be added for the future."""
    require_team(actor, procedure)
    _require_open(procedure)
    now = now_or(now)
    label = require_text(label, "label", _("name"))
    if closes_at <= opens_at:
        raise ValidationError({"closes_at": _("The window must close after it opens.")})
    if procedure.status == ProcedureStatus.PUBLISHED and opens_at < now:
        raise ValidationError(
            {"opens_at": _("A published procedure gets new windows only from now on.")}
        )
    clash = procedure.windows.filter(opens_at__lt=closes_at, closes_at__gt=opens_at).first()
    if clash:
        raise ValidationError(
            {
                "opens_at": _("This overlaps the window %(label)s (%(opens)s to %(closes)s).")
                % {
                    "label": clash.label,
                    "opens": fmt_moment(clash.opens_at),
                    "closes": fmt_moment(clash.closes_at),
                }
            }
        )
    window = ApplicationWindow.objects.create(
        procedure=procedure, label=label, opens_at=opens_at, closes_at=closes_at
    )
    audit_log(actor=actor, action=AuditAction.CREATE, obj=window, after=snapshot(window))
    return window


def document_add(
    *, actor, procedure: Procedure, kind: str, title: str, upload, note: str = ""
) -> ProcedureDocument:
    """A new version of a document (versions count up per title). After publication the
    new version is public at once, so it must say what changed."""
    require_team(actor, procedure)
    _require_open(procedure)
    if kind not in DocumentKind.values:
        raise ValidationError({"kind": _("Choose the kind of document.")})
    title = require_text(title, "title", _("title"))
    if procedure.is_public:
        note = require_text(note, "note", _("what changed"))
    content_type = storage.check_upload(upload, storage.DOCUMENT_TYPES)
    with transaction.atomic(), storage.saving(upload) as stored:
        last = procedure.documents.filter(title=title).aggregate(v=Max("version"))["v"] or 0
        document = ProcedureDocument.objects.create(
            procedure=procedure,
            kind=kind,
            title=title,
            version=last + 1,
            note=note.strip(),
            uploaded_by=user_or_none(actor),
            file_name=upload.name[:255],
            content_type=content_type,
            size=stored.size,
            sha256=stored.sha256,
            storage_key=stored.key,
        )
        audit_log(actor=actor, action=AuditAction.CREATE, obj=document, after=snapshot(document))
    return document


# --- lots and questionnaire -----------------------------------------------------------------


@transaction.atomic
def lot_add(*, actor, procedure: Procedure, product_group, products=None) -> Lot:
    """A lot (perceel) for a product group; by default with every product of the group that
    is valid when the admissions start."""
    from zorgregio.producten.models import Product

    require_team(actor, procedure)
    _require_draft(procedure, _("The lots"))
    if product_group.law != procedure.law:
        raise ValidationError(
            {"product_group": _("%(group)s falls under another law.") % {"group": product_group}}
        )
    if procedure.lots.filter(product_group=product_group).exists():
        raise ValidationError(
            {"product_group": _("%(group)s is already a lot.") % {"group": product_group}}
        )
    if products is None:
        products = list(
            Product.objects.valid_on(procedure.admission_start).filter(group=product_group)
        )
    products = list(products)
    if not products:
        raise ValidationError(
            {"products": _("%(group)s has no products to apply for.") % {"group": product_group}}
        )
    stray = [p for p in products if p.group_id != product_group.pk]
    if stray:
        raise ValidationError(
            {
                "products": _("%(product)s is not a product of %(group)s.")
                % {"product": stray[0], "group": product_group}
            }
        )
    number = (procedure.lots.aggregate(n=Max("number"))["n"] or 0) + 1
    lot = Lot.objects.create(procedure=procedure, number=number, product_group=product_group)
    lot.products.set(products)
    audit_log(
        actor=actor,
        action=AuditAction.CREATE,
        obj=lot,
        after={**snapshot(lot), "products": [p.pk for p in products]},
    )
    return lot


EVIDENCE_LABELS = dict(EvidenceKind.choices)


def _build_requirement(procedure: Procedure, data: dict) -> Requirement:
    question_type = data.get("question_type")
    if question_type not in QuestionType.values:
        raise ValidationError({"question_type": _("Choose a question type.")})
    step = data.get("step")
    if step not in Step.values:
        raise ValidationError({"step": _("Choose the step of the assessment.")})
    evidence = data.get("evidence", "") or ""
    if question_type == QuestionType.FILE and not evidence:
        evidence = EvidenceMoment.WITH_APPLICATION
    kind = data.get("evidence_kind", "") or ""
    max_age = data.get("max_age_months")
    if kind in EVIDENCE_LABELS:
        if max_age is None:
            max_age = EVIDENCE_MAX_AGE_MONTHS.get(kind)
        kind = str(EVIDENCE_LABELS[kind])
    requirement = Requirement(
        procedure=procedure,
        lot=data.get("lot"),
        municipality=data.get("municipality"),
        step=step,
        code=require_text(data.get("code", ""), "code", _("number")).upper(),
        text=require_text(data.get("text", ""), "text", _("requirement")),
        guidance=(data.get("guidance") or "").strip(),
        question_type=question_type,
        required=data.get("required", True),
        knockout=bool(data.get("knockout")),
        expected_yes=data.get("expected_yes", True),
        min_value=data.get("min_value"),
        max_value=data.get("max_value"),
        unit=(data.get("unit") or "").strip(),
        choices=[c.strip() for c in data.get("choices") or [] if c.strip()],
        accepted_choices=[c.strip() for c in data.get("accepted_choices") or [] if c.strip()],
        evidence=evidence,
        evidence_kind=kind.strip(),
        max_age_months=max_age,
        parties=data.get("parties") or EvidenceParties.APPLICANT,
        order=data.get("order") or 0,
    )
    if requirement.lot is not None and requirement.lot.procedure_id != procedure.pk:
        raise ValidationError({"lot": _("The lot belongs to another procedure.")})
    if question_type == QuestionType.CHOICE:
        if len(requirement.choices) < 2:
            raise ValidationError({"choices": _("A choice needs at least two options.")})
        stray = set(requirement.accepted_choices) - set(requirement.choices)
        if stray:
            raise ValidationError(
                {
                    "accepted_choices": _("%(option)s is not one of the options.")
                    % {"option": sorted(stray)[0]}
                }
            )
    if question_type == QuestionType.VALUE:
        if requirement.min_value is None and requirement.max_value is None:
            raise ValidationError({"min_value": _("A value question needs a threshold.")})
        if (
            requirement.min_value is not None
            and requirement.max_value is not None
            and requirement.min_value > requirement.max_value
        ):
            raise ValidationError({"max_value": _("The maximum lies below the minimum.")})
    if question_type == QuestionType.YES_NO and not requirement.knockout:
        requirement.expected_yes = True
    if procedure.requirements.filter(code=requirement.code).exists():
        raise ValidationError(
            {"code": _("Number %(code)s is in use in this procedure.") % {"code": requirement.code}}
        )
    requirement.full_clean()
    return requirement


@transaction.atomic
def requirement_add(*, actor, procedure: Procedure, **data) -> Requirement:
    """A question of the questionnaire. The questionnaire is fixed at publication (equal
    treatment); a municipality's extra requirement is added as a threshold instead."""
    require_team(actor, procedure)
    _require_draft(procedure, _("The questionnaire"))
    if data.get("municipality") is not None:
        raise ValidationError(
            {"municipality": _("A requirement for one municipality is added as a threshold.")}
        )
    requirement = _build_requirement(procedure, data)
    requirement.save()
    audit_log(actor=actor, action=AuditAction.CREATE, obj=requirement, after=snapshot(requirement))
    return requirement


@transaction.atomic
def requirement_remove(*, actor, requirement: Requirement) -> None:
    procedure = requirement.procedure
    require_team(actor, procedure)
    _require_draft(procedure, _("The questionnaire"))
    if hasattr(requirement, "threshold"):
        raise ValidationError(_("This requirement belongs to a threshold."))
    audit_log(actor=actor, action=AuditAction.DELETE, obj=requirement, before=snapshot(requirement))
    requirement.delete()


@transaction.atomic
def committee_set(*, actor, procedure: Procedure, members) -> None:
    """The assessment committee: members of the regional team of the procedure's region."""
    require_team(actor, procedure)
    _require_open(procedure)
    members = list(members)
    for user in members:
        if user.role != Role.REGIONAL or user.region_id != procedure.region_id:
            raise ValidationError(
                {
                    "members": _("%(user)s is not a member of the regional team.")
                    % {"user": user.get_full_name() or user.username}
                }
            )
    if len(set(members)) < procedure.min_assessors:
        raise ValidationError(
            {
                "members": _("The committee needs at least %(count)s members (four eyes).")
                % {"count": procedure.min_assessors}
            }
        )
    before = {"committee": sorted(procedure.committee.values_list("pk", flat=True))}
    procedure.committee.set(members)
    audit_log(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=procedure,
        message=_("Assessment committee set."),
        before=before,
        after={"committee": sorted(u.pk for u in members)},
    )


def publication_problems(procedure: Procedure) -> list[str]:
    """What keeps a draft procedure from being published."""
    problems = []
    if not procedure.lots.exists():
        problems.append(_("Add at least one lot with products."))
    if not procedure.windows.exists():
        problems.append(_("Add at least one application window."))
    if not procedure.documents.filter(kind=DocumentKind.PURCHASING).exists():
        problems.append(_("Upload the purchasing document (inkoopdocument)."))
    if not procedure.contacts.exists():
        problems.append(_("Name at least one contact person."))
    steps = set(procedure.requirements.values_list("step", flat=True))
    for step in Step:
        if step.value not in steps:
            problems.append(
                _("The questionnaire has no requirement for %(step)s.") % {"step": step.label}
            )
    return problems


@transaction.atomic
def procedure_publish(*, actor, procedure: Procedure, now: dt.datetime | None = None) -> Procedure:
    require_team(actor, procedure)
    procedure = Procedure.objects.select_for_update().get(pk=procedure.pk)
    ProcedureStates.check(procedure.status, ProcedureStatus.PUBLISHED)
    problems = publication_problems(procedure)
    if problems:
        raise ValidationError(problems)
    procedure.published_at = now_or(now)
    procedure.published_by = user_or_none(actor)
    transition(
        procedure,
        ProcedureStates,
        ProcedureStatus.PUBLISHED,
        actor=actor,
        message=_("Published."),
        fields=["published_at", "published_by"],
    )
    return procedure


@transaction.atomic
def procedure_close(*, actor, procedure: Procedure, now: dt.datetime | None = None) -> Procedure:
    require_team(actor, procedure)
    procedure = Procedure.objects.select_for_update().get(pk=procedure.pk)
    procedure.closed_at = now_or(now)
    transition(
        procedure,
        ProcedureStates,
        ProcedureStatus.CLOSED,
        actor=actor,
        message=_("Closed."),
        fields=["closed_at"],
    )
    return procedure


# --- thresholds (drempels) ------------------------------------------------------------------

NEEDS_GROUP = {ThresholdKind.CLOSED, ThresholdKind.INTENSITIES, ThresholdKind.EXTRA_REQUIREMENT}


@transaction.atomic
def threshold_add(
    *,
    actor,
    procedure: Procedure,
    municipality,
    kind: str,
    motivation: str,
    valid_from: dt.date,
    valid_until: dt.date | None = None,
    product_group=None,
    max_per_year: int | None = None,
    min_turnover_cents: int | None = None,
    min_intensities: int | None = None,
    requirement: dict | None = None,
    today: dt.date | None = None,
) -> Threshold:
    """A threshold of ``municipality``, for one product group of the procedure or (entry
    windows, minimum turnover) for all. It applies to applications received in its period;
    after publication only from today on, never retroactively."""
    require_team(actor, procedure)
    _require_open(procedure)
    today = today_or(today)
    if kind not in ThresholdKind.values:
        raise ValidationError({"kind": _("Choose the kind of threshold.")})
    if municipality.region_id != procedure.region_id:
        raise ValidationError(
            {"municipality": _("%(m)s is not part of the region.") % {"m": municipality}}
        )
    lot = None
    if product_group is not None:
        lot = procedure.lots.filter(product_group=product_group).first()
        if lot is None:
            raise ValidationError(
                {
                    "product_group": _("%(group)s is not a lot of this procedure.")
                    % {"group": product_group}
                }
            )
    elif kind in NEEDS_GROUP:
        raise ValidationError(
            {"product_group": _("This kind of threshold is set per product group.")}
        )
    motivation = require_text(motivation, "motivation", _("motivation"))
    if valid_until is not None and valid_until < valid_from:
        raise ValidationError({"valid_until": _("The end lies before the start.")})
    if procedure.is_public and valid_from < today:
        raise ValidationError(
            {"valid_from": _("After publication a threshold applies from today at the earliest.")}
        )
    params = {
        ThresholdKind.ENTRY_WINDOWS: (
            "max_per_year",
            max_per_year,
            _("number of windows per year"),
        ),
        ThresholdKind.MIN_TURNOVER: (
            "min_turnover_cents",
            min_turnover_cents,
            _("minimum turnover"),
        ),
        ThresholdKind.INTENSITIES: ("min_intensities", min_intensities, _("number of intensities")),
    }
    if kind in params:
        name, value, label = params[kind]
        if value is None or value <= 0:
            raise ValidationError({name: _("Fill in the %(field)s.") % {"field": label}})
        if kind == ThresholdKind.INTENSITIES and value < 2:
            raise ValidationError({name: _("Several intensities means at least 2.")})
    same = procedure.thresholds.overlapping(valid_from, valid_until).filter(
        municipality=municipality, kind=kind, product_group=product_group
    )
    if same.exists():
        raise ValidationError(
            {
                "valid_from": _("%(m)s already has this threshold in this period.")
                % {"m": municipality}
            }
        )
    extra = None
    if kind == ThresholdKind.EXTRA_REQUIREMENT:
        data = dict(requirement or {})
        data.update(lot=lot, municipality=municipality, step=Step.SUITABILITY)
        extra = _build_requirement(procedure, data)
        extra.save()
    threshold = Threshold(
        procedure=procedure,
        municipality=municipality,
        product_group=product_group,
        kind=kind,
        motivation=motivation,
        valid_from=valid_from,
        valid_until=valid_until,
        max_per_year=max_per_year if kind == ThresholdKind.ENTRY_WINDOWS else None,
        min_turnover_cents=min_turnover_cents if kind == ThresholdKind.MIN_TURNOVER else None,
        min_intensities=min_intensities if kind == ThresholdKind.INTENSITIES else None,
        requirement=extra,
        created_by=user_or_none(actor),
    )
    threshold.full_clean()
    threshold.save()
    audit_log(actor=actor, action=AuditAction.CREATE, obj=threshold, after=snapshot(threshold))
    return threshold


@transaction.atomic
def entry_window_add(
    *,
    actor,
    threshold: Threshold,
    opens_on: dt.date,
    closes_on: dt.date,
    admission_from: dt.date,
    today: dt.date | None = None,
) -> EntryWindow:
    """An entry moment of an entry-window threshold, at most ``max_per_year`` a year."""
    procedure = threshold.procedure
    require_team(actor, procedure)
    _require_open(procedure)
    today = today_or(today)
    if threshold.kind != ThresholdKind.ENTRY_WINDOWS:
        raise ValidationError(_("Only an entry-window threshold has entry windows."))
    if closes_on < opens_on:
        raise ValidationError({"closes_on": _("The window must close after it opens.")})
    if admission_from <= closes_on:
        raise ValidationError(
            {"admission_from": _("The admission starts after the window has closed.")}
        )
    if opens_on < threshold.valid_from or (
        threshold.valid_until is not None and opens_on > threshold.valid_until
    ):
        raise ValidationError(
            {
                "opens_on": _(
                    "The window must open while the threshold applies (%(start)s to %(end)s)."
                )
                % {"start": fmt_date(threshold.valid_from), "end": fmt_date(threshold.valid_until)}
            }
        )
    if procedure.is_public and opens_on < today:
        raise ValidationError({"opens_on": _("An entry window cannot be added in the past.")})
    windows = threshold.windows.all()
    if windows.filter(opens_on__lte=closes_on, closes_on__gte=opens_on).exists():
        raise ValidationError({"opens_on": _("This overlaps another entry window.")})
    in_year = windows.filter(opens_on__year=opens_on.year).count()
    if in_year >= threshold.max_per_year:
        raise ValidationError(
            {
                "opens_on": _(
                    "%(m)s allows at most %(count)s entry windows a year; %(year)s has them all."
                )
                % {
                    "m": threshold.municipality,
                    "count": threshold.max_per_year,
                    "year": opens_on.year,
                }
            }
        )
    window = EntryWindow.objects.create(
        threshold=threshold, opens_on=opens_on, closes_on=closes_on, admission_from=admission_from
    )
    audit_log(actor=actor, action=AuditAction.CREATE, obj=window, after=snapshot(window))
    return window


@transaction.atomic
def threshold_end(
    *, actor, threshold: Threshold, last_day: dt.date, today: dt.date | None = None
) -> Threshold:
    """End a threshold (e.g. reopen a closed product group): it applies until ``last_day``."""
    require_team(actor, threshold.procedure)
    today = today_or(today)
    if last_day < threshold.valid_from:
        raise ValidationError({"last_day": _("The end lies before the start.")})
    if threshold.procedure.is_public and last_day < today - dt.timedelta(days=1):
        raise ValidationError({"last_day": _("A threshold cannot be ended in the past.")})
    if threshold.valid_until is not None and last_day > threshold.valid_until:
        raise ValidationError({"last_day": _("The threshold already ends earlier.")})
    before = snapshot(threshold)
    threshold.valid_until = last_day
    threshold.save(update_fields=["valid_until", "updated_at"])
    audit_log(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=threshold,
        before=before,
        after=snapshot(threshold),
    )
    return threshold
