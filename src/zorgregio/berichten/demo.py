"""Demo step: generate the region's message archive and import it like real files.

The archive is written to ``var/demo-archive/`` (messages in ``berichten/``, what is faulty on
purpose in ``manifest.json``) and imported through :func:`services.ingest_paths`, the same path
as ``zorgregio import`` and the upload screen. See docs/demo-archive.md.
"""

from __future__ import annotations

import datetime as dt
import random
import shutil
import time

from django.conf import settings

from zorgregio.common.formatting import files_summary
from zorgregio.demo.registry import DemoContext, demo_step

from .generator import assume_admissions, catalogue_from_db, generate_archive

# Three years of care (2024 to October 2026) so the monitor compares each year with the one
# before; sized so that `make demo` stays within a few minutes on 2 cores.
DEMO_START = dt.date(2024, 1, 1)
DEMO_END = dt.date(2026, 10, 31)
DEMO_CLIENTS = 1200  # at scale 1.0


def archive_start(catalogue, default: dt.date = DEMO_START) -> dt.date:
    """The first day the catalogue can carry care: ``default``, or later when the first tariff or
    admission starts later (a register that starts in 2026 gives an archive from 2026)."""
    tariffs = [t.valid_from for p in catalogue.products for t in p.tariffs]
    admissions = [a.valid_from for a in catalogue.admissions]
    return max([default, min(tariffs, default=default), min(admissions, default=default)])


@demo_step(order=50, name="berichten")
def build_message_archive(ctx: DemoContext) -> None:
    from .services import ingest_paths

    catalogue = catalogue_from_db(ctx.region)
    if not catalogue.laws or not catalogue.providers:
        ctx.log("  geen producten met tarieven of geen aanbieders: geen berichtenarchief")
        return
    if not catalogue.admissions:
        catalogue = assume_admissions(catalogue, random.Random(ctx.seed), DEMO_START)
        ctx.log("  let op: geen toelatingen in het contractregister; toelatingen aangenomen")
    start = archive_start(catalogue)
    out = settings.VAR_DIR / "demo-archive"
    shutil.rmtree(out, ignore_errors=True)
    started = time.monotonic()
    result = generate_archive(
        catalogue,
        out,
        seed=ctx.seed,
        clients=ctx.scaled(DEMO_CLIENTS, minimum=20),
        start=start,
        end=DEMO_END,
    )
    stats = result.stats
    ctx.log(
        f"  archief {start:%d-%m-%Y} t/m {DEMO_END:%d-%m-%Y}: {stats.get('files', 0)} berichten, "
        f"{stats.get('declaration_lines', 0)} declaratieregels "
        f"({time.monotonic() - started:.1f} s)"
    )
    if "jw" not in catalogue.laws:
        ctx.log("  de productcatalogus heeft geen Jeugdwet-producten: alleen Wmo-berichten")
    started = time.monotonic()
    last = [0.0]

    def progress(done, total, _name):
        if total and done - last[0] >= total / 10:
            last[0] = done
            ctx.log(f"  inlezen: {int(done)}/{total} bestanden")

    # The monitor step refreshes once after the budgets (order 60); no refresh per import here.
    results = ingest_paths([result.root], on_progress=progress, refresh_monitor=False)
    refused = [r for r in results if r.refused]
    summary = files_summary(len(results) - len(refused), len(refused))
    ctx.log(f"  {summary} ({time.monotonic() - started:.1f} s)")
    for r in refused[:5]:
        ctx.log(f"    {r.name}: {'; '.join(r.reasons)[:200]}")
    ctx.data["message_archive"] = result
