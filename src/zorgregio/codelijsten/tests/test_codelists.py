"""The code lists of iWmo/iJw 3.2 are loaded as data by the migration."""

import pytest

from zorgregio.codelijsten.models import Code, CodeList
from zorgregio.codelijsten.selectors import clear_cache, code_map, is_valid_code

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache():
    clear_cache()
    yield
    clear_cache()


@pytest.mark.parametrize(
    ("standard", "key", "code", "meaning"),
    [
        ("iwmo", "WMO020", "02", "Begeleiding"),
        ("ijw", "JZ020", "45", None),
        ("iwmo", "WJ756", "04", "Uur"),
        ("iwmo", "WMO757", "2", "Per week"),
        ("iwmo", "WMO588", "02", "Overlijden"),
        ("ijw", "JZ588", "38", "Overstap naar andere aanbieder"),
        ("iwmo", "WJ001", "0001", "Bericht is afgekeurd om technische redenen."),
        ("iwmo", "COD002", "414", "WMO301"),
        ("cbs", "GEMEENTE", "0200", "Apeldoorn"),
    ],
)
def test_codes_and_meanings_are_loaded(standard, key, code, meaning):
    codes = code_map(standard, key)
    assert code in codes
    if meaning:
        assert codes[code].startswith(meaning)


def test_release_is_recorded():
    assert set(CodeList.objects.values_list("release", flat=True)) == {"iWmo/iJw 3.2"}
    assert CodeList.objects.get(standard="cbs").codes.count() == 342


def test_unknown_code_is_not_valid():
    assert not is_valid_code("iwmo", "WJ756", "99")
    assert is_valid_code("iwmo", "WJ756", "14")


def test_code_lists_heal_after_a_flush():
    Code.objects.all().delete()
    assert code_map("iwmo", "WJ756")["01"] == "Minuut"
