"""Ingest benchmark: a generated archive of >= 1,000,000 declaration lines, imported end to end.

    .venv/bin/python benchmarks/ingest/bench.py                  # 1,000,000 lines, README
    .venv/bin/python benchmarks/ingest/bench.py --lines 50000     # a quick run first
    .venv/bin/python benchmarks/ingest/bench.py --lines 20000 --profile   # where the time goes

Steps (each timed):

1. A fresh SQLite database under ``var/bench/`` with the demo region's reference data (the demo
   steps before ``berichten``: municipalities, 300 providers, products, tariffs, contract
   register). The demo register starts in 2026; for a multi-year archive the benchmark copies
   the tariffs and admissions back to 2021 (in the benchmark database only).
2. The archive (``berichten.generator``), sized by a pilot run to reach ``--lines`` lines.
3. In a child process, ``services.ingest_paths`` over the archive with every check on (XSD
   validation with ``ZORGREGIO_XSD_DIR``, structure, TR checks, contract register, tariffs):
   first the non-declaration messages (301/305/307/315/317/319), then the 323 declarations.
   Declaration lines per second = lines / time of the 323 phase; the end-to-end figure divides
   the lines by both phases. Peak memory is the child's VmHWM (peak resident set).
4. In another child, a bare ``lxml.etree.iterparse`` of the same 323 files (counting the
   Prestaties and clearing elements), and a parse of every file of the archive validated
   against its official XSD (what any receiver must do at least), for the ratios.

The faults the generator plants (about ``fault_rate`` of the lines, listed in the archive's
``manifest.json``) are compared with what the ingest rejected: the two shares should agree,
since the generator keeps every other line valid against the register (a toewijzing ends when
the provider's admission ends).

``--database postgres://user@host:port/name`` runs the same on PostgreSQL: the database
``name`` is dropped and created anew (never point it at a database you need).

``--write-readme`` replaces the "Ingest" section of ``benchmarks/README.md`` with the results.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import multiprocessing
import os
import platform
import re
import shutil
import subprocess
import sys
import threading
import time
from inspect import signature
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BENCH = REPO / "var" / "bench"
XSD_DIR = REPO.parent / "shared" / "standards" / "istandaarden-3.2" / "xsd"
README = REPO / "benchmarks" / "README.md"
HISTORY_START = dt.date(2021, 1, 1)
ARCHIVE_END = dt.date(2026, 10, 31)
DECLARATION = re.compile(r"-(WMO|JW)323-")
SECTION_START = "<!-- ingest-benchmark:start -->"
SECTION_END = "<!-- ingest-benchmark:end -->"


def _environment(db: Path) -> dict:
    env = dict(os.environ)
    database_url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{db}"
    env.update(
        DJANGO_SETTINGS_MODULE="zorgregio.conf.settings",
        DEBUG="false",
        SECRET_KEY="benchmark-only-secret-key",
        ZORGREGIO_PSEUDONYM_KEY="benchmark-pseudonym-key",
        ZORGREGIO_ENCRYPTION_KEY="YmVuY2htYXJrLWtleS1iZW5jaG1hcmsta2V5LWJlbmM=",
        DATABASE_URL=database_url,
        ZORGREGIO_UPLOAD_DIR=str(db.parent / f"{db.stem}-uploads"),
        ZORGREGIO_BASE_DIR=str(REPO),
    )
    if XSD_DIR.is_dir():
        env.setdefault("ZORGREGIO_XSD_DIR", str(XSD_DIR))
    return env


def _django(db: Path) -> None:
    os.environ.update(_environment(db))
    import django

    django.setup()


def _cpu() -> float:
    import resource

    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def peak_rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


# --- child commands ------------------------------------------------------------------------


def child_prepare(args) -> dict:
    """Migrate a fresh database and run the demo steps before the message archive."""
    _django(Path(args.db))
    import random

    from django.core.management import call_command
    from django.db import transaction

    from zorgregio.demo.management.commands.demo import DEMO_PASSWORD
    from zorgregio.demo.registry import DemoContext, steps

    call_command("migrate", verbosity=0, interactive=False)
    ctx = DemoContext(seed=args.seed, scale=1.0, log=lambda _t: None, password=DEMO_PASSWORD)
    for step in steps():
        if step.order >= 50:
            break
        ctx.rng = random.Random(f"{args.seed}:{step.name}")
        with transaction.atomic():
            step.func(ctx)
    _backdate_register()
    return {"ok": True}


def _backdate_register() -> None:
    """Give the benchmark database a history from 2021: products, tariffs and admissions that
    start in 2026 start in 2021 (tariffs 5% lower before 2026)."""
    from zorgregio.contracten.models import Admission
    from zorgregio.producten.models import Product, Tariff

    first = dt.date(2026, 1, 1)
    Product.objects.filter(valid_from=first).update(valid_from=HISTORY_START)
    earlier = [
        Tariff(
            product_id=t.product_id,
            municipality_id=t.municipality_id,
            amount_cents=t.amount_cents * 95 // 100,
            valid_from=HISTORY_START,
            valid_until=first - dt.timedelta(days=1),
            reason="benchmark history",
        )
        for t in Tariff.objects.filter(valid_from=first)
    ]
    Tariff.objects.bulk_create(earlier)
    Admission.objects.filter(valid_from=first).update(valid_from=HISTORY_START)


def child_generate(args) -> dict:
    _django(Path(args.db))
    from zorgregio.berichten.generator import catalogue_from_db, generate_archive

    catalogue = _largest_providers(catalogue_from_db(), args.providers)
    # Long-running care and a few large providers, as in a real region's declarations.
    options = {
        "seed": args.seed, "start": HISTORY_START, "end": ARCHIVE_END,
        "months": (24, 36, 48, 60, 72), "provider_skew": 0.7, "request_rate": 0.15,
        "change_rate": 0.08,
    }  # fmt: skip
    pilot_dir = Path(args.out) / "pilot"
    shutil.rmtree(pilot_dir, ignore_errors=True)
    pilot = generate_archive(catalogue, pilot_dir, clients=400, **options)
    shutil.rmtree(pilot_dir, ignore_errors=True)
    per_client = pilot.stats["declaration_lines"] / 400
    clients = math.ceil(args.lines / per_client * 1.04)
    started = time.perf_counter()
    result = generate_archive(catalogue, Path(args.out), clients=clients, **options)
    seconds = time.perf_counter() - started
    return {"clients": clients, "seconds": seconds, "stats": result.stats,
            "root": str(result.root), "peak_rss_mb": peak_rss_mb()}  # fmt: skip


def _largest_providers(catalogue, count: int):
    """Keep the ``count`` providers with the most admissions: in a real region a few dozen
    providers deliver most of the care, so declarations hold hundreds of lines."""
    from collections import Counter

    from zorgregio.berichten.generator import Catalogue

    if not count:
        return catalogue
    admissions = Counter(a.provider for a in catalogue.admissions)
    keep = {agb for agb, _n in sorted(admissions.items(), key=lambda kv: (-kv[1], kv[0]))[:count]}
    return Catalogue(
        catalogue.municipalities,
        sorted(keep),
        catalogue.products,
        [a for a in catalogue.admissions if a.provider in keep],
        [*catalogue.notes, f"the {count} providers with the most admissions"],
        variants=catalogue.variants,  # without them every taakgericht line is refused (ZR04)
    )


def _split(root: Path) -> tuple[list[str], list[str]]:
    """The archive's files in path order, as strings (what `zorgregio import` gets on its
    command line; 200,000 ``Path`` objects would add about 100 MB to the measured peak)."""
    files = sorted(
        (os.path.join(folder, name) for folder, _, names in os.walk(root) for name in names
         if name.endswith(".xml")),
        key=lambda path: path.replace(os.sep, "\0"),  # as sorted Paths: by their parts
    )  # fmt: skip
    declarations = [p for p in files if DECLARATION.search(os.path.basename(p))]
    others = [p for p in files if not DECLARATION.search(os.path.basename(p))]
    return others, declarations


def child_ingest(args) -> dict:
    _django(Path(args.db))
    from zorgregio.berichten.services import after_import, ingest_paths

    try:
        from zorgregio.berichten.parallel import ingest_parallel
    except ImportError:  # a checkout from before the workers, for a comparison

        def ingest_parallel(paths, *, workers, **options):
            return ingest_paths(paths, **options)

    from django.core.management import call_command

    from zorgregio.zorg.models import Declaratie, DeclaratieRegel

    call_command("migrate", verbosity=0, interactive=False)  # a reused database, older code
    # The whole archive as `zorgregio import ARCHIVE` imports it: the folder named, walked by
    # the import (no list of 200,000 paths made here before it), one reader process and one
    # set of indexes for the run, in a process of its own where the code has it (not under
    # --profile, which profiles this process). --limit names its files instead.
    paths = [args.root]
    if args.limit:
        others, declarations = _split(Path(args.root))
        paths = [*others[: args.limit], *declarations[: args.limit // 4]]
    profiler = None
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    # The seconds spent on the 301/305/... files and on the 323s, told apart by the progress
    # callback (called as each file begins, perhaps in the import's own process: the sums
    # are kept in shared memory).
    spent = multiprocessing.Array("d", 2)
    last = {"at": None, "kind": 0}

    def progress(done, total, name):
        now = time.perf_counter()
        if last["at"] is not None:
            spent[last["kind"]] += now - last["at"]
        last["at"], last["kind"] = now, int(bool(DECLARATION.search(name)))

    own = "own_process" in signature(ingest_parallel).parameters and not args.profile
    started, cpu_started = time.perf_counter(), _cpu()
    results = ingest_parallel(
        paths, workers=args.workers, refresh_monitor=False, on_progress=progress,
        **({"own_process": True} if own else {}),
    )  # fmt: skip
    done, cpu_done = time.perf_counter(), _cpu()
    counts, refused = [0, 0], [0, 0]
    for result in results:
        kind = bool(DECLARATION.search(result.name))
        counts[kind] += 1
        refused[kind] += result.refused
    after_import(results)  # the refresh, as `zorgregio import` does after its files
    refreshed, cpu_refreshed = time.perf_counter(), _cpu()
    if profiler is not None:
        import pstats

        profiler.disable()
        profile_path = Path(args.db).with_suffix(".prof")
        profiler.dump_stats(profile_path)
        pstats.Stats(str(profile_path), stream=sys.stderr).sort_stats("cumulative").print_stats(40)
        pstats.Stats(str(profile_path), stream=sys.stderr).sort_stats("tottime").print_stats(25)
    stored = DeclaratieRegel.objects.count()
    refused_lines = sum(len(d) for d in Declaratie.objects.values_list("refused_lines", flat=True))
    return {
        "other_files": counts[0],
        "other_seconds": spent[0] * (done - started) / (sum(spent) or 1),
        "other_refused": refused[0],
        "declaration_files": counts[1],
        "declaration_seconds": spent[1] * (done - started) / (sum(spent) or 1),
        "declaration_refused": refused[1],
        "refresh_seconds": refreshed - done,
        # CPU time (user + system) of the import and of its finished child processes: on a
        # shared host it varies far less than the wall time.
        "ingest_cpu_seconds": cpu_done - cpu_started,
        "refresh_cpu_seconds": cpu_refreshed - cpu_done,
        "lines": stored + refused_lines,
        "lines_rejected": DeclaratieRegel.objects.filter(status="afgekeurd").count(),
        "lines_refused": refused_lines,
        "peak_rss_mb": peak_rss_mb(),
    }


def child_bare(args) -> dict:
    from lxml import etree

    others, declarations = _split(Path(args.root))
    started = time.perf_counter()
    lines = 0
    for path in declarations:
        for _event, element in etree.iterparse(str(path), events=("end",)):
            if element.tag.endswith("}Prestatie"):
                lines += 1
                element.clear()
    seconds = time.perf_counter() - started
    xsd = _parse_with_xsd([*others, *declarations])
    return {"files": len(declarations), "lines": lines, "seconds": seconds,
            "all_files": len(others) + len(declarations), "xsd_seconds": xsd,
            "peak_rss_mb": peak_rss_mb()}  # fmt: skip


def _parse_with_xsd(paths: list[str]) -> float | None:
    """Seconds to parse every file and validate it against its official XSD (lxml, the
    schemas loaded once), or None without the XSDs."""
    from lxml import etree

    if not XSD_DIR.is_dir():
        return None
    kind = re.compile(r"-(WMO|JW)(\d{3})-")
    schemas: dict[tuple[str, str], etree.XMLSchema] = {}
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    started = time.perf_counter()
    for path in paths:
        law, number = kind.search(os.path.basename(path)).groups()
        schema = schemas.get((law, number))
        if schema is None:
            folder = XSD_DIR / ("iwmo-3.2" if law == "WMO" else "ijw-3.2")
            schema = schemas[(law, number)] = etree.XMLSchema(
                etree.parse(str(folder / f"{law}{number}.xsd"), parser)
            )
        if not schema.validate(etree.parse(str(path), parser)):
            raise SystemExit(f"{os.path.basename(path)} is not valid against its XSD")
    return time.perf_counter() - started


CHILDREN = {
    "_prepare": child_prepare,
    "_generate": child_generate,
    "_ingest": child_ingest,
    "_bare": child_bare,
}


def _run_child(command: str, db: Path, **options) -> dict:
    argv = [sys.executable, __file__, command, "--db", str(db)]
    for key, value in options.items():
        if value is True:
            argv.append(f"--{key}")
        elif value not in (None, False):
            argv += [f"--{key}", str(value)]
    proc = subprocess.Popen(
        argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_environment(db)
    )
    peak = {"mb": 0.0, "pss_mb": 0.0}
    sampler = threading.Thread(target=_sample_tree, args=(proc, peak), daemon=True)
    sampler.start()
    stdout, stderr = proc.communicate()
    sampler.join()
    if stderr:
        sys.stderr.write(stderr[-20000:])
    if proc.returncode != 0:
        raise SystemExit(f"{command} failed ({proc.returncode})")
    result = json.loads(stdout.strip().splitlines()[-1])
    result["peak_tree_mb"] = peak["mb"]
    result["peak_tree_pss_mb"] = peak["pss_mb"]
    return result


def _pss_kb(pid: int) -> int:
    """The proportional set size of a process: its own pages, and its share of the pages it
    shares with others (a forked child and its parent), so a tree's sum counts each page once."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _sample_tree(proc, peak: dict) -> None:
    """The largest sum of the resident memory (VmRSS) of the child and all its descendants
    (parser and reader processes, import workers), sampled every 0.2 s: the process tree's
    peak. Pages a forked process shares with its parent count twice, so this errs on the high
    side; the largest sum of their PSS (``pss_mb``) counts every page once."""
    while proc.poll() is None:
        parents: dict[int, int] = {}
        rss: dict[int, int] = {}
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                status = (entry / "status").read_text()
            except OSError:
                continue
            fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
            pid = int(entry.name)
            parents[pid] = int(fields.get("PPid", "0"))
            rss[pid] = int(fields.get("VmRSS", "0 kB").split()[0])
        tree, grown = {proc.pid}, True
        while grown:
            new = {pid for pid, parent in parents.items() if parent in tree} - tree
            grown = bool(new)
            tree |= new
        peak["mb"] = max(peak["mb"], sum(rss.get(pid, 0) for pid in tree) / 1024)
        peak["pss_mb"] = max(peak["pss_mb"], sum(_pss_kb(pid) for pid in tree) / 1024)
        time.sleep(0.2)


