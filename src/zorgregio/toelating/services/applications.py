"""The provider's side: registering as a new provider, the application as a draft over
several visits, evidence, submission (after which nothing changes), withdrawal and evidence
supplied on request."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from zorgregio.aanbieders.models import LegalForm, Provider
from zorgregio.aanbieders.services import provider_create
from zorgregio.accounts.models import Role
from zorgregio.audit.models import AuditAction
from zorgregio.audit.services import audit_log, snapshot
from zorgregio.common.validators import validate_agb_code, validate_kvk_number

from .. import pdf, storage
from ..models import (
    Answer,
    Application,
    ApplicationLine,
    ApplicationParty,
    ApplicationStatus,
    EvidenceFile,
    EvidenceMoment,
    EvidenceParties,
    EvidenceRequest,
    Participation,
    PartyKind,
    Procedure,
    ProcedureStatus,
    QuestionType,
    RequestStatus,
)
from ..rules import (
    applicable_requirements,
    closed_problems,
    evidence_problem,
    fmt_date,
    fmt_moment,
    line_keys,
    requirement_applies,
    threshold_problems,
)
from ..states import ApplicationStates, RequestStates
from ._common import (
    now_or,
    require_applicant,
    require_text,
    today_or,
    transition,
    user_or_none,
)

# An application in one of these blocks a second one for the same product and municipality.
BLOCKING = set(ApplicationStates.LIVE) - {ApplicationStatus.FINAL}


# --- registration ---------------------------------------------------------------------------


@transaction.atomic
def provider_register(
    *,
    region,
    name: str,
    kvk_number: str,
    agb_code: str,
    email: str,
    contact_name: str,
    username: str,
    password: str,
    legal_form: str = LegalForm.BV,
) -> object:
    """A provider new to the region registers itself with KvK number and AGB code, and gets
    its first user (role aanbieder). Returns the user."""
    User = get_user_model()
    kvk_number, agb_code = (kvk_number or "").strip(), (agb_code or "").strip()
    errors = {}
    for field, value, check in (
        ("kvk_number", kvk_number, validate_kvk_number),
        ("agb_code", agb_code, validate_agb_code),
    ):
        try:
            check(value)
        except ValidationError as exc:
            errors[field] = exc.messages
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = [_("Fill in a valid e-mail address.")]
    if not (name or "").strip():
        errors["name"] = [_("Fill in the name of the organisation.")]
    if not (contact_name or "").strip():
        errors["contact_name"] = [_("Fill in your name.")]
    username = (username or "").strip()
    if not username:
        errors["username"] = [_("Choose a user name.")]
    elif User.objects.filter(username__iexact=username).exists():
        errors["username"] = [_("This user name is taken; choose another.")]
    if "kvk_number" not in errors and Provider.objects.filter(kvk_number=kvk_number).exists():
        errors["kvk_number"] = [
            _(
                "An organisation with KvK number %(kvk)s is already registered. Ask a colleague "
                "or the regional team for an account."
            )
            % {"kvk": kvk_number}
        ]
    if "agb_code" not in errors and Provider.objects.filter(agb_code=agb_code).exists():
        errors["agb_code"] = [
            _("An organisation with AGB code %(agb)s is already registered.") % {"agb": agb_code}
        ]
    first, _sep, last = (contact_name or "").strip().partition(" ")
    user = User(username=username, email=email, first_name=first, last_name=last)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        errors["password"] = exc.messages
    if errors:
        raise ValidationError(errors)
    provider = provider_create(
        actor=None,
        name=name.strip(),
        kvk_number=kvk_number,
        agb_code=agb_code,
        legal_form=legal_form,
        email=email,
    )
    provider.regions.add(region)
    user.role = Role.PROVIDER
    user.provider = provider
    user.region = region
    user.set_password(password)
    user.full_clean()
    user.save()
    audit_log(
        actor=None,
        action=AuditAction.CREATE,
        obj=user,
        message=_("Registered as a new provider (%(name)s).") % {"name": provider.name},
        after={"username": user.username, "role": user.role, "provider": provider.pk},
    )
    return user


# --- the draft -------------------------------------------------------------------------------


def _require_draft(application: Application) -> None:
    if application.status != ApplicationStatus.DRAFT:
        raise ValidationError(
            _("The application was submitted on %(day)s and can no longer be changed.")
            % {"day": fmt_date(application.received_on)}
            if application.received_on
            else _("This application can no longer be changed.")
        )


def _locked(application: Application) -> Application:
    return (
        Application.objects.select_for_update().select_related("procedure").get(pk=application.pk)
    )


@transaction.atomic
def application_start(*, actor, procedure: Procedure, provider=None) -> Application:
    """A new draft, or the provider's existing draft in this procedure."""
    if actor is not None:
        provider = actor.provider
        probe = Application(procedure=procedure, provider_id=getattr(provider, "pk", None))
        require_applicant(actor, probe)
    if procedure.status != ProcedureStatus.PUBLISHED:
        raise ValidationError(_("Applications can only be made in a published procedure."))
    procedure = Procedure.objects.select_for_update().get(pk=procedure.pk)
    draft = procedure.applications.filter(provider=provider, status=ApplicationStatus.DRAFT).first()
    if draft is not None:
        return draft
    sequence = procedure.applications.count() + 1
    application = Application.objects.create(
        procedure=procedure,
        provider=provider,
        number=f"{procedure.reference}-{sequence:04d}".upper(),
        contact_name=(actor.get_full_name() if actor is not None else "") or "",
        contact_email=(getattr(actor, "email", "") or provider.email or ""),
        created_by=user_or_none(actor),
    )
    audit_log(actor=actor, action=AuditAction.CREATE, obj=application, after=snapshot(application))
    return application


