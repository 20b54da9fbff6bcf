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
    "zorgregio.scenario",
    "zorgregio.toezicht",
    "zorgregio.vinder",
    "zorgregio.web",
    "zorgregio.api",
    "zorgregio.inrichting",
    "zorgregio.opendata",
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
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "mozilla_django_oidc",
    "csp",
    "django_permissions_policy",
]

MIDDLEWARE = [
    "zorgregio.web.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "zorgregio.web.middleware.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "zorgregio.web.middleware.DutchFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "zorgregio.accounts.middleware.TwoFactorMiddleware",
    "zorgregio.web.uploads.RequestSizeLimitMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a lock-out into the Dutch lock-out page.
    "axes.middleware.AxesMiddleware",
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
                "zorgregio.web.context_processors.theme",
            ],
        },
    },
]

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses an account or address that is locked out before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
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
    not DEBUG,
    cast=to_bool,
    help="Send session and CSRF cookies over HTTPS only. On unless DEBUG; turn it off only for "
    "a plain-HTTP test installation.",
    group="Security",
    doc_default="on unless DEBUG",
)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_AGE = 60 * 60 * 8
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_SSL_REDIRECT = env(
    "SECURE_SSL_REDIRECT",
    False,
    cast=to_bool,
    help="Redirect every plain-HTTP request to HTTPS (the health endpoint excepted, for load "
    "balancers). Turn on in production; behind a proxy that ends TLS also set "
    "SECURE_PROXY_SSL_HEADER.",
    group="Security",
)
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
SECURE_HSTS_SECONDS = env(
    "SECURE_HSTS_SECONDS",
    0,
    cast=int,
    help="Strict-Transport-Security max-age in seconds (e.g. 31536000, a year): browsers then "
    "only use HTTPS for this host. 0 sends no header. Start low when first enabling it.",
    group="Security",
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env(
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    False,
    cast=to_bool,
    help="Add includeSubDomains to the HSTS header (only if every subdomain speaks HTTPS).",
    group="Security",
)
SECURE_HSTS_PRELOAD = env(
    "SECURE_HSTS_PRELOAD",
    False,
    cast=to_bool,
    help="Add preload to the HSTS header.",
    group="Security",
)


def _proxy_header(value: str) -> tuple[str, str] | None:
    if not value:
        return None
    header, _sep, expected = value.partition(",")
    if not expected.strip():
        raise ValueError("use HEADER,value, e.g. HTTP_X_FORWARDED_PROTO,https")
    return header.strip(), expected.strip()


SECURE_PROXY_SSL_HEADER = env(
    "SECURE_PROXY_SSL_HEADER",
    None,
    cast=_proxy_header,
    help="Behind a proxy that ends TLS: the request header and value that mark an HTTPS "
    "request, e.g. `HTTP_X_FORWARDED_PROTO,https`. Set it only when the proxy always sets "
    "(or removes) that header.",
    group="Security",
)
# Content-Security-Policy: the app loads nothing from elsewhere and has no inline script or
# style, so everything is 'self' (django-csp).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}
# Permissions-Policy: no camera, microphone, location, payment ... (django-permissions-policy).
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
    )
}

# --- Login: lock-out, two-factor, OpenID Connect ----------------------------------------------
AXES_FAILURE_LIMIT = env(
    "ZORGREGIO_LOGIN_FAILURE_LIMIT",
    5,
    cast=int,
    help="Failed logins (form, HTTP Basic or API token) after which the account and, "
    "separately, the address are locked out.",
    group="Login",
)
AXES_COOLOFF_TIME = (
    env(
        "ZORGREGIO_LOGIN_LOCKOUT_MINUTES",
        15,
        cast=int,
        help="Minutes a lock-out lasts; the regional team or an administrator can lift it "
        "earlier with `zorgregio axes_reset_username USERNAME`.",
        group="Login",
    )
    / 60
)
# Per account and, separately, per address.
AXES_LOCKOUT_PARAMETERS = "zorgregio.accounts.lockout.lockout_parameters"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "zorgregio.accounts.lockout.lockout_response"
ZORGREGIO_PROXY_COUNT = env(
    "ZORGREGIO_PROXY_COUNT",
    0,
    cast=int,
    help="Number of reverse proxies in front of the app; the client address for the lock-out "
    "is then read from X-Forwarded-For. 0: the connection's own address.",
    group="Login",
)
AXES_CLIENT_IP_CALLABLE = "zorgregio.accounts.lockout.client_address"
AXES_VERBOSE = False

