"""``zorgregio refresh-toezicht [--regel CODE ...] [--datum YYYY-MM-DD]``: recompute the
supervision signals. Imports recompute them on their own (after the monitor's refresh); run
this nightly, so that signals that depend on the date (expired evidence, no clients in 12
months, overdue reports) move on without an import."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from zorgregio.toezicht.rules import RULES
from zorgregio.toezicht.services import recompute_signals


class Command(BaseCommand):
    help = "Recompute the supervision signals (all rules, or --regel CODE)."

    def add_arguments(self, parser):
        parser.add_argument("--regel", action="append", dest="rules", metavar="CODE")
        parser.add_argument("--datum", dest="day", metavar="YYYY-MM-DD", help="Reference day.")

    def handle(self, *args, **options):
        rules = options["rules"] or None
        unknown = [r for r in rules or () if r not in RULES]
        if unknown:
            raise CommandError(
                _("Unknown rule %(rule)s; the rules are: %(rules)s.")
                % {"rule": ", ".join(unknown), "rules": ", ".join(RULES)}
            )
        day = None
        if options["day"]:
            try:
                day = dt.date.fromisoformat(options["day"])
            except ValueError:
                raise CommandError(
                    _("%(value)s is not a date; write it as YYYY-MM-DD.")
                    % {"value": options["day"]}
                ) from None
        state = recompute_signals(today=day, rules=rules)
        self.stdout.write(
            _("Signals computed in %(seconds).1f s: %(count)s raised.")
            % {"seconds": state.seconds, "count": state.raised}
        )
