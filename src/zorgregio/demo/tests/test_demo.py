"""`zorgregio demo` builds the demo region from the seed facts, reproducibly."""

import csv
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from zorgregio.aanbieders.models import Provider
from zorgregio.accounts.models import Role, User
from zorgregio.common.validators import validate_agb_code, validate_kvk_number
from zorgregio.regio.models import Municipality, Region

pytestmark = pytest.mark.django_db
SEED_FACTS = Path(__file__).resolve().parents[1] / "data" / "regions.csv"
SCALE = "0.05"


def run_demo(*args) -> str:
    out = StringIO()
    call_command("demo", "--scale", SCALE, *args, stdout=out)
    return out.getvalue()


def test_demo_region_has_the_real_municipalities_and_valid_providers():
    output = run_demo()
    with SEED_FACTS.open(encoding="utf-8") as handle:
        expected = {
            (row["gemeente_code"], row["gemeente"])
            for row in csv.DictReader(handle)
            if row["region"] == "Zorgregio Midden-IJssel/Oost-Veluwe"
        }
    assert len(expected) == 8
    assert set(Municipality.objects.values_list("cbs_code", "name")) == expected
    region = Region.objects.get()
    assert region.name == "Zorgregio Midden-IJssel/Oost-Veluwe"
    providers = Provider.objects.all()
    # 300 x 0.05, plus the newcomers that apply in the admission procedure (toelating)
    assert providers.filter(admission_applications__isnull=True).count() == 15
    for provider in providers:
        validate_kvk_number(provider.kvk_number)
        validate_agb_code(provider.agb_code)
    # one account per role, printed with the password
    roles = set(User.objects.filter(username__startswith="demo-").values_list("role", flat=True))
    assert roles == set(Role.values)
    assert "demo-apeldoorn" in output and "demo-zorgregio" in output
    # the municipality account is scoped to Apeldoorn and has the printed password
    user = User.objects.get(username="demo-apeldoorn")
    assert list(Municipality.objects.visible_to(user).values_list("name", flat=True)) == [
        "Apeldoorn"
    ]
    assert user.check_password("demo-zorgregio")
    # a second run reuses what exists
    count = Provider.objects.count()
    assert "bestaat al" in run_demo()
    assert Provider.objects.count() == count


@pytest.mark.django_db(transaction=True)  # --reset flushes: not inside a test transaction
def test_demo_is_reproducible():
    run_demo()
    first = list(Provider.objects.order_by("kvk_number").values_list("name", "kvk_number"))
    run_demo("--reset")
    assert list(Provider.objects.order_by("kvk_number").values_list("name", "kvk_number")) == first


def test_demo_refuses_a_silly_scale():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("demo", "--scale", "0", stdout=StringIO())
