"""Productenboek benchmark: tariff look-ups, pages, import and indexation at region scale.

A catalogue of 300 products in 12 groups, 8 municipalities, a full purchase matrix (2,400
cells), 300 region-wide tariffs plus a municipal tariff for every tenth product-municipality pair
(240), written straight into a fresh database. Then:

* ``tariff_on()``: one question "tariff of P in G on D", mean and p95 over 5,000 random ones;
* the pages tariff sheet, purchase matrix (editable: 2,400 selects) and catalogue, rendered
  through the Django test client as the regional team, with their query counts;
* import of a 2,000-row tariff CSV (every row checked, then all written);
* indexation: preview and apply to every tariff in force (one transaction).

    DATABASE_URL=sqlite:////tmp/bench_producten.sqlite3 \
        .venv/bin/python benchmarks/producten/bench.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/producten_bench \
        .venv/bin/python benchmarks/producten/bench.py
"""

from __future__ import annotations

import datetime as dt
import io
import os
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zorgregio.conf.settings")
os.environ.setdefault("DEBUG", "1")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

PRODUCTS, GROUPS = 300, 12
CODES = ["0200", "0213", "0232", "0244", "0246", "0262", "0285", "0301"]
START = dt.date(2026, 1, 1)


def generate(rng):
    from zorgregio.accounts.models import Role, User
    from zorgregio.producten.models import (
        Product,
        ProductGroup,
        PurchaseMatrixEntry,
        Tariff,
    )
    from zorgregio.regio.models import Municipality, Region

    region, _ = Region.objects.get_or_create(slug="bench", defaults={"name": "Bench"})
    municipalities = [
        Municipality.objects.get_or_create(
            cbs_code=c, defaults={"region": region, "name": f"Gemeente {c}", "province": "X"}
        )[0]
        for c in CODES
    ]
    groups = [
        ProductGroup.objects.create(law="wmo", code=f"bench-{i}", name=f"Productgroep {i}")
        for i in range(GROUPS)
    ]
    Product.objects.bulk_create(
        Product(
            group=groups[i % GROUPS],
            law="wmo",
            productcategorie="02",
            productcode=f"B{i:04d}",
            name=f"Product {i}",
            unit="04",
            allowed_frequencies=["2"],
            intensity_rank=i // GROUPS + 1,
            valid_from=START,
        )
        for i in range(PRODUCTS)
    )
    products = list(Product.objects.order_by("pk"))
    PurchaseMatrixEntry.objects.bulk_create(
        PurchaseMatrixEntry(product=p, municipality=m, mode="regionaal", valid_from=START)
        for p in products
        for m in municipalities
    )
    tariffs = [
        Tariff(product=p, amount_cents=rng.randint(2_000, 9_000), valid_from=START)
        for p in products
    ]
    tariffs += [
        Tariff(product=p, municipality=m, amount_cents=rng.randint(2_000, 9_000), valid_from=START)
        for p in products
        for m in municipalities
        if rng.random() < 0.1
    ]
    Tariff.objects.bulk_create(tariffs)
    user = User.objects.create_user("bench-regio", password="x", role=Role.REGIONAL, region=region)
    return products, municipalities, user, len(tariffs)


def timed(func, repeat=1):
    samples = []
    result = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = func()
        samples.append(time.perf_counter() - t0)
    return result, samples


