"""Issue 11.10: text that looks like a formula is written as text in every export."""

from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from zorgregio.common.xlsx import append_row

EVIL = ['=HYPERLINK("http://x","klik")', "+1+2", "-3+cmd", "@SUM(A1)", "\t=1", "gewoon"]


@pytest.mark.parametrize("write_only", [False, True])
def test_append_row_keeps_formula_like_text_as_text(write_only):
    book = Workbook(write_only=write_only)
    sheet = book.create_sheet("x") if write_only else book.active
    append_row(sheet, [*EVIL, -3, 12.5])
    buffer = BytesIO()
    book.save(buffer)
    row = next(load_workbook(BytesIO(buffer.getvalue())).worksheets[0].iter_rows())
    assert [c.value for c in row] == [*EVIL, -3, 12.5]
    assert all(c.data_type == "s" for c in row[:6])
    assert all(c.quotePrefix for c in row[:5]) and not row[5].quotePrefix
    assert row[6].data_type == "n"


@pytest.mark.django_db
def test_the_register_and_monitor_exports_write_a_formula_named_provider_as_text(client, users):
    import datetime as dt

    from zorgregio.contracten.tests.factories import (
        AdmissionFactory,
        AgreementFactory,
        ProductFactory,
        ProductGroupFactory,
    )

    provider = users["aanbieder"].provider
    provider.name = EVIL[0]
    provider.save()
    group = ProductGroupFactory(code="begeleiding", name="=1+1")
    product = ProductFactory(group=group, productcode="02A01", name="@SUM(A1:A9)")
    from zorgregio.regio.models import Municipality

    AdmissionFactory(
        agreement=AgreementFactory(region=users["regio"].region),
        provider=provider,
        product=product,
        municipality=Municipality.objects.get(cbs_code="0200"),
        active=True,
        valid_from=dt.date(2026, 1, 1),
    )
    client.force_login(users["regio"])
    for url in (reverse("contracten:export"), reverse("producten:export_catalogue")):
        response = client.get(url)
        assert response.status_code == 200, url
        book = load_workbook(BytesIO(response.content))
        cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row]
        assert not [c.value for c in cells if c.data_type == "f"], url
        texts = {c.value for c in cells}
        assert EVIL[0] in texts or "@SUM(A1:A9)" in texts, url
