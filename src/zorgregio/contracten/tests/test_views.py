import datetime as dt
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from zorgregio.audit.selectors import audit_events_for
from zorgregio.contracten.models import Admission, Amendment, AmendmentStatus, Evidence
from zorgregio.contracten.selectors import admitted

from .factories import AdmissionFactory

D = dt.date


@pytest.fixture
def login(client):
    def do(user):
        client.force_login(user)
        return client

    return do


@pytest.fixture
def admissions(users, agreement, product, apeldoorn, zutphen):
    own = users["aanbieder"].provider
    return {
        "own": AdmissionFactory(
            agreement=agreement, provider=own, product=product, municipality=apeldoorn, active=True
        ),
        "other": AdmissionFactory(
            agreement=agreement, product=product, municipality=zutphen, valid_from=D(2026, 7, 1)
        ),
    }


def test_register_lists_and_filters(login, users, admissions):
    client = login(users["regio"])
    response = client.get(reverse("contracten:index"))
    assert response.status_code == 200
    assert set(response.context["page"]) == {admissions["own"], admissions["other"]}
    body = response.content.decode()
    assert reverse("contracten:admission", args=[admissions["other"].pk]) in body
    response = client.get(reverse("contracten:index"), {"day": "2026-06-30"})
    assert response.context["page"].paginator.count == 1
    response = client.get(reverse("contracten:index"), {"status": "actief"})
    assert list(response.context["page"]) == [admissions["own"]]


def test_provider_sees_only_its_own_contract(login, users, admissions):
    client = login(users["aanbieder"])
    response = client.get(reverse("contracten:index"))
    assert list(response.context["page"]) == [admissions["own"]]
    other = admissions["other"]
    assert client.get(reverse("contracten:provider", args=[other.provider_id])).status_code == 404
    assert client.get(reverse("contracten:admission", args=[other.pk])).status_code == 404
    own = admissions["own"]
    assert client.get(reverse("contracten:provider", args=[own.provider_id])).status_code == 200
    assert client.get(reverse("contracten:worklist")).status_code == 403


