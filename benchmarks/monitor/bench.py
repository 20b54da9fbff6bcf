"""Monitor benchmark: a generated region of 5 years, 25,000 clients and >= 1.5 million
declaration lines, written straight into the database.

    DATABASE_URL=sqlite:////work/main/var/bench_monitor.sqlite3 \
        .venv/bin/python benchmarks/monitor/bench.py all
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/monitor_bench \
        .venv/bin/python benchmarks/monitor/bench.py all

Steps: ``generate`` (migrate, then bulk inserts), ``refresh`` (full recomputation, timed),
``pages`` (p95 of the region and municipality pages over many requests, Django test client,
server side), ``duckdb`` (the same figures computed by DuckDB on the same data, with the ratio),
``verify`` (precomputed counts against the same figures counted over the fact tables).
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zorgregio.conf.test")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402

YEARS = range(2021, 2026)
CLIENTS = int(os.environ.get("BENCH_CLIENTS", 25_000))
PROVIDERS = 150
CODES = ["0200", "0213", "0232", "0244", "0246", "0262", "0285", "0301"]
SEED = 2026


def month_add(day: dt.date, n: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + n
    return dt.date(index // 12, index % 12 + 1, 1)


def fast_insert(model, rows: list[dict]) -> None:
    """Insert plain rows with every concrete column (defaults for those not given), bypassing
    model instances: COPY on PostgreSQL, executemany on SQLite. Much faster than bulk_create
    for millions of rows, and still fills fields other issues add with their defaults."""
    if not rows:
        return
    fields = list(model._meta.concrete_fields)
    columns = [f.column for f in fields]
    defaults = {}
    for field in fields:
        defaults[field.attname] = field.get_db_prep_save(field.get_default(), connection)
    names = [f.attname for f in fields]
    data = [tuple(row.get(n, defaults[n]) for n in names) for row in rows]
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for item in data:
                    copy.write_row(item)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", data)


def generate() -> None:
    from django.core.management import call_command

    from zorgregio.aanbieders.models import Provider
    from zorgregio.accounts.models import User
    from zorgregio.contracten.models import Admission, FrameworkAgreement
    from zorgregio.monitor.models import Budget
    from zorgregio.producten.models import Product, ProductGroup
    from zorgregio.regio.models import Inhabitants, Municipality, Region

    call_command("migrate", verbosity=0)
    if Region.objects.filter(slug="bench").exists():
        print("data already generated")
        return
    rng = random.Random(SEED)
    started = time.perf_counter()
    region = Region.objects.create(name="Benchregio", slug="bench")
    municipalities = [
        Municipality.objects.create(
            region=region, cbs_code=code, name=f"Gemeente {code}", province="Gelderland"
        )
        for code in CODES
    ]
    for m in municipalities:
        base = rng.randint(15_000, 170_000)
        Inhabitants.objects.bulk_create(
            Inhabitants(municipality=m, year=y, count=base + 300 * (y - 2021)) for y in YEARS
        )
    groups, products = [], []
    for law, names in (
        ("wmo", ["Begeleiding", "Huishoudelijke hulp", "Dagbesteding"]),
        ("jw", ["Jeugdhulp ambulant", "Jeugdhulp verblijf", "Jeugd-GGZ"]),
    ):
        for name in names:
            group = ProductGroup.objects.create(law=law, code=f"b-{len(groups)}", name=name)
            groups.append(group)
            for rank in (1, 2, 3):
                products.append(
                    Product.objects.create(
                        group=group,
                        law=law,
                        productcategorie="02" if law == "wmo" else "45",
                        productcode=f"B{len(products):04d}",
                        name=f"{name} {rank}",
                        unit="04",
                        intensity_rank=rank,
                        valid_from=dt.date(2015, 1, 1),
                    )
                )
    providers = Provider.objects.bulk_create(
        Provider(
            name=f"Aanbieder {i:03d}", kvk_number=f"{20_000_000 + i:08d}", agb_code=f"97{i:06d}"
        )
        for i in range(PROVIDERS)
    )
    agreement = FrameworkAgreement.objects.create(
        region=region, name="RO", valid_from=dt.date(2020, 1, 1)
    )
    Admission.objects.bulk_create(
        Admission(
            agreement=agreement,
            provider=p,
            product_group=g,
            municipality=m,
            status="actief",
            valid_from=dt.date(2020, 1, 1),
        )
        for p in providers
        for g in rng.sample(groups, 2)
        for m in municipalities
    )
    for year in YEARS:
        Budget.objects.bulk_create(
            Budget(
                municipality=m,
                product_group=g,
                year=year,
                amount_cents=rng.randint(1_000_000, 20_000_000) * 100,
            )
            for m in municipalities
            for g in groups
        )
    User.objects.create_user("bench-regio", password="x", role="regio", region=region)
    staff = User.objects.create_user("bench-gemeente", password="x", role="gemeente", region=region)
    staff.municipalities.set([municipalities[0]])
    User.objects.create_user("bench-raad", password="x", role="raad", region=region)

    # Clients, toewijzingen, leveringen and declaration lines (ORM bulk_create, explicit ids,
    # so field defaults added by other issues are filled in).
    from zorgregio.zorg.models import Client, Declaratie, DeclaratieRegel, Levering, Toewijzing

    first, last = dt.date(2021, 1, 1), dt.date(2025, 12, 31)
    t_id = l_id = r_id = 0
    declaraties: dict[tuple, int] = {}
    client_rows, t_rows, l_rows, r_rows, d_rows = [], [], [], [], []
    lines = 0

    def flush(final=False):
        nonlocal client_rows, t_rows, l_rows, r_rows, d_rows
        if len(r_rows) < 100_000 and not final:
            return
        with transaction.atomic():
            fast_insert(Client, client_rows)
            fast_insert(Declaratie, d_rows)
            fast_insert(Toewijzing, t_rows)
            fast_insert(Levering, l_rows)
            fast_insert(DeclaratieRegel, r_rows)
        client_rows, t_rows, l_rows, r_rows, d_rows = [], [], [], [], []

    for c in range(1, CLIENTS + 1):
        youth = rng.random() < 0.4
        birth = (
            dt.date(2005, 1, 1) + dt.timedelta(days=rng.randint(0, 365 * 15))
            if youth
            else dt.date(1930, 1, 1) + dt.timedelta(days=rng.randint(0, 365 * 70))
        )
        client_rows.append(
            {"id": c, "pseudonym": f"bench{c:059d}", "bsn_encrypted": "x", "birth_date": birth}
        )
        law = "jw" if youth else "wmo"
        municipality = rng.choice(municipalities)
        group = rng.choice([g for g in groups if g.law == law])
        group_products = [p for p in products if p.group_id == group.pk]
        start = first + dt.timedelta(days=rng.randint(-200, (last - first).days - 30))
        for _ in range(rng.choice((1, 2, 2, 3, 3, 4))):
            product = rng.choice(group_products)
            provider = rng.choice(providers)
            months = rng.randint(3, 30)
            end = None if rng.random() < 0.15 else month_add(start, months) - dt.timedelta(days=1)
            t_id += 1
            assigned = start - dt.timedelta(days=rng.randint(0, 60))
            t_rows.append(
                {
                    "id": t_id,
                    "municipality_id": municipality.pk,
                    "provider_id": provider.pk,
                    "client_id": c,
                    "law": law,
                    "toewijzingnummer": f"T{t_id:09d}",
                    "product_id": product.pk,
                    "productcategorie": product.productcategorie,
                    "productcode": product.productcode,
                    "toewijzingsdatum": assigned,
                    "ingangsdatum": start,
                    "einddatum": end,
                    "unit": "04",
                    "deleted": rng.random() < 0.01,
                }
            )
            if rng.random() < 0.9:
                l_id += 1
                l_rows.append(
                    {"id": l_id, "toewijzing_id": t_id, "begindatum": start, "einddatum": end}
                )
            month = start.replace(day=1)
            stop = min(end or last, last)
            per_month = 1 + ((product.intensity_rank or 1) + 1) // 2
            while month <= stop:
                if month >= first:
                    key = (provider.pk, municipality.pk, law, month)
                    d_id = declaraties.get(key)
                    if d_id is None:
                        d_id = declaraties[key] = len(declaraties) + 1
                        d_rows.append(
                            {
                                "id": d_id,
                                "municipality_id": municipality.pk,
                                "provider_id": provider.pk,
                                "law": law,
                                "declaratienummer": f"D{d_id:09d}",
                                "declaratiedatum": month_add(month, 1) + dt.timedelta(days=4),
                                "period_start": month,
                                "period_end": month_add(month, 1) - dt.timedelta(days=1),
                                "total_cents": 0,
                                "status": "verwerkt",
                            }
                        )
                    for part in range(per_month):
                        r_id += 1
                        amount = rng.randint(150, 2500) * 100
                        credit = rng.random() < 0.02
                        status = "afgekeurd" if rng.random() < 0.02 else "goedgekeurd"
                        r_rows.append(
                            {
                                "id": r_id,
                                "declaratie_id": d_id,
                                "toewijzing_id": t_id,
                                "client_id": c,
                                "municipality_id": municipality.pk,
                                "provider_id": provider.pk,
                                "product_id": product.pk,
                                "law": law,
                                "referentienummer": f"R{r_id:012d}",
                                "toewijzingnummer": f"T{t_id:09d}",
                                "productcategorie": product.productcategorie,
                                "productcode": product.productcode,
                                "period_start": month + dt.timedelta(days=part * 14),
                                "period_end": month + dt.timedelta(days=part * 14 + 13),
                                "month": month,
                                "volume": 1,
                                "unit": "04",
                                "tariff_cents": amount,
                                "amount_cents": amount,
                                "debit_credit": "C" if credit else "D",
                                "status": status,
                            }
                        )
                        lines += 1
                month = month_add(month, 1)
            start = (end or last) + dt.timedelta(days=rng.choice((1, 1, 10, 40)))
            if start > last:
                break
        flush()
    flush(final=True)
    print(
        f"generated {CLIENTS} clients, {t_id} toewijzingen, {l_id} leveringen, "
        f"{len(declaraties)} declaraties, {lines} lines in {time.perf_counter() - started:.0f} s"
    )


def copy_from_sqlite(path: str) -> None:
    """Copy the generated base data from the SQLite benchmark database (same seed, same rows)
    into this PostgreSQL database with COPY: quicker than generating it twice."""
    import sqlite3

    from django.apps import apps
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    source = sqlite3.connect(path)
    names = [
        "regio.Region",
        "regio.Municipality",
        "regio.Inhabitants",
        "producten.ProductGroup",
        "producten.Product",
        "aanbieders.Provider",
        "contracten.FrameworkAgreement",
        "contracten.Admission",
        "monitor.Budget",
        "accounts.User",
        "zorg.Client",
        "zorg.Declaratie",
        "zorg.Toewijzing",
        "zorg.Levering",
        "zorg.DeclaratieRegel",
    ]
    models = [apps.get_model(name) for name in names]
    models.append(apps.get_model("accounts.User").municipalities.through)
    with transaction.atomic(), connection.cursor() as cursor:
        for model in models:
            table = model._meta.db_table
            columns = [f.column for f in model._meta.concrete_fields]
            booleans = {
                i
                for i, f in enumerate(model._meta.concrete_fields)
                if f.get_internal_type() == "BooleanField"
            }
            rows = source.execute(f"SELECT {', '.join(columns)} FROM {table}")
            with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    if booleans:
                        row = tuple(
                            bool(v) if i in booleans and v is not None else v
                            for i, v in enumerate(row)
                        )
                    copy.write_row(row)
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"COALESCE((SELECT MAX(id) FROM {table}), 1))"
            )
    print(f"copied from {path} in {time.perf_counter() - started:.0f} s")


def refresh() -> float:
    from zorgregio.monitor.services import refresh_after_import

    started = time.perf_counter()
    refresh_after_import()
    seconds = time.perf_counter() - started
    print(f"full recomputation: {seconds:.1f} s")
    started = time.perf_counter()
    refresh_after_import({dt.date(2025, 11, 1), dt.date(2025, 12, 1)})
    print(f"refresh after an import touching 2 months: {time.perf_counter() - started:.1f} s")
    return seconds


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


def pages(requests: int = 60) -> None:
    """Server-side time of the dashboard pages (Django test client, so no network).

    Cold: each of 25 distinct views (5 years and 20 quarters) requested once after a refresh, so
    every figure is computed. Warm: ``requests`` requests cycling over those views, answered
    from the cache of built dashboards (valid until the next refresh)."""
    from django.core.cache import cache
    from django.test import Client
    from django.test.utils import setup_test_environment

    from zorgregio.accounts.models import User

    setup_test_environment()
    periods = [str(y) for y in YEARS] + [f"{y}-K{q}" for y in YEARS for q in range(1, 5)]
    for username, path in (
        ("bench-regio", "/monitor/"),
        ("bench-raad", "/monitor/"),
        ("bench-gemeente", "/monitor/gemeente/0200/"),
        ("bench-regio", "/monitor/gemeente/0301/"),
    ):
        cache.clear()
        client = Client()
        client.force_login(User.objects.get(username=username))
        client.get("/monitor/", {"periode": "2019"})  # warm up the connection and templates
        cold, warm = [], []
        for period in periods:
            started = time.perf_counter()
            response = client.get(path, {"periode": period})
            cold.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.status_code
        for i in range(requests):
            started = time.perf_counter()
            response = client.get(path, {"periode": periods[i % len(periods)]})
            warm.append((time.perf_counter() - started) * 1000)
        print(
            f"{path:26} {username:15} cold n={len(cold)} median {statistics.median(cold):.0f}"
            f" p95 {p95(cold):.0f} ms | warm n={len(warm)} median"
            f" {statistics.median(warm):.0f} p95 {p95(warm):.0f} ms"
        )


# The region figures for 2025 in DuckDB, from the same base tables (exported as CSV).
DUCK_FACTS = """
CREATE TABLE deliveries AS
SELECT l.id AS levering_id, t.id AS toewijzing_id, t.client_id, t.municipality_id,
       t.provider_id, t.product_id, p.group_id, t.law, p.intensity_rank,
       l.begindatum AS start_date, l.einddatum AS end_date,
       date_diff('day', DATE '1970-01-01', l.begindatum) AS start_day,
       date_diff('day', DATE '1970-01-01', l.einddatum) AS end_day,
       CASE WHEN ROW_NUMBER() OVER (PARTITION BY t.id ORDER BY l.begindatum, l.id) = 1
            THEN date_diff('day', t.toewijzingsdatum, l.begindatum) END AS wait_days
