"""The screens as each role sees them: other scopes get 403/404 and nothing leaks."""

import datetime as dt
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from zorgregio.aanbieders.tests.factories import ProviderFactory
from zorgregio.audit.models import AuditEvent
from zorgregio.monitor.services import refresh_after_import
from zorgregio.monitor.tests.factories import (
    AdmissionFactory,
    AgreementFactory,
    ClientFactory,
    ProductFactory,
    ProductGroupFactory,
    care,
)
from zorgregio.toezicht.models import Case, CaseStatus, Signal

pytestmark = pytest.mark.django_db


def _signal(region, municipality, provider=None, rule="declared_after_stop"):
    now = timezone.now()
    return Signal.objects.create(
        rule=rule, key=f"{rule}:{municipality and municipality.pk}:{now.timestamp()}",
        region=region, municipality=municipality, provider=provider or ProviderFactory(),
        measure=2, threshold=1, first_seen=now, last_seen=now,
        figures={"lines": 2, "amount_cents": 5_000, "approved": 0}, evidence={"lines": []},
    )  # fmt: skip


def login(client, user):
    client.force_login(user)
    return client


def test_municipality_staff_see_only_their_own_signals(client, region, users, apeldoorn, zutphen):
    own = _signal(region, apeldoorn, ProviderFactory(name="Eigen Zorg Apeldoorn"))
    other = _signal(region, zutphen, ProviderFactory(name="Andere Zorg Zutphen"))
    regional = _signal(region, None, ProviderFactory(name="Regio Zorg"), rule="evidence_expired")
    login(client, users["gemeente"])
    page = client.get(reverse("toezicht:index")).content.decode()
    assert own.provider.name in page
    assert other.provider.name not in page and regional.provider.name not in page
    assert client.get(reverse("toezicht:signal", args=[own.pk])).status_code == 200
    assert client.get(reverse("toezicht:signal", args=[other.pk])).status_code == 404
    assert client.get(reverse("toezicht:signal", args=[regional.pk])).status_code == 404
    assert client.post(reverse("toezicht:case_create", args=[other.pk])).status_code == 404
    assert not Case.objects.exists()


@pytest.mark.parametrize("role", ["aanbieder", "raad", "beheerder"])
def test_other_roles_see_no_supervision(client, region, users, apeldoorn, role):
    signal = _signal(region, apeldoorn)
    login(client, users[role])
    for name, args in (("toezicht:index", []), ("toezicht:signal", [signal.pk]),
                       ("toezicht:cases", []), ("toezicht:turning18", [])):  # fmt: skip
        assert client.get(reverse(name, args=args)).status_code == 403


def test_an_officer_opens_a_case_and_closes_it_with_a_recovery(client, region, users, apeldoorn):
    signal = _signal(region, apeldoorn)
    officer = users["gemeente"]
    login(client, officer)
    response = client.post(
        reverse("toezicht:case_create", args=[signal.pk]),
        {"title": "Declaraties na stop", "assignee": officer.pk},
    )
    case = Case.objects.get()
    assert response.status_code == 302 and case.assignee == officer
    url = reverse("toezicht:case", args=[case.pk])
    client.post(url, {"action": "status", "to_status": "in_onderzoek"})
    client.post(url, {"action": "measure", "kind": "verbeterplan", "note": "Binnen 6 weken"})
    # closing without a conclusion: a Dutch message, nothing changed
    page = client.post(url, {"action": "status", "to_status": "afgehandeld"}, follow=True)
    assert "na een conclusie" in page.content.decode()
    client.post(url, {"action": "status", "to_status": "gegrond", "conclusion": "Onterecht."})
    client.post(url, {"action": "measure", "kind": "terugvordering", "amount": "1.234,56"})
    client.post(url, {"action": "status", "to_status": "afgehandeld"})
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    assert case.measures.get(kind="terugvordering").amount_cents == 123_456
    worklist = client.get(reverse("toezicht:worklist")).content.decode()
    assert "Declaraties na stop" not in worklist  # closed: off the worklist


def test_worklist_xlsx_lists_the_officers_open_cases(client, region, users, apeldoorn):
    from zorgregio.toezicht import services

    signal = _signal(region, apeldoorn)
    services.case_open(actor=users["gemeente"], signal=signal, title="Open zaak",
                       assignee=users["gemeente"])  # fmt: skip
    login(client, users["gemeente"])
    response = client.get(reverse("toezicht:worklist_xlsx"))
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][1] == "Open zaak"
    assert AuditEvent.objects.filter(action="export").exists()


