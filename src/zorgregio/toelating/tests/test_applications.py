"""The provider's side: registration, the draft over several visits, evidence, submission and
immutability; every piece of bad input is refused in Dutch and nothing is saved half."""

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone

from zorgregio.aanbieders.models import Provider
from zorgregio.accounts.models import Role, User
from zorgregio.contracten.tests.factories import AdmissionFactory
from zorgregio.producten.tests.test_exports import pdf_text
from zorgregio.toelating import services, storage
from zorgregio.toelating.models import (
    Answer,
    ApplicationStatus,
    EvidenceFile,
    Participation,
    PartyKind,
)

from .factories import DAY, complete_answers, pdf_bytes, pdf_upload, submitted_application

pytestmark = pytest.mark.django_db


def messages(info) -> str:
    return " ".join(info.value.messages)


@pytest.fixture
def draft(procedure, catalogue, requirements, provider, apeldoorn, zutphen, users):
    """A complete draft of the provider user, ready to submit."""
    actor = users["aanbieder"]
    application = services.application_start(actor=actor, procedure=procedure)
    services.application_set_lines(
        actor=actor,
        application=application,
        pairs=[
            (catalogue.licht, apeldoorn),
            (catalogue.basis, apeldoorn),
            (catalogue.hh1, zutphen),
        ],
    )
    services.application_update(
        actor=actor,
        application=application,
        participation=Participation.ALONE,
        contact_name="Anouk",
        contact_email="anouk@example.nl",
        turnover_cents=10_000_000,
    )
    complete_answers(application, requirements)
    services.evidence_upload(
        actor=actor,
        application=application,
        requirement=requirements["KVK"],
        upload=pdf_upload("kvk.pdf"),
        issued_on=timezone.localdate() - 20 * DAY,
    )
    return application


# --- registration -------------------------------------------------------------------------


def register(region, **changes):
    data = {
        "region": region,
        "name": "Nieuwe Zorg BV",
        "kvk_number": "12345678",
        "agb_code": "98765432",
        "email": "info@nieuwezorg.nl",
        "contact_name": "Noor Nieuw",
        "username": "noor",
        "password": "een-lang-wachtwoord-2026",
    }
    data.update(changes)
    return services.provider_register(**data)


def test_a_new_provider_registers_with_kvk_and_agb(region):
    user = register(region)
    assert user.role == Role.PROVIDER and user.region == region
    assert user.provider.kvk_number == "12345678" and user.provider.agb_code == "98765432"
    assert region in user.provider.regions.all()
    assert user.check_password("een-lang-wachtwoord-2026")


@pytest.mark.parametrize(
    ("changes", "field", "text"),
    [
        ({"kvk_number": "1234567"}, "kvk_number", "8 cijfers"),
        ({"kvk_number": "1234567a"}, "kvk_number", "8 cijfers"),
        ({"agb_code": "123"}, "agb_code", "8 cijfers"),
        ({"email": "geen-adres"}, "email", "e-mailadres"),
        ({"password": "123"}, "password", ""),
        ({"username": ""}, "username", "gebruikersnaam"),
    ],
)
def test_registration_refuses_bad_input_and_saves_nothing(region, changes, field, text):
    with pytest.raises(ValidationError) as info:
        register(region, **changes)
    assert field in info.value.message_dict
    assert text in " ".join(info.value.message_dict[field])
    assert not Provider.objects.exists() and not User.objects.filter(username="noor").exists()


def test_registration_refuses_a_known_kvk_number_without_saying_whose(region):
    register(region)
    with pytest.raises(ValidationError) as info:
        register(region, username="ander", agb_code="11112222")
    text = " ".join(info.value.message_dict["kvk_number"])
    assert "12345678" in text and "Nieuwe Zorg" not in text
    assert User.objects.filter(role=Role.PROVIDER).count() == 1


# --- the draft ----------------------------------------------------------------------------


def test_a_draft_is_kept_over_several_visits(procedure, users, catalogue, apeldoorn):
    actor = users["aanbieder"]
    first = services.application_start(actor=actor, procedure=procedure)
    services.application_set_lines(
        actor=actor, application=first, pairs=[(catalogue.hh1, apeldoorn)]
    )
    again = services.application_start(actor=actor, procedure=procedure)
    assert again.pk == first.pk
    assert again.number == "WMO-2027-0001"
    assert list(again.lines.values_list("product_id", flat=True)) == [catalogue.hh1.pk]


