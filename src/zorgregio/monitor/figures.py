"""The figures of the KPI definitions (docs/kpis.md), computed in the database from the fact
tables. Every function takes a :class:`Selection` and returns plain numbers; suppression is
applied afterwards by :mod:`zorgregio.monitor.privacy`.
"""

from __future__ import annotations

import calendar
import contextlib
import contextvars
import datetime as dt
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Avg, Count, Exists, Max, OuterRef, Q, Sum

from zorgregio.common.periods import overlapping_q, valid_on_q
from zorgregio.regio.models import Inhabitants

from .models import (
    Budget,
    ClientMonth,
    ClientYear,
    DeliveryFact,
    ProviderMonth,
    ProviderYear,
    ScopeMonth,
    TaskMonth,
    Trajectory,
)
from .privacy import threshold
from .selection import MonitorPeriod, Selection, add_months, month_end, shift_years
from .services import OPEN_END, sql_days

EPOCH = dt.date(1970, 1, 1)


def day_number(day: dt.date) -> int:
    return (day - EPOCH).days


def _rows(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


# --- task-oriented cells (taakgericht: TaskMonth) ------------------------------------------------
#
# A product group that is task-oriented in a municipality has no declarations and no
# toewijzingen: its spending is the paid instalments of the task budgets and its clients,
# inflow and outflow come from the data deliveries (or the regieberichten). Every figure adds
# these to the ones from the declarations, over the whole months the period touches (a
# delivered period is stored per month, see ``TaskMonth``). A single product has no task
# figures (a task budget is per product group).


def task_rows(sel: Selection, first: dt.date, last: dt.date):
    """``TaskMonth`` rows of the scope in the months from ``first`` to ``last`` (None for a
    product scope)."""
    if sel.product_id:
        return None
    return TaskMonth.objects.filter(
        month__range=(first.replace(day=1), last), **sel.filters(with_product=False)
    )


def task_cells(sel: Selection, first: dt.date, last: dt.date, by: str | None = None) -> dict:
    """Per ``by`` (a column, or None for the whole scope): spending, clients (per provider,
    municipality and group the largest delivered number in the months, summed), clients with
    spending (the same, for the cells with an instalment paid in the months), inflow and
    outflow."""
    rows = task_rows(sel, first, last)
    out: dict = {}
    if rows is None:
        return out
    cell = ["provider_id", "municipality_id", "group_id"]
    keys = cell + ([by] if by and by not in cell else [])
    for row in (
        rows.values(*keys)
        .annotate(
            amount=Sum("amount_cents"),
            clients=Max("clients"),
            inflow=Sum("inflow"),
            outflow=Sum("outflow"),
        )
        .order_by()
    ):
        found = out.setdefault(
            row[by] if by else None,
            {"amount": 0, "clients": 0, "paid": 0, "inflow": 0, "outflow": 0, "rows": 0},
        )
        found["amount"] += row["amount"]
        found["clients"] += row["clients"]
        found["paid"] += row["clients"] if row["amount"] > 0 else 0
        found["inflow"] += row["inflow"]
        found["outflow"] += row["outflow"]
        found["rows"] += 1
    return out


def task_totals(sel: Selection, period: MonitorPeriod | None = None) -> dict:
    p = period or sel.period
    return task_cells(sel, p.start, p.end).get(
        None, {"amount": 0, "clients": 0, "paid": 0, "inflow": 0, "outflow": 0, "rows": 0}
    )


def task_monthly(sel: Selection, first: dt.date, last: dt.date) -> dict[dt.date, dict]:
    """Per month the task figures (clients of that month alone)."""
    return task_cells(sel, first, last, by="month")


# --- care: clients, trajectories --------------------------------------------------------------


def deliveries(sel: Selection):
    return DeliveryFact.objects.filter(**sel.filters())


_scope_memo: contextvars.ContextVar[dict | None] = contextvars.ContextVar(
    "monitor_scope_memo", default=None
)


@contextlib.contextmanager
def remembering_scopes():
    """Within this block, ``_care_scope`` looks up the region of a set of municipalities once
    (a dashboard asks for it for every figure of the same scope)."""
    token = _scope_memo.set({})
    try:
        yield
    finally:
        _scope_memo.reset(token)


def _care_scope(sel: Selection) -> dict | None:
    memo = _scope_memo.get()
    if memo is None:
        return _find_care_scope(sel)
    key = (sel.municipality_ids, sel.law, sel.group_id, sel.product_id, sel.provider_id)
    if key not in memo:
        memo[key] = _find_care_scope(sel)
    found = memo[key]
    return dict(found) if found is not None else None


def _find_care_scope(sel: Selection) -> dict | None:
    """``CareCount`` filters for the selection's scope, or None when it is not precomputed
    (a product, a provider, a group without its law, or a set of municipalities that is neither
    one municipality nor a whole region)."""
    if sel.product_id or sel.provider_id or (sel.group_id and not sel.law):
        return None
    ids = set(sel.municipality_ids)
    result: dict = {"law": sel.law or "", "group_id": sel.group_id}
    if len(ids) == 1:
        result.update(municipality_id=next(iter(ids)), region_id=None)
        return result
    from zorgregio.regio.models import Municipality

    members = list(
        Municipality.objects.filter(
            region_id__in=Municipality.objects.filter(pk__in=ids).values("region_id")
        ).values_list("pk", "region_id")
    )
    regions = {region for _pk, region in members}
    if len(regions) != 1 or {pk for pk, _region in members} != ids:
        return None
    result.update(municipality_id=None, region_id=regions.pop())
    return result


def precomputed_clients(sel: Selection, periods: list[tuple[dt.date, dt.date]]) -> dict | None:
    """Clients in care per period from ``CareCount`` (``{(start, end): n}``), or None when the
    scope or any of the periods was not precomputed at the last refresh."""
    from .models import CareCount, CarePeriod

    scope = _care_scope(sel)
    if scope is None or not periods:
        return None
    starts = {start for start, _end in periods}
    known = set(
        CarePeriod.objects.filter(start_date__in=starts).values_list("start_date", "end_date")
    )
    if not set(periods) <= known:
        return None
    counts = {
        (start, end): n
        for start, end, n in CareCount.objects.filter(start_date__in=starts, **scope).values_list(
            "start_date", "end_date", "clients"
        )
    }
    return {period: counts.get(period, 0) for period in periods}


def clients_on(sel: Selection, day: dt.date) -> int:
    """Clients with a levering that covers ``day``."""
    task = task_totals(sel, MonitorPeriod(day.replace(day=1), day, "range"))["clients"]
    found = precomputed_clients(sel, [(day, day)])
    if found is not None:
        return found[(day, day)] + task
    return (
        deliveries(sel)
        .filter(valid_on_q(day, "start_date", "end_date"))
        .values("client_id")
        .distinct()
        .count()
    ) + task


def clients_in(sel: Selection) -> int:
    """Clients with a levering that overlaps the period."""
    p = sel.period
    task = task_totals(sel)["clients"]
    found = precomputed_clients(sel, [(p.start, p.end)])
    if found is not None:
        return found[(p.start, p.end)] + task
    return (
        deliveries(sel)
        .filter(overlapping_q(p.start, p.end, "start_date", "end_date"))
        .values("client_id")
        .distinct()
        .count()
    ) + task


def trajectories(sel: Selection):
    return Trajectory.objects.filter(**sel.filters())


def instroom(sel: Selection) -> int:
    """Trajectories starting in the period, plus the inflow of task-oriented cells."""
    p = sel.period
    started = trajectories(sel).filter(start_date__range=(p.start, p.end)).count()
    return started + task_totals(sel)["inflow"]


def uitstroom(sel: Selection) -> dict:
    """Trajectories ending in the period plus the outflow of task-oriented cells (``count``),
    and the mean duration (end - start + 1 days) of the trajectories (``trajectories`` of
    them: task-oriented work has no delivered duration)."""
    p = sel.period
    result = (
        trajectories(sel)
        .filter(end_date__range=(p.start, p.end))
        .aggregate(count=Count("id"), duration=Avg("duration_days"))
    )
    return {
        "count": result["count"] + task_totals(sel)["outflow"],
        "trajectories": result["count"],
        "duration": result["duration"],
    }


def scaling(sel: Selection) -> dict:
    """Op- en afschaling: a new levering of another product of the same product group that
    starts on the end day of a client's previous levering or within 30 days after it, counted
    in the month the new one starts; op when its intensity is higher, af when lower. The refresh
    flags each such delivery (``services._mark_scaling``); this sums the flags."""
    p = sel.period
    result = (
        deliveries(sel)
        .filter(start_day__range=(day_number(p.start), day_number(p.end)))
        .aggregate(up=Sum("scale_up"), down=Sum("scale_down"))
    )
    return {"up": int(result["up"] or 0), "down": int(result["down"] or 0)}


def waiting_times(sel: Selection) -> dict:
    """Days from Toewijzingsdatum to the Begindatum of the toewijzing's first 305, over the
    toewijzingen whose care started in the period: count, median and 80th percentile (nearest
    rank; the median of an even count is the mean of the two middle values)."""
    p = sel.period
    where, params = sel.sql("d")
    rows = _rows(
        f"""
        SELECT wait_days, rn, n FROM (
            SELECT d.wait_days,
                ROW_NUMBER() OVER (ORDER BY d.wait_days) AS rn,
                COUNT(*) OVER () AS n
            FROM monitor_deliveryfact d
            WHERE d.wait_days IS NOT NULL AND d.start_day BETWEEN %s AND %s AND {where}
        ) x
        WHERE rn = (n + 1) / 2 OR rn = (n + 2) / 2 OR rn = (4 * n + 4) / 5
        """,  # noqa: S608
        [day_number(p.start), day_number(p.end), *params],
    )
    if not rows:
        return {"count": 0, "median": None, "p80": None}
    n = rows[0][2]
    by_rank = {rn: wait for wait, rn, _n in rows}
    median = (by_rank[(n + 1) // 2] + by_rank[(n + 2) // 2]) / 2
    return {"count": n, "median": median, "p80": by_rank[(4 * n + 4) // 5]}


def _adult_date_sql(column: str) -> str:
    """The 18th birthday; someone born on 29 February turns 18 on 28 February."""
    if connection.vendor == "postgresql":
        return f"CAST({column} + INTERVAL '18 years' AS DATE)"
    return (
        f"CASE WHEN strftime('%%m-%%d', {column}) = '02-29' "
        f"THEN date({column}, '+18 years', '-1 day') ELSE date({column}, '+18 years') END"
    )


def birth_bounds(period: MonitorPeriod) -> tuple[dt.date, dt.date]:
    """Birth dates whose 18th birthday falls in the period."""
    first = (
        period.start.replace(year=period.start.year - 18)
        if not (period.start.month == 2 and period.start.day == 29)
        else dt.date(period.start.year - 18, 3, 1)
    )
    last = shift_years(period.end, -18)
    if last.month == 2 and last.day == 28 and calendar.isleap(last.year):
        last = last.replace(day=29)
    return first, last


def turning_18(sel: Selection) -> dict:
    """18-/18+: youths whose 18th birthday falls in the period with Jeugdwet care (a levering in
    the scope's municipalities) in the 183 days before it, and how many of them have a Wmo
    levering (anywhere in the region) in the 90 days from it."""
    first, last = birth_bounds(sel.period)
    ids = list(sel.municipality_ids) or [-1]
    marks = ", ".join(["%s"] * len(ids))
    adult_day = sql_days(_adult_date_sql("c.birth_date"))
    rows = _rows(
        f"""
        SELECT COUNT(*), COALESCE(SUM(CASE WHEN EXISTS (
                SELECT 1 FROM monitor_deliveryfact w WHERE w.client_id = y.id AND w.law = %s
                AND w.start_day <= y.adult_day + 90
                AND COALESCE(w.end_day, {OPEN_END}) >= y.adult_day) THEN 1 ELSE 0 END), 0)
        FROM (
            SELECT c.id, {adult_day} AS adult_day FROM zorg_client c
            WHERE c.birth_date BETWEEN %s AND %s
        ) y
        WHERE EXISTS (
            SELECT 1 FROM monitor_deliveryfact j WHERE j.client_id = y.id AND j.law = %s
            AND j.municipality_id + 0 IN ({marks})
            AND j.start_day <= y.adult_day - 1
            AND COALESCE(j.end_day, {OPEN_END}) >= y.adult_day - 183)
        """,  # noqa: S608
        ["wmo", first, last, "jw", *ids],
    )
    youths, to_wmo = rows[0]
    return {"youths": int(youths), "to_wmo": int(to_wmo or 0)}


def providers_without_clients(sel: Selection, day: dt.date):
    """Providers admitted (active or client stop) for the scope on ``day`` with no levering in
    the scope in the 12 months up to ``day``."""
    from zorgregio.aanbieders.models import Provider
    from zorgregio.contracten.models import Admission, AdmissionStatus

    admitted = Admission.objects.filter(
        valid_on_q(day),
        status__in=[AdmissionStatus.ACTIVE, AdmissionStatus.CLIENT_STOP],
        municipality_id__in=sel.municipality_ids,
    )
    if sel.law:
        admitted = admitted.filter(Q(product__law=sel.law) | Q(product_group__law=sel.law))
    if sel.group_id:
        admitted = admitted.filter(
            Q(product__group_id=sel.group_id) | Q(product_group_id=sel.group_id)
        )
    if sel.product_id:
        admitted = admitted.filter(
            Q(product_id=sel.product_id) | Q(product_group__products__id=sel.product_id)
        )
    if sel.provider_id:
        admitted = admitted.filter(provider_id=sel.provider_id)
    since = shift_years(day, -1) + dt.timedelta(days=1)
    # A delivery overlapping (since, day): open-ended or ending on/after ``since``, and started
    # by ``day``. Two NOT EXISTS per admitted provider, each a range on the index (provider_id,
    # end_date), instead of NOT IN over every delivery of the scope.
    mine = deliveries(sel).filter(provider_id=OuterRef("pk"), start_date__lte=day)
    return (
        Provider.objects.filter(pk__in=admitted.values("provider_id"))
        .exclude(Exists(mine.filter(end_date__isnull=True)))
        .exclude(Exists(mine.filter(end_date__gte=since)))
        .order_by("name")
    )


# --- money -------------------------------------------------------------------------------------


def money_model(sel: Selection):
    """The smallest table that answers sums for this scope: per municipality and group
    (ScopeMonth), per provider too (ProviderMonth), or per client and product (ClientMonth)."""
    if sel.product_id:
        return ClientMonth
    if sel.provider_id:
        return ProviderMonth
    return ScopeMonth


def _months(period: MonitorPeriod) -> tuple[dt.date, dt.date]:
    return period.start.replace(day=1), period.end


def money(sel: Selection, period: MonitorPeriod | None = None):
    return money_model(sel).objects.filter(
        month__range=_months(period or sel.period), **sel.filters()
    )


def spending(sel: Selection, period: MonitorPeriod | None = None):
    """Client-level realisatie rows (for exact distinct counts of clients)."""
    return ClientMonth.objects.filter(month__range=_months(period or sel.period), **sel.filters())


def _whole_year(period: MonitorPeriod) -> bool:
    return (
        period.start.month == 1
        and period.start.day == 1
        and period.end == dt.date(period.start.year, 12, 31)
    )


def _paid_period(period: MonitorPeriod) -> tuple[dt.date, dt.date] | None:
    """The calendar year, quarter or month whose months the period touches (money figures take
    whole months), or None when those months are not one year, quarter or month."""
    first, last = period.start.replace(day=1), period.end.replace(day=1)
    if first.month == 1 and last == dt.date(first.year, 12, 1):
        return first, dt.date(first.year, 12, 31)
    if first.month % 3 == 1 and last == add_months(first, 2):
        return first, month_end(last)
    if first == last:
        return first, month_end(first)
    return None


def paid_clients(sel: Selection, period: MonitorPeriod | None = None) -> int:
    """Clients whose net realisatie in the period is above zero (exact), plus the delivered
    clients of task-oriented cells with an instalment paid in the period. Years and quarters
    of a municipality or a whole region are precomputed (``PaidCount``); other whole calendar
    years are counted from ``ClientYear`` (far fewer rows), the rest from ``ClientMonth``."""

    period = period or sel.period
    return _declared_paid_clients(sel, period) + task_totals(sel, period)["paid"]


def _declared_paid_clients(sel: Selection, period: MonitorPeriod) -> int:
    """``paid_clients`` of the declarations alone."""
    from .models import PaidCount

    paid_period = _paid_period(period)
    if paid_period is not None:
        scope = _care_scope(sel)
        if scope is not None and PaidCount.objects.exists():
            # precomputed at refresh per year and quarter, municipality or region, law, group
            found = PaidCount.objects.filter(
                start_date=paid_period[0], end_date=paid_period[1], **scope
            ).first()
            return found.clients if found else 0
    if _whole_year(period):
        rows = ClientYear.objects.filter(year_start=period.start, **sel.filters())
    else:
        rows = spending(sel, period)
    return rows.values("client_id").annotate(net=Sum("amount_cents")).filter(net__gt=0).count()


def decide_base(low: int | None, high: int | None, exact, extra: int = 0) -> int:
    """A client count good enough for suppression: the largest cell (a lower bound) when it
    reaches the threshold, the sum of cells (an upper bound) when that stays below it, and the
    exact count (``exact()``) only in between. ``extra``: clients of task-oriented cells, added
    to both bounds (``exact()`` includes them)."""
    limit = threshold()
    if not high and not extra:
        return 0
    low = (low or 0) + extra if extra else low
    high = (high or 0) + extra
    if low is not None and low >= limit:
        return low
    if high < limit:
        return high
    return exact()


def resolve_bases(sel: Selection, rows: list[dict], key: str, extra: dict | None = None) -> None:
    """Set ``row["clients"]`` from the cell bounds ``low``/``high`` of grouped rows; the rows
    the bounds leave undecided get their exact count in one grouped query. ``extra``: per key
    the clients of task-oriented cells, added to the bounds and to the exact count."""
    limit = threshold()
    extra = extra or {}
    undecided = []
    for row in rows:
        more = extra.get(row[key], 0)
        low = (row.get("low") or 0) + more if more else row.get("low")
        high = (row.get("high") or 0) + more
        if low is not None and low >= limit:
            row["clients"] = low
        elif high < limit:
            row["clients"] = high
        else:
            undecided.append(row)
    if undecided:
        if key != "month" and _whole_year(sel.period):
            # a whole year: the same clients per key from the year table (far fewer rows)
            rows_qs = ClientYear.objects.filter(year_start=sel.period.start, **sel.filters())
        else:
            rows_qs = spending(sel)
        if len(undecided) <= 10:
            # a few keys: filter on them; many (a small municipality's providers): one grouped
            # scan of the scope and period is cheaper than an index walk per key
            rows_qs = rows_qs.filter(**{f"{key}__in": [row[key] for row in undecided]})
        exact = _distinct_clients_per(rows_qs, key)
        for row in undecided:
            row["clients"] = exact.get(row[key], 0) + extra.get(row[key], 0)


def _distinct_clients_per(rows_qs, key: str) -> dict:
    """Distinct clients per ``key`` of a fact-table queryset: the distinct (key, client) pairs
    first, then counted per key (two hash aggregates; quicker than ``COUNT(DISTINCT)``, which
    sorts per group on PostgreSQL)."""
    inner, params = rows_qs.values(key, "client_id").distinct().order_by().query.sql_with_params()
    sql = f"SELECT x.{key}, COUNT(*) FROM ({inner}) x GROUP BY x.{key}"  # noqa: S608
    # raw rows: SQLite gives dates as text
    return {
        dt.date.fromisoformat(value) if isinstance(value, str) else value: n
        for value, n in _rows(sql, list(params))
    }


def paid_base(sel: Selection, period: MonitorPeriod | None = None) -> int:
    if money_model(sel) is ClientMonth:
        return paid_clients(sel, period)
    bounds = money(sel, period).aggregate(low=Max("clients"), high=Sum("clients"))
    task = task_totals(sel, period)["paid"]
    return decide_base(bounds["low"], bounds["high"], lambda: paid_clients(sel, period), extra=task)


def spending_total(sel: Selection, period: MonitorPeriod | None = None) -> int | None:
    """Realisatie from the declarations plus the paid instalments of task-oriented cells;
    None when there is neither."""
    declared = money(sel, period).aggregate(total=Sum("amount_cents"))["total"]
    task = task_totals(sel, period)
    if declared is None and not task["rows"]:
        return None
    return (declared or 0) + task["amount"]


def realisatie(sel: Selection) -> dict:
    """Realisatie in the period and the clients with realisatie (net amount above zero): the
    declarations, and for task-oriented cells the paid instalments and delivered clients.

    Months are whole: a period is taken as the months it touches (declarations are per month).
    """
    total = spending_total(sel)
    return {"amount": total, "clients": paid_clients(sel) if total is not None else 0}


def inhabitants(sel: Selection, year: int) -> int | None:
    """Inhabitants of the scope's municipalities on 1 January; None when any is missing."""
    rows = Inhabitants.objects.filter(municipality_id__in=sel.municipality_ids, year=year)
    found = rows.aggregate(total=Sum("count"), n=Count("id"))
    if not found["n"] or found["n"] < len(set(sel.municipality_ids)):
        return None
    return found["total"]


def budget(sel: Selection, year: int) -> int | None:
    """The budget of the scope for the year; None when there is none (or the scope is a
    provider or a single product, which budgets are not set for)."""
    if sel.provider_id or sel.product_id:
        return None
    qs = Budget.objects.filter(municipality_id__in=sel.municipality_ids, year=year)
    if sel.group_id:
        qs = qs.filter(product_group_id=sel.group_id)
    if sel.law:
        qs = qs.filter(product_group__law=sel.law)
    return qs.aggregate(total=Sum("amount_cents"))["total"]


def monthly_spending(sel: Selection, first: dt.date, last: dt.date) -> dict[dt.date, int]:
    rows = (
        money_model(sel)
        .objects.filter(month__range=(first, last), **sel.filters())
        .values("month")
        .annotate(total=Sum("amount_cents"))
        .order_by("month")
    )
    series = {row["month"]: row["total"] for row in rows}
    for month, task in task_monthly(sel, first, month_end(last)).items():
        if task["amount"] or month in series:
            series[month] = series.get(month, 0) + task["amount"]
    return series


@dataclass
class Forecast:
    year: int
    cutoff: dt.date | None  # last complete month used
    realised: int | None
    forecast: int | None
    method: str = ""
    backtest: list[dict] = field(default_factory=list)  # per past year: forecast, actual, error

    @property
    def max_error(self) -> float | None:
        errors = [abs(b["error"]) for b in self.backtest if b["error"] is not None]
        return max(errors) if errors else None

    @property
    def mean_error(self) -> float | None:
        errors = [abs(b["error"]) for b in self.backtest if b["error"] is not None]
        return sum(errors) / len(errors) if errors else None

    @property
    def low(self) -> int | None:
        if self.forecast is None or self.max_error is None:
            return None
        return round(self.forecast * (1 - self.max_error))

    @property
    def high(self) -> int | None:
        if self.forecast is None or self.max_error is None:
            return None
        return round(self.forecast * (1 + self.max_error))


def _project(series: dict[dt.date, int], year: int, cutoff_month: int) -> tuple[int, int, str]:
    """Realised January..cutoff plus a projection of the rest of ``year``.

    Seasonal ratio: when the year before has realisatie in the same months, the rest of the
    year is last year's rest times (this year so far / last year same months). Otherwise the
    run rate: the mean month so far times the months left."""
    so_far = sum(series.get(dt.date(year, m, 1), 0) for m in range(1, cutoff_month + 1))
    before = sum(series.get(dt.date(year - 1, m, 1), 0) for m in range(1, cutoff_month + 1))
    rest_before = sum(series.get(dt.date(year - 1, m, 1), 0) for m in range(cutoff_month + 1, 13))
    if before > 0 and (rest_before > 0 or cutoff_month == 12):
        return so_far, so_far + round(rest_before * so_far / before), "seasonal"
    return so_far, so_far + round(so_far / cutoff_month * (12 - cutoff_month)), "run-rate"


def forecast(sel: Selection, complete_until: dt.date | None, years_back: int = 4) -> Forecast:
    """Year-end forecast for the year of the period's end, from the complete months only (the
    months after ``complete_until`` still miss late declarations and are projected instead);
    with its error when the same method is applied to earlier years at the same month."""
    year = sel.period.end.year
    last = min(sel.period.end, complete_until) if complete_until else None
    if last is None or last.year < year:
        return Forecast(year=year, cutoff=None, realised=None, forecast=None)
    cutoff_month = last.month if month_end(last.replace(day=1)) == last else last.month - 1
    if cutoff_month < 1:
        return Forecast(year=year, cutoff=None, realised=None, forecast=None)
    series = monthly_spending(sel, dt.date(year - years_back - 1, 1, 1), dt.date(year, 12, 1))
    if not any(m.year == year and m.month <= cutoff_month for m in series):
        return Forecast(year=year, cutoff=None, realised=None, forecast=None)
    realised, projected, method = _project(series, year, cutoff_month)
    backtest = []
    for past in range(year - years_back, year):
        actual = sum(series.get(dt.date(past, m, 1), 0) for m in range(1, 13))
        if not any(m.year == past for m in series) or actual <= 0:
            continue
        _so_far, guess, _method = _project(series, past, cutoff_month)
        backtest.append(
            {"year": past, "forecast": guess, "actual": actual, "error": (guess - actual) / actual}
        )
    return Forecast(
        year=year,
        cutoff=dt.date(year, cutoff_month, 1),
        realised=realised,
        forecast=projected,
        method=method,
        backtest=backtest,
    )


def market(sel: Selection) -> dict:
    """Realisatie per provider (highest first), the top-3 and top-10 shares of the scope's
    realisatie and the Herfindahl-Hirschman index (shares in percent, squared: 0-10,000).
    Providers whose net realisatie is zero or negative are left out. ``clients`` per provider
    is a count good enough for suppression (see :func:`decide_base`)."""
    model = ClientMonth if sel.product_id else ProviderMonth
    qs = model.objects.filter(month__range=_months(sel.period), **sel.filters())
    if model is ClientMonth:
        rows = list(
            qs.values("provider_id")
            .annotate(amount=Sum("amount_cents"), clients=Count("client_id", distinct=True))
            .filter(amount__gt=0)
            .order_by("-amount", "provider_id")
        )
    elif _whole_year(sel.period) and ProviderYear.objects.exists():
        # per year with the monthly cell bounds kept (largest month, sum of months)
        rows = list(
            ProviderYear.objects.filter(year_start=sel.period.start, **sel.filters())
            .values("provider_id")
            .annotate(amount=Sum("amount_cents"), low=Max("low"), high=Sum("high"))
            .filter(amount__gt=0)
            .order_by("-amount", "provider_id")
        )
        resolve_bases(sel, rows, "provider_id", extra=_task_paid_per(sel, "provider_id"))
    else:
        rows = list(
            qs.values("provider_id")
            .annotate(amount=Sum("amount_cents"), low=Max("clients"), high=Sum("clients"))
            .filter(amount__gt=0)
            .order_by("-amount", "provider_id")
        )
        resolve_bases(sel, rows, "provider_id", extra=_task_paid_per(sel, "provider_id"))
    if model is not ClientMonth:
        _add_task_providers(sel, rows)
    total = sum(r["amount"] for r in rows)
    if not total:
        return {"rows": [], "total": 0, "top3": None, "top10": None, "hhi": None}
    for row in rows:
        row["share"] = row["amount"] / total
    return {
        "rows": rows,
        "total": total,
        "top3": sum(r["amount"] for r in rows[:3]) / total,
        "top10": sum(r["amount"] for r in rows[:10]) / total,
        "hhi": sum((r["share"] * 100) ** 2 for r in rows),
    }


def _task_paid_per(sel: Selection, key: str) -> dict:
    p = sel.period
    return {k: v["paid"] for k, v in task_cells(sel, p.start, p.end, key).items()}


def _add_task_providers(sel: Selection, rows: list[dict]) -> None:
    """Add the paid instalments of task-oriented cells to the providers' realisatie (their
    clients were added to the bases already); providers with task budgets only get a row."""
    task = task_cells(sel, sel.period.start, sel.period.end, "provider_id")
    known = {row["provider_id"]: row for row in rows}
    for provider, found in task.items():
        if provider in known:
            known[provider]["amount"] += found["amount"]
        elif found["amount"] > 0:
            rows.append(
                {"provider_id": provider, "amount": found["amount"], "clients": found["paid"]}
            )
    rows.sort(key=lambda r: (-r["amount"], r["provider_id"]))


# --- monthly series ---------------------------------------------------------------------------


def _in_care_per_month(sel: Selection, months: list[dt.date]) -> dict[int, int]:
    """Clients in care per month (index into ``months``), counted over the deliveries."""
    month_table = " UNION ALL ".join(
        ["SELECT %s AS idx, %s AS first_day, %s AS last_day"] * len(months)
    )
    month_params: list = []
    for index, month in enumerate(months):
        month_params += [index, day_number(month), day_number(month_end(month))]
    where, params = sel.sql("d")
    # Deliveries overlapping the whole period first (index on start_day), then per month.
    return dict(
        _rows(
            f"""
            SELECT m.idx, COUNT(DISTINCT d.client_id)
            FROM (
                SELECT d.client_id, d.start_day, COALESCE(d.end_day, {OPEN_END}) AS e
                FROM monitor_deliveryfact d
                WHERE d.start_day <= %s AND COALESCE(d.end_day, {OPEN_END}) >= %s AND {where}
            ) d
            JOIN ({month_table}) m ON d.start_day <= m.last_day AND d.e >= m.first_day
            GROUP BY m.idx
            """,  # noqa: S608
            [day_number(sel.period.end), day_number(months[0]), *params, *month_params],
        )
    )


def monthly_series(sel: Selection) -> list[dict]:
    """Per month of the period: clients in care, instroom, uitstroom, realisatie and clients with
    realisatie. One query per measure, grouped by month in the database."""
    months = sel.period.months()
    if not months:
        return []
    found = None
    if sel.period.end == month_end(months[-1]):
        # Whole months (a custom period ending mid-month leaves out later starts).
        found = precomputed_clients(sel, [(month, month_end(month)) for month in months])
    if found is not None:
        in_care = {index: found[(month, month_end(month))] for index, month in enumerate(months)}
    else:
        in_care = _in_care_per_month(sel, months)
    first, last = months[0], month_end(months[-1])
    # Grouped by day (at most 366 rows a year) and summed per month here: portable, and no
    # per-row date function (SQLite's date_trunc is a Python callback).
    starts: dict[dt.date, int] = {}
    ends: dict[dt.date, int] = {}
    for column, result in (("start_date", starts), ("end_date", ends)):
        rows = (
            trajectories(sel)
            .filter(**{f"{column}__range": (first, last)})
            .values(column)
            .annotate(n=Count("id"))
            .values_list(column, "n")
            .order_by()
        )
        for day, n in rows:
            month = day.replace(day=1)
            result[month] = result.get(month, 0) + n
    task = task_monthly(sel, first, last)
    for month, found in task.items():
        starts[month] = starts.get(month, 0) + found["inflow"]
        ends[month] = ends.get(month, 0) + found["outflow"]
        index = months.index(month)
        in_care[index] = in_care.get(index, 0) + found["clients"]
    amount_rows = list(
        money_model(sel)
        .objects.filter(month__range=(first, last), **sel.filters())
        .values("month")
        .annotate(amount=Sum("amount_cents"), **_bound_annotations(sel))
    )
    extra = {month: found["paid"] for month, found in task.items()}
    resolve_bases(sel, amount_rows, "month", extra=extra)
    amounts = {row["month"]: row for row in amount_rows}
    for month, found in task.items():
        if month in amounts:
            amounts[month]["amount"] += found["amount"]
        elif found["amount"]:
            amounts[month] = {"amount": found["amount"], "clients": found["paid"]}

    return [
        {
            "month": month,
            "clients": in_care.get(index, 0),
            "instroom": starts.get(month, 0),
            "uitstroom": ends.get(month, 0),
            "amount": amounts[month]["amount"] if month in amounts else None,
            "amount_clients": amounts[month]["clients"] if month in amounts else 0,
        }
        for index, month in enumerate(months)
    ]


def _bound_annotations(sel: Selection) -> dict:
    if money_model(sel) is ClientMonth:
        return {"low": Count("client_id", distinct=True), "high": Count("client_id", distinct=True)}
    return {"low": Max("clients"), "high": Sum("clients")}


def _clients_per_municipality(sel: Selection) -> dict[int, int] | None:
    """Clients in the period per municipality from ``CareCount``, or None when not there."""
    from .models import CareCount, CarePeriod

    p = sel.period
    if sel.product_id or sel.provider_id or (sel.group_id and not sel.law):
        return None
    if not CarePeriod.objects.filter(start_date=p.start, end_date=p.end).exists():
        return None
    return dict(
        CareCount.objects.filter(
            start_date=p.start,
            end_date=p.end,
            municipality_id__in=sel.municipality_ids,
            region_id=None,
            law=sel.law or "",
            group_id=sel.group_id,
        ).values_list("municipality_id", "clients")
    )


def by_municipality(sel: Selection) -> dict[int, dict]:
    """Clients in the period and realisatie per municipality of the scope."""
    p = sel.period
    clients = _clients_per_municipality(sel)
    if clients is None:
        clients = dict(
            deliveries(sel)
            .filter(overlapping_q(p.start, p.end, "start_date", "end_date"))
            .values("municipality_id")
            .annotate(n=Count("client_id", distinct=True))
            .values_list("municipality_id", "n")
        )
    amount_rows = list(
        money(sel)
        .values("municipality_id")
        .annotate(amount=Sum("amount_cents"), **_bound_annotations(sel))
    )
    task = task_cells(sel, p.start, p.end, "municipality_id")
    extra = {mid: found["paid"] for mid, found in task.items()}
    resolve_bases(sel, amount_rows, "municipality_id", extra=extra)
    amounts = {row["municipality_id"]: row for row in amount_rows}
    for mid, found in task.items():
        clients[mid] = clients.get(mid, 0) + found["clients"]
        if mid in amounts:
            amounts[mid]["amount"] += found["amount"]
        elif found["amount"]:
            amounts[mid] = {"amount": found["amount"], "clients": found["paid"]}
    result = {}
    for mid in sel.municipality_ids:
        result[mid] = {
            "clients": clients.get(mid, 0),
            "amount": amounts[mid]["amount"] if mid in amounts else None,
            "amount_clients": amounts[mid]["clients"] if mid in amounts else 0,
        }
    return result


def has_data(sel: Selection) -> bool:
    p = sel.period
    task = task_rows(sel, p.start, p.end)
    return (
        deliveries(sel).filter(overlapping_q(p.start, p.end, "start_date", "end_date")).exists()
        or money(sel).exists()
        or (task is not None and task.exists())
    )


def year_to_date(sel: Selection) -> Selection:
    p = sel.period
    return sel.with_period(MonitorPeriod(dt.date(p.end.year, 1, 1), p.end, "range"))


def reference_day(sel: Selection, today: dt.date | None = None) -> dt.date:
    today = today or dt.date.today()
    return min(sel.period.end, today)


__all__ = [
    "add_months",
    "budget",
    "clients_in",
    "clients_on",
    "forecast",
    "instroom",
    "market",
    "monthly_series",
    "realisatie",
    "scaling",
    "turning_18",
    "uitstroom",
    "waiting_times",
]