def _line_problems(application: Application, pairs, day: dt.date) -> list[str]:
    """Products that cannot be applied for: not in a lot, not bought regionally, already
    applied for in another application, already admitted, or closed by a threshold."""
    from zorgregio.contracten.models import Admission, AdmissionStatus
    from zorgregio.producten.models import PurchaseMatrixEntry, PurchaseMode

    procedure = application.procedure
    start = procedure.admission_start
    offered = set(procedure.lots.values_list("products", flat=True))
    problems = []
    for product, municipality in pairs:
        if product.pk not in offered:
            problems.append(
                _("%(product)s cannot be applied for in this procedure.") % {"product": product}
            )
            continue
        if municipality.region_id != procedure.region_id:
            problems.append(_("%(m)s is not part of the region.") % {"m": municipality})
            continue
        bought = PurchaseMatrixEntry.objects.valid_on(start).filter(
            product=product, municipality=municipality, mode=PurchaseMode.REGIONAL
        )
        if not bought.exists():
            problems.append(
                _("%(m)s does not buy %(product)s regionally; no admission is possible.")
                % {"m": municipality, "product": product}
            )
            continue
        other = (
            ApplicationLine.objects.filter(
                product=product,
                municipality=municipality,
                application__provider_id=application.provider_id,
                application__procedure=procedure,
                application__status__in=BLOCKING,
            )
            .exclude(application=application)
            .select_related("application")
            .first()
        )
        if other is not None:
            problems.append(
                _(
                    "%(product)s in %(m)s is already part of application %(number)s; a second "
                    "application for the same products is not possible."
                )
                % {"product": product, "m": municipality, "number": other.application.number}
            )
            continue
        admitted = (
            Admission.objects.filter(
                Q(product=product) | Q(product__isnull=True, product_group_id=product.group_id),
                provider_id=application.provider_id,
                municipality=municipality,
            )
            .exclude(status=AdmissionStatus.ENDED)
            .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=start))
            .first()
        )
        if admitted is not None:
            problems.append(
                _("You are already admitted for %(product)s in %(m)s (until %(end)s).")
                % {"product": product, "m": municipality, "end": fmt_date(admitted.valid_until)}
            )
    keys = {(p.group_id, m.pk) for p, m in pairs}
    problems += closed_problems(procedure, application.provider_id, keys, day)
    return problems


