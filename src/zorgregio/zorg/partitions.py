"""PostgreSQL declarative partitioning of the large tables by period (ADR 0303).

On PostgreSQL ``zorg_declaratieregel`` and ``monitor_clientmonth`` are partitioned by RANGE on
``month``, one partition per calendar year (``<table>_y2026``) plus a DEFAULT partition
(``<table>_default``) that catches a month of a year without a partition of its own. The primary
key there is ``(id, month)``; Django still sees ``id`` as the primary key (unique by its identity
sequence). On SQLite the tables stay plain and everything here does nothing.

Uniqueness of a line's reference (TR314: per provider and law) cannot be a unique index of a
partitioned table unless it includes ``month``: the index ``regel_unique_reference`` is
``(provider_id, law, referentienummer, month)`` there, and the key table
``zorg_declaratieregel_reference`` holds every ``(provider_id, law, referentienummer)`` under a
primary key, maintained by a trigger in the same statement (so in the same transaction) as the
insert, update or delete of the line. A duplicate reference is refused by the database as before,
whichever month it is for.

New years get a partition from :func:`ensure_partitions`, called by the migration, by the monitor
refresh after every import (before it writes) and by ``zorgregio partitions``. Lines written in the
meantime land in the DEFAULT partition and are moved into their year's new partition then.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from django.db import connection

KEY = "month"
REGEL = "zorg_declaratieregel"
CLIENTMONTH = "monitor_clientmonth"
REFERENCE_TABLE = "zorg_declaratieregel_reference"
# Set (transaction-local) while rows move from the DEFAULT partition into a new one: the rows
# stay the same lines, so their references stay in the key table.
MOVING = "zorgregio.partition_move"


def supported() -> bool:
    return connection.vendor == "postgresql"


def is_partitioned(cursor, table: str) -> bool:
    cursor.execute(
        "SELECT 1 FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid "
        "WHERE c.relname = %s AND pg_table_is_visible(c.oid)",
        [table],
    )
    return cursor.fetchone() is not None


def partition_years(cursor, table: str) -> set[int]:
    """The years that have a partition of their own."""
    cursor.execute(
        "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
        "WHERE i.inhparent = %s::regclass",
        [table],
    )
    found = set()
    for (name,) in cursor.fetchall():
        match = re.fullmatch(re.escape(table) + r"_y(\d{4})", name)
        if match:
            found.add(int(match.group(1)))
    return found


def _default_years(cursor, table: str) -> set[int]:
    cursor.execute(
        f"SELECT DISTINCT CAST(EXTRACT(YEAR FROM {KEY}) AS INTEGER) FROM {table}_default"  # noqa: S608
    )
    return {row[0] for row in cursor.fetchall()}


# Years that always have a partition, relative to this year: declarations come up to five years
# late (the period a provider may still declare) and an archive imported at the start usually
# reaches that far back; empty partitions cost a few catalogue rows.
YEARS_BACK, YEARS_AHEAD = 6, 1


def _window() -> set[int]:
    year = dt.date.today().year
    return set(range(year - YEARS_BACK, year + YEARS_AHEAD + 1))


def ensure_partitions(years: Iterable[int] = ()) -> list[str]:
    """Create the yearly partitions of both tables that are missing for ``years``, the six years
    before this one, this one and the next, and every year with rows in a DEFAULT partition
    (those rows are moved into the new partition). ``monitor_clientmonth`` gets a partition for
    every year ``zorg_declaratieregel`` has. The created partitions' names; nothing on SQLite or
    when the tables are not partitioned. Runs in the caller's transaction (or its own)."""
    if not supported():
        return []
    created: list[str] = []
    with connection.cursor() as cursor:
        if not is_partitioned(cursor, REGEL):
            return []
        if not _missing(cursor, years):
            return []
        # One creator at a time (a refresh and the command); then look again.
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [MOVING])
        for table, missing in _missing(cursor, years):
            for year in missing:
                created.append(_add_year(cursor, table, year))
    return created


def _missing(cursor, years: Iterable[int]) -> list[tuple[str, list[int]]]:
    wanted = set(years) | _window() | _default_years(cursor, REGEL)
    found = [(REGEL, sorted(wanted - partition_years(cursor, REGEL)))]
    if is_partitioned(cursor, CLIENTMONTH):
        wanted |= partition_years(cursor, REGEL) | _default_years(cursor, CLIENTMONTH)
        found.append((CLIENTMONTH, sorted(wanted - partition_years(cursor, CLIENTMONTH))))
    return [(table, missing) for table, missing in found if missing]


