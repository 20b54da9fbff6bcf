"""The import's prepared single-row writes store what the ORM would store."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from zorgregio.berichten.models import FileStatus, MessageFile
from zorgregio.common.rows import First, Insert, Update

pytestmark = pytest.mark.django_db


def _fields(obj) -> dict:
    return {
        f.attname: getattr(obj, f.attname)
        for f in MessageFile._meta.concrete_fields
        if f.attname not in ("id", "sha256", "received_at")
    }


def test_insert_stores_the_row_the_orm_would_store_defaults_included():
    when = dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.UTC)
    made = Insert(MessageFile, conflict="sha256").create(
        sha256="a" * 64, name="x.xml", size=10, stored_path="/p", received_at=when,
        status=FileStatus.PROCESSING,
    )  # fmt: skip
    orm = MessageFile.objects.create(
        sha256="b" * 64, name="x.xml", size=10, stored_path="/p", status=FileStatus.PROCESSING
    )
    stored = MessageFile.objects.get(pk=made.pk)
    assert _fields(stored) == _fields(MessageFile.objects.get(pk=orm.pk))
    assert stored.received_at == when and stored.errors == [] and stored.verdict == {}
    assert _fields(made) == _fields(stored)  # the instance returned is what is stored
    made.name = "changed"
    made.save()  # a normal instance: saving it updates, it does not insert a second row
    assert MessageFile.objects.filter(sha256="a" * 64).get().name == "changed"


def test_insert_on_conflict_inserts_nothing_and_raises_nothing():
    insert = Insert(MessageFile, conflict="sha256")
    first = insert(sha256="c" * 64, name="one.xml", size=1, stored_path="/1")
    assert first is not None
    with CaptureQueriesContext(connection) as queries:
        assert insert(sha256="c" * 64, name="two.xml", size=2, stored_path="/2") is None
    assert len(queries) == 1  # no savepoint needed: the statement itself does not fail
    assert list(MessageFile.objects.values_list("name", flat=True)) == ["one.xml"]
    assert First(MessageFile, ["sha256"])("c" * 64) == first
    assert First(MessageFile, ["sha256"])("d" * 64) is None


def test_update_writes_the_named_fields_only_json_included():
    pk = Insert(MessageFile)(sha256="e" * 64, name="keep.xml", size=1, stored_path="/e")
    obj = MessageFile.objects.get(pk=pk)
    obj.errors, obj.status, obj.item_count = ["Regel 3: fout"], FileStatus.REJECTED, 7
    obj.name = "not written"
    assert Update(MessageFile, ["errors", "status", "item_count"])(obj) == 1
    stored = MessageFile.objects.get(pk=pk)
    assert (stored.errors, stored.status, stored.item_count, stored.name) == (
        ["Regel 3: fout"], FileStatus.REJECTED, 7, "keep.xml",
    )  # fmt: skip
