"""Read the monitor's history into a :class:`~.engine.Baseline`, and back-test the projection.

A handful of grouped queries on the monitor's fact tables (``ScopeMonth``, ``PaidCount``,
``Trajectory``, ``ClientYear``, ``ProviderYear``, and for task-oriented cells ``TaskMonth``
through the monitor's own ``figures.task_cells``) for the base year, plus budgets, inhabitants,
the purchase matrix and the productenboek's indexations. No client-level rows leave the
database: every query is grouped per municipality and product group (and product or provider).
The result is cached per monitor version, so turning a knob does not query the history again.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _

from .engine import MAX_HORIZON, Baseline, project

INDIVIDUAL, GROUP = " individueel", " groep"


def base_year_for(complete_until: dt.date | None) -> int | None:
    """The last calendar year whose data is complete (31 December on or before the monitor's
    data-complete date)."""
    if complete_until is None:
        return None
    return (
        complete_until.year
        if complete_until.month == 12 and complete_until.day == 31
        else (complete_until.year - 1)
    )


def partner_codes(groups) -> dict[int, int]:
    """Individual product groups and their group counterpart, by name: 'Begeleiding
    individueel' -> 'Begeleiding groep' (same law)."""
    by_name = {(g.law, g.name.lower()): g for g in groups}
    pairs = {}
    for g in groups:
        name = g.name.lower()
        if name.endswith(INDIVIDUAL):
            other = by_name.get((g.law, name[: -len(INDIVIDUAL)] + GROUP))
            if other is not None:
                pairs[g.pk] = other.pk
    return pairs


def flow_window(base_year: int, complete_until: dt.date | None) -> tuple[dt.date, dt.date]:
    """The 12 months the inflow and outflow are counted over: the latest 12 complete months
    (up to the data-complete date), or the base year when the data ends with it."""
    first, last = _year_range(base_year)
    if complete_until is None or complete_until <= last:
        return first, last
    day = complete_until + dt.timedelta(days=1)
    try:
        start = day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        start = day.replace(year=day.year - 1, day=28)
    return start, complete_until


def load(
    municipalities,
    *,
    base_year: int,
    version: int = 0,
    use_cache=True,
    complete_until: dt.date | None = None,
) -> Baseline:
    """The baseline of ``municipalities`` (a list) from ``base_year``, with the flows of the
    12 months up to ``complete_until`` (None: the base year). Raises ValidationError (Dutch)
    when the base year has no realisatie for them."""
    ids = tuple(sorted(m.pk for m in municipalities))
    window = flow_window(base_year, complete_until)
    key = (
        f"scenario:baseline:{version}:{base_year}:{window[1].isoformat()}:{','.join(map(str, ids))}"
    )
    if use_cache:
        found = cache.get(key)
        if found is not None:
            return found
    baseline = _load(list(municipalities), base_year, window)
    if use_cache:
        cache.set(key, baseline, 600)
    return baseline


