import datetime as dt
from decimal import Decimal

import pytest

from zorgregio.aanbieders.tests.factories import ProviderFactory
from zorgregio.contracten import selectors
from zorgregio.contracten.models import (
    ActivityException,
    ActivityExceptionReason,
    AdmissionStatus,
    MunicipalityContractOptions,
    SpendingCeiling,
)
from zorgregio.contracten.selectors import (
    AdmissionIndex,
    activity_assessment,
    admission_periods,
    admitted,
    ceiling_use,
    register,
)

from .factories import AdmissionFactory, ProductFactory

D = dt.date


@pytest.fixture
def lines(db):
    """Create approved/rejected declaration lines for a provider in a municipality."""
    from zorgregio.zorg.models import Client, Declaratie, DeclaratieRegel

    counter = {"n": 0}

    def make(
        provider, municipality, month, amount_cents, dc="D", status="goedgekeurd", client=None
    ):
        counter["n"] += 1
        n = counter["n"]
        client = client or Client.objects.create(pseudonym=f"p{n}", bsn_encrypted="x")
        declaratie = Declaratie.objects.create(
            municipality=municipality,
            provider=provider,
            law="wmo",
            declaratienummer=f"D{n}",
            declaratiedatum=month,
            period_start=month,
            period_end=month,
            total_cents=amount_cents,
        )
        DeclaratieRegel.objects.create(
            declaratie=declaratie,
            client=client,
            municipality=municipality,
            provider=provider,
            law="wmo",
            referentienummer=f"R{n}",
            toewijzingnummer="T1",
            productcategorie="02",
            productcode="02A01",
            period_start=month,
            period_end=month,
            month=month.replace(day=1),
            volume=1,
            unit="04",
            tariff_cents=amount_cents,
            amount_cents=amount_cents,
            debit_credit=dc,
            status=status,
        )
        return client

    return make


class TestAdmitted:
    def test_active_admission_admits_within_its_period_only(self, provider, product, apeldoorn):
        AdmissionFactory(
            provider=provider,
            product=product,
            municipality=apeldoorn,
            active=True,
            valid_from=D(2026, 3, 1),
            valid_until=D(2026, 8, 31),
        )
        args = (provider.pk, product.pk, apeldoorn.pk)
        assert not admitted(*args, D(2026, 2, 28))
        assert admitted(*args, D(2026, 3, 1))
        assert admitted(*args, D(2026, 8, 31))
        assert not admitted(*args, D(2026, 9, 1))

    def test_other_municipality_provider_or_product_is_not_admitted(
        self, provider, product, apeldoorn, zutphen, group
    ):
        AdmissionFactory(provider=provider, product=product, municipality=apeldoorn, active=True)
        other_product = ProductFactory(group=group)
        day = D(2026, 5, 1)
        assert admitted(provider.pk, product.pk, apeldoorn.pk, day)
        assert not admitted(provider.pk, product.pk, zutphen.pk, day)
        assert not admitted(ProviderFactory().pk, product.pk, apeldoorn.pk, day)
        assert not admitted(provider.pk, other_product.pk, apeldoorn.pk, day)

    @pytest.mark.parametrize(
        "status,activated,expected",
        [
            (AdmissionStatus.CONCEPT, False, False),
            (AdmissionStatus.ACTIVE, True, True),
            (AdmissionStatus.CLIENT_STOP, True, True),
            (AdmissionStatus.ENDED, True, True),
            (AdmissionStatus.ENDED, False, False),
        ],
    )
    def test_status_decides(self, provider, product, apeldoorn, status, activated, expected):
        AdmissionFactory(
            provider=provider,
            product=product,
            municipality=apeldoorn,
            status=status,
            activated_on=D(2026, 1, 1) if activated else None,
        )
        assert admitted(provider.pk, product.pk, apeldoorn.pk, D(2026, 6, 1)) is expected
        periods = admission_periods()
        assert ((provider.pk, product.pk, apeldoorn.pk) in periods) is expected

    def test_group_admission_covers_the_group_products_while_they_are_valid(
        self, provider, group, product, apeldoorn
    ):
        later = ProductFactory(group=group, valid_from=D(2027, 1, 1), valid_until=D(2027, 12, 31))
        AdmissionFactory(
            provider=provider,
            product=None,
            product_group=group,
            municipality=apeldoorn,
            active=True,
        )
        assert admitted(provider.pk, product.pk, apeldoorn.pk, D(2026, 1, 1))
        assert not admitted(provider.pk, later.pk, apeldoorn.pk, D(2026, 12, 31))
        assert admitted(provider.pk, later.pk, apeldoorn.pk, D(2027, 1, 1))
        assert not admitted(provider.pk, later.pk, apeldoorn.pk, D(2028, 1, 1))
        periods = admission_periods([provider.pk])
        assert periods[(provider.pk, product.pk, apeldoorn.pk)] == [
            (D(2026, 1, 1), D(2030, 12, 31))
        ]
        assert periods[(provider.pk, later.pk, apeldoorn.pk)] == [(D(2027, 1, 1), D(2027, 12, 31))]

    def test_periods_are_merged_when_they_touch_and_kept_apart_otherwise(
        self, provider, product, apeldoorn
    ):
        for start, end in [
            (D(2026, 1, 1), D(2026, 3, 31)),
            (D(2026, 4, 1), D(2026, 6, 30)),
            (D(2026, 9, 1), None),
        ]:
            AdmissionFactory(
                provider=provider,
                product=product,
                municipality=apeldoorn,
                active=True,
                valid_from=start,
                valid_until=end,
            )
        periods = admission_periods()[(provider.pk, product.pk, apeldoorn.pk)]
        assert periods == [(D(2026, 1, 1), D(2026, 6, 30)), (D(2026, 9, 1), None)]

    def test_index_gives_the_same_answers_as_the_query(self, provider, product, apeldoorn):
        AdmissionFactory(
            provider=provider,
            product=product,
            municipality=apeldoorn,
            active=True,
            valid_from=D(2026, 3, 1),
            valid_until=D(2026, 8, 31),
        )
        index = AdmissionIndex()
        for day in [D(2026, 2, 28), D(2026, 3, 1), D(2026, 8, 31), D(2026, 9, 1)]:
            args = (provider.pk, product.pk, apeldoorn.pk, day)
            assert index.admitted(*args) == admitted(*args)

    def test_provider_filter(self, provider, product, apeldoorn):
        other = ProviderFactory()
        AdmissionFactory(provider=provider, product=product, municipality=apeldoorn, active=True)
        AdmissionFactory(provider=other, product=product, municipality=apeldoorn, active=True)
        assert {key[0] for key in admission_periods([other.pk])} == {other.pk}


