"""PostgreSQL only: monitor_clientmonth partitioned by year of ``month``, like the declaration
lines it is built from (ADR 0303). The model state does not change; SQLite keeps a plain table."""

from django.db import migrations


def forward(apps, schema_editor):
    from zorgregio.zorg import partitions

    partitions.partition(partitions.CLIENTMONTH)


def backward(apps, schema_editor):
    from zorgregio.zorg import partitions

    partitions.unpartition(partitions.CLIENTMONTH)


class Migration(migrations.Migration):
    dependencies = [
        ("monitor", "0009_taskmonth"),
        ("zorg", "0009_partition_declaratieregel"),
    ]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
