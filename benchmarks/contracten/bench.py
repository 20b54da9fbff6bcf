"""Contract register benchmark: "who may deliver product P in municipality G on day D".

A register of 400 providers x 40 products (8 groups) x 8 municipalities, about 12,000
admissions (a third of them for a whole product group) with ended and client-stop ones mixed in,
written straight into a fresh database. Then:

* ``admitted()``: one indexed query per question, mean and p95 over 5,000 random questions;
* ``admission_periods()``: the bulk load of the whole register (expanded to products);
* ``AdmissionIndex.admitted()``: in-memory answers, per second, over 1,000,000 questions;
* a check that all three agree on every sampled question.

    DATABASE_URL=sqlite:////work/main/var/bench_contracten.sqlite3 \
        .venv/bin/python benchmarks/contracten/bench.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/contracten_bench \
        .venv/bin/python benchmarks/contracten/bench.py
"""

from __future__ import annotations

import datetime as dt
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zorgregio.conf.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

PROVIDERS = int(os.environ.get("BENCH_PROVIDERS", 400))
GROUPS, PER_GROUP = 8, 5
CODES = ["0200", "0213", "0232", "0244", "0246", "0262", "0285", "0301"]
SEED = 2026
START, END = dt.date(2026, 1, 1), dt.date(2030, 12, 31)


def generate(rng: random.Random) -> None:
    from zorgregio.aanbieders.models import Provider
    from zorgregio.contracten.models import Admission, AdmissionStatus, FrameworkAgreement
    from zorgregio.producten.models import Product, ProductGroup
    from zorgregio.regio.models import Municipality, Region

    call_command("migrate", verbosity=0)
    if Region.objects.filter(slug="bench-contracten").exists():
        return
    with transaction.atomic():
        region = Region.objects.create(name="Bench contracten", slug="bench-contracten")
        municipalities = Municipality.objects.bulk_create(
            Municipality(region=region, cbs_code=c, name=f"G{c}", province="Gelderland")
            for c in CODES
        )
        agreement = FrameworkAgreement.objects.create(
            region=region, name="Bench", laws=["wmo"], valid_from=START, valid_until=END
        )
        groups = ProductGroup.objects.bulk_create(
            ProductGroup(law="wmo", code=f"bench-{g}", name=f"Groep {g}") for g in range(GROUPS)
        )
        products = Product.objects.bulk_create(
            Product(
                group=g,
                law="wmo",
                productcategorie="02",
                productcode=f"B{i:02d}{j}",
                name=f"P{i}{j}",
                unit="04",
                valid_from=START,
            )
            for i, g in enumerate(groups)
            for j in range(PER_GROUP)
        )
        providers = Provider.objects.bulk_create(
            Provider(name=f"Aanbieder {n}", kvk_number=f"{60_000_000 + n:08d}")
            for n in range(PROVIDERS)
        )
        rows = []
        by_group = {g.pk: [p for p in products if p.group_id == g.pk] for g in groups}
        for provider in providers:
            for group in rng.sample(groups, 3):
                for municipality in rng.sample(municipalities, rng.randint(2, 8)):
                    whole = rng.random() < 0.33
                    targets = [None] if whole else rng.sample(by_group[group.pk], 2)
                    for product in targets:
                        roll = rng.random()
                        status, until = AdmissionStatus.ACTIVE, END
                        if roll < 0.05:
                            status, until = AdmissionStatus.ENDED, dt.date(2027, 6, 30)
                        elif roll < 0.10:
                            status = AdmissionStatus.CLIENT_STOP
                        elif roll < 0.13:
                            status = AdmissionStatus.CONCEPT
                        rows.append(
                            Admission(
                                agreement=agreement,
                                provider=provider,
                                product=product,
                                product_group=None if product else group,
                                municipality=municipality,
                                valid_from=START,
                                valid_until=until,
                                status=status,
                                activated_on=None if status == AdmissionStatus.CONCEPT else START,
                            )
                        )
        Admission.objects.bulk_create(rows, batch_size=5000)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def main() -> None:
    from zorgregio.aanbieders.models import Provider
    from zorgregio.contracten.models import Admission
    from zorgregio.contracten.selectors import AdmissionIndex, admission_periods, admitted
    from zorgregio.producten.models import Product
    from zorgregio.regio.models import Municipality

    rng = random.Random(SEED)
    t0 = time.perf_counter()
    generate(rng)
    print(f"database: {connection.vendor}; setup {time.perf_counter() - t0:.1f} s")
    providers = list(
        Provider.objects.filter(kvk_number__startswith="6").values_list("pk", flat=True)
    )
    products = list(
        Product.objects.filter(productcode__startswith="B").values_list("pk", flat=True)
    )
    municipalities = list(
        Municipality.objects.filter(region__slug="bench-contracten").values_list("pk", flat=True)
    )
    print(f"admissions: {Admission.objects.count()}")
    days = [START + dt.timedelta(days=rng.randint(0, 365 * 5)) for _ in range(1000)]
    questions = [
        (rng.choice(providers), rng.choice(products), rng.choice(municipalities), rng.choice(days))
        for _ in range(5000)
    ]
    for q in questions[:50]:  # warm up
        admitted(*q)
    timings, answers = [], []
    for q in questions:
        start = time.perf_counter()
        answers.append(admitted(*q))
        timings.append(time.perf_counter() - start)
    timings.sort()
    print(
        f"admitted(): mean {statistics.mean(timings) * 1e3:.3f} ms, "
        f"p95 {timings[int(len(timings) * 0.95)] * 1e3:.3f} ms, "
        f"{sum(answers)} of {len(answers)} admitted"
    )

    start = time.perf_counter()
    periods = admission_periods()
    load = time.perf_counter() - start
    print(
        f"admission_periods(): {load:.2f} s for {len(periods)} (provider, product, "
        f"municipality) keys"
    )
    index = AdmissionIndex(periods)
    assert [index.admitted(*q) for q in questions] == answers, "index and query disagree"
    big = [questions[i % len(questions)] for i in range(1_000_000)]
    start = time.perf_counter()
    for q in big:
        index.admitted(*q)
    elapsed = time.perf_counter() - start
    print(
        f"AdmissionIndex.admitted(): {len(big) / elapsed:,.0f} questions/s "
        f"({elapsed:.2f} s for 1,000,000)"
    )


if __name__ == "__main__":
    main()