ZORGREGIO_TWO_FACTOR = env(
    "ZORGREGIO_TWO_FACTOR",
    not DEBUG,
    cast=to_bool,
    help="Require a second factor (TOTP, an authenticator app) after a password login for the "
    "roles that see client data (regional team, municipality staff, providers). On unless "
    "DEBUG. OIDC logins rely on the identity provider's own factors; API clients use tokens.",
    group="Login",
    doc_default="on unless DEBUG",
)
OTP_TOTP_ISSUER = "zorgregio"

ZORGREGIO_INVITATION_DAYS = env(
    "ZORGREGIO_INVITATION_DAYS",
    7,
    cast=int,
    help="Days an invitation link to set a password stays valid.",
    group="Login",
)
PASSWORD_RESET_TIMEOUT = ZORGREGIO_INVITATION_DAYS * 24 * 60 * 60

OIDC_RP_CLIENT_ID = env(
    "OIDC_RP_CLIENT_ID",
    "",
    help="OpenID Connect: the client id zorgregio has at the municipalities' identity "
    "provider. Empty: no OIDC login (username and password only).",
    group="OpenID Connect",
)
OIDC_RP_CLIENT_SECRET = env(
    "OIDC_RP_CLIENT_SECRET",
    "",
    help="OpenID Connect: the client secret that goes with the client id.",
    group="OpenID Connect",
)
OIDC_OP_ISSUER = env(
    "OIDC_OP_ISSUER",
    "",
    help="OpenID Connect: the provider's issuer URL; the endpoints below default to what its "
    "`/.well-known/openid-configuration` names, fetched once at start-up.",
    group="OpenID Connect",
)
OIDC_OP_AUTHORIZATION_ENDPOINT = env(
    "OIDC_OP_AUTHORIZATION_ENDPOINT",
    "",
    help="OpenID Connect: authorization endpoint (default from the issuer's discovery).",
    group="OpenID Connect",
)
OIDC_OP_TOKEN_ENDPOINT = env(
    "OIDC_OP_TOKEN_ENDPOINT",
    "",
    help="OpenID Connect: token endpoint (default from discovery).",
    group="OpenID Connect",
)
OIDC_OP_USER_ENDPOINT = env(
    "OIDC_OP_USER_ENDPOINT",
    "",
    help="OpenID Connect: userinfo endpoint (default from discovery).",
    group="OpenID Connect",
)
OIDC_OP_JWKS_ENDPOINT = env(
    "OIDC_OP_JWKS_ENDPOINT",
    "",
    help="OpenID Connect: JWKS endpoint with the keys that sign ID tokens (default from "
    "discovery).",
    group="OpenID Connect",
)
OIDC_OP_LOGOUT_ENDPOINT = env(
    "OIDC_OP_LOGOUT_ENDPOINT",
    "",
    help="OpenID Connect: end-session endpoint; logging out of zorgregio then also ends the "
    "session at the provider (default from discovery).",
    group="OpenID Connect",
)
OIDC_RP_SIGN_ALGO = env(
    "OIDC_RP_SIGN_ALGO",
    "RS256",
    help="OpenID Connect: algorithm of the ID token's signature (RS256, ES256, ...).",
    group="OpenID Connect",
)
OIDC_RP_SCOPES = env(
    "OIDC_RP_SCOPES",
    "openid email profile",
    help="OpenID Connect: scopes asked for; add the one that carries the role claims.",
    group="OpenID Connect",
)
ZORGREGIO_OIDC_LABEL = env(
    "ZORGREGIO_OIDC_LABEL",
    "",
    help="Text of the OIDC login button, e.g. `Inloggen met uw gemeente-account`.",
    group="OpenID Connect",
)
ZORGREGIO_OIDC_ROLE_CLAIM = env(
    "ZORGREGIO_OIDC_ROLE_CLAIM",
    "",
    help="Claim that carries the zorgregio role (e.g. `zorgregio_rol` with the value "
    "`gemeente`). Empty: roles are not taken from claims; a new user waits until the regional "
    "team assigns a role.",
    group="OpenID Connect",
)
ZORGREGIO_OIDC_ROLES = env(
    "ZORGREGIO_OIDC_ROLES",
    ["gemeente", "raad"],
    cast=to_list,
    help="Roles a claim may give (comma-separated). A claim for any other role is refused: "
    "a municipality's identity provider cannot make someone regional team or administrator.",
    group="OpenID Connect",
)
ZORGREGIO_OIDC_MUNICIPALITIES_CLAIM = env(
    "ZORGREGIO_OIDC_MUNICIPALITIES_CLAIM",
    "",
    help="Claim with the CBS codes of the municipalities the user works for (a list, or a "
    "comma-separated string), e.g. `gemeentecodes`.",
    group="OpenID Connect",
)
ZORGREGIO_OIDC_REGION = env(
    "ZORGREGIO_OIDC_REGION",
    "",
    help="Short name (slug) of the region OIDC users belong to; empty: the only region.",
    group="OpenID Connect",
)
# The OIDC backend and views are always installed and do nothing until a client id is set.
AUTHENTICATION_BACKENDS.append("zorgregio.accounts.oidc.RegionOIDCBackend")
OIDC_STORE_ID_TOKEN = True  # for the logout at the provider
OIDC_USE_PKCE = True
OIDC_TIMEOUT = 10
LOGIN_REDIRECT_URL_FAILURE = "/inloggen/"
if OIDC_OP_ISSUER:
    # The logout form posts to zorgregio, which redirects to the provider's end-session page.
    from urllib.parse import urlsplit

    _issuer = urlsplit(OIDC_OP_ISSUER)
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"].append(
        f"{_issuer.scheme}://{_issuer.netloc}"
    )