def _year_range(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def _load(
    municipalities, base_year: int, window: tuple[dt.date, dt.date] | None = None
) -> Baseline:
    from zorgregio.monitor.models import (
        Budget,
        ClientYear,
        PaidCount,
        ProviderYear,
        ScopeMonth,
        Trajectory,
    )
    from zorgregio.producten.models import (
        Indexation,
        Product,
        ProductGroup,
        PurchaseMatrixEntry,
        PurchaseMode,
    )

    municipalities = sorted(municipalities, key=lambda m: m.name)
    m_ids = [m.pk for m in municipalities]
    m_index = {m.pk: i for i, m in enumerate(municipalities)}
    first, last = _year_range(base_year)
    flow_first, flow_last = window or (first, last)

    spent = {
        (r["municipality_id"], r["group_id"]): r["total"]
        for r in ScopeMonth.objects.filter(
            municipality_id__in=m_ids, month__range=(first, last), group_id__isnull=False
        )
        .values("municipality_id", "group_id")
        .annotate(total=Sum("amount_cents"))
    }
    # Task-oriented cells (taakgericht): the paid instalments and delivered clients, as the
    # monitor counts them (``figures.task_cells``).
    task = _task_cells(m_ids, first, last)
    for c, found in task.items():
        if found["amount"]:
            spent[c] = spent.get(c, 0) + found["amount"]
    if not any(v > 0 for v in spent.values()):
        raise ValidationError(
            _(
                "There is no realisatie in %(year)s, the last complete year: no baseline year "
                "with data."
            )
            % {"year": base_year},
            code="no_baseline",
        )
    # Budgets of every year up to the horizon: a year without one takes the latest before it.
    budgets: dict[tuple, dict[int, int]] = {}
    for row in Budget.objects.filter(
        municipality_id__in=m_ids, year__lte=base_year + MAX_HORIZON
    ).values("municipality_id", "product_group_id", "year", "amount_cents"):
        key = (row["municipality_id"], row["product_group_id"])
        budgets.setdefault(key, {})[row["year"]] = row["amount_cents"]

    groups = list(ProductGroup.objects.order_by("law", "name"))
    pairs = partner_codes(groups)
    group_ids_used = {g for _m, g in spent} | {g for _m, g in budgets}
    group_ids_used |= {pairs[g] for g in list(group_ids_used) if g in pairs}
    groups = [g for g in groups if g.pk in group_ids_used]
    g_index = {g.pk: i for i, g in enumerate(groups)}
    cells = sorted(
        {(m, g) for m, g in spent if g in g_index}
        | {(m, g) for m, g in budgets if g in g_index}
        | {(m, pairs[g]) for m, g in spent if g in pairs},
        key=lambda c: (m_index[c[0]], g_index[c[1]]),
    )
    c_index = {c: i for i, c in enumerate(cells)}
    n = len(cells)

    def column(rows, key_fields, value) -> np.ndarray:
        out = np.zeros(n)
        for row in rows:
            i = c_index.get(tuple(row[k] for k in key_fields))
            if i is not None:
                out[i] += row[value]
        return out

    spending = np.array([float(spent.get(c, 0)) for c in cells])
    clients = column(
        PaidCount.objects.filter(
            municipality_id__in=m_ids, group_id__gt=0, start_date=first, end_date=last
        ).values("municipality_id", "group_id", "clients"),
        ("municipality_id", "group_id"),
        "clients",
    )
    inflow = column(
        Trajectory.objects.filter(
            municipality_id__in=m_ids, start_date__range=(flow_first, flow_last)
        )
        .values("municipality_id", "group_id")
        .annotate(n=Count("id")),
        ("municipality_id", "group_id"),
        "n",
    )
    outflow = column(
        Trajectory.objects.filter(
            municipality_id__in=m_ids, end_date__range=(flow_first, flow_last)
        )
        .values("municipality_id", "group_id")
        .annotate(n=Count("id")),
        ("municipality_id", "group_id"),
        "n",
    )
    # Task-oriented cells: the delivered clients of cells with an instalment paid in the base
    # year, and the delivered inflow and outflow (or regieberichten) of the flow window.
    for c, found in task.items():
        if c in c_index:
            clients[c_index[c]] += found["paid"]
    for c, found in _task_cells(m_ids, flow_first, flow_last).items():
        if c in c_index:
            inflow[c_index[c]] += found["inflow"]
            outflow[c_index[c]] += found["outflow"]

    # Intensity mix: clients and realisatie per product (its intensity rank) in the base year.
    rank_of = dict(Product.objects.values_list("pk", "intensity_rank"))
    per_rank: dict[int, dict[int, list[float]]] = {}
    for row in (
        ClientYear.objects.filter(municipality_id__in=m_ids, year_start=first)
        .values("municipality_id", "group_id", "product_id")
        .annotate(amount=Sum("amount_cents"), n=Count("client_id", distinct=True))
    ):
        i = c_index.get((row["municipality_id"], row["group_id"]))
        rank = rank_of.get(row["product_id"])
        if i is None or rank is None or row["amount"] <= 0:
            continue
        slot = per_rank.setdefault(i, {}).setdefault(rank, [0.0, 0.0])
        slot[0] += row["n"]
        slot[1] += row["amount"]
    top_share, top_step = np.zeros(n), np.zeros(n)
    for i, ranks in per_rank.items():
        if len(ranks) < 2:
            continue
        ordered = sorted(ranks)
        top, below = ranks[ordered[-1]], ranks[ordered[-2]]
        total = sum(v[0] for v in ranks.values())
        top_share[i] = top[0] / total
        top_step[i] = max(0.0, top[1] / top[0] - below[1] / below[0])

    years = range(base_year, base_year + MAX_HORIZON + 1)
    budget_by_year: dict[int, np.ndarray] = {}
    for c, values in budgets.items():
        if c not in c_index:
            continue
        for year, amount in values.items():
            arr = budget_by_year.setdefault(year, np.full(n, np.nan))
            arr[c_index[c]] = amount

    inhabitants = _inhabitants(municipalities, base_year)

    applied = Indexation.objects.filter(applied_from__isnull=False).order_by("year", "created_at")
    known = {ix.year: float(ix.result().index_pct) for ix in applied}
    indexation = {}
    for year in years:
        earlier = [y for y in known if y <= year]
        indexation[year] = known[max(earlier)] if earlier else 0.0

    horizon_end = dt.date(base_year + MAX_HORIZON, 12, 31)
    buys = {
        (m_index[m], g_index[g])
        for m, g in PurchaseMatrixEntry.objects.filter(
            municipality_id__in=m_ids,
            mode__in=(PurchaseMode.REGIONAL, PurchaseMode.LOCAL),
        )
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gt=last))
        .filter(valid_from__lte=horizon_end)
        .values_list("municipality_id", "product__group_id")
        .distinct()
        if g in g_index
    }

    providers: dict[int, dict[int, float]] = {}
    for row in (
        ProviderYear.objects.filter(municipality_id__in=m_ids, year_start=first)
        .values("group_id", "provider_id")
        .annotate(amount=Sum("amount_cents"))
    ):
        g = g_index.get(row["group_id"])
        if g is not None:
            providers.setdefault(g, {})[row["provider_id"]] = float(row["amount"])
    for (_m, group_id, provider_id), found in _task_cells(
        m_ids, first, last, by=("municipality_id", "group_id", "provider_id")
    ).items():  # the task budgets' instalments are the providers' realisatie too
        g = g_index.get(group_id)
        if g is not None and found["amount"]:
            slot = providers.setdefault(g, {})
            slot[provider_id] = slot.get(provider_id, 0.0) + float(found["amount"])

    return Baseline(
        base_year=base_year,
        flows=(flow_first, flow_last),
        municipalities=[{"id": m.pk, "cbs": m.cbs_code, "name": m.name} for m in municipalities],
        groups=[
            {
                "id": g.pk,
                "code": g.code,
                "name": g.name,
                "law": g.law,
                "partner": g_index.get(pairs.get(g.pk), -1),
            }
            for g in groups
        ],
        cell_m=np.array([m_index[m] for m, _g in cells], dtype=int),
        cell_g=np.array([g_index[g] for _m, g in cells], dtype=int),
        clients=clients,
        spending=spending,
        inflow=inflow,
        outflow=outflow,
        top_share=top_share,
        top_step=top_step,
        budgets=budget_by_year,
        inhabitants=inhabitants,
        indexation=indexation,
        buys=buys,
        providers={g: np.array(list(v.values())) for g, v in providers.items()},
    )


