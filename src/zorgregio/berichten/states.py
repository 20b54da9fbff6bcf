"""State classes of the message archive: a received file and an upload's import batch.

As everywhere (:class:`zorgregio.contracten.states.StateMachine`), they know the allowed
``(before, after)`` pairs and check them without touching the database; the services ask them
first. A transition that is not allowed is a fault in the code, not in the input.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from zorgregio.contracten.states import StateMachine

from .models import BatchStatus, FileStatus


class MessageFileStates(StateMachine):
    """ontvangen -> in behandeling -> verwerkt | afgekeurd; a refused file is processed again
    when it is offered again or retried (afgekeurd -> in behandeling). A processed file is
    final: the same file again is a duplicate."""

    TRANSITIONS = {
        FileStatus.RECEIVED: frozenset({FileStatus.PROCESSING}),
        FileStatus.REJECTED: frozenset({FileStatus.PROCESSING}),
        FileStatus.PROCESSING: frozenset({FileStatus.PROCESSED, FileStatus.REJECTED}),
    }
    LABELS = FileStatus
    subject = _("A message file")


class ImportBatchStates(StateMachine):
    """wachtrij -> bezig -> klaar | mislukt (a batch runs once; a failed one is uploaded again)."""

    TRANSITIONS = {
        BatchStatus.QUEUED: frozenset({BatchStatus.RUNNING}),
        BatchStatus.RUNNING: frozenset({BatchStatus.DONE, BatchStatus.FAILED}),
    }
    LABELS = BatchStatus
    subject = _("An import batch")