# --- E-mail (invitations, notifications of the admission procedure) ---------------------------
EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
    help="How e-mail is sent: SMTP in production; the console in DEBUG (the demo).",
    group="E-mail",
    doc_default="SMTP, the console in DEBUG",
)
EMAIL_HOST = env(
    "EMAIL_HOST",
    "localhost",
    help="Host name of the SMTP server that sends e-mail.",
    group="E-mail",
)
EMAIL_PORT = env(
    "EMAIL_PORT",
    25,
    cast=int,
    help="Port of the SMTP server (25, 587 with STARTTLS).",
    group="E-mail",
)
EMAIL_HOST_USER = env(
    "EMAIL_HOST_USER", "", help="User name at the SMTP server, if it asks for one.", group="E-mail"
)
EMAIL_HOST_PASSWORD = env(
    "EMAIL_HOST_PASSWORD",
    "",
    help="Password at the SMTP server, if it asks for one.",
    group="E-mail",
)
EMAIL_USE_TLS = env(
    "EMAIL_USE_TLS",
    False,
    cast=to_bool,
    help="Talk to the SMTP server with STARTTLS.",
    group="E-mail",
)
EMAIL_USE_SSL = env(
    "EMAIL_USE_SSL",
    False,
    cast=to_bool,
    help="Talk to the SMTP server with implicit TLS (usually port 465).",
    group="E-mail",
)
EMAIL_TIMEOUT = env(
    "EMAIL_TIMEOUT", 10, cast=int, help="Seconds to wait for the SMTP server.", group="E-mail"
)
DEFAULT_FROM_EMAIL = env(
    "DEFAULT_FROM_EMAIL",
    "zorgregio <noreply@localhost>",
    help="Sender address of the e-mails zorgregio sends (invitations, notifications).",
    group="E-mail",
)
ZORGREGIO_SITE_URL = env(
    "ZORGREGIO_SITE_URL",
    "http://127.0.0.1:8000",
    help="Public address of this installation (`https://zorgregio.example.nl`): the links in "
    "e-mails sent outside a request (the command line, notifications after a decision) start "
    "with it; on screens the request's own address is used.",
    group="E-mail",
)

