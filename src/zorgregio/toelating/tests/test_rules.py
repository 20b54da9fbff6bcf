"""Evidence age at the date of receipt, knock-out answers and entry windows."""

import datetime as dt
from decimal import Decimal

import pytest

from zorgregio.contracten.models import EVIDENCE_MAX_AGE_MONTHS, EvidenceKind
from zorgregio.toelating.models import Answer, QuestionType, Requirement
from zorgregio.toelating.rules import (
    evidence_problem,
    evidence_valid_until,
    fmt_date,
    knocked_out,
)

D = dt.date


def requirement(months, code="X"):
    return Requirement(code=code, evidence_kind="bewijs", max_age_months=months)


@pytest.mark.parametrize(
    ("kind", "issued", "last_ok"),
    [
        # Gedragsverklaring Aanbesteden: at most 24 calendar months old when received.
        (EvidenceKind.GEDRAGSVERKLARING, D(2025, 3, 10), D(2027, 3, 10)),
        # Belastingdienst statement and KvK extract: 6 months.
        (EvidenceKind.BELASTINGDIENST, D(2026, 1, 31), D(2026, 7, 31)),
        (EvidenceKind.KVK_EXTRACT, D(2026, 8, 31), D(2027, 2, 28)),  # clipped to month end
        # VOG: 12 months.
        (EvidenceKind.VOG, D(2024, 2, 29), D(2025, 2, 28)),
    ],
)
def test_evidence_age_at_its_boundary(kind, issued, last_ok):
    months = EVIDENCE_MAX_AGE_MONTHS[kind]
    assert evidence_valid_until(issued, months) == last_ok
    req = requirement(months)
    assert evidence_problem(req, issued, last_ok) is None
    assert evidence_problem(req, issued, issued) is None
    late = evidence_problem(req, issued, last_ok + dt.timedelta(days=1))
    assert late is not None
    assert f"{months} maanden" in late and fmt_date(last_ok) in late


def test_the_model_documents_maximum_ages():
    assert EVIDENCE_MAX_AGE_MONTHS[EvidenceKind.GEDRAGSVERKLARING] == 24
    assert EVIDENCE_MAX_AGE_MONTHS[EvidenceKind.BELASTINGDIENST] == 6
    assert EVIDENCE_MAX_AGE_MONTHS[EvidenceKind.KVK_EXTRACT] == 6
    assert EVIDENCE_MAX_AGE_MONTHS[EvidenceKind.VOG] == 12


def test_evidence_dated_after_receipt_is_refused_and_no_maximum_means_any_age():
    assert evidence_problem(requirement(6), D(2026, 5, 2), D(2026, 5, 1)) is not None
    assert evidence_problem(requirement(None), D(2001, 1, 1), D(2026, 5, 1)) is None


def test_knock_out_answers():
    yes_no = Requirement(question_type=QuestionType.YES_NO, knockout=True, expected_yes=True)
    assert knocked_out(yes_no, Answer(yes=False))
    assert not knocked_out(yes_no, Answer(yes=True))
    assert not knocked_out(yes_no, Answer(yes=None))
    soft = Requirement(question_type=QuestionType.YES_NO, knockout=False)
    assert not knocked_out(soft, Answer(yes=False))
    value = Requirement(
        question_type=QuestionType.VALUE, min_value=Decimal(2), max_value=Decimal(10)
    )
    assert knocked_out(value, Answer(value=Decimal("1.99")))
    assert not knocked_out(value, Answer(value=Decimal(2)))
    assert knocked_out(value, Answer(value=Decimal("10.01")))
    choice = Requirement(
        question_type=QuestionType.CHOICE, choices=["a", "b"], accepted_choices=["a"]
    )
    assert knocked_out(choice, Answer(choice="b"))
    assert not knocked_out(choice, Answer(choice="a"))
    assert not knocked_out(choice, None)
