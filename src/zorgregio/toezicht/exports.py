"""XLSX exports of supervision: the signal list, an officer's worklist, the 18-/18+ list."""

from __future__ import annotations

from io import BytesIO

from django.utils.translation import gettext as _
from openpyxl import Workbook

from zorgregio.common.xlsx import append_row

from .rules import RULES


def _save(workbook) -> bytes:
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()


def signals_workbook(signals) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Signals"))
    append_row(
        sheet,
        [
            _("Signal"), _("Rule"), _("Provider"), _("Municipality"), _("Product group"),
            _("From"), _("Until"), _("Measured value"), _("Threshold"), _("Figures"),
            _("Still raised"),
        ],
    )  # fmt: skip
    for s in signals:
        rule = RULES.get(s.rule)
        append_row(
            sheet,
            [
                str(rule.title) if rule else s.rule,
                s.rule,
                s.provider.name if s.provider else "",
                s.municipality.name if s.municipality else "",
                s.product_group.name if s.product_group else "",
                s.period_start,
                s.period_end,
                s.measure,
                s.threshold,
                rule.summary(s.figures) if rule else "",
                _("yes") if s.active else _("no"),
            ],
        )
    return _save(workbook)


def cases_workbook(cases) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Worklist"))
    append_row(
        sheet,
        [
            _("Case"), _("Title"), _("Provider"), _("Municipality"), _("Status"),
            _("Officer"), _("Opened on"), _("Deadline"),
        ],
    )  # fmt: skip
    for c in cases:
        append_row(
            sheet,
            [
                c.pk,
                c.title,
                c.provider.name,
                c.municipality.name if c.municipality else _("whole region"),
                str(c.get_status_display()),
                c.assignee.get_username() if c.assignee else "",
                c.opened_on,
                c.deadline,
            ],
        )
    return _save(workbook)


def turning_18_workbook(people) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Turning 18"))
    append_row(
        sheet,
        [
            _("Client"), _("Birth date"), _("Turns 18 on"), _("Municipality"), _("Provider"),
            _("Product"), _("Care from"), _("Care until"),
        ],
    )  # fmt: skip
    for person in people:
        for care in person["care"]:
            append_row(
                sheet,
                [
                    str(person["client"]),
                    person["client"].birth_date,
                    person["adult_on"],
                    person["municipality"].name,
                    care["provider"].name if care["provider"] else "",
                    str(care["product"]) if care["product"] else "",
                    care["start"],
                    care["end"],
                ],
            )
    return _save(workbook)
