"""Writes of the productenboek: products, purchase matrix, tariffs, calculations, indexation.

Every function validates everything before it writes (under ``transaction.atomic``) and
records what it changed with ``audit_log``. Business rules raise ``ValidationError`` with a
Dutch message naming the field.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from zorgregio.audit.models import AuditAction
from zorgregio.audit.services import audit_log, snapshot
from zorgregio.codelijsten.selectors import code_map
from zorgregio.common.periods import Period
from zorgregio.regio.models import Law

from .models import (
    OUTPUT_UNITS,
    CostCalculation,
    DataDelivery,
    FundingVariant,
    GroupVariant,
    Indexation,
    Product,
    ProductGroup,
    PurchaseMatrixEntry,
    PurchaseMode,
    Tariff,
    TaskBudget,
    TaskBudgetInstalment,
)

ONE_DAY = dt.timedelta(days=1)
UNPRODUCTIVE = ["leave_pct", "sickness_pct", "training_pct", "travel_time_pct", "meetings_pct"]


def _fmt(day: dt.date | None) -> str:
    return day.strftime("%d-%m-%Y") if day else _("open-ended")


# --- tariffs ---------------------------------------------------------------------------------


@dataclass
class TariffPlan:
    """A tariff to write and the open-ended tariff it supersedes (cut off the day before)."""

    tariff: Tariff
    supersedes: Tariff | None = None


def check_amount(amount_cents) -> int:
    if isinstance(amount_cents, bool) or not isinstance(amount_cents, int):
        if isinstance(amount_cents, Decimal) and amount_cents == amount_cents.to_integral_value():
            amount_cents = int(amount_cents)
        else:
            raise ValidationError(
                {"amount_cents": _("The tariff must be a whole number of eurocents.")}
            )
    if amount_cents < 0:
        raise ValidationError({"amount_cents": _("The tariff may not be negative.")})
    return amount_cents


def plan_tariff(
    *,
    product: Product,
    amount_cents: int,
    valid_from: dt.date,
    valid_until: dt.date | None = None,
    municipality=None,
    pending: list[Tariff] = (),
    existing: list[Tariff] | None = None,
) -> TariffPlan:
    """Validate a new tariff against the product and existing (and ``pending``) tariffs.

    An open-ended new tariff supersedes an open-ended existing one that started earlier: that
    one is cut off the day before. Any other overlap is refused. ``existing`` may hold the
    stored tariffs of this product and municipality, preloaded (import), to save a query.
    """
    amount_cents = check_amount(amount_cents)
    period = Period(valid_from, valid_until)
    if product.valid_from > valid_from or (
        product.valid_until is not None
        and (valid_until is None or valid_until > product.valid_until)
    ):
        raise ValidationError(
            {
                "valid_from": _(
                    "Product %(product)s does not exist for the whole period %(start)s to "
                    "%(end)s (it is valid from %(pstart)s to %(pend)s)."
                )
                % {
                    "product": product.label,
                    "start": _fmt(valid_from),
                    "end": _fmt(valid_until),
                    "pstart": _fmt(product.valid_from),
                    "pend": _fmt(product.valid_until),
                }
            }
        )
    if existing is None:
        same = Tariff.objects.filter(product=product, municipality=municipality).overlapping(
            valid_from, valid_until
        )
    else:  # preloaded by the caller: the tariffs of this product and municipality
        same = [t for t in existing if period.overlaps(Period(t.valid_from, t.valid_until))]
    supersedes = None
    for other in list(same) + [
        t
        for t in pending
        if t.product_id == product.pk
        and t.municipality_id == getattr(municipality, "pk", None)
        and period.overlaps(Period(t.valid_from, t.valid_until))
    ]:
        if (
            other.pk is not None
            and supersedes is None
            and valid_until is None
            and other.valid_until is None
            and other.valid_from < valid_from
        ):
            supersedes = other
            continue
        raise ValidationError(
            {
                "valid_from": _(
                    "The period overlaps the tariff of %(product)s%(where)s from %(start)s to "
                    "%(end)s."
                )
                % {
                    "product": product.label,
                    "where": f" ({municipality})" if municipality else "",
                    "start": _fmt(other.valid_from),
                    "end": _fmt(other.valid_until),
                }
            }
        )
    tariff = Tariff(
        product=product,
        municipality=municipality,
        amount_cents=amount_cents,
        valid_from=valid_from,
        valid_until=valid_until,
    )
    return TariffPlan(tariff, supersedes)


def write_plan(plan: TariffPlan, *, actor, reason: str, **links) -> Tariff:
    if plan.supersedes is not None:
        before = snapshot(plan.supersedes)
        plan.supersedes.valid_until = plan.tariff.valid_from - ONE_DAY
        plan.supersedes.save(update_fields=["valid_until"])
        audit_log(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=plan.supersedes,
            message=_("Superseded from %s.") % _fmt(plan.tariff.valid_from),
            before=before,
            after=snapshot(plan.supersedes),
        )
    tariff = plan.tariff
    tariff.set_by = actor if getattr(actor, "is_authenticated", False) else None
    tariff.reason = reason
    for name, value in links.items():
        setattr(tariff, name, value)
    tariff.save()
    return tariff


def write_plans(plans: list[TariffPlan], *, actor, reasons: list[str]) -> list[Tariff]:
    """Write many validated plans at once (import): superseded tariffs are cut off one by one
    (audited), the new tariffs are created in bulk. Call inside a transaction."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    for plan in plans:
        if plan.supersedes is not None:
            before = snapshot(plan.supersedes)
            plan.supersedes.valid_until = plan.tariff.valid_from - ONE_DAY
            plan.supersedes.save(update_fields=["valid_until"])
            audit_log(
                actor=actor,
                action=AuditAction.UPDATE,
                obj=plan.supersedes,
                message=_("Superseded from %s.") % _fmt(plan.tariff.valid_from),
                before=before,
                after=snapshot(plan.supersedes),
            )
    tariffs = []
    for plan, reason in zip(plans, reasons, strict=True):
        plan.tariff.set_by = user
        plan.tariff.reason = reason
        tariffs.append(plan.tariff)
    return Tariff.objects.bulk_create(tariffs, batch_size=500)


