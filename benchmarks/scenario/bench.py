"""Scenario benchmark: reading the baseline and turning knobs on the monitor's benchmark region
(5 years, 25,000 clients, 1.6 million declaration lines, 8 municipalities).

Generate the region first with the monitor benchmark, then run this on the same database:

    DATABASE_URL=sqlite:////work/main/var/bench_monitor.sqlite3 \
        .venv/bin/python benchmarks/monitor/bench.py generate
    DATABASE_URL=sqlite:////work/main/var/bench_monitor.sqlite3 \
        .venv/bin/python benchmarks/monitor/bench.py refresh
    DATABASE_URL=sqlite:////work/main/var/bench_monitor.sqlite3 \
        .venv/bin/python benchmarks/scenario/bench.py

Measured: the baseline read from the fact tables (no cache), the projection alone (numpy, no
knobs and one knob of every kind), a knob turn as the page does it (the preview endpoint through
the Django test client with the baseline cached, a different value every request) and the same
with the cache cleared, and the back-test of the region. Reports the load average and an anchor
measured in the same run (sha256 of 64 MiB), before and after, for the ratio.
"""

from __future__ import annotations

import hashlib
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zorgregio.conf.test")

import django  # noqa: E402

django.setup()


def anchor() -> float:
    started = time.perf_counter()
    digest = hashlib.sha256()
    block = b"x" * 1024
    for _ in range(64 * 1024):
        digest.update(block)
    return time.perf_counter() - started


def timed(func, n):
    out = []
    for _ in range(n):
        started = time.perf_counter()
        func()
        out.append(time.perf_counter() - started)
    return out


def p95(values):
    values = sorted(values)
    return values[max(0, int(round(0.95 * len(values))) - 1)]


def ms(values) -> str:
    return f"median {statistics.median(values) * 1000:.1f} ms, p95 {p95(values) * 1000:.1f} ms"


def main() -> None:
    import datetime as dt

    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    from zorgregio.accounts.models import User
    from zorgregio.monitor.models import ScopeMonth
    from zorgregio.monitor.services import current_state
    from zorgregio.regio.models import Municipality
    from zorgregio.scenario import baseline as baseline_module
    from zorgregio.scenario.engine import project
    from zorgregio.scenario.knobs import KINDS, Knob

    setup_test_environment()
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    load = os.getloadavg()
    before = anchor()
    state = current_state()
    base_year = baseline_module.base_year_for(state.complete_until)
    region_municipalities = list(
        Municipality.objects.filter(
            cbs_code__in=["0200", "0213", "0232", "0244", "0246", "0262", "0285", "0301"]
        ).order_by("name")
    )
    region = region_municipalities[0].region
    apeldoorn = next(m for m in region_municipalities if m.cbs_code == "0200")
    print(f"base year {base_year}, {len(region_municipalities)} municipalities")

    for label, ms_list in (("region", region_municipalities), ("Apeldoorn", [apeldoorn])):
        runs = timed(
            lambda ms_list=ms_list: baseline_module.load(
                ms_list, base_year=base_year, use_cache=False
            ),
            5,
        )
        print(f"baseline read, {label}: {ms(runs)}")
    b = baseline_module.load(region_municipalities, base_year=base_year, use_cache=False)
    print(f"cells: {b.size}")
    start = dt.date(base_year + 1, 7, 1)
    every = [Knob(kind=k, value=3 if KINDS[k].unit == "%" else 5, start=start) for k in KINDS]
    for label, knobs in (("no knobs", []), ("one knob of every kind", every)):
        runs = timed(lambda knobs=knobs: project(b, knobs, 5), 2000)
        print(
            f"projection, region, 5 years, {label}: median "
            f"{statistics.median(runs) * 1e6:.0f} us, p95 {p95(runs) * 1e6:.0f} us"
        )

    user, _created = User.objects.get_or_create(
        username="bench-scenario", defaults={"role": "regio", "region": region}
    )
    client = Client()
    client.force_login(user)
    start_text = dt.date.today().replace(month=1, day=1).replace(year=dt.date.today().year + 1)

    def turn(value, gemeente=""):
        response = client.get(
            "/scenario/bereken/",
            {
                "gemeente": gemeente,
                "jaren": "5",
                "knop-0-soort": "tariff",
                "knop-0-waarde": str(value),
                "knop-0-start": start_text.isoformat(),
                "knop-1-soort": "prevention",
                "knop-1-waarde": "5",
                "knop-1-start": start_text.isoformat(),
            },
        )
        assert response.status_code == 200, response.status_code

    for label, gemeente in (("region", ""), ("Apeldoorn", "0200")):
        turn(1, gemeente)  # warm: the baseline cached, templates loaded
        counter = iter(range(10_000))
        warm = timed(lambda g=gemeente, c=counter: turn(next(c) % 50, g), 30)
        print(f"knob turn (preview request), {label}, baseline cached: {ms(warm)}")

        def cold(gemeente=gemeente):
            cache.clear()
            turn(7, gemeente)

        print(f"knob turn, {label}, cache cleared: {ms(timed(cold, 5))}")

    first = ScopeMonth.objects.order_by("month").values_list("month", flat=True).first()
    started = time.perf_counter()
    rows = baseline_module.back_test(
        region_municipalities, last_complete=base_year, first_data_year=first.year
    )
    print(f"back-test, region: {time.perf_counter() - started:.2f} s")
    for row in rows:
        print(
            f"  from {row['base_year']} to {row['year']} ({row['ahead']} ahead): projected "
            f"EUR {row['projected_cents'] / 100:,.0f}, realised "
            f"EUR {row['actual_cents'] / 100:,.0f}, error {row['error_pct']:+.1f}%"
        )
    after = anchor()
    print(f"load average {load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f}")
    print(f"anchor before {before:.3f} s, after {after:.3f} s")


if __name__ == "__main__":
    main()
