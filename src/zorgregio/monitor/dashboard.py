"""Assembles the figures of one view (scope + period) into display-ready, suppressed cells.

The pages, the XLSX and PDF exports and the API all use :func:`build`, so they always show the
same numbers with the same suppression.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field

from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from . import figures as f
from .privacy import Cell, Suppressor, change
from .selection import Selection

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

    @property
    def label(self):
        return LABELS[self.key]

    @property
    def definition(self):
        return DEFINITIONS.get(self.key, "")


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

    def row(self, key: str) -> Row:
        return next(r for r in self.rows if r.key == key)

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
    cells["duration"] = s.over(out["duration"], out["count"], "days")
    return cells


def build(
    sel: Selection,
    *,
    detail: bool,
    complete_until: dt.date | None,
    with_series: bool = True,
    today: dt.date | None = None,
) -> Dashboard:
    with f.remembering_scopes():
        return _build(
            sel, detail=detail, complete_until=complete_until, with_series=with_series, today=today
        )


def _build(
    sel: Selection,
    *,
    detail: bool,
    complete_until: dt.date | None,
    with_series: bool,
    today: dt.date | None,
) -> Dashboard:
    s = Suppressor(detail)
    day = f.reference_day(sel, today)
    board = Dashboard(selection=sel, detail=detail, has_data=f.has_data(sel), reference_day=day)
    year = sel.period.start.year
    people = f.inhabitants(sel, year)
    current = _core(sel, s, people)
    previous_sel = sel.with_period(sel.period.previous_year())
    previous = _core(previous_sel, s, f.inhabitants(previous_sel, year - 1))
    if not board.has_data:
        for cell in current.values():
            cell.no_data = True
    current["clients_on"] = s.count(f.clients_on(sel, day), no_data=not board.has_data)
    scale = f.scaling(sel)
    current["opschaling"] = s.count(scale["up"], no_data=not board.has_data)
    current["afschaling"] = s.count(scale["down"], no_data=not board.has_data)

    ytd_sel = f.year_to_date(sel)
    ytd = {
        "amount": f.money(ytd_sel).aggregate(total=Sum("amount_cents"))["total"],
        "clients": f.paid_base(ytd_sel),
    }
    budget = f.budget(sel, sel.period.end.year)
    current["budget"] = s.plain(budget, "amount")
    current["budget_use"] = s.over(
        ytd["amount"] / budget if budget and ytd["amount"] is not None else None,
        ytd["clients"],
        "percent",
    )
    forecast = f.forecast(sel, complete_until)
    board.forecast = forecast
    current["forecast"] = s.over(forecast.forecast, ytd["clients"], "amount")
    board.forecast_cells = {
        "realised": s.over(forecast.realised, ytd["clients"], "amount"),
        "low": s.over(forecast.low, ytd["clients"], "amount"),
        "high": s.over(forecast.high, ytd["clients"], "amount"),
        "max_error": s.over(forecast.max_error, ytd["clients"], "percent"),
        "mean_error": s.over(forecast.mean_error, ytd["clients"], "percent"),
        "budget_forecast": s.over(
            forecast.forecast / budget if budget and forecast.forecast else None,
            ytd["clients"],
            "percent",
        ),
    }

    board.backtest = [
        {
            "year": b["year"],
            "forecast": s.over(b["forecast"], ytd["clients"], "amount"),
            "actual": s.over(b["actual"], ytd["clients"], "amount"),
            "error": s.over(b["error"], ytd["clients"], "percent"),
        }
        for b in forecast.backtest
    ]

    market = f.market(sel)
    base = current["realisatie"].base
    current["top3"] = s.over(market["top3"], base, "percent")
    current["top10"] = s.over(market["top10"], base, "percent")
    current["hhi"] = s.over(market["hhi"], base, "index")
    from zorgregio.aanbieders.models import Provider

    names = dict(
        Provider.objects.filter(pk__in=[r["provider_id"] for r in market["rows"]]).values_list(
            "pk", "name"
        )
    )
    board.market = [
        {
            "rank": index,
            "provider_id": r["provider_id"],
            "name": names.get(r["provider_id"], "?"),
            "amount": s.over(r["amount"], r["clients"], "amount"),
            "share": s.over(r["share"], r["clients"], "percent"),
        }
        for index, r in enumerate(market["rows"], start=1)
    ]
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
        current["turning_18"] = s.count(youths["youths"])
        current["turning_18_wmo"] = s.count(youths["to_wmo"])

    for key in LABELS:
        cell = current[key]
        row = Row(key, cell)
        if key in previous:
            row.previous = previous[key]
            row.delta = change(cell, previous[key])
        board.rows.append(row)

    if with_series:
        for month in f.monthly_series(sel):
            board.months.append(
                {
                    "month": month["month"],
                    "clients": s.count(month["clients"]),
                    "instroom": s.count(month["instroom"]),
                    "uitstroom": s.count(month["uitstroom"]),
                    "amount": s.over(month["amount"], month["amount_clients"], "amount"),
                }
            )
        board.budget_months = _budget_months(sel, s, budget, forecast, ytd["clients"])
    return board


def cached_build(sel: Selection, *, detail: bool, state) -> Dashboard:
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
        board = build(sel, detail=detail, complete_until=state.complete_until)
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


def municipality_table(sel: Selection, scope, municipalities) -> list[dict]:
    """Per municipality: clients and realisatie, suppressed unless the caller has detail."""
    from .privacy import detail_allowed

    data = f.by_municipality(sel)
    rows = []
    for municipality in municipalities:
        s = Suppressor(detail_allowed(scope, [municipality.pk]))
        item = data.get(municipality.pk, {"clients": 0, "amount": None, "amount_clients": 0})
        rows.append(
            {
                "municipality": municipality,
                "clients": s.count(item["clients"]),
                "amount": s.over(item["amount"], item["amount_clients"], "amount"),
            }
        )
    return rows
