"""PostgreSQL partitioning of the declaration lines and client-months (ADR 0303).

On SQLite the tables are plain and these tests are skipped; the rest of the suites run on both.
"""

import datetime as dt
import re

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from zorgregio.monitor.models import ClientMonth
from zorgregio.monitor.services import refresh_after_import
from zorgregio.monitor.tests.factories import RegelFactory
from zorgregio.zorg import partitions
from zorgregio.zorg.models import DeclaratieRegel

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="partitions exist on PostgreSQL"),
    pytest.mark.django_db,
]


PARTITION = r"(?:zorg_declaratieregel|monitor_clientmonth)_(y\d{4}|default)"


def _one(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _home(model, pk) -> str:
    """The partition a row is stored in."""
    table = model._meta.db_table
    return _one(f"SELECT tableoid::regclass::text FROM {table} WHERE id = %s", [pk])[0][0]  # noqa: S608


def test_tables_are_partitioned_by_month_with_id_and_month_as_key():
    rows = _one(
        "SELECT c.relname, p.partstrat, a.attname FROM pg_partitioned_table p "
        "JOIN pg_class c ON c.oid = p.partrelid "
        "JOIN pg_attribute a ON a.attrelid = p.partrelid AND a.attnum = p.partattrs[0] "
        "ORDER BY c.relname"
    )
    assert rows == [
        ("monitor_clientmonth", "r", "month"),
        ("zorg_declaratieregel", "r", "month"),
    ]
    [(key,)] = _one(
        "SELECT pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = 'zorg_declaratieregel'::regclass AND contype = 'p'"
    )
    assert key == "PRIMARY KEY (id, month)"
    this_year = dt.date.today().year
    with connection.cursor() as cursor:
        years = partitions.partition_years(cursor, partitions.REGEL)
    assert {this_year, this_year + 1} <= years
    # Django still treats id as the primary key
    assert DeclaratieRegel._meta.pk.name == "id"


def test_a_line_of_a_new_year_lands_in_its_own_partition():
    line = RegelFactory(period_start=dt.date(2033, 5, 1))
    # no partition for 2033 yet: the DEFAULT partition takes it
    assert _home(DeclaratieRegel, line.pk) == "zorg_declaratieregel_default"
    refresh_after_import({dt.date(2033, 5, 1)})
    assert _home(DeclaratieRegel, line.pk) == "zorg_declaratieregel_y2033"
    assert _one("SELECT COUNT(*) FROM zorg_declaratieregel_default") == [(0,)]
    month = ClientMonth.objects.get(month=dt.date(2033, 5, 1))
    assert month.amount_cents == 10_000
    assert _home(ClientMonth, month.pk) == "monitor_clientmonth_y2033"
    # moved, still the same line: its reference is still taken
    with pytest.raises(IntegrityError), transaction.atomic():
        RegelFactory(
            provider=line.provider,
            law=line.law,
            referentienummer=line.referentienummer,
            period_start=dt.date(2033, 6, 1),
        )
    # the next line of that year goes straight into the new partition
    other = RegelFactory(period_start=dt.date(2033, 7, 1))
    assert _home(DeclaratieRegel, other.pk) == "zorg_declaratieregel_y2033"


def test_partitions_command_creates_a_year_before_its_lines(capsys):
    call_command("partitions", "--year", "2035")
    assert "zorg_declaratieregel_y2035" in capsys.readouterr().out
    line = RegelFactory(period_start=dt.date(2035, 1, 1))
    assert _home(DeclaratieRegel, line.pk) == "zorg_declaratieregel_y2035"


def test_a_duplicate_reference_is_refused_whatever_its_month():
    first = RegelFactory(period_start=dt.date(2026, 3, 1))
    same = {"provider": first.provider, "law": first.law, "referentienummer": "R-TWICE"}
    DeclaratieRegel.objects.filter(pk=first.pk).update(referentienummer="R-TWICE")
    for month in (dt.date(2026, 3, 1), dt.date(2027, 1, 1), dt.date(2031, 2, 1)):
        with pytest.raises(IntegrityError), transaction.atomic():
            RegelFactory(period_start=month, **same)
    # the same reference in the other law is another reference (TR314: within the law)
    other_law = "jw" if first.law == "wmo" else "wmo"
    RegelFactory(period_start=dt.date(2027, 1, 1), **{**same, "law": other_law})
    # once the line is gone, its reference is free again
    DeclaratieRegel.objects.filter(pk=first.pk).delete()
    RegelFactory(period_start=dt.date(2027, 2, 1), **same)
    assert DeclaratieRegel.objects.filter(referentienummer="R-TWICE").count() == 2


def test_the_refresh_of_changed_months_reads_only_their_partitions():
    for year in (2025, 2026, 2027):
        for month in (1, 6):
            RegelFactory(period_start=dt.date(year, month, 1))
    refresh_after_import()
    with CaptureQueriesContext(connection) as queries:
        refresh_after_import({dt.date(2026, 6, 1)})
    touching = [
        q["sql"]
        for q in queries.captured_queries
        if re.search(r"\b(zorg_declaratieregel|monitor_clientmonth)\b", q["sql"])
        and not q["sql"].lstrip().upper().startswith(("ANALYZE", "VACUUM", "SELECT SET_CONFIG"))
        and "pg_" not in q["sql"]
    ]
    assert len(touching) >= 5  # delete, insert from the lines, month totals, years, paid
    for sql in touching:
        plan = "\n".join(row[0] for row in _one("EXPLAIN " + sql))
        read = set(re.findall(PARTITION, plan))
        assert read == {"y2026"}, (sql, plan)
