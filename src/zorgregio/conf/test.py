"""Settings for the test suite: the normal settings with a fixed key and a fast hasher."""

import atexit
import os
import shutil
import tempfile
from pathlib import Path

# The official XSDs staged beside the checkout (../shared) are what tests and CI validate against.
_SHARED_XSD = Path(__file__).resolve().parents[3].parent / "shared/standards/istandaarden-3.2/xsd"
if _SHARED_XSD.is_dir():
    os.environ.setdefault("ZORGREGIO_XSD_DIR", str(_SHARED_XSD))

os.environ.setdefault("SECRET_KEY", "test-only-secret-key")
os.environ.setdefault("ZORGREGIO_PSEUDONYM_KEY", "test-pseudonym-key")
os.environ.setdefault("ZORGREGIO_ENCRYPTION_KEY", "dGVzdC1rZXktdGVzdC1rZXktdGVzdC1rZXktdGVzdC0=")

from .settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405 - WhiteNoise expects it to exist

# Files the tests write (uploaded messages, the demo archive) go to a directory of their own per
# test run, never into the checkout's var/, so runs cannot trip over each other.
_TEST_VAR = Path(tempfile.mkdtemp(prefix="zorgregio-test-"))
atexit.register(shutil.rmtree, _TEST_VAR, ignore_errors=True)
VAR_DIR = _TEST_VAR
MEDIA_ROOT = _TEST_VAR / "uploads"
