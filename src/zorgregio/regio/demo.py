import csv
from pathlib import Path

from zorgregio.demo.registry import DemoContext, demo_step

from .models import Municipality, Region

DATA = Path(__file__).resolve().parent.parent / "demo" / "data"
REGION_NAME = "Zorgregio Midden-IJssel/Oost-Veluwe"
REGION_SLUG = "midden-ijssel-oost-veluwe"

# Rounded inhabitants on 1 January 2024 (order of magnitude of CBS); demo only.
INHABITANTS_2024 = {
    "0200": 166_000,
    "0213": 21_000,
    "0232": 33_700,
    "0244": 12_500,
    "0246": 19_100,
    "0262": 34_100,
    "0285": 25_000,
    "0301": 48_500,
}
YEARS = range(2021, 2027)


@demo_step(order=10, name="regio")
def build_region(ctx: DemoContext) -> None:
    """The region's municipalities (CBS codes) and inhabitants, as the files a region brings."""
    from zorgregio.demo.files import import_file, write_csv

    with (DATA / "regions.csv").open(encoding="utf-8") as handle:
        rows = [row for row in csv.DictReader(handle) if row["region"] == REGION_NAME]
    municipalities = write_csv(
        "gemeenten.csv",
        ["regio", "regio_code", "gemeentecode"],
        [(REGION_NAME, REGION_SLUG, row["gemeente_code"]) for row in rows],
    )
    import_file(ctx, "gemeenten", municipalities)
    ctx.region = Region.objects.get(slug=REGION_SLUG)
    inhabitants = write_csv(
        "inwoners.csv",
        ["gemeentecode", "jaar", "inwoners", "bron"],
        [
            (code, year, round(base * (1 + 0.004 * (year - 2024))), "demo, afgerond")
            for code, base in INHABITANTS_2024.items()
            for year in YEARS
        ],
    )
    import_file(ctx, "inwoners", inhabitants)
    ctx.log(f"  {Municipality.objects.filter(region=ctx.region).count()} gemeenten")
