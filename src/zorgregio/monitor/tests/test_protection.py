"""The complementary suppression engine: no hidden cell can be derived from the shown ones.

Checked independently of the engine's own audit: with numpy, a hidden cell is determined by the
relations exactly when its unit vector lies in the row space of the relations restricted to the
hidden cells (the shown cells are known numbers)."""

import json
import os
import subprocess
import sys

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from zorgregio.monitor.protection import (
    ALL,
    MEASURES,
    REGION,
    _unit_vectors_in_row_space,
    cumulative,
    period_of,
    protect,
    relations,
    time_keys,
    time_of,
)

LIMIT = 5


def in_row_space(matrix: np.ndarray) -> set[int]:
    """Independently, by an SVD: the columns whose null space rows are zero."""
    if not matrix.any():
        return set()
    _u, singular, vt = np.linalg.svd(matrix)
    null = vt[int((singular > 1e-9).sum()) :].T
    return {i for i in range(matrix.shape[1]) if null.shape[1] == 0 or abs(null[i]).max() < 1e-9}


def determined_cells(hidden, rels):
    hidden = sorted(hidden, key=repr)
    column = {key: i for i, key in enumerate(hidden)}
    rows = []
    for total, parts in rels:
        row = np.zeros(len(hidden))
        if total in column:
            row[column[total]] += 1
        for part in parts:
            if part in column:
                row[column[part]] -= 1
        if row.any():
            rows.append(row)
    if not rows:
        return []
    fixed = in_row_space(np.array(rows))
    return [key for key, i in column.items() if i in fixed]


@settings(max_examples=200, deadline=None, derandomize=True)
@given(
    st.integers(1, 9).flatmap(
        lambda columns: st.lists(
            st.lists(st.sampled_from([0, 0, 0, 1, -1, 2, -3]), min_size=columns, max_size=columns),
            min_size=1,
            max_size=12,
        )
    )
)
def test_the_exact_elimination_finds_what_an_svd_finds(rows):
    """The engine's audit (exact integer elimination) against a floating-point null space, on
    matrices with entries beyond +-1 (the gcd path) and dependent rows."""
    sparse = [{c: v for c, v in enumerate(row) if v} for row in rows]
    assert _unit_vectors_in_row_space(sparse) == in_row_space(np.array(rows, dtype=float))


PATTERN_SCRIPT = """
import json, sys
from zorgregio.monitor.protection import ALL, MEASURES, REGION, protect, relations
categories = [ALL, ("jw", None), ("wmo", None), ("wmo", 11), ("wmo", 12), ("jw", 21)]
places = [REGION, 1, 2, 3]
rels = relations(MEASURES["paid"], places, categories)
cells = sorted({key for total, parts in rels for key in (total, *parts)}, key=repr)
bases = {key: (i * 7919) % 9 for i, key in enumerate(cells)}
print(json.dumps(sorted(map(repr, protect(bases, rels, 5)))))
"""


