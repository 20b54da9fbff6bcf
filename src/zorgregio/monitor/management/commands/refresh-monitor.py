"""``zorgregio refresh-monitor [--from MONTH] [--pending]``: rebuild the monitor's figures.

Without options everything is rebuilt; ``--from 2025-07`` rebuilds the spending from that month
on (and whatever imports left pending); ``--pending`` only what imports noted as changed and
did not refresh (an import that was stopped halfway, a refresh that failed). Safe to run at any
time, also beside imports: refreshes wait for each other.
"""

import datetime as dt
import re

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from zorgregio.monitor.services import refresh_from, refresh_pending


class Command(BaseCommand):
    help = "Rebuild the monitor's figures: all, from a month on (--from YYYY-MM), or --pending."

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="first", metavar="YYYY-MM", help="First month.")
        parser.add_argument(
            "--pending", action="store_true", help="Only the changes imports left pending."
        )

    def handle(self, *args, **options):
        first = None
        if options["first"]:
            match = re.fullmatch(r"([0-9]{4})-([0-9]{2})", options["first"])
            if not match or not 1 <= int(match.group(2)) <= 12:
                raise CommandError(
                    _("%(value)s is not a month; write it as YYYY-MM, e.g. 2025-07.")
                    % {"value": options["first"]}
                )
            first = dt.date(int(match.group(1)), int(match.group(2)), 1)
        if options["pending"]:
            state = refresh_pending()
            if state is None:
                self.stdout.write(_("Nothing was pending; the monitor is up to date."))
                return
        else:
            state = refresh_from(first)
        self.stdout.write(
            _("Monitor refreshed in %(seconds).1f s (version %(version)s).")
            % {"seconds": state.seconds, "version": state.version}
        )
