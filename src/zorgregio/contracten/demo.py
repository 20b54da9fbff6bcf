"""Demo step: the framework agreement 1-1-2026 to 31-12-2030 (+3 x 24 months), admissions for
the providers across the products and municipalities, amendments, a bridging agreement,
subcontractors, the contract standard options and evidence of which some expires soon."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.utils import timezone

from zorgregio.audit.models import AuditAction
from zorgregio.audit.services import audit_log, snapshot
from zorgregio.demo.registry import DemoContext, demo_step

from . import services
from .models import (
    EVIDENCE_MAX_AGE_MONTHS,
    ActivityException,
    ActivityExceptionReason,
    Admission,
    AdmissionStatus,
    AdmissionTransition,
    AmendmentChangeKind,
    AmendmentStatus,
    ConsentStatus,
    Evidence,
    EvidenceKind,
    MunicipalityContractOptions,
    ProviderDossier,
    SpendingCeiling,
    SroiCommitment,
)
from .selectors import DAY, add_months

START = dt.date(2026, 1, 1)
END = dt.date(2030, 12, 31)
SUBCONTRACTOR_NAMES = [
    "Thuishulp Samen",
    "Coaching Plus",
    "De Zorgkoepel",
    "Buurtzorg Oost",
    "Dagbesteding Het Erf",
    "Ambulant Team Noord",
]


def _bought(products, municipalities) -> set[tuple[int, int]]:
    """(product, municipality) pairs bought regionally on 1-1-2026; without a purchase matrix
    every pair counts."""
    from zorgregio.producten.models import PurchaseMatrixEntry, PurchaseMode

    entries = PurchaseMatrixEntry.objects.valid_on(START).filter(
        product__in=products, municipality__in=municipalities
    )
    if not entries.exists():
        return {(p.pk, m.pk) for p in products for m in municipalities}
    return set(
        entries.filter(mode=PurchaseMode.REGIONAL).values_list("product_id", "municipality_id")
    )


@demo_step(order=40, name="contracten")
def build_contract_register(ctx: DemoContext) -> None:
    from zorgregio.producten.models import Product

    rng = ctx.rng
    today = timezone.localdate()
    agreement = services.agreement_create(
        actor=None,
        region=ctx.region,
        name="Raamovereenkomst Wmo en Jeugdhulp 2026-2030",
        laws=["wmo", "jw"],
        valid_from=START,
        valid_until=END,
        extension_options=3,
        extension_months=24,
    )
    ctx.data["agreement"] = agreement
    for title, versions in [
        ("Overeenkomst", 1),
        ("Productenboek", 2),
        ("Inkoopdocument toelatingsprocedure", 1),
    ]:
        for version in range(versions):
            services.agreement_add_document(
                actor=None,
                agreement=agreement,
                title=title,
                valid_from=dt.date(2026 + version, 1, 1),
                reference=f"{title.lower().replace(' ', '-')}-v{version + 1}.pdf",
            )

    municipalities = list(ctx.region.municipalities.order_by("name"))
    for i, municipality in enumerate(municipalities):
        MunicipalityContractOptions.objects.create(
            agreement=agreement,
            municipality=municipality,
            spending_ceiling=i % 2 == 0,
            warn_percent=70,
            activity_rule=i % 3 != 2,
            activity_min_clients=3,
            activity_min_turnover_cents=5_000_00,
            sroi=i % 4 == 0,
            sroi_conditions="5% van de omzet boven € 500.000" if i % 4 == 0 else "",
        )

    providers = list(ctx.data.get("providers") or [])
    products = list(ctx.data.get("products") or Product.objects.valid_on(START))
    if not providers:
        ctx.log("  raamovereenkomst aangemaakt; geen aanbieders, dus geen deelnames")
        return
    _dossiers(ctx, providers, today)
    if not products:
        ctx.data["demo_provider"] = providers[0]
        ctx.log("  raamovereenkomst en dossiers aangemaakt; geen producten, dus geen deelnames")
        return

    bought = _bought(products, municipalities)
    by_group: dict[int, list] = defaultdict(list)
    for product in products:
        by_group[product.group_id].append(product)
    groups = list(by_group)
    # The demo provider gets a rich contract; about one provider in twenty is not admitted
    # (the bridging agreement goes to one of them).
    demo_provider = providers[0]
    outsiders = providers[1:][::20] if len(providers) > 5 else []
    admissions: list[Admission] = []
    for provider in providers:
        if provider in outsiders:
            continue
        rich = provider is demo_provider
        chosen = groups[:3] if rich else rng.sample(groups, k=min(len(groups), rng.randint(1, 3)))
        for group_id in chosen:
            places = (
                municipalities
                if rich
                else rng.sample(municipalities, k=rng.randint(1, len(municipalities)))
            )
            members = by_group[group_id]
            for municipality in places:
                offered = [p for p in members if (p.pk, municipality.pk) in bought]
                if not offered:
                    continue
                whole_group = len(offered) == len(members) and rng.random() < 0.5
                targets = (
                    [None] if whole_group else rng.sample(offered, k=rng.randint(1, len(offered)))
                )
                for product in targets:
                    roll = rng.random()
                    status, activated, until = AdmissionStatus.ACTIVE, START, END
                    if not rich and roll < 0.04:
                        status, activated = AdmissionStatus.CONCEPT, None
                    elif not rich and roll < 0.08:
                        status = AdmissionStatus.CLIENT_STOP
                    elif not rich and roll < 0.11:
                        status, until = AdmissionStatus.ENDED, dt.date(2026, 6, 30)
                    admissions.append(
                        Admission(
                            agreement=agreement,
                            provider=provider,
                            product=product,
                            product_group_id=None if product else group_id,
                            municipality=municipality,
                            valid_from=START,
                            valid_until=until,
                            status=status,
                            activated_on=activated,
                        )
                    )
    Admission.objects.bulk_create(admissions, batch_size=2000)
    created = list(
        Admission.objects.filter(agreement=agreement).exclude(status=AdmissionStatus.CONCEPT)
    )
    transitions = []
    for admission in created:
        transitions.append(
            AdmissionTransition(
                admission=admission,
                from_status=AdmissionStatus.CONCEPT,
                to_status=AdmissionStatus.ACTIVE,
                effective_on=START,
                reason="Toegelaten na de toelatingsprocedure 2025",
            )
        )
        if admission.status == AdmissionStatus.CLIENT_STOP:
            transitions.append(
                AdmissionTransition(
                    admission=admission,
                    from_status=AdmissionStatus.ACTIVE,
                    to_status=AdmissionStatus.CLIENT_STOP,
                    effective_on=dt.date(2026, 9, 1),
                    reason="Bestedingsruimte bereikt (art. 1.5)",
                )
            )
        elif admission.status == AdmissionStatus.ENDED:
            transitions.append(
                AdmissionTransition(
                    admission=admission,
                    from_status=AdmissionStatus.ACTIVE,
                    to_status=AdmissionStatus.ENDED,
                    effective_on=dt.date(2026, 7, 1),
                    reason="Opzegging op verzoek van de aanbieder",
                )
            )
    AdmissionTransition.objects.bulk_create(transitions, batch_size=2000)
    audit_log(
        actor=None,
        action=AuditAction.IMPORT,
        obj=agreement,
        message=f"Demo: {len(admissions)} deelnames geregistreerd",
        after=snapshot(agreement),
    )

    _amendments(ctx, agreement, demo_provider, providers, products, municipalities, bought)
    _bridging(ctx, agreement, outsiders, municipalities, products)
    _subcontractors(ctx, agreement, demo_provider, providers)
    _options_data(ctx, demo_provider, providers, municipalities, agreement)
    ctx.data["demo_provider"] = demo_provider
    ctx.log(
        f"  raamovereenkomst {START:%d-%m-%Y} t/m {END:%d-%m-%Y} (+3 x 24 maanden), "
        f"{len(admissions)} deelnames, {len(outsiders)} aanbieders zonder deelname"
    )


def _dossiers(ctx, providers, today) -> None:
    rng = ctx.rng
    ProviderDossier.objects.bulk_create(
        ProviderDossier(
            provider=p,
            governance_code=rng.random() < 0.8,
            wnt_applicable=rng.random() < 0.3,
            wnt_compliant=rng.random() < 0.95,
        )
        for p in providers
    )
    evidence = []
    for i, provider in enumerate(providers):
        for kind, months in EVIDENCE_MAX_AGE_MONTHS.items():
            # Mostly fresh; some expire within two months, a few have expired.
            age_days = rng.randint(10, months * 30 - 70)
            if rng.random() < 0.12 or (i == 0 and kind == EvidenceKind.BELASTINGDIENST):
                age_days = months * 30 - rng.randint(5, 40)
            elif rng.random() < 0.04:
                age_days = months * 30 + rng.randint(5, 60)
            issued = today - dt.timedelta(days=age_days)
            evidence.append(
                Evidence(
                    provider=provider,
                    kind=kind,
                    issued_on=issued,
                    expires_on=add_months(issued, months) - DAY,
                )
            )
        if rng.random() < 0.5:
            issued = today - dt.timedelta(days=rng.randint(30, 700))
            evidence.append(
                Evidence(
                    provider=provider,
                    kind=EvidenceKind.QUALITY_MARK,
                    issued_on=issued,
                    expires_on=add_months(issued, 36) - DAY,
                    description="HKZ-certificaat",
                )
            )
    Evidence.objects.bulk_create(evidence, batch_size=2000)


def _amendments(ctx, agreement, demo_provider, providers, products, municipalities, bought):
    """A submitted proposal by the demo provider, an accepted one by another provider and a
    rejected one by the region."""
    admitted_pairs = set(
        Admission.objects.filter(provider=demo_provider).values_list(
            "product_id", "municipality_id"
        )
    )
    grouped = set(
        Admission.objects.filter(provider=demo_provider, product__isnull=True).values_list(
            "product_group_id", "municipality_id"
        )
    )
    candidates = [
        (p, m)
        for p in products
        for m in municipalities
        if (p.pk, m.pk) in bought
        and (p.pk, m.pk) not in admitted_pairs
        and (p.group_id, m.pk) not in grouped
    ]
    if candidates:
        product, municipality = candidates[0]
        services.amendment_propose(
            actor=None,
            agreement=agreement,
            provider=demo_provider,
            title=f"Uitbreiding {product.name} in {municipality.name}",
            motivation="Wij hebben capaciteit en er is een wachtlijst in deze gemeente.",
            articles="Deel 2",
            effective_date=dt.date(2027, 1, 1),
            changes=[
                {
                    "kind": AmendmentChangeKind.ADD,
                    "product": product,
                    "municipality": municipality,
                }
            ],
        )
    else:
        services.amendment_propose(
            actor=None,
            agreement=agreement,
            provider=demo_provider,
            title="Kortere termijn voor het melden van een cliëntenstop",
            motivation="Wij willen nieuwe cliënten sneller kunnen doorverwijzen.",
            articles="1.5.7",
            effective_date=dt.date(2027, 1, 1),
        )
    others = [
        p
        for p in providers[1:]
        if Admission.objects.filter(provider=p, status=AdmissionStatus.ACTIVE).exists()
    ]
    if others:
        other = others[0]
        admission = Admission.objects.filter(provider=other, status=AdmissionStatus.ACTIVE).first()
        amendment = services.amendment_propose(
            actor=None,
            agreement=agreement,
            provider=other,
            title=f"Beëindiging deelname {admission.municipality.name}",
            motivation="De aanbieder stopt met dit aanbod in deze gemeente.",
            effective_date=dt.date(2026, 10, 1),
            changes=[{"kind": AmendmentChangeKind.END, "admission": admission}],
        )
        services.amendment_decide(
            actor=None, amendment=amendment, to_status=AmendmentStatus.IN_REVIEW
        )
        services.amendment_decide(
            actor=None, amendment=amendment, to_status=AmendmentStatus.ACCEPTED, note="Akkoord"
        )
    rejected = services.amendment_propose(
        actor=None,
        agreement=agreement,
        provider=demo_provider,
        title="Hoger tarief reiskosten",
        motivation="Lange reistijden in het buitengebied.",
        articles="3.2",
        effective_date=dt.date(2027, 1, 1),
    )
    services.amendment_decide(
        actor=None,
        amendment=rejected,
        to_status=AmendmentStatus.REJECTED,
        note="Tarieven worden jaarlijks geïndexeerd volgens art. 3.2.",
    )


def _bridging(ctx, agreement, outsiders, municipalities, products) -> None:
    if not outsiders or not municipalities:
        return
    services.bridging_create(
        actor=None,
        agreement=agreement,
        provider=outsiders[0],
        municipality=municipalities[0],
        product=products[0] if products else None,
        valid_from=START,
        valid_until=dt.date(2026, 12, 31),
        reason="Niet toegelaten tot de nieuwe overeenkomst; lopende trajecten worden afgerond.",
        client_count=ctx.rng.randint(3, 12),
    )


def _subcontractors(ctx, agreement, demo_provider, providers) -> None:
    rng = ctx.rng
    mains = [demo_provider] + rng.sample(
        providers[1:], k=min(len(providers) - 1, max(1, len(providers) // 20))
    )
    for i, main in enumerate(mains):
        name = SUBCONTRACTOR_NAMES[i % len(SUBCONTRACTOR_NAMES)]
        kvk = f"{70_000_000 + i * 1_013 + rng.randint(0, 999):08d}"
        sub = services.subcontractor_register(
            actor=None,
            agreement=agreement,
            main_provider=main,
            name=name,
            kvk_number=kvk,
            scope_description="Begeleiding in de avonduren",
        )
        if i % 3 != 2:
            services.subcontractor_decide(
                actor=None,
                subcontractor=sub,
                to_status=ConsentStatus.GRANTED,
                decided_on=dt.date(2026, 2, 1),
            )


def _options_data(ctx, demo_provider, providers, municipalities, agreement) -> None:
    rng = ctx.rng
    with_ceiling = list(
        MunicipalityContractOptions.objects.filter(
            agreement=agreement, spending_ceiling=True
        ).values_list("municipality_id", flat=True)
    )
    ceilings = []
    for provider in [demo_provider] + providers[1:11]:
        for municipality_id in with_ceiling:
            ceilings.append(
                SpendingCeiling(
                    provider=provider,
                    municipality_id=municipality_id,
                    year=2026,
                    amount_cents=rng.randint(40, 400) * 1_000_00,
                )
            )
    SpendingCeiling.objects.bulk_create(ceilings)
    if len(providers) > 3 and municipalities:
        ActivityException.objects.create(
            provider=providers[2],
            municipality=municipalities[0],
            reason=ActivityExceptionReason.UNIQUE,
            note="Enige aanbieder van zorgboerderij",
        )
        ActivityException.objects.create(
            provider=providers[3],
            municipality=municipalities[0],
            reason=ActivityExceptionReason.SATISFACTION,
            satisfaction=Decimal("8.7"),
        )
    for municipality in municipalities[:2]:
        SroiCommitment.objects.create(
            provider=demo_provider,
            municipality=municipality,
            year=2026,
            commitment="Twee leerwerkplekken voor mensen met afstand tot de arbeidsmarkt",
            committed_cents=25_000_00,
            realised_cents=12_500_00,
        )
