"""Set-up imports benchmark: how long a region's own files take to import.

Into a fresh database: the go-live files of tests/golive (6 municipalities, 11 products, the
purchase matrix, an agreement), then a generated providers file (300 providers) and a generated
register (``BENCH_ADMISSIONS``, default 4,000 admissions over those providers, products and
municipalities, each bought regionally, none overlapping), each imported as a region would
(``registry.run_import``: one transaction, a savepoint per row, the contract services' checks).
Reports rows per second, the load average, and an anchor measured in the same run (a fixed
pure-Python workload) so runs on a busy machine can be compared by their ratio.

    DEBUG=1 DATABASE_URL=sqlite:////tmp/bench_inrichting.sqlite3 \
        .venv/bin/python benchmarks/inrichting/bench.py
    DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/inrichting_bench \
        .venv/bin/python benchmarks/inrichting/bench.py
"""

from __future__ import annotations

import hashlib
import io
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zorgregio.conf.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

FILES = ROOT / "tests" / "golive"
ADMISSIONS = int(os.environ.get("BENCH_ADMISSIONS", 4000))
PROVIDERS = 300


def anchor() -> float:
    """Seconds for a fixed CPU workload (hashing 64 MiB in 1 KiB pieces)."""
    started = time.perf_counter()
    digest = hashlib.sha256()
    block = b"x" * 1024
    for _ in range(64 * 1024):
        digest.update(block)
    return time.perf_counter() - started


def run(slug: str, data: bytes):
    from zorgregio.inrichting import registry

    started = time.perf_counter()
    report = registry.run_import(
        registry.get(slug), actor=None, upload=data, filename=f"{slug}.csv"
    )
    elapsed = time.perf_counter() - started
    assert report.ok, report.errors[:3]
    return elapsed, len(report.rows)


def main() -> None:
    call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    from zorgregio.codelijsten.loader import load_codelists
    from zorgregio.codelijsten.models import Code, CodeList

    if not Code.objects.exists():
        load_codelists(CodeList, Code)
    for slug in ("gemeenten", "inwoners", "producten", "tarieven", "inkoopmatrix",
                 "raamovereenkomsten"):  # fmt: skip
        run(slug, (FILES / f"{slug}.csv").read_bytes())
    rng = random.Random(2026)
    providers = io.StringIO("naam;kvk_nummer;agb_code;postcode;straat;huisnummer;plaats\n")
    providers.seek(0, io.SEEK_END)
    for i in range(PROVIDERS):
        providers.write(
            f"Aanbieder {i};{50_000_000 + i};{98_200_000 + i};7900 AA;Weg;{i + 1};Hoogeveen\n"
        )
    from zorgregio.producten.models import PurchaseMatrixEntry

    bought = list(
        PurchaseMatrixEntry.objects.filter(mode="regionaal").values_list(
            "product__productcode", "municipality__cbs_code"
        )
    )
    pairs = [(p, code, m) for p in range(PROVIDERS) for code, m in bought]
    rng.shuffle(pairs)
    register = io.StringIO()
    register.write("aanbieder_kvk;productcode;gemeentecode;geldig_van;status\n")
    for provider, code, municipality in pairs[:ADMISSIONS]:
        status = rng.choice(["actief"] * 8 + ["concept", "clientenstop"])
        register.write(f"{50_000_000 + provider};{code};{municipality};2026-01-01;{status}\n")

    load = os.getloadavg()
    anchor_before = anchor()
    provider_secs, provider_rows = run("aanbieders", providers.getvalue().encode())
    admission_secs, admission_rows = run("deelnames", register.getvalue().encode())
    anchor_after = anchor()
    anchor_secs = (anchor_before + anchor_after) / 2
    print(f"database: {connection.vendor}; load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    print(f"anchor (sha256 of 64 MiB): {anchor_secs:.3f} s")
    for label, rows, secs in (
        ("providers", provider_rows, provider_secs),
        ("admissions", admission_rows, admission_secs),
    ):
        print(
            f"{label}: {rows} rows in {secs:.1f} s = {rows / secs:.0f} rows/s, "
            f"{secs / rows * 1000:.1f} ms/row, {secs / anchor_secs:.0f} x anchor"
        )


if __name__ == "__main__":
    main()
