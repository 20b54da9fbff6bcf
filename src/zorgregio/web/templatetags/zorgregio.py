"""Template filters of the formatting layer (``{% load zorgregio %}``).

Each filter is a thin wrapper around ``common.formatting``, which the PDFs, XLSX exports,
messages and the API use too: one way to show a code, date, number or status.
"""

from django import template

from zorgregio.common import formatting
from zorgregio.common.money import format_eurocents

register = template.Library()


@register.filter
def euro(cents):
    """Render eurocents as a Dutch euro amount: ``{{ line.amount|euro }}``."""
    return format_eurocents(cents)


@register.filter
def unit_label(code, law="wmo"):
    """``{{ p.unit|unit_label:p.law }}`` -> ``Uur``."""
    return formatting.unit_label(law or "wmo", code)


@register.filter
def frequencies_label(codes, law="wmo"):
    """``{{ p.allowed_frequencies|frequencies_label:p.law }}`` -> ``Per week, Per maand``."""
    return formatting.frequencies_label(law or "wmo", codes)


@register.filter
def category_label(code, law="wmo"):
    return formatting.category_label(law or "wmo", code)


@register.filter
def product_code(product):
    """``{{ product|product_code }}`` -> ``02A16`` (the category never glued in front twice)."""
    if product is None:
        return ""
    if isinstance(product, dict):  # a line stored as JSON (refused lines)
        return formatting.product_code(
            product.get("productcategorie", ""), product.get("productcode", "")
        )
    return formatting.product_code(
        getattr(product, "productcategorie", ""), getattr(product, "productcode", "")
    )


@register.filter
def date_short(value):
    """``01-01-2027``; ISO strings too."""
    return formatting.date_short(value)


@register.filter
def date_long(value):
    """``1 januari 2027``; ISO strings too."""
    return formatting.date_long(value)


@register.filter
def decimal_nl(value, places=None):
    """``{{ value|decimal_nl:2 }}`` -> ``8,00``."""
    return formatting.decimal_nl(value, None if places in (None, "") else int(places))


@register.filter
def percent_nl(value, places=1):
    return formatting.percent_nl(value, int(places))


@register.filter
def integer_nl(value):
    return formatting.integer_nl(value)


@register.filter
def status_label(value):
    """``{{ file.status|status_label }}`` -> ``afgekeurd``."""
    return formatting.status_label(value)


@register.filter
def history_changes(event):
    """``{% for label, before, after in event|history_changes %}``: labels, not field names."""
    return formatting.history_changes(event)


@register.simple_tag
def refused_of(refused, total, noun="line"):
    """``{% refused_of d.rejected_count d.line_count %}`` -> ``1 van 3 prestaties afgekeurd``."""
    return formatting.refused_of(refused or 0, total or 0, noun)


@register.simple_tag
def files_summary(processed, refused, duplicates=0):
    return formatting.files_summary(processed or 0, refused or 0, duplicates or 0)
