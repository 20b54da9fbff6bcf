"""Extract and compile the translations of every zorgregio app.

Each app keeps its own catalogue in ``src/zorgregio/<app>/locale/nl/LC_MESSAGES/django.po``
(msgids in English, Dutch translations), so apps can be translated independently.
Needs GNU gettext (``apt-get install gettext``) for extraction; the compiled ``.mo`` files are
committed, so running zorgregio does not.
"""

import os
import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent / "src" / "zorgregio"
DJANGO_ADMIN = Path(sys.executable).parent / "django-admin"


def main() -> None:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "zorgregio.conf.test"}
    apps = sys.argv[1:] or sorted(
        p.name for p in ROOT.iterdir() if (p / "apps.py").exists() and p.name != "conf"
    )
    for app in apps:
        app_dir = ROOT / app
        has_text = any(
            "translate" in f.read_text(encoding="utf-8")
            or "gettext" in f.read_text(encoding="utf-8")
            for f in app_dir.rglob("*")
            if f.suffix in (".py", ".html", ".txt") and f.is_file()
        )
        if not has_text:
            continue
        (app_dir / "locale").mkdir(exist_ok=True)
        subprocess.run(  # noqa: S603
            [str(DJANGO_ADMIN), "makemessages", "-l", "nl", "--no-obsolete", "--no-location"],
            cwd=app_dir,
            env=env,
            check=True,
        )
        po_path = app_dir / "locale/nl/LC_MESSAGES/django.po"
        po = polib.pofile(str(po_path))
        po.metadata_is_fuzzy = False  # the header makemessages writes is marked fuzzy
        po.metadata.update({"Language": "nl", "Plural-Forms": "nplurals=2; plural=(n != 1);"})
        po.save()
        subprocess.run(  # noqa: S603
            [str(DJANGO_ADMIN), "compilemessages", "-l", "nl"], cwd=app_dir, env=env, check=True
        )
        todo = [e.msgid for e in po if not e.translated() or "fuzzy" in e.flags]
        print(f"{app}: {len(todo)} to translate" if todo else f"{app}: ok")


if __name__ == "__main__":
    main()
