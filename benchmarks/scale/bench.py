"""National sizing on PostgreSQL: the monitor benchmark's generated region scaled to about 10
million declaration lines (``BENCH_CLIENTS``, default 156,000 clients: ~64 lines per client over
5 years), written straight into the database with COPY, then measured (ADR 0303).

    createdb -h 127.0.0.1 -U postgres scale_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/scale_bench \
        .venv/bin/python benchmarks/scale/bench.py generate
    # the same rows in plain (unpartitioned) tables, for the comparison:
    createdb -h 127.0.0.1 -U postgres -T scale_bench scale_plain
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/scale_plain \
        .venv/bin/python benchmarks/scale/bench.py unpartition
    # then for each database:
    DATABASE_URL=... .venv/bin/python benchmarks/scale/bench.py measure

``measure``: load average and two anchors (a fixed pure-Python loop, a bare ``SELECT count(*)``
of the lines) before and after; table and index sizes; the full refresh; the one-month
delete and reload (the month's lines written again as the ingest writes them, executemany of
a plain INSERT, through the reference trigger when partitioned) and the incremental refresh
after it; which partitions the refresh's queries of that month read (EXPLAIN); the region and
municipality pages cold and warm.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
os.environ.setdefault("BENCH_CLIENTS", "156000")
sys.path.insert(0, str(ROOT / "benchmarks" / "monitor"))

import bench as monitor  # noqa: E402  (sets up Django)
from django.db import connection, transaction  # noqa: E402

from zorgregio.zorg import partitions  # noqa: E402

MONTH = dt.date(2025, 6, 1)  # the month deleted, reloaded and refreshed


def load() -> str:
    return "/".join(f"{v:.2f}" for v in os.getloadavg())


def anchors() -> str:
    started = time.perf_counter()
    total = 0
    for i in range(5_000_000):
        total += i % 7
    loop = time.perf_counter() - started
    with connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.execute("SELECT count(*) FROM zorg_declaratieregel")
        count = cursor.fetchone()[0]
        scan = time.perf_counter() - started
    return f"python loop 5M {loop:.2f} s; SELECT count(*) {count:,} lines {scan:.2f} s"


def sizes() -> None:
    with connection.cursor() as cursor:
        for table in (
            partitions.REGEL,
            partitions.REFERENCE_TABLE,
            partitions.CLIENTMONTH,
            "monitor_scopemonth",
            "monitor_providermonth",
            "monitor_clientyear",
            "monitor_deliveryfact",
        ):
            cursor.execute("SELECT to_regclass(%s)", [table])
            if cursor.fetchone()[0] is None:
                continue
            # the table and its partitions (a plain table is its own tree)
            cursor.execute(
                "SELECT SUM(pg_table_size(relid)), SUM(pg_indexes_size(relid)), "
                "COUNT(*) FILTER (WHERE NOT isroot) FROM (SELECT relid, level = 0 AS isroot "
                "FROM pg_partition_tree(%s::regclass) UNION SELECT %s::regclass, true) tree",
                [table, table],
            )
            data, index, parts = cursor.fetchone()
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608
            rows = cursor.fetchone()[0]
            per = (data + index) / rows if rows else 0
            print(
                f"  {table:32} {rows:>11,} rows  table {data / 2**20:8.0f} MiB  indexes "
                f"{index / 2**20:8.0f} MiB  {per:5.0f} B/row  partitions {parts}"
            )
        cursor.execute("SELECT pg_database_size(current_database())")
        print(f"  database {cursor.fetchone()[0] / 2**30:.2f} GiB")


def delete_reload() -> None:
    """Delete one month of lines and write them again (COPY), as a correction or re-import of
    a month would (written as the ingest writes, through the reference trigger when
    partitioned); then the incremental refresh of that month."""
    from psycopg.types.json import Jsonb

    from zorgregio.monitor.services import refresh_after_import
    from zorgregio.zorg.models import DeclaratieRegel

    fields = [f.column for f in DeclaratieRegel._meta.concrete_fields]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(fields)} FROM zorg_declaratieregel WHERE month = %s",  # noqa: S608
            [MONTH],
        )
        rows = cursor.fetchall()
        started = time.perf_counter()
        with transaction.atomic():
            cursor.execute("DELETE FROM zorg_declaratieregel WHERE month = %s", [MONTH])
        deleted = time.perf_counter() - started
        # written back as the ingest writes lines: a prepared INSERT run for each row of a
        # batch of 2,000 (executemany), one transaction
        marks = ", ".join(["%s"] * len(fields))
        sql = f"INSERT INTO zorg_declaratieregel ({', '.join(fields)}) VALUES ({marks})"  # noqa: S608
        json = [i for i, f in enumerate(DeclaratieRegel._meta.concrete_fields)
                if f.get_internal_type() == "JSONField"]  # fmt: skip
        rows = [tuple(Jsonb(v) if i in json else v for i, v in enumerate(r)) for r in rows]
        started = time.perf_counter()
        with transaction.atomic():
            for start in range(0, len(rows), 2000):
                cursor.executemany(sql, rows[start : start + 2000])
        reloaded = time.perf_counter() - started
        cursor.execute("ANALYZE zorg_declaratieregel")
    print(
        f"one month ({MONTH:%Y-%m}, {len(rows):,} lines): delete {deleted:.1f} s, "
        f"reload (INSERT executemany) {reloaded:.1f} s ({len(rows) / reloaded:,.0f} lines/s)"
    )
    started = time.perf_counter()
    with phases():
        refresh_after_import({MONTH})
    print(f"incremental refresh of that month: {time.perf_counter() - started:.1f} s")


@contextlib.contextmanager
def phases():
    """Time the refresh's phases (printed after it): which part of an incremental refresh is
    per month and which is rebuilt in full every time."""
    from zorgregio.monitor import protection, services

    spent: dict[str, float] = {}
    names = [
        (services, "ensure_partitions"),
        (services, "_rebuild_deliveries"),
        (services, "_mark_scaling"),
        (services, "_rebuild_trajectories"),
        (services, "_rebuild_care_counts"),
        (services, "_rebuild_spending"),
        (services, "_rebuild_month_totals"),
        (services, "_rebuild_years"),
        (services, "_rebuild_paid_counts"),
        (protection, "rebuild_hidden_cells"),
    ]
    saved = [(module, name, getattr(module, name)) for module, name in names]

    def timed(name, function):
        def run(*args, **kwargs):
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                spent[name] = spent.get(name, 0) + time.perf_counter() - started

        return run

    for module, name, function in saved:
        setattr(module, name, timed(name, function))
    try:
        yield
    finally:
        for module, name, function in saved:
            setattr(module, name, function)
        print("  phases: " + ", ".join(f"{n.lstrip('_')} {t:.1f} s" for n, t in spent.items()))


def pruning() -> None:
    """The partitions the refresh's statements of one month read (EXPLAIN, not run)."""
    import re

    from django.test.utils import CaptureQueriesContext

    from zorgregio.monitor.services import refresh_after_import

    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        refresh_after_import({MONTH})
        transaction.set_rollback(True)
    name = r"(?:zorg_declaratieregel|monitor_clientmonth)(?:_y\d{4}|_default)?"
    with connection.cursor() as cursor:
        for q in queries.captured_queries:
            sql = q["sql"]
            head = sql.lstrip().split()[0].upper()
            if head not in ("SELECT", "INSERT", "DELETE") or "pg_" in sql:
                continue
            if not re.search(r"\b(zorg_declaratieregel|monitor_clientmonth)\b", sql):
                continue
            cursor.execute("EXPLAIN " + sql)
            plan = "\n".join(r[0] for r in cursor.fetchall())
            read = sorted(set(re.findall(r"on (" + name + r")\b", plan)))
            print(f"  {' '.join(sql.split())[:70]:72} reads {', '.join(read)}")


