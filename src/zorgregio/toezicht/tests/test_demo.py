"""The demo region has signals of several kinds and cases in several states."""

from io import StringIO

import pytest
from django.core.management import call_command

from zorgregio.toezicht.models import (
    Case,
    CaseDocument,
    SatisfactionResult,
    Signal,
    WaitingTimeReport,
)

pytestmark = [pytest.mark.django_db, pytest.mark.debug_once]


def test_demo_plants_irregularities_and_opens_cases():
    out = StringIO()
    call_command("demo", "--scale", "0.05", stdout=out)
    rules = set(Signal.objects.filter(active=True).values_list("rule", flat=True))
    assert {"client_multiple_providers", "declared_after_stop", "waiting_time_over_norm",
            "spending_ceiling"} <= rules, (rules, out.getvalue()[-2000:])  # fmt: skip
    assert set(Case.objects.values_list("status", flat=True)) >= {
        "nieuw", "in_onderzoek", "gegrond", "afgehandeld"
    }  # fmt: skip
    assert Case.objects.filter(assignee__username="demo-apeldoorn").exists()
    assert CaseDocument.objects.exists()
    assert WaitingTimeReport.objects.exists() and SatisfactionResult.objects.exists()
