"""Small-cell suppression that subtraction cannot undo (issue 11; docs/monitor.md, "Privacy").

Primary suppression hides a figure about 1 to 4 clients (``ZORGREGIO_SUPPRESSION_THRESHOLD``).
That alone is not enough: the region's total minus the municipalities that are shown gives the
hidden one exactly. So, for the roles that see aggregates only, every figure they can ask for
is a cell of a published table, and the cells of that table are protected together:

- The **published cells**: per region and year, per measure, every combination of a place (the
  region or one municipality), a category (all care, one law, or one product group) and a
  period (the year, a quarter, a month, and January to the end of each month: what the
  budget chart, budget use and the comparison with last year over the complete months show;
  a product group per year and quarter, and January to June and to September).
  Nothing else is answered to these roles: no custom periods, no sets of municipalities, no
  single product or provider.
- The **relations** an attacker can subtract along: the region is the sum of its
  municipalities; all care is Wmo plus youth care, a law the sum of its product groups (and of
  care without a group); for what adds up over time (spending, instroom, uitstroom) a year
  the sum of its quarters, a quarter of its months, January to month *k* the same to month
  *k - 1* plus month *k*.
- **Complementary suppression**: in every relation, the hidden cells are none, or at least two
  whose clients together reach the threshold (so what subtraction gives is a group of at least
  that many clients, never one small cell); a relation that breaks this gets its smallest
  shown cell hidden too, until no relation breaks it.
- An **audit** then solves the whole linear system of what can be seen (the null space of the
  relations over each connected group of hidden cells): a hidden cell whose value the system
  determines (through a chain of relations) gets a neighbour hidden as well, until none is.

A cell without clients (0) is shown: it discloses nobody, and showing zeros keeps the hidden
cells few. The pattern is computed at every refresh of the monitor and stored
(:class:`~zorgregio.monitor.models.HiddenCell`), so pages, exports and the API hide the same
cells.
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections import defaultdict, deque
from collections.abc import Iterable
from dataclasses import dataclass
from math import gcd

from .selection import add_months, month_end

# A cell: (place, category, time). place: 0 for the region, else a municipality id. category:
# (law, group): ("", None) all care, (law, None) one law, (law, group id) one product group,
# (law, 0) care of that law without a product group. time: ("Y",), ("Q", 1-4), ("M", 1-12),
# ("C", 1-12) = January to the end of that month, ("E", 1-12) = the last day of that month.
Key = tuple
REGION = 0


@dataclass(frozen=True)
class Measure:
    name: str
    times: tuple[str, ...]  # kinds of period: Y, Q, M, C, E
    additive_in_time: bool
    by_category: bool = True


MEASURES = {
    "paid": Measure("paid", ("Y", "Q", "M", "C"), True),  # realisatie and what derives from it
    "in": Measure("in", ("Y", "Q", "M", "C"), False),  # clients in care during the period
    "on": Measure("on", ("E",), False),  # clients in care on a day
    "instroom": Measure("instroom", ("Y", "Q", "M", "C"), True),
    "uitstroom": Measure("uitstroom", ("Y", "Q", "M", "C"), True),
    "up": Measure("up", ("Y", "Q", "M"), True),
    "down": Measure("down", ("Y", "Q", "M"), True),
    "t18": Measure("t18", ("Y", "Q", "M"), True, by_category=False),
    "t18wmo": Measure("t18wmo", ("Y", "Q", "M"), True, by_category=False),
}

ALL = ("", None)


def time_keys(kinds: Iterable[str]) -> list[tuple]:
    keys: list[tuple] = []
    for kind in kinds:
        if kind == "Y":
            keys.append(("Y",))
        elif kind == "Q":
            keys += [("Q", q) for q in range(1, 5)]
        else:
            keys += [(kind, m) for m in range(1, 13)]
    return keys


def cumulative(month: int) -> tuple:
    """The key of January to the end of ``month``: a month, quarter or year when it is one."""
    if month == 1:
        return ("M", 1)
    if month == 3:
        return ("Q", 1)
    if month == 12:
        return ("Y",)
    return ("C", month)


def period_of(year: int, time: tuple) -> tuple[dt.date, dt.date]:
    kind = time[0]
    if kind == "Y":
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    if kind == "Q":
        start = dt.date(year, 3 * (time[1] - 1) + 1, 1)
        return start, month_end(add_months(start, 2))
    start = dt.date(year, time[1], 1)
    if kind == "M":
        return start, month_end(start)
    if kind == "C":
        return dt.date(year, 1, 1), month_end(start)
    return month_end(start), month_end(start)  # E


def time_of(start: dt.date, end: dt.date) -> tuple | None:
    """The time key of a period, or None when it is not a published period."""
    if start == end and month_end(start) == end:
        return ("E", start.month)
    if start.day != 1 or month_end(end.replace(day=1)) != end or start.year != end.year:
        return None
    months = (end.month - start.month) + 1
    if start.month == 1 and end.month == 12:
        return ("Y",)
    if months == 1:
        return ("M", start.month)
    if months == 3 and start.month % 3 == 1:
        return ("Q", (start.month - 1) // 3 + 1)
    if start.month == 1:
        return ("C", end.month)
    return None


def times_for(measure: Measure, category: tuple) -> list[tuple]:
    """The published periods of a measure for a category. Product groups are published per
    year and quarter only (and January to the end of each quarter, what a comparison over the
    complete months of a year asks for): per month and group the cells are so small that
    months are shown for all care and per law only."""
    if category[1] is None or measure.name not in ("paid", "in", "instroom", "uitstroom"):
        return time_keys(measure.times)
    return [("Y",), *(("Q", q) for q in range(1, 5)), ("C", 6), ("C", 9)]


def relations(
    measure: Measure, places: list[int], categories: list[tuple]
) -> list[tuple[Key, tuple[Key, ...]]]:
    """Every (total, parts) relation between the published cells of one measure."""
    municipalities = [p for p in places if p != REGION]
    laws = sorted({law for law, group in categories if law})
    times = {category: times_for(measure, category) for category in categories}
    out: list[tuple[Key, tuple[Key, ...]]] = []
    for category in categories:
        for time in times[category]:
            out.append(
                ((REGION, category, time), tuple((m, category, time) for m in municipalities))
            )
    if measure.by_category:
        for place in places:
            for time in times[ALL]:
                out.append(((place, ALL, time), tuple((place, (law, None), time) for law in laws)))
            for law in laws:
                groups = [c for c in categories if c[0] == law and c[1] is not None]
                if not groups:
                    continue
                for time in times[groups[0]]:
                    out.append(
                        ((place, (law, None), time), tuple((place, g, time) for g in groups))
                    )
    if measure.additive_in_time:
        for place in places:
            for category in categories:
                published = set(times[category])
                cell = lambda time, p=place, c=category: (p, c, time)  # noqa: E731
                out.append((cell(("Y",)), tuple(cell(("Q", q)) for q in range(1, 5))))
                if ("M", 1) in published:
                    for q in range(1, 5):
                        months = tuple(cell(("M", m)) for m in range(3 * q - 2, 3 * q + 1))
                        out.append((cell(("Q", q)), months))
                if "C" not in measure.times:
                    continue
                if ("M", 1) in published:
                    for month in range(2, 13):
                        previous, current = cumulative(month - 1), ("M", month)
                        out.append((cell(cumulative(month)), (cell(previous), cell(current))))
                else:  # per quarter: Q1, C6 = Q1 + Q2, C9 = C6 + Q3, Y = C9 + Q4
                    steps = [("Q", 1), ("C", 6), ("C", 9), ("Y",)]
                    for before, after, q in zip(steps[:-1], steps[1:], (2, 3, 4), strict=True):
                        out.append((cell(after), (cell(before), cell(("Q", q)))))
    return out


def protect(bases: dict[Key, int], rels: list[tuple[Key, tuple[Key, ...]]], limit: int) -> set[Key]:
    """The cells to hide: those about 1 to ``limit - 1`` clients, and the complementary cells
    that make every relation safe and no hidden cell determined by the others."""
    hidden = {key for key, base in bases.items() if 0 < base < limit}
    if not hidden:
        return hidden
    rels = [(total, parts) for total, parts in rels if parts]
    member_of: dict[Key, list[int]] = defaultdict(list)
    for index, (total, parts) in enumerate(rels):
        member_of[total].append(index)
        for part in parts:
            member_of[part].append(index)
    order = {key: (bases.get(key, 0), repr(key)) for key in member_of}

    def settle(todo: Iterable[int]) -> None:
        queue = deque(sorted(set(todo)))  # in the relations' order: the same pattern each run
        waiting = set(queue)
        while queue:
            index = queue.popleft()
            waiting.discard(index)
            extra = _complement(rels[index], bases, hidden, limit, order)
            if extra is None:
                continue
            hidden.add(extra)
            for other in (*member_of[extra], index):
                if other not in waiting:
                    waiting.add(other)
                    queue.append(other)

    settle(i for key in hidden for i in member_of.get(key, ()))
    solved: dict[frozenset, list[Key]] = {}  # a group of hidden cells -> its determined cells
    for _round in range(len(member_of) + 1):
        added: set[Key] = set()
        for determined in _determined(hidden, rels, member_of, solved):
            # per determined cell, the nearest shown cell (through relations and hidden
            # cells; the smallest one at that distance)
            for key in determined:
                nearest = _nearest_shown(key, hidden, rels, member_of, order)
                if nearest is not None:
                    added.add(nearest)
        if not added:
            return hidden
        hidden.update(added)
        settle(i for key in added for i in member_of[key])
    return hidden


def _nearest_shown(start: Key, hidden, rels, member_of, order) -> Key | None:
    frontier, seen = [start], {start}
    while frontier:
        shown, following = [], []
        for key in frontier:
            for index in member_of.get(key, ()):
                for other in (rels[index][0], *rels[index][1]):
                    if other in seen:
                        continue
                    seen.add(other)
                    if other in hidden:
                        following.append(other)
                    elif order[other][0] > 0:  # a zero is known: not worth hiding
                        shown.append(other)
        if shown:
            return min(shown, key=lambda k: order[k])
        frontier = following
    return None


def _complement(relation, bases, hidden, limit, order) -> Key | None:
    """A cell to hide so that this relation is safe, or None when it is."""
    total, parts = relation
    hidden_parts = [p for p in parts if p in hidden]
    total_hidden = total in hidden
    count = len(hidden_parts) + total_hidden
    if count == 0:
        return None
    if count >= 2 and (total_hidden or sum(bases.get(p, 0) for p in hidden_parts) >= limit):
        return None
    # A cell without clients is shown as zero everywhere (it discloses nobody): hiding it
    # would protect nothing, so the complement is a cell with clients.
    shown = [p for p in parts if p not in hidden and bases.get(p, 0) > 0]
    if shown:
        return min(shown, key=lambda k: order[k])
    return None if total_hidden else total


def _determined(hidden: set[Key], rels, member_of, solved=None) -> list[list[Key]]:
    """Per connected group of hidden cells, the cells whose value the relations fix from what
    is shown: a cell is fixed when its unit vector is a combination of the relations over the
    hidden cells (:func:`_unit_vectors_in_row_space`), free when some solution of that
    homogeneous system moves it.

    A group's system depends on its cells alone (every relation that touches one of them and
    every hidden cell of such a relation belong to the group), so ``solved`` keeps the answer
    per group for the next round of :func:`protect`, where most groups did not change."""
    solved = {} if solved is None else solved
    seen: set[Key] = set()
    found: list[list[Key]] = []
    for start in sorted(hidden, key=repr):
        if start in seen:
            continue
        component, rows, stack = [], set(), [start]
        seen.add(start)
        while stack:
            key = stack.pop()
            component.append(key)
            for index in member_of.get(key, ()):
                rows.add(index)
                total, parts = rels[index]
                for other in (total, *parts):
                    if other in hidden and other not in seen:
                        seen.add(other)
                        stack.append(other)
        group = frozenset(component)
        if group in solved:
            if solved[group]:
                found.append(solved[group])
            continue
        solved[group] = []
        column = {key: i for i, key in enumerate(component)}
        matrix = []
        for index in sorted(rows):
            total, parts = rels[index]
            row: dict[int, int] = {}
            if total in column:
                row[column[total]] = 1
            for part in parts:
                if part in column:
                    row[column[part]] = row.get(column[part], 0) - 1
            matrix.append({c: v for c, v in row.items() if v})
        fixed = _unit_vectors_in_row_space(matrix)
        determined = [component[i] for i in sorted(fixed)]
        solved[group] = determined
        if determined:
            found.append(determined)
    return found


def _unit_vectors_in_row_space(matrix: list[dict[int, int]]) -> set[int]:
    """The columns ``i`` whose unit vector lies in the row space of a sparse integer matrix
    (rows as ``{column: value}``): exactly the hidden cells the relations determine.

    Gauss-Jordan elimination in exact integers (a row that had to be scaled is divided by the
    gcd of its entries again), the shortest row first, on its column with the fewest rows (the
    relations are sparse, and this order keeps them so). Afterwards every pivot column occurs
    in its own row only, so ``e_i`` is a combination of the rows exactly when the row of pivot
    ``i`` holds no column that is not a pivot (a free column, which a solution of the
    homogeneous system can move). Exact where a floating-point null space needs a tolerance,
    and several times quicker on these matrices of a thousand cells and four entries a row
    (ADR 0306)."""
    rows = {r: row for r, row in enumerate(matrix) if row}
    rows_of: dict[int, set[int]] = defaultdict(set)
    for r, row in rows.items():
        for c in row:
            rows_of[c].add(r)
    queue = [(len(row), r) for r, row in rows.items()]
    heapq.heapify(queue)
    waiting, pivots = set(rows), {}
    while queue:
        length, r = heapq.heappop(queue)
        if r not in waiting or length != len(rows[r]):
            continue  # done, or an outdated entry: the row changed length since
        waiting.discard(r)
        row = rows[r]
        if not row:
            continue  # a combination of earlier rows
        c = min(row, key=lambda column: (len(rows_of[column]), column))
        a = row[c]
        for other in rows_of[c] - {r}:
            before = rows[other]
            b = before[c]
            g = gcd(a, b)
            scale = a // g
            after = {k: v * scale for k, v in before.items()} if scale != 1 else dict(before)
            for k, v in row.items():
                value = after.get(k, 0) - (b // g) * v
                if value:
                    after[k] = value
                else:
                    del after[k]
            if scale not in (1, -1):  # keep the integers small: divide by the row's gcd
                divisor = 0
                for value in after.values():
                    divisor = gcd(divisor, value)
                if divisor > 1:
                    after = {k: v // divisor for k, v in after.items()}
            for k in before.keys() - after.keys():
                rows_of[k].discard(other)
            for k in after.keys() - before.keys():
                rows_of[k].add(other)
            rows[other] = after
            if other in waiting:
                heapq.heappush(queue, (len(after), other))
        pivots[c] = r
    return {c for c, r in pivots.items() if all(k in pivots for k in rows[r])}


# --- the published cells of the data, and the stored pattern -----------------------------------


def _year_month(day) -> tuple[int, int]:
    if isinstance(day, str):
        day = dt.date.fromisoformat(day[:10])
    return day.year, day.month


class _Bases:
    """Bases per measure and (region, year): {(measure, region, year): {key: clients}}."""

    def __init__(self, region_of: dict[int, int]):
        self.region_of = region_of
        self.cells: dict[tuple, dict[Key, int]] = defaultdict(dict)

    def set(self, measure, region, year, key, value) -> None:
        self.cells[(measure, region, year)][key] = value

    def add(self, measure, region, year, key, value) -> None:
        cube = self.cells[(measure, region, year)]
        cube[key] = cube.get(key, 0) + value

    def counted(self, rows, measure: str) -> None:
        """Rows (start, end, municipality, region, law, group, clients) of a precomputed
        count table (``PaidCount``, ``CareCount``)."""
        for start, end, municipality, region, law, group, clients in rows:
            start = dt.date.fromisoformat(start) if isinstance(start, str) else start
            end = dt.date.fromisoformat(end) if isinstance(end, str) else end
            time = time_of(start, end)
            if time is None:
                continue
            place = municipality if municipality is not None else REGION
            region = region if region is not None else self.region_of.get(municipality)
            if region is None:
                continue
            self.set(measure, region, start.year, (place, (law or "", group), time), clients)

    def events(self, measure: str, rows) -> None:
        """Rows (day, municipality, law, group, count) of events (a trajectory starting, a
        scaling): added up per month, quarter, year and over the hierarchies."""
        for day, municipality, law, group, count in rows:
            if not count:
                continue
            region = self.region_of.get(municipality)
            if region is None:
                continue
            year, month = _year_month(day)
            for place in (municipality, REGION):
                for category in (ALL, (law, None), (law, group if group is not None else 0)):
                    for time in (("M", month), ("Q", (month - 1) // 3 + 1), ("Y",)):
                        self.add(measure, region, year, (place, category, time), count)


# Measures published from January to the end of a month, and whether their bases add up over
# time (events: a trajectory starting or ending) or are distinct clients (a lower bound).
CUMULATIVE = {"paid": False, "in": False, "instroom": True, "uitstroom": True}


def _cumulative_bases(cube: dict[Key, int], *, additive: bool) -> None:
    """The bases of January to month *k*. Events add up: the sum of the months (of the quarters
    for a product group). Distinct clients are at least those of any month or quarter in it (a
    lower bound is safe: it can only hide more)."""
    cells = defaultdict(dict)
    for (place, category, time), base in cube.items():
        cells[(place, category)][time] = base
    for (place, category), times in cells.items():
        by_group = category[1] is not None
        months = (6, 9) if by_group else (2, 4, 5, 6, 7, 8, 9, 10, 11)
        for month in months:
            monthly = [times.get(("M", m), 0) for m in range(1, month + 1)]
            quarterly = [times.get(("Q", q), 0) for q in range(1, month // 3 + 1)]
            if additive:
                base = sum(quarterly) if by_group else sum(monthly)
            else:
                base = max(monthly + quarterly)
            cube[(place, category, ("C", month))] = base


def _turning_18_rows():
    """(youth, day of the 18th birthday, municipality and provider of the youth care, with Wmo
    care) for
    every youth with Jeugdwet care in the 183 days before turning 18 (``figures.turning_18``)."""
    from django.db import connection

    from .figures import _adult_date_sql
    from .services import OPEN_END, sql_days

    adult_day = sql_days(_adult_date_sql("c.birth_date"))
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT DISTINCT y.id, y.adult_day, j.municipality_id, j.provider_id, CASE WHEN EXISTS (
                SELECT 1 FROM monitor_deliveryfact w WHERE w.client_id = y.id AND w.law = %s
                AND w.start_day <= y.adult_day + 90
                AND COALESCE(w.end_day, {OPEN_END}) >= y.adult_day) THEN 1 ELSE 0 END
            FROM (
                SELECT c.id, {adult_day} AS adult_day FROM zorg_client c
                WHERE c.birth_date IS NOT NULL
                AND c.id IN (SELECT client_id FROM monitor_deliveryfact WHERE law = %s)
            ) y
            JOIN monitor_deliveryfact j ON j.client_id = y.id AND j.law = %s
                AND j.start_day <= y.adult_day - 1
                AND COALESCE(j.end_day, {OPEN_END}) >= y.adult_day - 183
            """,  # noqa: S608
            ["wmo", "jw", "jw"],
        )
        return cursor.fetchall()