# --- the benchmark -------------------------------------------------------------------------


def _fresh_postgres(url: str) -> None:
    """Drop and create the benchmark's PostgreSQL database (its name from ``url``)."""
    _postgres_admin(url, lambda c, name: (
        c.execute(f'DROP DATABASE IF EXISTS "{name}"'), c.execute(f'CREATE DATABASE "{name}"')
    ))  # fmt: skip


def _prepared_copy(args, db: Path) -> Path:
    return BENCH / f"prepared-{args.seed}-{'postgresql' if args.database else 'sqlite'}"


def _keep_prepared(args, db: Path) -> None:
    """Keep the prepared database (the demo steps take about a minute), so ``--reuse-database``
    starts the next run from the same rows: a file copy on SQLite, a template on PostgreSQL."""
    copy = _prepared_copy(args, db)
    shutil.rmtree(copy, ignore_errors=True)
    copy.mkdir(parents=True)
    uploads = db.parent / f"{db.stem}-uploads"
    if uploads.is_dir():
        shutil.copytree(uploads, copy / "uploads")
    if not args.database:
        shutil.copy2(db, copy / "db.sqlite3")
        return
    _postgres_admin(args.database, lambda c, name: (
        c.execute(f'DROP DATABASE IF EXISTS "{name}_prepared"'),
        c.execute(f'CREATE DATABASE "{name}_prepared" TEMPLATE "{name}"'),
    ))  # fmt: skip


