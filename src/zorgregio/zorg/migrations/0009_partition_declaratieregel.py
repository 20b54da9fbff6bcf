"""PostgreSQL only: zorg_declaratieregel partitioned by year of ``month`` (ADR 0303). The model
state does not change (Django keeps ``id`` as the primary key); SQLite keeps a plain table."""

from django.db import migrations


def forward(apps, schema_editor):
    from zorgregio.zorg import partitions

    partitions.partition(partitions.REGEL)


def backward(apps, schema_editor):
    from zorgregio.zorg import partitions

    partitions.unpartition(partitions.REGEL)


class Migration(migrations.Migration):
    dependencies = [
        ("zorg", "0008_regiebericht"),
    ]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
