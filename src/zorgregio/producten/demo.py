"""Demo: the MIJOV products of 2026 plus four Jeugdwet products, a purchase matrix, cost
calculations, tariffs 2026 and the indexed tariffs 2027.

Products come from ``demo/data/products_mijov_2026.csv`` (seed 000, Bijlage 3). Units, salaries
and staff hours per unit are plausible demo values, not the region's real cost-price research.
"""

import csv
import datetime as dt
from decimal import Decimal
from pathlib import Path

from django.utils.text import slugify

from zorgregio.demo.registry import DemoContext, demo_step
from zorgregio.regio.models import Law

from . import services
from .models import Product, ProductGroup, PurchaseMode

DATA = Path(__file__).resolve().parent.parent / "demo" / "data" / "products_mijov_2026.csv"
START_2026 = dt.date(2026, 1, 1)
START_2027 = dt.date(2027, 1, 1)
RANKS = {"licht": 1, "basis": 2, "complex": 3, "duurzaam": 4, "duurzaam intensief": 5}
HOUR, DAY_PART, DAY_NIGHT, PIECE = "04", "16", "14", "84"
WEEKLY = ["2", "4", "6"]

# Per product code: (unit, CAO, scale, monthly salary in euros, staff hours per unit)
COST = {
    "1001": (HOUR, "CAO VVT", "FWG 25", 2_780, "1"),
    "1002": (HOUR, "CAO VVT", "FWG 30", 3_050, "1"),
    "02A22": (HOUR, "CAO Sociaal Werk", "7", 3_350, "1"),
    "02A16": (HOUR, "CAO Sociaal Werk", "8", 3_720, "1"),
    "02A19": (HOUR, "CAO Sociaal Werk", "9", 4_180, "1"),
    "07A11": (DAY_PART, "CAO Sociaal Werk", "6", 3_050, "0.5"),
    "07A12": (DAY_PART, "CAO Sociaal Werk", "7", 3_350, "0.6667"),
    "07A13": (DAY_PART, "CAO Sociaal Werk", "8", 3_720, "1"),
    "07A14": (DAY_PART, "CAO Sociaal Werk", "7", 3_350, "0.8"),
    "07A16": (DAY_PART, "CAO Sociaal Werk", "8", 3_720, "1.3333"),
    "02A63": (DAY_PART, "CAO Sociaal Werk", "6", 3_050, "0.5"),
    "02A64": (DAY_PART, "CAO Sociaal Werk", "6", 3_050, "0.4"),
    "02A56": (DAY_PART, "CAO Sociaal Werk", "7", 3_350, "0.6667"),
    "02A57": (DAY_PART, "CAO Sociaal Werk", "7", 3_350, "0.5714"),
    "02A58": (DAY_PART, "CAO Sociaal Werk", "7", 3_350, "0.5"),
    "04W01": (HOUR, "CAO VVT", "FWG 35", 3_250, "1"),
    "04W02": (DAY_NIGHT, "CAO VVT", "FWG 35", 3_250, "6"),
    "04W03": (DAY_NIGHT, "CAO VVT", "FWG 40", 3_550, "9"),
    "03A11": (HOUR, "CAO VVT", "FWG 35", 3_250, "1"),
    "02A76": (HOUR, "CAO Sociaal Werk", "9", 4_180, "1"),
    "08A03": (PIECE, "CAO Beroepsgoederenvervoer", "C", 2_900, "0.5"),
    "08A04": (PIECE, "CAO Beroepsgoederenvervoer", "D", 3_050, "0.75"),
    "45A01": (HOUR, "CAO Jeugdzorg", "7", 3_400, "1"),
    "45A02": (HOUR, "CAO Jeugdzorg", "8", 3_800, "1"),
    "45A03": (HOUR, "CAO Jeugdzorg", "9", 4_250, "1"),
    "43A01": (DAY_NIGHT, "CAO Jeugdzorg", "8", 3_800, "4"),
}
# Not in the MIJOV CSV (a Wmo list): a few Jeugdwet products so the demo has youth care too.
# (group, productcategorie, productcode, name, rank)
YOUTH = [
    ("Jeugdhulp ambulant", "45", "45A01", "Licht", 1),
    ("Jeugdhulp ambulant", "45", "45A02", "Basis", 2),
    ("Jeugdhulp ambulant", "45", "45A03", "Complex", 3),
    ("Jeugdhulp verblijf", "43", "43A01", "Verblijf gezinshuis", 1),
]
LOCAL = {("1001", "0200"), ("1002", "0200"), ("1001", "0301"), ("04W01", "0200")}


def _frequencies(unit: str) -> list[str]:
    return ["6"] if unit == DAY_NIGHT else WEEKLY


