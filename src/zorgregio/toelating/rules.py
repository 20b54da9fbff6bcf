"""The procedure's rules, read-only: which requirements apply to an application, which
thresholds (drempels) block or delay it, how old evidence may be, and what the assessors'
verdicts add up to. The services validate with these functions and the pages show them, so a
provider sees before submitting exactly what the service would refuse.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from zorgregio.common.money import format_eurocents
from zorgregio.contracten.selectors import add_months, deliverable_q

from .models import (
    Application,
    EntryWindow,
    LineOutcome,
    QuestionType,
    Requirement,
    Step,
    Threshold,
    ThresholdKind,
    VerdictOutcome,
)

Key = tuple[int, int]  # (product group id, municipality id)


def fmt_date(day: dt.date | None) -> str:
    return date_format(day, "j-n-Y") if day else _("open-ended")


def fmt_moment(moment: dt.datetime) -> str:
    return date_format(timezone.localtime(moment), "j-n-Y H:i")


# --- evidence ---------------------------------------------------------------------------------


def evidence_valid_until(issued_on: dt.date, max_age_months: int | None) -> dt.date | None:
    """The last day of receipt on which evidence dated ``issued_on`` is young enough
    ("at most N calendar months old when the region receives it")."""
    if not max_age_months:
        return None
    return add_months(issued_on, max_age_months)


def evidence_problem(requirement: Requirement, issued_on: dt.date, received_on: dt.date):
    """Why evidence of ``requirement`` dated ``issued_on`` is not acceptable on receipt at
    ``received_on``, or ``None``."""
    if issued_on > received_on:
        return _(
            "%(code)s: the document is dated %(issued)s, after the day it is received "
            "(%(received)s)."
        ) % {
            "code": requirement.code,
            "issued": fmt_date(issued_on),
            "received": fmt_date(received_on),
        }
    until = evidence_valid_until(issued_on, requirement.max_age_months)
    if until is not None and received_on > until:
        return _(
            "%(code)s: %(kind)s dated %(issued)s is more than %(months)s months old when "
            "received on %(received)s (it could be received until %(until)s). Supply a more "
            "recent one."
        ) % {
            "code": requirement.code,
            "kind": requirement.evidence_kind or _("the evidence"),
            "issued": fmt_date(issued_on),
            "months": requirement.max_age_months,
            "received": fmt_date(received_on),
            "until": fmt_date(until),
        }
    return None


def knocked_out(requirement: Requirement, answer) -> bool:
    """Whether the answer means the requirement is not met (shown to the assessors)."""
    if answer is None:
        return False
    kind = requirement.question_type
    if kind == QuestionType.YES_NO:
        return (
            requirement.knockout
            and answer.yes is not None
            and answer.yes != (requirement.expected_yes)
        )
    if kind == QuestionType.VALUE and answer.value is not None:
        low, high = requirement.min_value, requirement.max_value
        return (low is not None and answer.value < low) or (
            high is not None and answer.value > high
        )
    if kind == QuestionType.CHOICE and answer.choice and requirement.accepted_choices:
        return answer.choice not in requirement.accepted_choices
    return False


# --- what an application consists of ---------------------------------------------------------


def line_keys(application: Application) -> dict[Key, list]:
    """``{(group id, municipality id): [products]}`` of the application's lines."""
    keys: dict[Key, list] = defaultdict(list)
    for line in application.lines.select_related("product__group", "municipality"):
        keys[(line.product.group_id, line.municipality_id)].append(line.product)
    return dict(keys)


def requirement_applies(requirement: Requirement, keys, day: dt.date) -> bool:
    """A general requirement applies to every application; a lot's requirement when a
    product of the lot is applied for; a municipality's extra requirement (a threshold) when
    the lot is applied for in that municipality and the threshold is in force on ``day``."""
    if requirement.lot_id is None:
        return True
    group = requirement.lot.product_group_id
    if requirement.municipality_id is None:
        return any(g == group for g, _m in keys)
    if (group, requirement.municipality_id) not in keys:
        return False
    threshold = getattr(requirement, "threshold", None)
    return (
        threshold is None
        or threshold.valid_from <= day
        and (threshold.valid_until is None or day <= threshold.valid_until)
    )