REST_FRAMEWORK = {
    # The token first: an API call without valid credentials gets 401 with WWW-Authenticate.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "zorgregio.accounts.api_auth.TokenAuthentication",
        "zorgregio.accounts.api_auth.OIDCBearerAuthentication",
        "zorgregio.accounts.api_auth.BasicAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["zorgregio.accounts.permissions.HasRole"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 100,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "zorgregio API",
    "DESCRIPTION": "API of zorgregio: regions, providers, products, contracts and figures; "
    "the regional team (or its systems, with an API token) also writes the contract register.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # Swagger UI from the app itself (sidecar package), never from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # The public open data API has its own document (/api/open/v1/openapi.json).
    "PREPROCESSING_HOOKS": ["zorgregio.opendata.schema_hooks.without_open_api"],
    "ENUM_NAME_OVERRIDES": {
        "AddressKindEnum": "zorgregio.aanbieders.models.AddressKind",
        "AdmissionStatusEnum": "zorgregio.contracten.models.AdmissionStatus",
        "AmendmentStatusEnum": "zorgregio.contracten.models.AmendmentStatus",
        "AmendmentChangeKindEnum": "zorgregio.contracten.models.AmendmentChangeKind",
    },
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
ZORGREGIO_OCDS_PREFIX = env(
    "ZORGREGIO_OCDS_PREFIX",
    "ocds-zorgrg",
    help="The ocid prefix of the open contracting data (OCDS): `ocds-` and the six characters "
    "the Open Contracting Partnership registers for the publisher; every ocid is this prefix, "
    "the region's short name and the framework agreement's number. Change it once, before the "
    "first publication: an ocid must never change.",
    group="Open data",
)
ZORGREGIO_OPEN_API_RATE = env(
    "ZORGREGIO_OPEN_API_RATE",
    "120/minute",
    help="Rate limit of the public open data API (`/api/open/v1/`) per client address, as "
    "`number/second|minute|hour|day`; over it the API answers 429 with a problem detail.",
    group="Open data",
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
ZORGREGIO_READER_MIN_FILES = env(
    "ZORGREGIO_READER_MIN_FILES",
    50,
    cast=int,
    help="An import of at least this many files (default 50) has a forked reader process that "
    "stores and parses the files while the import applies the ones before them, using a "
    "second core; 0 reads every file in the import's own process. Only where the platform "
    "can fork.",
    group="Messages",
)

LOG_FORMAT = env(
    "LOG_FORMAT",
    "text",
    help="`text` for people, `json` for a log collector: one JSON object a line with time, "
    "level, logger, message and the request's method, path, status, duration and user id.",
)
if LOG_FORMAT not in ("text", "json"):
    raise ImproperlyConfigured("LOG_FORMAT must be text or json.")
ZORGREGIO_TOELATING_MAX_UPLOAD_BYTES = env(
    "ZORGREGIO_TOELATING_MAX_UPLOAD_BYTES",
    20 * 1024**2,
    cast=int,
    help="Largest file accepted in the admission procedure (evidence, procedure documents), "
    "in bytes (default 20 MiB); larger files are refused with a reason.",
    group="Admission procedure",
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    # django-axes logs every failed login at INFO; the audit trail has them already.
    "loggers": {"axes": {"level": "WARNING"}},
    "root": {
        "handlers": ["console"],
        "level": env(
            "LOG_LEVEL",
            "INFO",
            help="Log level of the application (DEBUG, INFO, WARNING, ERROR).",
        ),
    },
}
