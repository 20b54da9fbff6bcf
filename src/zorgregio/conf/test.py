"""Settings for the test suite: the normal settings with a fixed key and a fast hasher."""

import atexit
import os
import shutil
import tempfile
from pathlib import Path

# The official iWmo/iJw 3.2 XSDs and example messages are what tests and CI validate against:
# the folder ZORGREGIO_STANDARDS_DIR names, by default the one staged beside the checkout
# (../shared/standards/istandaarden-3.2). .ci/run finds it for a clone made elsewhere.
ZORGREGIO_STANDARDS_DIR = Path(
    os.environ.get("ZORGREGIO_STANDARDS_DIR")
    or Path(__file__).resolve().parents[3].parent / "shared/standards/istandaarden-3.2"
)
if (ZORGREGIO_STANDARDS_DIR / "xsd").is_dir():
    os.environ.setdefault("ZORGREGIO_XSD_DIR", str(ZORGREGIO_STANDARDS_DIR / "xsd"))

os.environ.setdefault("SECRET_KEY", "test-only-secret-key")
os.environ.setdefault("ZORGREGIO_PSEUDONYM_KEY", "test-pseudonym-key")
os.environ.setdefault("ZORGREGIO_ENCRYPTION_KEY", "dGVzdC1rZXktdGVzdC1rZXktdGVzdC1rZXktdGVzdC0=")
# The second factor is switched on by the tests of the second factor itself (override_settings);
# the rest of the suite logs users in directly.
os.environ.setdefault("ZORGREGIO_TWO_FACTOR", "false")
# The open data API's rate limit is tested with its own low rate (override_settings); the
# authorization matrix asks it hundreds of times.
os.environ.setdefault("ZORGREGIO_OPEN_API_RATE", "100000/minute")

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
