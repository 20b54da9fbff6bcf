"""Cases, measures, waiting times, client stops and satisfaction: the services' rules and their
Dutch refusals, nothing saved half."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from zorgregio.aanbieders.tests.factories import ProviderFactory
from zorgregio.accounts.tests.factories import UserFactory
from zorgregio.audit.models import AuditEvent
from zorgregio.contracten.models import AdmissionStatus, AdmissionTransition
from zorgregio.monitor.tests.factories import (
    AdmissionFactory,
    AgreementFactory,
    ProductFactory,
    ProductGroupFactory,
    RegelFactory,
)
from zorgregio.toezicht import services
from zorgregio.toezicht.models import (
    Case,
    CaseStatus,
    Measure,
    MeasureKind,
    SatisfactionResult,
    Signal,
    WaitingTimeReport,
)
from zorgregio.zorg.hooks import care_data_changed, note_changes

pytestmark = pytest.mark.django_db


@pytest.fixture
def product():
    return ProductFactory(group=ProductGroupFactory(code="begeleiding"))


@pytest.fixture
def signal(region, apeldoorn):
    now = timezone.now()
    return Signal.objects.create(
        rule="declared_after_stop", key="x:1", region=region, municipality=apeldoorn,
        provider=ProviderFactory(), measure=3, threshold=1, first_seen=now, last_seen=now,
        figures={"lines": 3, "amount_cents": 30_000, "approved": 1},
    )  # fmt: skip


def test_a_case_runs_from_new_to_closed_and_is_audited(users, signal):
    officer = users["gemeente"]
    case = services.case_open(actor=officer, signal=signal, assignee=officer)
    assert case.status == CaseStatus.NEW and case.title
    services.case_transition(actor=officer, case=case, to_status=CaseStatus.INVESTIGATING)
    services.case_add_measure(
        actor=officer, case=case, kind=MeasureKind.IMPROVEMENT_PLAN,
        due_on=dt.date.today() + dt.timedelta(days=30),
    )  # fmt: skip
    services.case_transition(
        actor=officer, case=case, to_status=CaseStatus.FOUNDED, conclusion="Te veel uren."
    )
    services.case_add_measure(
        actor=officer, case=case, kind=MeasureKind.RECOVERY, amount_cents=123_456
    )
    services.case_transition(actor=officer, case=case, to_status=CaseStatus.CLOSED)
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED and case.closed_on == dt.date.today()
    assert Measure.objects.get(kind=MeasureKind.RECOVERY).amount_cents == 123_456
    assert AuditEvent.objects.filter(object_id=str(case.pk)).count() >= 4
    assert list(case.events.values_list("to_status", flat=True).exclude(to_status="")) == [
        "nieuw", "in_onderzoek", "gegrond", "afgehandeld"
    ]  # fmt: skip


def test_a_case_cannot_be_closed_without_a_conclusion(users, signal):
    case = services.case_open(actor=users["regio"], signal=signal)
    services.case_transition(actor=users["regio"], case=case, to_status=CaseStatus.INVESTIGATING)
    with pytest.raises(ValidationError) as exc:
        services.case_transition(actor=users["regio"], case=case, to_status=CaseStatus.CLOSED)
    assert "conclusie" in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        services.case_transition(actor=users["regio"], case=case, to_status=CaseStatus.FOUNDED)
    assert "conclusie" in str(exc.value)
    case.refresh_from_db()
    assert case.status == CaseStatus.INVESTIGATING


def test_a_closed_case_is_reopened_with_a_reason(users, signal):
    actor = users["regio"]
    case = services.case_open(actor=actor, signal=signal)
    for status in (CaseStatus.INVESTIGATING, CaseStatus.UNFOUNDED, CaseStatus.CLOSED):
        services.case_transition(actor=actor, case=case, to_status=status, conclusion="Verklaard.")
    with pytest.raises(ValidationError):
        services.case_transition(actor=actor, case=case, to_status=CaseStatus.INVESTIGATING)
    services.case_transition(
        actor=actor, case=case, to_status=CaseStatus.INVESTIGATING, note="Nieuwe feiten."
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.INVESTIGATING and case.closed_on is None


def test_an_officer_of_another_municipality_cannot_open_or_take_a_case(
    region, users, signal, zutphen
):
    zutphen_staff = UserFactory(municipality_staff=True, region=region, municipalities=[zutphen])
    with pytest.raises(PermissionDenied):
        services.case_open(actor=zutphen_staff, signal=signal)
    assert not Case.objects.exists()
    with pytest.raises(ValidationError) as exc:
        services.case_open(actor=users["regio"], signal=signal, assignee=zutphen_staff)
    assert "behandelaar" in str(exc.value)
    for role in ("aanbieder", "raad", "beheerder"):
        with pytest.raises(PermissionDenied):
            services.case_open(actor=users[role], signal=signal)
    assert not Case.objects.exists()


def test_a_recovery_needs_a_positive_amount(users, signal):
    case = services.case_open(actor=users["regio"], signal=signal)
    for amount in (None, 0, -5):
        with pytest.raises(ValidationError) as exc:
            services.case_add_measure(
                actor=users["regio"], case=case, kind=MeasureKind.RECOVERY, amount_cents=amount
            )
        assert "bedrag" in str(exc.value)
    assert not Measure.objects.exists()


def test_suspension_goes_through_the_register(region, users, signal, product, apeldoorn):
    admission = AdmissionFactory(
        agreement=AgreementFactory(region=region), provider=signal.provider, product=product,
        product_group=None, municipality=apeldoorn, activated_on=dt.date(2020, 1, 1),
    )  # fmt: skip
    case = services.case_open(actor=users["gemeente"], signal=signal)
    with pytest.raises(PermissionDenied):  # the register is the regional team's
        services.case_add_measure(
            actor=users["gemeente"], case=case, kind=MeasureKind.SUSPENSION, admission=admission
        )
    assert not Measure.objects.exists()
    services.case_add_measure(
        actor=users["regio"], case=case, kind=MeasureKind.SUSPENSION, admission=admission
    )
    admission.refresh_from_db()
    assert admission.status == AdmissionStatus.CLIENT_STOP
    assert AdmissionTransition.objects.filter(admission=admission, to_status="clientenstop")


# --- waiting times -----------------------------------------------------------------------------


@pytest.fixture
def admitted(region, apeldoorn, product, users):
    provider = users["aanbieder"].provider
    AdmissionFactory(
        agreement=AgreementFactory(region=region), provider=provider, product=product,
        product_group=None, municipality=apeldoorn, activated_on=dt.date(2020, 1, 1),
    )  # fmt: skip
    return provider


@pytest.mark.parametrize(
    ("intake", "treatment", "message"),
    [
        ("-1", "2", "negatief"),
        ("3", "500", "niet aannemelijk"),
        ("drie", "2", "weken"),
        ("NaN", "2", "negatief"),
    ],
)
def test_bad_waiting_times_are_refused(
    users, admitted, apeldoorn, product, intake, treatment, message
):
    with pytest.raises(ValidationError) as exc:
        services.waiting_time_report(
            actor=users["aanbieder"], provider=admitted, municipality=apeldoorn, product=product,
            intake_weeks=intake, treatment_weeks=treatment,
        )  # fmt: skip
    assert message in str(exc.value)
    assert not WaitingTimeReport.objects.exists()


def test_a_report_for_a_product_not_admitted_is_refused(users, admitted, zutphen, product):
    with pytest.raises(ValidationError) as exc:
        services.waiting_time_report(
            actor=users["aanbieder"], provider=admitted, municipality=zutphen, product=product,
            intake_weeks="2", treatment_weeks="3",
        )  # fmt: skip
    assert "niet toegelaten" in str(exc.value)


def test_only_the_provider_itself_reports(users, admitted, apeldoorn, product):
    for role in ("regio", "gemeente", "raad"):
        with pytest.raises(PermissionDenied):
            services.waiting_time_report(
                actor=users[role], provider=admitted, municipality=apeldoorn, product=product,
                intake_weeks="2", treatment_weeks="3",
            )  # fmt: skip
    other = UserFactory(provider_user=True, region=admitted.regions.first())
    with pytest.raises(PermissionDenied):
        services.waiting_time_report(
            actor=other, provider=admitted, municipality=apeldoorn, product=product,
            intake_weeks="2", treatment_weeks="3",
        )  # fmt: skip


def test_a_report_over_the_norm_raises_the_signal_at_once(
    users, admitted, apeldoorn, product, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.waiting_time_report(
            actor=users["aanbieder"], provider=admitted, municipality=apeldoorn, product=product,
            intake_weeks="7,5", treatment_weeks="3",
        )  # fmt: skip
    signal = Signal.objects.get(rule="waiting_time_over_norm")
    assert signal.provider == admitted and signal.figures["intake_weeks"] == 7.5


def test_client_stop_granted_through_the_register(users, admitted, region, product, apeldoorn):
    from zorgregio.contracten.models import Admission

    admission = Admission.objects.get(provider=admitted)
    with pytest.raises(ValidationError):
        services.stop_request_create(
            actor=users["aanbieder"], admission=admission, starts_on=dt.date.today(), reason=""
        )
    request = services.stop_request_create(
        actor=users["aanbieder"], admission=admission, starts_on=dt.date.today(),
        reason="Wachtlijst te lang",
    )  # fmt: skip
    with pytest.raises(PermissionDenied):
        services.stop_request_decide(actor=users["gemeente"], request=request, grant=True)
    with pytest.raises(ValidationError):
        services.stop_request_decide(actor=users["regio"], request=request, grant=False)
    services.stop_request_decide(actor=users["regio"], request=request, grant=True)
    admission.refresh_from_db()
    assert admission.status == AdmissionStatus.CLIENT_STOP


# --- satisfaction ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("respondents", "scores", "overall"),
    [(0, {}, "8"), (12, {"score_1": "11"}, "8"), (12, {}, "0,5"), (12, {"score_2": "x"}, "8")],
)
def test_bad_satisfaction_results_are_refused(users, product, respondents, scores, overall):
    with pytest.raises(ValidationError):
        services.satisfaction_set(
            actor=users["regio"], provider=ProviderFactory(), product_group=product.group,
            year=2025, respondents=respondents, scores=scores, overall=overall,
        )  # fmt: skip
    assert not SatisfactionResult.objects.exists()


def test_satisfaction_import_refuses_the_whole_file_on_one_bad_row(users, product):
    from zorgregio.inrichting import registry

    good = ProviderFactory(kvk_number="12345678")
    other = ProviderFactory(kvk_number="87654321")
    data = (
        "aanbieder_kvk;productgroep_code;jaar;respondenten;score_1;totaalscore\n"
        f"{good.kvk_number};begeleiding;2025;40;8,1;8,0\n"
        f"{other.kvk_number};begeleiding;2025;40;12;8,0\n"
    ).encode()
    report = registry.run_import(
        registry.get("clientervaring"), actor=users["regio"], upload=data, filename="c.csv"
    )
    assert not report.ok
    assert any("rij 3" in e.lower() or "3" in e for e in report.errors)
    assert not SatisfactionResult.objects.exists()
    fixed = data.replace(b";12;", b";7,2;")
    report = registry.run_import(
        registry.get("clientervaring"), actor=users["regio"], upload=fixed, filename="c.csv"
    )
    assert report.ok, report.errors
    assert SatisfactionResult.objects.get(provider=good).overall == Decimal("8.0")


# --- recomputed after an import ------------------------------------------------------------------


def test_signals_are_recomputed_when_care_data_change(apeldoorn, product):
    provider = ProviderFactory()
    RegelFactory(product=product, municipality=apeldoorn, provider=provider, toewijzing=None)
    note_changes([dt.date(2025, 1, 1)])
    assert care_data_changed() == []
    assert Signal.objects.filter(rule="declared_without_assignment", provider=provider).exists()