FROM levering l JOIN toewijzing t ON t.id = l.toewijzing_id
LEFT JOIN product p ON p.id = t.product_id
WHERE NOT l.deleted AND NOT t.deleted
UNION ALL
SELECT NULL, t.id, t.client_id, t.municipality_id, t.provider_id, t.product_id, p.group_id,
       t.law, p.intensity_rank, t.ingangsdatum, t.einddatum,
       date_diff('day', DATE '1970-01-01', t.ingangsdatum),
       date_diff('day', DATE '1970-01-01', t.einddatum), NULL
FROM toewijzing t LEFT JOIN product p ON p.id = t.product_id
WHERE NOT t.deleted AND NOT EXISTS (
    SELECT 1 FROM levering l WHERE l.toewijzing_id = t.id AND NOT l.deleted);
CREATE TABLE trajectories AS
SELECT client_id, MIN(group_id) AS group_id, MIN(fm) AS municipality_id,
       MIN(start_date) AS start_date,
       CASE WHEN MAX(e) = 9999999 THEN NULL ELSE MAX(end_date) END AS end_date,
       CASE WHEN MAX(e) = 9999999 THEN NULL ELSE MAX(e) - MIN(start_day) + 1 END AS duration
FROM (
  SELECT *, FIRST_VALUE(municipality_id) OVER (PARTITION BY client_id, gk, grp
           ORDER BY start_day, e, rid) AS fm
  FROM (
    SELECT *, SUM(is_new) OVER (PARTITION BY client_id, gk ORDER BY start_day, e, rid
                                ROWS UNBOUNDED PRECEDING) AS grp
    FROM (
      SELECT *, CASE WHEN MAX(e) OVER (PARTITION BY client_id, gk ORDER BY start_day, e, rid
               ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) >= start_day - 1
             THEN 0 ELSE 1 END AS is_new
      FROM (SELECT row_number() OVER () AS rid, client_id, group_id,
                   COALESCE(group_id, 0) AS gk, municipality_id, start_date, end_date,
                   start_day, COALESCE(end_day, 9999999) AS e FROM deliveries))))
