"""The one audit logger: every change, decision and view of client data goes through here."""

from __future__ import annotations

import contextlib
import datetime as dt
import decimal
import getpass
import os
import socket
import threading
from collections.abc import Iterable
from functools import lru_cache

from django.contrib.contenttypes.models import ContentType
from django.db import models

from zorgregio.common.rows import Insert

from .models import AuditAction, AuditEvent


def _jsonable(value):
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    return value


def snapshot(obj: models.Model, fields: Iterable[str] | None = None) -> dict:
    """The concrete field values of ``obj`` as JSON-safe data (foreign keys by id)."""
    skip = {"created_at", "updated_at"}
    names = fields or [f.attname for f in obj._meta.concrete_fields if f.attname not in skip]
    return {name: _jsonable(getattr(obj, name)) for name in names}


@lru_cache(maxsize=1)
def system_actor_name() -> str:
    """Who acts when no user does (the command line, the worker without an uploader): the
    operating-system user and host, e.g. ``systeem (beheer@zorgregio-app-1)``."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no entry for this uid (a container)
        user = f"uid {os.getuid()}" if hasattr(os, "getuid") else "?"
    return f"systeem ({user}@{socket.gethostname()})"[:150]


_deferred = threading.local()
_insert_events = Insert(AuditEvent, returning=False)  # a statement built once (issue 15)


@contextlib.contextmanager
def deferred_audit():
    """Within the block, :func:`audit_log` collects its events and they are written as one bulk
    insert when the block ends without an error. Use it inside the caller's transaction (the
    events are then exactly as durable as the work they record: an error rolls both back).
    An event's time is that of the insert. Nested blocks write once, at the outer end."""
    if getattr(_deferred, "events", None) is not None:
        yield
        return
    _deferred.events = []
    try:
        yield
        _insert_events.many(_deferred.events)
    finally:
        _deferred.events = None


def audit_log(
    *,
    actor,
    action: AuditAction | str,
    obj: models.Model | None = None,
    message: str = "",
    before: dict | None = None,
    after: dict | None = None,
) -> AuditEvent:
    user = actor if getattr(actor, "is_authenticated", False) else None
    event = AuditEvent(
        actor=user,
        actor_name=getattr(user, "username", "") or system_actor_name(),
        action=action,
        content_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:255] if obj is not None else "",
        message=message,
        before=before,
        after=after,
    )
    pending = getattr(_deferred, "events", None)
    if pending is not None:
        pending.append(event)
    else:
        event.save(force_insert=True)
    return event
