"""Start the test identity provider: migrate its database, make its signing key, register
zorgregio as a client and the users with their claims, and serve it with gunicorn on a free
port of 127.0.0.1. Stopped (its process group) when the context ends."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CLIENT_ID = "zorgregio-test"
CLIENT_SECRET = "zorgregio-test-secret"  # noqa: S105 - a throw-away client of a test IdP


@dataclass
class Provider:
    url: str  # the issuer: http://127.0.0.1:PORT/openid

    @property
    def issuer(self) -> str:
        return self.url


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


SETUP = """
from django.contrib.auth.models import User
from oidc_provider.models import Client, ResponseType
import json, os
client = Client.objects.create(
    name="zorgregio", client_type="confidential", client_id={client_id!r},
    client_secret={secret!r}, jwt_alg="RS256", require_consent=False, reuse_consent=True,
)
client.redirect_uris = {redirects!r}
client.save()
client.response_types.add(ResponseType.objects.get(value="code"))
for name, data in json.loads(os.environ["IDP_USERS"]).items():
    User.objects.create_user(name, data["email"], data["password"],
                             first_name=data.get("first_name", ""),
                             last_name=data.get("last_name", ""))
"""


@contextlib.contextmanager
def start(tmp_path: Path, *, redirect_uris: list[str], users: dict):
    """``users``: {username: {"password", "email", "first_name", "last_name", "claims": {}}}."""
    port = _free_port()
    site = f"http://127.0.0.1:{port}"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
        "DJANGO_SETTINGS_MODULE": "tests.oidc_idp.settings",
        "IDP_DATA_DIR": str(tmp_path),
        "IDP_SITE_URL": site,
        "PYTHONPATH": str(ROOT),
        "IDP_USERS": json.dumps(users),
    }
    (tmp_path / "claims.json").write_text(
        json.dumps({name: data.get("claims", {}) for name, data in users.items()})
    )

    def django(*args):
        subprocess.run(  # noqa: S603 - the test IdP
            [sys.executable, "-m", "django", *args],
            env=env,
            cwd=ROOT,
            check=True,
            capture_output=True,
            timeout=180,
        )

    django("migrate", "-v", "0")
    django("creatersakey")
    code = SETUP.format(client_id=CLIENT_ID, secret=CLIENT_SECRET, redirects=redirect_uris)
    django("shell", "-v", "0", "-c", code)
    server = subprocess.Popen(  # noqa: S603 - the test IdP
        [
            sys.executable,
            "-m",
            "gunicorn",
            "tests.oidc_idp.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--threads",
            "4",
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        discovery = f"{site}/openid/.well-known/openid-configuration"
        while True:
            try:
                with urllib.request.urlopen(discovery, timeout=5):  # noqa: S310 - local
                    break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("the test identity provider did not start") from None
                time.sleep(0.3)
        yield Provider(url=f"{site}/openid")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def zorgregio_settings(provider: Provider) -> dict:
    """The settings (as the environment variables would give them) for zorgregio to use it."""
    return {
        "OIDC_RP_CLIENT_ID": CLIENT_ID,
        "OIDC_RP_CLIENT_SECRET": CLIENT_SECRET,
        "OIDC_OP_ISSUER": provider.issuer,
        "OIDC_RP_SCOPES": "openid email profile zorgregio",
        "ZORGREGIO_OIDC_ROLE_CLAIM": "zorgregio_rol",
        "ZORGREGIO_OIDC_MUNICIPALITIES_CLAIM": "gemeentecodes",
        "ZORGREGIO_OIDC_LABEL": "Inloggen met uw gemeente-account",
    }
