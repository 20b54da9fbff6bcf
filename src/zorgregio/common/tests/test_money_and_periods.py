import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from zorgregio.common.money import format_eurocents, parse_euros
from zorgregio.common.periods import Period


@pytest.mark.parametrize(
    ("text", "cents"),
    [
        ("12,34", 1234),
        ("1.234,50", 123450),
        ("12.34", 1234),
        ("€ 7", 700),
        (12, 1200),
        ("0,01", 1),
        ("25.000", 2_500_000),
        ("1.234.567", 123_456_700),
        ("25.5", 2550),
        ("-12,50", -1250),
    ],
)
def test_parse_euros_to_exact_cents(text, cents):
    assert parse_euros(text) == cents


@pytest.mark.parametrize("text", ["12,345", "0,001", "abc", ""])
def test_parse_euros_refuses_fractions_and_text(text):
    with pytest.raises(ValidationError):
        parse_euros(text)


def test_format_eurocents_in_dutch_notation():
    assert format_eurocents(123456) == "€ 1.234,56"
    assert format_eurocents(-5) == "-€ 0,05"
    assert format_eurocents(None) == ""


def test_period_boundaries_are_inclusive():
    p = Period(dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert p.contains(dt.date(2026, 1, 1))
    assert p.contains(dt.date(2026, 12, 31))
    assert not p.contains(dt.date(2027, 1, 1))
    assert p.overlaps(Period(dt.date(2026, 12, 31)))
    assert not p.overlaps(Period(dt.date(2027, 1, 1), dt.date(2027, 2, 1)))
    assert Period(dt.date(2026, 1, 1)).contains(dt.date(2099, 1, 1))


def test_period_refuses_end_before_start():
    with pytest.raises(ValidationError):
        Period(dt.date(2026, 2, 1), dt.date(2026, 1, 31))
