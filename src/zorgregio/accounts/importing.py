"""Set-up import of the users with their role and scope. A new user with a password login
gets an invitation to set a password; municipality staff who log in through the
municipality's identity provider (``inloggen`` = ``oidc``) get none."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zorgregio.audit.models import AuditAction
from zorgregio.audit.services import audit_log
from zorgregio.common.tables import Column, RowError
from zorgregio.inrichting.registry import (
    SetupImport,
    ascii_digits,
    changed,
    new,
    register,
    unchanged,
)

from .models import Role, User

USERNAME = re.compile(r"^[\w.@+-]{1,150}$", re.ASCII)
# The roles the import gives; an administrator is made by the operator (createsuperuser).
ROLES = (Role.REGIONAL, Role.MUNICIPALITY, Role.PROVIDER, Role.COUNCIL)
FIELDS = {
    "username": "gebruikersnaam",
    "email": "email",
    "role": "rol",
    "provider": "aanbieder_kvk",
}


def _municipalities(ctx, values):
    from zorgregio.regio.models import Municipality

    raw = values.get("gemeenten", "").replace(";", ",").replace(" ", ",")
    codes = [code for code in raw.split(",") if code]
    found = []
    for code in codes:
        code = ascii_digits({"gemeenten": code}, "gemeenten", 4)
        municipality = Municipality.objects.filter(cbs_code=code).select_related("region").first()
        if municipality is None or municipality.region_id != ctx.region.pk:
            raise RowError(
                "gemeenten",
                _(
                    "%(code)s is not a municipality of %(region)s: a user's scope stays within "
                    "the region."
                )
                % {"code": code, "region": ctx.region},
            )
        found.append(municipality)
    return found


def _user_row(ctx, number: int, values: dict):
    from zorgregio.aanbieders.models import Provider

    username = values.get("gebruikersnaam", "").strip()
    if not USERNAME.match(username):
        raise RowError("gebruikersnaam", _("use letters, digits and . @ + - _ (at most 150)."))
    if username.lower() in ctx.seen:
        raise RowError(
            "gebruikersnaam", _("this user is already in row %s.") % ctx.seen[username.lower()]
        )
    ctx.seen[username.lower()] = number
    email = values.get("email", "").strip()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise RowError("email", _("%s is not an e-mail address.") % (email or "''")) from exc
    role = values.get("rol", "").strip().lower()
    if role not in ROLES:
        raise RowError(
            "rol",
            _("%(role)s is not a role (%(known)s).")
            % {"role": role or "''", "known": ", ".join(ROLES)},
        )
    municipalities = _municipalities(ctx, values)
    if role == Role.MUNICIPALITY and not municipalities:
        raise RowError("gemeenten", _("municipality staff need at least one municipality."))
    if role != Role.MUNICIPALITY and municipalities:
        raise RowError("gemeenten", _("only municipality staff work for municipalities."))
    provider = None
    kvk = ascii_digits(values, "aanbieder_kvk", 8, _("KvK number"))
    if role == Role.PROVIDER:
        provider = Provider.objects.filter(kvk_number=kvk, regions=ctx.region).first()
        if provider is None:
            raise RowError(
                "aanbieder_kvk", _("no provider of the region has KvK number %s.") % (kvk or "''")
            )
    elif kvk:
        raise RowError("aanbieder_kvk", _("only provider users are linked to a provider."))
    login = values.get("inloggen", "").strip().lower() or "wachtwoord"
    if login not in ("wachtwoord", "oidc"):
        raise RowError("inloggen", _("%s is not a way to log in (wachtwoord or oidc).") % login)
    wanted = {
        "email": email,
        "first_name": values.get("voornaam", "").strip()[:150],
        "last_name": values.get("achternaam", "").strip()[:150],
        "role": role,
        "region": ctx.region,
        "provider": provider,
    }
    user = User.objects.filter(username=username).first()
    if user is not None and user.region_id not in (None, ctx.region.pk):
        raise RowError("gebruikersnaam", _("this user belongs to another region."))
    created = user is None
    if created:
        user = User(username=username)
        user.set_unusable_password()
    before = {
        "role": user.role,
        "municipalities": sorted(user.municipalities.values_list("pk", flat=True))
        if user.pk
        else [],
        **{
            k: getattr(user, k if k not in ("region", "provider") else f"{k}_id")
            for k in ("email", "first_name", "last_name", "region", "provider")
        },
    }
    for name, value in wanted.items():
        setattr(user, name, value)
    user.full_clean(exclude=["password"])
    user.save()
    user.municipalities.set(municipalities)
    after = {
        "role": role,
        "municipalities": sorted(m.pk for m in municipalities),
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "region": user.region_id,
        "provider": user.provider_id,
    }
    text = f"{username} ({user.get_role_display()})"
    if not created and before == after:
        return unchanged(number, text)
    audit_log(
        actor=ctx.actor,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        obj=user,
        message=_("Users import"),
        before=None if created else before,
        after=after,
    )
    if created and login == "wachtwoord":
        from .invitations import send_invitation

        ctx.after_commit.append(lambda: send_invitation(user, ctx.base_url))
        return new(number, _("%s: invitation sent") % text)
    return new(number, text) if created else changed(number, text)


register(
    SetupImport(
        slug="gebruikers",
        title=gettext_lazy("Users"),
        order=90,
        columns=(
            Column(
                "gebruikersnaam",
                True,
                gettext_lazy("User name; an existing user is updated."),
                "j.jansen",
            ),
            Column(
                "email",
                True,
                gettext_lazy(
                    "E-mail address; the invitation goes there and an OIDC login is matched on it."
                ),
                "j.jansen@gemeente.nl",
            ),
            Column("voornaam", False, gettext_lazy("First name."), "Jan"),
            Column("achternaam", False, gettext_lazy("Last name."), "Jansen"),
            Column("rol", True, gettext_lazy("regio, gemeente, aanbieder or raad."), "gemeente"),
            Column(
                "gemeenten",
                False,
                gettext_lazy(
                    "For municipality staff: CBS codes of their "
                    "municipalities, separated by commas."
                ),
                "0363",
            ),
            Column(
                "aanbieder_kvk",
                False,
                gettext_lazy("For provider users: the provider's KvK number."),
                "",
            ),
            Column(
                "inloggen",
                False,
                gettext_lazy(
                    "wachtwoord (default: an invitation to set "
                    "one) or oidc (the municipality's own "
                    "login)."
                ),
                "wachtwoord",
            ),
        ),
        apply_row=_user_row,
        fields=FIELDS,
    )
)
