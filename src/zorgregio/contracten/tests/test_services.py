import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zorgregio.audit.selectors import audit_events_for
from zorgregio.contracten import services
from zorgregio.contracten.models import (
    Admission,
    AdmissionStatus,
    AmendmentChangeKind,
    AmendmentParty,
    AmendmentStatus,
    ConsentStatus,
    Evidence,
    EvidenceKind,
    EvidenceRequest,
)
from zorgregio.contracten.selectors import admitted, expiring_evidence
from zorgregio.producten.models import PurchaseMode

from .factories import AdmissionFactory, ProductFactory, PurchaseFactory

D = dt.date


def create(users, agreement, provider, municipality, product, **kwargs):
    return services.admission_create(
        actor=users["regio"],
        agreement=agreement,
        provider=provider,
        municipality=municipality,
        product=product,
        **{"valid_from": D(2026, 1, 1), **kwargs},
    )


class TestAdmissionCreate:
    def test_creates_a_draft_until_the_agreement_ends_and_audits(
        self, users, agreement, provider, product, apeldoorn
    ):
        admission = create(users, agreement, provider, apeldoorn, product)
        assert admission.status == AdmissionStatus.CONCEPT
        assert admission.valid_until == agreement.valid_until
        event = audit_events_for(admission).get()
        assert event.actor == users["regio"] and event.after["status"] == "concept"

    def test_active_at_once_records_the_transition(
        self, users, agreement, provider, product, apeldoorn
    ):
        admission = create(
            users,
            agreement,
            provider,
            apeldoorn,
            product,
            active=True,
            reason="Toegelaten na inschrijving",
        )
        transition = admission.transitions.get()
        assert (transition.from_status, transition.to_status) == ("concept", "actief")
        assert transition.effective_on == D(2026, 1, 1) and transition.actor == users["regio"]

    def test_not_bought_regionally_in_that_period(
        self, users, agreement, provider, product, zutphen
    ):
        # Zutphen buys the product regionally only from 1-7-2026.
        with pytest.raises(ValidationError) as exc:
            create(users, agreement, provider, zutphen, product)
        message = exc.value.message_dict["product"][0]
        assert "Zutphen" in message and "1-1-2026" in message and "regionaal" in message
        assert not Admission.objects.exists()
        ok = create(users, agreement, provider, zutphen, product, valid_from=D(2026, 7, 1))
        assert ok.valid_from == D(2026, 7, 1)

    def test_locally_bought_product_is_refused(self, users, agreement, provider, group, apeldoorn):
        local = ProductFactory(group=group)
        PurchaseFactory(product=local, municipality=apeldoorn, mode=PurchaseMode.LOCAL)
        with pytest.raises(ValidationError):
            create(users, agreement, provider, apeldoorn, local)

    def test_a_gap_in_the_purchase_is_found(self, users, agreement, provider, group, apeldoorn):
        gappy = ProductFactory(group=group)
        PurchaseFactory(product=gappy, municipality=apeldoorn, valid_until=D(2026, 12, 31))
        PurchaseFactory(product=gappy, municipality=apeldoorn, valid_from=D(2027, 2, 1))
        with pytest.raises(ValidationError) as exc:
            create(users, agreement, provider, apeldoorn, gappy)
        assert "1-1-2027" in exc.value.message_dict["product"][0]

    def test_overlap_with_product_or_group_admission(
        self, users, agreement, provider, product, group, apeldoorn
    ):
        create(users, agreement, provider, apeldoorn, product, valid_until=D(2026, 12, 31))
        with pytest.raises(ValidationError) as exc:
            create(users, agreement, provider, apeldoorn, product, valid_from=D(2026, 12, 31))
        assert "overlapt" in exc.value.message_dict["valid_from"][0]
        with pytest.raises(ValidationError):
            services.admission_create(
                actor=users["regio"],
                agreement=agreement,
                provider=provider,
                municipality=apeldoorn,
                product_group=group,
                valid_from=D(2026, 6, 1),
            )
        # The day after the end is free.
        create(users, agreement, provider, apeldoorn, product, valid_from=D(2027, 1, 1))
        assert Admission.objects.count() == 2

    def test_outside_the_agreement(self, users, agreement, provider, product, apeldoorn):
        with pytest.raises(ValidationError):
            create(users, agreement, provider, apeldoorn, product, valid_from=D(2025, 12, 31))
        with pytest.raises(ValidationError):
            create(users, agreement, provider, apeldoorn, product, valid_until=D(2031, 1, 1))

    def test_only_the_regional_team(self, users, agreement, provider, product, apeldoorn):
        for role in ("gemeente", "aanbieder", "raad"):
            with pytest.raises(PermissionDenied):
                services.admission_create(
                    actor=users[role],
                    agreement=agreement,
                    provider=provider,
                    municipality=apeldoorn,
                    product=product,
                    valid_from=D(2026, 1, 1),
                )


