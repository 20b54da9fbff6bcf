from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from zorgregio.inrichting.docs import render_markdown


class Command(BaseCommand):
    help = "Write the file formats of the set-up imports (docs/inrichting.md) from the code."

    def add_arguments(self, parser):
        parser.add_argument(
            "--file", default=str(Path(settings.BASE_DIR) / "docs" / "inrichting.md")
        )

    def handle(self, *args, file, **options):
        Path(file).write_text(render_markdown(), encoding="utf-8")
        self.stdout.write(f"Written {file}")