def _task_cells(
    m_ids: list[int], first: dt.date, last: dt.date, by=("municipality_id", "group_id")
) -> dict:
    """The monitor's figures of the task-oriented cells (``monitor.figures.task_cells``) of the
    municipalities from ``first`` to ``last``, per municipality and product group (``by``)."""
    from zorgregio.monitor import figures
    from zorgregio.monitor.selection import MonitorPeriod, Selection

    sel = Selection(tuple(m_ids), MonitorPeriod(first, last, "range"))
    return figures.task_cells(sel, first, last, by=by)


def _inhabitants(municipalities, base_year: int) -> np.ndarray:
    """Inhabitants per municipality for the base year and the years after it: the CBS count
    where there is one, else the last count grown by the last known yearly growth."""
    from zorgregio.regio.models import Inhabitants

    counts: dict[int, dict[int, int]] = {}
    for m_id, year, count in Inhabitants.objects.filter(
        municipality__in=[m.pk for m in municipalities]
    ).values_list("municipality_id", "year", "count"):
        counts.setdefault(m_id, {})[year] = count
    out = np.full((len(municipalities), MAX_HORIZON + 1), np.nan)
    for i, m in enumerate(municipalities):
        known = counts.get(m.pk, {})
        if not known:
            continue
        years = sorted(known)
        growth = 0.0
        if len(years) >= 2:
            a, b = years[-2], years[-1]
            growth = (known[b] / known[a]) ** (1 / (b - a)) - 1
        for t in range(MAX_HORIZON + 1):
            year = base_year + t
            if year in known:
                out[i, t] = known[year]
            elif year > years[-1]:
                out[i, t] = known[years[-1]] * (1 + growth) ** (year - years[-1])
            else:
                earlier = [y for y in years if y < year]
                out[i, t] = known[earlier[-1]] if earlier else known[years[0]]
    return out


