import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Serve the web app and run the background worker beside it (imports run there). "
        "Outside DEBUG the web app runs in gunicorn, a production WSGI server; with DEBUG, in "
        "Django's development server. Large installations run gunicorn and "
        "`zorgregio db_worker` as separate services (README, Production)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--no-worker", action="store_true", help="Do not start the worker.")
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="gunicorn worker processes (default: WEB_CONCURRENCY, else 2). Not in DEBUG.",
        )

    def handle(self, *args, host, port, no_worker, workers, **options):
        worker = None
        if not no_worker:
            worker = subprocess.Popen(  # noqa: S603 - our own command
                [sys.executable, "-m", "zorgregio", "db_worker", "--interval", "1"]
            )
        self.stdout.write(f"zorgregio draait op http://{host}:{port}/ (Ctrl+C stopt)")
        try:
            if settings.DEBUG:
                call_command("runserver", f"{host}:{port}", use_reloader=False)
            else:
                self._gunicorn(host, port, workers)
        except KeyboardInterrupt:
            pass
        finally:
            if worker is not None:
                worker.terminate()
                worker.wait(timeout=10)

    def _gunicorn(self, host: str, port: int, workers: int | None) -> None:
        import os

        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "zorgregio.conf.wsgi:application",
            "--bind",
            f"{host}:{port}",
            "--workers",
            str(workers or int(os.environ.get("WEB_CONCURRENCY", "2"))),
            "--timeout",
            "120",
            "--access-logfile",
            "-",
        ]
        server = subprocess.Popen(command)  # noqa: S603 - our own server
        try:
            server.wait()
        finally:
            if server.poll() is None:
                server.terminate()
                server.wait(timeout=30)
