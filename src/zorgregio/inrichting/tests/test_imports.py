"""The set-up imports: each format as CSV and XLSX, a row-by-row report, and for bad input a
Dutch message naming row and field with nothing applied (issue 12, Bad input)."""

import io
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from zorgregio.aanbieders.models import Provider
from zorgregio.accounts.models import Role, User
from zorgregio.common.tables import template_csv, template_xlsx
from zorgregio.contracten.models import Admission, AdmissionStatus, FrameworkAgreement
from zorgregio.inrichting import registry
from zorgregio.regio.models import Inhabitants, Municipality, Region

pytestmark = pytest.mark.django_db
FILES = Path(__file__).resolve().parents[4] / "tests" / "golive"


def run(slug, text, actor=None, **kwargs):
    return registry.run_import(
        registry.get(slug), actor=actor, upload=text.encode(), filename=f"{slug}.csv", **kwargs
    )


def golive(slug, actor=None, **kwargs):
    path = FILES / f"{slug}.csv"
    return registry.run_import(
        registry.get(slug), actor=actor, upload=path.read_bytes(), filename=path.name, **kwargs
    )


def xlsx(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def region_set_up(db):
    for slug in ("gemeenten", "inwoners", "producten", "tarieven", "inkoopmatrix"):
        report = golive(slug)
        assert report.ok, (slug, report.errors)
    return Region.objects.get(slug="zuidwest-drenthe")


@pytest.fixture
def register_set_up(region_set_up):
    for slug in ("aanbieders", "raamovereenkomsten", "deelnames"):
        report = golive(slug)
        assert report.ok, (slug, report.errors)
    return region_set_up


def test_municipalities_take_names_and_provinces_from_the_cbs_list(db):
    report = golive("gemeenten")
    assert report.ok and report.created == 6
    region = Region.objects.get(slug="zuidwest-drenthe")
    staphorst = Municipality.objects.get(cbs_code="0180")
    assert (staphorst.name, staphorst.province, staphorst.region) == (
        "Staphorst",
        "Overijssel",
        region,
    )
    again = golive("gemeenten")
    assert again.ok and again.created == 0 and again.unchanged == 6


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("9999", "Rij 3, veld gemeentecode: 9999 is geen gemeente in de CBS-lijst van 2026."),
        ("12a4", "Rij 3, veld gemeentecode: 12a4 mag alleen de cijfers 0-9 bevatten."),
        ("０１１８", "Rij 3, veld gemeentecode: ０１１８ mag alleen de cijfers 0-9 bevatten."),
    ],
)
def test_a_wrong_cbs_code_is_named_and_nothing_is_applied(db, code, message):
    report = run("gemeenten", f"regio;gemeentecode\nWest;0363\nWest;{code}\n")
    assert report.errors == [message]
    assert not Municipality.objects.exists() and not Region.objects.exists()


def test_a_wrong_column_is_named(db):
    report = run("gemeenten", "regio;gemeente_code\nWest;0363\n")
    assert report.errors[0].startswith("Rij 1, kolom 2: gemeente_code is geen bekende kolom")
    assert "de verplichte kolom gemeentecode ontbreekt" in report.errors[1]


def test_a_municipality_of_another_region_is_refused(db):
    run("gemeenten", "regio;gemeentecode\nWest;0363\n")
    report = run("gemeenten", "regio;gemeentecode\nOost;0363\n")
    assert "behoort al tot de regio West" in report.errors[0]
    assert not Region.objects.filter(name="Oost").exists()


def test_inhabitants_from_the_cbs_table_and_the_simple_format(region_set_up):
    hoogeveen = Municipality.objects.get(cbs_code="0118")
    assert Inhabitants.objects.get(municipality=hoogeveen, year=2024).count == 56_591
    report = run("inwoners", "gemeentecode;jaar;inwoners\n118;2024;56600\n0118;2025;56800\n")
    assert report.ok and (report.updated, report.created) == (1, 1)
    assert Inhabitants.objects.get(municipality=hoogeveen, year=2024).count == 56_600
    bad = run("inwoners", "gemeentecode;jaar;inwoners\n0363;2024;900000\n")
    assert "0363 is geen gemeente van Zorgregio Zuidwest-Drenthe" in bad.errors[0]


