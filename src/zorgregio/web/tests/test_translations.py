"""Every text a person reads is Dutch: each app's catalogue is complete and compiled."""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

PACKAGE = Path(__file__).resolve().parents[2]
CATALOGUES = sorted(PACKAGE.glob("*/locale/nl/LC_MESSAGES/django.po"))
APPS_WITH_TEXT = sorted(
    app.name
    for app in PACKAGE.iterdir()
    if (app / "apps.py").exists()
    and any(
        marker in f.read_text(encoding="utf-8")
        for f in app.rglob("*")
        if f.is_file() and f.suffix in (".py", ".html") and "tests" not in f.parts
        for marker in ("{% translate", "{% blocktranslate", "gettext")
    )
)


def test_every_app_with_text_has_a_dutch_catalogue():
    assert APPS_WITH_TEXT, "no apps found"
    have = {po.parts[-5] for po in CATALOGUES}
    assert set(APPS_WITH_TEXT) <= have, f"apps without nl catalogue: {set(APPS_WITH_TEXT) - have}"


@pytest.mark.parametrize("po_path", CATALOGUES, ids=lambda p: p.parts[-5])
def test_catalogue_is_complete_and_compiled(po_path):
    po = polib.pofile(str(po_path))
    untranslated = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert not untranslated, f"untranslated: {untranslated}"
    assert not fuzzy, f"fuzzy: {fuzzy}"
    mo_path = po_path.with_suffix(".mo")
    assert mo_path.exists(), f"{mo_path} is missing: run `make messages`"
    compiled = {
        (e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural for e in polib.mofile(str(mo_path))
    }
    source = {(e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural for e in po.translated_entries()}
    assert compiled == source, f"{mo_path} is stale: run `make messages`"


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext is not installed")
@pytest.mark.parametrize("app", APPS_WITH_TEXT)
def test_every_text_in_the_code_is_in_the_catalogue(app, tmp_path):
    """Extract the app's strings afresh into a copy: nothing may come out untranslated."""
    copy = tmp_path / app
    shutil.copytree(PACKAGE / app, copy, ignore=shutil.ignore_patterns("tests", "__pycache__"))
    (copy / "locale").mkdir(exist_ok=True)
    django_admin = Path(sys.executable).parent / "django-admin"
    subprocess.run(  # noqa: S603 - our own django-admin
        [str(django_admin), "makemessages", "-l", "nl", "--no-obsolete", "--no-location"],
        cwd=copy,
        check=True,
        capture_output=True,
        env={"DJANGO_SETTINGS_MODULE": "zorgregio.conf.test", "PATH": "/usr/bin:/bin"},
    )
    po = polib.pofile(str(copy / "locale/nl/LC_MESSAGES/django.po"))
    missing = [e.msgid for e in po if not e.translated() or "fuzzy" in e.flags]
    assert not missing, f"run `make messages` and translate: {missing}"


# Words that mean different things in different apps and are translated accordingly. Django
# merges every app's catalogue into one, so such a msgid shows the translation of the first
# app in INSTALLED_APPS on every page: these need a context (pgettext) before they can differ.
# Listed here so no new one slips in; the list only shrinks.
AMBIGUOUS_KNOWN = {
    "From", "Note", "note", "Worklist", "Deadline", "evidence", "Reference", "reference", "to",
    "rejected", "Change", "Error", "verdict",
}  # fmt: skip


def test_a_text_has_one_dutch_translation_across_apps():
    """The same English text (and context) translates the same in every app's catalogue;
    otherwise a page may show another app's wording (the catalogues are merged)."""
    found: dict[tuple, dict[str, str]] = {}
    for po_path in CATALOGUES:
        for entry in polib.pofile(str(po_path)).translated_entries():
            key = (entry.msgctxt, entry.msgid)
            found.setdefault(key, {})[po_path.parts[-5]] = entry.msgstr or str(entry.msgstr_plural)
    conflicts = {
        key[1]: apps
        for key, apps in found.items()
        if len(set(apps.values())) > 1 and key[1] not in AMBIGUOUS_KNOWN
    }
    assert conflicts == {}
