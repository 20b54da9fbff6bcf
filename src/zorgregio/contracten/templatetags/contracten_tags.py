"""``{% admission_status admission day %}``: an admission's status badge as it stands on a day
(today when none is given), so a future admission reads "actief vanaf 1 januari 2027"."""

from django import template
from django.utils import timezone

register = template.Library()


@register.inclusion_tag("contracten/_status.html")
def admission_status(admission, day=None):
    status, label = admission.state_on(day or timezone.localdate())
    return {"status": status, "label": label}
