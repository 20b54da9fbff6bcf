"""Assembles the figures of one view (scope + period) into display-ready, suppressed cells.

The pages, the XLSX and PDF exports and the API all use :func:`build`, so they always show the
same numbers with the same suppression.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field, replace

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from zorgregio.accounts.models import Role

from . import figures as f
from . import protection
from .privacy import Cell, Suppressor, change
from .protection import HiddenCells
from .selection import MonitorPeriod, Selection, month_end, shift_years

DEFINITIONS = {
    "clients_on": _("Clients with a levering that covers the reference date."),
    "clients_in": _("Clients with a levering that overlaps the period."),
    "instroom": _("Trajectories (per client and product group) that start in the period."),
    "uitstroom": _("Trajectories that end in the period."),
    "duration": _("Mean of (end - start + 1) days over trajectories that end in the period."),
    "opschaling": _(
        "A levering of a product with a higher intensity in the same product group that starts "
        "within 30 days after another ended; counted in the month it starts."
    ),
    "afschaling": _("As scaling up, with a lower intensity."),
    "realisatie": _(
        "Declared amounts (debit minus credit) of lines not rejected, in the month of the "
        "product period's start."
    ),
    "cost_per_client": _("Realisatie / clients with realisatie in the period."),
    "cost_per_inhabitant": _(
        "Realisatie / inhabitants of the scope's municipalities on 1 January of the year."
    ),
    "clients_per_1000": _("Clients in the period x 1000 / inhabitants."),
    "budget_use": _("Realisatie from 1 January to the end of the period / the year's budget."),
    "forecast": _(
        "Realisatie of the complete months plus a projection of the other months (see docs)."
    ),
    "top3": _("Share of the 3 providers with the highest realisatie."),
    "top10": _("Share of the 10 providers with the highest realisatie."),
    "hhi": _("Herfindahl-Hirschman index: sum of squared shares in percent (0-10,000)."),
    "providers_without_clients": _(
        "Providers admitted for the scope on the reference date without a levering in the "
        "12 months before it."
    ),
    "wait_median": _(
        "Median days from Toewijzingsdatum to the Begindatum of its 305, over toewijzingen "
        "whose care started in the period."
    ),
    "wait_p80": _("80th percentile of the same waiting times (nearest rank)."),
    "turning_18": _("Youths turning 18 in the period with Jeugdwet care in the 183 days before."),
    "turning_18_wmo": _("Of them: with a Wmo levering in the 90 days from their birthday."),
}

LABELS = {
    "clients_on": _("Clients in care on the reference date"),
    "clients_in": _("Clients in the period"),
    "instroom": _("Instroom (new trajectories)"),
    "uitstroom": _("Uitstroom (ended trajectories)"),
    "duration": _("Average trajectory duration"),
    "opschaling": _("Scaling up"),
    "afschaling": _("Scaling down"),
    "realisatie": _("Realisatie"),
    "cost_per_client": _("Cost per client"),
    "cost_per_inhabitant": _("Cost per inhabitant"),
    "clients_per_1000": _("Clients per 1,000 inhabitants"),
    "budget": _("Budget for the year"),
    "budget_use": _("Budget use"),
    "forecast": _("Year-end forecast"),
    "top3": _("Top-3 share"),
    "top10": _("Top-10 share"),
    "hhi": _("HHI"),
    "providers_without_clients": _("Providers without clients"),
    "wait_median": _("Waiting time, median"),
    "wait_p80": _("Waiting time, 80th percentile"),
    "turning_18": _("Turning 18 with youth care"),
    "turning_18_wmo": _("Of whom with Wmo care within 90 days"),
}


@dataclass
class Row:
    key: str
    cell: Cell
    previous: Cell | None = None
    delta: Cell | None = None
    compared: Cell | None = None  # the figure over the comparable months, when not the period

    @property
    def label(self):
        return LABELS[self.key]

    @property
    def definition(self):
        return DEFINITIONS.get(self.key, "")


# Figures about a whole market or a municipality's budget: for one provider they mean nothing
# (an HHI of 10,000, a top-3 share of 100%, cost per inhabitant of the region's inhabitants).
NOT_FOR_ONE_PROVIDER = frozenset(
    {
        "cost_per_inhabitant",
        "clients_per_1000",
        "budget",
        "budget_use",
        "forecast",
        "top3",
        "top10",
        "hhi",
        "providers_without_clients",
    }
)


@dataclass(frozen=True)
class Comparison:
    """What the change against last year compares: the months of the period the data are
    complete for (``period``) with the same months a year earlier (``previous``); ``period``
    is None when no month of the period is complete yet."""

    period: MonitorPeriod | None
    previous: MonitorPeriod | None
    partial: bool  # fewer months than the period

    @property
    def label(self) -> str:
        if self.period is None:
            return gettext("no comparison: no month of this period has complete data yet")
        return gettext("%(period)s compared with %(previous)s") % {
            "period": self.period.span_label,
            "previous": self.previous.span_label,
        }


@dataclass
class Dashboard:
    selection: Selection
    detail: bool
    has_data: bool
    reference_day: dt.date
    rows: list[Row] = field(default_factory=list)
    months: list[dict] = field(default_factory=list)
    market: list[dict] = field(default_factory=list)
    providers_without_clients: list = field(default_factory=list)
    forecast: f.Forecast | None = None
    forecast_cells: dict = field(default_factory=dict)
    budget_months: list[dict] = field(default_factory=list)
    municipalities: list[dict] = field(default_factory=list)

    backtest: list[dict] = field(default_factory=list)
    comparison: Comparison | None = None
    # For one provider: its realisatie, all providers' and its share, per product group.
    region_shares: list[dict] = field(default_factory=list)

    @property
    def provider_scope(self) -> bool:
        return self.selection.provider_id is not None

    def row(self, key: str) -> Row:
        return next(r for r in self.rows if r.key == key)

    def comparison_headers(self) -> list[str]:
        """The headers of the comparison columns of a table of the rows (page, XLSX, PDF)."""
        c = self.comparison
        headers = [c.period.span_label] if c and c.partial else []
        previous = c.previous.span_label if c and c.previous else None
        return [*headers, previous or gettext("Same period last year"), gettext("Change")]

    def comparison_cells(self, row: Row) -> list[Cell | None]:
        return ([row.compared] if self.comparison and self.comparison.partial else []) + [
            row.previous,
            row.delta,
        ]

    @property
    def cells(self) -> dict[str, Row]:
        return {r.key: r for r in self.rows}

    def as_dict(self) -> dict:
        return {r.key: r.cell for r in self.rows}


def _core(sel: Selection, s: Suppressor, inhabitants: int | None) -> dict[str, Cell]:
    clients = f.clients_in(sel)
    money = f.realisatie(sel)
    amount, paid_clients = money["amount"], money["clients"]
    cells = {
        "clients_in": s.count(clients),
        "instroom": s.count(f.instroom(sel)),
        "realisatie": s.over(amount, paid_clients, "amount"),
        "cost_per_client": s.over(
            amount / paid_clients if amount is not None and paid_clients else None,
            paid_clients,
            "amount",
        ),
        "cost_per_inhabitant": s.over(
            amount / inhabitants if amount is not None and inhabitants else None,
            paid_clients,
            "amount",
        ),
        "clients_per_1000": s.over(
            clients * 1000 / inhabitants if inhabitants else None, clients, "number"
        ),
    }
    out = f.uitstroom(sel)
    cells["uitstroom"] = s.count(out["count"])
    cells["duration"] = s.over(out["duration"], out["trajectories"], "days")
    return cells


@dataclass(frozen=True)
class Viewer:
    """Who looks, as far as suppression cares: what part of the region they know in detail
    (municipality staff their municipalities, a provider user its own clients), and whether
    they may see other providers by name."""

    municipality_ids: tuple[int, ...] = ()
    provider_id: int | None = None
    sees_competitors: bool = True

    @classmethod
    def of(cls, scope) -> Viewer:
        if scope.is_provider:
            return cls(provider_id=scope.provider_id, sees_competitors=False)
        if scope.role == Role.MUNICIPALITY:
            return cls(municipality_ids=tuple(sorted(scope.municipality_ids)))
        return cls()


AGGREGATES_ONLY = Viewer()


class Guard:
    """The protection pattern (:mod:`.protection`) applied to the cells of a board for a
    viewer without detail: a cell of the pattern, or one that is not a published cell at all,
    is hidden."""

    def __init__(self, sel: Selection, *, detail: bool, viewer: Viewer, version: int):
        self.active = not detail
        if not self.active:
            return
        from zorgregio.regio.models import Municipality

        ids = sel.municipality_ids
        self.place = ids[0] if len(ids) == 1 else None
        law = sel.law or ""
        if sel.group_id and not law:  # a group has one law: its cells are filed under it
            from zorgregio.producten.models import ProductGroup

            law = ProductGroup.objects.filter(pk=sel.group_id).values_list("law", flat=True).first()
        self.category = (law or "", sel.group_id)
        region = Municipality.objects.filter(pk__in=ids[:1]).values_list("region_id", flat=True)
        year = sel.period.end.year
        self.cells = HiddenCells(
            region.first(),
            range(year - 5, year + 1),
            municipality_ids=viewer.municipality_ids,
            provider_id=viewer.provider_id,
            version=version,
        )

    def hides(self, measure: str, start: dt.date, end: dt.date, place=None, category=None):
        if not self.active:
            return False
        place = self.place if place is None else place
        law, group = category or self.category
        time = protection.time_of(start, end)
        if time is None or time not in protection.times_for(
            protection.MEASURES[measure], (law, group)
        ):
            return True  # not a published cell
        return self.cells.hidden(measure, place, law, group, start, end)

    def apply(self, cell: Cell | None, measure: str, start, end, **where) -> Cell | None:
        if cell is None or cell.no_data or cell.suppressed or not self.active:
            return cell
        if self.hides(measure, start, end, **where):
            cell.suppressed = True
            cell.protecting = True
        return cell


def _comparison(board, sel, s, guard, complete_until, current, people):
    """(figures over the comparable months, the same months a year earlier): a comparison
    with last year covers only the months the data are complete for (issue 17), and a year
    without data shows "no data", never a zero."""
    period = sel.period.comparable(complete_until)
    if period is None:
        board.comparison = Comparison(None, None, partial=False)
        missing = {key: Cell(None, cell.kind, no_data=True) for key, cell in current.items()}
        return current, missing
    previous_period = period.previous_year()
    board.comparison = Comparison(period, previous_period, partial=period != sel.period)
    if period == sel.period:
        compared = current
    else:
        compared = _core(sel.with_period(period), s, people)
        _guard_core(guard, compared, period)
    previous_sel = sel.with_period(previous_period)
    previous = _core(previous_sel, s, f.inhabitants(previous_sel, previous_period.start.year))
    _guard_core(guard, previous, previous_period)
    if not f.has_data(previous_sel):
        for cell in previous.values():
            cell.no_data = True
    return compared, previous


def _guard_core(guard: Guard, cells: dict[str, Cell], period) -> None:
    for keys, measure in (
        (("clients_in", "clients_per_1000"), "in"),
        (("instroom",), "instroom"),
        (("uitstroom", "duration"), "uitstroom"),
        (("realisatie", "cost_per_client", "cost_per_inhabitant"), "paid"),
    ):
        for key in keys:
            guard.apply(cells.get(key), measure, period.start, period.end)


def build(
    sel: Selection,
    *,
    detail: bool,
    complete_until: dt.date | None,
    with_series: bool = True,
    today: dt.date | None = None,
    viewer: Viewer = AGGREGATES_ONLY,
    version: int = 0,
) -> Dashboard:
    with f.remembering_scopes():
        return _build(
            sel,
            detail=detail,
            complete_until=complete_until,
            with_series=with_series,
            today=today,
            viewer=viewer,
            version=version,
        )


def _build(
    sel: Selection,
    *,
    detail: bool,
    complete_until: dt.date | None,
    with_series: bool,
    today: dt.date | None,
    viewer: Viewer,
    version: int,
) -> Dashboard:
    s = Suppressor(detail)
    guard = Guard(sel, detail=detail, viewer=viewer, version=version)
    day = f.reference_day(sel, today)
    if not detail:
        # Clients on a day are published for the last day of each month.
        day = (day + dt.timedelta(days=1)).replace(day=1) - dt.timedelta(days=1)
    board = Dashboard(selection=sel, detail=detail, has_data=f.has_data(sel), reference_day=day)
    year = sel.period.start.year
    people = f.inhabitants(sel, year)
    current = _core(sel, s, people)
    _guard_core(guard, current, sel.period)
    if not board.has_data:
        for cell in current.values():
            cell.no_data = True
    compared, previous = _comparison(board, sel, s, guard, complete_until, current, people)
    current["clients_on"] = guard.apply(
        s.count(f.clients_on(sel, day), no_data=not board.has_data), "on", day, day
    )
    scale = f.scaling(sel)
    p = sel.period
    current["opschaling"] = guard.apply(
        s.count(scale["up"], no_data=not board.has_data), "up", p.start, p.end
    )
    current["afschaling"] = guard.apply(
        s.count(scale["down"], no_data=not board.has_data), "down", p.start, p.end
    )

    ytd_sel = f.year_to_date(sel)
    ytd = {
        "amount": f.spending_total(ytd_sel),
        "clients": f.paid_base(ytd_sel),
    }
    budget = f.budget(sel, sel.period.end.year)
    current["budget"] = s.plain(budget, "amount")
    year_start = dt.date(p.end.year, 1, 1)
    current["budget_use"] = guard.apply(
        s.over(
            ytd["amount"] / budget if budget and ytd["amount"] is not None else None,
            ytd["clients"],
            "percent",
        ),
        "paid",
        year_start,
        p.end,
    )
    forecast = f.forecast(sel, complete_until)
    board.forecast = forecast
    # The forecast is the realisatie to the cut-off month (this year and, for the seasonal
    # method, last year) and last year's total: hidden when any of them is.
    forecast_hidden = forecast.cutoff is not None and any(
        guard.hides("paid", dt.date(y, 1, 1), end)
        for y, end in (
            (p.end.year, month_end(forecast.cutoff)),
            (p.end.year - 1, month_end(shift_years(forecast.cutoff, -1))),
            (p.end.year - 1, dt.date(p.end.year - 1, 12, 31)),
        )
    )

    def forecast_cell(value, kind):
        cell = s.over(value, ytd["clients"], kind)
        if forecast_hidden and not cell.no_data and not cell.suppressed:
            cell.suppressed = cell.protecting = True
        return cell

    current["forecast"] = forecast_cell(forecast.forecast, "amount")
    board.backtest = []
    for b in forecast.backtest:
        cut = month_end(forecast.cutoff.replace(year=b["year"]))
        hidden_year = any(
            guard.hides("paid", start, end)
            for start, end in (
                (dt.date(b["year"], 1, 1), cut),
                (dt.date(b["year"] - 1, 1, 1), month_end(cut.replace(year=b["year"] - 1))),
                (dt.date(b["year"] - 1, 1, 1), dt.date(b["year"] - 1, 12, 31)),
                (dt.date(b["year"], 1, 1), dt.date(b["year"], 12, 31)),
            )
        )
        row = {
            "year": b["year"],
            "forecast": s.over(b["forecast"], ytd["clients"], "amount"),
            "actual": s.over(b["actual"], ytd["clients"], "amount"),
            "error": s.over(b["error"], ytd["clients"], "percent"),
        }
        if hidden_year:
            for cell in (row["forecast"], row["actual"], row["error"]):
                if not cell.no_data and not cell.suppressed:
                    cell.suppressed = cell.protecting = True
        forecast_hidden = forecast_hidden or hidden_year
        board.backtest.append(row)
    board.forecast_cells = {
        "realised": forecast_cell(forecast.realised, "amount"),
        "low": forecast_cell(forecast.low, "amount"),
        "high": forecast_cell(forecast.high, "amount"),
        "max_error": forecast_cell(forecast.max_error, "percent"),
        "mean_error": forecast_cell(forecast.mean_error, "percent"),
        "budget_forecast": forecast_cell(
            forecast.forecast / budget if budget and forecast.forecast else None, "percent"
        ),
    }

    market = f.market(sel)
    base = current["realisatie"].base
    for key in ("top3", "top10", "hhi"):
        current[key] = guard.apply(
            s.over(market[key], base, "index" if key == "hhi" else "percent"),
            "paid",
            p.start,
            p.end,
        )
    board.market = _market_rows(market, s, detail=detail, viewer=viewer)
    without = list(f.providers_without_clients(sel, day))
    board.providers_without_clients = without
    current["providers_without_clients"] = s.plain(len(without))

    waits = f.waiting_times(sel)
    current["wait_median"] = s.over(waits["median"], waits["count"], "days")
    current["wait_p80"] = s.over(waits["p80"], waits["count"], "days")
    youths = f.turning_18(sel)
    if sel.law == "wmo" or sel.group_id or sel.product_id or sel.provider_id:
        current["turning_18"] = Cell(None, "count", no_data=True)
        current["turning_18_wmo"] = Cell(None, "count", no_data=True)
    else:
        current["turning_18"] = guard.apply(s.count(youths["youths"]), "t18", p.start, p.end)
        current["turning_18_wmo"] = guard.apply(s.count(youths["to_wmo"]), "t18wmo", p.start, p.end)

    for key in LABELS:
        if sel.provider_id and key in NOT_FOR_ONE_PROVIDER:
            continue
        cell = current[key]
        row = Row(key, cell)
        if key in previous:
            row.previous = previous[key]
            row.delta = change(compared[key], previous[key])
            if compared is not current:
                row.compared = compared[key]
        board.rows.append(row)

    if sel.provider_id:
        board.region_shares = _region_shares(sel, s, detail=detail, viewer=viewer, version=version)

    if with_series:
        for month in f.monthly_series(sel):
            first, last = month["month"], month_end(month["month"])
            if first > day:  # a month still to come: no data, not zeros
                for key in ("clients", "instroom", "uitstroom", "amount"):
                    month[key] = None
            board.months.append(
                {
                    "month": month["month"],
                    "complete": complete_until is not None and last <= complete_until,
                    "clients": guard.apply(s.count(month["clients"]), "in", first, last),
                    "instroom": guard.apply(s.count(month["instroom"]), "instroom", first, last),
                    "uitstroom": guard.apply(s.count(month["uitstroom"]), "uitstroom", first, last),
                    "amount": guard.apply(
                        s.over(month["amount"], month["amount_clients"], "amount"),
                        "paid",
                        first,
                        last,
                    ),
                }
            )
        board.budget_months = _budget_months(sel, s, budget, forecast, ytd["clients"])
        for row in board.budget_months:
            guard.apply(row["cumulative"], "paid", year_start, month_end(row["month"]))
    return board


def _region_shares(sel: Selection, own: Suppressor, *, detail: bool, viewer: Viewer, version):
    """Per product group the provider's realisatie, all providers' in the same municipalities
    and its share. All providers' total is an aggregate: a provider user gets it protected as
    any aggregate (and the share with it, since own / share gives the total)."""
    from zorgregio.producten.models import ProductGroup

    everyone = replace(sel, provider_id=None)
    region_detail = detail and viewer.provider_id is None
    s = Suppressor(region_detail)
    guard = Guard(everyone, detail=region_detail, viewer=viewer, version=version)
    p = sel.period
    rows = []
    groups = ProductGroup.objects.order_by("law", "name")
    if sel.law:
        groups = groups.filter(law=sel.law)
    if sel.group_id:
        groups = groups.filter(pk=sel.group_id)
    for group in groups:
        mine = f.realisatie(replace(sel, group_id=group.pk, law=group.law))
        if not mine["amount"]:
            continue
        total = f.realisatie(replace(everyone, group_id=group.pk, law=group.law))
        whole = guard.apply(
            s.over(total["amount"], total["clients"], "amount"),
            "paid",
            p.start,
            p.end,
            category=(group.law, group.pk),
        )
        share = s.over(
            mine["amount"] / total["amount"] if total["amount"] else None,
            total["clients"],
            "percent",
        )
        if whole.suppressed:
            share.suppressed = share.protecting = True
        rows.append(
            {
                "group": group,
                "own": own.over(mine["amount"], mine["clients"], "amount"),
                "all": whole,
                "share": share,
            }
        )
    return rows


def _market_rows(market: dict, s: Suppressor, *, detail: bool, viewer: Viewer) -> list[dict]:
    """Realisatie and share per provider. With detail: every provider as it is. A provider
    user sees its own row only (other providers' figures are commercially confidential).
    Without detail: only providers with enough clients, their share rounded to whole percents
    and no amounts (the scope's total is shown, so exact shares would give the amounts), the
    others together as one row when they are at least two with enough clients together."""
    from zorgregio.aanbieders.models import Provider

    rows = market["rows"]
    if not viewer.sees_competitors:
        rows = [r for r in rows if r["provider_id"] == viewer.provider_id]
    names = dict(
        Provider.objects.filter(pk__in=[r["provider_id"] for r in rows]).values_list("pk", "name")
    )
    out = []
    if detail or not viewer.sees_competitors:
        own_detail = detail or bool(rows)
        suppressor = Suppressor(own_detail)
        for index, r in enumerate(rows, start=1):
            rank = index if viewer.sees_competitors else None
            out.append(
                {
                    "rank": rank,
                    "provider_id": r["provider_id"],
                    "name": names.get(r["provider_id"], "?"),
                    "amount": suppressor.over(r["amount"], r["clients"], "amount"),
                    "share": suppressor.over(r["share"], r["clients"], "percent"),
                }
            )
        return out
    limit = s.limit
    shown = [r for r in rows if r["clients"] >= limit]
    rest = [r for r in rows if r["clients"] < limit]
    # The rest must be at least two providers with enough clients together, or be empty.
    while rest and (len(rest) < 2 or sum(r["clients"] for r in rest) < limit) and shown:
        rest.append(shown.pop())
    for index, r in enumerate(shown, start=1):
        out.append(
            {
                "rank": index,
                "provider_id": r["provider_id"],
                "name": names.get(r["provider_id"], "?"),
                "amount": Cell(None, "amount", suppressed=True, protecting=True, limit=limit),
                "share": Cell(round(r["share"], 2), "percent", limit=limit),
            }
        )
    if rest:
        out.append(
            {
                "rank": None,
                "provider_id": None,
                "name": gettext("Other providers (%(n)s)") % {"n": len(rest)},
                "amount": Cell(None, "amount", suppressed=True, protecting=True, limit=limit),
                "share": Cell(round(sum(r["share"] for r in rest), 2), "percent", limit=limit)
                if sum(r["clients"] for r in rest) >= limit
                else Cell(None, "percent", suppressed=True, limit=limit),
            }
        )
    return out


def cached_build(
    sel: Selection, *, detail: bool, state, viewer: Viewer = AGGREGATES_ONLY
) -> Dashboard:
    """``build`` through Django's cache, keyed by the selection, the suppression and the
    version of the fact tables: every refresh after an import makes new keys, so a cached view
    is never older than the data (the day of ``today`` is part of the key too)."""
    from django.core.cache import cache

    key = (
        "monitor:"
        + hashlib.sha256(
            repr(
                (
                    sel,
                    detail,
                    viewer,
                    state.version,
                    state.refreshed_at,
                    state.complete_until,
                    dt.date.today(),
                )
            ).encode()
        ).hexdigest()
    )
    board = cache.get(key)
    if board is None:
        board = build(
            sel,
            detail=detail,
            complete_until=state.complete_until,
            viewer=viewer,
            version=state.version,
        )
        cache.set(key, board, timeout=3600)
    return board


def _budget_months(
    sel, s: Suppressor, budget, forecast: f.Forecast, clients: int | None = None
) -> list[dict]:
    """Cumulative realisatie per month of the year against the budget (``clients``: the
    year-to-date client base when the caller has it already)."""
    year = sel.period.end.year
    series = f.monthly_spending(sel, dt.date(year, 1, 1), dt.date(year, 12, 1))
    if clients is None:
        clients = f.paid_base(f.year_to_date(sel))
    total, rows = 0, []
    for month in range(1, 13):
        key = dt.date(year, month, 1)
        if key > sel.period.end:
            break
        total += series.get(key, 0)
        rows.append(
            {
                "month": key,
                "cumulative": s.over(total if series else None, clients, "amount"),
                "budget_share": s.plain(round(budget * month / 12) if budget else None, "amount"),
            }
        )
    return rows


def municipality_table(sel: Selection, scope, municipalities, *, version: int = 0) -> list[dict]:
    """Per municipality: clients and realisatie, suppressed (and protected) unless the caller
    has detail for that municipality."""
    data = f.by_municipality(sel)
    viewer = Viewer.of(scope)
    p = sel.period
    rows = []
    guard = None
    for municipality in municipalities:
        detail = scope.detail_for([municipality.pk])
        s = Suppressor(detail)
        if not detail and guard is None:
            guard = Guard(sel, detail=False, viewer=viewer, version=version)
        item = data.get(municipality.pk, {"clients": 0, "amount": None, "amount_clients": 0})
        clients = s.count(item["clients"])
        amount = s.over(item["amount"], item["amount_clients"], "amount")
        if not detail:
            guard.apply(clients, "in", p.start, p.end, place=municipality.pk)
            guard.apply(amount, "paid", p.start, p.end, place=municipality.pk)
        rows.append({"municipality": municipality, "clients": clients, "amount": amount})
    return rows
