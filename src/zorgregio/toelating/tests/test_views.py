"""Every page and download as each role, the public pages without login, and the forms'
bad input answered in Dutch."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from zorgregio.accounts.tests.factories import UserFactory
from zorgregio.contracten.models import Admission
from zorgregio.regio.tests.factories import MunicipalityFactory, RegionFactory
from zorgregio.toelating import services
from zorgregio.toelating.models import ApplicationStatus, Procedure

from .factories import DAY, START, assess_everything, pdf_bytes, submitted_application

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(
    procedure, catalogue, requirements, members, provider, other_provider, apeldoorn, users, region
):
    """A submitted and decided application of the provider user, a confidential answered
    question, a Nota, and a draft procedure."""
    application = submitted_application(procedure, catalogue, requirements, provider, [apeldoorn])
    services.assessment_start(actor=members[0], application=application, assessors=members)
    assess_everything(application, members)
    decision = services.decision_take(
        actor=members[0],
        application=application,
        motivation="Voldaan.",
        start_date=timezone.localdate() + 40 * DAY,
    )
    secret = services.question_ask(
        actor=users["aanbieder"],
        procedure=procedure,
        text="Geheime vraag over onze overname",
        confidential=True,
        confidential_reason="Bedrijfsgevoelig",
    )
    services.question_answer(actor=members[0], question=secret, answer="Geheim antwoord")
    public = services.question_ask(
        actor=users["aanbieder"], procedure=procedure, text="Openbare vraag"
    )
    services.question_answer(actor=members[0], question=public, answer="Openbaar antwoord")
    nota = services.nota_publish(actor=members[0], procedure=procedure)
    draft_procedure = Procedure.objects.create(
        region=region,
        agreement=procedure.agreement,
        title="Concept 2028",
        reference="wmo-2028",
        question_deadline=timezone.now(),
        admission_start=START,
    )
    stranger = UserFactory(
        provider_user=True, provider=other_provider, region=region, username="ander"
    )
    elsewhere = RegionFactory(name="Regio Elders", slug="elders")
    MunicipalityFactory(region=elsewhere, cbs_code="0363", name="Amsterdam")
    other_team = UserFactory(regional_team=True, region=elsewhere, username="elders")
    return {
        "application": application,
        "decision": decision,
        "evidence": application.evidence_files.get(),
        "document": procedure.documents.get(),
        "nota": nota,
        "draft_procedure": draft_procedure,
        "users": {
            **users,
            "regio": members[0],
            "ander": stranger,
            "elders": other_team,
            "anoniem": None,
        },
    }


def urls(world, procedure):
    app, pk = world["application"], procedure.pk
    return {
        "index": reverse("toelating:index"),
        "procedure": reverse("toelating:procedure", args=[pk]),
        "requirements": reverse("toelating:requirements", args=[pk]),
        "thresholds": reverse("toelating:thresholds", args=[pk]),
        "questions": reverse("toelating:questions", args=[pk]),
        "applications": reverse("toelating:applications", args=[pk]),
        "application": reverse("toelating:application", args=[app.pk]),
        "assessment": reverse("toelating:assessment", args=[app.pk]),
        "receipt": reverse("toelating:receipt", args=[app.pk]),
        "evidence": reverse("toelating:evidence", args=[world["evidence"].pk]),
        "letter": reverse("toelating:letter", args=[world["decision"].pk]),
        "draft": reverse("toelating:procedure", args=[world["draft_procedure"].pk]),
        "public_draft": reverse("toelating:public_procedure", args=[world["draft_procedure"].pk]),
        "document": reverse("toelating:document", args=[world["document"].pk]),
        "nota": reverse("toelating:nota", args=[world["nota"].pk]),
        "public": reverse("toelating:public_procedure", args=[pk]),
        "public_index": reverse("toelating:public_index"),
        "register": reverse("toelating:register", args=[pk]),
    }


LOGIN = "login"
# page -> expected status per role (LOGIN: redirected to the login page)
EXPECTED = {
    #               regio aanbieder ander gemeente raad beheerder elders anoniem
    "index":         (200, 200, 200, 200, 200, 200, 200, LOGIN),
    "procedure":     (200, 200, 200, 200, 200, 200, 404, LOGIN),
    "requirements":  (200, 200, 200, 200, 200, 200, 404, LOGIN),
    "thresholds":    (200, 200, 200, 200, 200, 200, 404, LOGIN),
    "questions":     (200, 200, 200, 200, 200, 200, 404, LOGIN),
    "applications":  (200, 403, 403, 403, 403, 403, 404, LOGIN),
    "application":   (200, 200, 404, 403, 403, 403, 404, LOGIN),
    "assessment":    (200, 403, 403, 403, 403, 403, 404, LOGIN),
    "receipt":       (200, 200, 404, 403, 403, 403, 404, LOGIN),
    "evidence":      (200, 200, 404, 403, 403, 403, 404, LOGIN),
    "letter":        (200, 200, 404, 403, 403, 403, 404, LOGIN),
    "draft":         (200, 404, 404, 404, 404, 404, 404, LOGIN),
    "public_draft":  (404, 404, 404, 404, 404, 404, 404, 404),
    "document":      (200, 200, 200, 200, 200, 200, 200, 200),
    "nota":          (200, 200, 200, 200, 200, 200, 200, 200),
    "public":        (200, 200, 200, 200, 200, 200, 200, 200),
    "public_index":  (200, 200, 200, 200, 200, 200, 200, 200),
    "register":      (200, 200, 200, 200, 200, 200, 200, 200),
}  # fmt: skip
ROLES = ["regio", "aanbieder", "ander", "gemeente", "raad", "beheerder", "elders", "anoniem"]


@pytest.mark.parametrize("role", ROLES)
def test_every_page_as_every_role(client, world, procedure, role):
    user = world["users"][role]
    if user is not None:
        client.force_login(user)
    for page, url in urls(world, procedure).items():
        expected = EXPECTED[page][ROLES.index(role)]
        response = client.get(url)
        if expected == LOGIN:
            assert response.status_code == 302 and "/inloggen/" in response["Location"], page
        else:
            assert response.status_code == expected, f"{page} as {role}: {response.status_code}"


@pytest.mark.parametrize("role", ["ander", "gemeente", "raad", "beheerder", "elders", "anoniem"])
def test_nothing_confidential_leaks_to_another_scope(client, world, procedure, role):
    user = world["users"][role]
    if user is not None:
        client.force_login(user)
    application = world["application"]
    for name in ("questions", "public", "procedure", "thresholds", "public_index"):
        response = client.get(urls(world, procedure)[name])
        if response.status_code != 200:  # the login page for anonymous visitors
            continue
        body = response.content.decode()
        assert "Geheim" not in body and "overname" not in body, name
        assert application.number not in body and application.provider.name not in body, name
        if name in ("questions", "public"):
            assert "Openbaar antwoord" in body, name


def test_the_asker_sees_its_confidential_answer(client, world, procedure):
    client.force_login(world["users"]["aanbieder"])
    body = client.get(reverse("toelating:questions", args=[procedure.pk])).content.decode()
    assert "Geheim antwoord" in body and "Openbaar antwoord" in body


@pytest.mark.parametrize(
    ("role", "page", "action", "expected"),
    [
        ("aanbieder", "procedure", "publish", 403),
        ("gemeente", "procedure", "close", 403),
        ("beheerder", "thresholds", "add", 403),
        ("raad", "questions", "nota", 403),
        ("gemeente", "questions", "ask", 403),
        ("ander", "application", "withdraw", 404),
        ("regio", "application", "withdraw", 403),
        ("aanbieder", "assessment", "decide", 403),
        ("gemeente", "assessment", "verdicts", 403),
    ],
)
def test_writes_of_another_scope_are_refused(
    client, world, procedure, role, page, action, expected
):
    client.force_login(world["users"][role])
    response = client.post(urls(world, procedure)[page], {"action": action})
    assert response.status_code == expected
    world["application"].refresh_from_db()
    assert world["application"].status == ApplicationStatus.DECIDED


def test_anonymous_writes_go_to_login(client, world, procedure):
    response = client.post(urls(world, procedure)["application"], {"action": "withdraw"})
    assert response.status_code == 302 and "/inloggen/" in response["Location"]


def test_downloads_are_the_stored_files(client, world, procedure):
    client.force_login(world["users"]["aanbieder"])
    response = client.get(urls(world, procedure)["letter"])
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert "attachment" in response["Content-Disposition"]


# --- the provider's pages in use ------------------------------------------------------------


def test_the_provider_builds_a_draft_through_the_page(
    client, users, procedure, catalogue, requirements, apeldoorn
):
    client.force_login(users["aanbieder"])
    response = client.post(reverse("toelating:application_start", args=[procedure.pk]))
    url = response["Location"]
    page = client.get(url)
    assert page.status_code == 200
    assert f'value="{catalogue.licht.pk}-{apeldoorn.pk}"' in page.content.decode()
    client.post(url, {"action": "lines", "line": [f"{catalogue.licht.pk}-{apeldoorn.pk}"]})
    response = client.post(url, {"action": "answers", f"req_{requirements['G2'].pk}": "veel"})
    assert response.status_code == 200
    assert "veel is geen getal" in response.content.decode()
    response = client.post(
        url,
        {
            "action": "upload",
            "requirement": requirements["KVK"].pk,
            f"e{requirements['KVK'].pk}-issued_on": (timezone.localdate() - 400 * DAY).isoformat(),
            f"e{requirements['KVK'].pk}-file": SimpleUploadedFile("kvk.pdf", pdf_bytes()),
        },
        follow=True,
    )
    assert "6 maanden" in response.content.decode()
    response = client.post(url, {"action": "submit"}, follow=True)
    body = response.content.decode()
    assert "beantwoord de vraag" in body.lower() or "beantwoord" in body
    assert (
        users["aanbieder"].provider.admission_applications.get().status == ApplicationStatus.DRAFT
    )


def test_a_forged_line_is_refused(client, users, procedure, catalogue, apeldoorn):
    client.force_login(users["aanbieder"])
    url = client.post(reverse("toelating:application_start", args=[procedure.pk]))["Location"]
    response = client.post(url, {"action": "lines", "line": ["999999-1"]}, follow=True)
    assert "Kies producten en gemeenten uit de lijst" in response.content.decode()


def test_registration_page_logs_the_new_provider_in(client, procedure):
    response = client.post(
        reverse("toelating:register", args=[procedure.pk]),
        {
            "name": "Nieuw BV",
            "kvk_number": "1234567",
            "agb_code": "98765432",
            "legal_form": "bv",
            "contact_name": "Nina",
            "email": "nina@nieuw.nl",
            "username": "nina",
            "password": "lang-genoeg-wachtwoord",
            "password_again": "lang-genoeg-wachtwoord",
        },
    )
    assert response.status_code == 200 and "8 cijfers" in response.content.decode()
    data = {
        "name": "Nieuw BV",
        "kvk_number": "12345678",
        "agb_code": "98765432",
        "legal_form": "bv",
        "contact_name": "Nina",
        "email": "nina@nieuw.nl",
        "username": "nina",
        "password": "lang-genoeg-wachtwoord",
        "password_again": "lang-genoeg-wachtwoord",
    }
    response = client.post(reverse("toelating:register", args=[procedure.pk]), data)
    assert response.status_code == 302
    assert client.get(reverse("toelating:index")).status_code == 200


def test_the_register_shows_where_an_admission_came_from(client, world, members, procedure):
    decision = world["decision"]
    services.decisions_finalise_due(today=decision.objection_until + dt.timedelta(days=1))
    admission = Admission.objects.filter(admission_origin__line__decision=decision).first()
    for user in (members[0], world["users"]["aanbieder"]):
        client.force_login(user)
        for url in (
            reverse("contracten:index"),
            reverse("contracten:provider", args=[admission.provider_id]),
            reverse("contracten:admission", args=[admission.pk]),
        ):
            body = client.get(url).content.decode()
            assert world["application"].number in body, url
            assert reverse("toelating:application", args=[world["application"].pk]) in body
    # A municipality sees the origin without a link to the (confidential) application.
    client.force_login(world["users"]["gemeente"])
    body = client.get(reverse("contracten:admission", args=[admission.pk])).content.decode()
    assert world["application"].number in body
    assert reverse("toelating:application", args=[world["application"].pk]) not in body