def test_turning_18_worklist_is_scoped_and_audited(client, region, users, apeldoorn, zutphen):
    group = ProductGroupFactory(code="jeugd", law="jw")
    product = ProductFactory(group=group, law="jw")
    soon = ClientFactory(birth_date=dt.date.today().replace(year=dt.date.today().year - 18)
                         + dt.timedelta(days=100))  # fmt: skip
    elsewhere = ClientFactory(birth_date=soon.birth_date)
    adult = ClientFactory(birth_date=soon.birth_date - dt.timedelta(days=500))
    start = dt.date.today() - dt.timedelta(days=60)
    care(soon, product=product, municipality=apeldoorn, start=start)
    care(elsewhere, product=product, municipality=zutphen, start=start)
    care(adult, product=product, municipality=apeldoorn, start=start)
    refresh_after_import()
    login(client, users["gemeente"])

    def shown(c):
        return reverse("zorg:client", args=[c.pk]) in page

    page = client.get(reverse("toezicht:turning18")).content.decode()
    assert shown(soon)
    assert not shown(elsewhere) and not shown(adult)
    assert AuditEvent.objects.filter(action="view", message__contains="18-/18+").exists()
    login(client, users["regio"])
    page = client.get(reverse("toezicht:turning18")).content.decode()
    assert shown(soon) and shown(elsewhere)


def test_provider_reports_a_waiting_time_over_the_norm(
    client, region, users, apeldoorn, django_capture_on_commit_callbacks
):
    group = ProductGroupFactory(code="begeleiding")
    product = ProductFactory(group=group)
    provider = users["aanbieder"].provider
    AdmissionFactory(
        agreement=AgreementFactory(region=region), provider=provider, product=product,
        product_group=None, municipality=apeldoorn, activated_on=dt.date(2020, 1, 1),
    )  # fmt: skip
    login(client, users["aanbieder"])
    page = client.get(reverse("toezicht:waiting")).content.decode()
    assert "moet worden gemeld" in page  # the reminder
    bad = client.post(
        reverse("toezicht:waiting"),
        {"what": f"{apeldoorn.pk}:{product.pk}", "intake_weeks": "-3", "treatment_weeks": "2"},
        follow=True,
    )
    assert "negatief" in bad.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("toezicht:waiting"),
            {"what": f"{apeldoorn.pk}:{product.pk}", "intake_weeks": "9", "treatment_weeks": "2"},
        )
    assert Signal.objects.filter(rule="waiting_time_over_norm", provider=provider).exists()
    login(client, users["gemeente"])
    page = client.get(reverse("toezicht:waiting")).content.decode()
    assert "boven de norm" in page


def test_the_monitor_shows_reported_beside_measured_waiting_times(client, region, users, apeldoorn):
    from decimal import Decimal

    from zorgregio.toezicht.models import WaitingTimeReport

    product = ProductFactory(group=ProductGroupFactory(code="begeleiding"))
    provider = ProviderFactory(name="Wachtlijst BV")
    care(product=product, municipality=apeldoorn, provider=provider,
         start=dt.date.today() - dt.timedelta(days=30),
         assigned=dt.date.today() - dt.timedelta(days=100))  # fmt: skip
    refresh_after_import()
    WaitingTimeReport.objects.create(
        provider=provider, municipality=apeldoorn, product=product, reported_on=dt.date.today(),
        intake_weeks=Decimal(5), treatment_weeks=Decimal(2),
    )  # fmt: skip
    login(client, users["gemeente"])
    page = client.get(reverse("monitor:municipality", args=[apeldoorn.cbs_code])).content.decode()
    assert "Gemelde wachttijden" in page and "Wachtlijst BV" in page
    assert "boven de norm" in page and "wijkt af van gemeten" in page  # 7 weeks vs 10
    login(client, users["raad"])
    page = client.get(reverse("monitor:municipality", args=[apeldoorn.cbs_code])).content.decode()
    assert "Wachtlijst BV" not in page


def test_a_case_document_is_stored_encrypted_and_read_back_only_in_scope(
    client, region, users, apeldoorn, settings, tmp_path
):
    """A case document may name clients: on disk it is encrypted like the message archive;
    the officer downloads the plain file; staff of another municipality get a 404."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from zorgregio.accounts.tests.factories import UserFactory

    settings.MEDIA_ROOT = tmp_path
    signal = _signal(region, apeldoorn)
    officer = users["gemeente"]
    login(client, officer)
    client.post(reverse("toezicht:case_create", args=[signal.pk]), {"title": "Zaak"})
    case = Case.objects.get()
    secret = b"%PDF-1.4 verbeterplan voor client 999900006"
    client.post(
        reverse("toezicht:case", args=[case.pk]),
        {"action": "document", "title": "Verbeterplan",
         "file": SimpleUploadedFile("plan.pdf", secret, content_type="application/pdf")},
    )  # fmt: skip
    document = case.documents.get()
    stored = (tmp_path / document.file.name).read_bytes()
    assert b"999900006" not in stored and stored.startswith(b"ZRA1")
    url = reverse("toezicht:case_document", args=[case.pk, document.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == secret
    assert "Content-Length" not in response or int(response["Content-Length"]) == len(secret)
    zutphen_staff = UserFactory(role="gemeente", region=region)
    zutphen_staff.municipalities.set([region.municipalities.exclude(pk=apeldoorn.pk).first()])
    login(client, zutphen_staff)
    assert client.get(url).status_code == 404