@transaction.atomic
def application_set_lines(
    *, actor, application: Application, pairs, today: dt.date | None = None
) -> Application:
    """Replace what is applied for by ``pairs`` of (product, municipality)."""
    require_applicant(actor, application)
    application = _locked(application)
    _require_draft(application)
    today = today_or(today)
    pairs = list(dict.fromkeys(pairs))
    problems = _line_problems(application, pairs, today)
    if problems:
        raise ValidationError(problems)
    before = sorted(application.lines.values_list("product_id", "municipality_id"))
    application.lines.all().delete()
    ApplicationLine.objects.bulk_create(
        ApplicationLine(application=application, product=p, municipality=m) for p, m in pairs
    )
    audit_log(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=application,
        message=_("Products and municipalities chosen."),
        before={"lines": before},
        after={"lines": sorted((p.pk, m.pk) for p, m in pairs)},
    )
    return application


@transaction.atomic
def application_update(
    *,
    actor,
    application: Application,
    participation: str,
    contact_name: str,
    contact_email: str,
    contact_phone: str = "",
    turnover_cents: int | None = None,
) -> Application:
    require_applicant(actor, application)
    application = _locked(application)
    _require_draft(application)
    if participation not in Participation.values:
        raise ValidationError({"participation": _("Choose how you apply.")})
    if turnover_cents is not None and turnover_cents < 0:
        raise ValidationError({"turnover_cents": _("The turnover cannot be negative.")})
    before = snapshot(application)
    application.participation = participation
    application.contact_name = contact_name.strip()
    application.contact_email = contact_email.strip()
    application.contact_phone = contact_phone.strip()
    application.turnover_cents = turnover_cents
    application.full_clean()
    application.save()
    audit_log(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=application,
        before=before,
        after=snapshot(application),
    )
    return application


@transaction.atomic
def party_add(
    *, actor, application: Application, kind: str, name: str, kvk_number: str, description: str = ""
) -> ApplicationParty:
    """A member of the combination (the applicant is its penvoerder) or a subcontractor."""
    require_applicant(actor, application)
    application = _locked(application)
    _require_draft(application)
    if kind not in PartyKind.values:
        raise ValidationError({"kind": _("Choose member or subcontractor.")})
    kvk_number = (kvk_number or "").strip()
    validate_kvk_number(kvk_number)
    if kvk_number == application.provider.kvk_number:
        raise ValidationError({"kvk_number": _("That is your own KvK number.")})
    if application.parties.filter(kvk_number=kvk_number).exists():
        raise ValidationError({"kvk_number": _("This party is already named.")})
    party = ApplicationParty.objects.create(
        application=application,
        kind=kind,
        name=require_text(name, "name", _("name")),
        kvk_number=kvk_number,
        description=description.strip(),
    )
    audit_log(actor=actor, action=AuditAction.CREATE, obj=party, after=snapshot(party))
    return party


def party_remove(*, actor, party: ApplicationParty) -> None:
    """Remove a party with its evidence."""
    application = party.application
    require_applicant(actor, application)
    with transaction.atomic():
        application = _locked(application)
        _require_draft(application)
        keys = list(party.evidence_files.values_list("storage_key", flat=True))
        party.evidence_files.all().delete()
        audit_log(actor=actor, action=AuditAction.DELETE, obj=party, before=snapshot(party))
        party.delete()
    for key in keys:
        storage.delete(key)


def _parse_answer(requirement, raw) -> dict:
    """The stored fields of an answer from form input, or a Dutch error naming the field."""
    field = f"req_{requirement.pk}"
    kind = requirement.question_type
    raw = "" if raw is None else raw
    if kind == QuestionType.YES_NO:
        value = {"ja": True, "nee": False, "": None, True: True, False: False}.get(raw, "bad")
        if value == "bad":
            raise ValidationError(
                {field: _("%(code)s: answer yes or no.") % {"code": requirement.code}}
            )
        return {"yes": value}
    if kind == QuestionType.VALUE:
        from zorgregio.common.numbers import parse_decimal

        text = str(raw).strip().replace(" ", "")
        if text == "":
            return {"value": None}
        try:  # the one parsing path for decimals (common.numbers): "25,5", "1.234,5", "25.5"
            return {"value": parse_decimal(text).quantize(Decimal("0.01"))}
        except (ValidationError, InvalidOperation) as exc:
            raise ValidationError(
                {
                    field: _("%(code)s: %(value)s is not a number.")
                    % {"code": requirement.code, "value": raw}
                }
            ) from exc
    if kind == QuestionType.CHOICE:
        if raw and raw not in requirement.choices:
            raise ValidationError(
                {field: _("%(code)s: choose one of the options.") % {"code": requirement.code}}
            )
        return {"choice": raw}
    if kind == QuestionType.TEXT:
        return {"text": str(raw).strip()}
    if kind == QuestionType.DECLARATION:
        return {"declared": raw in (True, "on", "ja", "1")}
    return {}


