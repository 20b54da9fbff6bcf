"""Issue 11.8: digits are the ASCII digits, ranges are checked before the database."""

import pytest
from django.core.exceptions import ValidationError

from zorgregio.common.money import parse_euros
from zorgregio.common.validators import (
    is_valid_bsn,
    parse_integer,
    parse_iso_date,
    validate_agb_code,
    validate_cbs_code,
    validate_kvk_number,
)

FULLWIDTH_BSN = "８２４６３７６７７"  # 824637677 in fullwidth digits, which passes the elfproef


def test_other_scripts_digits_and_a_final_newline_are_not_digits():
    assert is_valid_bsn("824637677")
    assert not is_valid_bsn(FULLWIDTH_BSN)
    assert not is_valid_bsn("824637677\n")
    assert not is_valid_bsn("٨٢٤٦٣٧٦٧٧")  # Arabic-Indic digits
    for check, value in (
        (validate_kvk_number, "１２３４５６７８"),
        (validate_agb_code, "12345678\n"),
        (validate_cbs_code, "０２００"),
    ):
        with pytest.raises(ValidationError):
            check(value)


@pytest.mark.parametrize(
    "text", ["１２,５０", "NaN", "Infinity", "1e30", "12,5e3", "0x10", "1_000"]
)
def test_amounts_are_written_in_ascii_digits(text):
    with pytest.raises(ValidationError) as caught:
        parse_euros(text)
    assert "is geen bedrag" in caught.value.messages[0]


def test_an_absurd_amount_is_refused_in_dutch_not_an_overflow():
    with pytest.raises(ValidationError) as caught:
        parse_euros("1" + "0" * 30)
    assert "meer dan het grootste bedrag" in caught.value.messages[0]
    assert parse_euros("1.234,50") == 123450 and parse_euros("-12,34") == -1234


def test_parse_integer_and_iso_dates():
    assert parse_integer(" 12 ", maximum=99) == 12
    for bad in ("１２", "1_000", "+5", "12.0", "", "9" * 40):
        with pytest.raises(ValueError):
            parse_integer(bad, maximum=10**20)
    with pytest.raises(ValueError, match="meer dan 99"):
        parse_integer("100", maximum=99)
    with pytest.raises(ValueError, match="minder dan 0"):
        parse_integer("-1", maximum=99)
    assert parse_iso_date("2026-05-06").day == 6
    for bad in ("20260506", "2026-W01-1", "２０２６-０５-０６", "2026-5-6"):
        with pytest.raises(ValueError):
            parse_iso_date(bad)
