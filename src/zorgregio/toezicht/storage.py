"""Case documents stored encrypted at rest.

A case document (a verbeterplan, a report of a conversation, evidence of a recovery) can hold
client details, so it is written with the message archive's writer
(:mod:`zorgregio.berichten.archive`: AES-256-GCM in chunks, a key per file) and read back
through it. Files written before this storage existed are plain and still read (the archive
reader tells them apart by their first bytes).
"""

from __future__ import annotations

from pathlib import Path

from django.core.files import File
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible

from zorgregio.berichten.archive import open_stored, writer


class _Plain:
    """The plain content for streaming: ``read`` and ``close`` only, so a response streams it
    from the start and never takes the encrypted file's size for the content's."""

    def __init__(self, handle):
        self._handle = handle

    def read(self, size: int = -1) -> bytes:
        return self._handle.read(size)

    def close(self) -> None:
        self._handle.close()


@deconstructible
class EncryptedStorage(FileSystemStorage):
    """The upload folder, with every file encrypted on the way in and decrypted on the way
    out."""

    def _save(self, name, content):
        path = Path(self.path(name))
        path.parent.mkdir(parents=True, exist_ok=True)
        with writer(open(path, "xb")) as out:  # noqa: SIM115 - closed by the writer
            for chunk in content.chunks():
                out.write(chunk)
        return name

    def _open(self, name, mode="rb"):
        return File(_Plain(open_stored(Path(self.path(name)))), name=Path(name).name)


encrypted_storage = EncryptedStorage()
