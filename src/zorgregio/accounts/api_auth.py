"""How other systems log in to the API: an API token, HTTP Basic or an OIDC access token.

Every path is audited (at most once per quarter of an hour per user, method and address, so
a system that calls every second does not flood the trail) and every failure counts towards
the lock-out of django-axes: per account for passwords, per address for every method.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions

from .models import ApiToken

AUDIT_EVERY = dt.timedelta(minutes=15)


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def token_create(*, user, name: str, expires_on: dt.date | None = None) -> tuple[ApiToken, str]:
    """A new token for ``user``; returns the token and the key, which is never stored."""
    key = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name, prefix=key[:8], key_hash=hash_key(key), expires_on=expires_on
    )
    return token, key


def _locked_out(request, credentials: dict) -> bool:
    if not getattr(settings, "AXES_ENABLED", True):
        return False
    from axes.handlers.proxy import AxesProxyHandler

    return not AxesProxyHandler.is_allowed(request, credentials=credentials)


def _failed(request, credentials: dict) -> None:
    user_login_failed.send(sender=__name__, credentials=credentials, request=request)


def audit_api_login(request, user, method: str) -> None:
    """Audit an API login; once per AUDIT_EVERY for the same user, method and address."""
    from zorgregio.audit.models import AuditAction
    from zorgregio.audit.services import audit_log

    address = request.META.get("REMOTE_ADDR", "")
    key = f"zorgregio:api-login:{user.pk}:{method}:{address}"
    if cache.add(key, 1, int(AUDIT_EVERY.total_seconds())):
        audit_log(actor=user, action=AuditAction.LOGIN, obj=user, message=f"api-{method}")


LOCKED = _("Too many failed logins from this account or address; try again later.")


class TokenAuthentication(authentication.TokenAuthentication):
    """``Authorization: Token <key>``, looked up by its hash."""

    keyword = "Token"

    def authenticate(self, request):
        self.request = request._request
        return super().authenticate(request)

    def authenticate_credentials(self, key):
        credentials = {"api_token": True}
        if _locked_out(self.request, credentials):
            raise exceptions.AuthenticationFailed(LOCKED)
        token = ApiToken.objects.select_related("user").filter(key_hash=hash_key(key)).first()
        today = timezone.localdate()
        if (
            token is None
            or token.revoked_at is not None
            or (token.expires_on is not None and token.expires_on < today)
            or not token.user.is_active
        ):
            _failed(self.request, credentials)
            raise exceptions.AuthenticationFailed(
                _("The API token is unknown, expired or revoked.")
            )
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
        audit_api_login(self.request, token.user, "token")
        return token.user, token


class BasicAuthentication(authentication.BasicAuthentication):
    """HTTP Basic with username and password: locked out like the form (django-axes sits in
    ``authenticate``), audited, and refused for roles that need a second factor (they use an
    API token: a password alone must not open client data)."""

    def authenticate(self, request):
        self.request = request._request
        return super().authenticate(request)

    def authenticate_credentials(self, userid, password, request=None):
        from .models import CLIENT_DATA_ROLES
        from .scoping import scope_for

        if _locked_out(self.request, {"username": userid}):
            raise exceptions.AuthenticationFailed(LOCKED)
        try:
            user, _none = super().authenticate_credentials(userid, password, self.request)
        except exceptions.AuthenticationFailed as exc:
            if _locked_out(self.request, {"username": userid}):
                raise exceptions.AuthenticationFailed(LOCKED) from exc
            raise exceptions.AuthenticationFailed(
                _("The username or password is incorrect.")
            ) from exc
        if settings.ZORGREGIO_TWO_FACTOR and scope_for(user).role in CLIENT_DATA_ROLES:
            raise exceptions.AuthenticationFailed(
                _("Your role sees client data: use an API token, not a password, for the API.")
            )
        audit_api_login(self.request, user, "basic")
        return user, None


class OIDCBearerAuthentication(authentication.BaseAuthentication):
    """``Authorization: Bearer <access token>`` of the identity provider: the user is looked
    up by the claims its userinfo endpoint returns; an unknown user is refused, never
    created."""

    www_authenticate_realm = "api"

    def authenticate(self, request):
        from mozilla_django_oidc.contrib.drf import OIDCAuthentication

        from .oidc import LoginRefused, RegionOIDCBackend

        inner = OIDCAuthentication(backend=RegionOIDCBackend(create_users=False))
        access_token = inner.get_access_token(request)
        if not access_token:
            return None
        credentials = {"api_token": True}
        if _locked_out(request._request, credentials):
            raise exceptions.AuthenticationFailed(LOCKED)
        try:
            user, token = inner.authenticate(request)
        except LoginRefused as exc:
            _failed(request._request, credentials)
            raise exceptions.AuthenticationFailed(exc.reason) from exc
        except Exception as exc:  # noqa: BLE001 - any failure of the token is a refusal
            _failed(request._request, credentials)
            raise exceptions.AuthenticationFailed(
                _("The access token was not accepted, or its user is not known in zorgregio.")
            ) from exc
        audit_api_login(request._request, user, "oidc")
        return user, token

    def authenticate_header(self, request):
        return f'Bearer realm="{self.www_authenticate_realm}"'
