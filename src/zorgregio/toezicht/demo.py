"""Demo steps of supervision.

``toezicht`` (order 65, after the monitor's first refresh) plants irregularities of each kind
in the care data of the demo archive, with realistic numbers: a provider that declares far more
hours per client than its peers, clients at two providers at once, a declaration after a stop,
a provider past its spending ceiling and one at the warning level, waiting times above the
norm. It imports a client-satisfaction file through the set-up import, refreshes the monitor
for the planted care and computes the signals. ``toezicht-zaken`` (order 92, after the
accounts) opens cases in several states. Both stay fast: they run in tests.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Count, F, Max, Sum

from zorgregio.demo.registry import DemoContext, demo_step


def _plant_outlier(ctx, end: dt.date) -> str | None:
    """The provider with the most clients in the largest peer group (municipality x group with
    hour products) declares three times its hours and amount in the last 12 months."""
    from zorgregio.zorg.models import DeclaratieRegel

    start = (end.replace(day=1) - dt.timedelta(days=330)).replace(day=1)
    lines = DeclaratieRegel.objects.filter(
        status="goedgekeurd", unit="04", month__range=(start, end), product__isnull=False
    )
    groups = (
        lines.values("municipality_id", "product__group_id")
        .annotate(n=Count("provider_id", distinct=True))
        .order_by("-n", "municipality_id", "product__group_id")
    )
    for group in groups[:5]:
        if group["n"] < 6:
            break
        per_provider = (
            lines.filter(
                municipality_id=group["municipality_id"],
                product__group_id=group["product__group_id"],
            )
            .values("provider_id")
            .annotate(clients=Count("client_id", distinct=True))
            .filter(clients__gte=5)
            .order_by("-clients", "provider_id")
        )
        if len(per_provider) < 6:
            continue
        provider_id = per_provider[0]["provider_id"]
        changed = lines.filter(
            municipality_id=group["municipality_id"],
            product__group_id=group["product__group_id"],
            provider_id=provider_id,
        ).update(volume=F("volume") * 3, amount_cents=F("amount_cents") * 3)
        ctx.log(f"  afwijking: aanbieder {provider_id} declareert 3x de uren ({changed} regels)")
        return provider_id
    return None


def _plant_double_care(ctx, today: dt.date, count: int) -> int:
    """Clients with running care get the same product at a second provider for two months."""
    from zorgregio.contracten.models import Admission
    from zorgregio.zorg.models import Levering, Toewijzing

    planted = 0
    running = (
        Levering.objects.filter(einddatum__isnull=True, deleted=False, toewijzing__deleted=False)
        .exclude(toewijzing__product=None)
        .select_related("toewijzing")
        .order_by("pk")
    )
    for levering in running[:200]:
        t = levering.toewijzing
        other = (
            Admission.objects.filter(
                municipality_id=t.municipality_id, product_group_id=t.product.group_id
            )
            .exclude(provider_id=t.provider_id)
            .values_list("provider_id", flat=True)
            .order_by("provider_id")
            .first()
        )
        if other is None:
            continue
        start = max(levering.begindatum + dt.timedelta(days=30), today - dt.timedelta(days=90))
        number = f"9{t.pk:08d}"
        if Toewijzing.objects.filter(municipality_id=t.municipality_id, toewijzingnummer=number):
            continue
        second = Toewijzing.objects.create(
            municipality_id=t.municipality_id,
            provider_id=other,
            client_id=t.client_id,
            law=t.law,
            toewijzingnummer=number,
            product=t.product,
            productcategorie=t.productcategorie,
            productcode=t.productcode,
            toewijzingsdatum=start - dt.timedelta(days=10),
            ingangsdatum=start,
            einddatum=start + dt.timedelta(days=60),
            volume=t.volume,
            unit=t.unit,
            frequency=t.frequency,
        )
        Levering.objects.create(toewijzing=second, begindatum=start, einddatum=second.einddatum)
        planted += 1
        if planted >= count:
            break
    ctx.log(f"  afwijking: {planted} cliënten tegelijk bij twee aanbieders")
    return planted


def _plant_after_stop(ctx) -> int:
    """A line declared for the month after a stopped delivery (a copy of its last line)."""
    from zorgregio.zorg.models import DeclaratieRegel, Levering

    stopped = (
        Levering.objects.filter(einddatum__isnull=False, deleted=False)
        .exclude(toewijzing__regels=None)
        .order_by("-einddatum", "pk")[:1]
    )
    planted = 0
    for levering in stopped:
        last = levering.toewijzing.regels.order_by("-period_start").first()
        after = (levering.einddatum.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        if last is None or DeclaratieRegel.objects.filter(referentienummer=f"TZ{levering.pk}"):
            continue
        last.pk = None
        last.referentienummer = f"TZ{levering.pk}"
        last.period_start, last.month = after, after
        last.period_end = (after.replace(day=28) + dt.timedelta(days=4)).replace(
            day=1
        ) - dt.timedelta(days=1)
        last.save()
        planted += 1
    ctx.log(f"  afwijking: {planted} declaratie na een stop")
    return planted


def _plant_ceilings(ctx, year: int) -> None:
    """A ceiling the largest provider has already passed, and one at 75 % for the next."""
    from zorgregio.contracten.models import SpendingCeiling
    from zorgregio.zorg.models import DeclaratieRegel

    top = list(
        DeclaratieRegel.objects.filter(status="goedgekeurd", month__year=year, debit_credit="D")
        .values("provider_id", "municipality_id")
        .annotate(total=Sum("amount_cents"))
        .order_by("-total", "provider_id")[:2]
    )
    for row, share in zip(top, (Decimal("0.85"), Decimal("1.33")), strict=False):
        amount = int(Decimal(row["total"]) * share) // 100_000 * 100_000 or 100_000
        SpendingCeiling.objects.update_or_create(
            provider_id=row["provider_id"],
            municipality_id=row["municipality_id"],
            year=year,
            defaults={"amount_cents": amount},
        )
    ctx.log(f"  afwijking: {len(top)} bestedingsruimtes {year} (over en bij 75%)")


def _plant_waiting_times(ctx, today: dt.date) -> int:
    """Waiting-time reports for a sample of admissions: most within the norm, some above."""
    from zorgregio.common.periods import valid_on_q
    from zorgregio.contracten.models import Admission, AdmissionStatus
    from zorgregio.producten.models import Product

    from .models import WaitingTimeReport

    rng = ctx.rng
    reports = []
    admissions = (
        Admission.objects.filter(valid_on_q(today), status=AdmissionStatus.ACTIVE)
        .select_related("product")
        .order_by("pk")
    )
    products_by_group = {}
    for admission in admissions[: ctx.scaled(40, minimum=8)]:
        product = admission.product
        if product is None:
            if admission.product_group_id not in products_by_group:
                products_by_group[admission.product_group_id] = (
                    Product.objects.filter(valid_on_q(today), group_id=admission.product_group_id)
                    .order_by("productcode")
                    .first()
                )
            product = products_by_group[admission.product_group_id]
        if product is None:
            continue
        over = len(reports) % 5 == 4  # one in five above the norm
        intake = Decimal(rng.choice(["5", "6.5", "8"]) if over else rng.choice(["1", "2", "3"]))
        treatment = Decimal(rng.choice(["4", "7", "9"]) if over else rng.choice(["2", "3", "5"]))
        reports.append(
            WaitingTimeReport(
                provider_id=admission.provider_id,
                municipality_id=admission.municipality_id,
                product=product,
                reported_on=today - dt.timedelta(days=rng.randint(1, 20)),
                intake_weeks=intake,
                treatment_weeks=treatment,
            )
        )
    WaitingTimeReport.objects.bulk_create(reports)
    ctx.log(f"  {len(reports)} gemelde wachttijden, waarvan {len(reports) // 5} boven de norm")
    return len(reports)


def _satisfaction_file(ctx, year: int):
    """The survey results of the providers with most clients, through the set-up import."""
    from zorgregio.demo.files import import_file, write_csv
    from zorgregio.producten.models import ProductGroup

    from .importing import QUESTIONS

    rng = ctx.rng
    rows_db = list(_active_provider_groups(year)[: ctx.scaled(30, minimum=6)])
    groups = ProductGroup.objects.in_bulk({g for _p, g in rows_db})
    from zorgregio.aanbieders.models import Provider

    providers = Provider.objects.in_bulk({p for p, _g in rows_db})
    rows = []
    for i, (provider_id, group_id) in enumerate(rows_db):
        respondents = 6 if i % 7 == 3 else rng.randint(12, 80)  # some too few to show
        base = 8.9 if i % 6 == 0 else rng.uniform(6.6, 8.2)
        scores = [f"{min(10, max(1, base + rng.uniform(-0.8, 0.6))):.1f}".replace(".", ",")
                  for _q in QUESTIONS]  # fmt: skip
        rows.append(
            [
                providers[provider_id].kvk_number,
                groups[group_id].code,
                year,
                respondents,
                *scores,
                f"{base:.1f}".replace(".", ","),
            ]
        )
    if not rows:
        return
    path = write_csv(
        "clientervaring.csv",
        ["aanbieder_kvk", "productgroep_code", "jaar", "respondenten", *QUESTIONS, "totaalscore"],
        rows,
    )
    import_file(ctx, "clientervaring", path)


def _active_provider_groups(year: int):
    from zorgregio.zorg.models import DeclaratieRegel

    return (
        DeclaratieRegel.objects.filter(month__year=year, product__isnull=False)
        .values_list("provider_id", "product__group_id")
        .annotate(n=Count("client_id", distinct=True))
        .order_by("-n", "provider_id", "product__group_id")
        .values_list("provider_id", "product__group_id")
    )


def _data_end():
    from zorgregio.zorg.models import DeclaratieRegel

    latest = DeclaratieRegel.objects.aggregate(m=Max("month"))["m"]
    if latest is None:
        return None
    return (latest.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)


@demo_step(order=55, name="toezicht-afwijkingen")
def plant_irregularities(ctx: DemoContext) -> None:
    """Before the monitor's first refresh (order 60), so its facts include what is planted."""
    end = _data_end()
    if end is None or ctx.region is None:
        ctx.log("  geen declaraties: niets te planten")
        return
    today = dt.date.today()
    ctx.data["outlier_provider"] = _plant_outlier(ctx, end)
    _plant_double_care(ctx, min(today, end), ctx.scaled(4, minimum=2))
    _plant_after_stop(ctx)
    _plant_ceilings(ctx, end.year)


