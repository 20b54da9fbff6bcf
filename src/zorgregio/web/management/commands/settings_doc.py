from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from zorgregio.conf.env import render_markdown


class Command(BaseCommand):
    help = (
        "Write the configuration reference (docs/configuration.md) from the settings' help texts."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--file", default=str(Path(settings.BASE_DIR) / "docs" / "configuration.md")
        )

    def handle(self, *args, file, **options):
        Path(file).write_text(render_markdown() + "\n", encoding="utf-8")
        self.stdout.write(f"Written {file}")