@transaction.atomic
def answers_save(*, actor, application: Application, values: dict) -> int:
    """Save answers ``{requirement id: raw value}``; unanswered ones may stay empty until
    submission. Returns how many answers changed."""
    require_applicant(actor, application)
    application = _locked(application)
    _require_draft(application)
    requirements = {r.pk: r for r in applicable_requirements(application)}
    parsed = {}
    for pk, raw in values.items():
        requirement = requirements.get(int(pk))
        if requirement is None or requirement.question_type == QuestionType.FILE:
            continue
        parsed[requirement.pk] = _parse_answer(requirement, raw)
    changed = 0
    existing = {a.requirement_id: a for a in application.answers.all()}
    for pk, fields in parsed.items():
        answer = existing.get(pk) or Answer(application=application, requirement_id=pk)
        before = {name: getattr(answer, name) for name in fields} if answer.pk else None
        if before == fields:
            continue
        for name, value in fields.items():
            setattr(answer, name, value)
        answer.save()
        changed += 1
    if changed:
        audit_log(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=application,
            message=_("%(count)s answers saved.") % {"count": changed},
        )
    return changed


def _check_party(requirement, party, application) -> None:
    if party is None:
        return
    if party.application_id != application.pk:
        raise ValidationError({"party": _("That party is not part of this application.")})
    allowed = {
        EvidenceParties.APPLICANT: set(),
        EvidenceParties.MEMBERS: {PartyKind.MEMBER},
        EvidenceParties.EVERYONE: {PartyKind.MEMBER, PartyKind.SUBCONTRACTOR},
    }[requirement.parties]
    if party.kind not in allowed:
        raise ValidationError(
            {
                "party": _("%(code)s asks evidence from %(who)s.")
                % {"code": requirement.code, "who": requirement.get_parties_display()}
            }
        )


def _check_evidence(requirement, upload, issued_on, received_on) -> str:
    """The content type of an acceptable evidence upload; a Dutch error otherwise."""
    if issued_on is None:
        raise ValidationError({"issued_on": _("Fill in the date of the document.")})
    problem = evidence_problem(requirement, issued_on, received_on)
    if problem:
        raise ValidationError({"issued_on": problem})
    return storage.check_upload(upload, storage.EVIDENCE_TYPES)


def _evidence_row(*, actor, application, requirement, upload, stored, content_type, **fields):
    evidence = EvidenceFile.objects.create(
        application=application,
        requirement=requirement,
        uploaded_by=user_or_none(actor),
        file_name=upload.name[:255],
        content_type=content_type,
        size=stored.size,
        sha256=stored.sha256,
        storage_key=stored.key,
        **fields,
    )
    audit_log(actor=actor, action=AuditAction.CREATE, obj=evidence, after=snapshot(evidence))
    return evidence


def evidence_upload(
    *,
    actor,
    application: Application,
    requirement,
    upload,
    issued_on: dt.date,
    party=None,
    today: dt.date | None = None,
) -> EvidenceFile:
    """Attach evidence to a draft. Its age is checked now against today and again at
    submission against the date of receipt."""
    require_applicant(actor, application)
    today = today_or(today)
    with transaction.atomic():
        application = _locked(application)
        _require_draft(application)
        if requirement.procedure_id != application.procedure_id or not requirement.needs_evidence:
            raise ValidationError({"requirement": _("This question asks no evidence.")})
        if not requirement_applies(requirement, line_keys(application), today):
            raise ValidationError(
                {
                    "requirement": _("%(code)s does not apply to what you apply for.")
                    % {"code": requirement.code}
                }
            )
        _check_party(requirement, party, application)
        content_type = _check_evidence(requirement, upload, issued_on, today)
        with storage.saving(upload) as stored:
            return _evidence_row(
                actor=actor,
                application=application,
                requirement=requirement,
                upload=upload,
                stored=stored,
                content_type=content_type,
                party=party,
                issued_on=issued_on,
            )


