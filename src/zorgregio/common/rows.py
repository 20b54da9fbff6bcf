"""Single-row writes of the message import's hot path, as statements built once.

The ORM compiles a model's insert or update anew for every ``create()`` and ``save()``; an
import of 50,000 one-message files spent more time compiling statements than the database spent
running them (issue 15). :class:`Insert` and :class:`Update` build the statement for a model's
fields once per database vendor and convert every value with the field's own
``get_db_prep_save``, as ``save()`` does, so the row stored is the same (a value the field
would store unchanged, such as a ``str`` for a text field, is passed as it is). No signals are sent:
use them only for models without ``pre_save``/``post_save`` receivers.

A statement runs on the driver's own cursor, without Django's cursor wrapper around it (its
query logging, its execute wrappers and its placeholder conversion cost more per row than
SQLite's insert), unless something needs that wrapper: ``DEBUG`` logs queries, or an execute
wrapper is installed (a test counting statements, the line writer waiting for its thread).
Database errors are raised as Django's, as through the wrapper.

Table and column names come from the model, never from input; values are parameters.
"""

from __future__ import annotations

import contextlib
import datetime as dt

from django.db import connections as all_connections
from django.db import models, router
from django.db.models.base import ModelState
from django.utils import timezone


def _now_for(field):
    """What ``auto_now``/``auto_now_add`` would store in ``field`` (None: not such a field)."""
    if not (getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)):
        return None
    if isinstance(field, models.DateTimeField):
        return timezone.now()
    return dt.date.today()


# Fields whose get_db_prep_save returns a value of these exact types unchanged: such a value is
# passed as it is (the conversion cost more than the insert). Integers only where the backend
# passes them on as they are (PostgreSQL's psycopg 3 gets them typed by size).
_TEXT = (models.CharField, models.TextField)
_INTEGER = (
    models.IntegerField, models.BigIntegerField, models.SmallIntegerField,
    models.PositiveIntegerField, models.PositiveBigIntegerField, models.PositiveSmallIntegerField,
    models.AutoField, models.BigAutoField,
)  # fmt: skip


def _as_is(field, vendor: str) -> tuple[type, ...]:
    """The value types ``field`` stores unconverted on ``vendor`` (exact classes only: a
    subclass may convert, e.g. an encrypted field)."""
    if isinstance(field, models.ForeignKey):
        field = field.target_field
    kind = type(field)
    if kind in _TEXT:
        return (str, type(None))
    if kind is models.BooleanField:
        return (bool, type(None))
    if kind in _INTEGER:
        return (int, type(None)) if vendor == "sqlite" else (type(None),)
    return ()


def cursor_for(connection, sql: str):
    """A cursor to run ``sql`` on (a context manager) and ``sql`` as it takes it: the driver's
    own, unless something needs Django's cursor wrapper (queries are logged under ``DEBUG``, or
    an execute wrapper is installed). ``sql`` has ``%s`` placeholders and no literal ``%``."""
    if connection.execute_wrappers or connection.queries_logged:
        return connection.cursor(), sql
    return driver_cursor(connection), driver_sql(connection, sql)


def driver_sql(connection, sql: str) -> str:
    """``sql`` (with ``%s`` placeholders and no literal ``%``) in the driver's placeholders."""
    return sql.replace("%s", "?") if connection.vendor == "sqlite" else sql


@contextlib.contextmanager
def driver_cursor(connection):
    """The driver's own cursor, after the checks Django's cursor makes before a query (a
    connection, no broken transaction); database errors raised as Django's."""
    connection.ensure_connection()
    connection.validate_no_broken_transaction()
    with connection.wrap_database_errors:
        # SQLite: the plain sqlite3 cursor (Django's own converts the placeholders per query).
        raw = connection.vendor == "sqlite"
        cursor = connection.connection.cursor() if raw else connection.create_cursor()
        try:
            yield cursor
        finally:
            cursor.close()


class _Statement:
    """A statement of one model, built once per database vendor (``_build``) and run for one
    row; the connection is the model's database for writing (``for_read``: for reading)."""

    for_read = False

    def __init__(self, model, fields):
        self.model = model
        self.fields = fields
        self._sql: dict[str, str] = {}
        self._as_is: dict[str, list[tuple[type, ...]]] = {}

    def prepared(self, connection, values) -> list:
        """``values`` (one per field) as ``save()`` stores them."""
        as_is = self._as_is.get(connection.vendor)
        if as_is is None:
            as_is = self._as_is[connection.vendor] = [
                _as_is(f, connection.vendor) for f in self.fields
            ]
        return [
            value if type(value) in plain else field.get_db_prep_save(value, connection)
            for field, plain, value in zip(self.fields, as_is, values, strict=True)
        ]

    def sql(self, connection) -> str:
        sql = self._sql.get(connection.vendor)
        if sql is None:
            sql = self._sql[connection.vendor] = self._build(
                connection.ops.quote_name, self.model._meta
            )
        return sql

    def connection(self):
        route = router.db_for_read if self.for_read else router.db_for_write
        return all_connections[route(self.model)]

    def run(self, connection, params):
        """Execute with ``params``: the cursor's first row and its row count."""
        opened, sql = cursor_for(connection, self.sql(connection))  # names hold no % of their own
        with opened as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone() if cursor.description else None, cursor.rowcount


