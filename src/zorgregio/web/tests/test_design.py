"""Finding your way and the design (issue 17 points 7 and 8): navigation, product editing,
budget filters, the worklist page, the phone register, NL Design System tokens, the region
theme, the focus outline and the charts."""

import re
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from zorgregio.audit.models import AuditEvent
from zorgregio.producten.models import Product
from zorgregio.producten.services import product_update
from zorgregio.producten.tests.factories import ProductFactory, TariffFactory
from zorgregio.web.models import DEFAULT_FOCUS, PAGE_BACKGROUND, RegionTheme, contrast
from zorgregio.web.services import theme_update

pytestmark = pytest.mark.django_db

STATIC = Path(__file__).resolve().parents[1] / "static"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


# -- point 7: finding your way ------------------------------------------------------------------


@pytest.mark.parametrize("role", ["regio", "gemeente", "aanbieder"])
def test_client_search_is_in_the_navigation_of_the_roles_that_may_search(client, users, role):
    client.force_login(users[role])
    page = client.get(reverse("home")).content.decode()
    nav = page[page.index('class="main-nav') : page.index("</nav>", page.index('class="main-nav'))]
    assert reverse("zorg:index") in nav and 'name="bsn"' in nav


@pytest.mark.parametrize("role", ["raad", "beheerder"])
def test_no_client_search_for_roles_without_client_data(client, users, role):
    client.force_login(users[role])
    page = client.get(reverse("home")).content.decode()
    assert 'name="bsn"' not in page and reverse("zorg:index") not in page


def test_the_administrator_has_a_link_to_the_admin_and_others_do_not(client, users):
    client.force_login(users["beheerder"])
    assert reverse("admin:index") in client.get(reverse("home")).content.decode()
    client.force_login(users["regio"])
    assert reverse("admin:index") not in client.get(reverse("home")).content.decode()


def test_the_regional_team_edits_a_product_through_the_service_with_audit(client, users):
    product = ProductFactory(name="Oud", unit="04", allowed_frequencies=["2"])
    client.force_login(users["regio"])
    url = reverse("producten:product_edit", args=[product.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "group": product.group_id,
            "name": "Nieuw",
            "description": "",
            "unit": "16",
            "allowed_frequencies": ["2", "4"],
            "intensity_rank": "2",
        },
    )
    assert response.status_code == 302
    product.refresh_from_db()
    assert (product.name, product.unit, product.allowed_frequencies) == ("Nieuw", "16", ["2", "4"])
    event = AuditEvent.objects.filter(object_id=str(product.pk), action="update").get()
    assert event.before["name"] == "Oud" and event.after["name"] == "Nieuw"
    history = client.get(reverse("producten:product", args=[product.pk])).content.decode()
    assert reverse("producten:product_edit", args=[product.pk]) in history


def test_a_product_with_tariffs_keeps_its_unit_and_its_code(users):
    product = ProductFactory(unit="04")
    TariffFactory(product=product)
    with pytest.raises(ValidationError) as caught:
        product_update(actor=users["regio"], product=product, unit="16")
    assert "unit" in caught.value.message_dict
    with pytest.raises(ValidationError):
        product_update(actor=users["regio"], product=product, productcode="99X99")
    assert Product.objects.get(pk=product.pk).unit == "04"


@pytest.mark.parametrize("role", ["gemeente", "aanbieder", "raad", "beheerder"])
def test_only_the_regional_team_edits_products(client, users, role):
    product = ProductFactory(name="Blijft")
    client.force_login(users[role])
    url = reverse("producten:product_edit", args=[product.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"name": "Anders"}).status_code == 403
    assert Product.objects.get(pk=product.pk).name == "Blijft"


