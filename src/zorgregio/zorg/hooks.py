"""What others learn when the care data change.

The care model does not know who builds on it. An app that keeps figures derived from it (the
monitor, supervision signals) registers a callback with :func:`on_care_data_changed` in its
``AppConfig.ready``; whoever changes care data records the changed months with
:func:`note_changes` inside its own transaction (so the note is as durable as the change: a
process that dies after committing leaves the note for the next run) and calls
:func:`care_data_changed` after the commit. A callback drains the notes it has handled.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable

from django.utils.translation import gettext as _

log = logging.getLogger(__name__)

_callbacks: list[tuple[str, Callable[[], object]]] = []


def on_care_data_changed(name: str, callback: Callable[[], object]) -> None:
    """Register ``callback`` (no arguments) under ``name``; registering a name twice keeps one."""
    for index, (known, _callback) in enumerate(_callbacks):
        if known == name:
            _callbacks[index] = (name, callback)
            return
    _callbacks.append((name, callback))


def note_changes(months: Iterable[dt.date | None]) -> None:
    """Record that care data of these months changed (``None``: data without a month, such as
    toewijzingen). Call inside the transaction that made the change."""
    from .models import CareChange

    wanted = {m.replace(day=1) if m is not None else None for m in months}
    if wanted:
        CareChange.objects.bulk_create([CareChange(month=m) for m in wanted])


def pending_changes() -> bool:
    from .models import CareChange

    return CareChange.objects.exists()


def care_data_changed() -> list[str]:
    """Run every registered callback; a failing one does not stop the others. Returns the Dutch
    problems to report (the notes of a failed callback stay, so the next run retries)."""
    problems = []
    for name, callback in list(_callbacks):
        try:
            callback()
        except Exception:  # noqa: BLE001 - reported and retried; never undoes the import
            log.exception("Updating %s after a change of care data failed", name)
            problems.append(
                _(
                    "The data were stored, but updating %(name)s afterwards failed; it is "
                    "retried after the next import or with `zorgregio refresh-monitor`."
                )
                % {"name": name}
            )
    return problems