def main() -> None:
    from zorgregio.producten import importing, services
    from zorgregio.producten.selectors import indexation_preview, tariff_on

    call_command("migrate", verbosity=0)
    rng = random.Random(2026)
    t0 = time.perf_counter()
    products, municipalities, user, tariff_count = generate(rng)
    print(
        f"vendor {connection.vendor}; generated {len(products)} products, "
        f"{len(products) * len(municipalities)} matrix cells, {tariff_count} tariffs "
        f"in {time.perf_counter() - t0:.1f} s"
    )

    days = [START + dt.timedelta(days=rng.randint(0, 700)) for _ in range(5000)]
    questions = [(rng.choice(products), rng.choice(municipalities), d) for d in days]
    samples = []
    for p, m, d in questions:
        t = time.perf_counter()
        tariff_on(p, m, d)
        samples.append(time.perf_counter() - t)
    samples.sort()
    print(
        f"tariff_on: mean {statistics.mean(samples) * 1000:.2f} ms, "
        f"p95 {samples[int(len(samples) * 0.95)] * 1000:.2f} ms (5,000 questions)"
    )

    from zorgregio.producten.selectors import TariffIndex

    t = time.perf_counter()
    index = TariffIndex()
    load = time.perf_counter() - t
    t = time.perf_counter()
    for _ in range(20):
        for p, m, d in questions:
            index.amount_on(p.pk, m.pk, d)
    per_second = 20 * len(questions) / (time.perf_counter() - t)
    for p, m, d in questions[:1000]:
        found = tariff_on(p, m, d)
        assert index.amount_on(p.pk, m.pk, d) == (found.amount_cents if found else None)
    print(
        f"TariffIndex: load {load * 1000:.0f} ms, {per_second:,.0f} answers/s "
        f"(agrees with tariff_on on 1,000 questions)"
    )

    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    for name, url in [
        ("tariff sheet", "/producten/tarieven/?op=2026-06-01"),
        ("purchase matrix, all 300 products", "/producten/inkoopmatrix/?op=2026-06-01"),
        ("purchase matrix, one group (25)", "/producten/inkoopmatrix/?op=2026-06-01&groep=1"),
        ("catalogue", "/producten/?op=2026-06-01"),
        ("tariff sheet PDF", "/producten/tarieven/?op=2026-06-01&formaat=pdf"),
        ("tariff sheet XLSX", "/producten/tarieven/?op=2026-06-01&formaat=xlsx"),
    ]:
        client.get(url)  # warm up
        with CaptureQueriesContext(connection) as queries:
            response, runs = timed(lambda url=url: client.get(url), repeat=5)
        assert response.status_code == 200, (url, response.status_code)
        print(
            f"{name}: median {statistics.median(runs) * 1000:.0f} ms, "
            f"{len(queries) // 5} queries, {len(response.content) // 1024} KB"
        )

    lines = ["wet;productcategorie;productcode;gemeente;eenheid;tarief;geldig_van;geldig_tot"]
    for i in range(2000):
        p = products[i % len(products)]
        year = 2027 + i // len(products)
        lines.append(
            f"wmo;02;{p.productcode};;04;{rng.randint(20, 90)},{rng.randint(0, 99):02d};"
            f"{year}-01-01;{year}-12-31"
        )
    payload = "\n".join(lines).encode()
    # The region-wide tariffs are open-ended, so first close them to leave room for the file.
    from zorgregio.producten.models import Indexation, Tariff

    Tariff.objects.filter(municipality__isnull=True).update(valid_until=dt.date(2026, 12, 31))
    bad = payload.replace(b";;04;", b";;14;", 1)
    report, runs = timed(
        lambda: importing.import_tariffs(actor=user, upload=io.BytesIO(bad), filename="bench.csv")
    )
    assert len(report.errors) == 1, report.errors[:3]
    print(
        f"import 2,000 rows with one bad row: {runs[0]:.2f} s, refused ({len(report.errors)} error)"
    )
    report, runs = timed(
        lambda: importing.import_tariffs(
            actor=user, upload=io.BytesIO(payload), filename="bench.csv"
        )
    )
    assert report.ok, report.errors[:3]
    print(f"import 2,000 tariff rows: {runs[0]:.2f} s ({report.created} created)")

    Tariff.objects.filter(product__productcode__startswith="B", valid_from__gt=START).delete()
    Tariff.objects.filter(municipality__isnull=True).update(valid_until=None)
    indexation = services.indexation_create(
        actor=user,
        name="Bench",
        year=2027,
        labour_forecast_next_pct=Decimal("3.6"),
        labour_forecast_current_pct=Decimal("3.9"),
        labour_final_current_pct=Decimal("4.3"),
        material_forecast_next_pct=Decimal("2.2"),
        material_forecast_current_pct=Decimal("2.5"),
        material_final_current_pct=Decimal("2.8"),
    )
    rows, runs = timed(lambda: indexation_preview(indexation, user, dt.date(2027, 1, 1)))
    print(f"indexation preview: {len(rows)} tariffs in {runs[0] * 1000:.0f} ms")
    created, runs = timed(
        lambda: services.indexation_apply(
            actor=user, indexation=indexation, valid_from=dt.date(2027, 1, 1)
        )
    )
    print(f"indexation apply: {len(created)} tariffs in {runs[0]:.2f} s")
    assert Indexation.objects.get(pk=indexation.pk).tariff_count == len(created)
    reset_queries()


if __name__ == "__main__":
    main()
