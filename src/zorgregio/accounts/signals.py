"""Every login path is audited here: the form, the admin's login, OIDC (Django's login
signals) and failed attempts of any kind, including HTTP Basic on the API. API logins that
succeed are audited in :mod:`.api_auth` (they do not make a session)."""

from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from zorgregio.audit.models import AuditAction
from zorgregio.audit.services import audit_log

OIDC_BACKEND = "zorgregio.accounts.oidc.RegionOIDCBackend"


def login_method(request) -> str:
    """How the session was opened: ``oidc`` or ``password``."""
    session = getattr(request, "session", None)
    backend = session.get(BACKEND_SESSION_KEY, "") if session is not None else ""
    return "oidc" if backend == OIDC_BACKEND else "password"


def _address(request) -> str:
    return request.META.get("REMOTE_ADDR", "") if request is not None else ""


@receiver(user_logged_in, dispatch_uid="zorgregio-audit-login")
def audit_login(sender, request, user, **kwargs):
    method = login_method(request) if request is not None else "password"
    audit_log(
        actor=user, action=AuditAction.LOGIN, obj=user, message=f"{method} {_address(request)}"
    )


@receiver(user_login_failed, dispatch_uid="zorgregio-audit-login-failed")
def audit_login_failed(sender, credentials, request=None, **kwargs):
    if credentials.get("api_token"):
        who = "api-token"
    else:
        who = str(credentials.get("username", ""))[:150]
    path = getattr(request, "path", "") if request is not None else ""
    audit_log(
        actor=None,
        action=AuditAction.LOGIN_FAILED,
        message=f"{who} {path} {_address(request)}".strip(),
    )
