"""Demo: the MIJOV products of 2026 plus four Jeugdwet products, a purchase matrix, cost
calculations, tariffs 2026 and the indexed tariffs 2027; and the history before 2026: the
previous productenboek (2023-2025) with its purchase matrix, cost calculations 2023 and the
indexations 2024 and 2025. Products the 2026 productenboek kept run on from 2023 (new cost
calculation from 2026); the undivided Begeleiding individueel (02A05) ends on 31-12-2025,
succeeded by Basis (02A16).

Products come from ``demo/data/products_mijov_2026.csv`` (seed 000, Bijlage 3). Units, salaries
and staff hours per unit are plausible demo values, not the region's real cost-price research.
"""

import csv
import datetime as dt
from decimal import Decimal
from pathlib import Path

from django.db import models
from django.utils.text import slugify

from zorgregio.demo.registry import DemoContext, demo_step
from zorgregio.regio.models import Law

from . import services
from .costing import to_cents
from .models import CostCalculation, Product, ProductGroup, PurchaseMode

DATA = Path(__file__).resolve().parent.parent / "demo" / "data" / "products_mijov_2026.csv"
START_2026 = dt.date(2026, 1, 1)
START_2027 = dt.date(2027, 1, 1)
START_2023 = dt.date(2023, 1, 1)
END_2025 = dt.date(2025, 12, 31)
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

# The previous productenboek (2023-2025) had the same groups and products, except: Begeleiding
# individueel was one undivided product (02A05, from 2021; split into Licht/Basis/Complex in
# 2026), Werkt Mee trede 5 and the Beschermd Thuis codes (productcategorie 15) are new in 2026.
NEW_IN_2026 = {"02A22", "02A16", "02A19", "02A58"}
# Respijtzorg thuis (04W01) was still bought regionally in Apeldoorn before 2026.
LOCAL_BEFORE_2026 = {("1001", "0200"), ("1002", "0200"), ("1001", "0301")}
# Salaries of the cost-price research 2023: the 2026 salaries less three years of CAO rises.
SALARY_2023_DIVISOR = Decimal("1.12")
INDEX_FIELDS = [
    "labour_forecast_next_pct",
    "labour_forecast_current_pct",
    "labour_final_current_pct",
    "material_forecast_next_pct",
    "material_forecast_current_pct",
    "material_final_current_pct",
]
# (year, labour: forecast next, forecast current, final current; material: the same)
INDEXATIONS = [
    (2024, "5.20", "4.60", "5.00", "3.00", "3.80", "4.10"),
    (2025, "3.90", "3.60", "3.80", "2.40", "2.70", "2.60"),
]


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
    # The products the 2026 productenboek kept already existed in the previous one (2023-2025).
    for product in products:
        if _kept(product):
            product.valid_from = START_2023
    Product.objects.bulk_create(products)
    products = list(Product.objects.valid_on(START_2026).select_related("group"))
    municipalities = {m.cbs_code: m for m in ctx.region.municipalities.all()}
    # History first, as it happened: the tariffs 2023, the indexations 2024 and 2025.
    previous = _previous_productenboek(products, municipalities, cost_key)

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
    ctx.data["products_before_2026"] = previous
    ctx.log(
        f"  {len(products)} producten, {len(groups)} productgroepen, "
        f"{len(products) * len(municipalities)} cellen inkoopmatrix, {len(indexed)} tarieven 2027"
    )
    ctx.log(
        f"  productenboek {START_2023:%Y}-{END_2025:%Y}: {len(previous)} producten met tarieven "
        f"2023, 2024 en 2025; 02A05 beëindigd op {END_2025:%d-%m-%Y}, opgevolgd door 02A16"
    )


def _kept(product: Product) -> bool:
    """Was the product already in the previous productenboek (2023-2025)?"""
    return product.productcategorie != "15" and product.productcode not in NEW_IN_2026


