"""Demo: a published admission procedure for next year (tussentijdse toetreding) with the
thresholds of Apeldoorn and Zutphen, a Nota van Inlichtingen, and applications of newcomers
in every state: draft, submitted, in assessment, evidence requested (one overdue), a proposed
decision, one under objection, admitted and in the register, refused with motivation, and
withdrawn. Everything goes through the services, so the demo obeys the same rules as users.

Two assessors (``demo-beoordelaar``, ``demo-commissie``) form the committee; a later step adds
``demo-regio`` to it. ``demo-nieuwkomer`` is a newly registered provider with a draft.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.hashers import make_password
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from zorgregio.accounts.models import Role, User
from zorgregio.contracten.models import EvidenceKind
from zorgregio.demo.registry import DemoContext, demo_step

from . import notifications, pdf, rules, services
from .models import (
    EvidenceMoment,
    EvidenceParties,
    ObjectionKind,
    Procedure,
    QuestionType,
    Step,
    ThresholdKind,
    VerdictOutcome,
)

DAY = dt.timedelta(days=1)
LOTS = [
    "Hulp bij het Huishouden",
    "Begeleiding individueel",
    "Begeleiding groep",
    "Persoonlijke verzorging",
]

# (code, step, type, text, extra)
REQUIREMENTS = [
    ("UEA", Step.EXCLUSION, QuestionType.DECLARATION,
     "Wij verklaren met het ingevulde en rechtsgeldig ondertekende UEA dat geen uitsluitingsgrond "
     "op ons (en op ieder lid van de combinatie) van toepassing is.", {}),
    ("UEA-D", Step.EXCLUSION, QuestionType.FILE, "Het ondertekende UEA (scan).",
     {"evidence_kind": "UEA", "parties": EvidenceParties.MEMBERS}),
    ("KVK", Step.EXCLUSION, QuestionType.FILE, "Uittreksel Handelsregister Kamer van Koophandel.",
     {"evidence_kind": EvidenceKind.KVK_EXTRACT, "parties": EvidenceParties.MEMBERS}),
    ("GVA", Step.EXCLUSION, QuestionType.FILE, "Gedragsverklaring Aanbesteden (Justis).",
     {"evidence_kind": EvidenceKind.GEDRAGSVERKLARING, "evidence": EvidenceMoment.ON_REQUEST,
      "parties": EvidenceParties.EVERYONE, "required": False}),
    ("BD", Step.EXCLUSION, QuestionType.FILE,
     "Verklaring betalingsgedrag nakoming fiscale verplichtingen (Belastingdienst).",
     {"evidence_kind": EvidenceKind.BELASTINGDIENST, "evidence": EvidenceMoment.ON_REQUEST,
      "parties": EvidenceParties.MEMBERS, "required": False}),
    ("G1", Step.SUITABILITY, QuestionType.YES_NO,
     "Beschikt uw organisatie over een geldig kwaliteitskeurmerk (HKZ, ISO 9001 of gelijkwaardig)?",
     {"knockout": True, "evidence": EvidenceMoment.WITH_APPLICATION,
      "evidence_kind": EvidenceKind.QUALITY_MARK}),
    ("G2", Step.SUITABILITY, QuestionType.VALUE,
     "Hoeveel jaar levert uw organisatie ondersteuning in het sociaal domein?",
     {"min_value": 1, "unit": "jaar"}),
    ("G3", Step.SUITABILITY, QuestionType.YES_NO,
     "Werkt u met de Meldcode huiselijk geweld en kindermishandeling?", {"knockout": True}),
    ("G4", Step.SUITABILITY, QuestionType.TEXT,
     "Beschrijf hoe u de ondersteuning afstemt met de toegang van de gemeente.", {}),
    ("U1", Step.PERFORMANCE, QuestionType.DECLARATION,
     "Wij aanvaarden onvoorwaardelijk de uitvoeringseisen van de conceptovereenkomst en het "
     "programma van eisen, en kunnen die uitvoeren.", {}),
]  # fmt: skip

NEWCOMERS = [
    "Zorgcoöperatie Nieuw Begin",
    "Thuiszorg Het Anker",
    "Begeleiding Samen Sterk",
    "Dagbesteding De Linde",
    "Zorgerf De Kievit",
    "Ambulant Team De Brug",
    "Coaching Anders BV",
    "Huishoudhulp De Veluwse Hand",
    "Zorg op Afstand BV",
    "Stichting Welzijn Voorst",
]


def _pdf_upload(name: str, title: str, region: str) -> SimpleUploadedFile:
    body = pdf.text_pdf(title, region, [("", "Demodocument van zorgregio.")])
    return SimpleUploadedFile(name, body, content_type="application/pdf")


def _start_after(procedure: Procedure, decided_on: dt.date) -> dt.date:
    """The first day of a month after the objection period, not before the procedure's start."""
    after = decided_on + dt.timedelta(days=procedure.objection_days + 1)
    first = (
        after.replace(day=1) if after.day == 1 else (after.replace(day=28) + 4 * DAY).replace(day=1)
    )
    return max(procedure.admission_start, first)


