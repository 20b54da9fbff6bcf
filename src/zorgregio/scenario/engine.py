"""The projection: the baseline per municipality and product group, and the knobs on top of it.

Pure computation on numpy arrays, one element per cell (municipality x product group), no
database: :mod:`.baseline` reads the history once into a :class:`Baseline`, and every turn of a
knob is a call of :func:`project` (well under a millisecond for a region, see
benchmarks/scenario/). The method is described in docs/scenario.md and ADR 0700.

Per cell and projected year t (base year 0):

* inflow  I_t = I_0 * inhabitants_t / inhabitants_0 * growth knobs * (1 - prevention)
* retention r = 1 - O_0 / C_0 (the share of the base year's clients still in care a year later;
  O_0 trajectories that ended in the latest twelve complete months, I_0 those that started);
  a longer trajectory (+x%) gives r' = 1 - (1 - r) / (1 + x)
* clients C_t = r' * C_{t-1} + I_t
* cost per client k_t = k_0 * price index_t * (1 + tariff change) - afschaling effect
* spending S_t = C_t * k_t; individual-to-group moves a share of C_t to the group counterpart
  at the counterpart's cost per client
* budget B_t = the budget of year t (or the latest year before it) * (1 + budget change)

A knob that starts during a year acts on the share of that year after its start date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np

from .knobs import Knob, vng_index

MAX_HORIZON = 5
MAX_RETENTION = 0.98


@dataclass
class Baseline:
    """The history the projection starts from (money in eurocents, as floats)."""

    base_year: int
    municipalities: list[dict]  # {"id", "cbs", "name"}
    groups: list[dict]  # {"id", "code", "name", "law", "partner": index or -1}
    cell_m: np.ndarray  # municipality index per cell
    cell_g: np.ndarray  # group index per cell
    clients: np.ndarray  # clients with realisatie in the base year
    spending: np.ndarray  # realisatie in the base year
    inflow: np.ndarray  # trajectories that started in the base year
    outflow: np.ndarray  # trajectories that ended in the base year
    top_share: np.ndarray  # share of the clients in the group's highest intensity
    top_step: np.ndarray  # cost per client of that intensity minus the one below (cents)
    budgets: dict[int, np.ndarray]  # year -> budget per cell (NaN: none for that year)
    inhabitants: np.ndarray  # (municipality, year offset 0..MAX_HORIZON); NaN unknown
    indexation: dict[int, float]  # year -> percentage from the productenboek
    buys: set[tuple[int, int]]  # (municipality index, group index) bought in the projection
    providers: dict[int, np.ndarray] = field(default_factory=dict)  # group -> amounts
    flows: tuple | None = None  # (first, last day) the inflow and outflow were counted over

    @property
    def size(self) -> int:
        return len(self.cell_m)

    def municipality_index(self, cbs: str) -> int | None:
        return next((i for i, m in enumerate(self.municipalities) if m["cbs"] == cbs), None)

    def group_index(self, code: str) -> int | None:
        return next((i for i, g in enumerate(self.groups) if g["code"] == code), None)

    def cost_per_client(self) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(self.clients > 0, self.spending / np.maximum(self.clients, 1), 0.0)

    def budget_for(self, year: int) -> np.ndarray:
        """Budget per cell for ``year``: that year's, else the latest earlier year's."""
        result = np.full(self.size, np.nan)
        for known in sorted(y for y in self.budgets if y <= year):
            values = self.budgets[known]
            result = np.where(np.isnan(values), result, values)
        return result


@dataclass
class Projection:
    years: list[int]  # base year first
    clients: np.ndarray  # (cells, years)
    spending: np.ndarray
    budget: np.ndarray  # NaN where no budget
    inhabitants: np.ndarray  # (years,) of the scope; NaN unknown
    concentration: list[dict]

    def totals(self) -> list[dict]:
        """Per year: spending, budget, gap (budget minus spending), clients, cost per client
        and per inhabitant. Money in eurocents (int); None when unknown."""
        rows = []
        for t, year in enumerate(self.years):
            spending = float(self.spending[:, t].sum())
            clients = float(self.clients[:, t].sum())
            budget_col = self.budget[:, t]
            has_budget = bool((~np.isnan(budget_col)).any())
            budget = float(np.nansum(budget_col)) if has_budget else None
            inhabitants = self.inhabitants[t]
            rows.append(
                {
                    "year": year,
                    "spending_cents": round(spending),
                    "budget_cents": round(budget) if budget is not None else None,
                    "gap_cents": round(budget - spending) if budget is not None else None,
                    "clients": round(clients),
                    "cost_per_client_cents": round(spending / clients) if clients else None,
                    "per_inhabitant_cents": round(spending / inhabitants)
                    if inhabitants and not np.isnan(inhabitants)
                    else None,
                }
            )
        return rows

    def by_group(self, baseline: Baseline) -> list[dict]:
        """Per product group and year: spending and clients (summed over municipalities)."""
        out = []
        for g, group in enumerate(baseline.groups):
            mask = baseline.cell_g == g
            if not mask.any():
                continue
            out.append(
                {
                    "code": group["code"],
                    "name": group["name"],
                    "base_clients": float(baseline.clients[mask].sum()),
                    "spending_cents": [round(v) for v in self.spending[mask].sum(axis=0)],
                    "clients": [round(v) for v in self.clients[mask].sum(axis=0)],
                }
            )
        return out


def active_share(start: dt.date, year: int) -> float:
    """The share of ``year`` on or after ``start``: 0 before, 1 after, a fraction within."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    if start <= first:
        return 1.0
    if start > last:
        return 0.0
    return ((last - start).days + 1) / ((last - first).days + 1)


