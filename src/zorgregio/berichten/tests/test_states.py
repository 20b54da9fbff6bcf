"""The lifecycles of a message file, an import batch and a declaration (state classes)."""

import pytest
from django.core.exceptions import ValidationError

from zorgregio.berichten.models import BatchStatus, FileStatus
from zorgregio.berichten.states import ImportBatchStates, MessageFileStates
from zorgregio.zorg.models import DeclaratieStatus
from zorgregio.zorg.states import DeclaratieStates


def test_a_file_is_claimed_from_received_or_refused_and_a_processed_file_is_final():
    assert sorted(MessageFileStates.before(FileStatus.PROCESSING)) == sorted(
        [FileStatus.RECEIVED, FileStatus.REJECTED]
    )
    assert MessageFileStates.can(FileStatus.PROCESSING, FileStatus.PROCESSED)
    assert MessageFileStates.can(FileStatus.PROCESSING, FileStatus.REJECTED)
    assert not MessageFileStates.can(FileStatus.PROCESSED, FileStatus.PROCESSING)
    with pytest.raises(ValidationError):
        MessageFileStates.check(FileStatus.RECEIVED, FileStatus.PROCESSED)


def test_a_batch_runs_once():
    assert ImportBatchStates.before(BatchStatus.RUNNING) == [BatchStatus.QUEUED]
    assert not ImportBatchStates.can(BatchStatus.DONE, BatchStatus.RUNNING)
    assert not ImportBatchStates.can(BatchStatus.FAILED, BatchStatus.RUNNING)


def test_a_declaration_is_processed_once():
    assert DeclaratieStates.can(DeclaratieStatus.RECEIVED, DeclaratieStatus.PROCESSED)
    assert not DeclaratieStates.can(DeclaratieStatus.PROCESSED, DeclaratieStatus.RECEIVED)
    assert not DeclaratieStates.can(DeclaratieStatus.REJECTED, DeclaratieStatus.PROCESSED)