def test_only_products_of_a_lot_and_bought_regionally_can_be_chosen(draft, users, apeldoorn):
    from zorgregio.contracten.tests.factories import ProductFactory

    stray = ProductFactory(name="Elders")
    with pytest.raises(ValidationError) as info:
        services.application_set_lines(
            actor=users["aanbieder"], application=draft, pairs=[(stray, apeldoorn)]
        )
    assert "Elders" in messages(info)
    assert draft.lines.count() == 3  # unchanged


def test_a_second_application_for_the_same_products_is_refused(
    draft, procedure, other_provider, catalogue, apeldoorn, users
):
    # Another provider may apply for the same products; the same provider may not twice.
    services.application_submit(actor=users["aanbieder"], application=draft)
    second = services.application_start(actor=users["aanbieder"], procedure=procedure)
    with pytest.raises(ValidationError) as info:
        services.application_set_lines(
            actor=users["aanbieder"], application=second, pairs=[(catalogue.licht, apeldoorn)]
        )
    assert draft.number in messages(info) and "tweede aanvraag" in messages(info)
    assert second.lines.count() == 0
    other = services.application_start(actor=None, procedure=procedure, provider=other_provider)
    services.application_set_lines(
        actor=None, application=other, pairs=[(catalogue.licht, apeldoorn)]
    )


def test_products_already_admitted_in_the_register_are_refused(
    procedure, users, provider, catalogue, apeldoorn
):
    AdmissionFactory(
        agreement=procedure.agreement,
        provider=provider,
        product=catalogue.licht,
        municipality=apeldoorn,
        active=True,
    )
    application = services.application_start(actor=users["aanbieder"], procedure=procedure)
    with pytest.raises(ValidationError) as info:
        services.application_set_lines(
            actor=users["aanbieder"], application=application, pairs=[(catalogue.licht, apeldoorn)]
        )
    assert "al toegelaten" in messages(info)


def test_another_provider_cannot_touch_the_draft(
    draft, other_provider, region, catalogue, apeldoorn
):
    from zorgregio.accounts.tests.factories import UserFactory

    stranger = UserFactory(provider_user=True, provider=other_provider, region=region)
    for call in (
        lambda: services.application_set_lines(actor=stranger, application=draft, pairs=[]),
        lambda: services.answers_save(actor=stranger, application=draft, values={}),
        lambda: services.application_submit(actor=stranger, application=draft),
        lambda: services.application_withdraw(actor=stranger, application=draft),
    ):
        with pytest.raises(PermissionDenied):
            call()
    assert draft.lines.count() == 3


def test_a_wrong_answer_is_named_and_nothing_is_saved(draft, users, requirements):
    before = dict(draft.answers.values_list("requirement_id", "value"))
    with pytest.raises(ValidationError) as info:
        services.answers_save(
            actor=users["aanbieder"],
            application=draft,
            values={requirements["G2"].pk: "veel", requirements["G3"].pk: "Anders"},
        )
    assert "G2" in messages(info) and "veel" in messages(info)
    assert dict(draft.answers.values_list("requirement_id", "value")) == before
    assert draft.answers.get(requirement=requirements["G3"]).text == "Wij werken wijkgericht."


# --- evidence -------------------------------------------------------------------------------


def upload(draft, requirements, users, file, issued=None, code="KVK"):
    return services.evidence_upload(
        actor=users["aanbieder"],
        application=draft,
        requirement=requirements[code],
        upload=file,
        issued_on=issued or timezone.localdate() - 10 * DAY,
    )


def stored_files() -> set:
    root = Path(settings.MEDIA_ROOT) / "toelating"
    return {p.name for p in root.rglob("*") if p.is_file()} if root.exists() else set()


@pytest.mark.parametrize(
    ("file", "text"),
    [
        (SimpleUploadedFile("virus.exe", b"MZ\x90\x00"), "'exe'"),
        (SimpleUploadedFile("nep.pdf", b"MZ\x90\x00 this is no pdf"), "geen PDF"),
        (SimpleUploadedFile("leeg.pdf", b""), "leeg"),
        (SimpleUploadedFile("scan", pdf_bytes()), "zonder extensie"),
    ],
)
def test_evidence_of_the_wrong_type_is_refused_and_not_stored(
    draft, requirements, users, file, text
):
    before = stored_files()
    with pytest.raises(ValidationError) as info:
        upload(draft, requirements, users, file)
    assert text in messages(info)
    assert draft.evidence_files.count() == 1 and stored_files() == before