def evidence_remove(*, actor, evidence: EvidenceFile) -> None:
    application = evidence.application
    require_applicant(actor, application)
    with transaction.atomic():
        application = _locked(application)
        _require_draft(application)
        key = evidence.storage_key
        audit_log(actor=actor, action=AuditAction.DELETE, obj=evidence, before=snapshot(evidence))
        evidence.delete()
    storage.delete(key)


# --- submission ------------------------------------------------------------------------------


def open_window(procedure: Procedure, now: dt.datetime):
    return procedure.windows.filter(opens_at__lte=now, closes_at__gte=now).first()


def _window_problem(procedure: Procedure, now: dt.datetime) -> str | None:
    if procedure.status != ProcedureStatus.PUBLISHED:
        return _("The procedure is not open for applications.")
    if open_window(procedure, now) is not None:
        return None
    upcoming = procedure.windows.filter(opens_at__gt=now).order_by("opens_at").first()
    if upcoming is not None:
        return _(
            "Submitting is possible from %(opens)s (%(label)s); the application stays a draft "
            "until then."
        ) % {"opens": fmt_moment(upcoming.opens_at), "label": upcoming.label}
    last = procedure.windows.order_by("-closes_at").first()
    return _("The deadline passed on %(deadline)s; nothing can be submitted any more.") % {
        "deadline": fmt_moment(last.closes_at) if last else "–"
    }


def submission_problems(application: Application, now: dt.datetime | None = None) -> list[str]:
    """Everything that keeps the draft from being submitted now, in Dutch."""
    now = now_or(now)
    today = timezone.localtime(now).date()
    application = Application.objects.select_related("procedure", "provider").get(pk=application.pk)
    problems = []
    if application.status != ApplicationStatus.DRAFT:
        return [_("This application was already submitted.")]
    window = _window_problem(application.procedure, now)
    if window:
        problems.append(window)
    pairs = [
        (line.product, line.municipality)
        for line in application.lines.select_related("product", "municipality")
    ]
    if not pairs:
        problems.append(_("Choose at least one product and municipality."))
    problems += _line_problems(application, pairs, today)
    keys = line_keys(application)
    problems += threshold_problems(application, keys, today)
    if not application.contact_name or not application.contact_email:
        problems.append(_("Fill in the contact person and e-mail address."))
    parties = list(application.parties.all())
    kinds = {p.kind for p in parties}
    if application.participation == Participation.COMBINATION and PartyKind.MEMBER not in kinds:
        problems.append(_("Name at least one other member of the combination."))
    if (
        application.participation == Participation.SUBCONTRACTORS
        and PartyKind.SUBCONTRACTOR not in kinds
    ):
        problems.append(_("Name at least one subcontractor."))
    if application.participation == Participation.ALONE and parties:
        problems.append(_("You apply on your own but name other parties; change how you apply."))
    if application.participation != Participation.COMBINATION and PartyKind.MEMBER in kinds:
        problems.append(
            _("Members of a combination are only named when you apply as a combination.")
        )
    answers = {a.requirement_id: a for a in application.answers.all()}
    files: dict = {}
    for evidence in application.evidence_files.filter(request__isnull=True):
        files.setdefault(evidence.requirement_id, []).append(evidence)
    for requirement in applicable_requirements(application, keys, today):
        problems += _answer_problems(
            requirement, answers.get(requirement.pk), files.get(requirement.pk, []), parties, today
        )
    return problems


def _answer_problems(requirement, answer, files, parties, today) -> list[str]:
    problems = []
    kind = requirement.question_type
    label = requirement.code
    if requirement.required:
        missing = (
            (kind == QuestionType.YES_NO and (answer is None or answer.yes is None))
            or (kind == QuestionType.VALUE and (answer is None or answer.value is None))
            or (kind == QuestionType.CHOICE and (answer is None or not answer.choice))
            or (kind == QuestionType.TEXT and (answer is None or not answer.text))
        )
        if missing:
            problems.append(_("%(code)s: answer the question.") % {"code": label})
        if kind == QuestionType.DECLARATION and (answer is None or not answer.declared):
            problems.append(_("%(code)s: tick the declaration.") % {"code": label})
    for evidence in files:
        problem = evidence_problem(requirement, evidence.issued_on, today)
        if problem:
            problems.append(problem)
    if requirement.evidence == EvidenceMoment.WITH_APPLICATION:
        who = [None]
        if requirement.parties in (EvidenceParties.MEMBERS, EvidenceParties.EVERYONE):
            who += [p for p in parties if p.kind == PartyKind.MEMBER]
        if requirement.parties == EvidenceParties.EVERYONE:
            who += [p for p in parties if p.kind == PartyKind.SUBCONTRACTOR]
        for party in who:
            if not any(f.party_id == (party.pk if party else None) for f in files):
                problems.append(
                    _("%(code)s: the evidence (%(kind)s) of %(who)s is missing.")
                    % {
                        "code": label,
                        "kind": requirement.evidence_kind or _("file"),
                        "who": party.name if party else _("the applicant"),
                    }
                )
    return problems


