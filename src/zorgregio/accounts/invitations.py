"""Invitations: a new user gets an e-mail with a link to set a password (Django's password
reset tokens: valid for ``ZORGREGIO_INVITATION_DAYS``, and void once the password is set)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _


def invitation_link(user, base_url: str) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("invitation", kwargs={"uidb64": uid, "token": token})
    return base_url.rstrip("/") + path


def send_invitation(user, base_url: str = "") -> None:
    """Send the invitation; ``base_url`` is the site's address (the request's on screens)."""
    link = invitation_link(user, base_url or settings.ZORGREGIO_SITE_URL or "http://localhost")
    body = _(
        "Hello %(name)s,\n\n"
        "An account in zorgregio was made for you (user name: %(username)s, role: %(role)s).\n"
        "Set your password within %(days)s days with this link:\n\n%(link)s\n\n"
        "Then log in; the roles that see client data set up an authenticator app at the first "
        "login.\n"
    ) % {
        "name": user.get_full_name() or user.username,
        "username": user.username,
        "role": user.get_role_display(),
        "days": settings.ZORGREGIO_INVITATION_DAYS,
        "link": link,
    }
    send_mail(_("Your account in zorgregio"), body, None, [user.email])