class TestAdmissionTransition:
    @pytest.fixture
    def admission(self, users, agreement, provider, product, apeldoorn):
        return create(users, agreement, provider, apeldoorn, product)

    def move(self, users, admission, to, day, reason="besluit"):
        return services.admission_transition(
            actor=users["regio"],
            admission=admission,
            to_status=to,
            effective_on=day,
            reason=reason,
        )

    def test_activating_later_moves_the_start(self, users, admission, provider, product, apeldoorn):
        self.move(users, admission, AdmissionStatus.ACTIVE, D(2026, 2, 1))
        admission.refresh_from_db()
        assert admission.valid_from == D(2026, 2, 1) and admission.activated_on == D(2026, 2, 1)
        assert not admitted(provider.pk, product.pk, apeldoorn.pk, D(2026, 1, 31))
        assert admitted(provider.pk, product.pk, apeldoorn.pk, D(2026, 2, 1))

    def test_client_stop_still_allows_delivery_and_ending_cuts_the_period(
        self, users, admission, provider, product, apeldoorn
    ):
        self.move(users, admission, AdmissionStatus.ACTIVE, D(2026, 1, 1))
        self.move(users, admission, AdmissionStatus.CLIENT_STOP, D(2026, 5, 1))
        assert admitted(provider.pk, product.pk, apeldoorn.pk, D(2026, 6, 1))
        self.move(users, admission, AdmissionStatus.ENDED, D(2026, 7, 1))
        admission.refresh_from_db()
        assert admission.valid_until == D(2026, 6, 30)
        assert admitted(provider.pk, product.pk, apeldoorn.pk, D(2026, 6, 30))
        assert not admitted(provider.pk, product.pk, apeldoorn.pk, D(2026, 7, 1))
        steps = list(admission.transitions.values_list("from_status", "to_status", "effective_on"))
        assert steps == [
            ("concept", "actief", D(2026, 1, 1)),
            ("actief", "clientenstop", D(2026, 5, 1)),
            ("clientenstop", "beeindigd", D(2026, 7, 1)),
        ]
        events = audit_events_for(admission).filter(action="transition")
        assert events.count() == 3
        assert events.first().before["status"] == "clientenstop"
        assert events.first().after["valid_until"] == "2026-06-30"

    def test_forbidden_transition_changes_nothing(self, users, admission):
        with pytest.raises(ValidationError) as exc:
            self.move(users, admission, AdmissionStatus.CLIENT_STOP, D(2026, 3, 1))
        assert "status" in exc.value.message_dict
        admission.refresh_from_db()
        assert admission.status == AdmissionStatus.CONCEPT
        assert not admission.transitions.exists()

    def test_ended_is_final(self, users, admission):
        self.move(users, admission, AdmissionStatus.ENDED, D(2026, 3, 1))
        with pytest.raises(ValidationError):
            self.move(users, admission, AdmissionStatus.ACTIVE, D(2026, 4, 1))

    def test_reason_and_date_are_required(self, users, admission):
        with pytest.raises(ValidationError) as exc:
            self.move(users, admission, AdmissionStatus.ACTIVE, D(2026, 3, 1), reason=" ")
        assert "reason" in exc.value.message_dict
        with pytest.raises(ValidationError) as exc:
            self.move(users, admission, AdmissionStatus.ACTIVE, D(2025, 12, 31))
        assert "effective_on" in exc.value.message_dict

    def test_ending_on_the_start_date_means_it_never_applied(
        self, users, admission, provider, product, apeldoorn
    ):
        self.move(users, admission, AdmissionStatus.ACTIVE, D(2026, 1, 1))
        self.move(users, admission, AdmissionStatus.ENDED, D(2026, 1, 1))
        assert not admitted(provider.pk, product.pk, apeldoorn.pk, D(2026, 1, 1))


