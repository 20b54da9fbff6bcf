"""Ask providers to renew evidence that expires soon (run daily, e.g. from cron)."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from zorgregio.contracten.services import evidence_request_expiring


class Command(BaseCommand):
    help = (
        "Create a renewal request for every piece of provider evidence (VOG, KvK extract, "
        "Belastingdienst statement, ...) that expires within --days days and has no open "
        "request yet. Audited as the system."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days", type=int, default=60, help="Look this many days ahead (default 60)."
        )

    def handle(self, *args, days, **options):
        count = evidence_request_expiring(actor=None, today=timezone.localdate(), within_days=days)
        self.stdout.write(f"{count} verzoeken om vernieuwing aangemaakt")
