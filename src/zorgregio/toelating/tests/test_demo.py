"""The demo builds a published procedure with thresholds, a Nota and applications in every
state, through the services."""

import pytest
from django.core.management import call_command

from zorgregio.contracten.models import Admission
from zorgregio.toelating.models import (
    Application,
    ApplicationStatus,
    DecisionStatus,
    LineOutcome,
    Procedure,
    ProcedureStatus,
    Question,
    RequestStatus,
    Threshold,
    ThresholdKind,
)

pytestmark = pytest.mark.django_db


def test_the_demo_has_the_procedure_in_every_state(capsys):
    call_command("demo", "--scale", "0.05")
    procedure = Procedure.objects.get()
    assert procedure.status == ProcedureStatus.PUBLISHED and procedure.admission_start.month == 1
    statuses = set(Application.objects.values_list("status", flat=True))
    assert statuses == set(ApplicationStatus.values)
    kinds = set(Threshold.objects.values_list("kind", flat=True))
    assert kinds == set(ThresholdKind.values)
    assert set(Threshold.objects.values_list("municipality__name", flat=True)) == {
        "Apeldoorn",
        "Zutphen",
    }
    assert procedure.notas.count() == 1 and Question.objects.filter(confidential=True).exists()
    requests = {
        r.status: r
        for r in procedure.applications.get(number__endswith="0005").evidence_requests.all()
    }
    assert RequestStatus.OPEN in requests
    final = Application.objects.filter(status=ApplicationStatus.FINAL)
    outcomes = {line.outcome for a in final for line in a.decisions.get().lines.all()}
    assert outcomes == {LineOutcome.ADMITTED, LineOutcome.REFUSED}
    refused = [
        line
        for a in final
        for line in a.decisions.get().lines.all()
        if line.outcome == LineOutcome.REFUSED
    ]
    assert all("G1" in line.motivation for line in refused)
    assert Admission.objects.filter(admission_origin__isnull=False).exists()
    assert {
        d.status for d in procedure.applications.get(number__endswith="0007").decisions.all()
    } == {DecisionStatus.OBJECTION}
    assert procedure.committee.filter(username="demo-regio").exists()
    out = capsys.readouterr().out
    assert "demo-nieuwkomer" in out and "demo-beoordelaar" in out