def _team_member(ctx: DemoContext, username: str, first: str, last: str) -> User:
    from zorgregio.accounts.demo import regional_team_group

    user = User(
        username=username,
        first_name=first,
        last_name=last,
        email=f"{username}@zorgregio.example",
        role=Role.REGIONAL,
        region=ctx.region,
        is_staff=True,
        password=make_password(ctx.password),
    )
    user.full_clean()
    user.save()
    user.groups.add(regional_team_group())
    return user


def _newcomers(ctx: DemoContext) -> list[User]:
    """Newly registered providers with their first user. The first through the registration
    service (``demo-nieuwkomer``); the others alike, sharing one password hash."""
    from zorgregio.aanbieders.models import Provider
    from zorgregio.aanbieders.services import provider_create

    used_kvk = set(Provider.objects.values_list("kvk_number", flat=True))
    used_agb = set(Provider.objects.values_list("agb_code", flat=True))
    password = make_password(ctx.password)
    users = []
    for i, name in enumerate(NEWCOMERS):
        kvk = agb = ""
        while not kvk or kvk in used_kvk:
            kvk = str(ctx.rng.randint(10_000_000, 99_999_999))
        while not agb or agb in used_agb:
            agb = f"98{ctx.rng.randint(0, 999_999):06d}"
        used_kvk.add(kvk)
        used_agb.add(agb)
        slug = "".join(c for c in name.lower() if c.isalnum())[:24]
        if i == 0:
            user = services.provider_register(
                region=ctx.region,
                name=name,
                kvk_number=kvk,
                agb_code=agb,
                email=f"info@{slug}.nl",
                contact_name="Noor Nieuwenhuis",
                username="demo-nieuwkomer",
                password=ctx.password,
            )
        else:
            provider = provider_create(
                actor=None, name=name, kvk_number=kvk, agb_code=agb, email=f"info@{slug}.nl"
            )
            provider.regions.add(ctx.region)
            user = User(
                username=f"nieuw-{slug}",
                first_name="Contact",
                last_name=name,
                email=f"aanmelding@{slug}.nl",
                role=Role.PROVIDER,
                provider=provider,
                region=ctx.region,
                password=password,
            )
            user.full_clean()
            user.save()
        users.append(user)
    return users


