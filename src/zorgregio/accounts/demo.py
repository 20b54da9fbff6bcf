from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission

from zorgregio.demo.registry import DemoContext, demo_step

from .models import Role, User

DOMAIN_APPS = ["regio", "aanbieders", "producten", "contracten", "zorg", "berichten", "monitor"]


def regional_team_group() -> Group:
    """Django admin rights of the regional team: the domain apps, and reading the audit trail."""
    group, _ = Group.objects.get_or_create(name="Regioteam")
    group.permissions.set(
        Permission.objects.filter(content_type__app_label__in=DOMAIN_APPS)
        | Permission.objects.filter(content_type__app_label="audit", codename__startswith="view_")
        | Permission.objects.filter(
            content_type__app_label="codelijsten", codename__startswith="view_"
        )
    )
    return group


@demo_step(order=90, name="accounts")
def build_accounts(ctx: DemoContext) -> None:
    """One account per role; the municipality accounts are Apeldoorn and Zutphen."""
    municipalities = {m.name: m for m in ctx.region.municipalities.all()}
    provider = ctx.data.get("demo_provider") or ctx.data["providers"][0]
    specs = [
        ("demo-regio", "Renate", "Regioteam", Role.REGIONAL, {}),
        (
            "demo-apeldoorn",
            "Gerrit",
            "Gemeente Apeldoorn",
            Role.MUNICIPALITY,
            {"municipalities": ["Apeldoorn"]},
        ),
        (
            "demo-zutphen",
            "Zeynep",
            "Gemeente Zutphen",
            Role.MUNICIPALITY,
            {"municipalities": ["Zutphen"]},
        ),
        ("demo-aanbieder", "Anouk", "Aanbieder", Role.PROVIDER, {"provider": provider}),
        ("demo-raad", "Rob", "Raadslid", Role.COUNCIL, {}),
        ("demo-beheer", "Bram", "Beheerder", Role.ADMIN, {}),
    ]
    team = regional_team_group()
    password_hash = make_password(ctx.password)  # hashed once: the same for every demo account
    for username, first, last, role, extra in specs:
        user = User(
            username=username,
            first_name=first,
            last_name=last,
            role=role,
            region=ctx.region,
            provider=extra.get("provider"),
            is_staff=role in (Role.REGIONAL, Role.ADMIN),
            is_superuser=role == Role.ADMIN,
        )
        user.password = password_hash
        user.full_clean()
        user.save()
        user.municipalities.set(municipalities[name] for name in extra.get("municipalities", []))
        if role == Role.REGIONAL:
            user.groups.add(team)
