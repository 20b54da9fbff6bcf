"""What django-axes counts failed logins by: per account and, separately, per address; a
wrong API token has no account, so only its address counts."""


def lockout_parameters(request_or_attempt, credentials=None) -> list:
    if credentials and credentials.get("api_token"):
        return ["ip_address"]
    return ["username", "ip_address"]


def lockout_response(request, original_response=None, credentials=None):
    """The answer to a locked-out login: the Dutch page, or JSON on the API."""
    from django.conf import settings
    from django.http import JsonResponse
    from django.shortcuts import render
    from django.utils.translation import gettext as _

    minutes = max(1, round(settings.AXES_COOLOFF_TIME * 60))
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"detail": _("Too many failed logins from this account or address; try again later.")},
            status=429,
        )
    return render(request, "accounts/locked_out.html", {"cooloff_minutes": minutes}, status=429)


def client_address(request) -> str:
    """The client's address for the per-address lock-out. Behind ``ZORGREGIO_PROXY_COUNT``
    reverse proxies it is the entry that many places from the right of X-Forwarded-For (the one
    the outermost trusted proxy saw); otherwise every user would share the proxy's address and
    one attacker would lock everybody out."""
    from django.conf import settings

    proxies = settings.ZORGREGIO_PROXY_COUNT
    remote = request.META.get("REMOTE_ADDR", "")
    if proxies <= 0:
        return remote
    chain = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    chain = [part for part in chain if part]
    return chain[-proxies] if len(chain) >= proxies else remote