def _procedure(ctx: DemoContext, agreement, members, now) -> tuple[Procedure, dict]:
    from zorgregio.producten.models import ProductGroup

    today = timezone.localdate(now)
    year = today.year + 1
    published = now - 46 * DAY
    region = ctx.region.name
    procedure = services.procedure_create(
        actor=None,
        region=ctx.region,
        agreement=agreement,
        title=f"Toelatingsprocedure Wmo {year}: tussentijdse toetreding",
        reference=f"wmo-{year}",
        description=(
            f"Open House: aanbieders die aan de eisen voldoen worden toegelaten tot de "
            f"{agreement.name} voor de producten en gemeenten waarvoor zij een verzoek indienen."
        ),
        question_deadline=now + 10 * DAY,
        nota_planned_on=today + 14 * DAY,
        admission_start=dt.date(year, 1, 1),
        court="Rechtbank Gelderland",
    )
    groups = {g.name: g for g in ProductGroup.objects.filter(law="wmo", name__in=LOTS)}
    lots = {}
    for name in LOTS:
        group = groups.get(name)
        if group is None:
            continue
        products = [
            p
            for p in group.products.valid_on(procedure.admission_start)
            if p.productcategorie != "15"
        ]
        if products:
            lots[name] = services.lot_add(
                actor=None, procedure=procedure, product_group=group, products=products
            )
    services.window_add(
        actor=None,
        procedure=procedure,
        label=f"Aanmeldperiode {year}",
        opens_at=published + DAY,
        closes_at=now + 30 * DAY,
        now=published,
    )
    services.window_add(
        actor=None,
        procedure=procedure,
        label=f"Doorlopende toetreding {year}",
        opens_at=now + 31 * DAY,
        closes_at=timezone.make_aware(dt.datetime(year, 11, 30, 17, 0)),
        now=published,
    )
    services.contact_add(
        actor=None,
        procedure=procedure,
        name="Team Inkoop en Contractmanagement",
        role="inkoopadviseurs",
        email="inkoop@zorgregio.example",
    )
    for kind, title, versions in [
        ("inkoopdocument", "Inkoopdocument toelatingsprocedure", 2),
        ("conceptovereenkomst", "Conceptovereenkomst Wmo", 1),
        ("programma_van_eisen", "Programma van eisen Wmo", 1),
        ("uea", "UEA-formulier", 1),
    ]:
        for version in range(versions):
            services.document_add(
                actor=None,
                procedure=procedure,
                kind=kind,
                title=title,
                upload=_pdf_upload(f"{kind}-v{version + 1}.pdf", title, region),
                note="Planning aangepast" if version else "",
            )
    made = {}
    for code, step, kind, text, extra in REQUIREMENTS:
        made[code] = services.requirement_add(
            actor=None,
            procedure=procedure,
            code=code,
            step=step,
            question_type=kind,
            text=text,
            **extra,
        )
    if "Begeleiding individueel" in lots:
        made["S2G1"] = services.requirement_add(
            actor=None,
            procedure=procedure,
            code="S2G1",
            lot=lots["Begeleiding individueel"],
            step=Step.SUITABILITY,
            question_type=QuestionType.CHOICE,
            text="Welk opleidingsniveau hebben uw begeleiders ten minste?",
            choices=["mbo 4", "hbo", "anders"],
            accepted_choices=["mbo 4", "hbo"],
        )
    services.committee_set(actor=None, procedure=procedure, members=members)
    _thresholds(ctx, procedure, groups, published.date(), year, made)
    services.procedure_publish(actor=None, procedure=procedure, now=published)
    procedure.refresh_from_db()
    return procedure, made


def _thresholds(ctx, procedure, groups, start, year, made) -> None:
    municipalities = {m.name: m for m in ctx.region.municipalities.all()}
    zutphen, apeldoorn = municipalities.get("Zutphen"), municipalities.get("Apeldoorn")
    if zutphen is None or apeldoorn is None:
        return
    individual, hh = groups.get("Begeleiding individueel"), groups.get("Hulp bij het Huishouden")
    if individual:
        services.threshold_add(
            actor=None,
            procedure=procedure,
            municipality=zutphen,
            product_group=individual,
            kind=ThresholdKind.CLOSED,
            motivation="Voldoende aanbod: 38 aanbieders leveren begeleiding individueel in Zutphen "
            "(stand 1 oktober); nieuwe aanbieders voegen geen onderscheidend aanbod toe.",
            valid_from=start,
        )
        services.threshold_add(
            actor=None,
            procedure=procedure,
            municipality=apeldoorn,
            product_group=individual,
            kind=ThresholdKind.INTENSITIES,
            min_intensities=2,
            motivation="Op- en afschalen bij dezelfde aanbieder: wie complex levert, levert "
            "ook basis.",
            valid_from=start,
        )
    windows = services.threshold_add(
        actor=None,
        procedure=procedure,
        municipality=zutphen,
        kind=ThresholdKind.ENTRY_WINDOWS,
        max_per_year=2,
        motivation="Tussentijdse toetreding twee keer per jaar, zodat contractbeheer en toezicht "
        "de instroom kunnen bijhouden.",
        valid_from=start,
    )
    for month in (3, 9):
        services.entry_window_add(
            actor=None,
            threshold=windows,
            opens_on=dt.date(year, month, 1),
            closes_on=dt.date(year, month, 15),
            admission_from=dt.date(year, month + 1, 1),
            today=start,
        )
    services.threshold_add(
        actor=None,
        procedure=procedure,
        municipality=apeldoorn,
        kind=ThresholdKind.MIN_TURNOVER,
        min_turnover_cents=100_000_00,
        motivation="Continuïteit van zorg: een minimale bedrijfsomvang.",
        valid_from=start,
    )
    if hh:
        threshold = services.threshold_add(
            actor=None,
            procedure=procedure,
            municipality=zutphen,
            product_group=hh,
            kind=ThresholdKind.EXTRA_REQUIREMENT,
            motivation="Zutphen vraagt vaste hulpen per cliënt (kwaliteitsbeleid HH).",
            valid_from=start,
            requirement={
                "code": "Z-HH1",
                "text": "Werkt u met een vaste hulp per cliënt, met vervanging binnen twee "
                "werkdagen?",
                "question_type": QuestionType.YES_NO,
                "knockout": True,
            },
        )
        made["Z-HH1"] = threshold.requirement