@transaction.atomic
def tariff_set(
    *,
    actor,
    product: Product,
    amount_cents: int,
    valid_from: dt.date,
    valid_until: dt.date | None = None,
    municipality=None,
    reason: str = "",
    calculation: CostCalculation | None = None,
) -> Tariff:
    """Set the tariff of ``product`` from ``valid_from`` (for one municipality or region-wide)."""
    plan = plan_tariff(
        product=product,
        amount_cents=amount_cents,
        valid_from=valid_from,
        valid_until=valid_until,
        municipality=municipality,
    )
    tariff = write_plan(plan, actor=actor, reason=reason, calculation=calculation)
    audit_log(actor=actor, action=AuditAction.CREATE, obj=tariff, after=snapshot(tariff))
    return tariff


def calculation_apply(
    *, actor, calculation: CostCalculation, valid_from: dt.date, municipality=None, reason=""
) -> Tariff:
    """Turn a calculation's proposed tariff into the tariff from ``valid_from``."""
    reason = reason or _("Cost calculation version %s.") % calculation.version
    return tariff_set(
        actor=actor,
        product=calculation.product,
        amount_cents=calculation.result().proposed_tariff_cents,
        valid_from=valid_from,
        municipality=municipality,
        reason=reason,
        calculation=calculation,
    )


# --- cost calculations -----------------------------------------------------------------------


def check_calculation(calculation: CostCalculation) -> None:
    calculation.full_clean(exclude=["product", "version", "created_by"], validate_unique=False)
    unproductive = sum(Decimal(str(getattr(calculation, n))) for n in UNPRODUCTIVE)
    if unproductive >= 100:
        raise ValidationError(
            {
                "leave_pct": _(
                    "Leave, sickness, training, travel time and meetings add up to %s%%: "
                    "no productive hours are left."
                )
                % unproductive
            }
        )