class Insert(_Statement):
    """``Insert(Model)(**values)``: insert one row (every concrete field; those not given get
    their default, auto_now(_add) fields the current time) and return its primary key.

    ``conflict``: the name of a unique field; a row whose value is already there (or being
    inserted by a concurrent transaction, which is waited for) is not inserted and None is
    returned (``ON CONFLICT DO NOTHING``: no error, so no savepoint is needed around it).

    ``Insert(Model, returning=False).many(objects)``: insert many model instances at once."""

    def __init__(self, model, *, conflict: str | None = None, returning: bool = True):
        meta = model._meta
        super().__init__(model, [f for f in meta.concrete_fields if not f.primary_key])
        self.conflict = meta.get_field(conflict).column if conflict else None
        self.returning = returning

    def _build(self, qn, meta) -> str:
        sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 - names from the model
            qn(meta.db_table),
            ", ".join(qn(f.column) for f in self.fields),
            ", ".join(["%s"] * len(self.fields)),
        )
        if self.conflict:
            sql += f" ON CONFLICT ({qn(self.conflict)}) DO NOTHING"
        return sql + f" RETURNING {qn(meta.pk.column)}" if self.returning else sql

    def many(self, objects) -> None:
        """Insert unsaved model instances in one ``executemany``, as ``bulk_create`` stores
        them (their concrete fields; auto_now(_add) fields the time of the insert); their
        primary keys are not read back."""
        if not objects:
            return
        connection = self.connection()
        now = {f.attname: _now_for(f) for f in self.fields if _now_for(f) is not None}
        names = [f.attname for f in self.fields]
        rows = [
            self.prepared(connection, [now.get(name) or getattr(obj, name) for name in names])
            for obj in objects
        ]
        opened, sql = cursor_for(connection, self.sql(connection))
        with opened as cursor:
            cursor.executemany(sql, rows)

    def __call__(self, **values) -> int | None:
        return self._insert(values)[0]

    def _insert(self, values: dict) -> tuple[int | None, list]:
        """The new row's primary key (None: a conflict) and the values stored, per field."""
        connection = self.connection()
        given = []
        for field in self.fields:
            if field.attname in values:
                value = values[field.attname]
            else:
                value = _now_for(field)
                if value is None:
                    value = field.get_default()
            given.append(value)
        row, _count = self.run(connection, self.prepared(connection, given))
        return (row[0] if row else None), given

    def create(self, **values):
        """Insert the row and return it as a model instance (as ``objects.create`` does), or
        None for a conflict. The instance holds the values given and the defaults of the
        others, as stored (an auto_now(_add) field the time of the insert)."""
        pk, given = self._insert(values)
        if pk is None:
            return None
        # The instance as a query would load it (Model.from_db): no __init__ per keyword.
        instance = self.model.__new__(self.model)
        instance._state = ModelState()
        instance._state.adding = False
        instance._state.db = router.db_for_write(self.model)
        instance.__dict__.update(zip((f.attname for f in self.fields), given, strict=True))
        instance.__dict__[self.model._meta.pk.attname] = pk
        return instance


class Update(_Statement):
    """``Update(Model, [fields])(instance)``: write the named fields (attnames) of one row.

    ``.rows(values, keys)``: write ``values`` (one per field) to the rows whose ``where``
    fields equal ``keys`` (by default the primary key) and whose ``where_null`` fields are
    NULL, as ``Model.objects.filter(...).update(...)`` would; the number of rows updated."""

    def __init__(self, model, fields, *, where=None, where_null=()):
        super().__init__(model, [model._meta.get_field(name) for name in fields])
        meta = model._meta
        self.keys = [meta.get_field(name) for name in where] if where else [meta.pk]
        self.nulls = [meta.get_field(name) for name in where_null]

    def _build(self, qn, meta) -> str:
        conditions = [f"{qn(f.column)} = %s" for f in self.keys]
        conditions += [f"{qn(f.column)} IS NULL" for f in self.nulls]
        return "UPDATE {} SET {} WHERE {}".format(  # noqa: S608 - names from the model
            qn(meta.db_table),
            ", ".join(f"{qn(f.column)} = %s" for f in self.fields),
            " AND ".join(conditions),
        )

    def __call__(self, instance) -> int:
        """Write ``instance``'s values of the fields; the number of rows updated."""
        return self.rows([getattr(instance, f.attname) for f in self.fields], [instance.pk])

    def rows(self, values, keys) -> int:
        connection = self.connection()
        params = self.prepared(connection, values)
        params += [
            f.get_db_prep_value(key, connection, prepared=False)
            for f, key in zip(self.keys, keys, strict=True)
        ]
        _row, count = self.run(connection, params)
        return count


class First(_Statement):
    """``First(Model, [fields])(*values)``: the primary key of a row whose fields equal the
    values (None: no such row)."""

    for_read = True

    def __init__(self, model, fields):
        super().__init__(model, [model._meta.get_field(name) for name in fields])

    def _build(self, qn, meta) -> str:
        return "SELECT {} FROM {} WHERE {} LIMIT 1".format(  # noqa: S608 - names from the model
            qn(meta.pk.column),
            qn(meta.db_table),
            " AND ".join(f"{qn(f.column)} = %s" for f in self.fields),
        )

    def __call__(self, *values) -> int | None:
        connection = self.connection()
        params = [
            f.get_db_prep_value(value, connection, prepared=False)
            for f, value in zip(self.fields, values, strict=True)
        ]
        row, _count = self.run(connection, params)
        return row[0] if row else None