class TestAgreement:
    def test_three_extensions_of_24_months_then_no_more(
        self, users, agreement, provider, product, apeldoorn
    ):
        admission = create(users, agreement, provider, apeldoorn, product)
        ends = []
        for year in (2030, 2032, 2034):
            services.agreement_extend(
                actor=users["regio"], agreement=agreement, exercised_on=D(year, 6, 1)
            )
            agreement.refresh_from_db()
            ends.append(agreement.valid_until)
        assert ends == [D(2032, 12, 31), D(2034, 12, 31), D(2036, 12, 31)]
        admission.refresh_from_db()
        assert admission.valid_until == D(2036, 12, 31)
        with pytest.raises(ValidationError) as exc:
            services.agreement_extend(
                actor=users["regio"], agreement=agreement, exercised_on=D(2036, 6, 1)
            )
        assert "3" in exc.value.message_dict["extension"][0]
        assert agreement.extensions.count() == 3

    def test_extension_after_the_end_is_refused(self, users, agreement):
        with pytest.raises(ValidationError):
            services.agreement_extend(
                actor=users["regio"], agreement=agreement, exercised_on=D(2031, 1, 1)
            )

    def test_document_versions_count_up(self, users, agreement):
        first = services.agreement_add_document(
            actor=users["regio"],
            agreement=agreement,
            title="Overeenkomst",
            valid_from=D(2026, 1, 1),
        )
        second = services.agreement_add_document(
            actor=users["regio"],
            agreement=agreement,
            title="Overeenkomst",
            valid_from=D(2027, 1, 1),
        )
        other = services.agreement_add_document(
            actor=users["regio"],
            agreement=agreement,
            title="Productenboek",
            valid_from=D(2026, 1, 1),
        )
        assert (first.version, second.version, other.version) == (1, 2, 1)


