"""Test data of the admission procedure, built through the services (so it is what users
would have made). ``published_procedure`` gives a procedure with a requirement of every
question type, open for applications and questions now."""

from __future__ import annotations

import datetime as dt
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from zorgregio.accounts.tests.factories import UserFactory
from zorgregio.contracten.models import EvidenceKind
from zorgregio.contracten.tests.factories import (
    AgreementFactory,
    ProductFactory,
    ProductGroupFactory,
    PurchaseFactory,
)
from zorgregio.toelating import services
from zorgregio.toelating.models import (
    EvidenceMoment,
    EvidenceParties,
    QuestionType,
    Step,
)

DAY = dt.timedelta(days=1)
START = dt.date(2027, 1, 1)


def pdf_bytes(text: str = "bewijs") -> bytes:
    """A small real PDF (reportlab)."""
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.drawString(72, 720, text)
    page.save()
    return buffer.getvalue()


def pdf_upload(name: str = "bewijs.pdf", text: str = "bewijs") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(text), content_type="application/pdf")


class Catalogue:
    """Begeleiding in three intensities and Hulp bij het huishouden, bought regionally in
    the given municipalities from 2026."""

    def __init__(self, municipalities):
        self.begeleiding = ProductGroupFactory(code="begeleiding", name="Begeleiding")
        self.hh = ProductGroupFactory(code="hh", name="Hulp bij het huishouden")
        self.licht = ProductFactory(
            group=self.begeleiding, productcode="02A22", name="Licht", intensity_rank=1
        )
        self.basis = ProductFactory(
            group=self.begeleiding, productcode="02A16", name="Basis", intensity_rank=2
        )
        self.complex = ProductFactory(
            group=self.begeleiding, productcode="02A19", name="Complex", intensity_rank=3
        )
        self.hh1 = ProductFactory(group=self.hh, productcode="01A01", name="HH1", intensity_rank=1)
        for product in (self.licht, self.basis, self.complex, self.hh1):
            for municipality in municipalities:
                PurchaseFactory(product=product, municipality=municipality)


def published_procedure(region, municipalities, *, now=None, committee=2, reference="wmo-2027"):
    """A published procedure with two lots, a requirement of every type and a committee."""
    now = now or timezone.now()
    procedure, catalogue, made = draft_procedure(
        region, municipalities, now=now, reference=reference
    )
    members = [
        UserFactory(regional_team=True, region=region, username=f"beoordelaar{i}")
        for i in range(committee)
    ]
    if committee:
        services.committee_set(actor=None, procedure=procedure, members=members)
    services.procedure_publish(actor=None, procedure=procedure, now=now)
    procedure.refresh_from_db()
    return procedure, catalogue, made, members


