"""The formatting layer (issue 17 points 5 and 6): words instead of codes, one way of writing
dates, counts and statuses, and Dutch decimal commas in every number input."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from lxml import etree
from openpyxl import load_workbook

from zorgregio.audit.models import AuditEvent
from zorgregio.berichten import xml_errors
from zorgregio.common import formatting
from zorgregio.common.numbers import DecimalCommaField, EuroField, parse_decimal
from zorgregio.contracten.tests.factories import AdmissionFactory
from zorgregio.producten.exports import catalogue_pdf
from zorgregio.producten.forms import CostCalculationForm
from zorgregio.producten.selectors import products_with_tariff
from zorgregio.producten.tests.factories import (
    CostCalculationFactory,
    ProductFactory,
    TariffFactory,
)
from zorgregio.producten.tests.test_exports import pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def dutch():
    with translation.override("nl"):
        yield


# -- point 5: labels from the code lists ---------------------------------------------------------


def test_the_productenboek_shows_units_and_frequencies_as_words_on_screen_and_in_the_pdf(
    client, users
):
    product = ProductFactory(
        productcode="02A16", name="Basis", unit="16", allowed_frequencies=["2", "4"]
    )
    TariffFactory(product=product, amount_cents=5_843)
    client.force_login(users["raad"])
    page = client.get(reverse("producten:index"), {"op": "2026-02-01"}).content.decode()
    row = page[page.index("02A16") :][:900]
    assert "Dagdeel (4 uur)" in row and "Per week, Per maand" in row
    assert "<td>16</td>" not in row and "2, 4" not in row

    detail = client.get(reverse("producten:product", args=[product.pk])).content.decode()
    assert "Dagdeel (4 uur)" in detail and "Per week, Per maand" in detail

    day = dt.date(2026, 2, 1)
    text = pdf_text(catalogue_pdf(products_with_tariff(users["raad"], day), day))
    assert "Dagdeel \\(4 uur\\)" in text or "Dagdeel (4 uur)" in text
    assert "Per week, Per maand" in text


def test_a_product_code_is_printed_once_in_titles_exports_and_the_api(client, users, apeldoorn):
    product = ProductFactory(productcategorie="07", productcode="07A11", name="Dagbesteding")
    admission = AdmissionFactory(product=product, municipality=apeldoorn)
    assert str(product) == "07A11 Dagbesteding"
    assert "0707A11" not in str(admission)
    assert formatting.product_code("15", "B0101") == "15 B0101"

    client.force_login(users["regio"])
    page = client.get(reverse("contracten:index")).content.decode()
    assert "0707A11" not in page
    data = client.get(reverse("contracten:export")).content
    rows = list(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))
    assert "07A11" in [cell for row in rows for cell in row]
    assert not any("0707A11" in str(cell) for row in rows for cell in row)
    api = client.get("/api/v1/contracten/deelnames/", {"format": "json"})
    if api.status_code == 200:
        assert "0707A11" not in api.content.decode()


def test_histories_show_field_labels_and_dutch_values_not_names_and_raw_states(client, users):
    admission = AdmissionFactory()
    client.force_login(users["regio"])
    from zorgregio.audit.services import audit_log

    audit_log(
        actor=users["regio"],
        action="update",
        obj=admission,
        before={"status": "concept", "valid_from": "2026-01-01", "notice_given": False},
        after={"status": "actief", "valid_from": "2026-02-01", "notice_given": True},
    )
    assert AuditEvent.objects.filter(object_id=str(admission.pk)).exists()
    url = reverse("contracten:history", args=["deelname", admission.pk])
    response = client.get(url)
    if response.status_code == 404:  # the history is reached from the admission page
        response = client.get(reverse("contracten:admission", args=[admission.pk]))
    page = response.content.decode()
    assert "valid_from" not in page and "2026-02-01" not in page
    assert "01-02-2026" in page
    assert "<code>status</code>" not in page


def test_values_of_a_history_are_labels():
    from zorgregio.contracten.models import Admission

    assert formatting.field_label(Admission, "valid_from") != "valid_from"
    assert formatting.value_label(Admission, "valid_from", "2027-01-01") == "01-01-2027"
    assert formatting.value_label(None, "x", True) == "ja"
    assert formatting.value_label(None, "amount_cents", 305000) == "€ 3.050,00"
    assert formatting.value_label(None, "status", "in_behandeling") == "in behandeling"
    assert formatting.date_long(dt.date(2027, 1, 1)) == "1 januari 2027"


# -- point 5: plural forms, one vocabulary, Dutch reasons ---------------------------------------


def test_counts_use_the_right_plural_and_never_contradict_themselves():
    assert formatting.files_summary(1, 0) == "1 bestand verwerkt."
    assert formatting.files_summary(0, 2) == "2 bestanden afgekeurd."
    assert formatting.files_summary(3, 1) == "3 bestanden verwerkt, 1 afgekeurd."
    assert formatting.refused_of(1, 1) == "1 van 1 prestatie afgekeurd"
    assert formatting.refused_of(0, 3) == "3 prestaties, geen afgekeurd"
    assert formatting.status_label("afgekeurd") == formatting.status_label("geweigerd")
    assert formatting.status_label("afgekeurd") == "afgekeurd"


def test_the_matrix_message_counts_one_cell_in_the_singular(client, users, apeldoorn):
    from zorgregio.producten.tests.factories import PurchaseFactory

    product = ProductFactory()
    PurchaseFactory(product=product, municipality=apeldoorn)
    client.force_login(users["regio"])
    data = {"valid_from": "2026-03-01", f"cell-{product.pk}-{apeldoorn.pk}": "lokaal"}
    response = client.post(reverse("producten:matrix"), data, follow=True)
    page = response.content.decode()
    assert "1 cellen" not in page


def test_xml_errors_are_explained_in_dutch_not_in_libxml2s_english():
    for data in [b"hello", b"<a><b></a>", b"<a></a><b/>"]:
        parser = etree.XMLPullParser(events=("start",))
        with pytest.raises(etree.XMLSyntaxError) as caught:
            parser.feed(data)
            list(parser.read_events())
            parser.close()
        reason = xml_errors.syntax_reason(caught.value)
        assert "regel 1" in reason
        for english in ("Start tag expected", "mismatch", "Extra content", "line"):
            assert english not in reason


def test_a_refused_file_gets_a_dutch_reason_from_the_parser():
    from zorgregio.berichten.parsers import MessageError, sniff

    with pytest.raises(MessageError) as caught:
        sniff(b"dit is geen xml")
    text = str(caught.value)
    assert "Start tag expected" not in text and "regel 1" in text


# -- point 6: Dutch decimal commas, one parsing path ---------------------------------------------


@pytest.mark.parametrize(
    "typed, value",
    [("25,5", "25.5"), ("25.5", "25.5"), ("1.234,5", "1234.5"), (" 8 ", "8"), ("8%", "8")],
)
def test_a_decimal_is_read_the_same_way_whatever_the_browser(typed, value):
    assert parse_decimal(typed) == Decimal(value)
    assert DecimalCommaField(max_digits=7, decimal_places=2).clean(typed) == Decimal(value)


def test_bad_numbers_get_a_dutch_message():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        DecimalCommaField(max_digits=5, decimal_places=2).clean("twee")
    assert "getal" in " ".join(caught.value.messages)
    assert EuroField().clean("3.050,00") == 305000
    assert EuroField().clean("3050") == 305000


def test_percentages_and_amounts_are_text_inputs_with_a_comma(users):
    from zorgregio.producten.models import CostCalculation

    calculation = CostCalculationFactory()
    form = CostCalculationForm(instance=CostCalculation.objects.get(pk=calculation.pk))
    html = str(form["holiday_pay_pct"])
    assert 'inputmode="decimal"' in html and 'type="text"' in html
    assert 'value="8,00"' in html
    salary = str(form["monthly_salary"])
    value = salary.split('value="')[1].split('"')[0]
    assert 'inputmode="decimal"' in salary and "," in value and "." not in value


def test_the_calculation_screen_accepts_25_comma_5_percent(client, users):
    from zorgregio.producten.tests.factories import WORKED_EXAMPLE
    from zorgregio.producten.tests.test_views import _form_data

    calculation = CostCalculationFactory()
    client.force_login(users["regio"])
    url = reverse("producten:calculation_latest", args=[calculation.product.pk])
    page = client.get(url).content.decode()
    assert 'type="number"' not in page
    data = _form_data(WORKED_EXAMPLE, overhead_pct="25,5", action="save")
    client.post(url, data)
    latest = calculation.product.calculations.order_by("-pk").first()
    assert latest.overhead_pct == Decimal("25.5")
