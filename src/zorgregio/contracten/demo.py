"""Demo step: the framework agreement 1-1-2026 to 31-12-2030 (+3 x 24 months), admissions for
the providers across the products and municipalities, amendments, a bridging agreement,
subcontractors, the contract standard options and evidence of which some expires soon.

History: the previous framework agreement 2020-2025 (extended once, ended by law on
31-12-2025) with admissions from 2023 for the products of the previous productenboek, for most
of the same providers (continuity), the providers not admitted in 2026, not the newcomers.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from decimal import Decimal

from django.utils import timezone

from zorgregio.audit.models import AuditAction
from zorgregio.audit.services import audit_log, snapshot
from zorgregio.demo.files import import_file, write_csv
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
    FrameworkAgreement,
    MunicipalityContractOptions,
    ProviderDossier,
    SpendingCeiling,
    SroiCommitment,
)
from .selectors import DAY, add_months
from .states import AdmissionStates

START = dt.date(2026, 1, 1)
END = dt.date(2030, 12, 31)
OLD_START = dt.date(2020, 1, 1)
OLD_FIRST_END = dt.date(2023, 12, 31)
OLD_END = dt.date(2025, 12, 31)
OLD_PRODUCTS_FROM = dt.date(2023, 1, 1)  # the previous productenboek
OLD_ENDED = "De raamovereenkomst 2020-2025 is op 31-12-2025 van rechtswege geëindigd"
# When the demo's client stops and endings took effect (the import's status_vanaf).
STATUS_FROM = {
    AdmissionStatus.CLIENT_STOP: dt.date(2026, 9, 1).isoformat(),
    AdmissionStatus.ENDED: dt.date(2026, 7, 1).isoformat(),
}
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
    from zorgregio.producten.models import Product, ProductGroup

    rng = ctx.rng
    today = timezone.localdate()
    name = "Raamovereenkomst Wmo en Jeugdhulp 2026-2030"
    path = write_csv(
        "raamovereenkomsten.csv",
        ["naam", "wetten", "geldig_van", "geldig_tot", "verlengingsopties",
         "maanden_per_verlenging"],
        [(name, "wmo,jw", START.isoformat(), END.isoformat(), 3, 24)],
    )  # fmt: skip
    import_file(ctx, "raamovereenkomsten", path)
    agreement = FrameworkAgreement.objects.get(region=ctx.region, name=name)
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
    group_codes = dict(ProductGroup.objects.values_list("pk", "code"))
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
    # The register arrives as the file a region exports from its tender platform.
    path = write_csv(
        "deelnames.csv",
        ["raamovereenkomst", "aanbieder_kvk", "wet", "productcode", "productgroep_code",
         "gemeentecode", "geldig_van", "geldig_tot", "status", "status_vanaf"],
        [
            (
                agreement.name,
                a.provider.kvk_number,
                a.product.law if a.product else "",
                a.product.productcode if a.product else "",
                "" if a.product else group_codes[a.product_group_id],
                a.municipality.cbs_code,
                a.valid_from.isoformat(),
                a.valid_until.isoformat() if a.valid_until else "",
                a.status,
                STATUS_FROM.get(a.status, ""),
            )
            for a in admissions
        ],
    )  # fmt: skip
    import_file(ctx, "deelnames", path)

    _amendments(ctx, agreement, demo_provider, providers, products, municipalities, bought)
    previous = _previous_agreement(ctx, providers, outsiders, municipalities, agreement)
    _bridging(ctx, agreement, outsiders, municipalities, products)
    _subcontractors(ctx, agreement, demo_provider, providers)
    _options_data(ctx, demo_provider, providers, municipalities, agreement)
    ctx.data["demo_provider"] = demo_provider
    ctx.log(
        f"  raamovereenkomst {START:%d-%m-%Y} t/m {END:%d-%m-%Y} (+3 x 24 maanden), "
        f"{len(admissions)} deelnames, {len(outsiders)} aanbieders zonder deelname"
    )
    if previous is not None:
        ctx.log(
            f"  vorige raamovereenkomst {OLD_START:%d-%m-%Y} t/m {OLD_END:%d-%m-%Y} (beëindigd), "
            f"{previous.admissions.count()} deelnames vanaf {OLD_PRODUCTS_FROM:%Y}"
        )


def _previous_agreement(ctx, providers, outsiders, municipalities, agreement):
    """The agreement 2020-2025 through the services: created, extended once to 31-12-2025;
    admissions from 2023 (products of the previous productenboek), each checked by the
    service's rules and the state class, active until the end and then ended (written in bulk
    with their transitions, like the 2026 admissions). Continuing providers were admitted for
    the (old) products they may deliver in 2026, so their care continues across 1-1-2026; the
    providers not admitted in 2026 had one to three groups; about one provider in ten is a
    newcomer in 2026. Uses its own random generator, so the 2026 data stay as they were
    without the history."""
    from zorgregio.producten.models import Product, ProductGroup, PurchaseMatrixEntry, PurchaseMode

    if "products_before_2026" in ctx.data:
        old_products = list(ctx.data["products_before_2026"])
    else:
        old_products = list(Product.objects.valid_on(OLD_END))
    if not old_products or not providers:
        return None
    rng = random.Random(f"{ctx.seed}-2020")
    previous = services.agreement_create(
        actor=None,
        region=ctx.region,
        name="Raamovereenkomst Wmo en Jeugdhulp 2020-2025",
        laws=["wmo", "jw"],
        valid_from=OLD_START,
        valid_until=OLD_FIRST_END,
        extension_options=1,
        extension_months=24,
    )
    services.agreement_extend(
        actor=None,
        agreement=previous,
        exercised_on=dt.date(2023, 3, 1),
        reason="Verlenging tot de nieuwe overeenkomst per 2026 ingaat",
    )
    previous.refresh_from_db()  # the service extended its own copy
    for title, day in [("Overeenkomst", OLD_START), ("Productenboek", OLD_PRODUCTS_FROM)]:
        services.agreement_add_document(
            actor=None,
            agreement=previous,
            title=title,
            valid_from=day,
            reference=f"{title.lower()}-2020-2025.pdf",
        )
    ctx.data["previous_agreement"] = previous

    by_group: dict[int, list] = defaultdict(list)
    for product in old_products:
        by_group[product.group_id].append(product)
    old_pks = {p.pk for p in old_products}
    # A 2026 product stands for itself when it already existed, else for its predecessor.
    stands_for: dict[int, set] = defaultdict(set)
    for pk, successor_id in Product.objects.filter(pk__in=old_pks).values_list(
        "pk", "successor_id"
    ):
        stands_for[pk].add(pk)
        if successor_id:
            stands_for[successor_id].add(pk)
    regional = set(
        PurchaseMatrixEntry.objects.filter(
            product__in=old_products, mode=PurchaseMode.REGIONAL, valid_from__lte=OLD_PRODUCTS_FROM
        ).values_list("product_id", "municipality_id")
    )
    # What each continuing provider may deliver in 2026, in old products per (group,
    # municipality): its admissions 2020-2025 cover no more, so care continues into 2026.
    in_2026: dict[int, dict] = defaultdict(lambda: defaultdict(set))
    rows = (
        Admission.objects.filter(agreement=agreement)
        .exclude(activated_on__isnull=True)
        .values_list("provider_id", "product_id", "product_group_id", "municipality_id")
    )
    for provider_id, product_id, group_id, municipality_id in rows:
        if product_id:
            for pk in stands_for.get(product_id, ()):
                product = next(p for p in old_products if p.pk == pk)
                in_2026[provider_id][product.group_id, municipality_id].add(pk)
        elif group_id in by_group:
            in_2026[provider_id][group_id, municipality_id].update(p.pk for p in by_group[group_id])
    groups = sorted(by_group)
    group_objects = ProductGroup.objects.in_bulk(groups)
    by_pk = {m.pk: m for m in municipalities}
    newcomers = {p.pk for i, p in enumerate(providers) if i % 10 == 5 and p not in outsiders}
    admissions: list[Admission] = []
    for provider in providers:
        if provider.pk in newcomers:
            continue
        places = in_2026.get(provider.pk) or {}
        if provider in outsiders or not places:
            # Not (or no longer) admitted in 2026: one to three groups in some municipalities.
            places = {
                (group_id, m.pk): {p.pk for p in by_group[group_id]}
                for group_id in rng.sample(groups, k=min(len(groups), rng.randint(1, 3)))
                for m in rng.sample(municipalities, k=rng.randint(1, len(municipalities)))
            }
        # Most joined when the productenboek 2023 started, some a year later (Open House).
        start = OLD_PRODUCTS_FROM if rng.random() < 0.85 else dt.date(2024, 1, 1)
        for (group_id, municipality_id), wanted in sorted(places.items()):
            offered = [p for p in by_group[group_id] if (p.pk, municipality_id) in regional]
            chosen = [p for p in offered if p.pk in wanted]
            if not chosen:
                continue
            targets = [None] if len(chosen) == len(offered) else chosen
            for product in targets:
                admission = Admission(
                    agreement=previous,
                    provider=provider,
                    municipality=by_pk[municipality_id],
                    product=product,
                    product_group=group_objects[group_id] if product is None else None,
                    valid_from=start,
                    valid_until=previous.valid_until,
                    status=AdmissionStatus.CONCEPT,
                )
                # The service's own rules (agreement, law, product validity, regional
                # purchase, overlap); written in bulk below, like the 2026 admissions.
                services._check_admission(admission)
                admission.status, admission.activated_on = AdmissionStatus.ENDED, start
                admissions.append(admission)
    # Active from the start, ended when the agreement ended (the states allow both steps).
    AdmissionStates.check(AdmissionStatus.CONCEPT, AdmissionStatus.ACTIVE)
    AdmissionStates.check(AdmissionStatus.ACTIVE, AdmissionStatus.ENDED)
    Admission.objects.bulk_create(admissions, batch_size=2000)
    transitions = []
    for admission in Admission.objects.filter(agreement=previous).order_by("pk"):
        transitions += [
            AdmissionTransition(
                admission=admission,
                from_status=AdmissionStatus.CONCEPT,
                to_status=AdmissionStatus.ACTIVE,
                effective_on=admission.valid_from,
                reason="Toegelaten tot de raamovereenkomst 2020-2025",
            ),
            AdmissionTransition(
                admission=admission,
                from_status=AdmissionStatus.ACTIVE,
                to_status=AdmissionStatus.ENDED,
                effective_on=OLD_END + DAY,
                reason=OLD_ENDED,
            ),
        ]
    AdmissionTransition.objects.bulk_create(transitions, batch_size=2000)
    audit_log(
        actor=None,
        action=AuditAction.IMPORT,
        obj=previous,
        message=f"Demo: {len(admissions)} deelnames geregistreerd (2020-2025, beëindigd)",
        after=snapshot(previous),
    )
    return previous


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
    """The first provider not admitted in 2026 finishes the trajectories it had under the
    previous agreement: where it was admitted then, for the 2026 successor of that product."""
    if not outsiders or not municipalities:
        return
    municipality, product = municipalities[0], products[0] if products else None
    old = (
        Admission.objects.filter(provider=outsiders[0], valid_until=OLD_END)
        .exclude(activated_on__isnull=True)
        .select_related("municipality", "product__successor", "product_group")
        .order_by("pk")
        .first()
    )
    if old is not None:
        municipality = old.municipality
        if old.product_id:
            product = old.product.successor or old.product
        elif old.product_group_id:
            successors = [p for p in products if p.group_id == old.product_group_id]
            product = successors[0] if successors else product
    services.bridging_create(
        actor=None,
        agreement=agreement,
        provider=outsiders[0],
        municipality=municipality,
        product=product,
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
