import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from zorgregio.contracten.models import Admission
from zorgregio.contracten.tests.factories import AdmissionFactory
from zorgregio.toelating import services
from zorgregio.toelating.models import DecisionStatus

from .factories import DAY, assess_everything, submitted_application

pytestmark = pytest.mark.django_db


@pytest.fixture
def decision(procedure, catalogue, requirements, members, provider, apeldoorn):
    from django.utils import timezone

    application = submitted_application(procedure, catalogue, requirements, provider, [apeldoorn])
    services.assessment_start(actor=members[0], application=application, assessors=members)
    assess_everything(application, members)
    return services.decision_take(
        actor=members[0],
        application=application,
        motivation="Ok",
        start_date=timezone.localdate() + 40 * DAY,
    )


def run(*args):
    out, err = StringIO(), StringIO()
    call_command("finalise_decisions", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_command_finalises_what_is_due(decision, provider):
    out, _err = run("--date", decision.objection_until.isoformat())
    assert "0 besluiten definitief" in out
    out, _err = run("--date", (decision.objection_until + dt.timedelta(days=1)).isoformat())
    assert decision.application.number in out and "2 deelnames" in out
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.FINAL
    assert Admission.objects.filter(provider=provider).count() == 2


def test_the_command_fails_loudly_and_keeps_the_decision(decision, provider, catalogue, apeldoorn):
    AdmissionFactory(
        agreement=decision.application.procedure.agreement,
        provider=provider,
        product=catalogue.basis,
        municipality=apeldoorn,
        active=True,
    )
    with pytest.raises(CommandError):
        run("--date", (decision.objection_until + dt.timedelta(days=1)).isoformat())
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.PROPOSED


def test_the_task_does_the_same(decision):
    from zorgregio.toelating.tasks import finalise_due_decisions

    assert finalise_due_decisions.call() == 0
