"""Login with OpenID Connect (mozilla-django-oidc) for municipalities' own identity providers.

Configured by environment variables (``OIDC_*``, ``ZORGREGIO_OIDC_*``; docs/configuration.md).
The claims-to-scope mapping lives here, in one function (:func:`scope_from_claims`), so
scoping itself stays in :mod:`.scoping` (ADR 0002):

- a user is found by the provider's subject (``sub``), or at the first login by an e-mail
  address the regional team registered (users import); the subject is then bound to it;
- with ``ZORGREGIO_OIDC_ROLE_CLAIM`` set, role and municipalities come from the claims at every
  login, limited to ``ZORGREGIO_OIDC_ROLES`` and to the municipalities of the region;
- without a role claim, a new user is registered without a role and may log in once the
  regional team has assigned one (screen *Inrichting* → *Gebruikers*).

Every refusal has a Dutch reason on the login page (web) or in the 401 (API).
"""

from __future__ import annotations

import functools
import logging
from urllib.parse import urlencode

import requests
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import absolutify, import_from_settings
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from zorgregio.audit.models import AuditAction
from zorgregio.audit.services import audit_log

from .models import Role, User

log = logging.getLogger(__name__)

DISCOVERED = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
    "OIDC_OP_LOGOUT_ENDPOINT": "end_session_endpoint",
}


class LoginRefused(Exception):  # noqa: N818 - reads as what happened
    """An OIDC login that is refused, with the Dutch reason for the user. Not a
    SuspiciousOperation: mozilla-django-oidc would swallow that without the reason."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def enabled() -> bool:
    return bool(getattr(settings, "OIDC_RP_CLIENT_ID", ""))


@functools.lru_cache(maxsize=4)
def _discovery(issuer: str) -> dict:
    url = issuer.rstrip("/") + "/.well-known/openid-configuration"
    response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
    response.raise_for_status()
    return response.json()


def oidc_setting(attr: str, *default):
    """A setting; an empty endpoint is taken from the issuer's discovery document."""
    value = import_from_settings(attr, *default)
    if not value and attr in DISCOVERED and getattr(settings, "OIDC_OP_ISSUER", ""):
        value = _discovery(settings.OIDC_OP_ISSUER).get(DISCOVERED[attr], "")
    return value


def _region():
    from zorgregio.regio.models import Region

    slug = settings.ZORGREGIO_OIDC_REGION
    if slug:
        region = Region.objects.filter(slug=slug).first()
        if region is None:
            raise LoginRefused(_("The region %s of the OIDC login does not exist.") % slug)
        return region
    regions = list(Region.objects.all()[:2])
    if len(regions) != 1:
        raise LoginRefused(_("Set ZORGREGIO_OIDC_REGION: there is not exactly one region."))
    return regions[0]


