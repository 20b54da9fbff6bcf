"""Issue 11.9: lock-out per account and per address on every login path, an audit of every
login path, API tokens, and the second factor for roles that see client data."""

import base64
import datetime as dt

import pytest
from django.test import override_settings
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from zorgregio.accounts.api_auth import token_create
from zorgregio.accounts.tests.factories import PASSWORD
from zorgregio.audit.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db
LIMIT = 5


def _form_login(client, username, password, address="10.0.0.1"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def _basic(username, password) -> str:
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()


def test_form_locks_the_account_out_after_repeated_failures(client, users):
    for _attempt in range(LIMIT - 1):
        assert _form_login(client, "apeldoorn", "fout").status_code == 200
    assert _form_login(client, "apeldoorn", "fout").status_code == 429
    response = _form_login(client, "apeldoorn", PASSWORD, address="10.9.9.9")
    assert response.status_code == 429
    assert "te veel mislukte" in response.content.decode().lower()
    assert "_auth_user_id" not in client.session


def test_form_locks_the_address_out_whatever_the_account(client, users):
    for n in range(LIMIT):
        _form_login(client, f"gok{n}", "fout", address="10.0.0.7")
    response = _form_login(client, "raad", PASSWORD, address="10.0.0.7")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    # Another address is not affected.
    assert _form_login(client, "raad", PASSWORD, address="10.0.0.8").status_code == 302


def test_basic_auth_is_locked_out_and_audited(client, users):
    url = "/api/v1/gemeenten/"
    ok = client.get(url, HTTP_AUTHORIZATION=_basic("raad", PASSWORD), REMOTE_ADDR="10.1.0.1")
    assert ok.status_code == 200
    assert AuditEvent.objects.filter(
        action=AuditAction.LOGIN, actor=users["raad"], message="api-basic"
    ).exists()
    for _attempt in range(LIMIT):
        wrong = client.get(url, HTTP_AUTHORIZATION=_basic("raad", "fout"), REMOTE_ADDR="10.1.0.1")
        assert wrong.status_code in (401, 403, 429)
    assert (
        AuditEvent.objects.filter(
            action=AuditAction.LOGIN_FAILED, message__startswith="raad "
        ).count()
        >= LIMIT
    )
    locked = client.get(url, HTTP_AUTHORIZATION=_basic("raad", PASSWORD), REMOTE_ADDR="10.1.0.2")
    assert locked.status_code in (401, 403, 429)
    assert "te veel mislukte" in locked.content.decode().lower()


def test_api_token_logs_in_with_the_users_scope(client, users, apeldoorn, zutphen):
    _token, key = token_create(user=users["gemeente"], name="zaaksysteem Apeldoorn")
    response = client.get("/api/v1/gemeenten/", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 200
    assert [m["cbs_code"] for m in response.json()["results"]] == ["0200"]
    assert AuditEvent.objects.filter(
        action=AuditAction.LOGIN, actor=users["gemeente"], message="api-token"
    ).exists()


def test_wrong_expired_or_revoked_tokens_are_refused_and_lock_the_address(client, users):
    from django.utils import timezone

    expired, expired_key = token_create(
        user=users["raad"], name="oud", expires_on=dt.date(2020, 1, 1)
    )
    revoked, revoked_key = token_create(user=users["raad"], name="ingetrokken")
    revoked.revoked_at = timezone.now()
    revoked.save()
    for key in (expired_key, revoked_key, "onzin"):
        response = client.get(
            "/api/v1/gemeenten/", HTTP_AUTHORIZATION=f"Token {key}", REMOTE_ADDR="10.2.0.1"
        )
        assert response.status_code == 401
        assert "onbekend, verlopen of ingetrokken" in response.json()["detail"]
    _good, good_key = token_create(user=users["raad"], name="goed")
    for _attempt in range(LIMIT - 3):
        client.get("/api/v1/gemeenten/", HTTP_AUTHORIZATION="Token x", REMOTE_ADDR="10.2.0.1")
    locked = client.get(
        "/api/v1/gemeenten/", HTTP_AUTHORIZATION=f"Token {good_key}", REMOTE_ADDR="10.2.0.1"
    )
    assert locked.status_code in (401, 429)
    elsewhere = client.get(
        "/api/v1/gemeenten/", HTTP_AUTHORIZATION=f"Token {good_key}", REMOTE_ADDR="10.2.0.2"
    )
    assert elsewhere.status_code == 200


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


@override_settings(ZORGREGIO_TWO_FACTOR=True)
def test_client_data_roles_set_up_and_use_a_second_factor(client, users):
    response = _form_login(client, "apeldoorn", PASSWORD)
    assert response.status_code == 302
    # Logged in with the password, but nothing opens before the second step.
    home = client.get(reverse("home"))
    assert home.status_code == 302 and reverse("two_factor") in home["Location"]
    assert client.get("/api/v1/gemeenten/").status_code == 403
    page = client.get(reverse("two_factor")).content.decode()
    assert "Stel uw authenticator-app in" in page
    assert client.get(reverse("two_factor_qr"))["Content-Type"] == "image/svg+xml"
    device = TOTPDevice.objects.get(user=users["gemeente"], confirmed=False)
    wrong = client.post(reverse("two_factor"), {"code": "000000"})
    assert "De code is niet juist" in wrong.content.decode()
    assert (
        "zes cijfers"
        in client.post(reverse("two_factor"), {"code": "１２３４５６"}).content.decode()
    )
    # django-otp delays the next try after a wrong code; the test waits it out.
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None)
    done = client.post(reverse("two_factor"), {"code": _code(device), "next": "/"})
    assert done.status_code == 302
    assert client.get(reverse("home")).status_code == 200
    assert AuditEvent.objects.filter(action=AuditAction.LOGIN, message="totp").exists()

    # The next login asks for the code of the device now set up.
    client.post(reverse("logout"))
    _form_login(client, "apeldoorn", PASSWORD)
    assert "Bevestig uw inlog" in client.get(reverse("two_factor")).content.decode()


@override_settings(ZORGREGIO_TWO_FACTOR=True)
def test_roles_without_client_data_need_no_second_factor(client, users):
    _form_login(client, "raad", PASSWORD)
    assert client.get(reverse("home")).status_code == 200


@override_settings(ZORGREGIO_TWO_FACTOR=True)
def test_basic_auth_is_refused_for_client_data_roles_with_two_factor(client, users):
    response = client.get("/api/v1/gemeenten/", HTTP_AUTHORIZATION=_basic("apeldoorn", PASSWORD))
    assert response.status_code == 401
    assert "API-token" in response.json()["detail"]


@override_settings(ZORGREGIO_PROXY_COUNT=1)
def test_behind_a_proxy_the_forwarded_address_is_locked_not_the_proxy(client, users):
    proxy = "10.0.0.254"
    for n in range(LIMIT):
        client.post(
            reverse("login"),
            {"username": f"gok{n}", "password": "fout"},
            REMOTE_ADDR=proxy,
            HTTP_X_FORWARDED_FOR="203.0.113.9",
        )
    other = client.post(
        reverse("login"),
        {"username": "raad", "password": PASSWORD},
        REMOTE_ADDR=proxy,
        HTTP_X_FORWARDED_FOR="198.51.100.20",
    )
    assert other.status_code == 302  # another client behind the same proxy logs in
    client.logout()
    attacker = client.post(
        reverse("login"),
        {"username": "raad", "password": PASSWORD},
        REMOTE_ADDR=proxy,
        HTTP_X_FORWARDED_FOR="203.0.113.9",
    )
    assert attacker.status_code == 429


def test_the_second_step_and_its_qr_code_need_a_login(client):
    for name in ("two_factor", "two_factor_qr"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and "/inloggen/" in response["Location"]


def test_an_invitation_sets_a_password_once(client, users):
    from zorgregio.accounts.invitations import invitation_link

    user = users["raad"]
    user.set_unusable_password()
    user.save()
    link = invitation_link(user, "http://testserver").removeprefix("http://testserver")
    form = client.get(link, follow=True)
    target = form.redirect_chain[-1][0]
    password = "Een-nieuw-wachtwoord-2026"
    done = client.post(target, {"new_password1": password, "new_password2": password})
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password(password)
    again = client.get(link, follow=True).content.decode()
    assert "Deze uitnodigingslink is niet meer geldig" in again
    forged = client.get("/uitnodiging/MQ/abc-123/", follow=True).content.decode()
    assert "Deze uitnodigingslink is niet meer geldig" in forged


def test_api_token_command_prints_a_key_once_and_revokes(client, users, capsys):
    from django.core.management import call_command

    from zorgregio.accounts.models import ApiToken

    call_command("api-token", "raad", "--name", "dashboard")
    key = capsys.readouterr().out.strip()
    token = ApiToken.objects.get(user=users["raad"])
    assert token.key_hash != key and key.startswith(token.prefix)
    assert client.get("/api/v1/gemeenten/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 200
    call_command("api-token", "raad", "--revoke", token.prefix)
    assert client.get("/api/v1/gemeenten/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 401