class TestRegisterScope:
    def test_provider_sees_only_its_own_admissions(self, users, product, apeldoorn):
        own = AdmissionFactory(
            provider=users["aanbieder"].provider, product=product, municipality=apeldoorn
        )
        AdmissionFactory(product=product, municipality=apeldoorn)
        assert list(register(users["aanbieder"])) == [own]
        assert register(users["regio"]).count() == 2

    def test_municipality_user_sees_its_own_municipality(self, users, product, apeldoorn, zutphen):
        mine = AdmissionFactory(product=product, municipality=apeldoorn)
        AdmissionFactory(product=product, municipality=zutphen)
        assert list(register(users["gemeente"])) == [mine]

    def test_filters(self, users, product, group, apeldoorn, zutphen):
        by_group = AdmissionFactory(
            product=None,
            product_group=group,
            municipality=zutphen,
            active=True,
            valid_from=D(2026, 7, 1),
        )
        by_product = AdmissionFactory(product=product, municipality=apeldoorn)
        user = users["regio"]
        assert set(register(user, product=product)) == {by_group, by_product}
        assert list(register(user, status=AdmissionStatus.ACTIVE)) == [by_group]
        assert list(register(user, day=D(2026, 6, 30))) == [by_product]
        assert list(register(user, municipality=zutphen)) == [by_group]