def knob_mask(baseline: Baseline, knob: Knob) -> np.ndarray:
    mask = np.ones(baseline.size, dtype=bool)
    if knob.municipality:
        m = baseline.municipality_index(knob.municipality)
        mask &= baseline.cell_m == (-1 if m is None else m)
    if knob.group:
        g = baseline.group_index(knob.group)
        mask &= baseline.cell_g == (-1 if g is None else g)
    return mask


def project(baseline: Baseline, knobs: list[Knob], horizon: int) -> Projection:
    """Project ``horizon`` years after the base year with ``knobs`` applied."""
    horizon = max(1, min(int(horizon), MAX_HORIZON))
    n = baseline.size
    years = [baseline.base_year + t for t in range(horizon + 1)]
    masks = [knob_mask(baseline, k) for k in knobs]
    shares = [[active_share(k.start, y) for y in years] for k in knobs]

    with np.errstate(divide="ignore", invalid="ignore"):
        retention = np.where(
            baseline.clients > 0, 1 - baseline.outflow / np.maximum(baseline.clients, 1), 0.0
        )
        inhabitants = baseline.inhabitants[baseline.cell_m]  # (cells, offsets)
        demography = np.where(
            inhabitants[:, :1] > 0, inhabitants / inhabitants[:, :1], 1.0
        )  # (cells, offsets)
    retention = np.clip(retention, 0.0, MAX_RETENTION)
    demography = np.where(np.isnan(demography), 1.0, demography)
    cost = baseline.cost_per_client()

    stock = np.zeros((n, horizon + 1))  # the stock-flow recursion, before moves
    clients = np.zeros((n, horizon + 1))
    spending = np.zeros((n, horizon + 1))
    budget = np.zeros((n, horizon + 1))
    stock[:, 0] = clients[:, 0] = baseline.clients
    spending[:, 0] = baseline.spending
    budget[:, 0] = baseline.budget_for(years[0])

    price = np.ones(n)
    growth = np.ones(n)  # cumulative growth knobs of the inflow
    for t in range(1, horizon + 1):
        year = years[t]
        base_index = baseline.indexation.get(year, 0.0) / 100
        step = np.full(n, base_index)
        tariff = np.ones(n)
        prevention = np.ones(n)
        longer = np.ones(n)
        scale_down = np.zeros(n)
        to_group = np.zeros(n)
        budget_factor = np.ones(n)
        for knob, mask, share in zip(knobs, masks, shares, strict=True):
            f = share[t]
            if f == 0:
                continue
            v = knob.value / 100
            if knob.kind == "indexation":
                step = np.where(mask, (1 - f) * step + f * v, step)
            elif knob.kind == "tariff":
                tariff = np.where(mask, tariff * (1 + f * v), tariff)
            elif knob.kind == "inflow_growth":
                if knob.series == "vng":
                    v = vng_index(year) / vng_index(year - 1) - 1
                growth = np.where(mask, growth * (1 + f * v), growth)
            elif knob.kind == "prevention":
                prevention = np.where(mask, prevention * (1 - f * v), prevention)
            elif knob.kind == "duration":
                longer = np.where(mask, longer * (1 + f * v), longer)
            elif knob.kind == "scale_down":
                scale_down = np.where(mask, np.minimum(1.0, scale_down + f * v), scale_down)
            elif knob.kind == "to_group":
                to_group = np.where(mask, np.minimum(1.0, to_group + f * v), to_group)
            elif knob.kind == "budget":
                budget_factor = np.where(mask, budget_factor * (1 + f * v), budget_factor)
        price = price * (1 + step)
        inflow = baseline.inflow * demography[:, t] * growth * prevention
        kept = 1 - (1 - retention) / longer
        stock[:, t] = np.clip(kept, 0.0, MAX_RETENTION) * stock[:, t - 1] + inflow
        clients[:, t] = stock[:, t]
        per_client = (cost - scale_down * baseline.top_share * baseline.top_step) * price * tariff
        spending[:, t] = clients[:, t] * per_client
        budget[:, t] = baseline.budget_for(year) * budget_factor
        if to_group.any():
            _move_to_group(baseline, clients, spending, t, to_group, cost * price * tariff)

    scope_inhabitants = np.nansum(baseline.inhabitants, axis=0)[: horizon + 1]
    unknown = np.isnan(baseline.inhabitants[:, : horizon + 1]).any(axis=0)
    scope_inhabitants = np.where(unknown | (scope_inhabitants == 0), np.nan, scope_inhabitants)
    return Projection(
        years=years,
        clients=clients,
        spending=spending,
        budget=budget,
        inhabitants=scope_inhabitants,
        concentration=concentration(baseline, knobs),
    )


