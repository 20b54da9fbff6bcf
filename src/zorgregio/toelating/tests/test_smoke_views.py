import pytest
from django.urls import reverse

from .factories import submitted_application

pytestmark = pytest.mark.django_db


def test_pages_render(
    client, users, procedure, catalogue, requirements, members, provider, apeldoorn, zutphen
):
    app = submitted_application(procedure, catalogue, requirements, provider, [apeldoorn, zutphen])
    client.force_login(members[0])
    for name in ["procedure", "requirements", "thresholds", "questions", "applications"]:
        r = client.get(reverse(f"toelating:{name}", args=[procedure.pk]))
        assert r.status_code == 200, name
    assert client.get(reverse("toelating:index")).status_code == 200
    assert client.get(reverse("toelating:assessment", args=[app.pk])).status_code == 200
    assert client.get(reverse("toelating:application", args=[app.pk])).status_code == 200
    client.force_login(users["aanbieder"])
    assert client.get(reverse("toelating:application", args=[app.pk])).status_code == 200
    r = client.post(reverse("toelating:application_start", args=[procedure.pk]))
    assert r.status_code == 302
    r = client.get(r["Location"])
    assert r.status_code == 200
    client.logout()
    assert client.get(reverse("toelating:public_procedure", args=[procedure.pk])).status_code == 200
    assert client.get(reverse("toelating:register", args=[procedure.pk])).status_code == 200