def _pairs(procedure, lot_name, product_names, municipality_names):
    from zorgregio.producten.models import PurchaseMatrixEntry

    lot = procedure.lots.filter(product_group__name=lot_name).first()
    if lot is None:
        return []
    bought = set(
        PurchaseMatrixEntry.objects.valid_on(procedure.admission_start)
        .filter(mode="regionaal")
        .values_list("product_id", "municipality_id")
    )
    municipalities = list(procedure.region.municipalities.filter(name__in=municipality_names))
    return [
        (p, m)
        for p in lot.products.all()
        if not product_names or p.name in product_names
        for m in municipalities
        if (p.pk, m.pk) in bought
    ]


def _apply(procedure, made, user, pairs, received, *, answers=None, submit=True):
    """An application with answers that meet every requirement unless ``answers`` says
    otherwise; submitted at ``received`` (a moment)."""
    day = timezone.localdate(received)
    application = services.application_start(actor=user, procedure=procedure)
    services.application_set_lines(actor=user, application=application, pairs=pairs, today=day)
    services.application_update(
        actor=user,
        application=application,
        participation="zelfstandig",
        contact_name=user.get_full_name() or user.username,
        contact_email=user.email,
        turnover_cents=350_000_00,
    )
    values = {
        "UEA": "on",
        "G1": "ja",
        "G2": "6",
        "G3": "ja",
        "U1": "on",
        "Z-HH1": "ja",
        "S2G1": "hbo",
    }
    values["G4"] = (
        "Wij stemmen het ondersteuningsplan af met de consulent en evalueren elk half jaar."
    )
    values.update(answers or {})
    services.answers_save(
        actor=user,
        application=application,
        values={made[code].pk: value for code, value in values.items() if code in made},
    )
    applicable = {r.code for r in rules.applicable_requirements(application, day=day)}
    region = procedure.region.name
    for code, age in (("UEA-D", 10), ("KVK", 40), ("G1", 200)):
        if code in applicable:
            services.evidence_upload(
                actor=user,
                application=application,
                requirement=made[code],
                upload=_pdf_upload(f"{code.lower()}.pdf", f"{code} {user.provider.name}", region),
                issued_on=day - age * DAY,
                today=day,
            )
    if submit:
        services.application_submit(actor=user, application=application, now=received)
    application.refresh_from_db()
    return application


def _assess(application, assessors, *, steps=(1, 2, 3), not_met=None, only_first=None, skip=()):
    """Verdicts of every assessor (the first only for the steps in ``only_first``)."""
    not_met = not_met or {}
    requirements = [r for r in rules.applicable_requirements(application) if r.code not in skip]
    for index, assessor in enumerate(assessors):
        for step in steps:
            if index and only_first and step in only_first:
                continue
            verdicts = {
                r.pk: (
                    (VerdictOutcome.NOT_MET, not_met[r.code])
                    if r.code in not_met
                    else (VerdictOutcome.MET, "")
                )
                for r in requirements
                if r.step == step
            }
            services.verdicts_record(
                actor=assessor, application=application, step=step, verdicts=verdicts
            )


def _asker(asker) -> dict:
    """Service arguments for a question from a provider user, or from a provider whose users
    are made later (the system asks on its behalf)."""
    if isinstance(asker, User):
        return {"actor": asker}
    return {"actor": None, "provider": asker}