@override_settings(ZORGREGIO_TOELATING_MAX_UPLOAD_BYTES=1000)
def test_evidence_too_large_is_refused(draft, requirements, users):
    with pytest.raises(ValidationError) as info:
        upload(draft, requirements, users, pdf_upload())
    assert "MB" in messages(info) and "maximaal" in messages(info)
    assert draft.evidence_files.count() == 1


def test_evidence_too_old_at_upload_is_refused(draft, requirements, users):
    today = timezone.localdate()
    with pytest.raises(ValidationError) as info:
        upload(draft, requirements, users, pdf_upload(), issued=today - 200 * DAY, code="KVK")
    assert "KVK" in messages(info) and "6 maanden" in messages(info)
    assert draft.evidence_files.count() == 1


def test_evidence_is_encrypted_at_rest_and_reads_back(draft, requirements, users):
    content = pdf_bytes("Uittreksel KvK 12345678")
    evidence = upload(draft, requirements, users, SimpleUploadedFile("kvk2.pdf", content))
    path = Path(settings.MEDIA_ROOT) / "toelating" / evidence.storage_key[:2] / evidence.storage_key
    raw = path.read_bytes()
    assert raw.startswith(b"ZRA1") and b"%PDF" not in raw and b"12345678" not in raw
    assert storage.read_bytes(evidence.storage_key) == content
    assert evidence.content_type == "application/pdf" and evidence.size == len(content)


def test_evidence_of_a_party_must_be_a_party_the_requirement_asks(draft, requirements, users):
    actor = users["aanbieder"]
    services.application_update(
        actor=actor,
        application=draft,
        participation=Participation.SUBCONTRACTORS,
        contact_name="A",
        contact_email="a@example.nl",
        turnover_cents=10_000_000,
    )
    sub = services.party_add(
        actor=actor,
        application=draft,
        kind=PartyKind.SUBCONTRACTOR,
        name="Onder BV",
        kvk_number="87654321",
    )
    # The KvK extract is asked of the applicant and members, not of subcontractors.
    with pytest.raises(ValidationError) as info:
        services.evidence_upload(
            actor=actor,
            application=draft,
            requirement=requirements["KVK"],
            upload=pdf_upload(),
            issued_on=timezone.localdate(),
            party=sub,
        )
    assert "KVK" in messages(info)
    # The GVA is asked of everyone, subcontractors included.
    services.evidence_upload(
        actor=actor,
        application=draft,
        requirement=requirements["GVA"],
        upload=pdf_upload(),
        issued_on=timezone.localdate(),
        party=sub,
    )


def test_party_kvk_number_is_validated(draft, users):
    with pytest.raises(ValidationError) as info:
        services.party_add(
            actor=users["aanbieder"],
            application=draft,
            kind=PartyKind.MEMBER,
            name="X",
            kvk_number="12",
        )
    assert "8 cijfers" in messages(info)
    assert not draft.parties.exists()


# --- submission ------------------------------------------------------------------------------


def test_submission_makes_the_application_immutable_with_a_receipt(draft, users, requirements):
    actor = users["aanbieder"]
    application = services.application_submit(actor=actor, application=draft)
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.received_on == timezone.localdate()
    assert set(application.evidence_files.values_list("received_on", flat=True)) == {
        timezone.localdate()
    }
    receipt = pdf_text(storage.read_bytes(application.receipt_key))
    assert application.number in receipt and draft.provider.kvk_number in receipt
    assert "5 jaar" in receipt  # the value in Dutch notation, with its unit
    sha = application.evidence_files.get().sha256
    assert sha[:16] in receipt
    for call in (
        lambda: services.application_set_lines(actor=actor, application=application, pairs=[]),
        lambda: services.answers_save(
            actor=actor, application=application, values={requirements["G2"].pk: "1"}
        ),
        lambda: services.application_update(
            actor=actor,
            application=application,
            participation="zelfstandig",
            contact_name="x",
            contact_email="x@x.nl",
        ),
        lambda: services.party_add(
            actor=actor,
            application=application,
            kind="onderaannemer",
            name="X",
            kvk_number="11223344",
        ),
        lambda: upload(application, requirements, users, pdf_upload()),
        lambda: services.evidence_remove(actor=actor, evidence=application.evidence_files.get()),
        lambda: services.application_submit(actor=actor, application=application),
    ):
        with pytest.raises(ValidationError):
            call()
    assert application.lines.count() == 3 and application.evidence_files.count() == 1
    assert Answer.objects.get(application=application, requirement=requirements["G2"]).value == 5


