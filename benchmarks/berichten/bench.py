"""Declaration checks and the streaming parse: lines per second and peak memory.

Sets up one municipality, one provider, one product with tariff and admission and N
toewijzingen (bulk, not measured), writes M monthly 323 files with one line per toewijzing,
then measures ``ingest_paths`` over them (store, XSD validation, parse, all TR checks, insert)
against a bare lxml ``iterparse`` of the same files (every element, cleared, siblings
dropped). Setup and generation run in a child process, so the peak memory (ru_maxrss) is the
ingest's own:

    DEBUG=1 .venv/bin/python benchmarks/berichten/bench.py --toewijzingen 20000 --months 5
    DEBUG=1 .venv/bin/python benchmarks/berichten/bench.py --toewijzingen 2000 --months 1 \
        --lines-per-file 10
"""

import argparse
import datetime as dt
import json
import multiprocessing
import os
import resource
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))


def _django(work: Path) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zorgregio.conf.test")
    os.environ["DATABASE_URL"] = f"sqlite:///{work / 'bench.sqlite3'}"
    import django

    django.setup()
    from django.conf import settings

    settings.MEDIA_ROOT = work / "media"


def prepare(args, work: Path) -> None:
    _django(work)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)

    from zorgregio.aanbieders.tests.factories import ProviderFactory
    from zorgregio.berichten.tests import builders as B
    from zorgregio.common.validators import is_valid_bsn
    from zorgregio.contracten.models import Admission, FrameworkAgreement
    from zorgregio.producten.models import Product, ProductGroup, Tariff
    from zorgregio.regio.tests.factories import MunicipalityFactory
    from zorgregio.zorg.models import Client, Toewijzing
    from zorgregio.zorg.services import encrypt_bsn, pseudonym

    mun = MunicipalityFactory(cbs_code="0200")
    prov = ProviderFactory(agb_code="65656055")
    group = ProductGroup.objects.create(law="jw", code="j", name="J")
    product = Product.objects.create(
        group=group, law="jw", productcategorie="45", productcode="45A03", name="x", unit="04",
        valid_from=dt.date(2020, 1, 1),
    )  # fmt: skip
    Tariff.objects.create(product=product, amount_cents=1250, valid_from=dt.date(2020, 1, 1))
    fa = FrameworkAgreement.objects.create(
        region=mun.region, name="r", laws=["jw"], valid_from=dt.date(2020, 1, 1)
    )
    Admission.objects.create(
        agreement=fa, provider=prov, product=product, municipality=mun, status="actief",
        valid_from=dt.date(2020, 1, 1),
    )  # fmt: skip
    bsns, n = [], 100_000_000
    while len(bsns) < args.toewijzingen:
        n += 1
        if is_valid_bsn(f"{n:09d}"):
            bsns.append(f"{n:09d}")
    token = encrypt_bsn("000000000")
    Client.objects.bulk_create(
        [Client(pseudonym=pseudonym(b), bsn_encrypted=token) for b in bsns], batch_size=5000
    )
    ids = dict(Client.objects.values_list("pseudonym", "id"))
    Toewijzing.objects.bulk_create(
        [
            Toewijzing(
                municipality=mun,
                provider=prov,
                client_id=ids[pseudonym(b)],
                law="jw",
                toewijzingnummer=str(100000 + i),
                product=product,
                productcategorie="45",
                productcode="45A03",
                toewijzingsdatum=dt.date(2020, 1, 1),
                ingangsdatum=dt.date(2020, 1, 1),
                volume=100,
                unit="04",
                frequency="4",
            )  # fmt: skip
            for i, b in enumerate(bsns)
        ],
        batch_size=5000,
    )
    files = work / "files"
    files.mkdir()
    ref = 0
    per_file = args.lines_per_file or len(bsns)
    for m in range(args.months):
        # Months from January 2025: declared periods must lie after 2020 (CS100) and within
        # five years of the DeclaratieDagtekening (TR335), which is 6 May 2026.
        start = dt.date(2025 + m // 12, m % 12 + 1, 1)
        end = B.month_end(start)
        for part in range(0, len(bsns), per_file):
            lines = []
            for i in range(part, min(part + per_file, len(bsns))):
                ref += 1
                lines.append(B.Line(f"R{ref}", str(100000 + i), bsn=bsns[i],
                                    start=start.isoformat(), end=end.isoformat()))  # fmt: skip
            number = f"D{m}P{part}"
            (files / f"323-{m:03d}-{part:07d}.xml").write_bytes(
                B.msg_323(
                    "ijw",
                    "0200",
                    "65656055",
                    number,
                    lines,
                    period=(start.isoformat(), end.isoformat()),
                    ident=number,
                )  # fmt: skip
            )
            del lines


def _copy_db(source: Path, target: Path) -> None:
    """Copy a SQLite database in WAL mode consistently (the backup API reads the WAL too)."""
    import sqlite3

    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    with dst:
        src.backup(dst)
    src.close()
    dst.close()


def _cpu(who) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def cpu_reference() -> float:
    """Seconds for a fixed pure-Python workload: the host's speed at the moment of measuring.

    The CPU time this machine gives varies by a factor of up to two between runs (shared host);
    results are only comparable together with this number."""
    t0 = time.perf_counter()
    total = 0
    for i in range(3_000_000):
        total += hash((i, "x")) & 7
    return round(time.perf_counter() - t0, 2)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--toewijzingen", type=int, default=20000)
    parser.add_argument("--months", type=int, default=5)
    parser.add_argument(
        "--lines-per-file", type=int, default=0, help="Split each month in files of this size."
    )
    parser.add_argument("--work", default=str(ROOT / "var" / "bench-berichten"))
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="Reuse the files and the clean database of an earlier run with the same --work.",
    )
    parser.add_argument(
        "--refresh", action="store_true", help="Also time the monitor's refresh afterwards."
    )
    args = parser.parse_args()
    work = Path(args.work)
    clean = work / "clean.sqlite3"
    if args.reuse and clean.is_file():
        _copy_db(clean, work / "bench.sqlite3")
        shutil.rmtree(work / "media", ignore_errors=True)
    else:
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
        # Setup and file generation run in a child process, so the peak memory measured here
        # is the ingest's own.
        child = multiprocessing.Process(target=prepare, args=(args, work))
        child.start()
        child.join()
        if child.exitcode:
            raise SystemExit("preparing failed")
        _copy_db(work / "bench.sqlite3", clean)
    _django(work)
    from django.conf import settings
    from django.core.management import call_command
    from lxml import etree

    call_command("migrate", verbosity=0)  # a reused database may predate a migration

    from zorgregio.berichten.services import ingest_paths
    from zorgregio.monitor.services import refresh_pending
    from zorgregio.zorg.models import DeclaratieRegel

    files = work / "files"
    paths = sorted(files.iterdir())
    size = sum(p.stat().st_size for p in paths)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    # Per file: the moment each file is finished (progress reports the next file's start).
    finished = []

    def progress(done, _total, _name):
        if done == int(done) and done > len(finished):
            finished.append(time.perf_counter())

    reference_before = cpu_reference()
    cpu_self, cpu_children = _cpu(resource.RUSAGE_SELF), _cpu(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    results = ingest_paths(paths, refresh_monitor=False, on_progress=progress)
    took = time.perf_counter() - t0
    cpu_self = _cpu(resource.RUSAGE_SELF) - cpu_self
    cpu_children = _cpu(resource.RUSAGE_CHILDREN) - cpu_children
    rss_ingest = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    rss_parser = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    per_file = [round(b - a, 2) for a, b in zip([t0, *finished], finished, strict=False)]

    load = os.getloadavg()[0]
    reference_after = cpu_reference()
    t0 = time.perf_counter()
    for path in paths:
        for _event, el in etree.iterparse(str(path), events=("end",)):
            el.clear()
            while el.getprevious() is not None:
                del el.getparent()[0]
    bare = time.perf_counter() - t0
    total = args.toewijzingen * args.months
    approved = DeclaratieRegel.objects.filter(status="goedgekeurd").count()
    out = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "load_average_after_ingest": load,
        "files": len(paths),
        "lines": total,
        "approved": approved,
        "refused_files": sum(r.refused for r in results),
        "megabytes": round(size / 1e6, 1),
        "ingest_seconds": round(took, 2),
        "lines_per_second": round(total / took),
        "seconds_per_file": per_file,
        "bare_lxml_seconds": round(bare, 2),
        "ratio_to_bare_lxml": round(took / bare, 2),
        "peak_rss_mb_before_ingest": round(rss_before / 1024),
        "peak_rss_mb_after_ingest": round(rss_ingest / 1024),
        "peak_rss_mb_child_processes": round(rss_parser / 1024),
        "parse_process_min_bytes": settings.ZORGREGIO_PARSE_PROCESS_MIN_BYTES,
        "xsd_validation": bool(settings.ZORGREGIO_XSD_DIR),
        "cpu_reference_seconds_before_after": [reference_before, reference_after],
        # CPU time (user + system) of the ingest: this process (checks, inserts, the writer
        # thread) and its parser processes. Less sensitive to a busy host than the wall time.
        "cpu_seconds_ingest_process": round(cpu_self, 1),
        "cpu_seconds_parser_processes": round(cpu_children, 1),
        "cpu_microseconds_per_line": round(1e6 * (cpu_self + cpu_children) / total, 1),
    }
    print(json.dumps(out, indent=1), flush=True)
    if not args.refresh:
        return
    # The monitor's refresh for the months of the import is a separate step (the import command
    # runs it after the ingest has committed); timed on its own.
    t0 = time.perf_counter()
    refresh_pending()  # the months the import noted as changed
    refresh = time.perf_counter() - t0
    rss_refresh = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"monitor_refresh_seconds": round(refresh, 2),
                      "peak_rss_mb_after_refresh": round(rss_refresh / 1024)}))  # fmt: skip


if __name__ == "__main__":
    main()
