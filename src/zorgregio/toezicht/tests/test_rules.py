"""Each signal rule with hand-made data that raises it, and the nearest data that does not."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from zorgregio.aanbieders.tests.factories import ProviderFactory
from zorgregio.contracten.models import (
    ActivityException,
    BridgingAgreement,
    ConsentStatus,
    Evidence,
    SpendingCeiling,
    Subcontractor,
)
from zorgregio.monitor.services import refresh_after_import
from zorgregio.monitor.tests.factories import (
    AdmissionFactory,
    AgreementFactory,
    ClientFactory,
    ProductFactory,
    ProductGroupFactory,
    RegelFactory,
    ToewijzingFactory,
    care,
)
from zorgregio.producten.models import Tariff
from zorgregio.toezicht.models import (
    SatisfactionResult,
    Signal,
    SignalThreshold,
    WaitingTimeNorm,
    WaitingTimeReport,
)
from zorgregio.toezicht.rules import RULES, robust_z
from zorgregio.toezicht.services import recompute_signals

pytestmark = pytest.mark.django_db
TODAY = dt.date(2025, 12, 31)


def raised(rule, today=TODAY, refresh=False):
    if refresh:
        refresh_after_import()
    recompute_signals(rules=[rule], today=today)
    return list(Signal.objects.filter(rule=rule, active=True))


@pytest.fixture
def group():
    return ProductGroupFactory(code="begeleiding")


@pytest.fixture
def product(group):
    return ProductFactory(group=group, productcode="02A01")


@pytest.fixture
def provider():
    return ProviderFactory(name="Zorg BV")


def line(product, municipality, provider, **kwargs):
    return RegelFactory(product=product, municipality=municipality, provider=provider, **kwargs)


# --- declared without an assignment or a start -------------------------------------------------


def test_declared_without_toewijzing_or_start_raises(apeldoorn, product, provider):
    line(product, apeldoorn, provider, toewijzing=None)
    unstarted = ToewijzingFactory(product=product, municipality=apeldoorn, provider=provider)
    line(product, apeldoorn, provider, toewijzing=unstarted, client=unstarted.client)
    [signal] = raised("declared_without_assignment")
    assert (signal.provider, signal.municipality) == (provider, apeldoorn)
    assert signal.figures["lines"] == 2
    assert len(signal.evidence["lines"]) == 2


def test_declared_on_a_started_toewijzing_raises_nothing(apeldoorn, product, provider):
    t = care(product=product, municipality=apeldoorn, provider=provider, start=dt.date(2025, 1, 1))
    line(product, apeldoorn, provider, toewijzing=t, client=t.client)
    assert raised("declared_without_assignment") == []


def test_threshold_per_municipality(apeldoorn, zutphen, product, provider, region):
    line(product, apeldoorn, provider, toewijzing=None)
    line(product, zutphen, provider, toewijzing=None)
    SignalThreshold.objects.create(
        region=region, municipality=apeldoorn, rule="declared_without_assignment",
        key="min_lines", value=2,
    )  # fmt: skip
    [signal] = raised("declared_without_assignment")
    assert signal.municipality == zutphen


# --- after the stop ----------------------------------------------------------------------------


def _stopped(apeldoorn, product, provider):
    return care(
        product=product,
        municipality=apeldoorn,
        provider=provider,
        start=dt.date(2025, 1, 1),
        end=dt.date(2025, 3, 31),
    )


def test_declared_after_the_stop_raises(apeldoorn, product, provider):
    t = _stopped(apeldoorn, product, provider)
    line(
        product,
        apeldoorn,
        provider,
        toewijzing=t,
        client=t.client,
        period_start=dt.date(2025, 4, 1),
    )
    [signal] = raised("declared_after_stop")
    assert signal.figures["lines"] == 1
    assert signal.period_start == dt.date(2025, 4, 1)


def test_declared_in_the_last_month_of_care_raises_nothing(apeldoorn, product, provider):
    t = _stopped(apeldoorn, product, provider)
    line(
        product,
        apeldoorn,
        provider,
        toewijzing=t,
        client=t.client,
        period_start=dt.date(2025, 3, 1),
    )
    assert raised("declared_after_stop") == []


# --- without an admission ----------------------------------------------------------------------


def _admitted(region, apeldoorn, product, provider):
    agreement = AgreementFactory(region=region)
    return AdmissionFactory(
        agreement=agreement,
        provider=provider,
        product=product,
        product_group=None,
        municipality=apeldoorn,
        valid_from=dt.date(2025, 1, 1),
        activated_on=dt.date(2025, 1, 1),
    )


def test_declared_before_the_admission_raises(region, apeldoorn, product, provider):
    _admitted(region, apeldoorn, product, provider)
    line(product, apeldoorn, provider, period_start=dt.date(2024, 12, 1))
    [signal] = raised("declared_not_admitted")
    assert signal.figures["lines"] == 1


def test_declared_within_the_admission_or_bridged_raises_nothing(
    region, apeldoorn, product, provider
):
    _admitted(region, apeldoorn, product, provider)
    line(product, apeldoorn, provider, period_start=dt.date(2025, 1, 1))
    bridged = line(product, apeldoorn, provider, period_start=dt.date(2024, 12, 1))
    bridge = BridgingAgreement.objects.create(
        agreement=AgreementFactory(region=region), provider=provider, municipality=apeldoorn,
        valid_from=dt.date(2024, 1, 1), valid_until=dt.date(2024, 12, 31), reason="overgang",
    )  # fmt: skip
    bridge.clients.add(bridged.client)
    assert raised("declared_not_admitted") == []


# --- tariff ------------------------------------------------------------------------------------


def test_tariff_other_than_the_contract_raises(apeldoorn, product, provider):
    Tariff.objects.create(product=product, amount_cents=6_000, valid_from=dt.date(2020, 1, 1))
    line(product, apeldoorn, provider, tariff_cents=6_500, amount_cents=6_500)
    [signal] = raised("tariff_differs")
    assert signal.figures["declared_cents"] == 6_500
    assert signal.figures["contract_cents"] == 6_000


def test_contract_tariff_of_the_municipality_raises_nothing(apeldoorn, product, provider):
    Tariff.objects.create(product=product, amount_cents=6_000, valid_from=dt.date(2020, 1, 1))
    Tariff.objects.create(
        product=product, municipality=apeldoorn, amount_cents=6_500, valid_from=dt.date(2020, 1, 1)
    )
    line(product, apeldoorn, provider, tariff_cents=6_500, amount_cents=6_500)
    assert raised("tariff_differs") == []


# --- more than assigned ------------------------------------------------------------------------


def _monthly(apeldoorn, product, provider, volumes):
    t = care(
        product=product, municipality=apeldoorn, provider=provider, start=dt.date(2025, 1, 1),
        end=dt.date(2025, 3, 31), volume=4, unit="04", frequency="4",
    )  # fmt: skip
    for month, volume in zip((1, 2, 3), volumes, strict=True):
        line(
            product, apeldoorn, provider, toewijzing=t, client=t.client,
            period_start=dt.date(2025, month, 1), volume=volume,
        )  # fmt: skip
    return t


def test_more_hours_than_assigned_raises(apeldoorn, product, provider):
    t = _monthly(apeldoorn, product, provider, [5, 5, 5])  # 15 of about 11.8 allowed
    [signal] = raised("declared_over_assigned")
    assert signal.evidence["toewijzingen"] == [t.pk]
    assert signal.figures["excess_volume"] == 4  # 15 against 11.4 (to the 28th)


def test_assigned_hours_within_the_tolerance_raise_nothing(apeldoorn, product, provider):
    _monthly(apeldoorn, product, provider, [4, 4, 4])  # 12: within 10 % of 11.8
    assert raised("declared_over_assigned") == []


def test_budget_exceeded_raises(apeldoorn, product, provider):
    t = care(
        product=product, municipality=apeldoorn, provider=provider, start=dt.date(2025, 1, 1),
        budget_cents=100_000,
    )  # fmt: skip
    line(product, apeldoorn, provider, toewijzing=t, client=t.client, amount_cents=120_000)
    [signal] = raised("declared_over_assigned")
    assert signal.figures["excess_cents"] == 20_000


# --- several providers -------------------------------------------------------------------------


def test_one_client_at_two_providers_at_once_raises(apeldoorn, product, provider):
    client = ClientFactory()
    other = ProviderFactory(name="Ander BV")
    care(client, product=product, municipality=apeldoorn, provider=other,
         start=dt.date(2025, 1, 1), end=dt.date(2025, 6, 30))  # fmt: skip
    care(client, product=product, municipality=apeldoorn, provider=provider,
         start=dt.date(2025, 6, 1))  # fmt: skip
    [signal] = raised("client_multiple_providers", refresh=True)
    assert signal.client == client
    assert signal.provider == provider  # the one that started last
    assert signal.figures["overlap_days"] == 30


def test_a_change_of_provider_without_overlap_raises_nothing(apeldoorn, product, provider):
    client = ClientFactory()
    other = ProviderFactory(name="Ander BV")
    care(client, product=product, municipality=apeldoorn, provider=other,
         start=dt.date(2025, 1, 1), end=dt.date(2025, 6, 30))  # fmt: skip
    care(client, product=product, municipality=apeldoorn, provider=provider,
         start=dt.date(2025, 7, 1))  # fmt: skip
    assert raised("client_multiple_providers", refresh=True) == []


# --- outliers ----------------------------------------------------------------------------------


def test_robust_z_is_not_moved_by_a_second_outlier():
    peers = [90, 95, 100, 105, 110]
    assert robust_z(200, [*peers, 200])[2] > 3.5
    # A second extreme provider does not hide the first (a mean and standard deviation would).
    assert robust_z(200, [*peers, 200, 400])[2] > 3.5


def _peers(apeldoorn, product, values, *, unit="04", amount=True):
    providers = []
    for value in values:
        p = ProviderFactory()
        providers.append(p)
        for _ in range(5):
            if amount:
                line(
                    product,
                    apeldoorn,
                    p,
                    amount_cents=value * 100,
                    period_start=dt.date(2025, 6, 1),
                )
            else:
                line(
                    product, apeldoorn, p, volume=value, unit=unit, period_start=dt.date(2025, 6, 1)
                )
    return providers


@pytest.mark.parametrize(
    ("rule", "amount"), [("outlier_cost_per_client", True), ("outlier_hours_per_client", False)]
)
def test_a_provider_far_above_its_peers_raises(apeldoorn, product, rule, amount):
    providers = _peers(apeldoorn, product, [90, 95, 100, 105, 110, 200, 210], amount=amount)
    signals = raised(rule)
    assert {s.provider for s in signals} == set(providers[-2:])  # both, not only the worst
    assert signals[0].figures["peers"] == 7
    assert signals[0].product_group == product.group


@pytest.mark.parametrize(
    ("rule", "amount"), [("outlier_cost_per_client", True), ("outlier_hours_per_client", False)]
)
def test_a_provider_a_little_above_its_peers_raises_nothing(apeldoorn, product, rule, amount):
    _peers(apeldoorn, product, [90, 95, 100, 105, 110, 130], amount=amount)
    assert raised(rule) == []


def test_too_few_peers_raise_nothing(apeldoorn, product):
    _peers(apeldoorn, product, [90, 100, 110, 500])
    assert raised("outlier_cost_per_client") == []


def _trajectories(apeldoorn, product, days):
    providers = []
    for length in days:
        p = ProviderFactory()
        providers.append(p)
        for _ in range(5):
            care(product=product, municipality=apeldoorn, provider=p,
                 start=dt.date(2025, 11, 30) - dt.timedelta(days=length - 1),
                 end=dt.date(2025, 11, 30))  # fmt: skip
    return providers


def test_trajectories_far_longer_than_peers_raise(apeldoorn, product):
    providers = _trajectories(apeldoorn, product, [90, 95, 100, 105, 110, 300])
    [signal] = raised("outlier_trajectory_length", refresh=True)
    assert signal.provider == providers[-1]


def test_trajectories_a_little_longer_raise_nothing(apeldoorn, product):
    _trajectories(apeldoorn, product, [90, 95, 100, 105, 110, 125])
    assert raised("outlier_trajectory_length", refresh=True) == []


def _intensities(apeldoorn, group, complex_counts):
    light = ProductFactory(group=group, intensity_rank=1)
    heavy = ProductFactory(group=group, intensity_rank=3)
    providers = []
    for count in complex_counts:
        p = ProviderFactory()
        providers.append(p)
        for i in range(10):
            care(product=heavy if i < count else light, municipality=apeldoorn, provider=p,
                 start=dt.date(2025, 6, 1))  # fmt: skip
    return providers


def test_share_of_complex_care_far_above_peers_raises(apeldoorn, group):
    providers = _intensities(apeldoorn, group, [1, 1, 2, 2, 3, 9])
    [signal] = raised("outlier_complex_share", refresh=True)
    assert signal.provider == providers[-1]
    assert signal.figures["value"] == 90.0


def test_share_of_complex_care_near_peers_raises_nothing(apeldoorn, group):
    _intensities(apeldoorn, group, [1, 1, 2, 2, 3, 4])
    assert raised("outlier_complex_share", refresh=True) == []


def _growth(apeldoorn, product, factors):
    providers = []
    for factor in factors:
        p = ProviderFactory()
        providers.append(p)
        for _ in range(5):
            line(product, apeldoorn, p, amount_cents=10_000, period_start=dt.date(2024, 6, 1))
            line(product, apeldoorn, p, amount_cents=int(10_000 * factor),
                 period_start=dt.date(2025, 6, 1))  # fmt: skip
    return providers


def test_growth_far_above_peers_raises(apeldoorn, product):
    providers = _growth(apeldoorn, product, [1.0, 1.05, 1.1, 1.0, 0.95, 3.0])
    [signal] = raised("outlier_growth")
    assert signal.provider == providers[-1]
    assert signal.figures["value"] == 200.0


def test_growth_near_peers_raises_nothing(apeldoorn, product):
    _growth(apeldoorn, product, [1.0, 1.05, 1.1, 1.0, 0.95, 1.2])
    assert raised("outlier_growth") == []


# --- the contract ------------------------------------------------------------------------------


def _evidence(provider, expires):
    for kind in ("gva", "belastingdienst", "kvk"):
        Evidence.objects.create(
            provider=provider, kind=kind, issued_on=dt.date(2025, 1, 1), expires_on=expires[kind]
        )


def test_expired_evidence_raises(region, apeldoorn, product, provider):
    _admitted(region, apeldoorn, product, provider)
    _evidence(provider, {"gva": dt.date(2026, 6, 1), "belastingdienst": dt.date(2025, 12, 30),
                         "kvk": dt.date(2026, 1, 1)})  # fmt: skip
    [signal] = raised("evidence_expired")
    assert signal.municipality is None
    assert signal.evidence["evidence_kinds"] == ["belastingdienst"]


def test_evidence_valid_until_today_raises_nothing(region, apeldoorn, product, provider):
    _admitted(region, apeldoorn, product, provider)
    _evidence(provider, {"gva": TODAY, "belastingdienst": TODAY, "kvk": TODAY})
    assert raised("evidence_expired") == []


def test_missing_evidence_raises(region, apeldoorn, product, provider):
    _admitted(region, apeldoorn, product, provider)
    [signal] = raised("evidence_expired")
    assert len(signal.figures["missing"]) == 3


def _subcontractor(region, provider, status, days_ago):
    sub = Subcontractor.objects.create(
        agreement=AgreementFactory(region=region), main_provider=provider, name="Onder BV",
        kvk_number="12345678", status=status,
    )  # fmt: skip
    created = timezone.make_aware(
        dt.datetime.combine(TODAY - dt.timedelta(days=days_ago), dt.time(12))
    )
    Subcontractor.objects.filter(pk=sub.pk).update(created_at=created)
    return sub


def test_subcontractor_refused_or_waiting_too_long_raises(region, apeldoorn, provider):
    _subcontractor(region, provider, ConsentStatus.REFUSED, 1)
    _subcontractor(region, ProviderFactory(), ConsentStatus.REQUESTED, 31)
    assert len(raised("subcontractor_without_consent")) == 2


def test_subcontractor_recently_requested_or_granted_raises_nothing(region, apeldoorn, provider):
    _subcontractor(region, provider, ConsentStatus.REQUESTED, 30)
    _subcontractor(region, ProviderFactory(), ConsentStatus.GRANTED, 400)
    assert raised("subcontractor_without_consent") == []


@pytest.mark.parametrize(
    ("spent_euros", "level"), [(690, None), (700, "warn_percent"), (1_000, "limit_percent")]
)
def test_spending_ceiling_at_70_and_100_percent(apeldoorn, product, provider, spent_euros, level):
    SpendingCeiling.objects.create(
        provider=provider, municipality=apeldoorn, year=2025, amount_cents=100_000
    )
    line(product, apeldoorn, provider, amount_cents=spent_euros * 100)
    signals = raised("spending_ceiling")
    assert [s.figures["level"] for s in signals] == ([level] if level else [])


def _long_admitted(region, apeldoorn, product, provider):
    return AdmissionFactory(
        agreement=AgreementFactory(region=region), provider=provider, product=product,
        product_group=None, municipality=apeldoorn, valid_from=dt.date(2023, 1, 1),
        activated_on=dt.date(2023, 1, 1),
    )  # fmt: skip


def test_no_clients_in_12_months_raises(region, apeldoorn, product, provider):
    _long_admitted(region, apeldoorn, product, provider)
    care(product=product, municipality=apeldoorn, provider=provider,
         start=dt.date(2024, 1, 1), end=dt.date(2024, 11, 30))  # fmt: skip
    [signal] = raised("no_clients", refresh=True)
    assert signal.provider == provider


def test_a_client_in_12_months_or_an_exception_raises_nothing(region, apeldoorn, zutphen, product):
    busy, excused, satisfied = ProviderFactory(), ProviderFactory(), ProviderFactory()
    for p in (busy, excused, satisfied):
        _long_admitted(region, apeldoorn, product, p)
    care(product=product, municipality=apeldoorn, provider=busy,
         start=dt.date(2024, 1, 1), end=dt.date(2024, 12, 1))  # fmt: skip
    ActivityException.objects.create(provider=excused, municipality=apeldoorn, reason="uniek")
    SatisfactionResult.objects.create(
        provider=satisfied, product_group=product.group, year=2025, respondents=12,
        scores={}, overall=Decimal("8.6"),
    )  # fmt: skip
    assert raised("no_clients", refresh=True) == []


def test_a_high_score_from_too_few_respondents_is_no_exception(
    region, apeldoorn, product, provider
):
    _long_admitted(region, apeldoorn, product, provider)
    SatisfactionResult.objects.create(
        provider=provider, product_group=product.group, year=2025, respondents=9,
        scores={}, overall=Decimal("9.5"),
    )  # fmt: skip
    assert len(raised("no_clients", refresh=True)) == 1


# --- waiting times -----------------------------------------------------------------------------


def _report(apeldoorn, product, provider, intake, treatment, day=dt.date(2025, 12, 1)):
    return WaitingTimeReport.objects.create(
        provider=provider, municipality=apeldoorn, product=product, reported_on=day,
        intake_weeks=Decimal(intake), treatment_weeks=Decimal(treatment),
    )  # fmt: skip


def test_reported_waiting_time_over_the_treeknorm_raises(apeldoorn, product, provider):
    _report(apeldoorn, product, provider, 3, 9, day=dt.date(2025, 10, 1))
    _report(apeldoorn, product, provider, "4.5", 6)  # the latest counts
    [signal] = raised("waiting_time_over_norm")
    assert signal.figures["intake_weeks"] == 4.5
    assert signal.figures["norm_intake_weeks"] == 4.0


def test_reported_waiting_time_at_the_norm_raises_nothing(apeldoorn, product, provider):
    _report(apeldoorn, product, provider, 9, 9, day=dt.date(2025, 10, 1))
    _report(apeldoorn, product, provider, 4, 6)
    assert raised("waiting_time_over_norm") == []


def test_an_agreed_norm_replaces_the_treeknorm(region, apeldoorn, product, provider):
    WaitingTimeNorm.objects.create(
        region=region, product_group=product.group, intake_weeks=5, treatment_weeks=6
    )
    _report(apeldoorn, product, provider, "4.5", 6)
    assert raised("waiting_time_over_norm") == []


def _waits(apeldoorn, product, provider, days, count):
    for _ in range(count):
        start = dt.date(2025, 6, 1)
        care(product=product, municipality=apeldoorn, provider=provider, start=start,
             assigned=start - dt.timedelta(days=days))  # fmt: skip


def test_measured_waiting_time_over_the_norm_raises(apeldoorn, product, provider):
    _waits(apeldoorn, product, provider, 71, 5)
    [signal] = raised("measured_waiting_over_norm", refresh=True)
    assert signal.figures == {"median_days": 71, "count": 5, "norm_days": 70.0}


def test_measured_waiting_time_at_the_norm_or_too_few_raises_nothing(apeldoorn, product, provider):
    _waits(apeldoorn, product, provider, 70, 5)
    _waits(apeldoorn, product, ProviderFactory(), 100, 4)
    assert raised("measured_waiting_over_norm", refresh=True) == []


# --- the registry and the recomputation ----------------------------------------------------------


def test_every_rule_is_documented_in_docs():
    from pathlib import Path

    docs = (Path(__file__).resolve().parents[4] / "docs" / "toezicht.md").read_text()
    for code, rule in RULES.items():
        assert f"`{code}`" in docs, code
        for key in rule.thresholds:
            assert f"`{key}`" in docs, (code, key)


def test_a_signal_no_longer_raised_is_resolved_and_comes_back(apeldoorn, product, provider):
    regel = line(product, apeldoorn, provider, toewijzing=None)
    [signal] = raised("declared_without_assignment")
    regel.delete()
    assert raised("declared_without_assignment") == []
    signal.refresh_from_db()
    assert not signal.active and signal.resolved_at is not None
    line(product, apeldoorn, provider, toewijzing=None)
    [again] = raised("declared_without_assignment")
    assert again.pk == signal.pk and again.resolved_at is None
