"""OIDC login against a real OpenID Connect provider started by the test (django-oidc-provider
in its own process, tests/oidc_idp): roles and municipalities from claims, refusals in Dutch,
the subject bound to a pre-registered user, an access token on the API."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.test import override_settings

from tests.oidc_idp import server
from zorgregio.accounts.models import Role, User
from zorgregio.audit.models import AuditAction, AuditEvent
from zorgregio.regio.tests.factories import MunicipalityFactory, RegionFactory

pytestmark = pytest.mark.django_db
CALLBACK = "http://testserver/oidc/callback/"
USERS = {
    "gerrit": {"password": "gemeente-geheim", "email": "gerrit@apeldoorn.nl",
               "first_name": "Gerrit", "last_name": "Gemeente",
               "claims": {"zorgregio_rol": "gemeente", "gemeentecodes": ["0200"]}},
    "nieuw": {"password": "gemeente-geheim", "email": "nieuw@apeldoorn.nl", "claims": {}},
    "elders": {"password": "gemeente-geheim", "email": "elders@apeldoorn.nl",
               "claims": {"zorgregio_rol": "gemeente", "gemeentecodes": ["0200", "0363"]}},
    "baas": {"password": "gemeente-geheim", "email": "baas@apeldoorn.nl",
             "claims": {"zorgregio_rol": "regio"}},
    "bekend": {"password": "gemeente-geheim", "email": "Bekend@Zutphen.nl", "claims": {}},
}  # fmt: skip


@pytest.fixture(scope="module")
def idp(tmp_path_factory):
    with server.start(
        tmp_path_factory.mktemp("idp"), redirect_uris=[CALLBACK], users=USERS
    ) as provider:
        yield provider


@pytest.fixture
def oidc(idp):
    with override_settings(**server.zorgregio_settings(idp)):
        yield idp


def _login_at_idp(client, username):
    """Walk the authorization code flow: zorgregio -> IdP login -> back to the callback.
    Returns zorgregio's answer to the callback, and the code's state."""
    start = client.get("/oidc/authenticate/?next=/")
    assert start.status_code == 302
    browser = requests.Session()
    page = browser.get(start["Location"], timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)[1]
    login = browser.post(
        page.url,
        data={
            "username": username,
            "password": USERS[username]["password"],
            "csrfmiddlewaretoken": token,
            "next": parse_qs(urlsplit(page.url).query)["next"][0],
        },
        headers={"Referer": page.url},
        allow_redirects=False,
        timeout=10,
    )
    authorize = browser.get(
        urlsplit(page.url)._replace(path="", query="").geturl() + login.headers["Location"],
        allow_redirects=False,
        timeout=10,
    )
    callback = authorize.headers["Location"]
    assert callback.startswith(CALLBACK), callback
    return urlsplit(callback)


def _callback(client, url):
    return client.get(f"{url.path}?{url.query}")


def test_municipality_staff_log_in_with_role_and_scope_from_claims(
    client, oidc, apeldoorn, zutphen
):
    response = _callback(client, _login_at_idp(client, "gerrit"))
    assert response.status_code == 302 and response["Location"] == "/"
    user = User.objects.get(email="gerrit@apeldoorn.nl")
    assert user.role == Role.MUNICIPALITY
    assert list(user.municipalities.all()) == [apeldoorn]
    assert user.oidc_subject and not user.has_usable_password()
    home = client.get("/").content.decode()
    assert "Apeldoorn" in home
    assert client.get("/gemeenten/0301/").status_code == 404
    assert AuditEvent.objects.filter(
        action=AuditAction.LOGIN, actor=user, message__startswith="oidc"
    ).exists()


@override_settings(ZORGREGIO_TWO_FACTOR=True)
def test_an_oidc_login_needs_no_second_factor_here(client, oidc, apeldoorn):
    _callback(client, _login_at_idp(client, "gerrit"))
    assert client.get("/").status_code == 200


def test_a_user_without_role_claims_waits_for_the_regional_team(client, oidc, apeldoorn):
    response = _callback(client, _login_at_idp(client, "nieuw"))
    assert response["Location"] == "/inloggen/"
    page = client.get("/inloggen/").content.decode()
    assert "Uw account is geregistreerd" in page
    assert "_auth_user_id" not in client.session
    assert User.objects.get(email="nieuw@apeldoorn.nl").role == ""


def test_a_municipality_of_another_region_is_refused(client, oidc, apeldoorn):
    MunicipalityFactory(region=RegionFactory(name="Elders", slug="elders"), cbs_code="0363")
    with override_settings(ZORGREGIO_OIDC_REGION=apeldoorn.region.slug):
        _callback(client, _login_at_idp(client, "elders"))
    page = client.get("/inloggen/").content.decode()
    assert "Gemeente 0363 hoort niet bij" in page
    assert "_auth_user_id" not in client.session
    assert not User.objects.filter(email="elders@apeldoorn.nl", role=Role.MUNICIPALITY).exists()


def test_the_identity_provider_cannot_make_someone_regional_team(client, oidc, apeldoorn):
    _callback(client, _login_at_idp(client, "baas"))
    page = client.get("/inloggen/").content.decode()
    assert "mag de rol regio niet toekennen" in page
    assert not User.objects.filter(role=Role.REGIONAL, email="baas@apeldoorn.nl").exists()


def test_a_pre_registered_user_is_matched_by_email_and_keeps_its_scope(client, oidc, zutphen):
    user = User.objects.create(
        username="b.bekend",
        email="bekend@zutphen.nl",
        role=Role.MUNICIPALITY,
        region=zutphen.region,
    )
    user.municipalities.set([zutphen])
    # No role claim for this user: the role the regional team gave stays.
    _callback(client, _login_at_idp(client, "bekend"))
    user.refresh_from_db()
    assert user.oidc_subject and client.session["_auth_user_id"] == str(user.pk)
    assert list(user.municipalities.all()) == [zutphen]


def test_a_wrong_password_at_the_provider_never_reaches_zorgregio(client, oidc, apeldoorn):
    start = client.get("/oidc/authenticate/?next=/")
    browser = requests.Session()
    page = browser.get(start["Location"], timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)[1]
    answer = browser.post(
        page.url,
        data={"username": "gerrit", "password": "fout", "csrfmiddlewaretoken": token},
        headers={"Referer": page.url},
        allow_redirects=False,
        timeout=10,
    )
    assert answer.status_code == 200  # the provider's own form again
    forged = client.get("/oidc/callback/?code=forged&state=forged")
    assert forged.status_code in (302, 400) and "_auth_user_id" not in client.session


def _access_token(client, idp, username):
    """An access token from the provider's token endpoint, as another system would have."""
    url = _login_at_idp(client, username)
    query = parse_qs(url.query)
    state = query["state"][0]
    verifier = client.session["oidc_states"][state]["code_verifier"]
    token = requests.post(
        f"{idp.issuer}/token",
        data={
            "grant_type": "authorization_code",
            "code": query["code"][0],
            "redirect_uri": CALLBACK,
            "client_id": server.CLIENT_ID,
            "client_secret": server.CLIENT_SECRET,
            "code_verifier": verifier,
        },
        timeout=10,
    )
    assert token.status_code == 200, token.text
    return token.json()["access_token"]


def test_an_access_token_on_the_api(client, oidc, apeldoorn, zutphen):
    from rest_framework.test import APIClient

    _callback(client, _login_at_idp(client, "gerrit"))  # the user is known from now on
    client.logout()
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {_access_token(client, oidc, 'gerrit')}")
    response = api.get("/api/v1/gemeenten/")
    assert response.status_code == 200
    assert [m["cbs_code"] for m in response.json()["results"]] == ["0200"]


def test_an_access_token_of_an_unknown_user_is_refused(client, oidc, apeldoorn):
    from rest_framework.test import APIClient

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {_access_token(client, oidc, 'bekend')}")
    response = api.get("/api/v1/gemeenten/")
    assert response.status_code == 401
    assert "niet bekend in zorgregio" in response.json()["detail"]
    assert not User.objects.filter(email__iexact="bekend@zutphen.nl").exists()
