"""``zorgregio partitions [--year YYYY ...]``: on PostgreSQL, create the yearly partitions of the
declaration lines and the monitor's client-months that are missing (the six years before this
one, this and the next year, the given years, and every year with lines in a DEFAULT partition,
which are moved into it).
The monitor refresh after every import does the same; run this from a yearly or nightly job so a
new year has its partition before its first line arrives. Nothing to do on SQLite."""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils.translation import gettext as _

from zorgregio.zorg import partitions


class Command(BaseCommand):
    help = "Create the missing yearly partitions (PostgreSQL)."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, action="append", default=[], metavar="YYYY")

    def handle(self, *args, **options):
        if not partitions.supported():
            self.stdout.write(_("This database has no partitions (SQLite); nothing to do."))
            return
        years = options["year"]
        for year in years:
            if not 2000 <= year <= 2100:
                raise CommandError(_("%(year)s is not a valid year.") % {"year": year})
        with transaction.atomic():
            created = partitions.ensure_partitions(years)
        for name in created:
            self.stdout.write(_("Created partition %(name)s.") % {"name": name})
        with connection.cursor() as cursor:
            for table in (partitions.REGEL, partitions.CLIENTMONTH):
                if partitions.is_partitioned(cursor, table):
                    found = sorted(partitions.partition_years(cursor, table))
                    self.stdout.write(
                        _("%(table)s: partitions for %(years)s and a default partition.")
                        % {"table": table, "years": ", ".join(str(y) for y in found)}
                    )