def test_nothing_can_be_submitted_after_the_deadline(draft, users, procedure):
    window = procedure.windows.get()
    late = window.closes_at + dt.timedelta(minutes=1)
    with pytest.raises(ValidationError) as info:
        services.application_submit(actor=users["aanbieder"], application=draft, now=late)
    assert "termijn" in messages(info) and "verstreken" in messages(info)
    draft.refresh_from_db()
    assert draft.status == ApplicationStatus.DRAFT and draft.receipt_key == ""
    # One minute before the deadline it can.
    services.application_submit(
        actor=users["aanbieder"], application=draft, now=window.closes_at - dt.timedelta(minutes=1)
    )


def test_before_the_window_opens_the_draft_waits(draft, users, procedure):
    early = procedure.windows.get().opens_at - DAY
    problems = services.submission_problems(draft, early)
    assert any("vanaf" in p for p in problems)


def test_evidence_expired_by_the_date_of_receipt_blocks_submission(draft, users, procedure):
    # Valid when uploaded; at the date of receipt more than 6 months old.
    evidence = draft.evidence_files.get()
    EvidenceFile.objects.filter(pk=evidence.pk).update(issued_on=timezone.localdate() - 190 * DAY)
    with pytest.raises(ValidationError) as info:
        services.application_submit(actor=users["aanbieder"], application=draft)
    assert "KVK" in messages(info) and "6 maanden" in messages(info)
    draft.refresh_from_db()
    assert draft.status == ApplicationStatus.DRAFT


def test_missing_answers_and_evidence_are_listed(procedure, users, catalogue, apeldoorn):
    actor = users["aanbieder"]
    application = services.application_start(actor=actor, procedure=procedure)
    services.application_set_lines(
        actor=actor, application=application, pairs=[(catalogue.licht, apeldoorn)]
    )
    with pytest.raises(ValidationError) as info:
        services.application_submit(actor=actor, application=application)
    text = messages(info)
    for code in ("UEA", "G1", "G2", "G3", "S1G1", "U1"):
        assert f"{code}:" in text
    assert "KVK: het bewijs" in text
    assert "GVA" not in text  # on request only


def test_a_combination_needs_its_members_and_their_evidence(draft, users, requirements):
    actor = users["aanbieder"]
    services.application_update(
        actor=actor,
        application=draft,
        participation=Participation.COMBINATION,
        contact_name="A",
        contact_email="a@example.nl",
        turnover_cents=10_000_000,
    )
    problems = services.submission_problems(draft)
    assert any("combinatie" in p for p in problems)
    member = services.party_add(
        actor=actor,
        application=draft,
        kind=PartyKind.MEMBER,
        name="Partner BV",
        kvk_number="87654321",
    )
    problems = services.submission_problems(draft)
    assert any("Partner BV" in p and "KVK" in p for p in problems)
    services.evidence_upload(
        actor=actor,
        application=draft,
        requirement=requirements["KVK"],
        upload=pdf_upload(),
        issued_on=timezone.localdate(),
        party=member,
    )
    assert services.submission_problems(draft) == []


def test_withdrawal(draft, users):
    services.application_withdraw(actor=users["aanbieder"], application=draft, reason="Toch niet.")
    draft.refresh_from_db()
    assert draft.status == ApplicationStatus.WITHDRAWN
    with pytest.raises(ValidationError):
        services.application_submit(actor=users["aanbieder"], application=draft)


def test_submitted_application_from_factory(
    procedure, catalogue, requirements, other_provider, apeldoorn
):
    application = submitted_application(
        procedure, catalogue, requirements, other_provider, [apeldoorn]
    )
    assert application.status == ApplicationStatus.SUBMITTED