def measure() -> None:
    print(f"load before: {load()}; {anchors()}")
    sizes()
    started = time.perf_counter()
    monitor.refresh()
    print(f"(full + 2-month refresh together {time.perf_counter() - started:.1f} s)")
    print("sizes after the refresh:")
    sizes()
    delete_reload()
    print("partitions read by the refresh of one month:")
    pruning()
    monitor.pages(requests=30)
    print(f"load after: {load()}; {anchors()}")


def unpartition() -> None:
    started = time.perf_counter()
    with transaction.atomic():
        partitions.unpartition(partitions.CLIENTMONTH)
        partitions.unpartition(partitions.REGEL)
    print(f"unpartitioned in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    step = sys.argv[1] if len(sys.argv) > 1 else "measure"
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}; load {load()}")
    if connection.vendor != "postgresql":
        sys.exit("this benchmark is for PostgreSQL")
    if step == "generate":
        started = time.perf_counter()
        monitor.generate()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        print(f"generate with vacuum: {time.perf_counter() - started:.0f} s; load {load()}")
    elif step == "unpartition":
        unpartition()
    elif step == "measure":
        measure()
    elif step == "phases":
        from zorgregio.monitor.services import refresh_after_import

        for months in (None, {MONTH}):
            started = time.perf_counter()
            with phases():
                refresh_after_import(months)
            what = "full" if months is None else "one month"
            print(f"refresh ({what}): {time.perf_counter() - started:.1f} s; load {load()}")
