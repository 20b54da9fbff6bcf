import subprocess
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Serve the web app and run the background worker beside it (imports run there). "
        "For the demo and small installations; production runs a WSGI server and "
        "`zorgregio db_worker` as separate services."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--no-worker", action="store_true", help="Do not start the worker.")

    def handle(self, *args, host, port, no_worker, **options):
        worker = None
        if not no_worker:
            worker = subprocess.Popen(  # noqa: S603 - our own command
                [sys.executable, "-m", "zorgregio", "db_worker", "--interval", "1"]
            )
        self.stdout.write(f"zorgregio draait op http://{host}:{port}/ (Ctrl+C stopt)")
        try:
            call_command("runserver", f"{host}:{port}", use_reloader=False)
        finally:
            if worker is not None:
                worker.terminate()
                worker.wait(timeout=10)