def _restore_prepared(args, db: Path) -> bool:
    copy = _prepared_copy(args, db)
    if not copy.is_dir():
        return False
    if (copy / "uploads").is_dir():
        shutil.copytree(copy / "uploads", db.parent / f"{db.stem}-uploads")
    if not args.database:
        shutil.copy2(copy / "db.sqlite3", db)
        return True
    _postgres_admin(args.database, lambda c, name: (
        c.execute(f'DROP DATABASE IF EXISTS "{name}"'),
        c.execute(f'CREATE DATABASE "{name}" TEMPLATE "{name}_prepared"'),
    ))  # fmt: skip
    return True


def _postgres_admin(url: str, work) -> None:
    from urllib.parse import urlsplit, urlunsplit

    import psycopg

    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        work(connection, parts.path.lstrip("/"))


def main(args) -> None:
    args.load_before = os.getloadavg()
    BENCH.mkdir(parents=True, exist_ok=True)
    if args.database:
        os.environ["BENCH_DATABASE_URL"] = args.database
        _fresh_postgres(args.database)
    name = f"{args.lines}-p{args.providers}"
    db = BENCH / f"ingest-{name}.sqlite3"
    out = BENCH / f"archive-{name}"
    if args.database:
        name += "-postgresql"
        db = BENCH / f"ingest-{name}.sqlite3"  # names the uploads folder only
    stale = [db.with_name(db.name + suffix) for suffix in ("-wal", "-shm")]  # a stopped run's
    for path in (db, db.parent / f"{db.stem}-uploads", *stale):
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()
    timings = {}
    started = time.perf_counter()
    if not (args.reuse_database and _restore_prepared(args, db)):
        _run_child("_prepare", db, seed=args.seed)
        _keep_prepared(args, db)
    timings["prepare_seconds"] = time.perf_counter() - started
    print(f"database ready ({timings['prepare_seconds']:.0f} s)", flush=True)
    if args.reuse_archive and (out / "berichten").is_dir():
        stats = json.loads((out / "manifest.json").read_text())["stats"]
        generated = {"reused": True, "root": str(out / "berichten"), "stats": stats}
    else:
        shutil.rmtree(out, ignore_errors=True)
        generated = _run_child(
            "_generate", db, seed=args.seed, lines=args.lines, out=out, providers=args.providers
        )
        print(f"archive: {generated['stats']['files']} files, "
              f"{generated['stats']['declaration_lines']} lines "
              f"({generated['seconds']:.0f} s)", flush=True)  # fmt: skip
    root = generated["root"]
    ingest = _run_child(
        "_ingest", db, root=root, profile=args.profile, limit=args.limit, workers=args.workers
    )
    print(json.dumps(ingest, indent=1), flush=True)
    bare = _run_child("_bare", db, root=root)
    print(json.dumps(bare, indent=1), flush=True)
    results = _summary(args, generated, ingest, bare)
    print(json.dumps(results, indent=1))
    (BENCH / f"results-{name}.json").write_text(json.dumps(results, indent=1))
    if args.write_readme:
        _write_readme(results, "-postgresql" if args.database else "")


