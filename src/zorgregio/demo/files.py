"""The demo region arrives as a real region does: steps write the files a region would bring
(``var/demo-files/``, the formats of docs/inrichting.md) and import them through the set-up
imports, so that path runs on every ``make demo``."""

from __future__ import annotations

import csv
from pathlib import Path

from django.conf import settings


def files_dir() -> Path:
    path = Path(settings.VAR_DIR) / "demo-files"
    path.mkdir(parents=True, exist_ok=True)
    return path


def write_csv(name: str, header: list[str], rows) -> Path:
    path = files_dir() / name
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(header)
        writer.writerows(rows)
    return path


def import_file(ctx, slug: str, path: Path):
    """Import ``path`` with the set-up import ``slug``; a refused file stops the demo with the
    import's own report (it would stop a real region too)."""
    from zorgregio.inrichting import registry

    report = registry.run_import(
        registry.get(slug),
        actor=None,
        upload=path.read_bytes(),
        filename=path.name,
        region=ctx.region,
        operator="demo",
    )
    if not report.ok:
        raise RuntimeError(f"{path.name}: " + "; ".join(report.errors[:5]))
    ctx.log(
        f"  {path.relative_to(settings.VAR_DIR.parent) if _inside(path) else path.name}: "
        f"{report.created} nieuw, {report.updated} gewijzigd, {report.unchanged} ongewijzigd"
    )
    return report


def _inside(path: Path) -> bool:
    try:
        path.relative_to(settings.VAR_DIR.parent)
    except ValueError:
        return False
    return True
