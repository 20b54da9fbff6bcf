"""XLSX export of the register (one row per admission, as filtered on screen)."""

from __future__ import annotations

from io import BytesIO

from django.utils.translation import gettext as _
from openpyxl import Workbook

from zorgregio.common.xlsx import append_row


def register_workbook(admissions) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Contract register"))
    headers = [
        _("Provider"),
        _("KvK number"),
        _("AGB code"),
        _("Product code"),
        _("Product or product group"),
        _("Municipality"),
        _("CBS code"),
        _("Valid from"),
        _("Valid until"),
        _("Status"),
    ]
    append_row(sheet, headers)
    rows = admissions.values_list(
        "provider__name",
        "provider__kvk_number",
        "provider__agb_code",
        "product__productcategorie",
        "product__productcode",
        "product__name",
        "product_group__name",
        "municipality__name",
        "municipality__cbs_code",
        "valid_from",
        "valid_until",
        "status",
    )
    from django.utils import timezone

    from zorgregio.common.formatting import product_code

    from .models import Admission

    today = timezone.localdate()

    def state(status, start, end) -> str:  # as it stands today ("actief vanaf ...")
        return str(Admission(status=status, valid_from=start, valid_until=end).state_on(today)[1])

    for (
        name,
        kvk,
        agb,
        cat,
        code,
        product,
        group,
        municipality,
        cbs,
        start,
        end,
        status,
    ) in rows.iterator(chunk_size=2000):
        append_row(
            sheet,
            [
                name,
                kvk,
                agb or "",
                product_code(cat, code),
                product or group,
                municipality,
                cbs,
                start,
                end,
                state(status, start, end),
            ],
        )
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
