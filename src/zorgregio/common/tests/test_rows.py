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


@pytest.mark.parametrize("debug", [False, True], ids=["driver cursor", "django cursor"])
def test_a_failing_statement_raises_djangos_error_and_a_broken_transaction_is_refused(
    settings, debug
):
    """Without DEBUG the statements run on the driver's cursor: its errors still arrive as
    Django's (the import catches those), and a transaction an error broke still refuses
    further statements, as through Django's cursor."""
    from django.db import IntegrityError, transaction
    from django.db.transaction import TransactionManagementError

    settings.DEBUG = debug
    insert = Insert(MessageFile)
    insert(sha256="9" * 64, name="one.xml", size=1, stored_path="/9")
    with transaction.atomic():
        with pytest.raises(IntegrityError), transaction.atomic(savepoint=False):
            insert(sha256="9" * 64, name="two.xml", size=1, stored_path="/9")  # the checksum
        with pytest.raises(TransactionManagementError):  # the transaction must roll back
            insert(sha256="8" * 64, name="three.xml", size=1, stored_path="/8")
        transaction.set_rollback(True)
    assert list(MessageFile.objects.values_list("name", flat=True)) == ["one.xml"]


def test_the_statements_still_pass_an_execute_wrapper():
    """A wrapper installed (a test counting statements, the line writer waiting for its
    thread) sees every statement: they go through Django's cursor then."""
    seen = []

    def wrapper(execute, sql, params, many, context):
        seen.append(sql.split()[0])
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        pk = Insert(MessageFile)(sha256="7" * 64, name="w.xml", size=1, stored_path="/7")
        First(MessageFile, ["sha256"])("7" * 64)
        Update(MessageFile, ["name"])(MessageFile(pk=pk, name="v.xml"))
    assert seen == ["INSERT", "SELECT", "UPDATE"]
    assert MessageFile.objects.get(pk=pk).name == "v.xml"


def test_many_stores_the_rows_bulk_create_would_store():
    from zorgregio.audit.models import AuditAction, AuditEvent

    def events(marker: str) -> list:
        return [
            AuditEvent(
                actor_name=marker,
                action=AuditAction.IMPORT,
                object_id=str(n),
                message=f"WMO301 {n}",
                after={"n": n},
            )  # fmt: skip
            for n in range(3)
        ]

    Insert(AuditEvent, returning=False).many(events("many"))
    AuditEvent.objects.bulk_create(events("bulk"))
    Insert(AuditEvent, returning=False).many([])  # nothing to write: no statement

    def stored(marker: str) -> list:
        rows = AuditEvent.objects.filter(actor_name=marker).order_by("object_id")
        return [(e.action, e.object_id, e.message, e.after, e.actor_id) for e in rows]

    assert stored("many") == stored("bulk") and len(stored("many")) == 3
    assert not AuditEvent.objects.filter(actor_name="many", timestamp=None).exists()
