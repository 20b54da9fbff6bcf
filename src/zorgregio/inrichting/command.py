"""``zorgregio import-<kind> FILE``: one set-up import from the command line.

Prints one line per row (``nieuw``, ``gewijzigd`` or ``ongewijzigd`` and what), or every wrong
row; exits 1 when anything was wrong (then nothing was applied). ``--controleer`` checks the
file without applying it; ``--sjabloon`` writes the template (CSV or XLSX, by the file name).
"""

from __future__ import annotations

import getpass
import socket
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from . import registry

OUTCOME = {"new": "nieuw", "changed": "gewijzigd", "unchanged": "ongewijzigd"}


class SetupCommand(BaseCommand):
    slug = ""

    @property
    def help(self):
        item = registry.get(self.slug)
        return (
            f"Set-up import: {item.title} (CSV or XLSX; columns in docs/inrichting.md). "
            "Nothing is applied when any row is wrong."
        )

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV or XLSX file (or, with --sjabloon, where to write).")
        parser.add_argument(
            "--controleer", action="store_true", help="Check the file only; change nothing."
        )
        parser.add_argument(
            "--sjabloon", action="store_true", help="Write the template to FILE (.csv or .xlsx)."
        )
        parser.add_argument("--regio", help="Short name of the region (when there are several).")

    def handle(self, *args, file, controleer, sjabloon, regio, **options):
        from zorgregio.common.tables import template_csv, template_xlsx
        from zorgregio.regio.models import Region

        item = registry.get(self.slug)
        path = Path(file)
        if sjabloon:
            data = (
                template_xlsx(list(item.columns), self.slug)
                if path.suffix.lower() == ".xlsx"
                else template_csv(list(item.columns))
            )
            path.write_bytes(data)
            self.stdout.write(_("Template written to %s.") % path)
            return
        if not path.is_file():
            raise CommandError(_("There is no file %s.") % path)
        region = None
        if regio:
            region = Region.objects.filter(slug=regio).first()
            if region is None:
                raise CommandError(_("There is no region %s.") % regio)
        report = registry.run_import(
            item,
            actor=None,
            upload=path.read_bytes(),
            filename=path.name,
            region=region,
            check_only=controleer,
            operator=f"{getpass.getuser()}@{socket.gethostname()}",
        )
        for line in report.errors:
            self.stdout.write(f"fout\t{line}")
        if report.errors:
            self.stdout.write(_("Nothing was applied: correct the rows above and import again."))
            sys.exit(1)
        for row in report.rows:
            self.stdout.write(f"{OUTCOME[row.outcome]}\t{_('row')} {row.row}\t{row.text}")
        summary = _("%(new)s new, %(changed)s changed, %(same)s unchanged.") % {
            "new": report.created,
            "changed": report.updated,
            "same": report.unchanged,
        }
        if controleer:
            summary += " " + _("Checked only: nothing was applied.")
        self.stdout.write(summary)
