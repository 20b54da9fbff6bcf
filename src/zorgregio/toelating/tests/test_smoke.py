import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from zorgregio.contracten.models import Admission
from zorgregio.toelating import services
from zorgregio.toelating.models import ApplicationStatus, DecisionStatus, VerdictOutcome

from .factories import submitted_application

pytestmark = pytest.mark.django_db


def test_chain(
    procedure,
    catalogue,
    requirements,
    members,
    provider,
    apeldoorn,
    zutphen,
    django_capture_on_commit_callbacks,
):
    app = submitted_application(procedure, catalogue, requirements, provider, [apeldoorn, zutphen])
    assert app.status == ApplicationStatus.SUBMITTED
    services.assessment_start(actor=members[0], application=app, assessors=members)
    for member in members:
        for step in (1, 2, 3):
            reqs = [r for r in services.assessment.applicable_requirements(app) if r.step == step]
            services.verdicts_record(
                actor=member,
                application=app,
                step=step,
                verdicts={r.pk: (VerdictOutcome.MET, "") for r in reqs},
            )
    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        decision = services.decision_take(
            actor=members[0],
            application=app,
            motivation="Voldoet.",
            start_date=today + dt.timedelta(days=40),
        )
    assert len(mail.outbox) == 1
    assert decision.status == DecisionStatus.PROPOSED
    done, failed = services.decisions_finalise_due(
        today=decision.objection_until + dt.timedelta(days=1)
    )
    assert failed == [] and len(done) == 1
    assert Admission.objects.filter(provider=provider).count() == 4
