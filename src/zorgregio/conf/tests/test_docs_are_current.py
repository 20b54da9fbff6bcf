"""Generated documents in the repository match the code they are generated from."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from zorgregio.conf.env import render_markdown

ROOT = Path(__file__).resolve().parents[4]


def test_configuration_reference_is_current():
    committed = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    assert committed == render_markdown() + "\n", "run `zorgregio settings_doc`"


def test_every_setting_has_a_help_text():
    from zorgregio.conf.env import REGISTRY

    assert {"DATABASE_URL", "SECRET_KEY", "ALLOWED_HOSTS", "DEBUG"} <= set(REGISTRY)
    assert all(len(var.help) > 20 for var in REGISTRY.values())


@pytest.mark.django_db
def test_openapi_schema_is_current(tmp_path):
    from django.db import connection

    if connection.vendor != "sqlite":
        # drf-spectacular takes integer ranges from the database backend in use; the committed
        # schema is generated on the default database (`make openapi`), so compare there.
        pytest.skip("openapi.yaml is generated and compared on SQLite")
    target = tmp_path / "openapi.yaml"
    call_command("spectacular", "--file", str(target), "--validate", stdout=StringIO())
    committed = (ROOT / "openapi.yaml").read_text(encoding="utf-8")
    assert target.read_text(encoding="utf-8") == committed, "run `make openapi`"