def _questions(procedure, askers, now) -> None:
    first, second = askers
    # (asker, about, question, confidential, reason, answer)
    asked = [
        (
            first,
            "Inkoopdocument 4.4",
            "Geldt de minimale omzet van Apeldoorn voor een combinatie per lid of voor de "
            "combinatie samen?",
            False,
            "",
            "Voor de combinatie samen: de omzet van de leden wordt opgeteld.",
        ),
        (
            second,
            "Bijlage 1",
            "Moet de Gedragsverklaring Aanbesteden al bij het verzoek worden gevoegd?",
            False,
            "",
            "Nee, die vraagt het regioteam op; u heeft dan 14 kalenderdagen.",
        ),
        (
            first,
            "Programma van eisen 3.2",
            "Wij overwegen een overname van een aanbieder in Epe; telt de omzet van die "
            "aanbieder mee?",
            True,
            "De voorgenomen overname is bedrijfsgevoelig en nog niet openbaar.",
            "Ja, vanaf de datum van de overname, met de jaarrekening als bewijs.",
        ),
        (
            second,
            "Conceptovereenkomst art. 1.5",
            "Geldt de bestedingsruimte ook in het eerste jaar van toetreding?",
            False,
            "",
            "Ja, naar rato van het aantal maanden dat u bent toegelaten.",
        ),
        (first, "", "Kunnen wij na toetreding nog een onderaannemer aanmelden?", False, "", ""),
    ]
    for index, (asker, reference, text, confidential, reason, answer) in enumerate(asked):
        question = services.question_ask(
            **_asker(asker),
            procedure=procedure,
            text=text,
            reference=reference,
            confidential=confidential,
            confidential_reason=reason,
            now=now - (30 - index * 5) * DAY,
        )
        if answer:
            services.question_answer(
                actor=None, question=question, answer=answer, now=now - (20 - index * 4) * DAY
            )
    services.nota_publish(
        actor=None,
        procedure=procedure,
        intro="Antwoorden op de vragen die tot nu toe zijn gesteld.",
        now=now - 10 * DAY,
    )
    # An answer written after the Nota, for the next one.
    services.question_ask(
        **_asker(second),
        procedure=procedure,
        text="Kan een aanvraag over meerdere bezoeken worden ingevuld?",
        now=now - 3 * DAY,
    )
    late = procedure.questions.order_by("-asked_at").first()
    services.question_answer(
        actor=None,
        question=late,
        answer="Ja: een concept blijft bewaard tot u het indient.",
        now=now - DAY,
    )


@demo_step(order=45, name="toelating")
def build_admission_procedure(ctx: DemoContext) -> None:
    from zorgregio.contracten.selectors import current_agreement

    now = timezone.now()
    today = timezone.localdate(now)
    agreement = ctx.data.get("agreement") or current_agreement(ctx.region, today)
    if agreement is None or not ctx.data.get("products"):
        ctx.log("  geen raamovereenkomst of producten: geen toelatingsprocedure")
        return
    with notifications.suppressed():
        members = [
            _team_member(ctx, "demo-beoordelaar", "Bea", "Bakker"),
            _team_member(ctx, "demo-commissie", "Cor", "Jansen"),
        ]
        procedure, made = _procedure(ctx, agreement, members, now)
        newcomers = _newcomers(ctx)
        asker = ctx.data.get("demo_provider") or newcomers[1]
        _questions(procedure, [asker, newcomers[0]], now)
        counts = _applications(ctx, procedure, made, members, newcomers, now, today)
    ctx.data["admission_procedure"] = procedure
    ctx.log(
        f"  {procedure.title}: {procedure.lots.count()} percelen, {procedure.thresholds.count()} "
        f"drempels, {procedure.notas.count()} Nota van Inlichtingen, aanvragen: {counts}"
    )