def task_bases(rows) -> list[tuple]:
    """The bases that task-oriented cells (``TaskMonth`` rows: month, municipality, provider,
    group, law, amount, clients, inflow, outflow) add, as (municipality, law, group, measure,
    year, time, value): clients in a period are per provider cell the largest delivered number
    of its months (and the month's own on its last day), clients with realisatie the same for
    cells with an instalment paid in the period, inflow and outflow add up."""
    from collections import defaultdict

    cells: dict[tuple, dict] = defaultdict(dict)
    for month, municipality, provider, group, law, amount, clients, inflow, outflow in rows:
        year, m = _year_month(month)
        cells[(municipality, provider, group, law, year)][m] = (amount, clients, inflow, outflow)
    out = []
    for (municipality, _provider, group, law, year), months in cells.items():
        for time in time_keys(("Y", "Q", "M")):
            start, end = period_of(year, time)
            inside = [v for m, v in months.items() if start.month <= m <= end.month]
            if not inside:
                continue
            clients = max(v[1] for v in inside)
            paid = clients if sum(v[0] for v in inside) > 0 else 0
            for measure, value in (("in", clients), ("paid", paid)):
                if value:
                    out.append((municipality, law, group, measure, year, time, value))
        for m, (_amount, clients, inflow, outflow) in months.items():
            for measure, value, time in (
                ("on", clients, ("E", m)),
                ("instroom", inflow, ("M", m)),
                ("uitstroom", outflow, ("M", m)),
            ):
                if value:
                    out.append((municipality, law, group, measure, year, time, value))
    return out


