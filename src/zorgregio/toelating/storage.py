"""Files of the admission procedure: uploaded evidence, procedure documents and the PDFs
zorgregio writes (receipts, Nota's, decision letters).

Every file is stored encrypted at rest with the message archive's writer
(:mod:`zorgregio.berichten.archive`: AES-256-GCM in chunks, a key per file) under
``ZORGREGIO_UPLOAD_DIR/toelating/``, named by a random key. Uploads are checked for size and
type before anything is written: the extension must be allowed and the content must start as
that type does, so a renamed executable is refused.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from zorgregio.berichten.archive import open_stored, writer

CHUNK = 1024 * 1024

# extension -> (content type, first bytes, a folder an Office zip must contain)
TYPES = {
    "pdf": ("application/pdf", b"%PDF-", None),
    "png": ("image/png", b"\x89PNG\r\n\x1a\n", None),
    "jpg": ("image/jpeg", b"\xff\xd8\xff", None),
    "jpeg": ("image/jpeg", b"\xff\xd8\xff", None),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        b"PK\x03\x04",
        "word/",
    ),
    "xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        b"PK\x03\x04",
        "xl/",
    ),
}
EVIDENCE_TYPES = ("pdf", "png", "jpg", "jpeg")
DOCUMENT_TYPES = ("pdf", "docx", "xlsx")


@dataclass(frozen=True)
class Stored:
    key: str
    size: int
    sha256: str


def _root() -> Path:
    root = Path(settings.MEDIA_ROOT) / "toelating"
    root.mkdir(parents=True, exist_ok=True)
    return root


def _path(key: str) -> Path:
    if not key or not key.isalnum():
        raise ValueError(key)
    return _root() / key[:2] / key


def _megabytes(size: int) -> str:
    return f"{size / 1024**2:.1f}".replace(".", ",")


def check_upload(upload, allowed: tuple[str, ...]) -> str:
    """The content type of ``upload`` (a Django UploadedFile), or a Dutch ValidationError on
    an empty, too large or wrongly typed file. Reads only the start of the file."""
    name = upload.name or ""
    limit = settings.ZORGREGIO_TOELATING_MAX_UPLOAD_BYTES
    if not upload.size:
        raise ValidationError({"file": _("The file %(name)s is empty.") % {"name": name}})
    if upload.size > limit:
        raise ValidationError(
            {
                "file": _("The file %(name)s is %(size)s MB; at most %(max)s MB is accepted.")
                % {"name": name, "size": _megabytes(upload.size), "max": _megabytes(limit)}
            }
        )
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in allowed:
        raise ValidationError(
            {
                "file": _(
                    "Files of type '%(type)s' are not accepted (%(name)s); accepted: %(allowed)s."
                )
                % {
                    "type": extension or _("without extension"),
                    "name": name,
                    "allowed": ", ".join(sorted({a.upper() for a in allowed})),
                }
            }
        )
    content_type, magic, folder = TYPES[extension]
    upload.seek(0)
    head = upload.read(len(magic))
    upload.seek(0)
    valid = head == magic
    if valid and folder:
        try:
            with zipfile.ZipFile(upload) as archive:
                valid = any(n.startswith(folder) for n in archive.namelist())
        except zipfile.BadZipFile:
            valid = False
        upload.seek(0)
    if not valid:
        raise ValidationError(
            {
                "file": _("The content of %(name)s is not a %(type)s file.")
                % {"name": name, "type": extension.upper()}
            }
        )
    return content_type


def store(chunks) -> Stored:
    """Write an iterable of byte chunks encrypted; return its key, size and checksum."""
    key = secrets.token_hex(16)
    path = _path(key)
    path.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    try:
        with writer(open(path, "wb")) as out:  # noqa: SIM115 - closed by the writer
            for chunk in chunks:
                digest.update(chunk)
                size += len(chunk)
                out.write(chunk)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return Stored(key=key, size=size, sha256=digest.hexdigest())


def store_upload(upload) -> Stored:
    upload.seek(0)
    return store(upload.chunks(CHUNK))


def store_bytes(data: bytes) -> Stored:
    return store([data])


@contextlib.contextmanager
def saving(content) -> Iterator[Stored]:
    """Store ``content`` (an upload or bytes) for the rows written in the block; when the
    block fails the file is removed again, so no file is left that no row refers to."""
    stored = store_bytes(content) if isinstance(content, bytes) else store_upload(content)
    try:
        yield stored
    except BaseException:
        delete(stored.key)
        raise


class _Reader:
    """A stored file's plain content for streaming: ``read`` and ``close`` only, so a
    response streams it from the start instead of seeking in the encrypted chunks."""

    def __init__(self, handle):
        self._handle = handle

    def read(self, size: int = -1) -> bytes:
        return self._handle.read(size)

    def close(self) -> None:
        self._handle.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def open_file(key: str) -> _Reader:
    """The plain content of a stored file as a binary file object (the caller closes it)."""
    return _Reader(open_stored(_path(key)))


def read_bytes(key: str) -> bytes:
    with open_file(key) as handle:
        return handle.read()


def delete(key: str) -> None:
    """Remove a stored file that no row refers to (after a failed write)."""
    if key:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(_path(key))