def _add_year(cursor, table: str, year: int) -> str:
    """Create the partition of ``year`` and attach it, moving its rows out of the DEFAULT
    partition first (attaching refuses while the DEFAULT partition holds rows of the range).
    Attaching locks the parent only against other DDL, not against reads and writes."""
    name = f"{table}_y{year}"
    start, end = f"{year}-01-01", f"{year + 1}-01-01"
    cursor.execute(f"CREATE TABLE {name} (LIKE {table} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)")
    # no new row of the range may slip into the DEFAULT partition before the attach
    cursor.execute(f"LOCK TABLE {table}_default IN EXCLUSIVE MODE")
    cursor.execute(
        f"SELECT EXISTS (SELECT 1 FROM {table}_default WHERE {KEY} >= %s AND {KEY} < %s)",  # noqa: S608
        [start, end],
    )
    if cursor.fetchone()[0]:
        cursor.execute("SELECT set_config(%s, 'on', true)", [MOVING])
        cursor.execute(
            f"INSERT INTO {name} SELECT * FROM {table}_default "  # noqa: S608
            f"WHERE {KEY} >= %s AND {KEY} < %s",
            [start, end],
        )
        cursor.execute(
            f"DELETE FROM {table}_default WHERE {KEY} >= %s AND {KEY} < %s",  # noqa: S608
            [start, end],
        )
        cursor.execute("SELECT set_config(%s, 'off', true)", [MOVING])
        # the DEFAULT partition's indexes would keep the moved rows' pages (a vacuum frees the
        # heap, not the index pages); it is locked anyway and normally near empty
        cursor.execute(f"REINDEX TABLE {table}_default")
    cursor.execute(
        f"ALTER TABLE {table} ATTACH PARTITION {name} FOR VALUES FROM (%s) TO (%s)",
        [start, end],
    )
    return name


def partitions_of(table: str, months: Iterable[dt.date]) -> list[str]:
    """The tables holding the rows of ``months``: ``table`` itself when it is not partitioned,
    else the partitions of their years (the DEFAULT one for a year without)."""
    if not supported():
        return [table]
    with connection.cursor() as cursor:
        if not is_partitioned(cursor, table):
            return [table]
        have = partition_years(cursor, table)
    years = sorted({m.year for m in months})
    names = [f"{table}_y{y}" for y in years if y in have]
    if any(y not in have for y in years):
        names.append(f"{table}_default")
    return names


# --- converting a plain table (the migrations) ----------------------------------------------


def _definitions(cursor, table: str) -> tuple[list, list]:
    """The unique and foreign-key constraints and the other indexes of ``table``, as SQL."""
    cursor.execute(
        "SELECT conname, contype, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype IN ('u', 'f') ORDER BY contype DESC, conname",
        [table],
    )
    constraints = cursor.fetchall()
    cursor.execute(
        "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i "
        "JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = %s::regclass "
        "AND NOT i.indisprimary AND NOT EXISTS "
        "(SELECT 1 FROM pg_constraint k "
        "WHERE k.conindid = i.indexrelid AND k.conrelid = i.indrelid) ORDER BY c.relname",
        [table],
    )
    return constraints, cursor.fetchall()


