"""``zorgregio api-token USERNAME --name SYSTEM``: a key for another system of the region to
call the API as that user (with its role and scope). The key is printed once; only its hash is
stored. ``--revoke PREFIX`` revokes a token."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from zorgregio.accounts.api_auth import token_create
from zorgregio.accounts.models import User
from zorgregio.accounts.scoping import scope_for
from zorgregio.audit.models import AuditAction
from zorgregio.audit.services import audit_log


class Command(BaseCommand):
    help = "Make (or revoke) an API token for a user; the key is printed once."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="api", help="Which system uses the token.")
        parser.add_argument("--days", type=int, default=365, help="Valid for this many days.")
        parser.add_argument("--revoke", metavar="PREFIX", help="Revoke the token with PREFIX.")

    def handle(self, *args, username, name, days, revoke, **options):
        user = User.objects.filter(username=username).first()
        if user is None or not scope_for(user).has_role:
            raise CommandError(f"Gebruiker {username} bestaat niet of heeft geen rol.")
        if revoke:
            count = user.api_tokens.filter(prefix=revoke, revoked_at__isnull=True).update(
                revoked_at=timezone.now()
            )
            audit_log(actor=None, action=AuditAction.UPDATE, obj=user, message="api-token revoked")
            self.stdout.write(f"{count} token(s) ingetrokken.")
            return
        token, key = token_create(
            user=user, name=name, expires_on=timezone.localdate() + dt.timedelta(days=days)
        )
        audit_log(actor=None, action=AuditAction.CREATE, obj=token, message=f"api-token {name}")
        self.stdout.write(key)
        self.stderr.write(
            f"Token {token.prefix}… voor {username}, geldig tot {token.expires_on:%d-%m-%Y}. "
            "Bewaar de sleutel: hij wordt niet opnieuw getoond."
        )