GROUP BY client_id, gk, grp;
CREATE TABLE clientmonth AS
SELECT r.month, r.client_id, r.municipality_id, r.provider_id, r.product_id, p.group_id, r.law,
       SUM(CASE WHEN r.debit_credit = 'C' THEN -r.amount_cents ELSE r.amount_cents END)
         AS amount_cents
FROM regel r JOIN declaratie d ON d.id = r.declaratie_id
LEFT JOIN product p ON p.id = r.product_id
WHERE r.status <> 'afgekeurd' AND d.status <> 'afgekeurd'
GROUP BY ALL;
"""

DUCK_FIGURES = {
    "clients_in": """SELECT COUNT(DISTINCT client_id) FROM deliveries
        WHERE start_date <= DATE '2025-12-31'
          AND (end_date IS NULL OR end_date >= DATE '2025-01-01')""",
    "instroom": """SELECT COUNT(*) FROM trajectories
        WHERE start_date BETWEEN DATE '2025-01-01' AND DATE '2025-12-31'""",
    "uitstroom": """SELECT COUNT(*), AVG(duration) FROM trajectories
        WHERE end_date BETWEEN DATE '2025-01-01' AND DATE '2025-12-31'""",
    "realisatie": """SELECT SUM(amount_cents) FROM clientmonth
        WHERE month BETWEEN DATE '2025-01-01' AND DATE '2025-12-31'""",
    "paid_clients": """SELECT COUNT(*) FROM (SELECT client_id FROM clientmonth
        WHERE month BETWEEN DATE '2025-01-01' AND DATE '2025-12-31'
        GROUP BY client_id HAVING SUM(amount_cents) > 0)""",
    "per_month": """SELECT month, SUM(amount_cents), COUNT(DISTINCT client_id) FROM clientmonth
        WHERE month BETWEEN DATE '2025-01-01' AND DATE '2025-12-31' GROUP BY month""",
    "market": """SELECT provider_id, SUM(amount_cents) AS a FROM clientmonth
        WHERE month BETWEEN DATE '2025-01-01' AND DATE '2025-12-31'
        GROUP BY provider_id HAVING SUM(amount_cents) > 0 ORDER BY a DESC""",
    "wait_median": """SELECT median(wait_days), quantile_disc(wait_days, 0.8) FROM deliveries
        WHERE wait_days IS NOT NULL AND start_date BETWEEN DATE '2025-01-01'
        AND DATE '2025-12-31'""",
}


def export_csv(folder: Path) -> None:
    tables = {
        "toewijzing": "SELECT id, client_id, municipality_id, provider_id, product_id, law, "
        "toewijzingsdatum, ingangsdatum, einddatum, deleted FROM zorg_toewijzing",
        "levering": "SELECT id, toewijzing_id, begindatum, einddatum, deleted FROM zorg_levering",
        "product": "SELECT id, group_id, intensity_rank FROM producten_product",
        "declaratie": "SELECT id, status FROM zorg_declaratie",
        "regel": "SELECT declaratie_id, client_id, municipality_id, provider_id, product_id, "
        "law, month, amount_cents, debit_credit, status FROM zorg_declaratieregel",
    }
    for name, sql in tables.items():
        with connection.cursor() as cursor, (folder / f"{name}.csv").open("w", newline="") as fh:
            cursor.execute(sql)
            writer = csv.writer(fh)
            writer.writerow([c[0] for c in cursor.description])
            while rows := cursor.fetchmany(50_000):
                writer.writerows(rows)


def duck() -> None:
    import duckdb

    from zorgregio.monitor import dashboard
    from zorgregio.monitor import figures as f
    from zorgregio.monitor.selection import Selection, year_period
    from zorgregio.monitor.services import current_state
    from zorgregio.regio.models import Municipality

    # Django: the same figures, from the fact tables (as the region page computes them).
    sel = Selection(
        tuple(Municipality.objects.filter(region__slug="bench").values_list("pk", flat=True)),
        year_period(2025),
    )
    started = time.perf_counter()
    ours = {
        "clients_in": f.clients_in(sel),
        "instroom": f.instroom(sel),
        "uitstroom": f.uitstroom(sel),
        "realisatie": f.realisatie(sel),
        "per_month": f.monthly_spending(sel, dt.date(2025, 1, 1), dt.date(2025, 12, 1)),
        "market": f.market(sel)["top3"],
        "wait": f.waiting_times(sel),
    }
    django_figures = time.perf_counter() - started
    started = time.perf_counter()
    dashboard.build(sel, detail=True, complete_until=current_state().complete_until)
    django_page = time.perf_counter() - started

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        started = time.perf_counter()
        export_csv(folder)
        export_seconds = time.perf_counter() - started
        con = duckdb.connect()
        started = time.perf_counter()
        for name in ("toewijzing", "levering", "product", "declaratie", "regel"):
            con.execute(
                f"CREATE TABLE {name} AS SELECT * FROM read_csv_auto('{folder}/{name}.csv')"
            )
        load_seconds = time.perf_counter() - started
        started = time.perf_counter()
        con.execute(DUCK_FACTS)
        duck_refresh = time.perf_counter() - started
        started = time.perf_counter()
        theirs = {k: con.execute(sql).fetchall() for k, sql in DUCK_FIGURES.items()}
        duck_figures = time.perf_counter() - started
    market = theirs["market"]
    total = sum(a for _p, a in market)
    checks = {
        "clients_in": (ours["clients_in"], theirs["clients_in"][0][0]),
        "instroom": (ours["instroom"], theirs["instroom"][0][0]),
        "uitstroom": (ours["uitstroom"]["count"], theirs["uitstroom"][0][0]),
        "duration": (
            round(float(ours["uitstroom"]["duration"]), 3),
            round(float(theirs["uitstroom"][0][1]), 3),
        ),
        "realisatie": (ours["realisatie"]["amount"], int(theirs["realisatie"][0][0])),
        "paid_clients": (ours["realisatie"]["clients"], theirs["paid_clients"][0][0]),
        "top3": (round(ours["market"], 6), round(sum(a for _p, a in market[:3]) / total, 6)),
        "wait_median": (float(ours["wait"]["median"]), float(theirs["wait_median"][0][0])),
        "wait_p80": (ours["wait"]["p80"], theirs["wait_median"][0][1]),
    }
    for name, (a, b) in checks.items():
        print(f"  {name:14} django {a}  duckdb {b}  {'same' if a == b else 'DIFFERENT'}")
    print(f"export to CSV {export_seconds:.1f} s, DuckDB load {load_seconds:.1f} s")
    print(f"recompute facts: DuckDB {duck_refresh:.2f} s")
    print(
        f"region figures 2025: {connection.vendor} {django_figures * 1000:.0f} ms, "
        f"DuckDB {duck_figures * 1000:.0f} ms (ratio {django_figures / duck_figures:.1f}x); "
        f"whole dashboard build {django_page * 1000:.0f} ms"
    )


def verify() -> None:
    """The precomputed counts (CareCount, PaidCount, ProviderYear, scaling flags) and the year
    tables against the same figures counted over the fact tables per month, for many scopes and
    periods, and clients with realisatie for every year and quarter: all must agree."""
    from unittest import mock

    from zorgregio.monitor import figures as f
    from zorgregio.monitor.selection import Selection, quarter_period, year_period
    from zorgregio.producten.models import ProductGroup
    from zorgregio.regio.models import Municipality

    ids = tuple(Municipality.objects.filter(region__slug="bench").values_list("pk", flat=True))
    groups = list(ProductGroup.objects.values_list("pk", "law"))
    scopes = [{"municipality_ids": ids}, {"municipality_ids": ids[:1]}]
    scopes += [{"municipality_ids": ids, "law": "wmo"}, {"municipality_ids": ids[1:2], "law": "jw"}]
    scopes += [{"municipality_ids": ids, "group_id": g, "law": law} for g, law in groups[:3]]
    periods = [year_period(y) for y in YEARS] + [quarter_period(2024, q) for q in (1, 3)]

    def figures(sel):
        p = sel.period
        return (
            f.clients_in(sel),
            f.clients_on(sel, p.end),
            [m["clients"] for m in f.monthly_series(sel)],
            f.by_municipality(sel),
            f.paid_clients(sel),
            f.market(sel),
            f.scaling(sel),
            f.realisatie(sel),
            f.instroom(sel),
            f.uitstroom(sel),
        )

    def counted() -> contextlib.ExitStack:
        """Every precomputed table bypassed, whole years counted over the months too."""
        stack = contextlib.ExitStack()
        stack.enter_context(mock.patch.object(f, "_care_scope", lambda s: None))
        stack.enter_context(mock.patch.object(f, "_clients_per_municipality", lambda s: None))
        stack.enter_context(mock.patch.object(f.ProviderYear.objects, "exists", lambda: False))
        stack.enter_context(mock.patch.object(f, "_whole_year", lambda p: False))
        return stack

    checked = different = 0
    for scope in scopes:
        for period in periods:
            sel = Selection(period=period, **scope)
            ours = figures(sel)
            with counted():
                live = figures(sel)
            checked += 1
            if ours != live:
                different += 1
                print(f"  DIFFERENT {scope} {period.code}")
    print(f"precomputed against counted: {checked} views, {different} different")
    # clients with realisatie (PaidCount) for every year and quarter of every scope
    checked = different = 0
    quarters = [quarter_period(y, q) for y in YEARS for q in range(1, 5)]
    for scope in scopes:
        for period in [year_period(y) for y in YEARS] + quarters:
            sel = Selection(period=period, **scope)
            ours = f.paid_clients(sel)
            with counted():
                live = f.paid_clients(sel)
            checked += 1
            if ours != live:
                different += 1
                print(f"  DIFFERENT clients with realisatie {scope} {period.code}")
    print(f"clients with realisatie, precomputed against counted: {checked}, {different} different")
    # task-oriented cells: the stored TaskMonth against the same rows counted from the paid
    # instalments, data deliveries and regieberichten
    from zorgregio.monitor.models import TaskMonth
    from zorgregio.monitor.services import task_month_rows

    stored = sorted(
        TaskMonth.objects.values_list(
            "month", "municipality_id", "provider_id", "group_id", "law", "amount_cents",
            "clients", "inflow", "outflow", "delivered",
        )
    )  # fmt: skip
    live = task_month_rows()
    different = len(set(stored) ^ set(live))
    print(f"task-oriented cells, stored against counted: {len(live)} rows, {different} different")


def counts() -> None:
    with connection.cursor() as cursor:
        for table in (
            "zorg_client",
            "zorg_toewijzing",
            "zorg_levering",
            "zorg_declaratieregel",
            "monitor_deliveryfact",
            "monitor_trajectory",
            "monitor_clientmonth",
        ):
            cursor.execute(f"SELECT COUNT(*) FROM {table}")
            print(f"  {table:24} {cursor.fetchone()[0]:>10,}")


if __name__ == "__main__":
    step = sys.argv[1] if len(sys.argv) > 1 else "all"
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    if step != "generate":
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
    if step == "copy":
        copy_from_sqlite(sys.argv[2])
    if step in ("generate", "all"):
        generate()
    if step in ("refresh", "all"):
        refresh()
        counts()
    if step in ("pages", "all"):
        pages()
    if step in ("duckdb", "all"):
        duck()
    if step in ("verify", "all"):
        verify()
