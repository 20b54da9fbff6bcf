"""Writes to the contract register. Each service validates everything before it writes, runs
in one transaction and records an audit event with before and after."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from zorgregio.accounts.scoping import scope_for
from zorgregio.audit.models import AuditAction
from zorgregio.audit.services import audit_log, snapshot
from zorgregio.common.periods import overlapping_q
from zorgregio.common.validators import validate_kvk_number

from .models import (
    EVIDENCE_MAX_AGE_MONTHS,
    ActivityException,
    Admission,
    AdmissionStatus,
    AdmissionTransition,
    AgreementDocument,
    AgreementExtension,
    Amendment,
    AmendmentChange,
    AmendmentChangeKind,
    AmendmentParty,
    AmendmentStatus,
    BridgingAgreement,
    ConsentStatus,
    Evidence,
    EvidenceKind,
    EvidenceRequest,
    FrameworkAgreement,
    MunicipalityContractOptions,
    ProviderDossier,
    SpendingCeiling,
    SroiCommitment,
    Subcontractor,
)
from .selectors import DAY, add_months, deliverable_q, expiring_evidence
from .states import AdmissionStates, AmendmentStates, ConsentStates


def _d(day: dt.date | None) -> str:
    return date_format(day, "j-n-Y") if day else _("open-ended")


def _require_region(actor) -> None:
    if actor is not None and not scope_for(actor).manages_region:
        raise PermissionDenied(_("Only the regional team may do this."))


def _require_provider_or_region(actor, provider) -> None:
    if actor is None:
        return
    scope = scope_for(actor)
    if scope.manages_region:
        return
    if scope.provider_id is None or provider is None or scope.provider_id != provider.pk:
        raise PermissionDenied(_("You may only do this for your own organisation."))


def _require_text(value: str, field: str, label: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: _("Fill in the %(field)s.") % {"field": label}})
    return value


# --- framework agreement --------------------------------------------------------------------


@transaction.atomic
def agreement_create(
    *,
    actor,
    region,
    name: str,
    laws: list[str],
    valid_from: dt.date,
    valid_until: dt.date | None,
    extension_options: int = 0,
    extension_months: int = 24,
) -> FrameworkAgreement:
    _require_region(actor)
    agreement = FrameworkAgreement(
        region=region,
        name=_require_text(name, "name", _("name")),
        laws=list(laws),
        valid_from=valid_from,
        valid_until=valid_until,
        extension_options=extension_options,
        extension_months=extension_months,
    )
    agreement.full_clean()
    agreement.save()
    audit_log(actor=actor, action=AuditAction.CREATE, obj=agreement, after=snapshot(agreement))
    return agreement


@transaction.atomic
def agreement_update(*, actor, agreement: FrameworkAgreement, **fields) -> FrameworkAgreement:
    """Change the terms of an agreement (name, laws, period, extension options). The period
    must still hold every admission; options already exercised cannot be taken away."""
    _require_region(actor)
    agreement = FrameworkAgreement.objects.select_for_update().get(pk=agreement.pk)
    before = snapshot(agreement)
    for name, value in fields.items():
        setattr(agreement, name, value)
    agreement.name = _require_text(agreement.name, "name", _("name"))
    if agreement.valid_until is not None and agreement.valid_until < agreement.valid_from:
        raise ValidationError(
            {
                "valid_until": _("The end date %(end)s lies before the start date %(start)s.")
                % {"end": _d(agreement.valid_until), "start": _d(agreement.valid_from)}
            }
        )
    used = agreement.extensions.count()
    if agreement.extension_options < used:
        raise ValidationError(
            {
                "extension_options": _("%(count)s extension options have been exercised already.")
                % {"count": used}
            }
        )
    outside = agreement.admissions.filter(valid_from__lt=agreement.valid_from)
    if agreement.valid_until is not None:
        outside = agreement.admissions.filter(
            Q(valid_from__lt=agreement.valid_from)
            | Q(valid_until__isnull=True)
            | Q(valid_until__gt=agreement.valid_until)
        )
    if outside.exists():
        raise ValidationError(
            {
                "valid_from": _(
                    "%(count)s admissions lie outside the new period; change them first."
                )
                % {"count": outside.count()}
            }
        )
    agreement.full_clean()
    agreement.save()
    audit_log(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=agreement,
        before=before,
        after=snapshot(agreement),
    )
    return agreement


@transaction.atomic
def agreement_extend(
    *, actor, agreement: FrameworkAgreement, exercised_on: dt.date, reason: str = ""
) -> AgreementExtension:
    """Exercise the next extension option: the agreement, and every admission that ran to its
    old end, now end ``extension_months`` later."""
    _require_region(actor)
    agreement = FrameworkAgreement.objects.select_for_update().get(pk=agreement.pk)
    used = agreement.extensions.count()
    if agreement.valid_until is None:
        raise ValidationError(
            {"valid_until": _("The agreement is open-ended; there is nothing to extend.")}
        )
    if used >= agreement.extension_options:
        raise ValidationError(
            {
                "extension": _("All %(count)s extension options have been used.")
                % {"count": agreement.extension_options}
            }
        )
    if exercised_on > agreement.valid_until:
        raise ValidationError(
            {
                "exercised_on": _(
                    "An extension must be exercised before the agreement ends (%(end)s)."
                )
                % {"end": _d(agreement.valid_until)}
            }
        )
    before = snapshot(agreement)
    old_end = agreement.valid_until
    new_end = add_months(old_end + DAY, agreement.extension_months) - DAY
    extension = AgreementExtension.objects.create(
        agreement=agreement,
        number=used + 1,
        previous_end=old_end,
        new_end=new_end,
        exercised_on=exercised_on,
        exercised_by=actor if getattr(actor, "is_authenticated", False) else None,
        reason=reason,
    )
    agreement.valid_until = new_end
    agreement.save(update_fields=["valid_until", "updated_at"])
    agreement.admissions.filter(valid_until=old_end).exclude(status=AdmissionStatus.ENDED).update(
        valid_until=new_end
    )
    audit_log(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=agreement,
        message=_("Extension %(number)s exercised: until %(end)s.")
        % {"number": extension.number, "end": _d(new_end)},
        before=before,
        after=snapshot(agreement),
    )
    return extension


@transaction.atomic
def agreement_add_document(
    *,
    actor,
    agreement: FrameworkAgreement,
    title: str,
    valid_from: dt.date,
    reference: str = "",
    note: str = "",
) -> AgreementDocument:
    """Add a new version of a contract document; versions count up per title."""
    _require_region(actor)
    title = _require_text(title, "title", _("title"))
    last = agreement.documents.filter(title=title).aggregate(v=Max("version"))["v"] or 0
    document = AgreementDocument.objects.create(
        agreement=agreement,
        title=title,
        version=last + 1,
        valid_from=valid_from,
        reference=reference.strip(),
        note=note.strip(),
    )
    audit_log(actor=actor, action=AuditAction.CREATE, obj=document, after=snapshot(document))
    return document


# --- admissions -----------------------------------------------------------------------------


def _check_admission(admission: Admission) -> None:
    """Every rule an admission must meet, without writing."""
    agreement = admission.agreement
    if bool(admission.product_id) == bool(admission.product_group_id):
        raise ValidationError(
            {"product": _("Choose either a product or a product group, not both or neither.")}
        )
    if admission.valid_until is not None and admission.valid_until < admission.valid_from:
        raise ValidationError(
            {
                "valid_until": _("The end date %(end)s lies before the start date %(start)s.")
                % {"end": _d(admission.valid_until), "start": _d(admission.valid_from)}
            }
        )
    if admission.municipality.region_id != agreement.region_id:
        raise ValidationError(
            {
                "municipality": _("%(municipality)s is not part of the region of this agreement.")
                % {"municipality": admission.municipality}
            }
        )
    if admission.valid_from < agreement.valid_from or (
        agreement.valid_until is not None
        and (admission.valid_until is None or admission.valid_until > agreement.valid_until)
    ):
        raise ValidationError(
            {
                "valid_from": _(
                    "The admission (%(start)s to %(end)s) must lie within the "
                    "agreement (%(a_start)s to %(a_end)s)."
                )
                % {
                    "start": _d(admission.valid_from),
                    "end": _d(admission.valid_until),
                    "a_start": _d(agreement.valid_from),
                    "a_end": _d(agreement.valid_until),
                }
            }
        )
    law = admission.product.law if admission.product_id else admission.product_group.law
    if agreement.laws and law not in agreement.laws:
        raise ValidationError(
            {
                "product": _("The agreement does not cover the law of this product (%(law)s).")
                % {"law": law}
            }
        )
    if admission.product_id:
        _check_product(admission)
    else:
        _check_group(admission)
    _check_overlap(admission)


def _check_product(admission: Admission) -> None:
    from zorgregio.producten.models import PurchaseMode

    product, start, end = admission.product, admission.valid_from, admission.valid_until
    if product.valid_from > start or (
        product.valid_until is not None and (end is None or end > product.valid_until)
    ):
        raise ValidationError(
            {
                "product": _("Product %(product)s is only valid from %(start)s to %(end)s.")
                % {
                    "product": product,
                    "start": _d(product.valid_from),
                    "end": _d(product.valid_until),
                }
            }
        )
    # The regional purchase must cover every day of the admission.
    entries = product.purchases.filter(
        overlapping_q(start, end),
        municipality=admission.municipality,
        mode=PurchaseMode.REGIONAL,
    ).order_by("valid_from")
    covered_until = start - DAY
    for entry in entries:
        if entry.valid_from > covered_until + DAY:
            break
        if entry.valid_until is None:
            covered_until = None
            break
        covered_until = max(covered_until, entry.valid_until)
        if end is not None and covered_until >= end:
            break
    if covered_until is not None and (end is None or covered_until < end):
        gap = covered_until + DAY
        raise ValidationError(
            {
                "product": _(
                    "%(municipality)s does not buy %(product)s regionally on %(day)s; "
                    "an admission is only possible for regionally bought products."
                )
                % {"municipality": admission.municipality, "product": product, "day": _d(gap)}
            }
        )


def _check_group(admission: Admission) -> None:
    from zorgregio.producten.models import PurchaseMatrixEntry, PurchaseMode

    bought = PurchaseMatrixEntry.objects.filter(
        overlapping_q(admission.valid_from, admission.valid_until),
        product__group=admission.product_group,
        municipality=admission.municipality,
        mode=PurchaseMode.REGIONAL,
    )
    if not bought.exists():
        raise ValidationError(
            {
                "product_group": _(
                    "%(municipality)s buys no product of %(group)s regionally in this period."
                )
                % {"municipality": admission.municipality, "group": admission.product_group}
            }
        )


def _check_overlap(admission: Admission) -> None:
    same = Admission.objects.filter(
        overlapping_q(admission.valid_from, admission.valid_until),
        provider_id=admission.provider_id,
        municipality_id=admission.municipality_id,
    ).exclude(Q(status=AdmissionStatus.ENDED, activated_on__isnull=True))
    if admission.pk:
        same = same.exclude(pk=admission.pk)
    if admission.product_id:
        group_id = admission.product.group_id
        clash = same.filter(Q(product_id=admission.product_id) | Q(product_group_id=group_id))
    else:
        clash = same.filter(
            Q(product_group_id=admission.product_group_id)
            | Q(product__group_id=admission.product_group_id)
        )
    other = clash.select_related("product", "product_group").first()
    if other is not None:
        raise ValidationError(
            {
                "valid_from": _("This overlaps admission %(other)s (%(start)s to %(end)s).")
                % {"other": other, "start": _d(other.valid_from), "end": _d(other.valid_until)}
            }
        )


def _transition_record(admission, before, after, effective_on, reason, actor):
    AdmissionTransition.objects.create(
        admission=admission,
        from_status=before,
        to_status=after,
        effective_on=effective_on,
        reason=reason,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
    )


@transaction.atomic
def admission_create(
    *,
    actor,
    agreement: FrameworkAgreement,
    provider,
    municipality,
    valid_from: dt.date,
    valid_until: dt.date | None = None,
    product=None,
    product_group=None,
    active: bool = False,
    reason: str = "",
) -> Admission:
    """A new admission; ``valid_until`` defaults to the end of the agreement. With ``active``
    it starts active at once (recorded as the transition concept -> actief)."""
    _require_region(actor)
    admission = Admission(
        agreement=agreement,
        provider=provider,
        municipality=municipality,
        product=product,
        product_group=product_group,
        valid_from=valid_from,
        valid_until=valid_until if valid_until is not None else agreement.valid_until,
        status=AdmissionStatus.CONCEPT,
    )
    _check_admission(admission)
    if active:
        reason = _require_text(reason, "reason", _("reason"))
        admission.status = AdmissionStatus.ACTIVE
        admission.activated_on = valid_from
    admission.save()
    if active:
        _transition_record(
            admission, AdmissionStatus.CONCEPT, AdmissionStatus.ACTIVE, valid_from, reason, actor
        )
    audit_log(
        actor=actor,
        action=AuditAction.CREATE,
        obj=admission,
        message=reason,
        after=snapshot(admission),
    )
    return admission


@transaction.atomic
def admission_transition(
    *, actor, admission: Admission, to_status: str, effective_on: dt.date, reason: str
) -> Admission:
    """Move an admission to ``to_status`` from ``effective_on`` (the first day of the new
    status). Activating later than the start moves the start; ending cuts the period to the
    day before ``effective_on`` (an end on or before the start means it never applied)."""
    _require_region(actor)
    admission = Admission.objects.select_for_update().get(pk=admission.pk)
    AdmissionStates.check(admission.status, to_status)
    reason = _require_text(reason, "reason", _("reason"))
    agreement = admission.agreement
    if effective_on < agreement.valid_from:
        raise ValidationError(
            {
                "effective_on": _("The date %(day)s lies before the agreement starts (%(start)s).")
                % {"day": _d(effective_on), "start": _d(agreement.valid_from)}
            }
        )
    if admission.valid_until is not None and effective_on > admission.valid_until + DAY:
        raise ValidationError(
            {
                "effective_on": _("The date %(day)s lies after the admission ends (%(end)s).")
                % {"day": _d(effective_on), "end": _d(admission.valid_until)}
            }
        )
    before = snapshot(admission)
    old_status = admission.status
    if to_status == AdmissionStatus.ACTIVE and admission.activated_on is None:
        admission.activated_on = effective_on
        if effective_on > admission.valid_from:
            admission.valid_from = effective_on
        _check_overlap(admission)
    elif to_status == AdmissionStatus.ENDED and admission.activated_on is not None:
        if effective_on <= admission.valid_from:
            admission.activated_on = None  # ended before it started: never applied
        elif admission.valid_until is None or effective_on - DAY < admission.valid_until:
            admission.valid_until = effective_on - DAY
    admission.status = to_status
    admission.save()
    _transition_record(admission, old_status, to_status, effective_on, reason, actor)
    audit_log(
        actor=actor,
        action=AuditAction.TRANSITION,
        obj=admission,
        message=reason,
        before=before,
        after=snapshot(admission),
    )
    return admission


# --- amendments -----------------------------------------------------------------------------


@transaction.atomic
def amendment_propose(
    *,
    actor,
    agreement: FrameworkAgreement,
    provider,
    title: str,
    motivation: str,
    effective_date: dt.date,
    articles: str = "",
    changes: list[dict] = (),
) -> Amendment:
    """A change proposal by the region or by a provider (for its own contract only).

    ``changes``: dicts with ``kind`` (toevoegen / beeindigen) and ``product`` or
    ``product_group`` and ``municipality`` (to add), or ``admission`` (to end).
    """
    _require_provider_or_region(actor, provider)
    title = _require_text(title, "title", _("title"))
    motivation = _require_text(motivation, "motivation", _("motivation"))
    if effective_date is None:
        raise ValidationError({"effective_date": _("Fill in the effective date.")})
    if effective_date < agreement.valid_from:
        raise ValidationError(
            {
                "effective_date": _(
                    "The effective date %(day)s lies before the agreement starts (%(start)s)."
                )
                % {"day": _d(effective_date), "start": _d(agreement.valid_from)}
            }
        )
    if agreement.valid_until is not None and effective_date > agreement.valid_until:
        raise ValidationError(
            {
                "effective_date": _(
                    "The effective date %(day)s lies after the agreement ends (%(end)s)."
                )
                % {"day": _d(effective_date), "end": _d(agreement.valid_until)}
            }
        )
    rows = []
    for number, change in enumerate(changes, start=1):
        kind = change.get("kind")
        if kind == AmendmentChangeKind.END:
            admission = change.get("admission")
            if admission is None or provider is None or admission.provider_id != provider.pk:
                raise ValidationError(
                    {
                        "changes": _("Change %(n)s: choose an admission of this provider to end.")
                        % {"n": number}
                    }
                )
            rows.append(AmendmentChange(kind=kind, admission=admission))
        elif kind == AmendmentChangeKind.ADD:
            product, group = change.get("product"), change.get("product_group")
            municipality = change.get("municipality")
            if provider is None or municipality is None or bool(product) == bool(group):
                raise ValidationError(
                    {
                        "changes": _(
                            "Change %(n)s: choose one product or product group and a municipality."
                        )
                        % {"n": number}
                    }
                )
            if municipality.region_id != agreement.region_id:
                raise ValidationError(
                    {
                        "changes": _("Change %(n)s: %(municipality)s is not part of the region.")
                        % {"n": number, "municipality": municipality}
                    }
                )
            rows.append(
                AmendmentChange(
                    kind=kind, product=product, product_group=group, municipality=municipality
                )
            )
        else:
            raise ValidationError({"changes": _("Change %(n)s: unknown kind.") % {"n": number}})
    scope = scope_for(actor) if actor is not None else None
    party = (
        AmendmentParty.REGION if scope is None or scope.manages_region else AmendmentParty.PROVIDER
    )
    amendment = Amendment.objects.create(
        agreement=agreement,
        provider=provider,
        proposed_by=party,
        proposer=actor if getattr(actor, "is_authenticated", False) else None,
        title=title,
        motivation=motivation,
        articles=articles.strip(),
        effective_date=effective_date,
    )
    for row in rows:
        row.amendment = amendment
        row.save()
    after = snapshot(amendment)
    after["changes"] = [str(row) for row in rows]
    audit_log(actor=actor, action=AuditAction.CREATE, obj=amendment, after=after)
    return amendment


def _apply_change(actor, amendment: Amendment, change: AmendmentChange, number: int) -> None:
    reason = _("Amendment: %(title)s") % {"title": amendment.title}
    try:
        if change.kind == AmendmentChangeKind.ADD:
            change.admission = admission_create(
                actor=actor,
                agreement=amendment.agreement,
                provider=amendment.provider,
                municipality=change.municipality,
                product=change.product,
                product_group=change.product_group,
                valid_from=amendment.effective_date,
                active=True,
                reason=reason,
            )
            change.save(update_fields=["admission"])
        else:
            admission_transition(
                actor=actor,
                admission=change.admission,
                to_status=AdmissionStatus.ENDED,
                effective_on=amendment.effective_date,
                reason=reason,
            )
    except ValidationError as exc:
        messages = "; ".join(exc.messages)
        raise ValidationError(
            {
                "changes": _("Change %(n)s (%(change)s): %(message)s")
                % {"n": number, "change": change, "message": messages}
            }
        ) from exc


@transaction.atomic
def amendment_decide(*, actor, amendment: Amendment, to_status: str, note: str = "") -> Amendment:
    """Move an amendment on (in review, accepted, rejected). Accepting applies its changes to
    the register from the effective date; if any change is not possible, nothing changes."""
    _require_region(actor)
    amendment = Amendment.objects.select_for_update().get(pk=amendment.pk)
    AmendmentStates.check(amendment.status, to_status)
    if to_status == AmendmentStatus.REJECTED:
        note = _require_text(note, "decision_note", _("reason for the rejection"))
    before = snapshot(amendment)
    if to_status == AmendmentStatus.ACCEPTED:
        for number, change in enumerate(amendment.changes.order_by("pk"), start=1):
            _apply_change(actor, amendment, change, number)
    amendment.status = to_status
    if to_status in (AmendmentStatus.ACCEPTED, AmendmentStatus.REJECTED):
        amendment.decided_by = actor if getattr(actor, "is_authenticated", False) else None
        amendment.decided_at = timezone.now()
    amendment.decision_note = note.strip()
    amendment.save()
    audit_log(
        actor=actor,
        action=AuditAction.DECISION
        if to_status != AmendmentStatus.IN_REVIEW
        else AuditAction.TRANSITION,
        obj=amendment,
        message=note,
        before=before,
        after=snapshot(amendment),
    )
    return amendment


# --- bridging and subcontractors ------------------------------------------------------------


@transaction.atomic
def bridging_create(
    *,
    actor,
    agreement: FrameworkAgreement,
    provider,
    municipality,
    valid_from: dt.date,
    valid_until: dt.date,
    reason: str,
    product=None,
    clients=(),
    client_count: int | None = None,
) -> BridgingAgreement:
    _require_region(actor)
    reason = _require_text(reason, "reason", _("reason"))
    if valid_until is None:
        raise ValidationError({"valid_until": _("A bridging agreement needs an end date.")})
    if valid_until < valid_from:
        raise ValidationError(
            {
                "valid_until": _("The end date %(end)s lies before the start date %(start)s.")
                % {"end": _d(valid_until), "start": _d(valid_from)}
            }
        )
    if municipality.region_id != agreement.region_id:
        raise ValidationError(
            {
                "municipality": _("%(municipality)s is not part of the region of this agreement.")
                % {"municipality": municipality}
            }
        )
    clients = list(clients)
    bridging = BridgingAgreement.objects.create(
        agreement=agreement,
        provider=provider,
        municipality=municipality,
        product=product,
        valid_from=valid_from,
        valid_until=valid_until,
        reason=reason,
        client_count=client_count if client_count is not None else len(clients),
    )
    if clients:
        bridging.clients.set(clients)
    audit_log(actor=actor, action=AuditAction.CREATE, obj=bridging, after=snapshot(bridging))
    return bridging


@transaction.atomic
def subcontractor_register(
    *,
    actor,
    agreement: FrameworkAgreement,
    main_provider,
    name: str,
    kvk_number: str,
    scope_description: str = "",
) -> Subcontractor:
    """A main contractor (or the region) registers a subcontractor; consent is requested."""
    _require_provider_or_region(actor, main_provider)
    name = _require_text(name, "name", _("name"))
    kvk_number = (kvk_number or "").strip()
    try:
        validate_kvk_number(kvk_number)
    except ValidationError as exc:
        raise ValidationError({"kvk_number": exc.messages}) from exc
    if Subcontractor.objects.filter(
        agreement=agreement, main_provider=main_provider, kvk_number=kvk_number
    ).exists():
        raise ValidationError(
            {
                "kvk_number": _("A subcontractor with KvK number %(kvk)s is already registered.")
                % {"kvk": kvk_number}
            }
        )
    sub = Subcontractor.objects.create(
        agreement=agreement,
        main_provider=main_provider,
        name=name,
        kvk_number=kvk_number,
        scope_description=scope_description.strip(),
    )
    audit_log(actor=actor, action=AuditAction.CREATE, obj=sub, after=snapshot(sub))
    return sub


@transaction.atomic
def subcontractor_decide(
    *, actor, subcontractor: Subcontractor, to_status: str, decided_on: dt.date, note: str = ""
) -> Subcontractor:
    _require_region(actor)
    subcontractor = Subcontractor.objects.select_for_update().get(pk=subcontractor.pk)
    ConsentStates.check(subcontractor.status, to_status)
    if to_status in (ConsentStatus.REFUSED, ConsentStatus.WITHDRAWN):
        note = _require_text(note, "decision_note", _("reason"))
    before = snapshot(subcontractor)
    subcontractor.status = to_status
    subcontractor.decided_on = decided_on
    subcontractor.decision_note = note.strip()
    subcontractor.save()
    audit_log(
        actor=actor,
        action=AuditAction.DECISION,
        obj=subcontractor,
        message=note,
        before=before,
        after=snapshot(subcontractor),
    )
    return subcontractor


# --- the provider dossier -------------------------------------------------------------------


@transaction.atomic
def dossier_update(*, actor, provider, **fields) -> ProviderDossier:
    _require_provider_or_region(actor, provider)
    dossier, _created = ProviderDossier.objects.get_or_create(provider=provider)
    before = snapshot(dossier)
    for name, value in fields.items():
        setattr(dossier, name, value)
    dossier.full_clean()
    dossier.save()
    audit_log(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=dossier,
        before=before,
        after=snapshot(dossier),
    )
    return dossier


@transaction.atomic
def evidence_add(
    *,
    actor,
    provider,
    kind: str,
    issued_on: dt.date,
    expires_on: dt.date | None = None,
    description: str = "",
    reference: str = "",
    today: dt.date | None = None,
) -> Evidence:
    """Record evidence. Kinds with a maximum age (24/6/6/12 months) expire that long after the
    issue date and must not be older than that on receipt; others need their own end date."""
    _require_provider_or_region(actor, provider)
    today = today or timezone.localdate()
    if kind not in EvidenceKind.values:
        raise ValidationError({"kind": _("Choose a kind of evidence.")})
    label = EvidenceKind(kind).label
    if issued_on is None:
        raise ValidationError({"issued_on": _("Fill in the issue date.")})
    if issued_on > today:
        raise ValidationError(
            {
                "issued_on": _("The issue date %(day)s of the %(kind)s lies in the future.")
                % {"day": _d(issued_on), "kind": label}
            }
        )
    months = EVIDENCE_MAX_AGE_MONTHS.get(kind)
    if months:
        expires_on = add_months(issued_on, months) - DAY
        if expires_on < today:
            raise ValidationError(
                {
                    "issued_on": _("The %(kind)s of %(day)s is older than %(months)s months.")
                    % {"kind": label, "day": _d(issued_on), "months": months}
                }
            )
    elif expires_on is None:
        raise ValidationError(
            {"expires_on": _("Fill in until when the %(kind)s is valid.") % {"kind": label}}
        )
    elif expires_on < issued_on:
        raise ValidationError(
            {
                "expires_on": _("The end date %(end)s lies before the start date %(start)s.")
                % {"end": _d(expires_on), "start": _d(issued_on)}
            }
        )
    evidence = Evidence.objects.create(
        provider=provider,
        kind=kind,
        issued_on=issued_on,
        expires_on=expires_on,
        description=description.strip(),
        reference=reference.strip(),
    )
    provider.evidence_requests.filter(kind=kind, fulfilled_by__isnull=True).update(
        fulfilled_by=evidence
    )
    audit_log(actor=actor, action=AuditAction.CREATE, obj=evidence, after=snapshot(evidence))
    return evidence


@transaction.atomic
def evidence_request_expiring(*, actor, today: dt.date, within_days: int = 60) -> int:
    """Ask providers to renew evidence that expires within ``within_days`` (once per kind)."""
    _require_region(actor)
    created = 0
    for evidence in expiring_evidence(actor, today, within_days).filter(open_request=False):
        request = EvidenceRequest.objects.create(
            provider=evidence.provider,
            kind=evidence.kind,
            requested_on=today,
            due_on=max(evidence.expires_on, today + dt.timedelta(days=14)),
        )
        audit_log(actor=actor, action=AuditAction.CREATE, obj=request, after=snapshot(request))
        created += 1
    return created


# --- contract standard options --------------------------------------------------------------


@transaction.atomic
def options_set(*, actor, agreement, municipality, **fields) -> MunicipalityContractOptions:
    _require_region(actor)
    options, _created = MunicipalityContractOptions.objects.get_or_create(
        agreement=agreement, municipality=municipality
    )
    before = snapshot(options)
    for name, value in fields.items():
        setattr(options, name, value)
    if not 1 <= options.warn_percent <= 100:
        raise ValidationError({"warn_percent": _("The warning percentage lies between 1 and 100.")})
    options.full_clean()
    options.save()
    audit_log(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=options,
        before=before,
        after=snapshot(options),
    )
    return options


@transaction.atomic
def ceiling_set(
    *, actor, provider, municipality, year: int, amount_cents: int, intake_stop: bool = False
) -> SpendingCeiling:
    _require_region(actor)
    if amount_cents is None or amount_cents <= 0:
        raise ValidationError({"amount_cents": _("The spending ceiling must be more than zero.")})
    ceiling = SpendingCeiling.objects.filter(
        provider=provider, municipality=municipality, year=year
    ).first()
    before = snapshot(ceiling) if ceiling else None
    if ceiling is None:
        ceiling = SpendingCeiling(provider=provider, municipality=municipality, year=year)
    ceiling.amount_cents = amount_cents
    ceiling.intake_stop = intake_stop
    ceiling.save()
    audit_log(
        actor=actor,
        action=AuditAction.UPDATE if before else AuditAction.CREATE,
        obj=ceiling,
        before=before,
        after=snapshot(ceiling),
    )
    return ceiling


@transaction.atomic
def activity_exception_add(
    *, actor, provider, municipality, reason: str, satisfaction=None, note: str = ""
) -> ActivityException:
    _require_region(actor)
    if reason == "tevredenheid" and satisfaction is None:
        raise ValidationError({"satisfaction": _("Fill in the average client satisfaction.")})
    if satisfaction is not None and not 0 <= satisfaction <= 10:
        raise ValidationError({"satisfaction": _("Satisfaction is a mark from 0 to 10.")})
    item = ActivityException(
        provider=provider,
        municipality=municipality,
        reason=reason,
        satisfaction=satisfaction,
        note=note,
    )
    item.full_clean()
    item.save()
    audit_log(actor=actor, action=AuditAction.CREATE, obj=item, after=snapshot(item))
    return item


@transaction.atomic
def sroi_commitment_set(
    *,
    actor,
    provider,
    municipality,
    year: int,
    commitment: str,
    committed_cents: int = 0,
    realised_cents: int = 0,
) -> SroiCommitment:
    _require_provider_or_region(actor, provider)
    commitment = _require_text(commitment, "commitment", _("commitment"))
    item, created = SroiCommitment.objects.get_or_create(
        provider=provider,
        municipality=municipality,
        year=year,
        defaults={"commitment": commitment},
    )
    before = None if created else snapshot(item)
    item.commitment = commitment
    item.committed_cents = committed_cents
    item.realised_cents = realised_cents
    item.save()
    audit_log(
        actor=actor,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        obj=item,
        before=before,
        after=snapshot(item),
    )
    return item


def admissions_for_amendment(provider):
    """Admissions a proposal may end: those of the provider that still allow delivery."""
    return (
        Admission.objects.filter(deliverable_q(), provider=provider)
        .exclude(status=AdmissionStatus.ENDED)
        .select_related("product", "product_group", "municipality")
    )


@transaction.atomic
def ceiling_intake_stop(
    *, actor, ceiling: SpendingCeiling, effective_on: dt.date, reason: str = ""
) -> list[Admission]:
    """Art. 1.5: the ceiling is (about to be) used up: no new clients. Marks the ceiling and
    moves every active admission of the provider in the municipality that is valid on
    ``effective_on`` to client stop (existing clients' care continues)."""
    _require_region(actor)
    reason = reason.strip() or _("Spending ceiling %(year)s reached (art. 1.5)") % {
        "year": ceiling.year
    }
    before = snapshot(ceiling)
    ceiling.intake_stop = True
    ceiling.save(update_fields=["intake_stop"])
    audit_log(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=ceiling,
        message=reason,
        before=before,
        after=snapshot(ceiling),
    )
    stopped = []
    admissions = Admission.objects.valid_on(effective_on).filter(
        provider_id=ceiling.provider_id,
        municipality_id=ceiling.municipality_id,
        status=AdmissionStatus.ACTIVE,
    )
    for admission in admissions:
        stopped.append(
            admission_transition(
                actor=actor,
                admission=admission,
                to_status=AdmissionStatus.CLIENT_STOP,
                effective_on=effective_on,
                reason=reason,
            )
        )
    return stopped
