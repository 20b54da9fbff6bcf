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


def test_values_passed_as_they_are_only_where_the_field_would_not_convert_them():
    """A str for a text field goes to the database as it is; a lazy translation, a choices
    enum or a number in a text field are converted as ``save()`` converts them."""
    from django.utils.translation import gettext_lazy

    from zorgregio.accounts.models import User
    from zorgregio.common.rows import _as_is

    pk = Insert(MessageFile)(
        sha256="f" * 64, name=gettext_lazy("Bericht"), size=3, stored_path=12,
        status=FileStatus.REJECTED,
    )  # fmt: skip
    stored = MessageFile.objects.values("name", "stored_path", "status", "size").get(pk=pk)
    assert stored == {"name": "Bericht", "stored_path": "12", "status": "afgekeurd", "size": 3}
    assert type(stored["status"]) is str
    email = User._meta.get_field("email")  # a subclass of CharField: always converted
    assert _as_is(email, "sqlite") == ()
    assert _as_is(MessageFile._meta.get_field("name"), "postgresql") == (str, type(None))
    assert _as_is(MessageFile._meta.get_field("size"), "postgresql") == (type(None),)
