"""Every kind of threshold (drempel): set per municipality and product group, applied to the
applications received in its period, named in every refusal."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from zorgregio.contracten.tests.factories import AdmissionFactory
from zorgregio.toelating import rules, services
from zorgregio.toelating.models import LineOutcome, QuestionType, ThresholdKind

from .factories import DAY, assess_everything, complete_answers, pdf_upload

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def messages(info) -> str:
    return " ".join(info.value.messages)


def threshold(procedure, municipality, kind, group=None, **params):
    return services.threshold_add(
        actor=None,
        procedure=procedure,
        municipality=municipality,
        product_group=group,
        kind=kind,
        motivation=params.pop("motivation", "Voldoende aanbod"),
        valid_from=params.pop("valid_from", TODAY()),
        **params,
    )


def draft(procedure, provider, pairs, turnover=50_000_000):
    application = services.application_start(actor=None, procedure=procedure, provider=provider)
    services.application_set_lines(actor=None, application=application, pairs=pairs)
    services.application_update(
        actor=None,
        application=application,
        participation="zelfstandig",
        contact_name="A",
        contact_email="a@example.nl",
        turnover_cents=turnover,
    )
    return application


def ready(application, requirements):
    complete_answers(application, requirements)
    services.evidence_upload(
        actor=None,
        application=application,
        requirement=requirements["KVK"],
        upload=pdf_upload(),
        issued_on=TODAY(),
    )
    return application


# --- closed for new entrants --------------------------------------------------------------


def test_a_closed_product_group_refuses_new_entrants_naming_the_threshold(
    procedure, catalogue, provider, zutphen, apeldoorn
):
    threshold(
        procedure,
        zutphen,
        ThresholdKind.CLOSED,
        catalogue.begeleiding,
        motivation="Voldoende aanbod in Zutphen",
    )
    application = services.application_start(actor=None, procedure=procedure, provider=provider)
    with pytest.raises(ValidationError) as info:
        services.application_set_lines(
            actor=None,
            application=application,
            pairs=[(catalogue.licht, zutphen), (catalogue.licht, apeldoorn)],
        )
    text = messages(info)
    assert "Zutphen" in text and "Begeleiding" in text and "Voldoende aanbod in Zutphen" in text
    assert application.lines.count() == 0  # nothing saved half
    # Other municipalities and other groups stay open.
    services.application_set_lines(
        actor=None,
        application=application,
        pairs=[(catalogue.licht, apeldoorn), (catalogue.hh1, zutphen)],
    )


def test_a_closed_group_does_not_block_a_provider_already_admitted_to_it(
    procedure, catalogue, provider, zutphen
):
    AdmissionFactory(
        agreement=procedure.agreement,
        provider=provider,
        product=catalogue.licht,
        municipality=zutphen,
        active=True,
        valid_from=dt.date(2026, 1, 1),
    )
    threshold(procedure, zutphen, ThresholdKind.CLOSED, catalogue.begeleiding)
    application = services.application_start(actor=None, procedure=procedure, provider=provider)
    services.application_set_lines(
        actor=None, application=application, pairs=[(catalogue.basis, zutphen)]
    )


def test_a_threshold_applies_only_in_its_period(procedure, catalogue, provider, zutphen):
    threshold(
        procedure,
        zutphen,
        ThresholdKind.CLOSED,
        catalogue.begeleiding,
        valid_from=TODAY() + 30 * DAY,
    )
    application = services.application_start(actor=None, procedure=procedure, provider=provider)
    services.application_set_lines(
        actor=None, application=application, pairs=[(catalogue.licht, zutphen)]
    )
    assert rules.closed_problems(
        procedure, provider.pk, {(catalogue.begeleiding.pk, zutphen.pk)}, TODAY() + 30 * DAY
    )


def test_after_publication_no_threshold_applies_retroactively(procedure, catalogue, zutphen):
    with pytest.raises(ValidationError) as info:
        threshold(
            procedure,
            zutphen,
            ThresholdKind.CLOSED,
            catalogue.begeleiding,
            valid_from=TODAY() - DAY,
        )
    assert "vandaag" in messages(info)


def test_a_closed_group_can_be_reopened_by_ending_the_threshold(
    procedure, catalogue, provider, zutphen
):
    closed = threshold(procedure, zutphen, ThresholdKind.CLOSED, catalogue.begeleiding)
    services.threshold_end(actor=None, threshold=closed, last_day=TODAY())
    key = {(catalogue.begeleiding.pk, zutphen.pk)}
    assert rules.closed_problems(procedure, provider.pk, key, TODAY())
    assert rules.closed_problems(procedure, provider.pk, key, TODAY() + DAY) == []


# --- several intensities ------------------------------------------------------------------


def test_several_intensities_are_required(
    procedure, catalogue, requirements, provider, apeldoorn, zutphen
):
    threshold(
        procedure, apeldoorn, ThresholdKind.INTENSITIES, catalogue.begeleiding, min_intensities=2
    )
    application = ready(
        draft(procedure, provider, [(catalogue.complex, apeldoorn), (catalogue.complex, zutphen)]),
        requirements,
    )
    problems = services.submission_problems(application)
    assert any("Apeldoorn" in p and "2 intensiteiten" in p for p in problems)
    assert not any("Zutphen" in p for p in problems)  # Zutphen sets no such threshold
    services.application_set_lines(
        actor=None,
        application=application,
        pairs=[
            (catalogue.complex, apeldoorn),
            (catalogue.basis, apeldoorn),
            (catalogue.complex, zutphen),
        ],
    )
    assert services.submission_problems(application) == []


def test_intensities_count_only_what_the_municipality_buys(
    procedure, catalogue, requirements, provider, apeldoorn
):
    from zorgregio.producten.models import PurchaseMatrixEntry

    # Apeldoorn buys only Licht regionally: one intensity is all it can ask.
    PurchaseMatrixEntry.objects.filter(
        municipality=apeldoorn, product__in=[catalogue.basis, catalogue.complex]
    ).update(mode="lokaal")
    threshold(
        procedure, apeldoorn, ThresholdKind.INTENSITIES, catalogue.begeleiding, min_intensities=3
    )
    application = ready(draft(procedure, provider, [(catalogue.licht, apeldoorn)]), requirements)
    assert services.submission_problems(application) == []


# --- minimum turnover ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("turnover", "blocked"), [(None, True), (9_999_999, True), (10_000_000, False)]
)
def test_minimum_turnover(
    procedure, catalogue, requirements, provider, apeldoorn, turnover, blocked
):
    threshold(
        procedure,
        apeldoorn,
        ThresholdKind.MIN_TURNOVER,
        min_turnover_cents=10_000_000,
        motivation="Continuïteit",
    )
    application = ready(
        draft(procedure, provider, [(catalogue.hh1, apeldoorn)], turnover=turnover), requirements
    )
    problems = services.submission_problems(application)
    named = [p for p in problems if "100.000,00" in p and "Continuïteit" in p]
    assert bool(named) is blocked
    if blocked:
        with pytest.raises(ValidationError):
            services.application_submit(actor=None, application=application)


# --- entry windows -----------------------------------------------------------------------------


def test_entry_windows_at_most_n_a_year(procedure, zutphen):
    windows = threshold(procedure, zutphen, ThresholdKind.ENTRY_WINDOWS, max_per_year=1)
    year = TODAY().year + 1
    services.entry_window_add(
        actor=None,
        threshold=windows,
        opens_on=dt.date(year, 3, 1),
        closes_on=dt.date(year, 3, 15),
        admission_from=dt.date(year, 4, 1),
    )
    with pytest.raises(ValidationError) as info:
        services.entry_window_add(
            actor=None,
            threshold=windows,
            opens_on=dt.date(year, 9, 1),
            closes_on=dt.date(year, 9, 15),
            admission_from=dt.date(year, 10, 1),
        )
    assert "ten hoogste 1" in messages(info) and str(year) in messages(info)
    assert windows.windows.count() == 1


def test_an_application_outside_an_entry_window_waits_for_the_next_one(
    client, procedure, catalogue, requirements, provider, apeldoorn, zutphen, members
):
    windows = threshold(procedure, zutphen, ThresholdKind.ENTRY_WINDOWS, max_per_year=2)
    year = TODAY().year + 1
    services.entry_window_add(
        actor=None,
        threshold=windows,
        opens_on=dt.date(year, 3, 1),
        closes_on=dt.date(year, 3, 15),
        admission_from=dt.date(year, 4, 1),
    )
    application = ready(
        draft(procedure, provider, [(catalogue.hh1, zutphen), (catalogue.hh1, apeldoorn)]),
        requirements,
    )
    application = services.application_submit(actor=None, application=application)
    entry = rules.entry_for(procedure, (catalogue.hh.pk, zutphen.pk), application.received_on)
    assert entry.waits and entry.start == dt.date(year, 4, 1)
    client.force_login(members[0])
    for name in ("toelating:application", "toelating:assessment"):
        body = client.get(reverse(name, args=[application.pk])).content.decode()
        assert f"toelating vanaf 1-4-{year}" in body
    services.assessment_start(actor=members[0], application=application, assessors=members)
    assess_everything(application, members)
    start = TODAY() + 40 * DAY
    decision = services.decision_take(
        actor=members[0], application=application, motivation="Ok", start_date=start
    )
    starts = {line.municipality.name: line.start_date for line in decision.lines.all()}
    assert starts == {"Zutphen": max(start, dt.date(year, 4, 1)), "Apeldoorn": start}


def test_without_a_next_entry_window_the_decision_waits(
    procedure, catalogue, requirements, provider, zutphen, members
):
    threshold(procedure, zutphen, ThresholdKind.ENTRY_WINDOWS, max_per_year=1)
    application = ready(draft(procedure, provider, [(catalogue.hh1, zutphen)]), requirements)
    application = services.application_submit(actor=None, application=application)
    services.assessment_start(actor=members[0], application=application, assessors=members)
    assess_everything(application, members)
    with pytest.raises(ValidationError) as info:
        services.decision_take(
            actor=members[0],
            application=application,
            motivation="Ok",
            start_date=TODAY() + 40 * DAY,
        )
    assert "toetredingsmoment" in messages(info) and "Zutphen" in messages(info)


# --- extra suitability requirement -----------------------------------------------------------


def test_an_extra_requirement_applies_only_to_its_municipality_and_group(
    procedure, catalogue, requirements, provider, apeldoorn, zutphen, members
):
    extra = threshold(
        procedure,
        zutphen,
        ThresholdKind.EXTRA_REQUIREMENT,
        catalogue.hh,
        motivation="Vaste hulpen",
        requirement={
            "code": "Z-HH1",
            "text": "Vaste hulp per cliënt?",
            "question_type": QuestionType.YES_NO,
            "knockout": True,
        },
    ).requirement
    assert (
        extra.municipality == zutphen
        and extra.lot.product_group == catalogue.hh
        and extra.step == 2
    )
    only_apeldoorn = draft(procedure, provider, [(catalogue.hh1, apeldoorn)])
    assert extra not in rules.applicable_requirements(only_apeldoorn)
    services.application_set_lines(
        actor=None,
        application=only_apeldoorn,
        pairs=[(catalogue.hh1, zutphen), (catalogue.hh1, apeldoorn)],
    )
    application = ready(only_apeldoorn, requirements)
    assert extra in rules.applicable_requirements(application)
    assert any("Z-HH1" in p for p in services.submission_problems(application))
    services.answers_save(actor=None, application=application, values={extra.pk: "nee"})
    application = services.application_submit(actor=None, application=application)
    services.assessment_start(actor=members[0], application=application, assessors=members)
    assess_everything(application, members, not_met={"Z-HH1": "Geen vaste hulpen."})
    decision = services.decision_take(
        actor=members[0],
        application=application,
        motivation="Zie regels.",
        start_date=TODAY() + 40 * DAY,
    )
    outcomes = {
        line.municipality.name: (line.outcome, line.motivation) for line in decision.lines.all()
    }
    assert outcomes["Apeldoorn"][0] == LineOutcome.ADMITTED
    assert outcomes["Zutphen"][0] == LineOutcome.REFUSED and "Z-HH1" in outcomes["Zutphen"][1]


@pytest.mark.parametrize(
    ("kind", "params", "field"),
    [
        (ThresholdKind.CLOSED, {}, "product_group"),
        (ThresholdKind.INTENSITIES, {"min_intensities": 2}, "product_group"),
        (ThresholdKind.MIN_TURNOVER, {}, "min_turnover_cents"),
        (ThresholdKind.ENTRY_WINDOWS, {}, "max_per_year"),
        (ThresholdKind.EXTRA_REQUIREMENT, {}, "product_group"),
    ],
)
def test_a_threshold_missing_its_parameter_is_refused(procedure, zutphen, kind, params, field):
    with pytest.raises(ValidationError) as info:
        threshold(procedure, zutphen, kind, **params)
    assert field in info.value.message_dict
    assert not procedure.thresholds.exists()


def test_thresholds_are_set_per_municipality_of_the_region(procedure, catalogue):
    from zorgregio.regio.tests.factories import MunicipalityFactory, RegionFactory

    elsewhere = MunicipalityFactory(
        cbs_code="0363",
        name="Amsterdam",
        region=RegionFactory(name="Amstelland", slug="amstelland"),
    )
    with pytest.raises(ValidationError):
        threshold(procedure, elsewhere, ThresholdKind.CLOSED, catalogue.begeleiding)
