"""The ``zorgregio`` command: Django's management commands for operators.

``zorgregio migrate``, ``zorgregio demo``, ``zorgregio import PATH`` ... are ``manage.py``
commands with the settings module preset.
"""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zorgregio.conf.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["zorgregio", *sys.argv[1:]])


if __name__ == "__main__":
    main()