class TestSpendingCeiling:
    @pytest.mark.parametrize(
        "used_euros,level,stop",
        [
            (6999, "ok", False),
            (7000, "warn", False),
            (9999, "warn", False),
            (10000, "exceeded", True),
        ],
    )
    def test_warns_at_70_percent_and_stops_intake_at_the_ceiling(
        self, provider, apeldoorn, lines, used_euros, level, stop
    ):
        ceiling = SpendingCeiling.objects.create(
            provider=provider, municipality=apeldoorn, year=2026, amount_cents=10_000_00
        )
        lines(provider, apeldoorn, D(2026, 2, 1), used_euros * 100)
        use = ceiling_use(ceiling)
        assert use.used_cents == used_euros * 100
        assert use.percent == used_euros * 100 // 10_000
        assert use.level == level
        assert use.intake_stop is stop

    def test_only_approved_lines_of_the_year_count_and_credits_subtract(
        self, provider, apeldoorn, zutphen, lines
    ):
        ceiling = SpendingCeiling.objects.create(
            provider=provider, municipality=apeldoorn, year=2026, amount_cents=100_00
        )
        lines(provider, apeldoorn, D(2026, 3, 1), 80_00)
        lines(provider, apeldoorn, D(2026, 4, 1), 20_00, dc="C")
        lines(provider, apeldoorn, D(2026, 4, 1), 50_00, status="afgekeurd")
        lines(provider, apeldoorn, D(2027, 1, 1), 50_00)
        lines(provider, zutphen, D(2026, 3, 1), 50_00)
        use = ceiling_use(ceiling)
        assert use.used_cents == 80_00 - 20_00
        assert use.level == "ok"  # 60% < 70%

    def test_warning_percentage_is_set_per_municipality(
        self, provider, apeldoorn, agreement, lines
    ):
        MunicipalityContractOptions.objects.create(
            agreement=agreement, municipality=apeldoorn, spending_ceiling=True, warn_percent=50
        )
        ceiling = SpendingCeiling.objects.create(
            provider=provider, municipality=apeldoorn, year=2026, amount_cents=100_00
        )
        lines(provider, apeldoorn, D(2026, 3, 1), 50_00)
        assert ceiling_use(ceiling).level == "warn"

    def test_provider_page_bulk_matches_single(self, provider, apeldoorn, zutphen, lines):
        for m in (apeldoorn, zutphen):
            SpendingCeiling.objects.create(
                provider=provider, municipality=m, year=2026, amount_cents=1000_00
            )
        lines(provider, apeldoorn, D(2026, 3, 1), 800_00)
        bulk = {
            u.ceiling.municipality_id: u.used_cents for u in selectors.ceilings_with_use(provider)
        }
        assert bulk == {apeldoorn.pk: 800_00, zutphen.pk: 0}


class TestActivityRule:
    @pytest.fixture
    def options(self, agreement, apeldoorn):
        return MunicipalityContractOptions.objects.create(
            agreement=agreement,
            municipality=apeldoorn,
            activity_rule=True,
            activity_min_clients=2,
            activity_min_turnover_cents=1000_00,
        )

    @pytest.fixture
    def admission(self, provider, product, apeldoorn):
        return AdmissionFactory(
            provider=provider,
            product=product,
            municipality=apeldoorn,
            active=True,
            valid_from=D(2026, 3, 1),
        )

    def test_window_is_twelve_months_from_the_first_active_admission(
        self, provider, apeldoorn, options, admission
    ):
        result = activity_assessment(provider, apeldoorn, options, D(2027, 2, 28))
        assert (result.start, result.window_end) == (D(2026, 3, 1), D(2027, 2, 28))
        assert result.insufficient and not result.complete and not result.may_terminate
        later = activity_assessment(provider, apeldoorn, options, D(2027, 3, 1))
        assert later.complete and later.may_terminate

    def test_enough_clients_and_turnover_is_sufficient(
        self, provider, apeldoorn, options, admission, lines
    ):
        lines(provider, apeldoorn, D(2026, 5, 1), 600_00)
        lines(provider, apeldoorn, D(2027, 2, 1), 400_00)
        lines(provider, apeldoorn, D(2027, 3, 1), 5000_00)  # after the window: does not count
        result = activity_assessment(provider, apeldoorn, options, D(2027, 6, 1))
        assert (result.clients, result.turnover_cents) == (2, 1000_00)
        assert not result.insufficient and not result.may_terminate

    def test_one_client_is_too_few(self, provider, apeldoorn, options, admission, lines):
        client = lines(provider, apeldoorn, D(2026, 5, 1), 600_00)
        lines(provider, apeldoorn, D(2026, 6, 1), 600_00, client=client)
        result = activity_assessment(provider, apeldoorn, options, D(2027, 6, 1))
        assert result.clients == 1 and result.turnover_cents == 1200_00
        assert result.may_terminate

    @pytest.mark.parametrize(
        "reason,satisfaction,excepted",
        [
            (ActivityExceptionReason.SHORTAGE, None, True),
            (ActivityExceptionReason.UNIQUE, None, True),
            (ActivityExceptionReason.SATISFACTION, Decimal("8.5"), True),
            (ActivityExceptionReason.SATISFACTION, Decimal("8.4"), False),
        ],
    )
    def test_exceptions(
        self, provider, apeldoorn, options, admission, reason, satisfaction, excepted
    ):
        ActivityException.objects.create(
            provider=provider, municipality=apeldoorn, reason=reason, satisfaction=satisfaction
        )
        result = activity_assessment(provider, apeldoorn, options, D(2027, 6, 1))
        assert result.insufficient
        assert result.may_terminate is not excepted
        assert result.exception == (reason if excepted else "")

    def test_not_used_or_never_active(self, provider, apeldoorn, options, product):
        AdmissionFactory(provider=provider, product=product, municipality=apeldoorn)
        assert activity_assessment(provider, apeldoorn, options, D(2027, 6, 1)) is None
        options.activity_rule = False
        assert activity_assessment(provider, apeldoorn, options, D(2027, 6, 1)) is None


