"""Navigation shown in the page header, by role.

An app appears in the menu once it defines the URL name listed here; until then it is left out,
so apps can be added one at a time.
"""

from django.db.models import BooleanField, ExpressionWrapper, Q
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from zorgregio.accounts.scoping import (
    CLIENT_ROLES,
    MESSAGE_ROLES,
    SCENARIO_ROLES,
    SUPERVISION_ROLES,
    scope_for,
)
from zorgregio.scenario.apps import MENU_LABEL as SCENARIO_LABEL

# (url name, label, roles that see it; None is every role)
MENU = [
    ("home", _("Home"), None),
    ("producten:index", _("Products and tariffs"), None),
    ("contracten:index", _("Contracts"), None),
    ("toelating:index", _("Open House admission"), None),
    ("berichten:index", _("Messages"), MESSAGE_ROLES),
    ("zorg:index", _("Find a client"), CLIENT_ROLES),
    ("monitor:index", _("Monitor"), None),
    ("scenario:index", SCENARIO_LABEL, SCENARIO_ROLES),
    ("toezicht:index", _("Supervision"), SUPERVISION_ROLES),
    ("toezicht:waiting", _("Waiting times"), ("aanbieder",)),
    ("inrichting:index", _("Set-up"), ("regio",)),
    ("theme", _("Theme"), ("regio",)),
    ("admin:index", _("Administration"), ("beheerder",)),
]


def theme(request):
    """The design tokens of the user's region (its theme) for the page head."""
    from .models import DEFAULT_TOKENS, RegionTheme

    user = getattr(request, "user", None)
    region_id = getattr(user, "region_id", None) if user is not None else None
    region_theme = None
    if region_id:
        region_theme = (
            RegionTheme.objects.filter(region_id=region_id)
            .defer("logo")
            .annotate(
                has_logo=ExpressionWrapper(Q(logo__isnull=False), output_field=BooleanField())
            )
            .first()
        )
    tokens = region_theme.tokens() if region_theme else DEFAULT_TOKENS
    return {"theme": region_theme, "theme_tokens": tokens}


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
    client_search_url = reverse("zorg:index") if scope.role in CLIENT_ROLES else None
    return {"nav_items": items, "scope": scope, "client_search_url": client_search_url}