@demo_step(order=65, name="toezicht")
def build_supervision(ctx: DemoContext) -> None:
    from .services import recompute_signals

    end = _data_end()
    if end is None or ctx.region is None:
        ctx.log("  geen declaraties: geen toezicht")
        return
    today = dt.date.today()
    _plant_waiting_times(ctx, today)
    _satisfaction_file(ctx, end.year - 1)
    state = recompute_signals(today=today)
    ctx.log(f"  {state.raised} signalen ({state.seconds:.1f} s)")


@demo_step(order=92, name="toezicht-zaken")
def build_cases(ctx: DemoContext) -> None:
    from django.core.files.base import ContentFile

    from zorgregio.accounts.models import User

    from . import services
    from .models import CaseStatus, MeasureKind, Signal

    if ctx.region is None:
        return
    officer = User.objects.filter(username="demo-apeldoorn").first()
    team = User.objects.filter(username="demo-regio").first()
    apeldoorn = ctx.region.municipalities.filter(name="Apeldoorn").first()
    signals = Signal.objects.filter(region=ctx.region, active=True).order_by(
        "rule", "-measure", "pk"
    )
    own = list(signals.filter(municipality=apeldoorn)[:40]) if apeldoorn else []
    others = list(signals.exclude(municipality=apeldoorn).exclude(municipality=None)[:40])
    regional = list(signals.filter(municipality=None)[:5])
    plans = [
        # (signal pool, officer, steps)
        (own, officer, ["investigate", "plan"]),
        (own, officer, ["investigate", "founded", "recovery"]),
        (others, team, ["investigate", "unfounded", "close"]),
        (own, officer, []),
        (regional, team, ["investigate"]),
    ]
    today = dt.date.today()
    used = set()
    opened = 0
    for pool, who, steps in plans:
        signal = next((s for s in pool if s.pk not in used), None)
        if signal is None or who is None:
            continue
        used.add(signal.pk)
        case = services.case_open(
            actor=None,
            signal=signal,
            assignee=who,
            description="Signaal uit de maandelijkse controle; aanbieder wordt om toelichting "
            "gevraagd.",
            deadline=today + dt.timedelta(days=14 + 7 * opened),
        )
        opened += 1
        for step in steps:
            if step == "investigate":
                services.case_transition(actor=None, case=case, to_status=CaseStatus.INVESTIGATING)
                services.case_add_note(
                    actor=None, case=case, text="Declaraties en toewijzingen opgevraagd."
                )
            elif step == "plan":
                services.case_add_measure(
                    actor=None,
                    case=case,
                    kind=MeasureKind.IMPROVEMENT_PLAN,
                    due_on=today + dt.timedelta(days=42),
                    note="Verbeterplan binnen 6 weken.",
                )
                services.case_add_document(
                    actor=None,
                    case=case,
                    title="Brief aan de aanbieder",
                    file=ContentFile(
                        b"Verzoek om een verbeterplan binnen zes weken.\n",
                        name="brief-verbeterplan.txt",
                    ),
                )
            elif step == "founded":
                services.case_transition(
                    actor=None,
                    case=case,
                    to_status=CaseStatus.FOUNDED,
                    conclusion="Uren boven de toewijzing gedeclareerd zonder onderbouwing.",
                )
            elif step == "recovery":
                services.case_add_measure(
                    actor=None,
                    case=case,
                    kind=MeasureKind.RECOVERY,
                    amount_cents=max(10_000, int(signal.figures.get("amount_cents", 0) or 0)),
                    note="Terugvordering van het teveel gedeclareerde.",
                )
            elif step == "unfounded":
                services.case_transition(
                    actor=None,
                    case=case,
                    to_status=CaseStatus.UNFOUNDED,
                    conclusion="Verklaard door een wijziging in de indicatie.",
                )
            elif step == "close":
                services.case_transition(actor=None, case=case, to_status=CaseStatus.CLOSED)
    ctx.log(f"  {opened} toezichtzaken")