def test_worklist_ceilings_are_the_ones_at_warning_and_scoped(users, apeldoorn, zutphen, lines):
    low, high = ProviderFactory(), ProviderFactory()
    for provider, used in ((low, 69_00), (high, 70_00)):
        SpendingCeiling.objects.create(
            provider=provider, municipality=apeldoorn, year=2026, amount_cents=100_00
        )
        lines(provider, apeldoorn, D(2026, 5, 1), used)
    stopped = SpendingCeiling.objects.create(
        provider=low, municipality=zutphen, year=2026, amount_cents=100_00, intake_stop=True
    )
    found = selectors.ceilings_at_warning(users["regio"], 2026)
    assert [(u.ceiling.provider, u.ceiling.municipality, u.level) for u in found] == [
        (high, apeldoorn, "warn"),
        (low, zutphen, "ok"),
    ]
    assert found[1].ceiling == stopped and found[1].intake_stop
    # The Apeldoorn official does not see Zutphen's ceilings.
    assert [u.ceiling.provider for u in selectors.ceilings_at_warning(users["gemeente"], 2026)] == [
        high
    ]


def test_activity_worklist_matches_the_per_provider_assessment(
    users, agreement, product, apeldoorn, zutphen, lines
):
    from zorgregio.zorg.models import Client, Levering, Toewijzing

    MunicipalityContractOptions.objects.create(
        agreement=agreement,
        municipality=apeldoorn,
        activity_rule=True,
        activity_min_clients=2,
        activity_min_turnover_cents=0,
    )
    busy, quiet, mixed, excused = (ProviderFactory() for _ in range(4))
    for provider in (busy, quiet, mixed, excused):
        AdmissionFactory(provider=provider, product=product, municipality=apeldoorn, active=True)
    lines(busy, apeldoorn, D(2026, 3, 1), 100_00)
    lines(busy, apeldoorn, D(2026, 4, 1), 100_00)
    # mixed: one client declared and the same client delivered: still one client.
    client = lines(mixed, apeldoorn, D(2026, 3, 1), 100_00)
    toewijzing = Toewijzing.objects.create(
        municipality=apeldoorn,
        provider=mixed,
        client=client,
        law="wmo",
        toewijzingnummer="T9",
        toewijzingsdatum=D(2026, 1, 5),
        ingangsdatum=D(2026, 1, 5),
    )
    Levering.objects.create(toewijzing=toewijzing, begindatum=D(2026, 2, 1))
    other = Client.objects.create(pseudonym="other", bsn_encrypted="x")
    t2 = Toewijzing.objects.create(
        municipality=zutphen,
        provider=quiet,
        client=other,
        law="wmo",
        toewijzingnummer="T10",
        toewijzingsdatum=D(2026, 1, 5),
        ingangsdatum=D(2026, 1, 5),
    )
    Levering.objects.create(toewijzing=t2, begindatum=D(2026, 2, 1))  # other municipality
    ActivityException.objects.create(
        provider=excused, municipality=apeldoorn, reason=ActivityExceptionReason.UNIQUE
    )
    today = D(2027, 2, 1)
    rows = selectors.activity_worklist(users["regio"], today)
    options = MunicipalityContractOptions.objects.get()
    expected = {
        p: activity_assessment(p, apeldoorn, options, today) for p in (quiet, mixed, excused)
    }
    assert {row[0] for row in rows} == set(expected)
    for provider, municipality, result in rows:
        assert municipality == apeldoorn and result == expected[provider]
    assert [row[0] for row in rows][:2] != [excused] and rows[0][2].may_terminate
    assert expected[mixed].clients == 1 and expected[excused].exception == "uniek"
    # A provider user sees only its own row (none here).
    assert selectors.activity_worklist(users["aanbieder"], today) == []
