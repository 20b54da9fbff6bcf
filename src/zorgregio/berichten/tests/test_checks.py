"""The system check that the installed lxml refuses malformed XML under the XSD (the parse's
all-or-nothing rule rests on it)."""

import pytest
from django.core import checks
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from zorgregio.berichten import checks as parser_checks
from zorgregio.berichten import parsers


def test_the_installed_lxml_with_the_parsers_options_refuses_broken_documents():
    assert parser_checks.broken_documents_accepted(parsers._parser_kwargs()) == []
    assert checks.run_checks(tags=[checks.Tags.compatibility]) == []


def test_a_parser_that_recovers_broken_documents_stops_the_import_command(monkeypatch):
    monkeypatch.setattr(parsers, "_parser_kwargs", lambda: {"recover": True})
    errors = parser_checks.check_parser_refuses_malformed()
    assert [e.id for e in errors] == ["berichten.E001"]
    assert "truncated" in errors[0].msg and "mismatched tag" in errors[0].msg
    with pytest.raises(SystemCheckError, match="berichten.E001"):
        call_command("import", "/nonexistent", skip_checks=False)
