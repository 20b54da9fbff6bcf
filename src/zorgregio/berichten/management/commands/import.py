"""``zorgregio import PATH...``: ingest message files, folders and zip archives.

Prints one line per file (status, name, reasons; tab-separated, the status one of
verwerkt, afgekeurd, in_behandeling or dubbel) and exits 1 when any file was refused, so
operators can script it. With ``--format json`` it prints instead, per file, message and line,
the verdict with the rule codes and retourcodes (``berichten.verdicts``). On a terminal a
progress bar is drawn on stderr. ``zorgregio import --retry-refused`` processes every refused
file of the archive again (after its cause was fixed, e.g. a provider added to the register).
The audit trail names the operating-system user and host that ran the command. On
PostgreSQL, ``--workers N`` applies the files in N processes (``berichten.parallel``).
"""

import json
import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from zorgregio.berichten.csv_import import KINDS, ingest_csv
from zorgregio.berichten.models import FileStatus
from zorgregio.berichten.parallel import ImportStopped, can_run_parallel, ingest_parallel
from zorgregio.berichten.services import Results, retry_refused
from zorgregio.berichten.verdicts import result_verdict
from zorgregio.common.formatting import files_summary


class Command(BaseCommand):
    help = (
        "Import iWmo/iJw 3.2 message files, folders and zip archives; with --csv KIND, CSV files "
        "of toewijzingen, leveringen or declaratieregels (docs/berichten-csv.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*", help="Files, folders or zip archives.")
        parser.add_argument(
            "--retry-refused",
            action="store_true",
            help="Process every refused file of the archive again (no paths needed).",
        )
        parser.add_argument(
            "--no-progress", action="store_true", help="Do not draw a progress bar."
        )
        parser.add_argument(
            "--csv",
            choices=KINDS,
            metavar="KIND",
            help=f"The files are CSV files of this kind: {', '.join(KINDS)}.",
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=1,
            metavar="N",
            help="Apply the files in N worker processes, divided by provider and law "
            "(PostgreSQL only; on SQLite one process).",
        )
        parser.add_argument(
            "--format",
            choices=("text", "json"),
            default="text",
            help="text: one line per file; json: the verdict per file, message and line.",
        )

    def handle(self, *args, **options):
        paths = options["paths"]
        if not paths and not options["retry_refused"]:
            raise CommandError(_("Give the files, folders or zip archives to import."))
        report = self._json if options["format"] == "json" else self._report
        if options["csv"]:
            results = [ingest_csv(path, kind=options["csv"]) for path in paths]
            report(results)
            return
        err = self.stderr._out
        tty = hasattr(err, "isatty") and err.isatty() and not options["no_progress"]

        def progress(done, total, name):
            if not tty or not total:
                return
            width = 30
            filled = int(width * done / total)
            err.write(
                f"\r[{'#' * filled}{'.' * (width - filled)}] {int(done)}/{total} {name[-40:]:<40}"
            )
            err.flush()

        results = retry_refused(on_progress=progress) if options["retry_refused"] else Results()
        workers = options["workers"]
        if workers > 1 and not can_run_parallel():
            self.stderr.write(_("Several workers need PostgreSQL; importing in one process."))
        if paths:
            try:
                results += ingest_parallel(
                    paths, workers=workers, on_progress=progress, own_process=True
                )
            except ImportStopped as exc:
                raise CommandError(str(exc)) from exc
        if tty:
            err.write("\r" + " " * 90 + "\r")
        report(results)

    def _json(self, results) -> None:
        files = [result_verdict(result) for result in results]
        refused = sum(1 for f in files if f["status"] == FileStatus.REJECTED and not f["duplicate"])
        out = {"files": files, "summary": {"files": len(files), "refused": refused}}
        self.stdout.write(json.dumps(out, ensure_ascii=False, indent=1))
        if refused:
            sys.exit(1)

    def _report(self, results) -> None:
        refused = 0
        for result in results:
            # The status values (verwerkt, afgekeurd, ...) are stable for scripts.
            duplicate = getattr(result, "duplicate", False)
            label = "dubbel" if duplicate else str(FileStatus(result.status).value)
            if result.status == FileStatus.REJECTED and not duplicate:
                refused += 1
            reasons = "; ".join(result.reasons)
            self.stdout.write(f"{label}\t{result.name}" + (f"\t{reasons}" if reasons else ""))
        duplicates = sum(1 for r in results if getattr(r, "duplicate", False))
        self.stdout.write(files_summary(len(results) - refused - duplicates, refused, duplicates))
        if refused:
            sys.exit(1)