def _previous_productenboek(
    products: list[Product], municipalities: dict, cost_key: dict[str, str]
) -> list[Product]:
    """The productenboek 2023-2025 through the services, as it happened: the undivided 02A05,
    the purchase matrix and cost calculations from 1-1-2023, the indexations 2024 and 2025 (of
    every open-ended tariff in force), then 02A05 retired on 31-12-2025 with its successor.
    Returns the products valid before 2026."""
    basis = next(p for p in products if p.productcode == "02A16")
    undivided = services.product_create(
        actor=None,
        group=basis.group,
        law=Law.WMO,
        productcategorie="02",
        productcode="02A05",
        name="Begeleiding individueel (tot 2026)",
        description="Productenboek 2021-2025: één product voor alle begeleiding individueel",
        unit=HOUR,
        allowed_frequencies=WEEKLY,
        valid_from=dt.date(2021, 1, 1),
    )
    cost_key["02A05"] = "02A16"
    previous = [undivided] + [p for p in products if p.valid_from <= START_2023]
    changes = {}
    for product in previous:
        for cbs, municipality in municipalities.items():
            local = (product.productcode, cbs) in LOCAL_BEFORE_2026
            changes[(product, municipality)] = (
                PurchaseMode.LOCAL if local else PurchaseMode.REGIONAL
            )
    services.purchase_matrix_set(actor=None, valid_from=START_2023, changes=changes)
    for product in previous:
        unit, cao, scale, salary, hours = COST[cost_key[product.productcode]]
        calculation = services.calculation_create(
            actor=None,
            product=product,
            note="Kostprijsonderzoek 2023 (demo)",
            cao_name=cao,
            cao_scale=scale,
            cao_step="5",
            monthly_salary_cents=int(Decimal(salary) / SALARY_2023_DIVISOR) * 100,
            travel_cost_per_hour_cents=125 if unit == HOUR else 0,
            hours_per_unit=Decimal(hours),
        )
        services.calculation_apply(
            actor=None, calculation=calculation, valid_from=START_2023, reason="Tarief 2023"
        )
        if product.productcode == "1001":
            services.tariff_set(
                actor=None,
                product=product,
                municipality=municipalities["0200"],
                amount_cents=calculation.result().proposed_tariff_cents + 100,
                valid_from=START_2023,
                reason="Lokale inkoop Apeldoorn",
            )
    for year, *pcts in INDEXATIONS:
        indexation = services.indexation_create(
            actor=None,
            name=f"Indexering {year}",
            year=year,
            **dict(zip(INDEX_FIELDS, map(Decimal, pcts), strict=True)),
        )
        services.indexation_apply(actor=None, indexation=indexation, valid_from=dt.date(year, 1, 1))
    services.product_retire(actor=None, product=undivided, valid_until=END_2025, successor=basis)
    return previous


# --- funding variants (issue 20, docs/bekostiging.md) --------------------------------------------

PILOT_GROUP = "wmo-begeleiding-groep"
PILOT_YEAR = 2026
OUTPUT_GROUP = ("wmo-trajecten-naar-werk", "Trajecten naar werk")
OUTPUT_PRODUCT = ("02", "02A91", "Traject begeleiding naar werk")
OUTPUT_HOURS = Decimal("12.5")


