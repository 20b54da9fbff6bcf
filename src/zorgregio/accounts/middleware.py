"""The second factor: after a password login, the roles that see client data must confirm a
TOTP code (django-otp) before any page or API answer. OIDC logins rely on the identity
provider's own factors."""

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from .models import CLIENT_DATA_ROLES
from .scoping import scope_for
from .signals import login_method

EXEMPT_PREFIXES = ("/static/", "/i18n/", "/health/", "/uitloggen/", "/inloggen/")


def needs_second_factor(request) -> bool:
    user = getattr(request, "user", None)
    if not settings.ZORGREGIO_TWO_FACTOR or user is None or not user.is_authenticated:
        return False
    if scope_for(user).role not in CLIENT_DATA_ROLES:
        return False
    if login_method(request) == "oidc":
        return False
    return not user.is_verified()


class TwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if needs_second_factor(request) and not request.path.startswith(EXEMPT_PREFIXES):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"detail": _("Confirm your login with the code of your authenticator app.")},
                    status=403,
                )
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse('two_factor')}?{query}")
        return self.get_response(request)