def _applications(ctx, procedure, made, members, newcomers, now, today) -> str:
    from collections import Counter

    bea, cor = members
    at = lambda days: now - days * DAY  # noqa: E731 - a moment ``days`` ago
    # 1. Draft, over several visits: the newcomer's.
    draft = services.application_start(actor=newcomers[0], procedure=procedure)
    services.application_set_lines(
        actor=newcomers[0],
        application=draft,
        pairs=_pairs(
            procedure, "Begeleiding individueel", ["Licht", "Basis"], ["Apeldoorn", "Brummen"]
        ),
        today=today,
    )
    services.answers_save(
        actor=newcomers[0], application=draft, values={made["UEA"].pk: "on", made["G1"].pk: "ja"}
    )
    # 2. Submitted, waiting for the assessment (Zutphen: waits for its entry window).
    _apply(
        procedure,
        made,
        newcomers[1],
        _pairs(procedure, "Hulp bij het Huishouden", [], ["Brummen", "Epe", "Zutphen"]),
        at(2),
    )
    # 3. In assessment: step 1 by both, step 2 by one.
    app = _apply(
        procedure,
        made,
        newcomers[2],
        _pairs(procedure, "Begeleiding individueel", [], ["Epe", "Voorst", "Heerde"]),
        at(12),
    )
    services.assessment_start(actor=bea, application=app, assessors=members)
    _assess(app, members, steps=(1, 2), only_first={2})
    # 4. Evidence requested, 9 days left; 5. overdue.
    for user, pairs, days in (
        (
            newcomers[3],
            _pairs(procedure, "Begeleiding groep", ["Licht", "Basis"], ["Lochem", "Zutphen"]),
            5,
        ),
        (newcomers[4], _pairs(procedure, "Begeleiding groep", ["Basis"], ["Voorst"]), 20),
    ):
        app = _apply(procedure, made, user, pairs, at(days + 3))
        services.assessment_start(actor=bea, application=app, assessors=members)
        _assess(app, members, steps=(1,), skip={"GVA"})
        services.evidence_request(
            actor=cor,
            application=app,
            requirement=made["GVA"],
            description="Stuur de Gedragsverklaring Aanbesteden, niet ouder dan 24 maanden.",
            today=today - days * DAY,
        )
    # 6. Proposed decision, within the objection period.
    app = _apply(
        procedure,
        made,
        newcomers[5],
        _pairs(procedure, "Persoonlijke verzorging", [], ["Apeldoorn", "Hattem"]),
        at(9),
    )
    _decide(app, members, today - 4 * DAY, "Alle eisen zijn voldaan.")
    # 7. A refusal for one lot, under objection.
    pairs = _pairs(procedure, "Begeleiding individueel", ["Licht", "Basis"], ["Epe"]) + _pairs(
        procedure, "Hulp bij het Huishouden", [], ["Heerde"]
    )
    app = _apply(procedure, made, newcomers[6], pairs, at(14), answers={"S2G1": "anders"})
    decision = _decide(
        app,
        members,
        today - 8 * DAY,
        "Hulp bij het huishouden: voldaan. Begeleiding individueel: niet voldaan aan S2G1.",
        not_met={"S2G1": "Het opleidingsniveau 'anders' voldoet niet aan mbo 4 of hoger."},
    )
    services.objection_lodge(
        actor=newcomers[6],
        decision=decision,
        kind=ObjectionKind.COMPLAINT,
        grounds="Onze begeleiders hebben een gelijkwaardige opleiding (SPW 4 uit 2001).",
        today=today - 2 * DAY,
    )
    # 8. Admitted: final, in the register. 9. Refused with motivation: final.
    app = _apply(
        procedure,
        made,
        newcomers[7],
        _pairs(procedure, "Hulp bij het Huishouden", [], ["Hattem", "Heerde"]),
        at(44),
    )
    _decide(app, members, today - 40 * DAY, "Alle eisen zijn voldaan.")
    app = _apply(
        procedure,
        made,
        newcomers[8],
        _pairs(procedure, "Begeleiding groep", ["Licht"], ["Epe"]),
        at(43),
        answers={"G1": "nee"},
    )
    _decide(
        app,
        members,
        today - 39 * DAY,
        "Niet voldaan aan geschiktheidseis G1.",
        not_met={"G1": "Geen kwaliteitskeurmerk; een keurmerk is voor alle percelen vereist."},
    )
    services.decisions_finalise_due(today=today)
    # 10. Withdrawn after submission.
    app = _apply(
        procedure,
        made,
        newcomers[9],
        _pairs(procedure, "Begeleiding groep", ["Basis"], ["Voorst"]),
        at(6),
    )
    services.application_withdraw(
        actor=newcomers[9], application=app, reason="Wij richten ons eerst op Deventer."
    )
    counter = Counter(procedure.applications.values_list("status", flat=True))
    return ", ".join(f"{status} {count}" for status, count in sorted(counter.items()))


def _decide(application, members, decided_on, motivation, not_met=None):
    services.assessment_start(actor=members[0], application=application, assessors=members)
    _assess(application, members, not_met=not_met)
    return services.decision_take(
        actor=members[1],
        application=application,
        motivation=motivation,
        start_date=_start_after(application.procedure, decided_on),
        today=decided_on,
    )


@demo_step(order=95, name="toelating-commissie")
def add_regional_account_to_committee(ctx: DemoContext) -> None:
    """``demo-regio`` (made by the accounts step) joins the assessment committee."""
    procedure = ctx.data.get("admission_procedure")
    regio = User.objects.filter(username="demo-regio").first()
    if procedure is None or regio is None:
        return
    services.committee_set(
        actor=None, procedure=procedure, members=[*procedure.committee.all(), regio]
    )
