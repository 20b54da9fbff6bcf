from django import template

from zorgregio.common.money import format_eurocents

register = template.Library()


@register.filter
def euro(cents):
    """Render eurocents as a Dutch euro amount: ``{{ line.amount|euro }}``."""
    return format_eurocents(cents)