def requirement_applies_to_key(requirement: Requirement, key: Key) -> bool:
    if requirement.lot_id is None:
        return True
    group, municipality = key
    return requirement.lot.product_group_id == group and requirement.municipality_id in (
        None,
        municipality,
    )


def procedure_requirements(procedure):
    return procedure.requirements.select_related(
        "lot__product_group", "municipality", "threshold"
    ).order_by("step", "lot__number", "order", "code")


def applicable_requirements(application: Application, keys=None, day=None) -> list[Requirement]:
    keys = line_keys(application) if keys is None else keys
    day = day or application.received_on or timezone.localdate()
    return [
        r
        for r in procedure_requirements(application.procedure)
        if requirement_applies(r, keys, day)
    ]


# --- thresholds (drempels) -------------------------------------------------------------------


def thresholds_on(procedure, day: dt.date) -> list[Threshold]:
    return list(
        procedure.thresholds.valid_on(day)
        .select_related("municipality", "product_group")
        .prefetch_related("windows")
    )


def threshold_name(threshold: Threshold) -> str:
    """How a threshold is named in a refusal: whose, for what, which kind, and why."""
    return _("threshold of %(municipality)s for %(group)s (%(kind)s: %(motivation)s)") % {
        "municipality": threshold.municipality.name,
        "group": threshold.product_group or _("every product group"),
        "kind": threshold.get_kind_display(),
        "motivation": threshold.motivation,
    }


def _affected(threshold: Threshold, keys) -> list[Key]:
    return [
        (g, m)
        for g, m in keys
        if m == threshold.municipality_id
        and (threshold.product_group_id is None or g == threshold.product_group_id)
    ]


def is_new_entrant(provider_id: int, group_id: int, municipality_id: int, day: dt.date) -> bool:
    """No admission of the provider for the group in the municipality that allows delivery on
    ``day``."""
    from zorgregio.contracten.models import Admission

    return not (
        Admission.objects.valid_on(day)
        .filter(deliverable_q(), provider_id=provider_id, municipality_id=municipality_id)
        .filter(Q(product__group_id=group_id) | Q(product_group_id=group_id))
        .exists()
    )


def closed_problems(procedure, provider_id: int, keys, day: dt.date) -> list[str]:
    """Product groups a municipality closed for new entrants: refused with the threshold."""
    problems = []
    for threshold in thresholds_on(procedure, day):
        if threshold.kind != ThresholdKind.CLOSED:
            continue
        for group, municipality in _affected(threshold, keys):
            if is_new_entrant(provider_id, group, municipality, day):
                problems.append(
                    _("Not possible: the %(threshold)s, since %(since)s.")
                    % {
                        "threshold": threshold_name(threshold),
                        "since": fmt_date(threshold.valid_from),
                    }
                )
    return problems


def available_intensities(lot_products, municipality_id: int, day: dt.date) -> set:
    """The intensity ranks of a lot's products that the municipality buys regionally."""
    from zorgregio.producten.models import PurchaseMatrixEntry, PurchaseMode

    bought = set(
        PurchaseMatrixEntry.objects.valid_on(day)
        .filter(
            product__in=lot_products, municipality_id=municipality_id, mode=PurchaseMode.REGIONAL
        )
        .values_list("product_id", flat=True)
    )
    return {p.intensity_rank or -p.pk for p in lot_products if p.pk in bought}