def test_providers_new_and_changed_from_csv_and_xlsx(region_set_up):
    first = golive("aanbieders")
    assert first.ok and first.created == 6
    rows = [
        ["naam", "kvk_nummer", "agb_code", "email"],
        ["Zorggroep De Wolden", "40012345", "98100001", "nieuw@zorggroepdewolden.nl"],
        ["Nieuwe Zorg", "40099999", "", ""],
    ]
    report = registry.run_import(
        registry.get("aanbieders"), actor=None, upload=xlsx(rows), filename="a.xlsx"
    )
    assert report.ok, report.errors
    assert [r.outcome for r in report.rows] == ["changed", "new"]
    assert "email" in report.rows[0].text
    assert Provider.objects.filter(kvk_number="40012345").count() == 1
    assert Provider.objects.get(kvk_number="40012345").email == "nieuw@zorggroepdewolden.nl"


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ("Een;1234;\n", "Rij 2, veld kvk_nummer: 1234 is geen KvK-nummer van 8 cijfers."),
        ("Een;12345678;123\n", "Rij 2, veld agb_code: 123 is geen AGB-code van 8 cijfers."),
        (
            "Een;１２３４５６７８;\n",
            "Rij 2, veld kvk_nummer: １２３４５６７８ mag alleen de cijfers",
        ),
        (
            "Een;12345678;\nTwee;12345678;\n",
            "Rij 3, veld kvk_nummer: deze aanbieder staat al in rij 2",
        ),
        (
            "Een;12345678;98000001\nTwee;87654321;98000001\n",
            "Rij 3, veld agb_code: deze aanbieder staat al in rij 2",
        ),
    ],
)
def test_bad_providers_are_refused_whole(region_set_up, rows, message):
    report = run("aanbieders", "naam;kvk_nummer;agb_code\n" + rows)
    assert any(e.startswith(message) for e in report.errors), report.errors
    assert not Provider.objects.exists()


def test_the_register_imports_and_the_same_admission_twice_is_one(register_set_up):
    assert FrameworkAgreement.objects.get().extension_options == 2
    admissions = Admission.objects.all()
    assert admissions.count() == 14
    assert admissions.filter(status=AdmissionStatus.CLIENT_STOP).count() == 1
    assert admissions.filter(status=AdmissionStatus.CONCEPT).count() == 1
    again = golive("deelnames")
    assert again.ok and again.created == 0 and Admission.objects.count() == 14


def test_an_admission_the_municipality_does_not_buy_is_refused_with_the_row(register_set_up):
    # 02Z02 (basis) is bought only in Westerveld and Zwartewaterland.
    text = (
        "aanbieder_kvk;productcode;gemeentecode;geldig_van\n"
        "40012345;02Z01;0119;2026-01-01\n"
        "40012345;02Z02;1690;2026-01-01\n"
        "40012345;02Z01;0118;2025-01-01\n"
    )
    report = run("deelnames", text)
    assert len(report.errors) == 2
    assert report.errors[0].startswith("Rij 3, veld productcode: De Wolden koopt 02Z02 ")
    assert report.errors[1].startswith(
        "Rij 4, veld productcode: er is geen product 02Z01 op 01-01-2025"
    )
    assert not Admission.objects.filter(
        municipality__cbs_code="0119", product__productcode="02Z01"
    ).exists()


def test_users_get_an_invitation_and_their_scope(
    register_set_up, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report = golive("gebruikers", base_url="https://zorgregio.example.nl/")
    assert report.ok, report.errors
    meppel = User.objects.get(username="m.meppel")
    assert meppel.role == Role.MUNICIPALITY
    assert list(meppel.municipalities.values_list("cbs_code", flat=True)) == ["0119"]
    assert not meppel.has_usable_password()
    # Four invitations: the OIDC user of Hoogeveen logs in with the municipality's account.
    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        [
            "r.regio@zuidwest-drenthe.nl",
            "m.meppel@meppel.nl",
            "a.dewolden@zorggroepdewolden.nl",
            "r.raad@hoogeveen.nl",
        ]
    )
    assert "https://zorgregio.example.nl/uitnodiging/" in mailoutbox[0].body


def test_a_user_with_a_scope_of_another_region_is_refused(register_set_up, mailoutbox):
    other = Region.objects.create(name="Elders", slug="elders")
    Municipality.objects.create(region=other, cbs_code="0363", name="Amsterdam", province="NH")
    text = (
        "gebruikersnaam;email;rol;gemeenten\n"
        "goed;goed@hoogeveen.nl;gemeente;0118\n"
        "fout;fout@amsterdam.nl;gemeente;0118,0363\n"
    )
    report = run("gebruikers", text, region=register_set_up)
    assert report.errors == [
        "Rij 3, veld gemeenten: 0363 is geen gemeente van Zorgregio Zuidwest-Drenthe/"
        "Noordwest-Overijssel: het bereik van een gebruiker blijft binnen de regio."
    ]
    assert not User.objects.exists() and not mailoutbox


def test_check_only_applies_nothing(region_set_up):
    report = golive("aanbieders", check_only=True)
    assert report.ok and report.created == 6 and report.checked_only
    assert not Provider.objects.exists()


@pytest.mark.parametrize("slug", [i.slug for i in registry.imports()])
def test_every_template_reads_back_with_its_columns(slug):
    item = registry.get(slug)
    names = [c.name for c in item.columns]
    assert template_csv(list(item.columns)).decode("utf-8-sig").splitlines()[0].split(";") == names
    sheet = load_workbook(io.BytesIO(template_xlsx(list(item.columns), slug))).active
    assert [c.value for c in sheet[1]] == names


def test_the_formats_document_is_current():
    from zorgregio.inrichting.docs import render_markdown

    docs = (FILES.parents[1] / "docs" / "inrichting.md").read_text(encoding="utf-8")
    assert docs == render_markdown(), "run `zorgregio inrichting_doc`"
    for item in registry.imports():
        assert f"zorgregio import-{item.slug}" in docs
        for column in item.columns:
            assert f"`{column.name}`" in docs, (item.slug, column.name)
