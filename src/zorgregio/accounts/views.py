from django.contrib.auth import views as auth_views

from zorgregio.audit.models import AuditAction
from zorgregio.audit.services import audit_log

from .forms import LoginForm


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        audit_log(actor=form.get_user(), action=AuditAction.LOGIN, obj=form.get_user())
        return response

    def form_invalid(self, form):
        username = form.data.get("username", "")[:150]
        audit_log(actor=None, action=AuditAction.LOGIN_FAILED, message=username)
        return super().form_invalid(form)


class LogoutView(auth_views.LogoutView):
    pass