@transaction.atomic
def calculation_create(*, actor, product: Product, note: str = "", **inputs) -> CostCalculation:
    """Save the inputs as the next version of the product's calculation."""
    unknown = set(inputs) - set(CostCalculation.INPUT_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown inputs: %s.") % ", ".join(sorted(unknown)))
    calculation = CostCalculation(product=product, note=note, **inputs)
    check_calculation(calculation)
    last = (
        CostCalculation.objects.select_for_update()
        .filter(product=product)
        .aggregate(m=Max("version"))["m"]
    )
    calculation.version = (last or 0) + 1
    calculation.created_by = actor if getattr(actor, "is_authenticated", False) else None
    calculation.save()
    audit_log(actor=actor, action=AuditAction.CREATE, obj=calculation, after=snapshot(calculation))
    return calculation


# --- indexation ------------------------------------------------------------------------------


@transaction.atomic
def indexation_create(*, actor, **fields) -> Indexation:
    indexation = Indexation(**fields)
    indexation.created_by = actor if getattr(actor, "is_authenticated", False) else None
    indexation.full_clean(exclude=["created_by", "applied_by"])
    if indexation.labour_weight_pct + indexation.material_weight_pct != 100:
        raise ValidationError(
            {"material_weight_pct": _("The weights of OVA and PPC must add up to 100%.")}
        )
    indexation.save()
    audit_log(actor=actor, action=AuditAction.CREATE, obj=indexation, after=snapshot(indexation))
    return indexation


@transaction.atomic
def indexation_apply(*, actor, indexation: Indexation, valid_from: dt.date) -> list[Tariff]:
    """Index every tariff in force the day before ``valid_from``, from ``valid_from``.

    One audited action: the open-ended tariffs in force the day before (of products that still
    exist on ``valid_from``) end that day, and new tariffs carrying the indexation start on
    ``valid_from``. Refused as a whole when any of them already has a tariff starting later.
    """
    indexation = Indexation.objects.select_for_update().get(pk=indexation.pk)
    if indexation.applied_from is not None:
        raise ValidationError(
            _("This indexation was already applied from %s.") % _fmt(indexation.applied_from)
        )
    result = indexation.result()
    before_day = valid_from - ONE_DAY
    current = [
        t
        for t in Tariff.objects.valid_on(before_day)
        .filter(valid_until__isnull=True)
        .select_related("product", "municipality")
        if t.product.period.contains(valid_from)
    ]
    later = {
        (t.product_id, t.municipality_id): t
        for t in Tariff.objects.filter(valid_from__gte=valid_from).select_related(
            "product", "municipality"
        )
    }
    errors = []
    for tariff in current:
        other = later.get((tariff.product_id, tariff.municipality_id))
        if other is not None:
            errors.append(
                _(
                    "The period overlaps the tariff of %(product)s%(where)s from %(start)s to "
                    "%(end)s."
                )
                % {
                    "product": tariff.product.label,
                    "where": f" ({tariff.municipality})" if tariff.municipality else "",
                    "start": _fmt(other.valid_from),
                    "end": _fmt(other.valid_until),
                }
            )
    if errors:
        raise ValidationError(errors)
    reason = _("%(name)s: indexation by %(pct)s%%.") % {
        "name": indexation.name,
        "pct": f"{result.index_pct:.2f}".replace(".", ","),
    }
    user = actor if getattr(actor, "is_authenticated", False) else None
    Tariff.objects.filter(pk__in=[t.pk for t in current]).update(valid_until=before_day)
    created = Tariff.objects.bulk_create(
        [
            Tariff(
                product=t.product,
                municipality=t.municipality,
                amount_cents=result.apply(t.amount_cents),
                valid_from=valid_from,
                valid_until=t.product.valid_until,
                set_by=user,
                reason=reason,
                indexation=indexation,
            )
            for t in current
        ],
        batch_size=500,
    )
    before = snapshot(indexation)
    indexation.applied_from = valid_from
    indexation.applied_by = user
    indexation.applied_at = timezone.now()
    indexation.tariff_count = len(created)
    indexation.save()
    audit_log(
        actor=actor,
        action=AuditAction.DECISION,
        obj=indexation,
        message=_("Indexed %(count)s tariffs by %(pct)s%% from %(day)s.")
        % {"count": len(created), "pct": f"{result.index_pct:.4f}", "day": _fmt(valid_from)},
        before=before,
        after={
            **snapshot(indexation),
            "ended": [t.pk for t in current],
            "created": [t.pk for t in created],
        },
    )
    return created


# --- purchase matrix -------------------------------------------------------------------------


@transaction.atomic
def purchase_matrix_set(*, actor, valid_from: dt.date, changes: dict) -> int:
    """Set ``{(product, municipality): mode}`` from ``valid_from``; returns the number changed.

    The entry in force is cut off the day before; an entry starting on ``valid_from`` itself is
    replaced. Entries that start later must be changed first. One audit event lists the cells.
    """
    valid_modes = set(PurchaseMode.values)
    stored: dict[tuple, list[PurchaseMatrixEntry]] = {}
    product_ids = {product.pk for product, _m in changes}
    for entry in PurchaseMatrixEntry.objects.filter(product_id__in=product_ids).overlapping(
        valid_from, None
    ):
        stored.setdefault((entry.product_id, entry.municipality_id), []).append(entry)
    planned = []
    for (product, municipality), mode in changes.items():
        if mode not in valid_modes:
            raise ValidationError(
                _("%(mode)s is not a purchase mode (%(product)s, %(municipality)s).")
                % {"mode": mode, "product": product.label, "municipality": municipality}
            )
        if not product.period.contains(valid_from):
            raise ValidationError(
                _("Product %(product)s does not exist on %(day)s.")
                % {"product": product.label, "day": _fmt(valid_from)}
            )
        entries = stored.get((product.pk, municipality.pk), [])
        later = sorted(e.valid_from for e in entries if e.valid_from > valid_from)
        if later:
            raise ValidationError(
                _(
                    "%(product)s in %(municipality)s already has a purchase mode from %(day)s; "
                    "choose a later date."
                )
                % {"product": product.label, "municipality": municipality, "day": _fmt(later[0])}
            )
        current = next((e for e in entries if e.valid_from <= valid_from), None)
        if current is not None and current.mode == mode:
            continue
        planned.append((product, municipality, mode, current))
    if not planned:
        return 0
    before = {f"{c.product_id}/{c.municipality_id}": c.mode for _p, _m, _mode, c in planned if c}
    replaced, ended, created = [], [], []
    for product, municipality, mode, current in planned:
        if current is not None and current.valid_from == valid_from:
            current.mode = mode
            replaced.append(current)
            continue
        if current is not None:
            current.valid_until = valid_from - ONE_DAY
            ended.append(current)
        created.append(
            PurchaseMatrixEntry(
                product=product, municipality=municipality, mode=mode, valid_from=valid_from
            )
        )
    PurchaseMatrixEntry.objects.bulk_update(replaced, ["mode"], batch_size=500)
    PurchaseMatrixEntry.objects.bulk_update(ended, ["valid_until"], batch_size=500)
    PurchaseMatrixEntry.objects.bulk_create(created, batch_size=500)
    audit_log(
        actor=actor,
        action=AuditAction.UPDATE,
        message=ngettext(
            "Purchase matrix: %(count)s cell changed from %(day)s.",
            "Purchase matrix: %(count)s cells changed from %(day)s.",
            len(planned),
        )
        % {"count": len(planned), "day": _fmt(valid_from)},
        before=before,
        after={f"{p.pk}/{m.pk}": mode for p, m, mode, _c in planned},
    )
    return len(planned)


# --- products --------------------------------------------------------------------------------


def check_product(product: Product) -> None:
    errors = {}
    if product.law not in Law.values:
        errors["law"] = _("%s is not a law (wmo or jw).") % product.law
    else:
        standard, key = ("iwmo", "WMO020") if product.law == Law.WMO else ("ijw", "JZ020")
        if product.productcategorie not in code_map(standard, key):
            errors["productcategorie"] = _("%(code)s is not a product category in %(key)s.") % {
                "code": product.productcategorie,
                "key": key,
            }
    code = product.productcode or ""
    if not (1 <= len(code) <= 5) or not code.isalnum():
        errors["productcode"] = _("Product code %s must be 1 to 5 letters or digits.") % (
            code or "''"
        )
    if product.unit not in code_map("iwmo", "WJ756"):
        errors["unit"] = _("Unit %s is not in code list WJ756.") % product.unit
    frequencies = code_map("iwmo", "WMO757")
    wrong = [f for f in product.allowed_frequencies or [] if f not in frequencies]
    if wrong:
        errors["allowed_frequencies"] = _("Frequency %s is not in code list WMO757.") % ", ".join(
            wrong
        )
    if product.valid_until and product.valid_until < product.valid_from:
        errors["valid_until"] = _("The end date lies before the start date.")
    if not product.name:
        errors["name"] = _("The name is required.")
    if errors:
        raise ValidationError(errors)
    clash = Product.objects.filter(
        law=product.law, productcategorie=product.productcategorie, productcode=product.productcode
    ).overlapping(product.valid_from, product.valid_until)
    if product.pk:
        clash = clash.exclude(pk=product.pk)
    other = clash.first()
    if other is not None:
        raise ValidationError(
            {
                "productcode": _("Product code %(code)s already exists from %(start)s to %(end)s.")
                % {"code": code, "start": _fmt(other.valid_from), "end": _fmt(other.valid_until)}
            }
        )


@transaction.atomic
def product_create(*, actor, **fields) -> Product:
    product = Product(**fields)
    check_product(product)
    product.save()
    audit_log(actor=actor, action=AuditAction.CREATE, obj=product, after=snapshot(product))
    return product


# What may change in a product that exists. Its identity in the messages (law, category, code)
# and its period stay: another code is another product, and ending it goes through
# product_retire (which ends its tariffs and matrix entries too).
EDITABLE_PRODUCT_FIELDS = (
    "group",
    "name",
    "description",
    "unit",
    "allowed_frequencies",
    "intensity_rank",
)


@transaction.atomic
def product_update(*, actor, product: Product, **fields) -> Product:
    """Change the name, description, group, unit, frequencies or intensity of ``product``.

    The unit may only change while the product has no tariffs (a tariff is per unit)."""
    unknown = set(fields) - set(EDITABLE_PRODUCT_FIELDS)
    if unknown:
        raise ValidationError(
            _("These fields of a product cannot be changed: %s.") % ", ".join(sorted(unknown))
        )
    product = Product.objects.select_for_update().get(pk=product.pk)
    before = snapshot(product)
    if "unit" in fields and fields["unit"] != product.unit and product.tariffs.exists():
        raise ValidationError(
            {
                "unit": _(
                    "The unit cannot change: the product has tariffs per unit. Retire it and "
                    "add a new product instead."
                )
            }
        )
    group = fields.get("group")
    if group is not None and group.law != product.law:
        raise ValidationError({"group": _("The product group belongs to another law.")})
    for name, value in fields.items():
        setattr(product, name, value)
    check_product(product)
    after = snapshot(product)
    if after == before:
        return product
    product.save()
    audit_log(actor=actor, action=AuditAction.UPDATE, obj=product, before=before, after=after)
    return product


@transaction.atomic
def product_retire(
    *, actor, product: Product, valid_until: dt.date, successor: Product | None = None
) -> Product:
    """End ``product`` on ``valid_until``, optionally naming the product that succeeds it."""
    before = snapshot(product)
    if valid_until < product.valid_from:
        raise ValidationError({"valid_until": _("The end date lies before the start date.")})
    if successor is not None and successor.pk == product.pk:
        raise ValidationError({"successor": _("A product cannot succeed itself.")})
    later = product.tariffs.filter(valid_from__gt=valid_until).first()
    if later is not None:
        raise ValidationError(
            {
                "valid_until": _("There is a tariff from %s, after the end date.")
                % _fmt(later.valid_from)
            }
        )
    # Tariffs and matrix entries still open end with the product.
    for qs in (product.tariffs, product.purchases):
        qs.filter(valid_until__isnull=True).update(valid_until=valid_until)
        qs.filter(valid_until__gt=valid_until).update(valid_until=valid_until)
    product.valid_until = valid_until
    product.successor = successor
    product.save(update_fields=["valid_until", "successor", "updated_at"])
    audit_log(
        actor=actor, action=AuditAction.UPDATE, obj=product, before=before, after=snapshot(product)
    )
    return product


def group_for(law: str, code: str, name: str) -> ProductGroup:
    group, _created = ProductGroup.objects.get_or_create(
        code=code, defaults={"law": law, "name": name or code}
    )
    return group


@dataclass
class ImportReport:
    """What an import did, or the rows that were wrong (then nothing was applied)."""

    kind: str
    errors: list[str] = field(default_factory=list)
    created: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


# --- funding variants (issue 20, docs/bekostiging.md) ----------------------------------------


def _variant_label(variant: str) -> str:
    return str(FundingVariant(variant).label) if variant in FundingVariant.values else variant


@transaction.atomic
def group_variant_set(
    *,
    actor,
    group: ProductGroup,
    municipality,
    variant: str,
    valid_from: dt.date,
    valid_until: dt.date | None = None,
    regieberichten: bool = False,
    reason: str = "",
) -> GroupVariant:
    """Set the funding variant of ``group`` in ``municipality`` from ``valid_from``.

    An open-ended variant that started earlier ends the day before (an amendment from a date);
    any other overlap is refused. Output-oriented needs products with an output unit (WJ756 82
    or 83); start and stop messages without a toewijzing can only be agreed for task-oriented.
    """
    errors = {}
    if variant not in FundingVariant.values:
        errors["variant"] = _("%s is not a funding variant.") % variant
    if valid_until is not None and valid_until < valid_from:
        errors["valid_until"] = _("The end date lies before the start date.")
    if regieberichten and variant != FundingVariant.TASK:
        errors["regieberichten"] = _(
            "Start and stop messages without a toewijzing can only be agreed for the "
            "task-oriented variant."
        )
    if errors:
        raise ValidationError(errors)
    if variant == FundingVariant.OUTPUT:
        products = list(Product.objects.valid_on(valid_from).filter(group=group))
        wrong = [p for p in products if p.unit not in OUTPUT_UNITS]
        if not products or wrong:
            raise ValidationError(
                {
                    "variant": _(
                        "Product group %(group)s cannot be output-oriented from %(day)s: every "
                        "product needs an output unit (82 Stuks (output) or 83 Euro's)%(which)s."
                    )
                    % {
                        "group": group.name,
                        "day": _fmt(valid_from),
                        "which": (
                            _(", and these have another unit: %s")
                            % ", ".join(f"{p.code} ({p.unit})" for p in wrong)
                            if wrong
                            else _(", and it has no products then")
                        ),
                    }
                }
            )
    stored = list(
        GroupVariant.objects.select_for_update()
        .filter(group=group, municipality=municipality)
        .overlapping(valid_from, valid_until)
    )
    supersedes = None
    for other in stored:
        if (
            supersedes is None
            and valid_until is None
            and other.valid_until is None
            and other.valid_from < valid_from
        ):
            supersedes = other
            continue
        raise ValidationError(
            {
                "valid_from": _(
                    "The period overlaps the variant of %(group)s in %(municipality)s from "
                    "%(start)s to %(end)s (%(variant)s)."
                )
                % {
                    "group": group.name,
                    "municipality": municipality,
                    "start": _fmt(other.valid_from),
                    "end": _fmt(other.valid_until),
                    "variant": _variant_label(other.variant),
                }
            }
        )
    if supersedes is not None:
        before = snapshot(supersedes)
        supersedes.valid_until = valid_from - ONE_DAY
        supersedes.save(update_fields=["valid_until"])
        audit_log(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=supersedes,
            message=_("Funding variant superseded from %s.") % _fmt(valid_from),
            before=before,
            after=snapshot(supersedes),
        )
    row = GroupVariant.objects.create(
        group=group,
        municipality=municipality,
        variant=variant,
        valid_from=valid_from,
        valid_until=valid_until,
        regieberichten=regieberichten,
        reason=reason,
        set_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit_log(
        actor=actor,
        action=AuditAction.CREATE,
        obj=row,
        message=_("%(group)s in %(municipality)s %(variant)s from %(day)s.")
        % {
            "group": group.name,
            "municipality": municipality,
            "variant": _variant_label(variant),
            "day": _fmt(valid_from),
        },
        after=snapshot(row),
    )
    return row


# --- task budgets ------------------------------------------------------------------------------


def _whole_cents(value, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValidationError(
            {name: _("The amount must be a whole, non-negative number of eurocents.")}
        )
    return value


@transaction.atomic
def task_budget_set(
    *,
    actor,
    provider,
    municipality,
    group: ProductGroup,
    year: int,
    mix: list[dict],
    markup_pct,
    instalments: list[tuple[dt.date, int]],
    note: str = "",
) -> TaskBudget:
    """Set the task budget of ``provider`` for ``group`` in ``municipality`` in ``year``.

    The amount is computed from the mix (``costing.task_budget``). The instalments (due date,
    eurocents) must add up to it and fall in the year; a budget without instalments is
    refused. The group must be task-oriented in the municipality on some day of the year.
    Setting it again replaces the budget and its unpaid instalments; paid ones stay and count.
    """
    from .costing import Segment, task_budget

    if not mix:
        raise ValidationError({"mix": _("The expected population needs at least one segment.")})
    try:
        segments = [Segment.from_dict(raw) for raw in mix]
    except (ArithmeticError, TypeError, ValueError) as exc:
        raise ValidationError({"mix": _("The expected population cannot be read.")}) from exc
    for segment in segments:
        if segment.clients < 0 or segment.hours_per_client < 0 or segment.cost_per_hour_cents < 0:
            raise ValidationError(
                {"mix": _("Clients, hours and cost per hour may not be negative.")}
            )
    markup = Decimal(str(markup_pct))
    if not (0 <= markup <= 100):
        raise ValidationError({"markup_pct": _("The mark-up must lie between 0 and 100%.")})
    result = task_budget(segments, markup)
    year_start, year_end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    task = GroupVariant.objects.filter(
        group=group, municipality=municipality, variant=FundingVariant.TASK
    ).overlapping(year_start, year_end)
    if not task.exists():
        raise ValidationError(
            {
                "group": _(
                    "%(group)s is not task-oriented in %(municipality)s in %(year)s: set the "
                    "funding variant first."
                )
                % {"group": group.name, "municipality": municipality, "year": year}
            }
        )
    existing = (
        TaskBudget.objects.select_for_update()
        .filter(provider=provider, municipality=municipality, group=group, year=year)
        .first()
    )
    paid = list(existing.instalments.filter(paid_on__isnull=False)) if existing else []
    if not instalments and not paid:
        raise ValidationError(
            {"instalments": _("A task budget needs payment instalments; none were given.")}
        )
    for due_on, amount in instalments:
        _whole_cents(amount, "instalments")
        if not (year_start <= due_on <= year_end):
            raise ValidationError(
                {
                    "instalments": _("The instalment of %(day)s does not fall in %(year)s.")
                    % {"day": _fmt(due_on), "year": year}
                }
            )
    total = sum(a for _d, a in instalments) + sum(i.amount_cents for i in paid)
    if total != result.amount_cents:
        raise ValidationError(
            {
                "instalments": _(
                    "The instalments add up to %(total)s eurocents, the budget is %(budget)s "
                    "eurocents."
                )
                % {"total": total, "budget": result.amount_cents}
            }
        )
    user = actor if getattr(actor, "is_authenticated", False) else None
    if existing is None:
        budget = TaskBudget.objects.create(
            provider=provider,
            municipality=municipality,
            group=group,
            year=year,
            mix=mix,
            markup_pct=markup,
            amount_cents=result.amount_cents,
            note=note,
            created_by=user,
        )
        before = None
    else:
        budget = existing
        before = snapshot(budget)
        budget.mix, budget.markup_pct, budget.amount_cents = mix, markup, result.amount_cents
        budget.note, budget.created_by = note, user
        budget.save()
        budget.instalments.filter(paid_on__isnull=True).delete()
    TaskBudgetInstalment.objects.bulk_create(
        [TaskBudgetInstalment(budget=budget, due_on=d, amount_cents=a) for d, a in instalments]
    )
    audit_log(
        actor=actor,
        action=AuditAction.CREATE if before is None else AuditAction.UPDATE,
        obj=budget,
        before=before,
        after={**snapshot(budget), "instalments": [(d.isoformat(), a) for d, a in instalments]},
    )
    return budget


def _task_figures_changed() -> None:
    """A paid instalment or a data delivery changes the monitor's figures of a task-oriented
    cell: note it in this transaction (``zorg.hooks``, as the ingest does) and let the monitor
    refresh after the commit. The monitor rebuilds its task table (``TaskMonth``) in full at
    every refresh, so the note needs no month: the declarations' months are not rebuilt."""
    from zorgregio.zorg.hooks import care_data_changed, note_changes

    note_changes([None])
    transaction.on_commit(care_data_changed)


@transaction.atomic
def instalment_pay(*, actor, instalment: TaskBudgetInstalment, paid_on: dt.date):
    """Record that an instalment was paid on ``paid_on`` (once)."""
    instalment = TaskBudgetInstalment.objects.select_for_update().get(pk=instalment.pk)
    if instalment.paid_on is not None:
        raise ValidationError(
            _("This instalment was already paid on %s.") % _fmt(instalment.paid_on)
        )
    before = snapshot(instalment)
    instalment.paid_on = paid_on
    instalment.save(update_fields=["paid_on"])
    _task_figures_changed()
    audit_log(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=instalment,
        before=before,
        after=snapshot(instalment),
    )
    return instalment


# --- data deliveries (art. 3.10) ----------------------------------------------------------------

DELIVERY_COLUMNS = (
    "productgroep",
    "gemeente",
    "periode_begin",
    "periode_eind",
    "clienten",
    "instroom",
    "uitstroom",
    "wachttijd_dagen",
)


def _iso_date(row: dict, column: str) -> dt.date:
    try:
        return dt.date.fromisoformat(str(row.get(column) or "").strip())
    except ValueError:
        raise ValueError(
            _("%(column)s is not a date (YYYY-MM-DD): %(value)s")
            % {"column": column, "value": row.get(column) or "''"}
        ) from None


@transaction.atomic
def data_delivery_record(*, actor, provider, rows: list[dict]) -> list[DataDelivery]:
    """Record the data delivery of ``provider``: per row a product group (code), municipality
    (CBS code), period and the counts. Every row is checked first; one wrong row refuses all.
    A row for a period delivered before replaces it."""
    from zorgregio.regio.models import Municipality

    groups = {g.code: g for g in ProductGroup.objects.all()}
    municipalities = {m.cbs_code: m for m in Municipality.objects.all()}
    errors, planned = [], []
    for number, row in enumerate(rows, start=1):
        where = _("row %s") % number
        try:
            group = groups.get((row.get("productgroep") or "").strip())
            municipality = municipalities.get((row.get("gemeente") or "").strip())
            if group is None:
                raise ValueError(_("unknown product group %s") % row.get("productgroep"))
            if municipality is None:
                raise ValueError(_("unknown municipality (CBS code) %s") % row.get("gemeente"))
            start, end = (_iso_date(row, "periode_begin"), _iso_date(row, "periode_eind"))
            if end < start:
                raise ValueError(_("the period ends before it starts"))
            counts = {}
            for column, name in (
                ("clienten", "clients"),
                ("instroom", "inflow"),
                ("uitstroom", "outflow"),
                ("wachttijd_dagen", "waiting_days"),
            ):
                raw = str(row.get(column) if row.get(column) is not None else "").strip()
                if not raw.isdigit():
                    raise ValueError(_("%s must be a whole number of 0 or more") % column)
                counts[name] = int(raw)
        except ValueError as exc:
            errors.append(f"{where}: {exc}")
            continue
        task = GroupVariant.objects.filter(
            group=group, municipality=municipality, variant=FundingVariant.TASK
        ).overlapping(start, end)
        if not task.exists():
            errors.append(
                _("%(where)s: %(group)s is not task-oriented in %(municipality)s in this period")
                % {"where": where, "group": group.name, "municipality": municipality}
            )
            continue
        planned.append((group, municipality, start, end, counts))
    if not rows:
        errors.append(_("The file has no rows."))
    if errors:
        raise ValidationError(errors)
    user = actor if getattr(actor, "is_authenticated", False) else None
    written = []
    for group, municipality, start, end, counts in planned:
        obj, _created = DataDelivery.objects.update_or_create(
            provider=provider,
            municipality=municipality,
            group=group,
            period_start=start,
            defaults={"period_end": end, "delivered_by": user, **counts},
        )
        written.append(obj)
    _task_figures_changed()
    audit_log(
        actor=actor,
        action=AuditAction.IMPORT,
        message=ngettext(
            "Data delivery: %(count)s period recorded.",
            "Data delivery: %(count)s periods recorded.",
            len(written),
        )
        % {"count": len(written)},
        after={"provider": provider.pk, "deliveries": [d.pk for d in written]},
    )
    return written
