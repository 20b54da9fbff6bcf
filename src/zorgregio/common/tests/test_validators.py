import pytest
from django.core.exceptions import ValidationError

from zorgregio.common.validators import (
    is_valid_bsn,
    validate_agb_code,
    validate_bsn,
    validate_cbs_code,
    validate_kvk_number,
)


def elfproef_total(bsn: str) -> int:
    digits = [int(c) for c in bsn]
    return sum(d * w for d, w in zip(digits[:8], [9, 8, 7, 6, 5, 4, 3, 2], strict=True)) - digits[8]


@pytest.mark.parametrize("bsn", ["111222333", "123456782", "999993653"])
def test_valid_bsns_pass_the_elfproef(bsn):
    assert elfproef_total(bsn) % 11 == 0
    assert is_valid_bsn(bsn)
    validate_bsn(bsn)


@pytest.mark.parametrize(
    "bsn", ["123456789", "111222334", "000000000", "12345678", "12345678a", ""]
)
def test_invalid_bsns_are_refused_in_dutch(bsn):
    assert not is_valid_bsn(bsn)
    with pytest.raises(ValidationError) as exc:
        validate_bsn(bsn)
    assert "elfproef" in str(exc.value)


@pytest.mark.parametrize(
    ("validator", "good", "bad"),
    [
        (validate_kvk_number, "12345678", ["1234567", "123456789", "1234567a", " 12345678"]),
        (validate_agb_code, "98123456", ["9812345", "AB123456", "981234567"]),
        (validate_cbs_code, "0200", ["200", "02000", "GM0200", "02a0"]),
    ],
)
def test_identifier_formats(validator, good, bad):
    validator(good)
    for value in bad:
        with pytest.raises(ValidationError):
            validator(value)


def test_identifier_message_names_the_value_in_dutch():
    with pytest.raises(ValidationError) as exc:
        validate_kvk_number("123")
    assert exc.value.messages == [
        "KvK-nummer 123 is ongeldig: het moet uit precies 8 cijfers bestaan."
    ]