def _task_rows(**filters):
    from .models import TaskMonth

    return TaskMonth.objects.filter(**filters).values_list(
        "month", "municipality_id", "provider_id", "group_id", "law", "amount_cents", "clients",
        "inflow", "outflow",
    )  # fmt: skip


def compute_bases(
    *, municipality_ids: Iterable[int] | None = None, year: int | None = None
) -> _Bases:
    """The bases of every published cell, per measure, region and year, from the fact tables
    (read in bulk after they were rebuilt); optionally of some municipalities and one year."""
    from django.db.models import Count, Q, Sum

    from zorgregio.regio.models import Municipality

    from .figures import EPOCH
    from .models import CareCount, DeliveryFact, PaidCount, Trajectory

    region_of = dict(Municipality.objects.values_list("pk", "region_id"))
    bases = _Bases(region_of)
    wanted = set(municipality_ids) if municipality_ids is not None else None
    regions = {region_of[m] for m in wanted if m in region_of} if wanted is not None else None

    def scoped(qs, municipality="municipality_id", counted=False):
        if wanted is not None:
            if counted:
                qs = qs.filter(Q(municipality_id__in=wanted) | Q(region_id__in=regions or [-1]))
            else:
                qs = qs.filter(**{f"{municipality}__in": wanted})
        return qs

    columns = ("start_date", "end_date", "municipality_id", "region_id", "law", "group_id")
    in_year = {} if year is None else {"start_date__year": year}
    paid = scoped(PaidCount.objects.filter(**in_year), counted=True)
    bases.counted(paid.values_list(*columns, "clients").iterator(), "paid")
    care = scoped(CareCount.objects.filter(**in_year), counted=True)
    for row in care.values_list(*columns, "clients").iterator():
        bases.counted([row], "on" if row[0] == row[1] else "in")
    for measure, column in (("instroom", "start_date"), ("uitstroom", "end_date")):
        rows = scoped(Trajectory.objects.filter(**{f"{column}__isnull": False}))
        if year is not None:
            rows = rows.filter(**{f"{column}__year": year})
        bases.events(
            measure,
            rows.values(column, "municipality_id", "law", "group_id")
            .annotate(n=Count("id"))
            .values_list(column, "municipality_id", "law", "group_id", "n")
            .order_by(),
        )
    scaled = scoped(DeliveryFact.objects.filter(Q(scale_up__gt=0) | Q(scale_down__gt=0)))
    if year is not None:
        scaled = scaled.filter(start_date__year=year)
    rows = list(
        scaled.values("start_date", "municipality_id", "law", "group_id")
        .annotate(up=Sum("scale_up"), down=Sum("scale_down"))
        .values_list("start_date", "municipality_id", "law", "group_id", "up", "down")
        .order_by()
    )
    bases.events("up", [(d, m, law, g, up) for d, m, law, g, up, _down in rows])
    bases.events("down", [(d, m, law, g, down) for d, m, law, g, _up, down in rows])
    youths: dict[tuple, set] = defaultdict(set)
    for youth, adult, municipality, _provider, to_wmo in _turning_18_rows():
        region = region_of.get(municipality)
        if region is None or (wanted is not None and region not in regions):
            continue
        day = EPOCH + dt.timedelta(days=int(adult))
        if year is not None and day.year != year:
            continue
        places = [REGION] + ([municipality] if wanted is None or municipality in wanted else [])
        for measure in ("t18", "t18wmo") if to_wmo else ("t18",):
            for place in places:
                youths[(measure, region, day.year, place, day.month)].add(youth)
    for (measure, region, year_, place, month), ids in youths.items():
        for time in (("M", month), ("Q", (month - 1) // 3 + 1), ("Y",)):
            bases.add(measure, region, year_, (place, ALL, time), len(ids))
    task_filter = {} if wanted is None else {"municipality_id__in": wanted}
    if year is not None:
        task_filter["month__year"] = year
    for municipality, law, group, measure, year_, time, value in task_bases(
        _task_rows(**task_filter)
    ):
        region = region_of.get(municipality)
        if region is None:
            continue
        if measure in ("instroom", "uitstroom"):
            # events: the month, its quarter and the year, as trajectories
            month = time[1]
            times = [("M", month), ("Q", (month - 1) // 3 + 1), ("Y",)]
        else:
            times = [time]
        for place in (municipality, REGION):
            for category in (ALL, (law, None), (law, group)):
                for t in times:
                    bases.add(measure, region, year_, (place, category, t), value)
    for (measure, _region, _year), cube in bases.cells.items():
        if measure in CUMULATIVE:
            _cumulative_bases(cube, additive=CUMULATIVE[measure])
    return bases


def known_bases(year: int, *, provider_id=None, municipality_ids=()) -> dict[str, dict]:
    """What a viewer knows in detail, per measure and (category, time), counted over clients
    (distinct): a provider user its own clients, municipality staff the clients of their
    municipalities. Clients with realisatie, in care, trajectories starting and ending,
    scaling, and youths turning 18."""
    from .figures import EPOCH
    from .models import ClientMonth, DeliveryFact, Trajectory

    known: dict[str, dict[tuple, int]] = defaultdict(lambda: defaultdict(int))

    def categories(law, group):
        return (ALL, (law, None), (law, group if group is not None else 0))

    # realisatie: clients whose net amount in the period is above zero
    net: dict[tuple, int] = defaultdict(int)
    own = {"provider_id": provider_id} if provider_id else {"municipality_id__in": municipality_ids}
    for client, month, law, group, amount in ClientMonth.objects.filter(
        month__year=year, **own
    ).values_list("client_id", "month", "law", "group_id", "amount_cents"):
        _y, m = _year_month(month)
        times = [("M", m), ("Q", (m - 1) // 3 + 1), ("Y",)]
        for category in categories(law, group):
            for time in times:
                net[(client, category, time)] += amount
    for (_client, category, time), amount in net.items():
        if amount > 0:
            known["paid"][(category, time)] += 1
    # clients in care during a period, and on each month's last day
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    seen: dict[tuple, set] = defaultdict(set)
    deliveries = DeliveryFact.objects.filter(start_date__lte=last, **own).exclude(
        end_date__lt=first
    )
    for client, law, group, start, end in deliveries.values_list(
        "client_id", "law", "group_id", "start_date", "end_date"
    ):
        for time in time_keys(("Y", "Q", "M", "E")):
            p_start, p_end = period_of(year, time)
            if start <= p_end and (end is None or end >= p_start):
                measure = "on" if time[0] == "E" else "in"
                for category in categories(law, group):
                    seen[(measure, category, time)].add(client)
    for (measure, category, time), clients in seen.items():
        known[measure][(category, time)] = len(clients)
    for measure, column in (("instroom", "start_date"), ("uitstroom", "end_date")):
        for day, law, group in Trajectory.objects.filter(
            **own, **{f"{column}__year": year}
        ).values_list(column, "law", "group_id"):
            _y, m = _year_month(day)
            for category in categories(law, group):
                for time in (("M", m), ("Q", (m - 1) // 3 + 1), ("Y",)):
                    known[measure][(category, time)] += 1
    for day, law, group, up, down in DeliveryFact.objects.filter(
        start_date__year=year, **own
    ).values_list("start_date", "law", "group_id", "scale_up", "scale_down"):
        _y, m = _year_month(day)
        for category in categories(law, group):
            for time in (("M", m), ("Q", (m - 1) // 3 + 1), ("Y",)):
                known["up"][(category, time)] += up or 0
                known["down"][(category, time)] += down or 0
    for _m, law, group, measure, _year, time, value in task_bases(
        _task_rows(month__year=year, **own)
    ):
        if measure in ("instroom", "uitstroom"):
            month = time[1]
            times = [("M", month), ("Q", (month - 1) // 3 + 1), ("Y",)]
        else:
            times = [time]
        for category in categories(law, group):
            for t in times:
                known[measure][(category, t)] += value
    youths: dict[tuple, set] = defaultdict(set)
    for youth, adult, municipality, provider, to_wmo in _turning_18_rows():
        day = EPOCH + dt.timedelta(days=int(adult))
        mine = provider == provider_id if provider_id else municipality in municipality_ids
        if not mine or day.year != year:
            continue
        for measure in ("t18", "t18wmo") if to_wmo else ("t18",):
            youths[(measure, day.month)].add(youth)
    for (measure, month), ids in youths.items():
        for time in (("M", month), ("Q", (month - 1) // 3 + 1), ("Y",)):
            known[measure][(ALL, time)] += len(ids)
    return known


def _rest_pattern(measure_name: str, rest: dict[Key, int], groups, limit: int) -> set[Key]:
    """Protect the part of the region a viewer does not know (``rest``: region minus what the
    viewer knows, per category and period) over the categories and periods."""
    measure = MEASURES[measure_name]
    if measure_name in CUMULATIVE:
        _cumulative_bases(rest, additive=CUMULATIVE[measure_name])
    if measure.by_category:
        laws = sorted({law for law, _g in groups})
        categories = [ALL, *((law, None) for law in laws), *sorted(groups)]
        categories += sorted({c[1] for c in rest if c[1][1] == 0})
    else:
        categories = [ALL]
    return protect(rest, relations(measure, [REGION], categories), limit)


def _rest(cube: dict[Key, int], known) -> dict[Key, int]:
    return {
        (REGION, category, time): max(base - known(category, time), 0)
        for (place, category, time), base in cube.items()
        if place == REGION and time[0] != "C"
    }


def viewer_pattern(
    region_id: int, year: int, *, municipality_ids: Iterable[int] = (), provider_id=None
) -> set[tuple]:
    """The region's cells to hide for a viewer who knows some of it in detail: municipality
    staff know their municipalities, a provider user its own clients. The region minus what
    they know is what they could learn by subtraction, so that rest is protected as a cell of
    its own (primary and complementary over the categories and periods). Keys as
    :meth:`HiddenCells.hidden` takes them. Computed when first asked (for providers and staff
    of several municipalities; staff of one municipality get theirs at every refresh)."""
    from zorgregio.producten.models import ProductGroup
    from zorgregio.regio.models import Municipality

    from .privacy import threshold

    members = list(Municipality.objects.filter(region_id=region_id).values_list("pk", flat=True))
    region = compute_bases(municipality_ids=members, year=year)
    known = known_bases(year, provider_id=provider_id, municipality_ids=tuple(municipality_ids))
    groups = list(ProductGroup.objects.values_list("law", "pk"))
    hidden: set[tuple] = set()
    for (measure_name, reg, _year), cube in region.cells.items():
        if reg != region_id:
            continue
        mine = known.get(measure_name, {})
        rest = _rest(cube, lambda category, time, mine=mine: mine.get((category, time), 0))
        for _place, (law, group), time in _rest_pattern(measure_name, rest, groups, threshold()):
            if group != 0 and time in times_for(MEASURES[measure_name], (law, group)):
                hidden.add((measure_name, None, law, group, *period_of(year, time)))
    return hidden


def rebuild_hidden_cells(limit: int) -> int:
    """Compute the protection of every region and year and store the hidden published cells.
    Returns how many cells are hidden."""
    from zorgregio.producten.models import ProductGroup

    from .models import HiddenCell
    from .services import _insert_rows

    bases = compute_bases()
    groups = list(ProductGroup.objects.values_list("law", "pk"))
    municipalities: dict[int, list[int]] = defaultdict(list)
    for pk, region in bases.region_of.items():
        municipalities[region].append(pk)
    HiddenCell.objects.all().delete()
    rows = []
    for (measure_name, region, year), cube in sorted(bases.cells.items(), key=lambda i: i[0]):
        measure = MEASURES[measure_name]
        places = [REGION, *sorted(municipalities[region])]
        if measure.by_category:
            laws = sorted({law for law, _g in groups} | {c[1][0] for c in cube if c[1][0]})
            categories = [ALL, *((law, None) for law in laws)]
            categories += sorted((law, pk) for law, pk in groups)
            categories += sorted({c[1] for c in cube if c[1][1] == 0})
        else:
            categories = [ALL]
        hidden = protect(cube, relations(measure, places, categories), limit)
        for place, (law, group), time in hidden:
            if group == 0 or time not in times_for(measure, (law, group)):
                continue  # not shown: care without a product group, a group per month
            rows.append(
                (measure_name, region, place or None, law, group, *period_of(year, time), "")
            )
        # Staff of one municipality know it in detail: the region minus it, protected.
        for municipality in places[1:]:
            rest = _rest(
                cube,
                lambda category, time, m=municipality, c=cube: c.get((m, category, time), 0),
            )
            for _place, (law, group), time in _rest_pattern(measure_name, rest, groups, limit):
                if group != 0 and time in times_for(measure, (law, group)):
                    rows.append(
                        (measure_name, region, None, law, group, *period_of(year, time),
                         f"m{municipality}")
                    )  # fmt: skip
    _insert_rows(
        "monitor_hiddencell",
        ("measure", "region_id", "municipality_id", "law", "group_id", "start_date", "end_date",
         "viewer"),
        rows,
    )  # fmt: skip
    return len(rows)


class HiddenCells:
    """The protection pattern one viewer is held to, for one region and some years: the
    aggregate pattern, plus (for a viewer who knows part of the region in detail) the pattern
    of the rest of the region."""

    def __init__(
        self,
        region_id: int | None,
        years: Iterable[int],
        *,
        municipality_ids: Iterable[int] = (),
        provider_id: int | None = None,
        version: int = 0,
    ):
        from django.core.cache import cache

        from .models import HiddenCell

        self.keys: set[tuple] = set()
        if region_id is None:
            return
        own = tuple(sorted(municipality_ids))
        viewers = [""] + ([f"m{own[0]}"] if len(own) == 1 else [])
        for year in set(years):
            rows = HiddenCell.objects.filter(
                region_id=region_id,
                viewer__in=viewers,
                start_date__gte=dt.date(year, 1, 1),
                start_date__lte=dt.date(year, 12, 31),
            ).values_list("measure", "municipality_id", "law", "group_id", "start_date", "end_date")
            self.keys.update(rows)
            if provider_id or len(own) > 1:
                key = f"monitor:viewer:{version}:{region_id}:{year}:{provider_id}:{own}"
                pattern = cache.get(key)
                if pattern is None:
                    pattern = viewer_pattern(
                        region_id, year, municipality_ids=own, provider_id=provider_id
                    )
                    cache.set(key, pattern, timeout=24 * 3600)
                self.keys |= pattern

    def hidden(self, measure: str, municipality_id, law: str, group_id, start, end) -> bool:
        return (measure, municipality_id, law or "", group_id, start, end) in self.keys