def threshold_problems(application: Application, keys, day: dt.date) -> list[str]:
    """Every threshold that blocks the application on ``day``, named (for submission)."""
    procedure = application.procedure
    problems = closed_problems(procedure, application.provider_id, keys, day)
    lots = {lot.product_group_id: lot for lot in procedure.lots.prefetch_related("products")}
    for threshold in thresholds_on(procedure, day):
        affected = _affected(threshold, keys)
        if not affected:
            continue
        if threshold.kind == ThresholdKind.MIN_TURNOVER:
            turnover = application.turnover_cents
            if turnover is None or turnover < threshold.min_turnover_cents:
                problems.append(
                    _(
                        "Not possible: the %(threshold)s asks a yearly turnover of at least "
                        "%(minimum)s; the application states %(turnover)s."
                    )
                    % {
                        "threshold": threshold_name(threshold),
                        "minimum": format_eurocents(threshold.min_turnover_cents),
                        "turnover": format_eurocents(turnover)
                        if turnover is not None
                        else _("none"),
                    }
                )
        elif threshold.kind == ThresholdKind.INTENSITIES:
            for group, municipality in affected:
                lot = lots.get(group)
                if lot is None:
                    continue
                chosen = {p.intensity_rank or -p.pk for p in keys[(group, municipality)]}
                offered = available_intensities(list(lot.products.all()), municipality, day)
                needed = min(threshold.min_intensities or 0, len(offered))
                if len(chosen) < needed:
                    problems.append(
                        _(
                            "Not possible: the %(threshold)s asks to apply for at least "
                            "%(needed)s intensities of the group; the application has %(chosen)s."
                        )
                        % {
                            "threshold": threshold_name(threshold),
                            "needed": needed,
                            "chosen": len(chosen),
                        }
                    )
    return problems


@dataclass(frozen=True)
class Entry:
    """When a line can start under the entry-window thresholds that apply to it."""

    threshold: Threshold | None = None
    window: EntryWindow | None = None

    @property
    def waits(self) -> bool:
        return self.threshold is not None

    @property
    def start(self) -> dt.date | None:
        return self.window.admission_from if self.window else None

    def describe(self) -> str:
        if self.threshold is None:
            return ""
        if self.window is None:
            return _("waits for the next entry window of %(municipality)s (none set yet)") % {
                "municipality": self.threshold.municipality.name
            }
        return _(
            "entry window %(opens)s – %(closes)s of %(municipality)s: admission from %(start)s"
        ) % {
            "opens": fmt_date(self.window.opens_on),
            "closes": fmt_date(self.window.closes_on),
            "municipality": self.threshold.municipality.name,
            "start": fmt_date(self.window.admission_from),
        }


def entry_for(procedure, key: Key, received_on: dt.date, thresholds=None) -> Entry:
    """An application received outside an entry window waits for the next one: the first
    window whose application period has not ended on the day of receipt. With several such
    thresholds the latest start counts."""
    thresholds = thresholds_on(procedure, received_on) if thresholds is None else thresholds
    candidates = []
    for threshold in thresholds:
        if threshold.kind != ThresholdKind.ENTRY_WINDOWS or not _affected(threshold, [key]):
            continue
        windows = sorted(threshold.windows.all(), key=lambda w: w.opens_on)
        window = next((w for w in windows if w.closes_on >= received_on), None)
        candidates.append(Entry(threshold=threshold, window=window))
    if not candidates:
        return Entry()
    undated = [c for c in candidates if c.window is None]
    if undated:
        return undated[0]
    return max(candidates, key=lambda c: c.window.admission_from)


# --- the assessment --------------------------------------------------------------------------


@dataclass
class RequirementResult:
    requirement: Requirement
    verdicts: dict  # assessor id -> Verdict
    missing: list  # assessors without a verdict
    state: str  # open | disagree | met | not_met

    @property
    def motivations(self) -> list[str]:
        seen = []
        for verdict in self.verdicts.values():
            text = verdict.motivation.strip()
            if text and text not in seen:
                seen.append(text)
        return seen


