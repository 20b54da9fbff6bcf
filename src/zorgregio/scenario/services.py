"""Computing and saving scenarios. Every check runs before anything is written; a save makes a
new version with the knobs and a summary of the figures, audited."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from zorgregio.accounts.scoping import scope_for
from zorgregio.audit.models import AuditAction
from zorgregio.audit.services import audit_log

from . import baseline as baseline_module
from .engine import MAX_HORIZON, Baseline, Projection, project
from .knobs import KINDS, Knob, read_knob
from .models import Scenario, ScenarioVersion


@dataclass
class Outcome:
    baseline: Baseline
    knobs: list[Knob]
    horizon: int
    projection: Projection
    reference: Projection  # the baseline without knobs

    @property
    def years(self) -> list[int]:
        return self.projection.years


def scope_municipalities(region, municipality) -> list:
    if municipality is not None:
        return [municipality]
    return list(region.municipalities.order_by("name"))


def load_baseline(region, municipality) -> Baseline:
    from zorgregio.monitor.services import current_state

    state = current_state()
    year = baseline_module.base_year_for(state.complete_until)
    if year is None:
        raise ValidationError(
            _("The monitor has no complete year of data yet: no baseline year with data."),
            code="no_baseline",
        )
    return baseline_module.load(
        scope_municipalities(region, municipality),
        base_year=year,
        version=state.version,
        complete_until=state.complete_until,
    )


def read_knobs(rows: list[dict]) -> list[Knob]:
    """Knobs from form rows or stored dicts; every row's problems at once (Dutch)."""
    knobs, errors = [], []
    for number, raw in enumerate(rows, start=1):
        try:
            knob = read_knob(raw, row=number)
        except ValidationError as exc:
            errors += exc.messages
            continue
        if knob is not None:
            knobs.append(knob)
    if errors:
        raise ValidationError(errors)
    return knobs


def check_knobs(
    baseline: Baseline, knobs: list[Knob], *, horizon: int, today: dt.date | None = None
) -> None:
    """Checks that need the baseline: the municipality is in the scenario, it buys the product
    group, the start date is neither in the past nor after the last projected year."""
    from zorgregio.producten.models import ProductGroup

    today = today or timezone.localdate()
    errors = []
    if not 1 <= horizon <= MAX_HORIZON:
        errors.append(
            _("Project between 1 and %(max)s years (not %(n)s).")
            % {"max": MAX_HORIZON, "n": horizon}
        )
    last_day = dt.date(baseline.base_year + max(1, min(horizon, MAX_HORIZON)), 12, 31)
    for number, knob in enumerate(knobs, start=1):
        where = _("Knob %(row)s: ") % {"row": number}
        m = baseline.municipality_index(knob.municipality) if knob.municipality else None
        if knob.municipality and m is None:
            errors.append(
                where
                + _("municipality %(cbs)s is not part of this scenario.")
                % {"cbs": knob.municipality}
            )
            continue
        if knob.group:
            g = baseline.group_index(knob.group)
            group = ProductGroup.objects.filter(code=knob.group).first()
            if group is None:
                errors.append(where + _("unknown product group '%(code)s'.") % {"code": knob.group})
                continue
            buyers = [m] if m is not None else range(len(baseline.municipalities))
            if g is None or not any((i, g) in baseline.buys for i in buyers):
                name = (
                    baseline.municipalities[m]["name"]
                    if m is not None
                    else _("none of the scenario's municipalities")
                )
                errors.append(
                    where
                    + _("%(municipality)s does not buy %(group)s in the projected years.")
                    % {"municipality": name, "group": group.name}
                )
                continue
            if (
                knob.kind == "scale_down"
                and not (
                    baseline.top_share[(baseline.cell_g == g) & (baseline.top_step > 0)] > 0
                ).any()
            ):
                errors.append(
                    where
                    + _(
                        "%(group)s had one intensity only in %(year)s: there is nothing to "
                        "scale down from."
                    )
                    % {"group": group.name, "year": baseline.base_year}
                )
                continue
            if knob.kind == "to_group" and baseline.groups[g]["partner"] < 0:
                errors.append(
                    where
                    + _("%(group)s has no group counterpart to move clients to.")
                    % {"group": group.name}
                )
                continue
        elif knob.kind == "to_group" and all(g["partner"] < 0 for g in baseline.groups):
            errors.append(where + _("no product group of this scenario has a group counterpart."))
        if knob.start < today:
            errors.append(
                where
                + _("the start date %(date)s lies in the past.")
                % {"date": knob.start.strftime("%d-%m-%Y")}
            )
        elif knob.start > last_day:
            errors.append(
                where
                + _("the start date %(date)s lies after the last projected year.")
                % {"date": knob.start.strftime("%d-%m-%Y")}
            )
    if errors:
        raise ValidationError(errors)


