"""The monitor per funding variant and the pilot comparison (issue 20, docs/bekostiging.md).

What a figure rests on depends on the variant that held in the municipality for the product
group in the window:

- inspanningsgericht and outputgericht: spending is realisatie from the declarations
  (``ClientMonth``, as every other monitor figure); clients are the clients with realisatie;
  inflow and duration come from the trajectories (``Trajectory``) and the waiting time from the
  first start of each toewijzing (``DeliveryFact.wait_days``);
- taakgericht: spending is the paid instalments of the task budgets (paid in the window);
  clients, inflow and waiting time come from the providers' data deliveries (art. 3.10) of
  periods that fall in the window; the trajectory duration is not delivered (no data).

The pilot comparison takes the municipalities whose variant for the group changed on a date
(the first day of the first non-effort-oriented period) and those that did not, and compares
the same number of days before and after that date. Figures are cells of
:mod:`.privacy`: counts and everything computed over fewer clients than the threshold are
suppressed for viewers without detail. The main monitor pages add the task-oriented cells to
their figures themselves (``figures``, ``TaskMonth``); this module compares windows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from statistics import median

from django.db.models import Sum

from .privacy import Suppressor

EFFORT, OUTPUT, TASK = "inspanningsgericht", "outputgericht", "taakgericht"
MAX_WINDOW_DAYS = 365


@dataclass
class Figures:
    """Plain figures of one municipality (or a set) in one window."""

    variants: set[str] = field(default_factory=set)
    spending_cents: int = 0
    # Net realisatie per client (declarations): a set of municipalities counts a client with
    # care in two of them once, as a client whose net amount over the set is above zero.
    client_net: dict[int, int] = field(default_factory=dict)
    task_clients: int = 0  # delivered (anonymous) counts: added up
    inflow: int = 0
    durations: list[int] = field(default_factory=list)
    waits: list[float] = field(default_factory=list)

    @property
    def clients(self) -> int:
        return sum(1 for net in self.client_net.values() if net > 0) + self.task_clients

    def add(self, other: Figures) -> None:
        self.variants |= other.variants
        self.spending_cents += other.spending_cents
        for client, net in other.client_net.items():
            self.client_net[client] = self.client_net.get(client, 0) + net
        self.task_clients += other.task_clients
        self.inflow += other.inflow
        self.durations += other.durations
        self.waits += other.waits

    @property
    def cost_per_client(self) -> float | None:
        return self.spending_cents / self.clients if self.clients else None

    @property
    def duration(self) -> float | None:
        return sum(self.durations) / len(self.durations) if self.durations else None

    @property
    def waiting(self) -> float | None:
        return median(self.waits) if self.waits else None


def windows(change: dt.date, last_day: dt.date) -> tuple[tuple, tuple]:
    """The same number of days before and after ``change`` (at most a year, at least one)."""
    days = max(1, min(MAX_WINDOW_DAYS, (last_day - change).days + 1))
    after = (change, change + dt.timedelta(days=days - 1))
    before = (change - dt.timedelta(days=days), change - dt.timedelta(days=1))
    return before, after


def variant_in(periods: list[tuple], start: dt.date, end: dt.date) -> set[str]:
    """The variants that held on some day of the window (no period: effort-oriented)."""
    found = set()
    covered = 0
    for first, last, variant in periods:
        lo, hi = max(first, start), min(last or end, end)
        if lo <= hi:
            found.add(variant)
            covered += (hi - lo).days + 1
    if covered < (end - start).days + 1:
        found.add(EFFORT)
    return found


def change_day(periods_by_municipality: dict[int, list[tuple]]) -> dt.date | None:
    """The first day a non-effort-oriented variant starts in any municipality."""
    starts = [
        first
        for periods in periods_by_municipality.values()
        for first, _last, variant in periods
        if variant != EFFORT
    ]
    return min(starts) if starts else None


def figures_for(group_id: int, municipality_id: int, window: tuple, periods: list[tuple]):
    """The figures of one municipality in one window, on what the variant there rests on."""
    from zorgregio.producten.models import DataDelivery, TaskBudgetInstalment

    from .models import ClientMonth, DeliveryFact, Trajectory

    start, end = window
    out = Figures(variants=variant_in(periods, start, end))
    if out.variants == {TASK}:
        out.spending_cents = (
            TaskBudgetInstalment.objects.filter(
                budget__group_id=group_id,
                budget__municipality_id=municipality_id,
                paid_on__gte=start,
                paid_on__lte=end,
            ).aggregate(s=Sum("amount_cents"))["s"]
            or 0
        )
        deliveries = DataDelivery.objects.filter(
            group_id=group_id,
            municipality_id=municipality_id,
            period_start__gte=start,
            period_end__lte=end,
        )
        per_period: dict[dt.date, int] = {}
        for row in deliveries.values("period_start").annotate(c=Sum("clients")):
            per_period[row["period_start"]] = row["c"]
        out.task_clients = max(per_period.values(), default=0)
        out.inflow = deliveries.aggregate(s=Sum("inflow"))["s"] or 0
        out.waits = [float(w) for w in deliveries.values_list("waiting_days", flat=True)]
        return out
    months = ClientMonth.objects.filter(
        group_id=group_id,
        municipality_id=municipality_id,
        month__gte=start.replace(day=1),
        month__lte=end,
    )
    out.spending_cents = months.aggregate(s=Sum("amount_cents"))["s"] or 0
    out.client_net = dict(
        months.values("client_id").annotate(s=Sum("amount_cents")).values_list("client_id", "s")
    )
    trajectories = Trajectory.objects.filter(group_id=group_id, municipality_id=municipality_id)
    out.inflow = trajectories.filter(start_date__gte=start, start_date__lte=end).count()
    out.durations = list(
        trajectories.filter(
            end_date__gte=start, end_date__lte=end, duration_days__isnull=False
        ).values_list("duration_days", flat=True)
    )
    out.waits = [
        float(w)
        for w in DeliveryFact.objects.filter(
            group_id=group_id,
            municipality_id=municipality_id,
            start_date__gte=start,
            start_date__lte=end,
            wait_days__isnull=False,
        ).values_list("wait_days", flat=True)
    ]
    return out


def cells(figures: Figures, suppressor: Suppressor) -> dict:
    """The figures as monitor cells, suppressed as every published figure is."""
    base = figures.clients
    return {
        "variants": sorted(figures.variants),
        "spending": suppressor.over(figures.spending_cents, base, "amount"),
        "clients": suppressor.count(figures.clients),
        "cost_per_client": suppressor.over(figures.cost_per_client, base, "amount"),
        "inflow": suppressor.count(figures.inflow),
        "duration": suppressor.over(figures.duration, len(figures.durations) or None, "days"),
        "waiting": suppressor.over(figures.waiting, len(figures.waits) or None, "days"),
    }


MEASURES = ("spending", "clients", "cost_per_client", "inflow", "duration", "waiting")


def protect_rows(rows: list[dict]) -> None:
    """Secondary suppression within one set of municipalities, whose total is shown: when one
    municipality's cell is hidden, the same cell of every other municipality of the set is
    hidden too, so that the total minus the others cannot reveal it."""
    for window in ("before", "after"):
        for measure in MEASURES:
            if any(r[window][measure].suppressed for r in rows):
                for r in rows:
                    cell = r[window][measure]
                    if not cell.suppressed:
                        cell.suppressed = cell.protecting = True


def pilot(scope, group, *, last_day: dt.date, municipalities) -> dict:
    """The pilot comparison of ``group`` over ``municipalities`` (the viewer's region)."""
    from zorgregio.producten.models import GroupVariant

    municipalities = list(municipalities)
    periods: dict[int, list[tuple]] = {m.pk: [] for m in municipalities}
    for mid, first, last, variant in GroupVariant.objects.filter(
        group=group, municipality__in=municipalities
    ).values_list("municipality_id", "valid_from", "valid_until", "variant"):
        periods[mid].append((first, last, variant))
    day = change_day(periods)
    if day is None:
        return {"change": None, "rows": [], "groups": []}
    before, after = windows(day, max(last_day, day))
    changed = [m for m in municipalities if any(v != EFFORT for _f, _l, v in periods[m.pk])]
    unchanged = [m for m in municipalities if m not in changed]
    suppressor = Suppressor(scope.detail_for([m.pk for m in municipalities]))
    rows, totals = [], {}
    for label, members in (("changed", changed), ("unchanged", unchanged)):
        total_before, total_after = Figures(), Figures()
        for m in members:
            fb = figures_for(group.pk, m.pk, before, periods[m.pk])
            fa = figures_for(group.pk, m.pk, after, periods[m.pk])
            total_before.add(fb)
            total_after.add(fa)
            detail = Suppressor(scope.detail_for([m.pk]), suppressor.limit)
            rows.append(
                {
                    "municipality": m,
                    "changed": label == "changed",
                    "before": cells(fb, detail),
                    "after": cells(fa, detail),
                }
            )
        protect_rows([r for r in rows if r["changed"] == (label == "changed")])
        totals[label] = {
            "members": members,
            "before": cells(total_before, suppressor),
            "after": cells(total_after, suppressor),
        }
    return {
        "change": day,
        "before": before,
        "after": after,
        "rows": rows,
        "groups": [("changed", totals["changed"]), ("unchanged", totals["unchanged"])],
    }


def variant_notes(municipalities, start: dt.date, end: dt.date, group_id=None) -> list[dict]:
    """The funding variants other than effort-oriented that held in ``[start, end]`` in the
    municipalities shown (of one group, or all): the notes a monitor page prints beside its
    figures, so a reader knows what a figure rests on (task-oriented cells: paid instalments
    and data deliveries, added by ``figures``). Reads only."""
    from zorgregio.producten.models import FundingVariant, GroupVariant

    rows = (
        GroupVariant.objects.filter(municipality__in=list(municipalities), valid_from__lte=end)
        .exclude(variant=EFFORT)
        .exclude(valid_until__lt=start)
        .select_related("group", "municipality")
        .order_by("group__name", "variant", "municipality__name", "valid_from")
    )
    if group_id is not None:
        rows = rows.filter(group_id=group_id)
    notes: dict[tuple, dict] = {}
    for row in rows:
        note = notes.setdefault(
            (row.group_id, row.variant),
            {
                "group": row.group,
                "variant": row.variant,
                "label": FundingVariant(row.variant).label,
                "municipalities": [],
                "municipality_ids": [],
                "first": row.valid_from,
            },
        )
        if row.municipality.name not in note["municipalities"]:
            note["municipalities"].append(row.municipality.name)
            note["municipality_ids"].append(row.municipality_id)
        note["first"] = min(note["first"], row.valid_from)
    return list(notes.values())
