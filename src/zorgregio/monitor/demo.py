"""Demo step: budgets for the demo region, then the monitor's first refresh."""

import datetime as dt

from django.db.models import Max, Sum

from zorgregio.demo.registry import DemoContext, demo_step


@demo_step(order=60, name="monitor")
def build_monitor(ctx: DemoContext) -> None:
    from zorgregio.producten.models import ProductGroup

    from .models import Budget, ClientMonth
    from .services import refresh_after_import

    groups = list(ProductGroup.objects.order_by("code"))
    if not groups or ctx.region is None:
        ctx.log("  geen productgroepen: geen budgetten")
        return
    refresh_after_import()
    municipalities = list(ctx.region.municipalities.order_by("cbs_code"))
    spent = {
        (row["municipality_id"], row["group_id"], row["month__year"]): row["total"]
        for row in ClientMonth.objects.values(
            "municipality_id", "group_id", "month__year"
        ).annotate(total=Sum("amount_cents"))
    }
    years = sorted({key[2] for key in spent}) or [dt.date.today().year]
    # The year still running gets the budget of a whole year: its spending so far scaled to
    # twelve months (a past year is budgeted on what it spent).
    this_year = dt.date.today().year
    last = ClientMonth.objects.filter(month__year=this_year).aggregate(last=Max("month"))["last"]
    budgets = []
    for year in years:
        scale = 12 / last.month if year == this_year and last is not None else 1
        for municipality in municipalities:
            for group in groups:
                actual = spent.get((municipality.pk, group.pk, year), 0)
                if actual <= 0:
                    continue
                # Budgets a little above or below what is spent in the year, rounded to 1,000
                # euros.
                amount = round(actual * scale * ctx.rng.uniform(0.9, 1.1) / 100_000) * 100_000
                budgets.append(
                    Budget(
                        municipality=municipality,
                        product_group=group,
                        year=year,
                        amount_cents=amount,
                    )
                )
    Budget.objects.bulk_create(budgets, ignore_conflicts=True)
    ctx.log(f"  {len(budgets)} budgetten")
