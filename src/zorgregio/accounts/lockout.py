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
