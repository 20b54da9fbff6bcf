import pytest
from django.urls import reverse

from zorgregio.accounts.tests.factories import PASSWORD, UserFactory
from zorgregio.audit.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db


def test_login_page_is_dutch(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    content = response.content.decode()
    assert 'lang="nl"' in content
    assert "Inloggen bij zorgregio" in content
    assert '<label for="id_username">Gebruikersnaam</label>' in content


def test_login_with_a_role_reaches_the_home_page_and_is_audited(client, users):
    response = client.post(
        reverse("login"), {"username": "apeldoorn", "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("home")
    assert "Apeldoorn" in response.content.decode()
    assert AuditEvent.objects.filter(action=AuditAction.LOGIN, actor=users["gemeente"]).exists()


def test_wrong_password_gives_a_dutch_message_and_is_audited(client, users):
    response = client.post(reverse("login"), {"username": "apeldoorn", "password": "nope"})
    assert response.status_code == 200
    assert "De gebruikersnaam of het wachtwoord is onjuist" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(
        action=AuditAction.LOGIN_FAILED, message__startswith="apeldoorn "
    ).exists()


def test_user_without_role_cannot_log_in(client, region):
    UserFactory(username="nobody", without_role=True, region=region)
    response = client.post(reverse("login"), {"username": "nobody", "password": PASSWORD})
    assert response.status_code == 200
    assert "Aan uw account is nog geen rol toegekend" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_user_model_refuses_inconsistent_roles(region):
    from django.core.exceptions import ValidationError

    from zorgregio.accounts.models import Role, User

    with pytest.raises(ValidationError) as exc:
        User(username="p", role=Role.PROVIDER, region=region).full_clean()
    assert "provider" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        User(username="r", role=Role.REGIONAL).full_clean()
    assert "region" in exc.value.message_dict
