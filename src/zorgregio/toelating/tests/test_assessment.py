"""The region's side: three steps, four eyes, evidence requests with their term, the decision
with its letter, objections, and the final decision that writes the register."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from zorgregio.accounts.tests.factories import UserFactory
from zorgregio.contracten.models import Admission, AdmissionStatus
from zorgregio.contracten.tests.factories import AdmissionFactory
from zorgregio.producten.tests.test_exports import pdf_text
from zorgregio.toelating import selectors, services, storage
from zorgregio.toelating.models import (
    ApplicationStatus,
    DecisionAdmission,
    DecisionStatus,
    LineOutcome,
    ObjectionKind,
    RequestStatus,
    VerdictOutcome,
)

from .factories import DAY, assess_everything, pdf_upload, record_step, submitted_application

pytestmark = pytest.mark.django_db
MET, NOT_MET = VerdictOutcome.MET, VerdictOutcome.NOT_MET


def messages(info) -> str:
    return " ".join(info.value.messages)


@pytest.fixture
def application(procedure, catalogue, requirements, provider, apeldoorn, zutphen):
    """Submitted: Begeleiding Licht and Basis in Apeldoorn and Zutphen."""
    return submitted_application(procedure, catalogue, requirements, provider, [apeldoorn, zutphen])


@pytest.fixture
def assessing(application, members):
    services.assessment_start(actor=members[0], application=application, assessors=members)
    application.refresh_from_db()
    return application


def start(days=40):
    return timezone.localdate() + days * DAY


# --- the committee and four eyes -------------------------------------------------------------


def test_the_assessment_needs_two_committee_members(application, members, region):
    with pytest.raises(ValidationError) as info:
        services.assessment_start(actor=members[0], application=application, assessors=members[:1])
    assert "vier ogen" in messages(info)
    outsider = UserFactory(regional_team=True, region=region)
    with pytest.raises(ValidationError) as info:
        services.assessment_start(
            actor=members[0], application=application, assessors=[members[0], outsider]
        )
    assert "beoordelingscommissie" in messages(info)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED and not application.assessors.exists()


@pytest.mark.parametrize("role", ["gemeente", "aanbieder", "raad", "beheerder"])
def test_only_the_regional_team_assesses(application, members, users, role):
    with pytest.raises(PermissionDenied):
        services.assessment_start(actor=users[role], application=application, assessors=members)


def test_one_assessor_deciding_alone_is_refused(assessing, members):
    for step in (1, 2, 3):
        record_step(assessing, members[0], step)
    with pytest.raises(ValidationError) as info:
        services.decision_take(
            actor=members[0], application=assessing, motivation="Akkoord.", start_date=start()
        )
    text = messages(info)
    assert "vier ogen" in text and members[1].username in text
    assert not assessing.decisions.exists()
    assessing.refresh_from_db()
    assert assessing.status == ApplicationStatus.IN_ASSESSMENT


def test_a_regional_user_who_is_no_assessor_cannot_decide(assessing, members, region):
    assess_everything(assessing, members)
    other = UserFactory(regional_team=True, region=region)
    with pytest.raises(PermissionDenied):
        services.decision_take(
            actor=other, application=assessing, motivation="Akkoord.", start_date=start()
        )
    with pytest.raises(PermissionDenied):
        record_step(assessing, other, 1)


def test_disagreement_keeps_the_decision_open(assessing, members):
    assess_everything(assessing, members[:1])
    assess_everything(assessing, members[1:], not_met={"G3": "Werkwijze te vaag."})
    with pytest.raises(ValidationError) as info:
        services.decision_take(
            actor=members[0], application=assessing, motivation="x", start_date=start()
        )
    assert "G3" in messages(info) and "oneens" in messages(info)


def test_steps_are_recorded_in_order_and_not_met_needs_a_motivation(assessing, members):
    with pytest.raises(ValidationError) as info:
        record_step(assessing, members[0], 2)
    assert "stap 1" in messages(info)
    with pytest.raises(ValidationError) as info:
        record_step(assessing, members[0], 1, not_met={"UEA": ""})
    assert "UEA" in messages(info) and "motiveer" in messages(info).lower()
    assert not assessing.verdicts.exists()


# --- decisions ------------------------------------------------------------------------------


def test_a_decision_without_motivation_is_refused(assessing, members):
    assess_everything(assessing, members)
    with pytest.raises(ValidationError) as info:
        services.decision_take(
            actor=members[0], application=assessing, motivation="  ", start_date=start()
        )
    assert "motivering" in messages(info)
    assert not assessing.decisions.exists()


def test_the_admissions_start_after_the_objection_period(assessing, members):
    assess_everything(assessing, members)
    with pytest.raises(ValidationError) as info:
        services.decision_take(
            actor=members[0], application=assessing, motivation="Ok", start_date=start(20)
        )
    assert "bezwaartermijn" in messages(info)


def test_refusal_per_group_and_municipality_drawn_from_the_verdicts(
    procedure, catalogue, requirements, provider, apeldoorn, members
):
    # Begeleiding (lot 1, with S1G1) and HH (lot 2) in Apeldoorn; S1G1 is not met.
    from zorgregio.toelating.tests.factories import complete_answers

    application = services.application_start(actor=None, procedure=procedure, provider=provider)
    services.application_set_lines(
        actor=None,
        application=application,
        pairs=[(catalogue.licht, apeldoorn), (catalogue.hh1, apeldoorn)],
    )
    services.application_update(
        actor=None,
        application=application,
        participation="zelfstandig",
        contact_name="A",
        contact_email="a@x.nl",
    )
    complete_answers(application, requirements)
    services.evidence_upload(
        actor=None,
        application=application,
        requirement=requirements["KVK"],
        upload=pdf_upload(),
        issued_on=timezone.localdate(),
    )
    application = services.application_submit(actor=None, application=application)
    services.assessment_start(actor=members[0], application=application, assessors=members)
    reason = "Het opleidingsniveau ontbreekt."
    assess_everything(application, members, not_met={"S1G1": reason})
    decision = services.decision_take(
        actor=members[1], application=application, motivation="Zie per perceel.", start_date=start()
    )
    lines = {line.product_group.code: line for line in decision.lines.all()}
    assert lines["hh"].outcome == LineOutcome.ADMITTED and lines["hh"].start_date == start()
    refused = lines["begeleiding"]
    assert refused.outcome == LineOutcome.REFUSED and refused.start_date is None
    assert "S1G1" in refused.motivation and reason in refused.motivation
    letter = pdf_text(storage.read_bytes(decision.letter_key))
    for text in (
        "S1G1",
        "Geschillencommissie Sociaal Domein",
        "20 kalenderdagen",
        "Rechtbank Gelderland",
    ):
        assert text in letter.replace("\n", " ") or text in letter


def test_a_step_one_failure_refuses_without_the_later_steps(assessing, members):
    for assessor in members:
        record_step(assessing, assessor, 1, not_met={"UEA": "Uitsluitingsgrond: faillissement."})
    decision = services.decision_take(
        actor=members[0], application=assessing, motivation="Uitsluitingsgrond.", start_date=start()
    )
    assert set(decision.lines.values_list("outcome", flat=True)) == {LineOutcome.REFUSED}


# --- evidence requests -----------------------------------------------------------------------


def test_evidence_request_has_a_14_day_term_and_blocks_the_decision_until_due(
    assessing, members, requirements, users
):
    today = timezone.localdate()
    assess_everything(assessing, members)
    request = services.evidence_request(
        actor=members[0],
        application=assessing,
        requirement=requirements["GVA"],
        description="GVA graag.",
    )
    assert request.due_on == today + 14 * DAY
    assessing.refresh_from_db()
    assert assessing.status == ApplicationStatus.EVIDENCE_REQUESTED
    with pytest.raises(ValidationError) as info:
        services.decision_take(
            actor=members[0], application=assessing, motivation="x", start_date=start()
        )
    assert "GVA" in messages(info)
    # Supplied within the term: back in assessment.
    services.evidence_supply(
        actor=users["aanbieder"],
        request=request,
        upload=pdf_upload("gva.pdf"),
        issued_on=today - 300 * DAY,
    )
    request.refresh_from_db()
    assessing.refresh_from_db()
    assert request.status == RequestStatus.FULFILLED and request.fulfilled_on == today
    assert assessing.status == ApplicationStatus.IN_ASSESSMENT
    assert assessing.evidence_files.get(request=request).received_on == today


def test_evidence_after_the_term_is_refused_and_overdue_allows_the_decision(
    assessing, members, requirements, users
):
    today = timezone.localdate()
    assess_everything(assessing, members)
    request = services.evidence_request(
        actor=members[0],
        application=assessing,
        requirement=requirements["GVA"],
        description="GVA graag.",
        today=today - 15 * DAY,
    )
    assert request.due_on == today - DAY
    with pytest.raises(ValidationError) as info:
        services.evidence_supply(
            actor=users["aanbieder"], request=request, upload=pdf_upload(), issued_on=today
        )
    assert "termijn" in messages(info)
    assert not assessing.evidence_files.filter(request=request).exists()
    due = selectors.requests_of(assessing, today)
    assert due[0].overdue and due[0].overdue_days == 1
    decision = services.decision_take(
        actor=members[0], application=assessing, motivation="Ok", start_date=start()
    )
    request.refresh_from_db()
    assert request.status == RequestStatus.LAPSED and decision.status == DecisionStatus.PROPOSED


def test_requested_evidence_too_old_on_receipt_is_refused(assessing, members, requirements, users):
    today = timezone.localdate()
    request = services.evidence_request(
        actor=members[0], application=assessing, requirement=requirements["GVA"], description="GVA"
    )
    old = today.replace(year=today.year - 2) - DAY
    with pytest.raises(ValidationError) as info:
        services.evidence_supply(
            actor=users["aanbieder"], request=request, upload=pdf_upload(), issued_on=old
        )
    assert "24 maanden" in messages(info)
    request.refresh_from_db()
    assert request.status == RequestStatus.OPEN


# --- final decisions and the register ---------------------------------------------------------


@pytest.fixture
def decided(assessing, members):
    assess_everything(assessing, members)
    return services.decision_take(
        actor=members[1], application=assessing, motivation="Alles voldaan.", start_date=start()
    )


def test_the_decision_becomes_final_after_the_objection_period_and_writes_the_register(
    decided, provider, catalogue, apeldoorn, zutphen
):
    until = decided.objection_until
    with pytest.raises(ValidationError) as info:
        services.decision_finalise(decision=decided, today=until)
    assert "bezwaartermijn" in messages(info)
    assert not Admission.objects.filter(provider=provider).exists()
    done, failed = services.decisions_finalise_due(today=until + DAY)
    assert [d.pk for d in done] == [decided.pk] and failed == []
    decided.refresh_from_db()
    assert decided.status == DecisionStatus.FINAL and decided.finalised_on == until + DAY
    admissions = Admission.objects.filter(provider=provider)
    expected = {
        (p.pk, m.pk) for p in (catalogue.licht, catalogue.basis) for m in (apeldoorn, zutphen)
    }
    assert set(admissions.values_list("product_id", "municipality_id")) == expected
    assert {a.valid_from for a in admissions} == {decided.start_date}
    assert {a.status for a in admissions} == {AdmissionStatus.ACTIVE}
    assert DecisionAdmission.objects.filter(admission__in=admissions).count() == 4
    assert decided.application.status == ApplicationStatus.FINAL
    # Running it again changes nothing.
    assert services.decisions_finalise_due(today=until + 5 * DAY) == ([], [])


def test_an_objection_within_the_period_stops_finalisation(decided, users, members):
    objection = services.objection_lodge(
        actor=users["aanbieder"], decision=decided, kind=ObjectionKind.COMPLAINT, grounds="Oneens."
    )
    decided.refresh_from_db()
    assert decided.status == DecisionStatus.OBJECTION
    assert services.decisions_finalise_due(today=decided.objection_until + DAY) == ([], [])
    # Dismissed after the period: final at once.
    services.objection_handle(
        actor=members[0],
        objection=objection,
        upheld=False,
        note="Ongegrond.",
        today=decided.objection_until + DAY,
    )
    decided.refresh_from_db()
    assert decided.status == DecisionStatus.FINAL
    assert Admission.objects.filter(admission_origin__line__decision=decided).count() == 4


def test_an_objection_dismissed_within_the_period_waits_for_its_end(decided, users, members):
    objection = services.objection_lodge(
        actor=users["aanbieder"],
        decision=decided,
        kind=ObjectionKind.SUMMARY,
        grounds="Kort geding.",
    )
    services.objection_handle(
        actor=members[0], objection=objection, upheld=False, note="Ongegrond."
    )
    decided.refresh_from_db()
    assert decided.status == DecisionStatus.PROPOSED
    assert not Admission.objects.filter(admission_origin__line__decision=decided).exists()


def test_an_upheld_objection_withdraws_the_decision_and_reopens_the_assessment(
    decided, users, members
):
    objection = services.objection_lodge(
        actor=users["aanbieder"], decision=decided, kind=ObjectionKind.COMPLAINT, grounds="Fout."
    )
    services.objection_handle(actor=members[0], objection=objection, upheld=True, note="Gegrond.")
    decided.refresh_from_db()
    assert decided.status == DecisionStatus.WITHDRAWN
    assert decided.application.status == ApplicationStatus.IN_ASSESSMENT
    second = services.decision_take(
        actor=members[0], application=decided.application, motivation="Opnieuw.", start_date=start()
    )
    assert second.number == 2


def test_an_objection_after_the_period_is_refused(decided, users):
    with pytest.raises(ValidationError) as info:
        services.objection_lodge(
            actor=users["aanbieder"],
            decision=decided,
            kind=ObjectionKind.COMPLAINT,
            grounds="Te laat.",
            today=decided.objection_until + DAY,
        )
    assert "bezwaartermijn" in messages(info)
    assert not decided.objections.exists()


def test_another_provider_cannot_object(decided, other_provider, region):
    stranger = UserFactory(provider_user=True, provider=other_provider, region=region)
    with pytest.raises(PermissionDenied):
        services.objection_lodge(actor=stranger, decision=decided, kind="klacht", grounds="x")


def test_a_register_conflict_leaves_the_decision_proposed_and_nothing_half(
    decided, provider, catalogue, zutphen
):
    # Meanwhile the provider got Basis in Zutphen another way: the register refuses an overlap.
    AdmissionFactory(
        agreement=decided.application.procedure.agreement,
        provider=provider,
        product=catalogue.basis,
        municipality=zutphen,
        active=True,
    )
    done, failed = services.decisions_finalise_due(today=decided.objection_until + DAY)
    assert done == [] and failed[0][0].pk == decided.pk and "overlapt" in failed[0][1]
    decided.refresh_from_db()
    assert decided.status == DecisionStatus.PROPOSED
    assert not DecisionAdmission.objects.exists()
    assert Admission.objects.filter(provider=provider).count() == 1
