"""The monitor shows the reported waiting times beside the measured ones:
``{% load toezicht_monitor %}{% reported_waiting_times %}`` on its dashboard, for the scope the
page shows (municipalities, provider, product group), to the roles that see reports."""

from django import template

from zorgregio.accounts.scoping import WAITING_TIME_ROLES, scope_for

from .. import selectors

register = template.Library()


@register.inclusion_tag("toezicht/_monitor_waiting.html", takes_context=True)
def reported_waiting_times(context):
    request = context.get("request")
    selection = getattr(context.get("view"), "selection", None)
    if (
        request is None
        or selection is None
        or scope_for(request.user).role not in WAITING_TIME_ROLES
    ):
        return {"show": False}
    rows = selectors.waiting_overview(
        request.user,
        provider_id=selection.provider_id,
        municipality_ids=selection.municipality_ids or None,
    )
    if selection.group_id:
        rows = [r for r in rows if r["report"].product.group_id == selection.group_id]
    return {
        "show": True,
        "rows": rows[:25],
        "count": len(rows),
        "over_norm": sum(1 for r in rows if r["over_norm"]),
        "differs": sum(1 for r in rows if r["differs"]),
    }
