import csv
from pathlib import Path

from zorgregio.demo.registry import DemoContext, demo_step

from .models import Inhabitants, Municipality, Region

DATA = Path(__file__).resolve().parent.parent / "demo" / "data"
REGION_NAME = "Zorgregio Midden-IJssel/Oost-Veluwe"

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
    region = Region.objects.create(name=REGION_NAME, slug="midden-ijssel-oost-veluwe")
    with (DATA / "regions.csv").open(encoding="utf-8") as handle:
        rows = [row for row in csv.DictReader(handle) if row["region"] == REGION_NAME]
    for row in rows:
        municipality = Municipality.objects.create(
            region=region,
            cbs_code=row["gemeente_code"],
            name=row["gemeente"],
            province=row["provincie"],
        )
        base = INHABITANTS_2024[municipality.cbs_code]
        Inhabitants.objects.bulk_create(
            Inhabitants(
                municipality=municipality,
                year=year,
                count=round(base * (1 + 0.004 * (year - 2024))),
                source="demo, afgerond",
            )
            for year in YEARS
        )
    ctx.region = region
    ctx.log(f"  {len(rows)} gemeenten")