@dataclass
class LineResult:
    product_group: object
    municipality: object
    products: list
    outcome: str | None = None
    failed: list = field(default_factory=list)
    pending: list = field(default_factory=list)

    @property
    def label(self) -> str:
        return str(LineOutcome(self.outcome).label) if self.outcome else ""

    @property
    def motivation(self) -> str:
        if self.outcome != LineOutcome.REFUSED:
            return ""
        parts = []
        for result in self.failed:
            requirement = result.requirement
            reasons = "; ".join(result.motivations)
            parts.append(
                _("%(code)s (%(step)s), '%(text)s': not met. %(reasons)s")
                % {
                    "code": requirement.code,
                    "step": requirement.get_step_display(),
                    "text": requirement.text.strip(),
                    "reasons": reasons,
                }
            )
        return "\n".join(p.strip() for p in parts)


@dataclass
class Summary:
    assessors: list
    requirements: list  # RequirementResult, in questionnaire order
    lines: list  # LineResult

    def step(self, step: int) -> list:
        return [r for r in self.requirements if r.requirement.step == step]

    @property
    def ready(self) -> bool:
        return bool(self.lines) and all(line.outcome for line in self.lines)

    @property
    def waiting_for(self) -> list:
        """(requirement result, assessors) that keep the decision open."""
        seen, result = set(), []
        for line in self.lines:
            for item in line.pending:
                if item.requirement.pk not in seen:
                    seen.add(item.requirement.pk)
                    result.append(item)
        return result


def _consensus(requirement, verdicts: dict, assessors: list) -> RequirementResult:
    missing = [a for a in assessors if a.pk not in verdicts]
    outcomes = {v.outcome for v in verdicts.values()}
    if missing or not verdicts:
        state = "open"
    elif len(outcomes) > 1:
        state = "disagree"
    else:
        state = "met" if outcomes == {VerdictOutcome.MET} else "not_met"
    return RequirementResult(requirement, verdicts, missing, state)


def assess(application: Application) -> Summary:
    """What the verdicts add up to, per requirement and per product group and municipality.

    A requirement is met or not met when every assessor of the application recorded that
    verdict; otherwise it is open (a verdict missing) or disputed. A line (group x
    municipality) walks the three steps in order: a step with a requirement not met refuses
    the line with that requirement as motivation; a step with an open or disputed requirement
    keeps it open; all three steps met admits it.
    """
    assessors = list(application.assessors.order_by("username"))
    keys = line_keys(application)
    requirements = applicable_requirements(application, keys)
    by_requirement: dict[int, dict] = defaultdict(dict)
    for verdict in application.verdicts.select_related("assessor"):
        if any(a.pk == verdict.assessor_id for a in assessors):
            by_requirement[verdict.requirement_id][verdict.assessor_id] = verdict
    results = [_consensus(r, by_requirement.get(r.pk, {}), assessors) for r in requirements]
    from zorgregio.producten.models import ProductGroup
    from zorgregio.regio.models import Municipality

    groups = ProductGroup.objects.in_bulk({g for g, _m in keys})
    municipalities = Municipality.objects.in_bulk({m for _g, m in keys})
    lines = []
    for key in sorted(keys, key=lambda k: (groups[k[0]].name, municipalities[k[1]].name)):
        line = LineResult(groups[key[0]], municipalities[key[1]], keys[key])
        relevant = [r for r in results if requirement_applies_to_key(r.requirement, key)]
        for step in Step.values:
            in_step = [r for r in relevant if r.requirement.step == step]
            failed = [r for r in in_step if r.state == "not_met"]
            if failed:
                line.outcome, line.failed = LineOutcome.REFUSED, failed
                break
            pending = [r for r in in_step if r.state in ("open", "disagree")]
            if pending:
                line.pending = pending
                break
        else:
            line.outcome = LineOutcome.ADMITTED
        lines.append(line)
    return Summary(assessors=assessors, requirements=results, lines=lines)
