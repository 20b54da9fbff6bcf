"""The second step of a password login: a TOTP code from an authenticator app (django-otp).

A user without a confirmed device first sets one up: the page shows the secret as a QR code
(an SVG from this app, no third party) and as text, and a correct code confirms it."""

from __future__ import annotations

import io

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponse
from django.shortcuts import redirect, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, View
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from zorgregio.audit.models import AuditAction
from zorgregio.audit.services import audit_log

DEVICE_NAME = "authenticator"


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code from your authenticator app"),
        min_length=6,
        max_length=6,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        if not (code.isascii() and code.isdigit()):
            raise forms.ValidationError(_("The code is six digits."))
        return code


def _pending_device(user) -> TOTPDevice:
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


class TwoFactorView(LoginRequiredMixin, FormView):
    template_name = "accounts/two_factor.html"
    form_class = CodeForm

    def confirmed_device(self):
        return TOTPDevice.objects.filter(user=self.request.user, confirmed=True).first()

    def get_context_data(self, **kwargs):
        device = self.confirmed_device()
        if device is None:
            pending = _pending_device(self.request.user)
            kwargs.update(setup=True, secret=_base32(pending.bin_key))
        return super().get_context_data(next=self.request.GET.get("next", ""), **kwargs)

    def form_valid(self, form):
        user = self.request.user
        device = self.confirmed_device()
        setting_up = device is None
        if setting_up:
            device = _pending_device(user)
        if not device.verify_is_allowed()[0]:
            form.add_error("code", _("Too many wrong codes; wait a moment and try again."))
            return self.form_invalid(form)
        if not device.verify_token(form.cleaned_data["code"]):
            audit_log(actor=user, action=AuditAction.LOGIN_FAILED, obj=user, message="totp")
            form.add_error("code", _("The code is not correct. Try the current code."))
            return self.form_invalid(form)
        if setting_up:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            TOTPDevice.objects.filter(user=user, confirmed=False).delete()
            messages.success(self.request, _("Your authenticator app is set up."))
        otp_login(self.request, device)
        audit_log(actor=user, action=AuditAction.LOGIN, obj=user, message="totp")
        target = self.request.POST.get("next") or ""
        if not url_has_allowed_host_and_scheme(target, {self.request.get_host()}):
            target = resolve_url("home")
        return redirect(target or "home")


def _base32(key: bytes) -> str:
    import base64

    return base64.b32encode(key).decode().rstrip("=")


class QRCodeView(LoginRequiredMixin, View):
    """The otpauth:// URI of the device being set up, as an SVG QR code."""

    def get(self, request):
        import segno

        if TOTPDevice.objects.filter(user=request.user, confirmed=True).exists():
            return HttpResponse(status=404)
        device = _pending_device(request.user)
        buffer = io.BytesIO()
        segno.make(device.config_url, error="m").save(buffer, kind="svg", scale=5, border=2)
        return HttpResponse(buffer.getvalue(), content_type="image/svg+xml")