def application_submit(
    *, actor, application: Application, now: dt.datetime | None = None
) -> Application:
    """Submit: checked in full, then immutable, with a receipt. After the deadline nothing can
    be submitted."""
    require_applicant(actor, application)
    now = now_or(now)
    today = timezone.localtime(now).date()
    with transaction.atomic():
        application = _locked(application)
        ApplicationStates.check(application.status, ApplicationStatus.SUBMITTED)
        problems = submission_problems(application, now)
        if problems:
            raise ValidationError(problems)
        application.submitted_at = now
        application.submitted_by = user_or_none(actor)
        application.received_on = today
        application.evidence_files.filter(request__isnull=True).update(received_on=today)
        with storage.saving(pdf.receipt_pdf(application)) as stored:
            application.receipt_key, application.receipt_sha256 = stored.key, stored.sha256
            transition(
                application,
                ApplicationStates,
                ApplicationStatus.SUBMITTED,
                actor=actor,
                message=_("Submitted."),
                fields=[
                    "submitted_at",
                    "submitted_by",
                    "received_on",
                    "receipt_key",
                    "receipt_sha256",
                ],
            )
    return application


@transaction.atomic
def application_withdraw(*, actor, application: Application, reason: str = "") -> Application:
    require_applicant(actor, application)
    application = _locked(application)
    application.withdrawn_reason = reason.strip()
    transition(
        application,
        ApplicationStates,
        ApplicationStatus.WITHDRAWN,
        actor=actor,
        message=_("Withdrawn."),
        fields=["withdrawn_reason"],
    )
    application.evidence_requests.filter(status=RequestStatus.OPEN).update(
        status=RequestStatus.LAPSED
    )
    return application


def evidence_supply(
    *,
    actor,
    request: EvidenceRequest,
    upload,
    issued_on: dt.date,
    party=None,
    today: dt.date | None = None,
) -> EvidenceFile:
    """Evidence supplied on request, within the term; received today."""
    application = request.application
    require_applicant(actor, application)
    today = today_or(today)
    with transaction.atomic():
        application = _locked(application)
        request = EvidenceRequest.objects.select_for_update().get(pk=request.pk)
        RequestStates.check(request.status, RequestStatus.FULFILLED)
        if today > request.due_on:
            raise ValidationError(
                _("The term for this evidence ended on %(due)s; it can no longer be supplied.")
                % {"due": fmt_date(request.due_on)}
            )
        _check_party(request.requirement, party, application)
        content_type = _check_evidence(request.requirement, upload, issued_on, today)
        with storage.saving(upload) as stored:
            evidence = _evidence_row(
                actor=actor,
                application=application,
                requirement=request.requirement,
                upload=upload,
                stored=stored,
                content_type=content_type,
                party=party,
                issued_on=issued_on,
                received_on=today,
                request=request,
            )
            request.fulfilled_on = today
            transition(
                request,
                RequestStates,
                RequestStatus.FULFILLED,
                actor=actor,
                message=_("Supplied."),
                fields=["fulfilled_on"],
            )
            still_open = application.evidence_requests.filter(status=RequestStatus.OPEN).exists()
            if application.status == ApplicationStatus.EVIDENCE_REQUESTED and not still_open:
                transition(
                    application,
                    ApplicationStates,
                    ApplicationStatus.IN_ASSESSMENT,
                    actor=actor,
                    message=_("All requested evidence supplied; back in assessment."),
                )
            return evidence