def draft_procedure(region, municipalities, *, now=None, reference="wmo-2027"):
    """A draft procedure ready to publish (no committee yet)."""
    now = now or timezone.now()
    catalogue = Catalogue(municipalities)
    agreement = AgreementFactory(region=region)
    procedure = services.procedure_create(
        actor=None,
        region=region,
        agreement=agreement,
        title="Toelatingsprocedure Wmo 2027",
        reference=reference,
        question_deadline=now + 5 * DAY,
        admission_start=START,
        court="Rechtbank Gelderland",
    )
    lot1 = services.lot_add(actor=None, procedure=procedure, product_group=catalogue.begeleiding)
    services.lot_add(actor=None, procedure=procedure, product_group=catalogue.hh)
    services.window_add(
        actor=None,
        procedure=procedure,
        label="Aanmelding 2027",
        opens_at=now - 10 * DAY,
        closes_at=now + 20 * DAY,
        now=now,
    )
    services.contact_add(actor=None, procedure=procedure, name="Inkoop", email="inkoop@example.nl")
    services.document_add(
        actor=None,
        procedure=procedure,
        kind="inkoopdocument",
        title="Inkoopdocument",
        upload=pdf_upload("inkoopdocument.pdf", "Inkoopdocument toelatingsprocedure"),
    )
    requirements = {
        "UEA": {
            "step": Step.EXCLUSION,
            "question_type": QuestionType.DECLARATION,
            "text": "Ik verklaar dat geen uitsluitingsgrond op ons van toepassing is (UEA).",
        },
        "GVA": {
            "step": Step.EXCLUSION,
            "question_type": QuestionType.FILE,
            "text": "Gedragsverklaring Aanbesteden",
            "evidence": EvidenceMoment.ON_REQUEST,
            "evidence_kind": EvidenceKind.GEDRAGSVERKLARING,
            "parties": EvidenceParties.EVERYONE,
            "required": False,
        },
        "KVK": {
            "step": Step.EXCLUSION,
            "question_type": QuestionType.FILE,
            "text": "Uittreksel Handelsregister",
            "evidence_kind": EvidenceKind.KVK_EXTRACT,
            "parties": EvidenceParties.MEMBERS,
        },
        "G1": {
            "step": Step.SUITABILITY,
            "question_type": QuestionType.YES_NO,
            "text": "Beschikt u over een kwaliteitskeurmerk?",
            "knockout": True,
        },
        "G2": {
            "step": Step.SUITABILITY,
            "question_type": QuestionType.VALUE,
            "text": "Jaren ervaring in de Wmo",
            "min_value": 2,
            "unit": "jaar",
        },
        "G3": {
            "step": Step.SUITABILITY,
            "question_type": QuestionType.TEXT,
            "text": "Beschrijf uw werkwijze.",
        },
        "S1G1": {
            "step": Step.SUITABILITY,
            "question_type": QuestionType.CHOICE,
            "text": "Hoe zijn uw begeleiders opgeleid?",
            "lot": lot1,
            "choices": ["mbo 4", "hbo", "geen"],
            "accepted_choices": ["mbo 4", "hbo"],
        },
        "U1": {
            "step": Step.PERFORMANCE,
            "question_type": QuestionType.DECLARATION,
            "text": "Wij aanvaarden de uitvoeringseisen van de overeenkomst.",
        },
    }
    made = {
        code: services.requirement_add(actor=None, procedure=procedure, code=code, **data)
        for code, data in requirements.items()
    }
    return procedure, catalogue, made


def complete_answers(application, requirements) -> None:
    """Answers that meet every requirement."""
    r = requirements
    services.answers_save(
        actor=None,
        application=application,
        values={
            r["UEA"].pk: "on",
            r["G1"].pk: "ja",
            r["G2"].pk: "5",
            r["G3"].pk: "Wij werken wijkgericht.",
            r["S1G1"].pk: "hbo",
            r["U1"].pk: "on",
        },
    )


def submitted_application(
    procedure, catalogue, requirements, provider, municipalities, *, now=None, today=None
):
    """A complete application for Begeleiding Licht and Basis, submitted."""
    now = now or timezone.now()
    today = today or timezone.localdate()
    application = services.application_start(actor=None, procedure=procedure, provider=provider)
    services.application_set_lines(
        actor=None,
        application=application,
        pairs=[(p, m) for p in (catalogue.licht, catalogue.basis) for m in municipalities],
        today=today,
    )
    services.application_update(
        actor=None,
        application=application,
        participation="zelfstandig",
        contact_name="Anouk de Vries",
        contact_email="anouk@example.nl",
        turnover_cents=50_000_000,
    )
    complete_answers(application, requirements)
    services.evidence_upload(
        actor=None,
        application=application,
        requirement=requirements["KVK"],
        upload=pdf_upload("kvk.pdf"),
        issued_on=today - 30 * DAY,
        today=today,
    )
    return services.application_submit(actor=None, application=application, now=now)


def record_step(application, assessor, step, not_met=None, skip=()):
    """One assessor's verdicts on one step: met, except ``not_met`` ({code: motivation})."""
    from zorgregio.toelating import rules
    from zorgregio.toelating.models import VerdictOutcome

    not_met = not_met or {}
    verdicts = {
        r.pk: (
            (VerdictOutcome.NOT_MET, not_met[r.code])
            if r.code in not_met
            else (VerdictOutcome.MET, "")
        )
        for r in rules.applicable_requirements(application)
        if r.step == step and r.code not in skip
    }
    return services.verdicts_record(
        actor=assessor, application=application, step=step, verdicts=verdicts
    )


def assess_everything(application, assessors, not_met=None):
    """Every assessor records all three steps."""
    for assessor in assessors:
        for step in (1, 2, 3):
            record_step(application, assessor, step, not_met)