@demo_step(order=48, name="bekostiging")
def build_funding_variants(ctx: DemoContext) -> None:
    """A task-oriented pilot for Begeleiding groep in two municipalities from 2026, with task
    budgets, instalments (paid up to the demo date) and quarterly data deliveries; and an
    output-oriented group (a trajectory with a price per output) in every municipality.

    Runs after the admissions (toelating, order 45) and before the message archive (berichten,
    order 50), so the archive generator reads the variant register: no toewijzingen and no
    declarations per client for the pilot cells from 2026 (toewijzingen running then end on
    31 December 2025); the pilot figures read the paid instalments and the data deliveries."""
    from zorgregio.common.money import format_eurocents
    from zorgregio.contracten.models import Admission, AdmissionStatus
    from zorgregio.regio.models import Municipality

    from .costing import Segment, output_price, split_instalments, task_budget
    from .models import FundingVariant, Tariff

    rng = ctx.rng
    municipalities = list(Municipality.objects.filter(region=ctx.region).order_by("name"))
    group = ProductGroup.objects.filter(code=PILOT_GROUP).first()
    if group is None or len(municipalities) < 3:
        ctx.log("  geen Begeleiding groep of te weinig gemeenten: geen bekostigingspilot")
        return
    pilot = [m for m in municipalities if m.cbs_code != "0200"][:2]
    start = dt.date(PILOT_YEAR, 1, 1)
    for municipality in pilot:
        services.group_variant_set(
            actor=None,
            group=group,
            municipality=municipality,
            variant=FundingVariant.TASK,
            valid_from=start,
            regieberichten=True,
            reason="Pilot taakgericht bekostigen (seed 001, par. 5.5)",
        )
    calculation = (
        CostCalculation.objects.filter(product__group=group).order_by("product", "-version").first()
    )
    per_hour = to_cents(calculation.result().step("cost_hour").value) if calculation else 6_500
    today = dt.date.today()
    budgets = deliveries = 0
    for municipality in pilot:
        providers = list(
            Admission.objects.filter(
                municipality=municipality,
                status__in=[AdmissionStatus.ACTIVE, AdmissionStatus.CLIENT_STOP],
            )
            .filter(models.Q(product__group=group) | models.Q(product_group=group))
            .values_list("provider", flat=True)
            .distinct()
            .order_by("provider")[:3]
        )
        from zorgregio.aanbieders.models import Provider

        for provider in Provider.objects.filter(pk__in=providers):
            mix = [
                {
                    "label": "licht",
                    "clients": rng.randint(6, 20),
                    "hours_per_client": rng.choice([80, 100, 120]),
                    "cost_per_hour_cents": per_hour,
                },
                {
                    "label": "zwaar",
                    "clients": rng.randint(2, 8),
                    "hours_per_client": rng.choice([200, 240]),
                    "cost_per_hour_cents": per_hour,
                },
            ]
            amount = task_budget([Segment.from_dict(m) for m in mix], 3).amount_cents
            dues = [dt.date(PILOT_YEAR, month, 1) for month in (1, 4, 7, 10)]
            budget = services.task_budget_set(
                actor=None,
                provider=provider,
                municipality=municipality,
                group=group,
                year=PILOT_YEAR,
                mix=mix,
                markup_pct=3,
                instalments=list(zip(dues, split_instalments(amount, 4), strict=True)),
                note="Pilot taakgericht",
            )
            budgets += 1
            for instalment in budget.instalments.filter(due_on__lte=today):
                services.instalment_pay(
                    actor=None, instalment=instalment, paid_on=instalment.due_on
                )
            clients = sum(m["clients"] for m in mix)
            rows = []
            for quarter in range(4):
                first = dt.date(PILOT_YEAR, 1 + 3 * quarter, 1)
                last = (
                    dt.date(PILOT_YEAR, 4 + 3 * quarter, 1) - dt.timedelta(days=1)
                    if quarter < 3
                    else dt.date(PILOT_YEAR, 12, 31)
                )
                if last >= today:
                    break
                inflow, outflow = rng.randint(1, 6), rng.randint(1, 5)
                clients = max(0, clients + inflow - outflow)
                rows.append(
                    {
                        "productgroep": group.code,
                        "gemeente": municipality.cbs_code,
                        "periode_begin": first.isoformat(),
                        "periode_eind": last.isoformat(),
                        "clienten": str(clients),
                        "instroom": str(inflow),
                        "uitstroom": str(outflow),
                        "wachttijd_dagen": str(rng.randint(5, 28)),
                    }
                )
            if rows:
                services.data_delivery_record(actor=None, provider=provider, rows=rows)
                deliveries += len(rows)
    # An output-oriented group: one trajectory product priced per output.
    code, name = OUTPUT_GROUP
    output_group = ProductGroup.objects.create(law=Law.WMO, code=code, name=name)
    categorie, productcode, product_name = OUTPUT_PRODUCT
    product = services.product_create(
        actor=None,
        group=output_group,
        law=Law.WMO,
        productcategorie=categorie,
        productcode=productcode,
        name=product_name,
        unit="82",
        allowed_frequencies=["6"],
        intensity_rank=1,
        valid_from=start,
    )
    price = output_price(hours_per_output=OUTPUT_HOURS, cost_per_hour_cents=per_hour, markup_pct=3)
    Tariff.objects.create(
        product=product,
        amount_cents=price.price_cents,
        valid_from=start,
        reason=f"Prijs per output: {OUTPUT_HOURS} uur per traject",
    )
    services.purchase_matrix_set(
        actor=None,
        valid_from=start,
        changes={(product, m): PurchaseMode.REGIONAL for m in municipalities},
    )
    for municipality in municipalities:
        services.group_variant_set(
            actor=None,
            group=output_group,
            municipality=municipality,
            variant=FundingVariant.OUTPUT,
            valid_from=start,
            reason="Trajecten worden per output bekostigd",
        )
    # Two providers per municipality that already deliver Wmo support there take part in the
    # trajectories from 2026, so the message archive (next step) holds output declarations.
    admitted = 0
    for municipality in municipalities:
        existing = list(
            Admission.objects.filter(
                municipality=municipality,
                status=AdmissionStatus.ACTIVE,
            )
            .filter(models.Q(product__group=group) | models.Q(product_group=group))
            .exclude(provider__agb_code="")
            .order_by("provider_id", "pk")
            .values_list("provider_id", "agreement_id")
        )
        chosen = list(dict(existing).items())[:2]
        for provider_id, agreement_id in chosen:
            Admission.objects.create(
                agreement_id=agreement_id,
                provider_id=provider_id,
                product_group=output_group,
                municipality=municipality,
                status=AdmissionStatus.ACTIVE,
                valid_from=start,
                activated_on=start,
            )
            admitted += 1
    ctx.log(
        f"  bekostiging: {group.name} taakgericht in {', '.join(m.name for m in pilot)} vanaf "
        f"{start:%d-%m-%Y} ({budgets} taakbudgetten, {deliveries} gegevensaanleveringen); "
        f"{output_group.name} outputgericht ({format_eurocents(price.price_cents)} per traject, "
        f"{admitted} deelnames)"
    )