def actual_spending(municipalities, year: int) -> dict[str, float]:
    """Realisatie per product group code in ``year`` (and ``""``: the total)."""
    from zorgregio.monitor.models import ScopeMonth
    from zorgregio.producten.models import ProductGroup

    first, last = _year_range(year)
    codes = dict(ProductGroup.objects.values_list("pk", "code"))
    out: dict[str, float] = {"": 0.0}
    for row in (
        ScopeMonth.objects.filter(
            municipality_id__in=[m.pk for m in municipalities],
            month__range=(first, last),
            group_id__isnull=False,
        )
        .values("group_id")
        .annotate(total=Sum("amount_cents"))
    ):
        code = codes.get(row["group_id"])
        if code:
            out[code] = out.get(code, 0.0) + row["total"]
            out[""] += row["total"]
    # the paid instalments of task-oriented cells, as in the monitor's realisatie
    for group_id, found in _task_cells(
        [m.pk for m in municipalities], first, last, by="group_id"
    ).items():
        code = codes.get(group_id)
        if code and found["amount"]:
            out[code] = out.get(code, 0.0) + found["amount"]
            out[""] += found["amount"]
    return out


def back_test(municipalities, *, last_complete: int, first_data_year: int) -> list[dict]:
    """The baseline (no knobs) of every earlier complete year projected one and two years
    ahead, against what was realised: per target year the projected and actual total and the
    error in percent. Only complete years are targets."""
    rows = []
    for base in range(first_data_year, last_complete):
        try:
            baseline = _load(list(municipalities), base)
        except ValidationError:
            continue
        horizon = min(2, last_complete - base)
        totals = project(baseline, [], horizon).totals()
        for ahead in range(1, horizon + 1):
            target = base + ahead
            actual = actual_spending(municipalities, target)[""]
            projected = totals[ahead]["spending_cents"]
            rows.append(
                {
                    "base_year": base,
                    "year": target,
                    "ahead": ahead,
                    "projected_cents": projected,
                    "actual_cents": round(actual),
                    "error_pct": (projected - actual) / actual * 100 if actual else None,
                }
            )
    return rows
