"""Supervision benchmark: every signal rule over the monitor benchmark's archive (25,000 clients,
1.6 million declaration lines, 5 years; ``benchmarks/monitor/bench.py``).

    DATABASE_URL=sqlite:////work/notes/toezicht/bench.sqlite3 \
        .venv/bin/python benchmarks/toezicht/bench.py all
    createdb -h 127.0.0.1 -U postgres toezicht_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/toezicht_bench \
        .venv/bin/python benchmarks/toezicht/bench.py copy /work/notes/toezicht/bench.sqlite3
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/toezicht_bench \
        .venv/bin/python benchmarks/toezicht/bench.py measure

Steps: ``generate`` (the monitor benchmark's data), ``prepare`` (what the register adds for the
rules: a tariff per product, a tenth of them off by 1 cent for one municipality so the tariff
rule has work, spending ceilings, waiting-time reports, evidence; then the monitor's refresh),
``measure`` (the anchor, the monitor's full refresh, then ``recompute_signals`` twice: the first
creates every signal, the second updates them; then each rule alone), ``all`` = the three.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("monitor_bench", ROOT / "benchmarks/monitor/bench.py")
monitor_bench = importlib.util.module_from_spec(spec)
spec.loader.exec_module(monitor_bench)  # sets up Django with the test settings

from django.db import connection, transaction  # noqa: E402

TODAY = dt.date(2025, 12, 31)


def prepare() -> None:
    from django.db.models import Avg

    from zorgregio.aanbieders.models import Provider
    from zorgregio.contracten.models import Evidence, SpendingCeiling
    from zorgregio.producten.models import Product, Tariff
    from zorgregio.regio.models import Municipality
    from zorgregio.toezicht.models import WaitingTimeReport
    from zorgregio.zorg.models import DeclaratieRegel

    rng = random.Random(2026)
    started = time.perf_counter()
    with transaction.atomic():
        Tariff.objects.all().delete()
        municipalities = list(Municipality.objects.order_by("pk"))
        for product in Product.objects.order_by("pk"):
            mean = DeclaratieRegel.objects.filter(product=product).aggregate(t=Avg("tariff_cents"))
            cents = int(mean["t"] or 5_000)
            Tariff.objects.create(
                product=product, amount_cents=cents, valid_from=dt.date(2015, 1, 1)
            )
            if rng.random() < 0.1:  # a municipality's own tariff, a cent off the lines
                Tariff.objects.create(
                    product=product, municipality=rng.choice(municipalities),
                    amount_cents=cents + 1, valid_from=dt.date(2015, 1, 1),
                )  # fmt: skip
        providers = list(Provider.objects.order_by("pk"))
        SpendingCeiling.objects.all().delete()
        for provider in providers[:60]:
            SpendingCeiling.objects.create(
                provider=provider, municipality=rng.choice(municipalities), year=2025,
                amount_cents=rng.randint(50_000, 5_000_000) * 100,
            )  # fmt: skip
        Evidence.objects.all().delete()
        for provider in providers:
            for kind in ("gva", "belastingdienst", "kvk"):
                Evidence.objects.create(
                    provider=provider, kind=kind, issued_on=dt.date(2025, 1, 1),
                    expires_on=dt.date(2025, 1, 1) + dt.timedelta(days=rng.randint(200, 800)),
                )  # fmt: skip
        WaitingTimeReport.objects.all().delete()
        products = list(Product.objects.order_by("pk"))
        WaitingTimeReport.objects.bulk_create(
            WaitingTimeReport(
                provider=rng.choice(providers),
                municipality=rng.choice(municipalities),
                product=rng.choice(products),
                reported_on=TODAY - dt.timedelta(days=rng.randint(0, 90)),
                intake_weeks=rng.randint(0, 9),
                treatment_weeks=rng.randint(0, 12),
            )  # fmt: skip
            for _ in range(500)
        )
    if connection.vendor == "postgresql":
        # As autovacuum would after a bulk load: without statistics the planner guesses.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"prepare: {time.perf_counter() - started:.1f} s")


def measure() -> None:
    from zorgregio.monitor.services import refresh_after_import
    from zorgregio.toezicht.models import Signal
    from zorgregio.toezicht.rules import RULES
    from zorgregio.toezicht.services import recompute_signals
    from zorgregio.zorg.models import DeclaratieRegel

    lines = DeclaratieRegel.objects.count()
    print(f"database: {connection.vendor}, {lines:,} declaration lines")
    print(f"load average before: {os.getloadavg()}")
    started = time.perf_counter()
    refresh_after_import()
    anchor = time.perf_counter() - started
    print(f"anchor, the monitor's full refresh: {anchor:.1f} s")
    Signal.objects.all().delete()
    results = []
    for label in ("first (creates)", "second (updates)"):
        started = time.perf_counter()
        state = recompute_signals(today=TODAY)
        seconds = time.perf_counter() - started
        results.append(seconds)
        print(
            f"recompute_signals {label}: {seconds:.1f} s, {state.raised} signals "
            f"({seconds / anchor:.2f}x the anchor), load {os.getloadavg()[0]:.1f}"
        )
    per_rule = []
    for code in RULES if os.environ.get("BENCH_PER_RULE", "1") == "1" else ():
        started = time.perf_counter()
        recompute_signals(today=TODAY, rules=[code])
        per_rule.append((time.perf_counter() - started, code))
    for seconds, code in sorted(per_rule, reverse=True):
        count = Signal.objects.filter(rule=code, active=True).count()
        print(f"  {code:32s} {seconds:6.2f} s  {count:5d} signals")
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    step = sys.argv[1] if len(sys.argv) > 1 else "all"
    if step in ("generate", "all"):
        monitor_bench.generate()
    if step == "copy":
        monitor_bench.copy_from_sqlite(sys.argv[2])
    if step in ("prepare", "all", "copy", "prepare-measure"):
        prepare()
    if step in ("measure", "all", "copy", "prepare-measure"):
        measure()
