from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from .scoping import scope_for


class LoginForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "The username or password is incorrect. Note that both are case-sensitive."
        ),
        "no_role": _(
            "Your account has no role yet, so you cannot log in. "
            "Ask the regional team to assign one."
        ),
    }

    def confirm_login_allowed(self, user) -> None:
        super().confirm_login_allowed(user)
        if not scope_for(user).has_role:
            raise forms.ValidationError(self.error_messages["no_role"], code="no_role")