def _summary(args, generated, ingest, bare) -> dict:
    lines = ingest["lines"]
    applied = ingest["other_seconds"] + ingest["declaration_seconds"]
    end_to_end = applied + ingest.get("refresh_seconds", 0)  # the whole import, as a user waits
    files = ingest["other_files"] + ingest["declaration_files"]
    stats = generated.get("stats", {})
    planted = sum(v for k, v in stats.items() if k.startswith("fault_"))
    rejected = ingest["lines_rejected"] + ingest.get("lines_refused", 0)
    xsd = bare.get("xsd_seconds")
    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, {'PostgreSQL' if args.database else 'SQLite'}",
        "command": " ".join(["benchmarks/ingest/bench.py", *sys.argv[1:]]),
        "providers": args.providers,
        "xsd_validation": bool(os.environ.get("ZORGREGIO_XSD_DIR") or XSD_DIR.is_dir()),
        "generated": generated.get("stats", {}),
        "generate_seconds": generated.get("seconds"),
        "ingest": ingest,
        "bare": bare,
        "declaration_lines_per_second": lines / ingest["declaration_seconds"],
        "ingest_lines_per_second": lines / applied,
        "end_to_end_lines_per_second": lines / end_to_end,
        "end_to_end_files_per_second": files / end_to_end,
        "other_files_per_second": ingest["other_files"] / max(ingest["other_seconds"], 1e-9),
        "bare_lines_per_second": bare["lines"] / bare["seconds"],
        "ratio_to_bare_lxml": ingest["declaration_seconds"] / bare["seconds"],
        "ratio_to_parse_with_xsd": end_to_end / xsd if xsd else None,
        "planted_share": planted / max(stats.get("declaration_lines", 0), 1),
        "rejected_share": rejected / max(lines, 1),
        "workers": args.workers,
        "peak_tree_mb": ingest.get("peak_tree_mb"),
        "peak_tree_pss_mb": ingest.get("peak_tree_pss_mb"),
        "load_average_before": getattr(args, "load_before", None),
        "load_average": os.getloadavg(),
    }


