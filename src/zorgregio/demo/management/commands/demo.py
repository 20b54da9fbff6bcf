import random
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from zorgregio.codelijsten.loader import load_codelists
from zorgregio.codelijsten.models import Code, CodeList
from zorgregio.codelijsten.selectors import clear_cache
from zorgregio.demo.registry import DemoContext, steps
from zorgregio.regio.models import Region

DEMO_PASSWORD = "demo-zorgregio"  # noqa: S105 - printed for the demo; never a real account
REGION_SLUG = "midden-ijssel-oost-veluwe"


class Command(BaseCommand):
    help = (
        "Create the demo region Zorgregio Midden-IJssel/Oost-Veluwe with synthetic providers, "
        "products, contracts and messages, and one account per role. Does nothing when the "
        "region exists (use --reset to build it again)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help="Size of the synthetic data relative to the real region (1.0: ~300 providers).",
        )
        parser.add_argument("--seed", type=int, default=2026, help="Random seed (reproducible).")
        parser.add_argument(
            "--reset", action="store_true", help="Delete ALL data first and build it again."
        )

    def handle(self, *args, scale, seed, reset, **options):
        if scale <= 0 or scale > 20:
            raise CommandError("--scale must be above 0 and at most 20.")
        if reset:
            call_command("flush", interactive=False, verbosity=0)
            load_codelists(CodeList, Code)
            clear_cache()
        ctx = DemoContext(seed=seed, scale=scale, log=self._log, password=DEMO_PASSWORD)
        if Region.objects.filter(slug=REGION_SLUG).exists():
            self.stdout.write(
                "De demoregio bestaat al; er is niets veranderd (--reset bouwt opnieuw)."
            )
        else:
            started = time.monotonic()
            for step in steps():
                step_started = time.monotonic()
                ctx.rng = random.Random(f"{seed}:{step.name}")  # noqa: S311 - demo data
                with transaction.atomic():
                    step.func(ctx)
                self._log(f"  {step.name}: {time.monotonic() - step_started:.1f} s")
            self.stdout.write(f"Demoregio gebouwd in {time.monotonic() - started:.1f} s.")
        self._print_accounts()

    def _log(self, text: str) -> None:
        self.stdout.write(text)

    def _print_accounts(self) -> None:
        from zorgregio.accounts.models import User

        self.stdout.write("")
        self.stdout.write(f"Demo-accounts (wachtwoord voor allemaal: {DEMO_PASSWORD}):")
        for user in User.objects.filter(username__startswith="demo-").order_by("username"):
            scope = ", ".join(m.name for m in user.municipalities.all()) or (
                user.provider.name if user.provider_id else ""
            )
            label = user.get_role_display()
            self.stdout.write(f"  {user.username:22} {label}{f' ({scope})' if scope else ''}")