def test_export_has_the_filtered_rows(login, users, admissions):
    client = login(users["regio"])
    response = client.get(reverse("contracten:export"), {"status": "actief"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    assert len(rows) == 2
    own = admissions["own"]
    assert rows[1][0] == own.provider.name and rows[1][5] == "Apeldoorn"
    assert rows[1][3] == own.product.productcode  # "02A01", the category not glued twice


def test_provider_proposes_and_region_accepts(login, users, admissions, product, zutphen):
    client = login(users["aanbieder"])
    own = users["aanbieder"].provider
    response = client.post(
        reverse("contracten:amendment_new"),
        {
            "provider": own.pk,
            "title": "Ook in Zutphen",
            "motivation": "Wachtlijst",
            "effective_date": "2026-09-01",
            "kind": "toevoegen",
            "product": product.pk,
            "municipality": zutphen.pk,
        },
    )
    amendment = Amendment.objects.get()
    assert response.status_code == 302
    detail = client.get(reverse("contracten:amendment", args=[amendment.pk]))
    assert detail.status_code == 200 and "Zutphen" in detail.content.decode()
    assert response["Location"] == reverse("contracten:amendment", args=[amendment.pk])
    # the provider cannot decide
    assert (
        client.post(
            reverse("contracten:amendment", args=[amendment.pk]), {"to_status": "aanvaard"}
        ).status_code
        == 403
    )
    client = login(users["regio"])
    response = client.post(
        reverse("contracten:amendment", args=[amendment.pk]),
        {"to_status": "aanvaard", "note": "akkoord"},
    )
    assert response.status_code == 302
    amendment.refresh_from_db()
    assert amendment.status == AmendmentStatus.ACCEPTED
    assert admitted(own.pk, product.pk, zutphen.pk, D(2026, 9, 1))
    assert not admitted(own.pk, product.pk, zutphen.pk, D(2026, 8, 31))


def test_bad_amendment_gives_a_dutch_message_and_changes_nothing(
    login, users, admissions, product, zutphen
):
    client = login(users["aanbieder"])
    response = client.post(
        reverse("contracten:amendment_new"),
        {
            "provider": users["aanbieder"].provider.pk,
            "title": "Te vroeg",
            "motivation": "x",
            "effective_date": "2025-06-01",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors["effective_date"]
    assert "ligt voor de start van de overeenkomst" in errors[0]
    assert not Amendment.objects.exists()


def test_forbidden_transition_is_shown_not_500(login, users, admissions):
    client = login(users["regio"])
    other = admissions["other"]  # a draft
    response = client.post(
        reverse("contracten:admission", args=[other.pk]),
        {"to_status": "clientenstop", "effective_on": "2026-08-01", "reason": "x"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    other.refresh_from_db()
    assert other.status == "concept"
    response = client.post(
        reverse("contracten:admission", args=[other.pk]),
        {"to_status": "actief", "effective_on": "2026-07-01", "reason": "Toegelaten"},
    )
    assert response.status_code == 302
    other.refresh_from_db()
    assert other.status == "actief"
    page = client.get(reverse("contracten:admission", args=[other.pk])).content.decode()
    assert "Toegelaten" in page


def test_evidence_in_the_future_is_refused_on_screen(login, users, admissions):
    client = login(users["aanbieder"])
    own = users["aanbieder"].provider
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    response = client.post(
        reverse("contracten:provider", args=[own.pk]),
        {"action": "evidence", "kind": "vog", "issued_on": tomorrow.isoformat()},
    )
    assert response.status_code == 200
    assert "ligt in de toekomst" in response.context["evidence_form"].errors["issued_on"][0]
    assert not Evidence.objects.exists()


def test_history_tab_shows_before_and_after(login, users, agreement, product, apeldoorn):
    from zorgregio.contracten import services

    admission = services.admission_create(
        actor=users["regio"],
        agreement=agreement,
        provider=users["aanbieder"].provider,
        municipality=apeldoorn,
        product=product,
        valid_from=D(2026, 1, 1),
    )
    services.admission_transition(
        actor=users["regio"],
        admission=admission,
        to_status="actief",
        effective_on=D(2026, 2, 1),
        reason="start",
    )
    client = login(users["aanbieder"])
    response = client.get(reverse("contracten:history", args=["deelname", admission.pk]))
    assert response.status_code == 200
    assert list(response.context["events"]) == list(audit_events_for(admission))
    body = response.content.decode()
    assert "01-01-2026 → 01-02-2026" in body  # valid_from moved, as Dutch dates


def test_api_lists_scoped_admissions(login, users, admissions, product):
    client = login(users["aanbieder"])
    data = client.get("/api/v1/deelnames/").json()
    rows = data["results"] if isinstance(data, dict) else data
    assert [r["id"] for r in rows] == [admissions["own"].pk]
    client = login(users["regio"])
    data = client.get("/api/v1/deelnames/", {"date": "2026-06-30"}).json()
    rows = data["results"] if isinstance(data, dict) else data
    assert [r["id"] for r in rows] == [admissions["own"].pk]
    assert client.get("/api/v1/deelnames/", {"date": "morgen"}).status_code == 400
    assert Admission.objects.count() == 2


def test_region_sets_ceiling_in_euros_provider_may_not(login, users, admissions, apeldoorn):
    from zorgregio.contracten.models import SpendingCeiling

    own = users["aanbieder"].provider
    url = reverse("contracten:provider", args=[own.pk])
    data = {
        "action": "ceiling",
        "ceiling-municipality": apeldoorn.pk,
        "ceiling-year": 2026,
        "ceiling-amount": "1.234,50",
    }
    assert login(users["aanbieder"]).post(url, data).status_code == 403
    response = login(users["regio"]).post(url, data)
    assert response.status_code == 302
    assert SpendingCeiling.objects.get().amount_cents == 123450
    bad = login(users["regio"]).post(url, {**data, "ceiling-amount": "12,345"})
    assert "12,345 bevat fracties van een cent" in str(bad.context["ceiling_form"].errors)
    assert SpendingCeiling.objects.get().amount_cents == 123450


def test_bridging_with_end_before_start_is_refused(login, users, admissions, apeldoorn):
    from zorgregio.contracten.models import BridgingAgreement

    own = users["aanbieder"].provider
    response = login(users["regio"]).post(
        reverse("contracten:provider", args=[own.pk]),
        {
            "action": "bridging",
            "bridging-municipality": apeldoorn.pk,
            "bridging-valid_from": "2026-06-01",
            "bridging-valid_until": "2026-05-31",
            "bridging-client_count": 3,
            "bridging-reason": "continuïteit",
        },
    )
    assert response.status_code == 200
    assert "begindatum 1-6-2026" in str(response.context["bridging_form"].errors)
    assert not BridgingAgreement.objects.exists()


def test_region_sets_municipality_options(login, users, agreement, apeldoorn):
    from zorgregio.contracten.models import MunicipalityContractOptions

    response = login(users["regio"]).post(
        reverse("contracten:agreement", args=[agreement.pk]),
        {
            "action": "options",
            "municipality": apeldoorn.pk,
            "spending_ceiling": "on",
            "warn_percent": 75,
            "activity_min_clients": 2,
            "activity_min_turnover": "500",
        },
    )
    assert response.status_code == 302
    options = MunicipalityContractOptions.objects.get()
    assert options.spending_ceiling and options.warn_percent == 75
    assert options.activity_min_turnover_cents == 500_00 and not options.activity_rule


def test_intake_stop_button(login, users, admissions, apeldoorn):
    from zorgregio.contracten.models import SpendingCeiling

    own = users["aanbieder"].provider
    ceiling = SpendingCeiling.objects.create(
        provider=own, municipality=apeldoorn, year=2026, amount_cents=100_00
    )
    url = reverse("contracten:provider", args=[own.pk])
    data = {"action": "intake_stop", "ceiling": ceiling.pk}
    assert login(users["aanbieder"]).post(url, data).status_code == 403
    assert login(users["regio"]).post(url, data).status_code == 302
    admissions["own"].refresh_from_db()
    assert admissions["own"].status == "clientenstop"


def test_api_product_filter_includes_group_admissions(
    login, users, agreement, group, product, apeldoorn
):
    by_group = AdmissionFactory(
        agreement=agreement, product=None, product_group=group, municipality=apeldoorn
    )
    by_product = AdmissionFactory(agreement=agreement, product=product, municipality=apeldoorn)
    client = login(users["regio"])
    data = client.get("/api/v1/deelnames/", {"product": product.pk}).json()
    rows = data["results"] if isinstance(data, dict) else data
    assert {r["id"] for r in rows} == {by_group.pk, by_product.pk}
    coded = next(r for r in rows if r["id"] == by_product.pk)
    assert coded["product_code"] == "02A01" and coded["municipality_cbs_code"] == "0200"


def test_provider_reports_its_sroi_realisation(login, users, admissions, apeldoorn):
    from zorgregio.contracten.models import SroiCommitment

    own = users["aanbieder"].provider
    client = login(users["aanbieder"])
    url = reverse("contracten:provider", args=[own.pk])
    base = {
        "action": "sroi",
        "sroi-municipality": apeldoorn.pk,
        "sroi-year": 2026,
        "sroi-commitment": "Twee leerwerkplekken",
        "sroi-committed": "25.000,00",
    }
    assert client.post(url, base).status_code == 302
    assert client.post(url, {**base, "sroi-realised": "12.500,50"}).status_code == 302
    item = SroiCommitment.objects.get()
    assert (item.committed_cents, item.realised_cents) == (25_000_00, 12_500_50)
    event = audit_events_for(item).first()
    assert (event.before["realised_cents"], event.after["realised_cents"]) == (0, 12_500_50)


def test_administrator_cannot_use_the_business_screens(login, users, agreement, product, apeldoorn):
    """Issue 11.9: the technical administrator manages accounts, not the register."""
    from zorgregio.aanbieders.tests.factories import ProviderFactory

    provider = ProviderFactory()
    client = login(users["beheerder"])
    assert client.get(reverse("contracten:admission_new")).status_code == 403
    response = client.post(
        reverse("contracten:admission_new"),
        {
            "provider": provider.pk,
            "product": product.pk,
            "municipality": apeldoorn.pk,
            "valid_from": "2026-01-01",
        },
    )
    assert response.status_code == 403
    assert client.get(reverse("contracten:amendment_new")).status_code == 403
    assert client.post(reverse("contracten:worklist")).status_code == 403
    assert client.post(reverse("producten:matrix"), {"valid_from": "2026-01-01"}).status_code == 403
    assert client.get(reverse("producten:import")).status_code == 403
    assert not Admission.objects.exists()


def test_administrator_is_refused_by_the_services(users, agreement, product, apeldoorn):
    from django.core.exceptions import PermissionDenied

    from zorgregio.aanbieders.tests.factories import ProviderFactory
    from zorgregio.contracten import services

    with pytest.raises(PermissionDenied):
        services.admission_create(
            actor=users["beheerder"],
            agreement=agreement,
            provider=ProviderFactory(),
            product=product,
            municipality=apeldoorn,
            valid_from=D(2026, 1, 1),
        )
    assert not Admission.objects.exists()


def test_region_creates_edits_and_extends_an_agreement(login, users, region):
    from zorgregio.contracten.models import FrameworkAgreement

    client = login(users["regio"])
    assert client.get(reverse("contracten:agreement_new")).status_code == 200
    response = client.post(
        reverse("contracten:agreement_new"),
        {
            "name": "Raamovereenkomst 2027",
            "laws": ["wmo", "jw"],
            "valid_from": "2027-01-01",
            "valid_until": "2030-12-31",
            "extension_options": "2",
            "extension_months": "12",
        },
    )
    agreement = FrameworkAgreement.objects.get(name="Raamovereenkomst 2027")
    assert response.status_code == 302 and agreement.region == region
    bad = client.post(
        reverse("contracten:agreement_edit", args=[agreement.pk]),
        {
            "name": "Raamovereenkomst 2027",
            "laws": ["wmo"],
            "valid_from": "2027-01-01",
            "valid_until": "2026-12-31",
            "extension_options": "2",
            "extension_months": "12",
        },
    )
    assert "De einddatum 31-12-2026 ligt vóór de begindatum 1-1-2027." in bad.content.decode()
    agreement.refresh_from_db()
    assert agreement.valid_until == D(2030, 12, 31) and agreement.laws == ["wmo", "jw"]
    client.post(
        reverse("contracten:agreement", args=[agreement.pk]),
        {"action": "extend", "exercised_on": "2030-06-01", "reason": "Goed bevallen"},
    )
    agreement.refresh_from_db()
    assert agreement.valid_until == D(2031, 12, 31)
    # The options already exercised cannot be taken away.
    fewer = client.post(
        reverse("contracten:agreement_edit", args=[agreement.pk]),
        {
            "name": "Raamovereenkomst 2027",
            "laws": ["wmo", "jw"],
            "valid_from": "2027-01-01",
            "valid_until": "2031-12-31",
            "extension_options": "0",
            "extension_months": "12",
        },
    )
    assert "Er zijn al 1 verlengingsopties gebruikt." in fewer.content.decode()


@pytest.mark.parametrize("role", ["gemeente", "aanbieder", "raad", "beheerder"])
def test_only_the_regional_team_creates_or_edits_agreements(login, users, agreement, role):
    client = login(users[role])
    assert client.get(reverse("contracten:agreement_new")).status_code == 403
    data = {
        "name": "X",
        "laws": ["wmo"],
        "valid_from": "2027-01-01",
        "extension_options": "0",
        "extension_months": "12",
    }
    assert client.post(reverse("contracten:agreement_new"), data).status_code == 403
    assert (
        client.post(reverse("contracten:agreement_edit", args=[agreement.pk]), data).status_code
        == 403
    )
    agreement.refresh_from_db()
    assert agreement.name != "X"


def test_a_future_admission_reads_active_from_its_start_on_the_date_looked_at(
    login, users, agreement, product, apeldoorn
):
    """Issue 17 point 4: entered today with a start next year, an admission is not "actief"
    yet: the register and the admission page say from when, and on a later reference date
    of the register it is simply active; after its end it reads ended."""
    future = AdmissionFactory(
        agreement=agreement,
        product=product,
        municipality=apeldoorn,
        active=True,
        valid_from=dt.date.today().replace(month=1, day=1).replace(year=dt.date.today().year + 1),
        valid_until=None,
    )
    client = login(users["regio"])
    starts = f"actief vanaf 1 januari {future.valid_from.year}"
    assert starts in client.get(reverse("contracten:index")).content.decode()
    assert starts in client.get(reverse("contracten:admission", args=[future.pk])).content.decode()
    later = client.get(reverse("contracten:index"), {"day": future.valid_from.isoformat()})
    body = later.content.decode()
    assert "actief vanaf" not in body and ">actief<" in body
    past = AdmissionFactory(
        agreement=agreement,
        product=product,
        municipality=apeldoorn,
        active=True,
        valid_from=D(2020, 1, 1),
        valid_until=D(2021, 12, 31),
    )
    page = client.get(reverse("contracten:admission", args=[past.pk])).content.decode()
    assert "beëindigd op 31 december 2021" in page