def compute(region, municipality, knobs: list[Knob], horizon: int) -> Outcome:
    baseline = load_baseline(region, municipality)
    horizon = max(1, min(int(horizon), MAX_HORIZON))
    return Outcome(
        baseline=baseline,
        knobs=knobs,
        horizon=horizon,
        projection=project(baseline, knobs, horizon),
        reference=project(baseline, [], horizon),
    )


def summary(outcome: Outcome) -> dict:
    return {
        "base_year": outcome.baseline.base_year,
        "totals": outcome.projection.totals(),
        "baseline": outcome.reference.totals(),
        "concentration": outcome.projection.concentration,
    }


def scenario_save(
    *,
    actor,
    region,
    municipality,
    name: str,
    knob_rows: list[dict],
    horizon: int,
    published: bool = False,
    note: str = "",
    scenario: Scenario | None = None,
    today: dt.date | None = None,
) -> ScenarioVersion:
    """Create a scenario or save a new version of ``scenario``. Raises ValidationError (Dutch)
    for bad input and PermissionDenied outside the actor's scope; nothing is saved then."""
    scope = scope_for(actor)
    if scenario is not None:
        region, municipality = scenario.region, scenario.municipality
    if municipality is not None and municipality.region_id != region.pk:
        raise PermissionDenied(_("This municipality is not part of the region."))
    if not scope.may_write_scenario(
        region_id=region.pk, municipality_id=municipality.pk if municipality else None
    ):
        raise PermissionDenied(_("You may not make scenarios for this municipality."))
    name = (name or "").strip()
    errors = []
    if not name:
        errors.append(_("Give the scenario a name."))
    elif len(name) > 120:
        errors.append(_("The name is longer than 120 characters."))
    elif (
        Scenario.objects.filter(region=region, municipality=municipality, name=name)
        .exclude(pk=scenario.pk if scenario else None)
        .exists()
    ):
        errors.append(_("A scenario named '%(name)s' already exists here.") % {"name": name})
    try:
        knobs = read_knobs(knob_rows)
    except ValidationError as exc:
        errors += exc.messages
        knobs = None
    try:
        horizon = int(horizon)
    except (TypeError, ValueError):
        errors.append(_("The number of years must be a whole number."))
        horizon = 0
    baseline = None
    try:
        baseline = load_baseline(region, municipality)
    except ValidationError as exc:
        errors += exc.messages
    if baseline is not None and knobs is not None:
        try:
            check_knobs(baseline, knobs, horizon=horizon, today=today)
        except ValidationError as exc:
            errors += exc.messages
    if errors:
        raise ValidationError(errors)
    outcome = compute(region, municipality, knobs, horizon)
    with transaction.atomic():
        created = scenario is None
        if created:
            scenario = Scenario.objects.create(
                region=region,
                municipality=municipality,
                name=name,
                published=published,
                created_by=actor,
            )
        else:
            scenario = Scenario.objects.select_for_update().get(pk=scenario.pk)
            before = {"name": scenario.name, "published": scenario.published}
            scenario.name, scenario.published = name, published
            scenario.save(update_fields=["name", "published"])
        number = (scenario.versions.aggregate(n=Max("number"))["n"] or 0) + 1
        version = ScenarioVersion.objects.create(
            scenario=scenario,
            number=number,
            base_year=outcome.baseline.base_year,
            horizon=outcome.horizon,
            knobs=[k.as_dict() for k in knobs],
            summary=summary(outcome),
            note=(note or "")[:200],
            saved_by=actor,
        )
        audit_log(
            actor=actor,
            action=AuditAction.CREATE if created else AuditAction.UPDATE,
            obj=scenario,
            message=f"versie {number}",
            before=None if created else before,
            after={
                "name": name,
                "published": published,
                "version": number,
                "knobs": version.knobs,
                "horizon": version.horizon,
            },
        )
    return version


def scenario_publish(*, actor, scenario: Scenario, published: bool) -> Scenario:
    scope = scope_for(actor)
    if not scope.may_write_scenario(
        region_id=scenario.region_id, municipality_id=scenario.municipality_id
    ):
        raise PermissionDenied(_("You may not change this scenario."))
    with transaction.atomic():
        before = {"published": scenario.published}
        scenario.published = published
        scenario.save(update_fields=["published"])
        audit_log(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=scenario,
            message="gepubliceerd" if published else "niet meer gepubliceerd",
            before=before,
            after={"published": published},
        )
    return scenario


def knob_rows_of(version: ScenarioVersion) -> list[dict]:
    return list(version.knobs or [])


def kinds() -> dict:
    return KINDS
