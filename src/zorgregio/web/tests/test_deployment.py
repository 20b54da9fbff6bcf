"""The production deployment (issue 11.11, 12): `check --deploy` is clean with the documented
production settings, security headers are on every answer, `zorgregio serve` is gunicorn
outside DEBUG, the health endpoint tells the truth and logs can be JSON."""

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.urls import reverse

PACKAGE = Path(__file__).resolve().parents[2]
# The production settings documented in the README (section Production), with throw-away keys.
PRODUCTION = {
    "SECRET_KEY": "k8Jq2vN0xT5rW9yB3mC7fH1dL6pS4gZ-aE2uR8iO0nV5tY7wQ3",
    "ALLOWED_HOSTS": "zorgregio.example.nl",
    "SECURE_SSL_REDIRECT": "true",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "true",
    "SECURE_HSTS_PRELOAD": "true",
    "SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO,https",
    "ZORGREGIO_PSEUDONYM_KEY": "production-test-pseudonym-key",
    "ZORGREGIO_ENCRYPTION_KEY": "dGVzdC1rZXktdGVzdC1rZXktdGVzdC1rZXktdGVzdC0=",
}


def _env(tmp_path, **extra) -> dict:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "SECURE_", "ZORGREGIO_", "DEBUG", "SECRET_KEY"))
    }
    env.update(PRODUCTION)
    env["ZORGREGIO_BASE_DIR"] = str(tmp_path)
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    env.update(extra)
    return env


def _zorgregio(*args, env, timeout=120) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - our own command
        [sys.executable, "-m", "zorgregio", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_check_deploy_is_clean_with_the_documented_production_settings(tmp_path):
    result = _zorgregio("check", "--deploy", "--fail-level", "WARNING", env=_env(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_warns_without_them(tmp_path):
    env = _env(tmp_path)
    for name in ("SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS"):
        env.pop(name)
    result = _zorgregio("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode != 0
    assert "security.W004" in result.stderr and "security.W008" in result.stderr


def test_cookies_are_secure_by_default_outside_debug(tmp_path):
    code = (
        "from django.conf import settings; "
        "print(settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE)"
    )
    production = _zorgregio("shell", "-v", "0", "-c", code, env=_env(tmp_path))
    assert production.stdout.split() == ["True", "True"], production.stderr
    demo = _zorgregio("shell", "-v", "0", "-c", code, env=_env(tmp_path, DEBUG="true"))
    assert demo.stdout.split() == ["False", "False"], demo.stderr


def test_a_wrong_proxy_header_is_one_clear_line(tmp_path):
    result = _zorgregio("check", env=_env(tmp_path, SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto"))
    assert result.returncode == 2
    assert "SECURE_PROXY_SSL_HEADER" in result.stderr and "Traceback" not in result.stderr


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_serve_outside_debug_runs_gunicorn(tmp_path):
    env = _env(tmp_path, SECURE_SSL_REDIRECT="false", ALLOWED_HOSTS="127.0.0.1")
    migrate = _zorgregio("migrate", "--no-input", "-v", "0", env=env, timeout=300)
    assert migrate.returncode == 0, migrate.stderr
    port = _free_port()
    server = subprocess.Popen(  # noqa: S603 - our own command
        [sys.executable, "-m", "zorgregio", "serve", "--port", str(port), "--no-worker"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health/", timeout=5) as r:  # noqa: S310
                    body, headers = json.loads(r.read()), r.headers
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.5)
        assert body["status"] == "ok"
        assert headers["Server"].startswith("gunicorn"), headers["Server"]
        assert "default-src 'self'" in headers["Content-Security-Policy"]
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=30)


def test_json_logs_are_one_object_a_line(tmp_path):
    code = (
        "import logging; logging.getLogger('zorgregio.test').warning('hallo', "
        "extra={'path': '/p', 'status': 200})"
    )
    result = _zorgregio(
        "shell", "-v", "0", "-c", code, env=_env(tmp_path, DEBUG="true", LOG_FORMAT="json")
    )
    line = json.loads(result.stderr.strip().splitlines()[-1])
    assert line["level"] == "WARNING" and line["logger"] == "zorgregio.test"
    assert line["message"] == "hallo" and line["path"] == "/p" and line["status"] == 200
    assert "time" in line


@pytest.mark.django_db
def test_security_headers_on_pages_and_downloads(client, users):
    response = client.get(reverse("login"))
    csp = response["Content-Security-Policy"]
    for directive in ("default-src 'self'", "script-src 'self'", "style-src 'self'"):
        assert directive in csp
    assert "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert "camera=()" in response["Permissions-Policy"]
    assert "no-store" in response["Cache-Control"]
    client.force_login(users["regio"])
    download = client.get(reverse("contracten:export"))
    assert download.status_code == 200
    assert "no-store" in download["Cache-Control"]
    api = client.get("/api/v1/deelnames/")
    assert "no-store" in api["Cache-Control"]


def test_templates_have_no_inline_script_or_style():
    """A strict CSP blocks inline code: scripts and styles live in static files."""
    inline = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle=|\son[a-z]+=", re.I)
    offenders = [
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("templates/**/*.html")
        if inline.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


@pytest.mark.django_db
def test_health_endpoint(client, monkeypatch):
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "cache": "ok", "storage": "ok"},
    }

    from zorgregio.web import health

    def broken():
        raise RuntimeError("database is gone")

    monkeypatch.setitem(health.CHECKS, "database", broken)
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "error"


@pytest.mark.django_db
def test_every_request_is_logged_with_fields(client, caplog):
    with caplog.at_level("INFO", logger="zorgregio.request"):
        client.get("/health/?bsn=123")
    record = next(r for r in caplog.records if r.name == "zorgregio.request")
    assert record.path == "/health/" and record.status == 200 and record.method == "GET"
    assert "bsn" not in record.getMessage()
