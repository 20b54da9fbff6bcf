"""Background work: an upload is processed by the task worker, with progress on its batch.

The upload screen has already stored every file of the upload in the (encrypted) archive; the
worker processes them in order. The batch's results are written as the files are done, so the
page tells the truth whatever happens afterwards: a file that was applied is shown as applied
even when a later step (the monitor's refresh) or the worker itself fails.
"""

import logging

from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from .models import BatchStatus, ImportBatch
from .states import ImportBatchStates

log = logging.getLogger(__name__)


@task()
def run_import(batch_id: int) -> None:
    from zorgregio.zorg.index import ApplyContext

    from .models import FileStatus, MessageFile
    from .services import IngestResult, after_import, in_batches, process_file

    claimed = ImportBatch.objects.filter(
        pk=batch_id, status__in=ImportBatchStates.before(BatchStatus.RUNNING)
    ).update(status=BatchStatus.RUNNING)
    if not claimed:
        return
    batch = ImportBatch.objects.get(pk=batch_id)
    items = batch.items
    results: list = []
    last = {"at": 0.0}

    def save(done, name="", force=False):
        now = timezone.now().timestamp()
        if not force and now - last["at"] < 0.5:
            return
        last["at"] = now
        ImportBatch.objects.filter(pk=batch_id).update(
            done=done, total_files=len(items), current_name=name[:255],
            results=[r.as_dict() for r in results],
        )  # fmt: skip

    ctx = ApplyContext()
    actor = batch.created_by
    files = {
        f.pk: f
        for f in MessageFile.objects.filter(pk__in=[i["file_id"] for i in items if i["file_id"]])
    }

    def work(index: int):
        item = items[index]
        save(index, item["name"])
        message_file = files.get(item["file_id"]) if item["file_id"] else None
        if message_file is None:
            refusal = item.get("refusal") or _("The file could not be read.")
            return IngestResult(item["name"], FileStatus.REJECTED, [refusal])

        def fraction(read_bytes, index=index, item=item, size=message_file.size):
            if size:
                save(index + min(read_bytes / size, 0.99), item["name"])

        return process_file(
            message_file, actor=actor, ctx=ctx, on_bytes=fraction, name=item["name"]
        )

    def size_of(index: int):
        found = files.get(items[index]["file_id"])
        return found.size if found else 0

    try:
        results += in_batches(len(items), work, size_of=size_of, ctx=ctx)
        save(len(items), force=True)
        after_import(results)
        ImportBatch.objects.filter(pk=batch_id).update(
            status=BatchStatus.DONE,
            results=[r.as_dict() for r in results],
            done=len(results),
            total_files=len(items),
            current_name="",
            finished_at=timezone.now(),
        )
    except Exception:
        log.exception("Import batch %s failed", batch_id)
        rows = [r.as_dict() for r in results]
        rows += [
            {"name": item["name"], "status": FileStatus.RECEIVED, "duplicate": False,
             "file_id": None, "reasons": [_("Not processed: the import stopped before this file; "
                                           "upload it again.")]}
            for item in items[len(results):]
        ]  # fmt: skip
        ImportBatch.objects.filter(pk=batch_id).update(
            status=BatchStatus.FAILED,
            results=rows,
            done=len(results),
            current_name="",
            finished_at=timezone.now(),
        )
        raise
