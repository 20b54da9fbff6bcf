from django.contrib.auth import views as auth_views
from django.urls import reverse_lazy

from . import oidc
from .forms import LoginForm
from .signals import login_method


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    # Logins and failed logins are audited by the signals in accounts/signals.py, for every
    # login path alike.

    def get_context_data(self, **kwargs):
        from django.conf import settings

        return super().get_context_data(
            oidc_enabled=oidc.enabled(), oidc_label=settings.ZORGREGIO_OIDC_LABEL, **kwargs
        )


class LogoutView(auth_views.LogoutView):
    """Logging out of a session opened with OIDC also ends it at the identity provider."""

    def post(self, request, *args, **kwargs):
        provider_url = ""
        if login_method(request) == "oidc":
            provider_url = oidc.provider_logout_url(request)
        response = super().post(request, *args, **kwargs)
        if provider_url:
            response["Location"] = provider_url
        return response


class InvitationView(auth_views.PasswordResetConfirmView):
    """The link of an invitation: set a password, then log in."""

    template_name = "accounts/invitation.html"
    success_url = reverse_lazy("login")
    post_reset_login = False

    def form_valid(self, form):
        from django.contrib import messages
        from django.utils.translation import gettext as _

        from zorgregio.audit.models import AuditAction
        from zorgregio.audit.services import audit_log

        response = super().form_valid(form)
        audit_log(actor=form.user, action=AuditAction.UPDATE, obj=form.user, message="invitation")
        messages.success(self.request, _("Your password is set. Log in with it."))
        return response
