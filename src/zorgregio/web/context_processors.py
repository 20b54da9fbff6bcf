"""Navigation shown in the page header, by role.

An app appears in the menu once it defines the URL name listed here; until then it is left out,
so apps can be added one at a time.
"""

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from zorgregio.accounts.scoping import MESSAGE_ROLES, SCENARIO_ROLES, SUPERVISION_ROLES, scope_for
from zorgregio.scenario.apps import MENU_LABEL as SCENARIO_LABEL

# (url name, label, roles that see it; None is every role)
MENU = [
    ("home", _("Home"), None),
    ("producten:index", _("Products and tariffs"), None),
    ("contracten:index", _("Contracts"), None),
    ("toelating:index", _("Open House admission"), None),
    ("berichten:index", _("Messages"), MESSAGE_ROLES),
    ("monitor:index", _("Monitor"), None),
    ("scenario:index", SCENARIO_LABEL, SCENARIO_ROLES),
    ("toezicht:index", _("Supervision"), SUPERVISION_ROLES),
    ("toezicht:waiting", _("Waiting times"), ("aanbieder",)),
    ("inrichting:index", _("Set-up"), ("regio",)),
]


def navigation(request):
    scope = scope_for(getattr(request, "user", None))
    if not scope.has_role:
        return {"nav_items": [], "scope": scope}
    items = []
    for name, label, roles in MENU:
        if roles is not None and scope.role not in roles:
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        current = request.path == url or (url != "/" and request.path.startswith(url))
        items.append({"url": url, "label": label, "current": current})
    return {"nav_items": items, "scope": scope}