def test_the_same_figures_give_the_same_pattern_in_every_process():
    """A refresh of unchanged figures must hide the same cells: a cell hidden once and shown
    the next time gives its value away. Sets of cells iterate in an order that differs per
    process (string hashing), so the pattern is computed in processes of different seeds."""
    patterns = set()
    for seed in ("1", "2", "3"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        out = subprocess.run(  # noqa: S603 - this interpreter, our own script
            [sys.executable, "-c", PATTERN_SCRIPT], env=env, capture_output=True, text=True
        )
        assert out.returncode == 0, out.stderr
        patterns.add(out.stdout)
    assert len(patterns) == 1
    assert json.loads(patterns.pop())  # the table has small cells: something is hidden


def check(bases, rels, hidden):
    """What the pattern must guarantee, for every relation and every hidden cell."""
    for key, base in bases.items():
        if 0 < base < LIMIT:
            assert key in hidden, key  # every small cell is hidden
    for total, parts in rels:
        if not parts:
            continue
        shown_total = total not in hidden
        hidden_parts = [p for p in parts if p in hidden]
        if shown_total and hidden_parts:
            # what subtraction gives is at least two cells together of enough clients
            assert len(hidden_parts) >= 2, (total, hidden_parts)
            assert sum(bases.get(p, 0) for p in hidden_parts) >= LIMIT, (total, hidden_parts)
        if not shown_total:
            assert hidden_parts, total  # a hidden total is not the sum of shown parts
    assert determined_cells(hidden, rels) == []


def test_one_small_municipality_takes_a_second_one_with_it():
    rels = [((REGION, ALL, ("Y",)), tuple((m, ALL, ("Y",)) for m in (1, 2, 3)))]
    bases = {(REGION, ALL, ("Y",)): 40, (1, ALL, ("Y",)): 2, (2, ALL, ("Y",)): 30,
             (3, ALL, ("Y",)): 8}  # fmt: skip
    hidden = protect(bases, rels, LIMIT)
    # Municipality 1 (2 clients) is hidden, and the smallest other one (8) with it.
    assert hidden == {(1, ALL, ("Y",)), (3, ALL, ("Y",))}
    check(bases, rels, hidden)


def test_two_small_cells_that_stay_small_together_take_a_third():
    rels = [((REGION, ALL, ("Y",)), tuple((m, ALL, ("Y",)) for m in (1, 2, 3, 4)))]
    bases = {(REGION, ALL, ("Y",)): 62, (1, ALL, ("Y",)): 1, (2, ALL, ("Y",)): 2,
             (3, ALL, ("Y",)): 9, (4, ALL, ("Y",)): 50}  # fmt: skip
    hidden = protect(bases, rels, LIMIT)
    assert hidden == {(1, ALL, ("Y",)), (2, ALL, ("Y",)), (3, ALL, ("Y",))}
    check(bases, rels, hidden)


def test_zero_cells_are_shown_and_nothing_small_means_nothing_hidden():
    rels = [((REGION, ALL, ("Y",)), ((1, ALL, ("Y",)), (2, ALL, ("Y",))))]
    bases = {(REGION, ALL, ("Y",)): 9, (1, ALL, ("Y",)): 9, (2, ALL, ("Y",)): 0}
    assert protect(bases, rels, LIMIT) == set()


def test_a_bridge_between_two_safe_groups_is_found_by_the_audit():
    """Two 2x2 blocks, each safe on its own, joined by one hidden cell: every row and column
    has two hidden cells, yet the joining cell is determined. The audit hides more."""
    rows, cols = ["r1", "r2", "r3", "r4"], ["c1", "c2", "c3", "c4"]
    small = {("r1", "c1"), ("r1", "c2"), ("r2", "c1"), ("r2", "c2"), ("r3", "c3"), ("r3", "c4"),
             ("r4", "c3"), ("r4", "c4"), ("r2", "c3")}  # fmt: skip
    bases = {(r, c): (3 if (r, c) in small else 20) for r in rows for c in cols}
    rels = [((r, "total"), tuple((r, c) for c in cols)) for r in rows]
    rels += [(("total", c), tuple((r, c) for r in rows)) for c in cols]
    for r in rows:
        bases[(r, "total")] = sum(bases[(r, c)] for c in cols)
    for c in cols:
        bases[("total", c)] = sum(bases[(r, c)] for r in rows)
    hidden = protect(bases, rels, LIMIT)
    check(bases, rels, hidden)


CATEGORIES = [ALL, ("jw", None), ("wmo", None), ("wmo", 11), ("wmo", 12), ("jw", 21)]
GROUPS = [c for c in CATEGORIES if c[1] is not None]


def consistent_bases(measure, places, draw):
    """Bases as real data have them: drawn per municipality, product group and month, and
    added up to laws, all care, the region, quarters, the year and January to month k."""
    municipalities = [p for p in places if p != REGION]
    months = {}
    for m in municipalities:
        for group in GROUPS:
            for month in range(1, 13):
                months[(m, group, month)] = draw(st.one_of(st.just(0), st.integers(0, 4),
                                                          st.integers(0, 15)))  # fmt: skip
    bases = {}

    def add(key, value):
        bases[key] = bases.get(key, 0) + value

    for (m, (law, group), month), value in months.items():
        for place in (m, REGION):
            for category in ((law, group), (law, None), ALL):
                times = [("M", month), ("Q", (month - 1) // 3 + 1), ("Y",)]
                times += [("C", k) for k in range(max(month, 2), 12) if k != 3]
                for time in times:
                    add((place, category, time), value)
    return bases


@settings(max_examples=25, deadline=None, derandomize=True)
@given(
    st.integers(min_value=1, max_value=3),
    st.sampled_from(["paid", "in", "instroom"]),
    st.data(),
)
def test_random_tables_are_protected(municipalities, measure_name, data):
    measure = MEASURES[measure_name]
    places = [REGION, *range(1, municipalities + 1)]
    rels = relations(measure, places, CATEGORIES)
    published = {key for total, parts in rels for key in (total, *parts)}
    bases = {
        k: v for k, v in consistent_bases(measure, places, data.draw).items() if k in published
    }
    hidden = protect(bases, rels, LIMIT)
    check(bases, rels, hidden)


def test_periods_and_their_keys():
    assert period_of(2025, ("Q", 2))[0].month == 4 and period_of(2025, ("Q", 2))[1].day == 30
    for time in time_keys(("Y", "Q", "M", "C", "E")):
        start, end = period_of(2025, time)
        assert time_of(start, end) == (time if time[0] != "C" else cumulative(time[1]))
    assert cumulative(1) == ("M", 1) and cumulative(3) == ("Q", 1) and cumulative(12) == ("Y",)
