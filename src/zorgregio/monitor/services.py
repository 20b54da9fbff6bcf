"""Changing the monitor's data: the refresh after an import, and budgets.

``refresh_after_import`` is the one entry point the message ingest calls after every import; it
rebuilds the fact tables in the database with ``INSERT ... SELECT`` (window functions for the
trajectories) so the figures are current as soon as it returns.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import time

from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zorgregio.audit.models import AuditAction
from zorgregio.audit.services import audit_log
from zorgregio.common.money import format_eurocents, parse_euros
from zorgregio.common.validators import parse_integer
from zorgregio.producten.models import ProductGroup
from zorgregio.regio.models import Municipality
from zorgregio.zorg.models import DeclaratieStatus, LineStatus
from zorgregio.zorg.partitions import ensure_partitions

from .models import Budget, MonitorState

FACT_TABLES = (
    "monitor_deliveryfact",
    "monitor_trajectory",
    "monitor_clientmonth",
    "monitor_scopemonth",
    "monitor_providermonth",
    "monitor_clientyear",
    "monitor_provideryear",
    "monitor_paidcount",
    "monitor_careperiod",
    "monitor_carecount",
    "monitor_hiddencell",
    "monitor_taskmonth",
)
OPEN_END = 9_999_999  # day number standing in for an open end in window arithmetic


def sql_days(expr: str) -> str:
    """SQL for the number of days since 1970-01-01 of a date expression (NULL stays NULL)."""
    if connection.vendor == "postgresql":
        return f"({expr} - DATE '1970-01-01')"
    return f"CAST(julianday({expr}) - 2440587.5 AS INTEGER)"


def _execute(sql: str, params: list | tuple = ()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _insert_rows(table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """Insert plain rows (dates as ``datetime.date``) with one prepared ``INSERT`` run for each
    row (``executemany``: pipelined on PostgreSQL, a C loop on SQLite). The precomputed counts
    are tens of thousands of rows, for which ``bulk_create`` spends more time preparing model
    instances than the database spends storing them."""
    adapt = connection.ops.adapt_datefield_value
    marks = ", ".join(["%s"] * len(columns))
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",  # noqa: S608
            [tuple(adapt(v) if isinstance(v, dt.date) else v for v in row) for row in rows],
        )


def _rebuild_deliveries() -> None:
    days_begin = sql_days("l.begindatum")
    days_end = sql_days("l.einddatum")
    days_assigned = sql_days("t.toewijzingsdatum")
    _execute("DELETE FROM monitor_deliveryfact")
    _execute(
        f"""
        INSERT INTO monitor_deliveryfact (levering_id, toewijzing_id, client_id, municipality_id,
            provider_id, product_id, group_id, law, intensity_rank, start_date, end_date,
            start_day, end_day, wait_days, scale_up, scale_down)
        SELECT x.levering_id, x.toewijzing_id, x.client_id, x.municipality_id, x.provider_id,
            x.product_id, x.group_id, x.law, x.intensity_rank, x.start_date, x.end_date,
            x.start_day, x.end_day,
            CASE WHEN x.first_one = 1 THEN x.start_day - x.assigned_day END, 0, 0
        FROM (
            SELECT l.id AS levering_id, t.id AS toewijzing_id, t.client_id, t.municipality_id,
                t.provider_id, t.product_id, p.group_id, t.law, p.intensity_rank,
                l.begindatum AS start_date, l.einddatum AS end_date,
                {days_begin} AS start_day, {days_end} AS end_day,
                {days_assigned} AS assigned_day,
                ROW_NUMBER() OVER (PARTITION BY t.id ORDER BY l.begindatum, l.id) AS first_one
            FROM zorg_levering l
            JOIN zorg_toewijzing t ON t.id = l.toewijzing_id
            LEFT JOIN producten_product p ON p.id = t.product_id
            WHERE l.deleted = %s AND t.deleted = %s
        ) x
        """,  # noqa: S608
        [False, False],
    )
    _execute(
        f"""
        INSERT INTO monitor_deliveryfact (levering_id, toewijzing_id, client_id, municipality_id,
            provider_id, product_id, group_id, law, intensity_rank, start_date, end_date,
            start_day, end_day, wait_days, scale_up, scale_down)
        SELECT NULL, t.id, t.client_id, t.municipality_id, t.provider_id, t.product_id,
            p.group_id, t.law, p.intensity_rank, t.ingangsdatum, t.einddatum,
            {sql_days("t.ingangsdatum")}, {sql_days("t.einddatum")}, NULL, 0, 0
        FROM zorg_toewijzing t
        LEFT JOIN producten_product p ON p.id = t.product_id
        WHERE t.deleted = %s AND NOT EXISTS (
            SELECT 1 FROM zorg_levering l WHERE l.toewijzing_id = t.id AND l.deleted = %s)
        """,  # noqa: S608
        [False, False],
    )


def _mark_scaling() -> None:
    """Flag each delivery that is an op- or afschaling: another product of the same group, with
    a higher (lower) intensity rank, started on the end day of an earlier delivery of the client
    or within 30 days after it. Scope and period filters apply to the new delivery only, so the
    flags are the same for every view and ``figures.scaling`` just sums them."""
    if connection.vendor == "postgresql":
        _execute("ANALYZE monitor_deliveryfact")
    for column, compare in (("scale_up", ">"), ("scale_down", "<")):
        _execute(
            f"""
            UPDATE monitor_deliveryfact SET {column} = 1 WHERE id IN (
                SELECT n.id FROM monitor_deliveryfact n
                JOIN monitor_deliveryfact o
                  ON o.client_id = n.client_id AND o.group_id = n.group_id
                 AND o.product_id <> n.product_id AND o.end_day IS NOT NULL
                 AND n.start_day BETWEEN o.end_day AND o.end_day + 30
                 AND o.start_day < n.start_day
                WHERE n.intensity_rank {compare} o.intensity_rank)
            """  # noqa: S608
        )


def _rebuild_trajectories() -> None:
    """Gaps and islands: a delivery starts a new trajectory unless it starts at most one day
    after the latest end of the earlier deliveries of the same client and product group."""
    _execute("DELETE FROM monitor_trajectory")
    order = "ORDER BY start_day, e, id"
    part = "PARTITION BY client_id, gk"
    _execute(
        f"""
        INSERT INTO monitor_trajectory (client_id, group_id, municipality_id, provider_id,
            product_id, law, start_date, end_date, duration_days)
        SELECT client_id, MIN(group_id), MIN(first_municipality), MIN(first_provider),
            MIN(first_product), MIN(first_law), MIN(start_date),
            CASE WHEN MAX(e) = {OPEN_END} THEN NULL ELSE MAX(end_date) END,
            CASE WHEN MAX(e) = {OPEN_END} THEN NULL ELSE MAX(e) - MIN(start_day) + 1 END
        FROM (
            SELECT g.*,
                FIRST_VALUE(municipality_id) OVER w AS first_municipality,
                FIRST_VALUE(provider_id) OVER w AS first_provider,
                FIRST_VALUE(product_id) OVER w AS first_product,
                FIRST_VALUE(law) OVER w AS first_law
            FROM (
                SELECT f.*, SUM(is_new) OVER ({part} {order} ROWS UNBOUNDED PRECEDING) AS grp
                FROM (
                    SELECT d.*,
                        CASE WHEN MAX(e) OVER ({part} {order}
                            ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) >= start_day - 1
                        THEN 0 ELSE 1 END AS is_new
                    FROM (
                        SELECT id, client_id, group_id, COALESCE(group_id, 0) AS gk,
                            municipality_id, provider_id, product_id, law, start_date,
                            end_date, start_day, COALESCE(end_day, {OPEN_END}) AS e
                        FROM monitor_deliveryfact
                    ) d
                ) f
            ) g
            WINDOW w AS ({part}, grp {order}
                ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
        ) x
        GROUP BY client_id, gk, grp
        """  # noqa: S608
    )


def _care_periods() -> list[tuple[dt.date, dt.date]]:
    """The periods pages ask client counts for: every month, quarter and year from the first
    delivery to the end of the last year with a delivery start (or this year), and the last day
    of every month (clients on the reference date)."""
    from .models import DeliveryFact
    from .selection import add_months, month_end

    bounds = DeliveryFact.objects.aggregate(
        first=models.Min("start_date"), last=models.Max("start_date")
    )
    if bounds["first"] is None:
        return []
    first_year = bounds["first"].year
    last_year = max(bounds["last"].year, timezone.localdate().year)
    last_year = min(last_year, first_year + 15)
    periods = []
    for year in range(first_year, last_year + 1):
        periods.append((dt.date(year, 1, 1), dt.date(year, 12, 31)))
        for quarter in range(4):
            start = dt.date(year, 3 * quarter + 1, 1)
            periods.append((start, month_end(add_months(start, 2))))
        for month in range(1, 13):
            start = dt.date(year, month, 1)
            periods.append((start, month_end(start)))
            periods.append((month_end(start), month_end(start)))
    return periods


def _merged(intervals: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted, non-overlapping union of closed integer intervals (touching ones merged)."""
    result: list[list[int]] = []
    for start, end in sorted(intervals):
        if result and start <= result[-1][1] + 1:
            result[-1][1] = max(result[-1][1], end)
        else:
            result.append([start, end])
    return [(start, end) for start, end in result]


def _rebuild_care_counts() -> None:
    """``CareCount``: distinct clients in care per precomputed period and scope (municipality or
    region; all laws, one law, or one product group and law).

    Per client and scope the deliveries are merged into disjoint day intervals; a client is in
    a month, quarter or year when one of them overlaps it, and on a month's last day when one
    covers it. Counting is then a difference array per scope over the month index, so one pass
    over the deliveries (read once) gives every count exactly."""
    from collections import defaultdict

    from zorgregio.regio.models import Municipality

    from .models import CarePeriod, DeliveryFact
    from .selection import add_months, month_end

    _execute("DELETE FROM monitor_carecount")
    _execute("DELETE FROM monitor_careperiod")
    periods = _care_periods()
    if not periods or DeliveryFact.objects.filter(end_date__lt=models.F("start_date")).exists():
        # No data, or a delivery ending before it starts (which "overlaps" periods in a way
        # a union of intervals cannot express): pages count over the deliveries instead.
        return
    CarePeriod.objects.bulk_create(
        [CarePeriod(start_date=start, end_date=end) for start, end in periods], batch_size=500
    )
    first_year, last_year = periods[0][0].year, periods[-1][0].year
    base = first_year * 12
    size = (last_year - first_year + 1) * 12
    last_day = dt.date(last_year, 12, 31).toordinal()
    region_of = dict(Municipality.objects.values_list("pk", "region_id"))

    day_info: dict[int, tuple[int, bool]] = {}

    def info(ordinal: int) -> tuple[int, bool]:
        """Month index of a day, and whether it is the last day of its month."""
        found = day_info.get(ordinal)
        if found is None:
            day = dt.date.fromordinal(ordinal)
            found = (day.year * 12 + day.month - 1 - base, (day + dt.timedelta(days=1)).day == 1)
            day_info[ordinal] = found
        return found

    kinds = ("month", "quarter", "year", "month_end")
    divisor = {"month": 1, "quarter": 3, "year": 12}
    ranges_of: dict[tuple, list[tuple[str, int, int]]] = {}

    def index_ranges(intervals: list[tuple[int, int]]) -> list[tuple[str, int, int]]:
        """The (kind, first, last) index ranges a client with these day intervals is counted
        in. Remembered per interval list: a delivery's interval recurs in all its scopes."""
        key = tuple(intervals)
        found = ranges_of.get(key)
        if found is not None:
            return found
        found = []
        merged = _merged(intervals) if len(intervals) > 1 else intervals
        months = [(info(first)[0], info(last)) for first, last in merged]
        for kind, step in divisor.items():
            ranges = [(a // step, b // step) for a, (b, _end) in months]
            found += [(kind, a, b) for a, b in (_merged(ranges) if len(ranges) > 1 else ranges)]
        for a, (b, is_month_end) in months:
            # month ends inside the interval: from the month of its start to the month of
            # its end (the one before unless it ends on a month end); the merged intervals
            # are disjoint, so no client is counted twice
            b = b if is_month_end else b - 1
            if a <= b:
                found.append(("month_end", a, b))
        ranges_of[key] = found
        return found

    # per (scope column, scope id, law, group): a difference array per kind of period
    diffs: dict[tuple, dict[str, list[int]]] = {}

    def add_client(spans: dict[tuple, list[tuple[int, int]]]) -> None:
        """Count one client in every scope it has day intervals in."""
        for scope, intervals in spans.items():
            diff = diffs.get(scope)
            if diff is None:
                diff = diffs[scope] = {kind: [0] * (size + 1) for kind in kinds}
            for kind, a, b in index_ranges(intervals):
                cells = diff[kind]
                cells[a] += 1
                cells[b + 1] -= 1
        if len(ranges_of) > 20_000:  # a memo, not an index: bounded, whatever the data's size
            ranges_of.clear()

    # A client at a time (the deliveries in client order): at a million lines the intervals
    # of every client held at once took 90 MB (issue 15).
    rows = DeliveryFact.objects.order_by("client_id", "pk").values_list(
        "client_id", "municipality_id", "law", "group_id", "start_date", "end_date"
    )
    current, spans = None, defaultdict(list)
    for client, municipality, law, group, start, end in rows.iterator(chunk_size=5000):
        if client != current:
            add_client(spans)
            current, spans = client, defaultdict(list)
        first = start.toordinal()
        last = min(end.toordinal(), last_day) if end else last_day
        if first > last:
            continue
        variants = [("", None), (law, None), (law, group if group is not None else 0)]
        for scope in (("municipality_id", municipality), ("region_id", region_of[municipality])):
            for variant in variants:
                spans[(*scope, *variant)].append((first, last))
    add_client(spans)

    counts: list[tuple] = []
    for (column, scope_id, law, group), diff in diffs.items():
        for kind in kinds:
            running = 0
            for index in range(size // divisor.get(kind, 1)):
                running += diff[kind][index]
                if not running:
                    continue
                if kind == "month_end":
                    month = add_months(dt.date(first_year, 1, 1), index)
                    start = end = month_end(month)
                elif kind == "year":
                    start, end = (
                        dt.date(first_year + index, 1, 1),
                        dt.date(first_year + index, 12, 31),
                    )
                else:
                    start = add_months(dt.date(first_year, 1, 1), index * divisor[kind])
                    end = month_end(add_months(start, divisor[kind] - 1))
                scope = (scope_id, None) if column == "municipality_id" else (None, scope_id)
                counts.append((start, end, *scope, law, group, running))
    _insert_rows(
        "monitor_carecount",
        ("start_date", "end_date", "municipality_id", "region_id", "law", "group_id", "clients"),
        counts,
    )


def task_month_rows() -> list[tuple]:
    """The rows of ``TaskMonth`` counted from their sources: paid instalments, data deliveries
    and regieberichten. (month, municipality, provider, group, law, amount, clients, inflow,
    outflow, delivered), sorted. Also what ``verify`` compares the stored table with."""
    from collections import defaultdict

    from zorgregio.producten.models import DataDelivery, ProductGroup, TaskBudgetInstalment
    from zorgregio.zorg.models import Regiebericht

    from .selection import add_months

    law_of = dict(ProductGroup.objects.values_list("pk", "law"))
    cells: dict[tuple, list] = defaultdict(lambda: [0, 0, 0, 0, False])
    for paid_on, municipality, provider, group, amount in TaskBudgetInstalment.objects.filter(
        paid_on__isnull=False
    ).values_list(
        "paid_on", "budget__municipality_id", "budget__provider_id", "budget__group_id",
        "amount_cents",
    ):  # fmt: skip
        cells[(paid_on.replace(day=1), municipality, provider, group)][0] += amount
    for municipality, provider, group, start, end, clients, inflow, outflow in (
        DataDelivery.objects.values_list(
            "municipality_id", "provider_id", "group_id", "period_start", "period_end",
            "clients", "inflow", "outflow",
        )
    ):  # fmt: skip
        month = start.replace(day=1)
        while month <= end:
            cell = cells[(month, municipality, provider, group)]
            cell[1] = max(cell[1], clients)
            cell[4] = True
            month = add_months(month, 1)
        cell = cells[(end.replace(day=1), municipality, provider, group)]
        cell[2] += inflow
        cell[3] += outflow
    # Regieberichten: a start is inflow in the month of its start date, a stop outflow in the
    # month of its end date, where no data delivery of the provider covers that month.
    regie = Regiebericht.objects.filter(deleted=False, group_id__isnull=False)
    counts: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    for kind, begin, end, municipality, provider, group in regie.values_list(
        "kind", "begindatum", "einddatum", "municipality_id", "provider_id", "group_id"
    ):
        day = begin if kind == "start" else end
        if day is None:
            continue
        counts[(day.replace(day=1), municipality, provider, group)][kind == "stop"] += 1
    for key, (starts, stops) in counts.items():
        cell = cells[key]
        if not cell[4]:
            cell[2] += starts
            cell[3] += stops
    return sorted(
        (month, municipality, provider, group, law_of[group], *values)
        for (month, municipality, provider, group), values in cells.items()
        if any(values)
    )


def rebuild_task_months() -> None:
    """``TaskMonth`` in full: it has a row per task-oriented cell and month with anything paid
    or delivered, so it stays small (thousands of rows where ``ClientMonth`` has millions)."""
    _execute("DELETE FROM monitor_taskmonth")
    _insert_rows(
        "monitor_taskmonth",
        ("month", "municipality_id", "provider_id", "group_id", "law", "amount_cents", "clients",
         "inflow", "outflow", "delivered"),
        task_month_rows(),
    )  # fmt: skip


def _rebuild_spending(months: set[dt.date] | None) -> None:
    """``ClientMonth`` and the tables summed from it, for the given months (None: all).

    The large inserts here come out sorted on their first index (month or year, municipality):
    the index then grows at its end instead of at random pages, which on PostgreSQL made the
    insert of 690,000 client-months about a tenth quicker (the sort itself is cheap)."""
    where = ""
    params: list = ["C", LineStatus.REJECTED, DeclaratieStatus.REJECTED]
    if months:
        marks = ", ".join(["%s"] * len(months))
        where = f" AND r.month IN ({marks})"
        params += sorted(months)
        _execute(f"DELETE FROM monitor_clientmonth WHERE month IN ({marks})", sorted(months))  # noqa: S608
    else:
        _execute("DELETE FROM monitor_clientmonth")
    _execute(
        f"""
        INSERT INTO monitor_clientmonth (month, client_id, municipality_id, provider_id,
            product_id, group_id, law, amount_cents)
        SELECT r.month, r.client_id, r.municipality_id, r.provider_id, r.product_id,
            MAX(p.group_id), r.law,
            SUM(CASE WHEN r.debit_credit = %s THEN -r.amount_cents ELSE r.amount_cents END)
        FROM zorg_declaratieregel r
        LEFT JOIN producten_product p ON p.id = r.product_id
        WHERE r.status <> %s
            AND r.declaratie_id NOT IN (SELECT id FROM zorg_declaratie WHERE status = %s){where}
        GROUP BY r.month, r.municipality_id, r.client_id, r.provider_id, r.product_id, r.law
        HAVING SUM(CASE WHEN r.debit_credit = %s THEN -r.amount_cents ELSE r.amount_cents END)
            <> 0
        ORDER BY r.month, r.municipality_id
        """,  # noqa: S608
        params + ["C"],
    )
    _rebuild_month_totals(months)
    _rebuild_years(months)


def _rebuild_years(months: set[dt.date] | None) -> None:
    """``ClientYear`` for the years of the given months (None: all)."""
    if connection.vendor == "postgresql":
        year_of = "CAST(date_trunc('year', month) AS DATE)"
    else:
        year_of = "date(month, 'start of year')"
    where, params, years = "", [], None
    if months:
        years = sorted({dt.date(m.year, 1, 1) for m in months})
        marks = ", ".join(["%s"] * len(years))
        where = f" WHERE year_start IN ({marks})"
        params = years
        month_where = " WHERE " + " OR ".join(["month BETWEEN %s AND %s"] * len(years))
        month_params = [d for y in years for d in (y, y.replace(month=12, day=31))]
    else:
        month_where, month_params = "", []
    _execute(f"DELETE FROM monitor_clientyear{where}", params)  # noqa: S608
    _execute(f"DELETE FROM monitor_provideryear{where}", params)  # noqa: S608
    _execute(
        f"""
        INSERT INTO monitor_clientyear (year_start, client_id, municipality_id, provider_id,
            product_id, group_id, law, amount_cents)
        SELECT {year_of}, client_id, municipality_id, provider_id, product_id, group_id, law,
            SUM(amount_cents)
        FROM monitor_clientmonth{month_where}
        GROUP BY {year_of}, municipality_id, client_id, provider_id, product_id, group_id, law
        ORDER BY {year_of}, municipality_id
        """,  # noqa: S608
        month_params,
    )
    _execute(
        f"""
        INSERT INTO monitor_provideryear (year_start, municipality_id, provider_id, group_id,
            law, amount_cents, low, high)
        SELECT {year_of}, municipality_id, provider_id, group_id, law, SUM(amount_cents),
            MAX(clients), SUM(clients)
        FROM monitor_providermonth{month_where}
        GROUP BY {year_of}, municipality_id, provider_id, group_id, law
        ORDER BY {year_of}, municipality_id
        """,  # noqa: S608
        month_params,
    )
    _rebuild_paid_counts(years)


def _paid_scopes(municipality: int, region: int, law: str, group: int | None) -> list[tuple]:
    """The ``PaidCount`` scopes a cell (municipality, law, group) belongs to: its municipality
    and its region, each for all laws, its law, and its group with its law."""
    # Care without a product group (an unknown product) is its own cell, group 0: never shown,
    # but the small-cell protection must know it (a law is its groups plus this cell).
    variants = [("", None), (law, None), (law, group if group is not None else 0)]
    return [
        (column, scope_id, *variant)
        for column, scope_id in (("municipality_id", municipality), ("region_id", region))
        for variant in variants
    ]


def _rebuild_paid_counts(years: list[dt.date] | None) -> None:
    """``PaidCount``: clients whose net realisatie in a calendar year, quarter or month is above
    zero, per municipality or region, all laws / one law / one group and law
    (``figures.paid_clients``; the months also give the suppression of the monthly figures).

    One grouped read of ``ClientMonth`` (per month, client, municipality, law and group) for
    the given years (None: all). A client whose rows all lie in one such cell (nearly every
    client) is counted per cell and the cells are added up per scope at the end; only the few
    clients in several cells are summed per scope here, since their amounts may cancel out."""
    from collections import defaultdict

    from zorgregio.regio.models import Municipality

    from .models import PaidCount
    from .selection import add_months, month_end

    where, params = "", []
    if years is not None:
        if not years:
            return
        where = " WHERE " + " OR ".join(["month BETWEEN %s AND %s"] * len(years))
        params = [d for y in years for d in (y, y.replace(month=12, day=31))]
        stale = models.Q()
        for year in years:
            stale |= models.Q(start_date__range=(year, year.replace(month=12, day=31)))
        PaidCount.objects.filter(stale).delete()
    else:
        PaidCount.objects.all().delete()
    region_of = dict(Municipality.objects.values_list("pk", "region_id"))

    # Periods as (kind, number): ("M", month index), ("Q", quarter index), ("Y", year).
    month_index: dict = {}

    def periods(month) -> tuple[tuple, tuple, tuple]:
        found = month_index.get(month)
        if found is None:
            day = dt.date.fromisoformat(month) if isinstance(month, str) else month
            index = day.year * 12 + day.month - 1
            found = month_index[month] = (("M", index), ("Q", index // 3), ("Y", day.year))
        return found

    # Single-cell clients: per (period, cell) the number of clients with net amount above zero.
    per_cell: dict[tuple, int] = defaultdict(int)
    counts: dict[tuple, int] = defaultdict(int)  # (period, *scope): clients, from mixed ones

    def add_client(items: list[tuple]) -> None:
        cell = items[0][2:5]
        if all(item[2:5] == cell for item in items):
            net: dict[tuple, int] = defaultdict(int)
            for _client, month, _m, _law, _group, amount in items:
                for period in periods(month):
                    net[period] += amount
            for period, amount in net.items():
                if amount > 0:
                    per_cell[(period, *cell)] += 1
            return
        net = defaultdict(int)
        for _client, month, municipality, law, group, amount in items:
            scopes = _paid_scopes(municipality, region_of[municipality], law, group)
            for period in periods(month):
                for scope in scopes:
                    net[(period, *scope)] += amount
        for key, amount in net.items():
            if amount > 0:
                counts[key] += 1

    # Read in chunks, a client at a time (on PostgreSQL through a server-side cursor): at a
    # million lines the rows held at once took 170 MB (issue 15).
    with connection.chunked_cursor() as cursor:
        cursor.execute(
            f"""
            SELECT client_id, month, municipality_id, law, group_id, SUM(amount_cents)
            FROM monitor_clientmonth{where}
            GROUP BY client_id, month, municipality_id, law, group_id
            ORDER BY client_id
            """,  # noqa: S608
            params,
        )
        current, items = None, []
        while rows := cursor.fetchmany(10_000):
            for row in rows:
                if row[0] != current:
                    if items:
                        add_client(items)
                    current, items = row[0], []
                items.append(row)
        if items:
            add_client(items)
    for (period, municipality, law, group), n in per_cell.items():
        for scope in _paid_scopes(municipality, region_of[municipality], law, group):
            counts[(period, *scope)] += n

    def bounds(period: tuple) -> tuple[dt.date, dt.date]:
        kind, number = period
        if kind == "Y":
            return dt.date(number, 1, 1), dt.date(number, 12, 31)
        if kind == "Q":
            start = dt.date(number // 4, number % 4 * 3 + 1, 1)
            return start, month_end(add_months(start, 2))
        start = dt.date(number // 12, number % 12 + 1, 1)
        return start, month_end(start)

    _insert_rows(
        "monitor_paidcount",
        ("start_date", "end_date", "municipality_id", "region_id", "law", "group_id", "clients"),
        [
            (
                *bounds(period),
                *((scope_id, None) if column == "municipality_id" else (None, scope_id)),
                law,
                group,
                n,
            )
            for (period, column, scope_id, law, group), n in counts.items()
        ],
    )


def _rebuild_month_totals(months: set[dt.date] | None) -> None:
    """The per-cell totals of ``ClientMonth`` for the given months (None: all)."""
    where, params = "", []
    if months:
        marks = ", ".join(["%s"] * len(months))
        where = f" WHERE month IN ({marks})"
        params = sorted(months)
    for table, extra in (("monitor_scopemonth", ""), ("monitor_providermonth", "provider_id, ")):
        _execute(f"DELETE FROM {table}{where}", params)  # noqa: S608
        _execute(
            f"""
            INSERT INTO {table} (month, municipality_id, {extra}group_id, law, amount_cents,
                clients)
            SELECT month, municipality_id, {extra}group_id, law, SUM(amount_cents), COUNT(*)
            FROM (
                SELECT month, municipality_id, {extra}group_id, law, client_id,
                    SUM(amount_cents) AS amount_cents
                FROM monitor_clientmonth{where}
                GROUP BY month, municipality_id, {extra}group_id, law, client_id
            ) x
            GROUP BY month, municipality_id, {extra}group_id, law
            ORDER BY month, municipality_id
            """,  # noqa: S608
            params,
        )


def _complete_until() -> dt.date | None:
    """The last day of the month before the latest declaration date: providers declare a month
    after it ends, so the months before the latest declaration month are complete."""
    from zorgregio.zorg.models import Declaratie

    latest = (
        Declaratie.objects.order_by("-declaratiedatum")
        .values_list("declaratiedatum", flat=True)
        .first()
    )
    if latest is None:
        return None
    return latest.replace(day=1) - dt.timedelta(days=1)


def refresh_after_import(months: set[dt.date] | None = None) -> MonitorState:
    """Bring the monitor's figures up to date after an import of care messages.

    ``months``: the first days of the months whose declaration lines changed (None: all). The
    deliveries and trajectories are always rebuilt in full (they are small); the spending facts
    only for the given months. Runs in one transaction, so pages never see a half-built state;
    the notes of changed care data (``zorg.CareChange``) this refresh covers are removed in the
    same transaction. Call it after the import's own transaction has committed.
    """
    from zorgregio.zorg.models import CareChange

    started = time.perf_counter()
    if months is not None:
        months = {m.replace(day=1) for m in months}
    if connection.vendor == "sqlite" and not connection.in_atomic_block:
        # A page cache of 32 MB (SQLite's default is 2 MB) and sorts that spill into temporary
        # files beyond it (the operating system caches those anyway): with 64 MB and sorts in
        # memory the refresh of a million lines peaked at 499 MB, with these at 215 MB in about
        # the same time (issue 15: the import with its refresh within 300 MB). Not allowed
        # inside a transaction, so only when the caller has none open.
        _execute("PRAGMA temp_store = FILE")
        _execute("PRAGMA cache_size = -32768")
    with transaction.atomic():
        # One refresh at a time: a second one waits here (PostgreSQL) and then sees the notes
        # the first one left, instead of both rebuilding the same tables at once.
        state = _locked_state()
        notes = list(CareChange.objects.values_list("id", "month"))
        covered = [pk for pk, month in notes if months is None or month is None or month in months]
        if connection.vendor == "postgresql":
            # Hash aggregates and sorts in memory for this transaction only.
            _execute("SET LOCAL work_mem = '256MB'")
            # A year's partition before its first client-months are written; lines the import
            # wrote into a DEFAULT partition move into their year's new one (ADR 0303).
            ensure_partitions({m.year for m in months or ()})
        _rebuild_deliveries()
        _mark_scaling()
        _rebuild_trajectories()
        _rebuild_care_counts()
        rebuild_task_months()
        if months is None or months:
            _rebuild_spending(months)
        from .privacy import threshold
        from .protection import rebuild_hidden_cells

        rebuild_hidden_cells(threshold())
        if connection.vendor == "postgresql":
            _execute("ANALYZE " + ", ".join(_changed_tables(months)))
        for start in range(0, len(covered), 500):
            CareChange.objects.filter(pk__in=covered[start : start + 500]).delete()
        state.refreshed_at = timezone.now()
        state.complete_until = _complete_until()
        state.version += 1
        state.seconds = time.perf_counter() - started
        state.save()
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        # Every refresh deletes and re-inserts the fact tables; without a vacuum the dead rows
        # pile up (autovacuum may lag far behind) and every page query scans them. Runs after
        # the commit (it cannot run in a transaction), so pages already see the new figures.
        # No ANALYZE here: the tables were analysed inside the transaction above.
        _execute("VACUUM " + ", ".join(_changed_tables(months)))
    return state


def _changed_tables(months: set[dt.date] | None) -> list[str]:
    """The fact tables a refresh of ``months`` rewrote, to analyse and vacuum: of a partitioned
    ``monitor_clientmonth`` only the partitions of the changed months' years."""
    from zorgregio.zorg.partitions import CLIENTMONTH, partitions_of

    if months is None:
        return list(FACT_TABLES)
    return [
        name
        for table in FACT_TABLES
        for name in (partitions_of(CLIENTMONTH, months) if table == CLIENTMONTH else [table])
    ]


def _locked_state() -> MonitorState:
    state = MonitorState.objects.select_for_update().order_by("pk").first()
    if state is None:
        state, _created = MonitorState.objects.get_or_create(pk=1)
        state = MonitorState.objects.select_for_update().get(pk=state.pk)
    return state


def refresh_pending() -> MonitorState | None:
    """Refresh the months that changed care data were noted for (by any import, also one that
    died after committing), or nothing when no change is pending. Registered as the monitor's
    hook on changed care data (``zorg.hooks``)."""
    from zorgregio.zorg.models import CareChange

    months = set(CareChange.objects.values_list("month", flat=True).distinct())
    if not months:
        return None
    return refresh_after_import({m for m in months if m is not None})


def refresh_from(first_month: dt.date | None = None) -> MonitorState:
    """``zorgregio refresh-monitor``: rebuild everything (``first_month`` None) or the spending
    of ``first_month`` and every later month with declaration lines, plus what is pending."""
    from zorgregio.zorg.models import CareChange, DeclaratieRegel

    if first_month is None:
        return refresh_after_import(None)
    months = set(
        DeclaratieRegel.objects.filter(month__gte=first_month.replace(day=1))
        .values_list("month", flat=True)
        .distinct()
    )
    months |= {m for m in CareChange.objects.values_list("month", flat=True) if m is not None}
    # months that have no lines any more but still have facts
    from .models import ClientMonth

    months |= set(
        ClientMonth.objects.filter(month__gte=first_month.replace(day=1))
        .values_list("month", flat=True)
        .distinct()
    )
    return refresh_after_import(months)


def current_state() -> MonitorState:
    return MonitorState.objects.first() or MonitorState()


# --- budgets ---------------------------------------------------------------------------------


def budget_set(*, actor, municipality, product_group, year: int, amount_cents: int) -> Budget:
    if amount_cents < 0:
        raise ValidationError({"amount_cents": _("A budget cannot be negative.")}, code="negative")
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": _("%(year)s is not a valid year.") % {"year": year}})
    with transaction.atomic():
        budget = Budget.objects.filter(
            municipality=municipality, product_group=product_group, year=year
        ).first()
        before = {"amount_cents": budget.amount_cents} if budget else None
        if budget is None:
            budget = Budget(municipality=municipality, product_group=product_group, year=year)
        budget.amount_cents = amount_cents
        budget.save()
        audit_log(
            actor=actor,
            action=AuditAction.UPDATE if before else AuditAction.CREATE,
            obj=budget,
            before=before,
            after={"amount_cents": amount_cents},
        )
    return budget


BUDGET_COLUMNS = ("gemeente", "productgroep", "jaar", "bedrag")


def budget_import_csv(*, actor, data: bytes | str, allowed_municipalities) -> int:
    """Import budgets from CSV (columns gemeente (CBS code), productgroep (code), jaar, bedrag in
    euros). Everything is checked first; one bad row imports nothing. Returns the row count."""
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ValidationError(_("The file is not UTF-8 text.")) from exc
    sample = data[:2048]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    reader = csv.DictReader(io.StringIO(data), delimiter=delimiter)
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in BUDGET_COLUMNS if c not in header]
    if missing:
        raise ValidationError(
            _("Missing column(s): %(columns)s. Expected: %(expected)s.")
            % {"columns": ", ".join(missing), "expected": ";".join(BUDGET_COLUMNS)}
        )
    municipalities = {m.cbs_code: m for m in allowed_municipalities}
    groups = {g.code: g for g in ProductGroup.objects.all()}
    rows, errors = [], []
    seen = set()
    for number, raw in enumerate(reader, start=2):
        row = {(k or "").strip().lower(): (v or "").strip() for k, v in raw.items()}
        municipality = municipalities.get(row["gemeente"].zfill(4))
        group = groups.get(row["productgroep"])
        if municipality is None:
            errors.append(
                _("Row %(row)s, gemeente: %(value)s is not a municipality you may budget for.")
                % {"row": number, "value": row["gemeente"] or "-"}
            )
            continue
        if group is None:
            errors.append(
                _("Row %(row)s, productgroep: %(value)s is not a known product group.")
                % {"row": number, "value": row["productgroep"] or "-"}
            )
            continue
        try:
            year = parse_integer(row["jaar"] or "", minimum=2000, maximum=2100)
        except ValueError:
            errors.append(
                _("Row %(row)s, jaar: %(value)s is not a valid year.")
                % {"row": number, "value": row["jaar"] or "-"}
            )
            continue
        try:
            cents = parse_euros(row["bedrag"])
        except ValidationError:
            errors.append(
                _("Row %(row)s, bedrag: %(value)s is not an amount in euros.")
                % {"row": number, "value": row["bedrag"] or "-"}
            )
            continue
        if cents < 0:
            errors.append(
                _("Row %(row)s, bedrag: a budget cannot be negative (%(value)s).")
                % {"row": number, "value": format_eurocents(cents)}
            )
            continue
        key = (municipality.pk, group.pk, year)
        if key in seen:
            errors.append(
                _("Row %(row)s: this municipality, product group and year occur twice.")
                % {"row": number}
            )
            continue
        seen.add(key)
        rows.append((municipality, group, year, cents))
    if errors:
        raise ValidationError(errors)
    if not rows:
        raise ValidationError(_("The file contains no budget rows."))
    with transaction.atomic():
        for municipality, group, year, cents in rows:
            Budget.objects.update_or_create(
                municipality=municipality,
                product_group=group,
                year=year,
                defaults={"amount_cents": cents},
            )
        audit_log(
            actor=actor,
            action=AuditAction.IMPORT,
            message="monitor budgets",
            obj=None,
            before=None,
            after={"rows": len(rows)},
        )
    return len(rows)


def municipalities_for_budgets(scope):
    return scope.municipalities(Municipality.objects.all())
