"""Django settings for zorgregio, driven by environment variables.

Every variable is read through :func:`zorgregio.conf.env.env` with a help text; the reference
in ``docs/configuration.md`` is generated from these calls.
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from .env import cache_config, env, to_bool, to_list

PACKAGE_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = Path(
    env(
        "ZORGREGIO_BASE_DIR",
        str(PACKAGE_DIR.parent.parent),
        help="Directory under which `var/` (database, uploads, static files) lives.",
        doc_default="the checkout",
    )
)
VAR_DIR = BASE_DIR / "var"

DEBUG = env(
    "DEBUG",
    False,
    cast=to_bool,
    help="Development mode: detailed error pages, static files served from the source tree. "
    "Never in production. `make demo` sets it.",
)
SECRET_KEY = env(
    "SECRET_KEY",
    "",
    help="Django's signing key. Required unless DEBUG is on; keep it secret and stable.",
)
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set SECRET_KEY (or DEBUG=true for local development).")
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env(
    "ALLOWED_HOSTS",
    ["127.0.0.1", "localhost"],
    cast=to_list,
    help="Comma-separated host names this instance answers to.",
)
CSRF_TRUSTED_ORIGINS = env(
    "CSRF_TRUSTED_ORIGINS",
    [],
    cast=to_list,
    help="Comma-separated origins (scheme and host) trusted for form posts behind a proxy.",
)

DATABASES = {
    "default": dj_database_url.parse(
        env(
            "DATABASE_URL",
            f"sqlite:///{VAR_DIR / 'zorgregio.sqlite3'}",
            help="Database URL. PostgreSQL in production "
            "(`postgres://user:password@host:5432/name`); defaults to an SQLite file "
            "`var/zorgregio.sqlite3` in the base directory.",
            group="Database",
            doc_default="sqlite:///<base dir>/var/zorgregio.sqlite3",
        ),
        conn_max_age=env(
            "DATABASE_CONN_MAX_AGE",
            60,
            cast=int,
            help="Seconds to keep a database connection open between requests.",
            group="Database",
        ),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    if DATABASES["default"]["NAME"] not in ("", ":memory:"):
        Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets the web app read while the background worker imports.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DATABASES["default"]["TEST"] = {
    "NAME": env(
        "DATABASE_TEST_NAME",
        None,
        help="Name of the throw-away database the test suite creates (PostgreSQL only); "
        "defaults to `test_` plus the database name.",
        group="Database",
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# zorgregio's apps come first: their templates and Dutch translations take precedence over
# Django's own (e.g. "Log in" is "Inloggen" here, not the admin's "Aanmelden").
INSTALLED_APPS = [
    "zorgregio.common",
    "zorgregio.audit",
    "zorgregio.codelijsten",
    "zorgregio.regio",
    "zorgregio.aanbieders",
    "zorgregio.accounts",
    "zorgregio.producten",
    "zorgregio.contracten",
    "zorgregio.toelating",
    "zorgregio.zorg",
    "zorgregio.berichten",
    "zorgregio.monitor",
    "zorgregio.web",
    "zorgregio.api",
    "zorgregio.demo",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "zorgregio.web.middleware.DutchFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "zorgregio.web.uploads.RequestSizeLimitMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "zorgregio.conf.urls"
WSGI_APPLICATION = "zorgregio.conf.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "zorgregio.web.context_processors.navigation",
            ],
        },
    },
]

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(
    env(
        "STATIC_ROOT",
        str(VAR_DIR / "static"),
        help="Where `collectstatic` puts the static files served by the app (WhiteNoise).",
        doc_default="<base dir>/var/static",
    )
)
WHITENOISE_USE_FINDERS = DEBUG
MEDIA_ROOT = Path(
    env(
        "ZORGREGIO_UPLOAD_DIR",
        str(VAR_DIR / "uploads"),
        help="Where uploaded and imported files are stored (the raw message archive).",
        group="Messages",
        doc_default="<base dir>/var/uploads",
    )
)

# Uploads: files larger than 2.5 MB go to a temporary file, removed when the request ends; the
# upload handler stops a request whose files pass ZORGREGIO_MAX_UPLOAD_BYTES while it streams.
FILE_UPLOAD_HANDLERS = [
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "zorgregio.web.uploads.LimitedUploadHandler",
]

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env(
    "SECURE_COOKIES",
    False,
    cast=to_bool,
    help="Send session and CSRF cookies over HTTPS only. Turn on behind TLS.",
)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_AGE = 60 * 60 * 8
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.BasicAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["zorgregio.accounts.permissions.HasRole"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 100,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "zorgregio API",
    "DESCRIPTION": "Read API of zorgregio: regions, providers, products, contracts and figures.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # Swagger UI from the app itself (sidecar package), never from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

CACHE_URL = env(
    "CACHE_URL",
    "",
    help="Shared cache for the monitor's built dashboards, e.g. `redis://127.0.0.1:6379/1`. "
    "Empty: a memory cache per process, fine for one process; with several web processes use "
    "Redis so they share it.",
)
CACHES = {"default": cache_config(CACHE_URL)}

TASKS = {
    "default": {
        "BACKEND": env(
            "ZORGREGIO_TASK_BACKEND",
            "django_tasks_db.DatabaseBackend",
            help="Backend for background work (imports). The database backend needs no extra "
            "server: run `zorgregio db_worker` beside the web app (`zorgregio serve` does).",
            group="Messages",
        ),
    }
}

# --- Domain settings -------------------------------------------------------------------------
ZORGREGIO_SUPPRESSION_THRESHOLD = env(
    "ZORGREGIO_SUPPRESSION_THRESHOLD",
    5,
    cast=int,
    help="Small-cell suppression: counts below this are shown as '< N' and amounts or averages "
    "over fewer clients are hidden for roles without client-level rights.",
    group="Privacy",
)
ZORGREGIO_PSEUDONYM_KEY = env(
    "ZORGREGIO_PSEUDONYM_KEY",
    "",
    help="Secret key for the keyed BSN pseudonym (HMAC-SHA256). Required in production; "
    "changing it breaks the link with stored pseudonyms.",
    group="Privacy",
)
ZORGREGIO_ENCRYPTION_KEY = env(
    "ZORGREGIO_ENCRYPTION_KEY",
    "",
    help="Fernet key (urlsafe base64, 32 bytes) that encrypts BSNs for the roles allowed to see "
    "them. Required in production.",
    group="Privacy",
)
if not (ZORGREGIO_PSEUDONYM_KEY and ZORGREGIO_ENCRYPTION_KEY):
    if not DEBUG:
        raise ImproperlyConfigured(
            "Set ZORGREGIO_PSEUDONYM_KEY and ZORGREGIO_ENCRYPTION_KEY (or DEBUG=true)."
        )
    ZORGREGIO_PSEUDONYM_KEY = ZORGREGIO_PSEUDONYM_KEY or "development-pseudonym-key"
    # A fixed development key: never use it for real data.
    ZORGREGIO_ENCRYPTION_KEY = (
        ZORGREGIO_ENCRYPTION_KEY or "ZGV2ZWxvcG1lbnQta2V5LWRvLW5vdC11c2UtcHJvZCE="
    )
ZORGREGIO_ENCRYPT_ARCHIVE = env(
    "ZORGREGIO_ENCRYPT_ARCHIVE",
    True,
    cast=to_bool,
    help="Store received message and CSV files encrypted (AES-256-GCM, key derived from "
    "ZORGREGIO_ENCRYPTION_KEY): they carry BSNs. Off only where the storage is encrypted "
    "otherwise; files stored either way stay readable.",
    group="Privacy",
)
ZORGREGIO_XSD_DIR = env(
    "ZORGREGIO_XSD_DIR",
    "",
    help="Directory with the official iStandaarden XSDs, one folder per standard and release "
    "(`iwmo-3.2/`, `ijw-3.2/`). When set, every message is validated against them.",
    group="Messages",
)
ZORGREGIO_MAX_MESSAGE_BYTES = env(
    "ZORGREGIO_MAX_MESSAGE_BYTES",
    1024**3,
    cast=int,
    help="Largest message file accepted, in bytes (default 1 GiB); larger files are refused "
    "with a reason before parsing.",
    group="Messages",
)
ZORGREGIO_MAX_UPLOAD_BYTES = env(
    "ZORGREGIO_MAX_UPLOAD_BYTES",
    512 * 1024**2,
    cast=int,
    help="Largest upload through the web app, in bytes (default 512 MiB): a request that is "
    "larger is refused while it streams in, before it fills the disk; the files of one upload, "
    "zip archives unpacked, may not hold more than this either. The command line "
    "(`zorgregio import`) has no such limit.",
    group="Messages",
)
ZORGREGIO_PARSE_PROCESS_MIN_BYTES = env(
    "ZORGREGIO_PARSE_PROCESS_MIN_BYTES",
    4 * 1024**2,
    cast=int,
    help="Message files of at least this size (default 4 MiB) are parsed in a forked child "
    "process while the checks and inserts run, using a second core; 0 parses every file in "
    "process. Only where the platform can fork.",
    group="Messages",
)

ZORGREGIO_TOELATING_MAX_UPLOAD_BYTES = env(
    "ZORGREGIO_TOELATING_MAX_UPLOAD_BYTES",
    20 * 1024**2,
    cast=int,
    help="Largest file accepted in the admission procedure (evidence, procedure documents), "
    "in bytes (default 20 MiB); larger files are refused with a reason.",
    group="Admission procedure",
)

# --- E-mail ----------------------------------------------------------------------------------
EMAIL_HOST = env(
    "EMAIL_HOST",
    "",
    help="SMTP server for notifications (questions answered, evidence requested, decisions). "
    "Empty: e-mails are written to the console instead (the demo).",
    group="E-mail",
)
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_PORT = env("EMAIL_PORT", 25, cast=int, help="Port of the SMTP server.", group="E-mail")
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "", help="SMTP user name, if any.", group="E-mail")
EMAIL_HOST_PASSWORD = env(
    "EMAIL_HOST_PASSWORD", "", help="SMTP password, if any; keep it secret.", group="E-mail"
)
EMAIL_USE_TLS = env(
    "EMAIL_USE_TLS", False, cast=to_bool, help="Use STARTTLS (usually port 587).", group="E-mail"
)
EMAIL_USE_SSL = env(
    "EMAIL_USE_SSL",
    False,
    cast=to_bool,
    help="Use implicit TLS (usually port 465).",
    group="E-mail",
)
EMAIL_TIMEOUT = env(
    "EMAIL_TIMEOUT", 10, cast=int, help="Seconds to wait for the SMTP server.", group="E-mail"
)
ZORGREGIO_SITE_URL = env(
    "ZORGREGIO_SITE_URL",
    "http://127.0.0.1:8000",
    help="The address users reach zorgregio at; links in e-mails start with it.",
    group="E-mail",
)
DEFAULT_FROM_EMAIL = env(
    "DEFAULT_FROM_EMAIL",
    "zorgregio <noreply@localhost>",
    help="Sender of the notifications.",
    group="E-mail",
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {
        "handlers": ["console"],
        "level": env(
            "LOG_LEVEL",
            "INFO",
            help="Log level of the application (DEBUG, INFO, WARNING, ERROR).",
        ),
    },
}
