from decimal import Decimal

from django import template
from django.utils.formats import number_format

from zorgregio.common.money import format_eurocents

from ..costing import to_cents

register = template.Library()


@register.filter
def step_value(step, value=None):
    """A calculation step's value for display: euros to the cent, hours, or a percentage."""
    value = step.value if value is None else value
    if step.kind == "euro":
        return format_eurocents(to_cents(value))
    text = number_format(Decimal(value).quantize(Decimal("0.01")), 2, force_grouping=True)
    return f"{text}%" if step.kind == "percent" else text


@register.filter
def pct(value):
    if value is None:
        return ""
    return (
        f"{number_format(Decimal(value).quantize(Decimal('0.0001')).normalize(), use_l10n=True)}%"
    )


@register.filter
def euro_diff(new, old):
    """The difference ``new - old`` in eurocents, with a sign."""
    diff = int(new) - int(old)
    return ("+" if diff > 0 else "") + format_eurocents(diff)
