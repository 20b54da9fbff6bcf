import pytest
from django.core.exceptions import ValidationError

from zorgregio.regio.models import Municipality

pytestmark = pytest.mark.django_db


def test_municipality_code_must_be_in_the_cbs_list(region):
    with pytest.raises(ValidationError) as exc:
        Municipality(
            region=region, cbs_code="0999", name="Nergenshuizen", province="X"
        ).full_clean()
    assert exc.value.message_dict["cbs_code"] == ["0999 is geen gemeente in de CBS-lijst van 2026."]


def test_municipality_code_format_is_checked(region):
    with pytest.raises(ValidationError) as exc:
        Municipality(region=region, cbs_code="GM02", name="X", province="X").full_clean()
    assert "precies 4 cijfers" in exc.value.message_dict["cbs_code"][0]


def test_real_cbs_code_is_accepted(region):
    Municipality(region=region, cbs_code="0213", name="Brummen", province="Gelderland").full_clean()