def _budgets(apeldoorn, zutphen, count=60):
    from zorgregio.monitor.models import Budget
    from zorgregio.producten.tests.factories import ProductGroupFactory

    group = ProductGroupFactory()
    youth = ProductGroupFactory(code="jw-ambulant", name="Jeugdhulp ambulant", law="jw")
    rows = []
    for year in range(2000, 2000 + count // 2):
        rows.append(Budget(municipality=apeldoorn, product_group=group, year=year, amount_cents=1))
        rows.append(Budget(municipality=zutphen, product_group=youth, year=year, amount_cents=2))
    Budget.objects.bulk_create(rows)


def test_budgets_are_filtered_by_municipality_year_and_law_and_paginated(
    client, users, apeldoorn, zutphen
):
    _budgets(apeldoorn, zutphen)
    client.force_login(users["regio"])
    url = reverse("monitor:budgets")
    page = client.get(url)
    assert page.context["page"].paginator.count == 60
    assert len(page.context["page"].object_list) == 50
    assert "pagina=2" in page.content.decode()
    only = client.get(url, {"gemeente": zutphen.pk}).context["page"]
    assert {b.municipality_id for b in only} == {zutphen.pk}
    assert client.get(url, {"jaar": 2001}).context["page"].paginator.count == 2
    youth = client.get(url, {"wet": "jw"}).context["page"]
    assert youth.paginator.count == 30 and {b.product_group.law for b in youth} == {"jw"}


def test_a_municipality_cannot_filter_its_way_to_another_municipalitys_budgets(
    client, users, apeldoorn, zutphen
):
    _budgets(apeldoorn, zutphen, count=4)
    client.force_login(users["gemeente"])  # works for Apeldoorn
    page = client.get(reverse("monitor:budgets"), {"gemeente": zutphen.pk})
    assert page.status_code == 200
    assert page.context["page"].paginator.count == 0
    everything = client.get(reverse("monitor:budgets")).context["page"]
    assert {b.municipality_id for b in everything} == {apeldoorn.pk}


def test_the_worklist_renders_its_tables_in_the_page_not_in_the_title(client, users):
    client.force_login(users["regio"])
    page = client.get(reverse("contracten:worklist")).content.decode()
    head = page[: page.index("<body")]
    assert "<table" not in head and "<section" not in head
    title = re.search(r"<title>(.*?)</title>", page, re.S).group(1)
    assert "<" not in title
    assert page.count('id="act-title"') == 1


def test_the_register_is_a_responsive_table_on_a_phone(client, users):
    from zorgregio.contracten.tests.factories import AdmissionFactory

    AdmissionFactory()
    client.force_login(users["regio"])
    page = client.get(reverse("contracten:index")).content.decode()
    assert 'class="utrecht-table responsive-table"' in page
    assert 'data-label="Aanbieder"' in page and 'data-label="Status"' in page
    css = (STATIC / "zorgregio" / "zorgregio.css").read_text()
    assert ".responsive-table td[data-label]::before" in css


# -- point 8: NL Design System, theme, focus, charts --------------------------------------------


def test_the_nl_design_system_css_is_served_by_the_app_with_its_licence(client, users):
    vendor = STATIC / "vendor" / "utrecht-component-library-css"
    assert "EUROPEAN UNION PUBLIC LICENCE" in (vendor / "LICENSE.md").read_text()
    assert ".utrecht-button" in (vendor / "index.css").read_text()
    client.force_login(users["regio"])
    page = client.get(reverse("home")).content.decode()
    assert "vendor/utrecht-component-library-css/index.css" in page
    assert "zorgregio/tokens.css" in page
    assert not re.search(r'<link[^>]+href="https?://', page)
    assert "utrecht-page-header" in page and "utrecht-nav-bar" in page
    assert "utrecht-page-footer" in page and "utrecht-skip-link" in page


def test_tokens_are_css_custom_properties_and_the_app_css_reads_them():
    tokens = (STATIC / "zorgregio" / "tokens.css").read_text()
    assert "--utrecht-button-primary-action-background-color" in tokens
    assert "--zorgregio-color-primary:" in tokens
    css = (STATIC / "zorgregio" / "zorgregio.css").read_text()
    # No colour is written in the app's own stylesheet outside the tokens, except white text
    # on the header (#fff), which the theme's contrast rule guarantees.
    colours = set(re.findall(r"#[0-9a-fA-F]{3,6}\b", css)) - {"#fff"}
    assert not colours, colours


def test_the_default_focus_outline_reaches_3_to_1_on_every_background():
    tokens = (STATIC / "zorgregio" / "tokens.css").read_text()
    focus = re.search(r"--zorgregio-color-focus: (#[0-9a-f]{6})", tokens).group(1)
    assert focus == DEFAULT_FOCUS
    for background in ("#ffffff", PAGE_BACKGROUND):
        assert contrast(focus, background) >= 3
    primary = re.search(r"--zorgregio-color-primary: (#[0-9a-f]{6})", tokens).group(1)
    dark = re.search(r"--zorgregio-color-primary-dark: (#[0-9a-f]{6})", tokens).group(1)
    # In the header and navigation the outline is white (the inverse focus colour).
    assert "--utrecht-focus-inverse-outline-color: #ffffff" in tokens
    assert contrast("#ffffff", primary) >= 3 and contrast("#ffffff", dark) >= 3
    css = (STATIC / "zorgregio" / "zorgregio.css").read_text()
    assert "outline-color: var(--utrecht-focus-inverse-outline-color)" in css


def test_the_regional_team_sets_its_theme_and_every_page_of_its_region_follows(
    client, users, region
):
    client.force_login(users["regio"])
    assert client.get(reverse("theme")).status_code == 200
    response = client.post(
        reverse("theme"),
        {
            "primary_color": "#5a1f6b",
            "primary_dark_color": "#3a1046",
            "focus_color": "#b34700",
            "logo_alt": "Zorgregio Oost",
            "logo": _upload(PNG),
        },
    )
    assert response.status_code == 302
    theme = RegionTheme.objects.get(region=region)
    assert theme.primary_color == "#5a1f6b" and bytes(theme.logo) == PNG
    from django.contrib.contenttypes.models import ContentType

    kind = ContentType.objects.get_for_model(RegionTheme)
    event = AuditEvent.objects.get(content_type=kind, object_id=str(theme.pk))
    assert event.action == "create" and event.after["primary_color"] == "#5a1f6b"
    css = client.get(reverse("theme_css", args=[region.pk])).content.decode()
    assert "--zorgregio-color-primary: #5a1f6b;" in css
    client.force_login(users["raad"])  # another role of the same region sees the theme
    page = client.get(reverse("home")).content.decode()
    assert reverse("theme_css", args=[region.pk]) in page
    assert 'alt="Zorgregio Oost"' in page
    logo = client.get(reverse("theme_logo", args=[region.pk]))
    assert logo.content == PNG and logo["Content-Type"] == "image/png"


def _upload(data: bytes, name="logo.png"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="image/png")


def test_a_theme_without_contrast_or_with_a_script_is_refused_with_dutch_reasons(users, region):
    with pytest.raises(ValidationError) as caught:
        theme_update(
            actor=users["regio"],
            region=region,
            primary_color="#ffbf47",
            primary_dark_color="#0b2c52",
            focus_color="#ffbf47",
        )
    errors = caught.value.message_dict
    assert "4,5:1" in " ".join(errors["primary_color"])
    assert "3:1" in " ".join(errors["focus_color"])
    with pytest.raises(ValidationError) as caught:
        theme_update(
            actor=users["regio"],
            region=region,
            primary_color="#154273",
            primary_dark_color="#0b2c52",
            focus_color="#b34700",
            logo=b"<svg onload='alert(1)'/>",
            logo_alt="x",
        )
    assert "PNG" in " ".join(caught.value.message_dict["logo"])
    with pytest.raises(ValidationError):
        theme_update(
            actor=users["regio"],
            region=region,
            primary_color="red;}body{",
            primary_dark_color="#0b2c52",
            focus_color="#b34700",
        )
    assert not RegionTheme.objects.exists()


@pytest.mark.parametrize("role", ["gemeente", "aanbieder", "raad", "beheerder"])
def test_only_the_regional_team_sets_the_theme(client, users, region, role):
    client.force_login(users[role])
    assert client.get(reverse("theme")).status_code == 403
    data = {"primary_color": "#000000", "primary_dark_color": "#000000", "focus_color": "#b34700"}
    assert client.post(reverse("theme"), data).status_code == 403
    with pytest.raises(PermissionDenied):
        theme_update(actor=users[role], region=region, **data)
    assert not RegionTheme.objects.exists()


def test_another_regions_team_cannot_set_this_regions_theme(users, region):
    from zorgregio.accounts.tests.factories import UserFactory
    from zorgregio.regio.tests.factories import RegionFactory

    other = RegionFactory(name="Andere regio", slug="andere")
    outsider = UserFactory(username="buiten", regional_team=True, region=other)
    with pytest.raises(PermissionDenied):
        theme_update(
            actor=outsider,
            region=region,
            primary_color="#000000",
            primary_dark_color="#000000",
            focus_color="#b34700",
        )


def test_charts_use_the_whole_card_label_both_axes_and_stand_beside_their_table():
    from django.utils import translation

    from zorgregio.monitor.charts import Series, line_chart

    translation.activate("nl")
    svg = str(line_chart("Cliënten", ["jan", "feb"], [Series("A", [1, 2])]))
    assert svg.count('class="chart-axis-label"') == 2 and "Maand" in svg and "Aantal" in svg
    money = str(line_chart("Realisatie", ["jan", "feb"], [Series("A", [100, 200])], money=True))
    assert "Bedrag (euro)" in money
    monitor_css = (STATIC.parents[1] / "monitor" / "static" / "monitor" / "monitor.css").read_text()
    assert "max-width: 760px" not in monitor_css
    template = (
        STATIC.parents[1] / "monitor" / "templates" / "monitor" / "dashboard.html"
    ).read_text()
    assert '<div class="chart-with-table">' in template
    css = (STATIC / "zorgregio" / "zorgregio.css").read_text()
    assert ".chart-with-table" in css