class TestAmendments:
    def propose(self, actor, agreement, provider, municipality, product, day, **kwargs):
        return services.amendment_propose(
            actor=actor,
            agreement=agreement,
            provider=provider,
            title="Uitbreiding Zutphen",
            motivation="Wachtlijst in Zutphen",
            effective_date=day,
            changes=[
                {"kind": AmendmentChangeKind.ADD, "product": product, "municipality": municipality}
            ],
            **kwargs,
        )

    def test_provider_proposal_accepted_changes_the_register_from_the_effective_date(
        self, users, agreement, product, zutphen
    ):
        own = users["aanbieder"].provider
        amendment = self.propose(
            users["aanbieder"], agreement, own, zutphen, product, D(2026, 9, 1)
        )
        assert amendment.proposed_by == AmendmentParty.PROVIDER
        assert amendment.status == AmendmentStatus.SUBMITTED
        assert not admitted(own.pk, product.pk, zutphen.pk, D(2026, 9, 1))
        services.amendment_decide(
            actor=users["regio"], amendment=amendment, to_status=AmendmentStatus.IN_REVIEW
        )
        services.amendment_decide(
            actor=users["regio"],
            amendment=amendment,
            to_status=AmendmentStatus.ACCEPTED,
            note="Akkoord",
        )
        assert not admitted(own.pk, product.pk, zutphen.pk, D(2026, 8, 31))
        assert admitted(own.pk, product.pk, zutphen.pk, D(2026, 9, 1))
        change = amendment.changes.get()
        assert change.admission.status == AdmissionStatus.ACTIVE
        assert [e.action for e in audit_events_for(amendment)] == [
            "decision",
            "transition",
            "create",
        ]

    def test_end_change_ends_the_admission_the_day_before(
        self, users, agreement, provider, product, apeldoorn
    ):
        admission = create(
            users, agreement, provider, apeldoorn, product, active=True, reason="start"
        )
        amendment = services.amendment_propose(
            actor=users["regio"],
            agreement=agreement,
            provider=provider,
            title="Beëindiging",
            motivation="Verzoek aanbieder",
            effective_date=D(2027, 1, 1),
            changes=[{"kind": AmendmentChangeKind.END, "admission": admission}],
        )
        assert amendment.proposed_by == AmendmentParty.REGION
        services.amendment_decide(
            actor=users["regio"], amendment=amendment, to_status=AmendmentStatus.ACCEPTED
        )
        admission.refresh_from_db()
        assert admission.status == AdmissionStatus.ENDED
        assert admission.valid_until == D(2026, 12, 31)

    def test_effective_before_the_agreement_starts(self, users, agreement, product, zutphen):
        own = users["aanbieder"].provider
        with pytest.raises(ValidationError) as exc:
            self.propose(users["aanbieder"], agreement, own, zutphen, product, D(2025, 12, 31))
        assert "1-1-2026" in exc.value.message_dict["effective_date"][0]

    def test_provider_proposes_for_its_own_contract_only(
        self, users, agreement, provider, product, zutphen
    ):
        with pytest.raises(PermissionDenied):
            self.propose(users["aanbieder"], agreement, provider, zutphen, product, D(2026, 9, 1))

    def test_acceptance_that_cannot_be_applied_changes_nothing(
        self, users, agreement, product, zutphen
    ):
        own = users["aanbieder"].provider
        # Zutphen buys regionally only from 1-7-2026: an addition from 1-3-2026 cannot apply.
        amendment = self.propose(
            users["aanbieder"], agreement, own, zutphen, product, D(2026, 3, 1)
        )
        with pytest.raises(ValidationError) as exc:
            services.amendment_decide(
                actor=users["regio"], amendment=amendment, to_status=AmendmentStatus.ACCEPTED
            )
        assert "Wijziging 1" in exc.value.message_dict["changes"][0]
        amendment.refresh_from_db()
        assert amendment.status == AmendmentStatus.SUBMITTED
        assert not Admission.objects.exists()

    def test_rejection_needs_a_reason_and_is_final(self, users, agreement, product, zutphen):
        own = users["aanbieder"].provider
        amendment = self.propose(
            users["aanbieder"], agreement, own, zutphen, product, D(2026, 9, 1)
        )
        with pytest.raises(ValidationError):
            services.amendment_decide(
                actor=users["regio"], amendment=amendment, to_status=AmendmentStatus.REJECTED
            )
        services.amendment_decide(
            actor=users["regio"],
            amendment=amendment,
            to_status=AmendmentStatus.REJECTED,
            note="Voldoende aanbod",
        )
        with pytest.raises(ValidationError):
            services.amendment_decide(
                actor=users["regio"], amendment=amendment, to_status=AmendmentStatus.ACCEPTED
            )

    def test_provider_cannot_decide(self, users, agreement, product, zutphen):
        own = users["aanbieder"].provider
        amendment = self.propose(
            users["aanbieder"], agreement, own, zutphen, product, D(2026, 9, 1)
        )
        with pytest.raises(PermissionDenied):
            services.amendment_decide(
                actor=users["aanbieder"], amendment=amendment, to_status=AmendmentStatus.ACCEPTED
            )


