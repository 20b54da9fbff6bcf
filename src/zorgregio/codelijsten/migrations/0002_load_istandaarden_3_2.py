"""Load the iWmo/iJw 3.2 code lists and the CBS municipality codes (see ../loader.py)."""

from django.db import migrations


def load(apps, schema_editor):
    from zorgregio.codelijsten.loader import load_codelists

    load_codelists(apps.get_model("codelijsten", "CodeList"), apps.get_model("codelijsten", "Code"))


class Migration(migrations.Migration):
    dependencies = [("codelijsten", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