@demo_step(order=30, name="producten")
def build_products(ctx: DemoContext) -> None:
    with DATA.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    groups: dict[str, ProductGroup] = {}
    products: list[Product] = []
    cost_key: dict[str, str] = {}  # product code -> key in COST
    for row in rows:
        name = row["productgroep"]
        if name not in groups:
            groups[name] = ProductGroup.objects.create(
                law=Law.WMO, code=f"wmo-{slugify(name)}", name=name
            )
        unit = COST[row["productcode"]][0]
        rank = RANKS.get(row["product"].lower())
        siblings = [p for p in products if p.group == groups[name]]
        base = {
            "group": groups[name],
            "law": Law.WMO,
            "name": row["product"],
            "description": row["opmerking"],
            "unit": unit,
            "allowed_frequencies": _frequencies(unit),
            "intensity_rank": rank or len(siblings) + 1,
            "valid_from": START_2026,
        }
        products.append(
            Product(
                productcategorie=row["iwmo_productcategorie"],
                productcode=row["productcode"],
                **base,
            )
        )
        if row["alternatieve_code"]:
            # The 15-codes: the same product within Beschermd Thuis (productcategorie 15).
            alternative = dict(base, description=f"Beschermd Thuis: {row['product']}")
            products.append(
                Product(productcategorie="15", productcode=row["alternatieve_code"], **alternative)
            )
        cost_key[row["productcode"]] = row["productcode"]
        cost_key[row["alternatieve_code"]] = row["productcode"]
    for group_name, category, code, name, rank in YOUTH:
        if group_name not in groups:
            groups[group_name] = ProductGroup.objects.create(
                law=Law.JEUGDWET, code=f"jw-{slugify(group_name)}", name=group_name
            )
        unit = COST[code][0]
        products.append(
            Product(
                group=groups[group_name],
                law=Law.JEUGDWET,
                productcategorie=category,
                productcode=code,
                name=name,
                unit=unit,
                allowed_frequencies=_frequencies(unit),
                intensity_rank=rank,
                valid_from=START_2026,
            )
        )
        cost_key[code] = code
    Product.objects.bulk_create(products)
    products = list(Product.objects.filter(valid_from=START_2026).select_related("group"))

    # History: the old undivided Begeleiding individueel, succeeded by Basis in 2026.
    basis = next(p for p in products if p.productcode == "02A16")
    Product.objects.create(
        group=basis.group,
        law=Law.WMO,
        productcategorie="02",
        productcode="02A05",
        name="Begeleiding individueel (tot 2026)",
        unit=HOUR,
        allowed_frequencies=WEEKLY,
        valid_from=dt.date(2021, 1, 1),
        valid_until=dt.date(2025, 12, 31),
        successor=basis,
    )

    municipalities = {m.cbs_code: m for m in ctx.region.municipalities.all()}
    changes = {}
    for product in products:
        for cbs, municipality in municipalities.items():
            mode = PurchaseMode.REGIONAL
            if (product.productcode, cbs) in LOCAL:
                mode = PurchaseMode.LOCAL
            elif product.productcode == "08A04" and ctx.rng.random() < 0.25:
                mode = PurchaseMode.NONE
            changes[(product, municipality)] = mode
    services.purchase_matrix_set(actor=None, valid_from=START_2026, changes=changes)

    for product in products:
        unit, cao, scale, salary, hours = COST[cost_key[product.productcode]]
        jitter = ctx.rng.choice([0, 0, 25, 50])
        calculation = services.calculation_create(
            actor=None,
            product=product,
            note="Kostprijsonderzoek 2026 (demo)",
            cao_name=cao,
            cao_scale=scale,
            cao_step="5",
            monthly_salary_cents=(salary + jitter) * 100,
            travel_cost_per_hour_cents=150 if unit == HOUR else 0,
            hours_per_unit=Decimal(hours),
        )
        services.calculation_apply(
            actor=None, calculation=calculation, valid_from=START_2026, reason="Tarief 2026"
        )
        if product.productcode in {"1001", "04W01"}:
            local = calculation.result().proposed_tariff_cents + 125
            services.tariff_set(
                actor=None,
                product=product,
                municipality=municipalities["0200"],
                amount_cents=local,
                valid_from=START_2026,
                reason="Lokale inkoop Apeldoorn",
            )

    indexation = services.indexation_create(
        actor=None,
        name="Indexering 2027",
        year=2027,
        labour_forecast_next_pct=Decimal("3.60"),
        labour_forecast_current_pct=Decimal("3.90"),
        labour_final_current_pct=Decimal("4.30"),
        material_forecast_next_pct=Decimal("2.20"),
        material_forecast_current_pct=Decimal("2.50"),
        material_final_current_pct=Decimal("2.80"),
    )
    indexed = services.indexation_apply(actor=None, indexation=indexation, valid_from=START_2027)
    ctx.data["products"] = products
    ctx.log(
        f"  {len(products)} producten, {len(groups)} productgroepen, "
        f"{len(products) * len(municipalities)} cellen inkoopmatrix, {len(indexed)} tarieven 2027"
    )