class TestDossier:
    TODAY = D(2026, 11, 23)

    def add(self, users, provider, kind, issued, **kwargs):
        return services.evidence_add(
            actor=users["regio"],
            provider=provider,
            kind=kind,
            issued_on=issued,
            today=self.TODAY,
            **kwargs,
        )

    @pytest.mark.parametrize(
        "kind,months",
        [
            (EvidenceKind.GEDRAGSVERKLARING, 24),
            (EvidenceKind.BELASTINGDIENST, 6),
            (EvidenceKind.KVK_EXTRACT, 6),
            (EvidenceKind.VOG, 12),
        ],
    )
    def test_maximum_age(self, users, provider, kind, months):
        issued = D(2026, 6, 1)
        evidence = self.add(users, provider, kind, issued)
        end_month = issued.month - 1 + months
        expected = D(issued.year + end_month // 12, end_month % 12 + 1, 1) - dt.timedelta(days=1)
        assert evidence.expires_on == expected

    def test_evidence_dated_in_the_future_is_refused(self, users, provider):
        with pytest.raises(ValidationError) as exc:
            self.add(users, provider, EvidenceKind.VOG, D(2026, 11, 24))
        assert "24-11-2026" in exc.value.message_dict["issued_on"][0]
        assert not Evidence.objects.exists()

    def test_too_old_on_receipt_is_refused(self, users, provider):
        with pytest.raises(ValidationError):
            self.add(users, provider, EvidenceKind.KVK_EXTRACT, D(2026, 5, 22))
        self.add(users, provider, EvidenceKind.KVK_EXTRACT, D(2026, 5, 24))

    def test_certificate_needs_its_own_end(self, users, provider):
        with pytest.raises(ValidationError):
            self.add(users, provider, EvidenceKind.CERTIFICATE, D(2026, 1, 1))
        item = self.add(
            users, provider, EvidenceKind.CERTIFICATE, D(2026, 1, 1), expires_on=D(2028, 12, 31)
        )
        assert item.expires_on == D(2028, 12, 31)

    def test_worklist_requests_renewal_once_and_new_evidence_fulfils_it(self, users, provider):
        self.add(users, provider, EvidenceKind.BELASTINGDIENST, D(2026, 7, 1))  # ends 31-12-2026
        self.add(users, provider, EvidenceKind.GEDRAGSVERKLARING, D(2026, 7, 1))  # ends 2028
        worklist = list(expiring_evidence(users["regio"], self.TODAY, within_days=60))
        assert [e.kind for e in worklist] == [EvidenceKind.BELASTINGDIENST]
        assert services.evidence_request_expiring(actor=users["regio"], today=self.TODAY) == 1
        assert services.evidence_request_expiring(actor=users["regio"], today=self.TODAY) == 0
        request = EvidenceRequest.objects.get()
        assert request.due_on == D(2026, 12, 31)
        new = self.add(users, provider, EvidenceKind.BELASTINGDIENST, D(2026, 11, 20))
        request.refresh_from_db()
        assert request.fulfilled_by == new
        assert list(expiring_evidence(users["regio"], self.TODAY, within_days=60)) == []

    def test_provider_keeps_its_own_dossier_only(self, users, provider):
        own = users["aanbieder"].provider
        services.evidence_add(
            actor=users["aanbieder"],
            provider=own,
            kind=EvidenceKind.VOG,
            issued_on=D(2026, 1, 5),
            today=self.TODAY,
        )
        with pytest.raises(PermissionDenied):
            services.evidence_add(
                actor=users["aanbieder"],
                provider=provider,
                kind=EvidenceKind.VOG,
                issued_on=D(2026, 1, 5),
                today=self.TODAY,
            )


class TestBridgingAndSubcontractors:
    def test_bridging_needs_an_end_after_the_start(self, users, agreement, provider, apeldoorn):
        with pytest.raises(ValidationError):
            services.bridging_create(
                actor=users["regio"],
                agreement=agreement,
                provider=provider,
                municipality=apeldoorn,
                valid_from=D(2026, 1, 1),
                valid_until=D(2025, 12, 31),
                reason="continuïteit",
            )
        bridging = services.bridging_create(
            actor=users["regio"],
            agreement=agreement,
            provider=provider,
            municipality=apeldoorn,
            valid_from=D(2026, 1, 1),
            valid_until=D(2026, 6, 30),
            reason="continuïteit",
            client_count=4,
        )
        assert bridging.client_count == 4 and audit_events_for(bridging).count() == 1

    def test_subcontractor_consent(self, users, agreement):
        own = users["aanbieder"].provider
        with pytest.raises(ValidationError):
            services.subcontractor_register(
                actor=users["aanbieder"],
                agreement=agreement,
                main_provider=own,
                name="Hulp BV",
                kvk_number="12",
            )
        sub = services.subcontractor_register(
            actor=users["aanbieder"],
            agreement=agreement,
            main_provider=own,
            name="Hulp BV",
            kvk_number="12345678",
        )
        assert sub.status == ConsentStatus.REQUESTED
        with pytest.raises(PermissionDenied):
            services.subcontractor_decide(
                actor=users["aanbieder"],
                subcontractor=sub,
                to_status=ConsentStatus.GRANTED,
                decided_on=D(2026, 2, 1),
            )
        services.subcontractor_decide(
            actor=users["regio"],
            subcontractor=sub,
            to_status=ConsentStatus.GRANTED,
            decided_on=D(2026, 2, 1),
        )
        with pytest.raises(ValidationError):
            services.subcontractor_decide(
                actor=users["regio"],
                subcontractor=sub,
                to_status=ConsentStatus.REFUSED,
                decided_on=D(2026, 3, 1),
                note="nee",
            )

    def test_ceiling_must_be_positive(self, users, provider, apeldoorn):
        with pytest.raises(ValidationError):
            services.ceiling_set(
                actor=users["regio"],
                provider=provider,
                municipality=apeldoorn,
                year=2026,
                amount_cents=0,
            )
        first = services.ceiling_set(
            actor=users["regio"],
            provider=provider,
            municipality=apeldoorn,
            year=2026,
            amount_cents=500_00,
        )
        again = services.ceiling_set(
            actor=users["regio"],
            provider=provider,
            municipality=apeldoorn,
            year=2026,
            amount_cents=600_00,
        )
        assert first.pk == again.pk
        event = audit_events_for(again).first()
        assert (event.before["amount_cents"], event.after["amount_cents"]) == (500_00, 600_00)


def test_factories_used(provider, product, apeldoorn):
    assert AdmissionFactory(provider=provider, product=product, municipality=apeldoorn).pk


def test_daily_command_requests_renewals(users, provider):
    from io import StringIO

    from django.core.management import call_command
    from django.utils import timezone

    today = timezone.localdate()
    services.evidence_add(
        actor=users["regio"],
        provider=provider,
        kind=EvidenceKind.KVK_EXTRACT,
        issued_on=today - dt.timedelta(days=160),
        today=today,
    )
    out = StringIO()
    call_command("contracten_evidence_requests", "--days", "60", stdout=out)
    assert "1 verzoeken" in out.getvalue()
    assert EvidenceRequest.objects.get().provider == provider


def test_intake_stop_at_the_ceiling_stops_new_clients_in_that_municipality_only(
    users, agreement, provider, product, group, apeldoorn, zutphen
):
    from zorgregio.contracten.models import SpendingCeiling

    other = ProductFactory(group=group)
    PurchaseFactory(product=other, municipality=apeldoorn)
    here = [
        create(users, agreement, provider, apeldoorn, p, active=True, reason="start")
        for p in (product, other)
    ]
    there = create(
        users,
        agreement,
        provider,
        zutphen,
        product,
        valid_from=D(2026, 7, 1),
        active=True,
        reason="start",
    )
    ceiling = SpendingCeiling.objects.create(
        provider=provider, municipality=apeldoorn, year=2026, amount_cents=100_00
    )
    stopped = services.ceiling_intake_stop(
        actor=users["regio"], ceiling=ceiling, effective_on=D(2026, 10, 1)
    )
    assert {a.pk for a in stopped} == {a.pk for a in here}
    for admission in here:
        admission.refresh_from_db()
        assert admission.status == AdmissionStatus.CLIENT_STOP
        last = admission.transitions.last()
        assert last.effective_on == D(2026, 10, 1) and "1.5" in last.reason
    there.refresh_from_db()
    assert there.status == AdmissionStatus.ACTIVE
    ceiling.refresh_from_db()
    assert ceiling.intake_stop
    # Existing clients' care may still be declared.
    assert admitted(provider.pk, product.pk, apeldoorn.pk, D(2026, 11, 1))
