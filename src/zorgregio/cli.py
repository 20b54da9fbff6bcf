"""The ``zorgregio`` command: Django's management commands for operators.

``zorgregio migrate``, ``zorgregio demo``, ``zorgregio import PATH`` ... are ``manage.py``
commands with the settings module preset.
"""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zorgregio.conf.settings")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(["zorgregio", *sys.argv[1:]])
    except ImproperlyConfigured as exc:
        # A missing or wrong setting is the operator's to fix: say which, without a traceback.
        print(f"zorgregio: {exc}", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
