"""Background work: an upload is ingested by the task worker, with progress on its batch."""

import shutil
from pathlib import Path

from django.utils import timezone
from django_tasks import task

from .models import BatchStatus, ImportBatch


@task()
def run_import(batch_id: int) -> None:
    from .services import ingest_paths

    batch = ImportBatch.objects.get(pk=batch_id)
    if batch.status != BatchStatus.QUEUED:
        return
    claimed = ImportBatch.objects.filter(pk=batch_id, status=BatchStatus.QUEUED).update(
        status=BatchStatus.RUNNING
    )
    if not claimed:
        return
    folder = Path(batch.upload_dir)
    last = {"at": 0.0}

    def progress(done, total, name):
        now = timezone.now().timestamp()
        if done < total and now - last["at"] < 0.5:
            return
        last["at"] = now
        ImportBatch.objects.filter(pk=batch_id).update(
            done=done, total_files=total, current_name=name[:255]
        )

    try:
        results = ingest_paths(
            sorted(folder.iterdir()), actor=batch.created_by, on_progress=progress
        )
        ImportBatch.objects.filter(pk=batch_id).update(
            status=BatchStatus.DONE,
            results=[r.as_dict() for r in results],
            done=len(results),
            total_files=len(results),
            current_name="",
            finished_at=timezone.now(),
        )
    except Exception:
        ImportBatch.objects.filter(pk=batch_id).update(
            status=BatchStatus.FAILED, finished_at=timezone.now()
        )
        raise
    finally:
        shutil.rmtree(folder, ignore_errors=True)