def _rebuild(cursor, table: str, partitioned: bool, years: Iterable[int] = ()) -> None:
    """Replace ``table`` by a partitioned (or again a plain) copy with the same columns, rows,
    indexes and constraints under the same names, the identity sequence continuing."""
    constraints, indexes = _definitions(cursor, table)
    cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")  # noqa: S608
    next_id = cursor.fetchone()[0]
    cursor.execute(f"ALTER TABLE {table} RENAME TO {table}__old")
    for name, _kind, _sql in constraints:
        cursor.execute(f"ALTER TABLE {table}__old DROP CONSTRAINT {name}")
    for name, _sql in indexes:
        cursor.execute(f"DROP INDEX {name}")
    cursor.execute(f"ALTER TABLE {table}__old ALTER COLUMN id DROP IDENTITY")
    like = f"LIKE {table}__old INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE"
    if partitioned:
        cursor.execute(f"CREATE TABLE {table} ({like}) PARTITION BY RANGE ({KEY})")
        cursor.execute(f"CREATE TABLE {table}_default PARTITION OF {table} DEFAULT")
        cursor.execute(
            f"SELECT DISTINCT CAST(EXTRACT(YEAR FROM {KEY}) AS INTEGER) FROM {table}__old"  # noqa: S608
        )
        wanted = {row[0] for row in cursor.fetchall()} | _window() | set(years)
        for year in sorted(wanted):
            cursor.execute(
                f"CREATE TABLE {table}_y{year} PARTITION OF {table} FOR VALUES FROM (%s) TO (%s)",
                [f"{year}-01-01", f"{year + 1}-01-01"],
            )
    else:
        cursor.execute(f"CREATE TABLE {table} ({like})")
    cursor.execute(f"INSERT INTO {table} SELECT * FROM {table}__old")  # noqa: S608
    cursor.execute(f"DROP TABLE {table}__old")
    cursor.execute(
        f"ALTER TABLE {table} ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY "
        f"(START WITH {int(next_id)})"
    )
    key = f"id, {KEY}" if partitioned else "id"
    cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {table}_pkey PRIMARY KEY ({key})")
    for _name, sql in indexes:
        cursor.execute(sql.replace(" ON ONLY ", " ON "))
    for name, kind, sql in constraints:
        if kind == "u":
            # a unique constraint of a partitioned table must include the partition key
            columns = [c.strip() for c in sql[sql.index("(") + 1 : sql.rindex(")")].split(",")]
            columns = [c for c in columns if c != KEY] + ([KEY] if partitioned else [])
            sql = f"UNIQUE ({', '.join(columns)})"
        cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {name} {sql}")
    cursor.execute(f"ANALYZE {table}")


REFERENCE_SQL = f"""
CREATE TABLE {REFERENCE_TABLE} (
    provider_id bigint NOT NULL,
    law varchar(4) NOT NULL,
    referentienummer varchar(40) NOT NULL,
    CONSTRAINT {REFERENCE_TABLE}_pkey PRIMARY KEY (provider_id, law, referentienummer)
);
CREATE FUNCTION {REFERENCE_TABLE}_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        TRUNCATE {REFERENCE_TABLE};
        RETURN NULL;
    END IF;
    IF current_setting('{MOVING}', true) = 'on' THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'UPDATE' AND (NEW.provider_id, NEW.law, NEW.referentienummer)
            IS NOT DISTINCT FROM (OLD.provider_id, OLD.law, OLD.referentienummer) THEN
        RETURN NULL;
    END IF;
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        DELETE FROM {REFERENCE_TABLE} WHERE provider_id = OLD.provider_id AND law = OLD.law
            AND referentienummer = OLD.referentienummer;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO {REFERENCE_TABLE} (provider_id, law, referentienummer)
            VALUES (NEW.provider_id, NEW.law, NEW.referentienummer);
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER {REFERENCE_TABLE}_row AFTER INSERT OR DELETE
    OR UPDATE OF provider_id, law, referentienummer ON {REGEL}
    FOR EACH ROW EXECUTE FUNCTION {REFERENCE_TABLE}_keep();
CREATE TRIGGER {REFERENCE_TABLE}_truncate AFTER TRUNCATE ON {REGEL}
    FOR EACH STATEMENT EXECUTE FUNCTION {REFERENCE_TABLE}_keep();
"""  # noqa: S608 (the names are the constants above)


def partition(table: str) -> None:
    """Migration step: partition ``table`` (nothing on SQLite or when already partitioned)."""
    if not supported():
        return
    with connection.cursor() as cursor:
        if is_partitioned(cursor, table):
            return
        years = partition_years(cursor, REGEL) if table == CLIENTMONTH else ()
        _rebuild(cursor, table, partitioned=True, years=years)
        if table == REGEL:
            cursor.execute(REFERENCE_SQL)
            cursor.execute(
                f"INSERT INTO {REFERENCE_TABLE} (provider_id, law, referentienummer) "  # noqa: S608
                f"SELECT provider_id, law, referentienummer FROM {REGEL}"
            )


def unpartition(table: str) -> None:
    """Migration step backwards: a plain table again."""
    if not supported():
        return
    with connection.cursor() as cursor:
        if not is_partitioned(cursor, table):
            return
        if table == REGEL:
            cursor.execute(f"DROP TABLE IF EXISTS {REFERENCE_TABLE}")
            cursor.execute(f"DROP TRIGGER IF EXISTS {REFERENCE_TABLE}_row ON {REGEL}")
            cursor.execute(f"DROP TRIGGER IF EXISTS {REFERENCE_TABLE}_truncate ON {REGEL}")
            cursor.execute(f"DROP FUNCTION IF EXISTS {REFERENCE_TABLE}_keep()")
        _rebuild(cursor, table, partitioned=False)