def _codes(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        value = value.replace(";", ",").split(",")
    return [str(code).strip().zfill(4) for code in value if str(code).strip()]


def scope_from_claims(claims: dict) -> dict | None:
    """Role, region and municipalities that the claims give, or None when roles are not taken
    from claims (or the claim is absent). Refuses a role the provider may not give and a
    municipality outside the region."""
    role_claim = settings.ZORGREGIO_OIDC_ROLE_CLAIM
    if not role_claim or claims.get(role_claim) in (None, ""):
        return None
    role = str(claims[role_claim]).strip().lower()
    if role not in settings.ZORGREGIO_OIDC_ROLES or role not in Role.values:
        raise LoginRefused(
            _("The identity provider may not give the role %(role)s (allowed: %(allowed)s).")
            % {"role": role, "allowed": ", ".join(settings.ZORGREGIO_OIDC_ROLES)}
        )
    region = _region()
    municipalities = []
    if role == Role.MUNICIPALITY:
        codes = _codes(claims.get(settings.ZORGREGIO_OIDC_MUNICIPALITIES_CLAIM))
        known = {m.cbs_code: m for m in region.municipalities.filter(cbs_code__in=codes)}
        foreign = [code for code in codes if code not in known]
        if foreign:
            raise LoginRefused(
                _("Municipality %(codes)s is not part of %(region)s; you cannot log in for it.")
                % {"codes": ", ".join(foreign), "region": region}
            )
        if not known:
            raise LoginRefused(
                _("The identity provider names no municipality you work for (claim %s).")
                % (settings.ZORGREGIO_OIDC_MUNICIPALITIES_CLAIM or "-")
            )
        municipalities = list(known.values())
    return {"role": role, "region": region, "municipalities": municipalities}


class RegionOIDCBackend(OIDCAuthenticationBackend):
    """mozilla-django-oidc's backend with zorgregio's user matching and claims mapping.

    Installed always; it answers only an OIDC callback, and only when a client id is set.
    Endpoints are read when used (from discovery when not set), not when Django loads the
    backend for a password login."""

    def __init__(self, *args, create_users: bool = True, **kwargs):
        ModelBackend.__init__(self, *args, **kwargs)
        self.UserModel = User
        self.create_users = create_users

    get_settings = staticmethod(oidc_setting)

    def __getattr__(self, name):
        # OIDC_OP_TOKEN_ENDPOINT, OIDC_RP_CLIENT_ID, ... as the parent class reads them.
        if name.startswith("OIDC_"):
            defaults = {"OIDC_RP_SIGN_ALGO": "RS256", "OIDC_RP_IDP_SIGN_KEY": None}
            return oidc_setting(name, defaults.get(name, ""))
        raise AttributeError(name)

    def authenticate(self, request, **kwargs):
        if not enabled() or request is None or "code" not in request.GET:
            return None
        try:
            return super().authenticate(request, **kwargs)
        except LoginRefused as exc:
            self._tell(request, exc.reason)
        except (requests.RequestException, SuspiciousOperation) as exc:
            log.warning("OIDC login failed: %s", exc)
            self._tell(request, _("The login at the identity provider did not succeed."))
        return None

    @staticmethod
    def _tell(request, reason: str) -> None:
        audit_log(actor=None, action=AuditAction.LOGIN_FAILED, message=f"oidc: {reason}")
        if hasattr(request, "_messages"):
            messages.error(request, reason)

    def verify_claims(self, claims) -> bool:
        return bool(claims.get("sub"))

    def filter_users_by_claims(self, claims):
        users = User.objects.filter(oidc_subject=claims["sub"])
        if users.exists():
            return users
        email = claims.get("email")
        if email and claims.get("email_verified", True) is not False:
            return User.objects.filter(oidc_subject__isnull=True, email__iexact=email)
        return User.objects.none()

    def get_or_create_user(self, access_token, id_token, payload):
        user = self._user_for(self.get_userinfo(access_token, id_token, payload))
        if not user.role:
            # Registered (and kept) for the regional team to assign a role.
            raise LoginRefused(
                _(
                    "Your account is registered. You can log in once the regional team has "
                    "assigned your role and municipalities."
                )
            )
        return user

    @transaction.atomic
    def _user_for(self, claims) -> User:
        if not self.verify_claims(claims):
            raise LoginRefused(_("The identity provider sent no subject (sub)."))
        users = list(self.filter_users_by_claims(claims)[:2])
        if len(users) > 1:
            raise LoginRefused(
                _("Several accounts have the e-mail address %s; ask the regional team.")
                % claims.get("email")
            )
        granted = scope_from_claims(claims)
        if users:
            user = users[0]
        elif not self.create_users:
            raise LoginRefused(_("This user is not known in zorgregio."))
        else:
            user = self._create(claims)
        if not user.is_active:
            raise LoginRefused(_("This account has been deactivated."))
        if user.oidc_subject != claims["sub"]:
            user.oidc_subject = claims["sub"]
            user.save(update_fields=["oidc_subject"])
        if granted is not None:
            self._apply(user, granted)
        return user

    def _create(self, claims) -> User:
        base = (claims.get("preferred_username") or claims.get("email") or claims["sub"])[:140]
        username, n = base, 1
        while User.objects.filter(username=username).exists():
            n += 1
            username = f"{base}-{n}"
        user = User(
            username=username,
            email=claims.get("email", "")[:254],
            first_name=claims.get("given_name", "")[:150],
            last_name=claims.get("family_name", "")[:150],
            oidc_subject=claims["sub"],
        )
        user.set_unusable_password()
        user.save()
        audit_log(actor=None, action=AuditAction.CREATE, obj=user, message="oidc")
        return user

    def _apply(self, user: User, granted: dict) -> None:
        before = (user.role, user.region_id, set(user.municipalities.values_list("pk", flat=True)))
        wanted = (granted["role"], granted["region"].pk, {m.pk for m in granted["municipalities"]})
        if before == wanted:
            return
        user.role, user.region = granted["role"], granted["region"]
        user.provider = None
        user.save(update_fields=["role", "region", "provider"])
        user.municipalities.set(granted["municipalities"])
        audit_log(
            actor=None,
            action=AuditAction.UPDATE,
            obj=user,
            message=_("Role and scope from the identity provider's claims."),
            before={"role": before[0], "region": before[1], "municipalities": sorted(before[2])},
            after={"role": wanted[0], "region": wanted[1], "municipalities": sorted(wanted[2])},
        )


class RegionAuthenticationRequestView(OIDCAuthenticationRequestView):
    get_settings = staticmethod(oidc_setting)

    def __init__(self, *args, **kwargs):
        super(OIDCAuthenticationRequestView, self).__init__(*args, **kwargs)

    def get(self, request):
        from django.http import Http404

        if not enabled():
            raise Http404
        self.OIDC_OP_AUTH_ENDPOINT = oidc_setting("OIDC_OP_AUTHORIZATION_ENDPOINT")
        self.OIDC_RP_CLIENT_ID = oidc_setting("OIDC_RP_CLIENT_ID")
        return super().get(request)


class RegionCallbackView(OIDCAuthenticationCallbackView):
    get_settings = staticmethod(oidc_setting)


def provider_logout_url(request) -> str:
    """Where to send the browser after logging out of a session opened with OIDC: the
    provider's end-session page, which comes back to the login page."""
    endpoint = oidc_setting("OIDC_OP_LOGOUT_ENDPOINT", "")
    if not endpoint:
        return ""
    params = {"post_logout_redirect_uri": absolutify(request, reverse("login"))}
    id_token = request.session.get("oidc_id_token")
    if id_token:
        params["id_token_hint"] = id_token
    return f"{endpoint}?{urlencode(params)}"
