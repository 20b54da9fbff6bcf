import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from zorgregio.toelating.services import decisions_finalise_due


class Command(BaseCommand):
    help = (
        "Make proposed admission decisions final whose objection period has ended without an "
        "objection, and write their admissions into the contract register. Run daily (cron or "
        "a scheduler); pages do the same when someone opens an application. Exit code 1 when "
        "a decision could not be finalised (it stays proposed, with the reason)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--date",
            type=dt.date.fromisoformat,
            default=None,
            help="Act as on this day (YYYY-MM-DD) instead of today.",
        )

    def handle(self, *args, date, **options):
        done, failed = decisions_finalise_due(today=date)
        for decision in done:
            admissions = sum(line.admissions.count() for line in decision.lines.all())
            self.stdout.write(
                f"{decision.application.number}/{decision.number}: definitief, "
                f"{admissions} deelnames in het contractregister"
            )
        for decision, reason in failed:
            self.stderr.write(
                f"{decision.application.number}/{decision.number}: niet definitief: {reason}"
            )
        self.stdout.write(f"{len(done)} besluiten definitief, {len(failed)} niet.")
        if failed:
            raise CommandError("Niet alle besluiten konden definitief worden.", returncode=1)
