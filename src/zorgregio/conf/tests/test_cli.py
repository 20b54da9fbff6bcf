"""The ``zorgregio`` command as an operator runs it, in a process of its own."""

import os
import subprocess
import sys
from pathlib import Path

ZORGREGIO = Path(sys.executable).parent / "zorgregio"


def run(*args: str, **env: str) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG")}
    base.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(  # noqa: S603 - our own command
        [str(ZORGREGIO), *args], capture_output=True, text=True, env={**base, **env}, check=False
    )


def test_missing_secret_key_is_one_clear_line_not_a_traceback():
    result = run("import", "nothing.xml")
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "zorgregio: Set SECRET_KEY (or DEBUG=true for local development)."
    )


def test_with_the_setting_the_command_runs():
    result = run("help", "import", DEBUG="true")
    assert result.returncode == 0, result.stderr
    assert "usage: zorgregio import" in result.stdout
    assert "--no-progress" in result.stdout