def _move_to_group(baseline, clients, spending, t, share, cost):
    """Move ``share`` of the clients of each individual cell to its group counterpart (same
    municipality), who then cost the counterpart's cost per client."""
    partner_of_group = np.array([g["partner"] for g in baseline.groups] or [-1])
    pairs = zip(baseline.cell_m.tolist(), baseline.cell_g.tolist(), strict=True)
    index = {(m, g): i for i, (m, g) in enumerate(pairs)}
    for i in np.flatnonzero(share > 0):
        partner_group = partner_of_group[baseline.cell_g[i]]
        j = index.get((int(baseline.cell_m[i]), int(partner_group))) if partner_group >= 0 else None
        if j is None:
            continue
        moved = clients[i, t] * share[i]
        per_client_i = spending[i, t] / clients[i, t] if clients[i, t] else 0.0
        per_client_j = spending[j, t] / clients[j, t] if clients[j, t] else cost[j]
        clients[i, t] -= moved
        spending[i, t] -= moved * per_client_i
        clients[j, t] += moved
        spending[j, t] += moved * per_client_j


def hhi(amounts: np.ndarray) -> float | None:
    total = amounts.sum()
    if total <= 0:
        return None
    return float(((amounts / total * 100) ** 2).sum())


def concentration(baseline: Baseline, knobs: list[Knob]) -> list[dict]:
    """For each product group with a provider cap: the number of providers, the HHI and the
    share of the largest N in the base year, and the HHI when the realisatie of the others
    went to the largest N in proportion to their share. No effect on the money."""
    caps: dict[int, int] = {}
    for knob in knobs:
        if knob.kind != "provider_cap":
            continue
        groups = [baseline.group_index(knob.group)] if knob.group else range(len(baseline.groups))
        for g in groups:
            if g is not None:
                caps[g] = min(caps.get(g, 10**6), int(knob.value))
    rows = []
    for g, cap in sorted(caps.items()):
        amounts = np.sort(baseline.providers.get(g, np.zeros(0)))[::-1]
        amounts = amounts[amounts > 0]
        if not len(amounts):
            continue
        kept = amounts[:cap]
        rows.append(
            {
                "group": baseline.groups[g]["name"],
                "cap": cap,
                "providers": len(amounts),
                "hhi": hhi(amounts),
                "top_share": float(kept.sum() / amounts.sum() * 100),
                "hhi_capped": hhi(kept),
            }
        )
    return rows