def _seconds(value) -> str:
    return f"{value:.1f} s" if value is not None else "(no XSDs)"


def _times(value) -> str:
    return f"{value:.1f} x" if value is not None else "?"


def _write_readme(results: dict, suffix: str = "") -> None:
    start, end = (
        marker.replace("benchmark", f"benchmark{suffix}") for marker in (SECTION_START, SECTION_END)
    )
    ingest, bare = results["ingest"], results["bare"]
    gen = results["generated"]
    text = f"""{start}
## Ingest (berichten): end-to-end import of a generated archive{" on PostgreSQL" if suffix else ""}

Command: `.venv/bin/python {results["command"]}` ({results["date"]}; {results["machine"]};
XSD validation {"on" if results["xsd_validation"] else "off"}). The script builds a fresh SQLite
database under `var/bench/`, generates the archive with `berichten.generator` (demo region,
the {results["providers"]} providers with the most admissions, history from 2021 in the
benchmark database only), imports it with
`services.ingest_paths` in a child process and parses the same 323 files with a bare lxml
`iterparse` in another. Targets: >= 20,000 lines/s, peak < 500 MB.

| measure | result |
|---|---|
| archive | {gen.get("files", "?")} files, {gen.get("declaration_lines", "?")} declaration \
lines, {gen.get("messages_323", "?")} declarations |
| 301/305/307/315/317/319 files | {ingest["other_files"]} in {ingest["other_seconds"]:.0f} s \
({results["other_files_per_second"]:.0f} files/s), {ingest["other_refused"]} refused |
| 323 files | {ingest["declaration_files"]} in {ingest["declaration_seconds"]:.0f} s, \
{ingest["declaration_refused"]} refused |
| declaration lines stored and checked | {ingest["lines"]} ({ingest["lines_rejected"]} \
rejected by the checks) |
| **declaration lines per second (323 phase)** | \
**{results["declaration_lines_per_second"]:,.0f}** |
| end-to-end lines per second (all files) | {results["end_to_end_lines_per_second"]:,.0f} |
| **peak memory (VmHWM) of the ingest process** | **{ingest["peak_rss_mb"]:.0f} MB** |
| bare lxml iterparse of the 323 files | {bare["seconds"]:.1f} s \
({results["bare_lines_per_second"]:,.0f} lines/s, peak {bare["peak_rss_mb"]:.0f} MB) |
| ratio ingest / bare lxml (323 phase) | {results["ratio_to_bare_lxml"]:.1f} x |
| every file parsed and validated against its XSD | {_seconds(bare.get("xsd_seconds"))}; \
the whole import costs {_times(results.get("ratio_to_parse_with_xsd"))} |
| faults planted / lines rejected or refused | {results["planted_share"]:.2%} / \
{results["rejected_share"]:.2%} |
| load average (1, 5, 15 min) at the end | \
{", ".join(f"{v:.1f}" for v in results["load_average"])} |

{end}"""
    current = README.read_text(encoding="utf-8") if README.exists() else "# Benchmarks\n"
    if start in current:
        head, rest = current.split(start, 1)
        tail = rest.split(end, 1)[1] if end in rest else ""
        current = head + text + tail
    else:
        current = current.rstrip("\n") + "\n\n" + text + "\n"
    README.write_text(current, encoding="utf-8")


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("command", nargs="?", default="run", choices=["run", *CHILDREN])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--providers", type=int, default=40, help="Providers sending messages (0: all)."
    )
    parser.add_argument("--profile", action="store_true", help="cProfile the ingest (stderr).")
    parser.add_argument("--limit", type=int, default=0, help="Ingest only this many files.")
    parser.add_argument(
        "--workers", type=int, default=1, help="Import worker processes (PostgreSQL only)."
    )
    parser.add_argument("--reuse-archive", action="store_true")
    parser.add_argument(
        "--reuse-database",
        action="store_true",
        help="Start from the database prepared by an earlier run (same seed and engine).",
    )
    parser.add_argument("--write-readme", action="store_true")
    parser.add_argument(
        "--database", help="postgres://... : run on PostgreSQL (the database is recreated)."
    )
    parser.add_argument("--db")
    parser.add_argument("--out")
    parser.add_argument("--root")
    return parser.parse_args(argv)


if __name__ == "__main__":
    arguments = parse_args()
    if arguments.command == "run":
        main(arguments)
    else:
        print(json.dumps(CHILDREN[arguments.command](arguments)))
