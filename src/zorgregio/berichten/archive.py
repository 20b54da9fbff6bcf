"""The raw message archive, encrypted at rest.

Message files carry BSNs in plain text, so the archive never stores them as they came: each
file is written as a sequence of AES-256-GCM chunks (the STREAM construction: the chunk number
and a last-chunk flag are authenticated, so chunks cannot be reordered, dropped or cut off
unnoticed). The key of each file is derived with HKDF from ``ZORGREGIO_ENCRYPTION_KEY`` and a
random salt stored at the start of the file; the nonce is the chunk number. Reading and writing
stream in chunks of 1 MiB, so memory stays flat whatever the file size.

Layout: ``ZRA1`` | salt (16 bytes) | chunks of at most 1 MiB + 16 bytes tag. Every chunk but the
last holds exactly 1 MiB; the last holds less (possibly nothing), so a file cut at a chunk
boundary is noticed. Files without the ``ZRA1`` prefix (stored before encryption) are read as
they are.
"""

from __future__ import annotations

import base64
import os
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.utils.translation import gettext as _

MAGIC = b"ZRA1"
SALT_BYTES = 16
CHUNK = 1024 * 1024
TAG = 16
HEADER = len(MAGIC) + SALT_BYTES


class ArchiveError(Exception):
    """A stored file that cannot be decrypted: damaged, cut off or another key."""


def _key(salt: bytes) -> AESGCM:
    master = base64.urlsafe_b64decode(settings.ZORGREGIO_ENCRYPTION_KEY)
    key = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=salt, info=b"zorgregio message archive v1"
    ).derive(master)
    return AESGCM(key)


def _nonce_and_aad(index: int, last: bool) -> tuple[bytes, bytes]:
    return index.to_bytes(12, "big"), index.to_bytes(8, "big") + (b"\x01" if last else b"\x00")


class EncryptingWriter:
    """A binary file object that encrypts what is written into ``raw`` (closed by close())."""

    def __init__(self, raw):
        self.raw = raw
        salt = os.urandom(SALT_BYTES)
        self.aead = _key(salt)
        self.raw.write(MAGIC + salt)
        self.buffer = bytearray()
        self.index = 0

    def write(self, data: bytes) -> int:
        if not self.buffer and len(data) == CHUNK:  # the copy loop's usual case: no copying
            self._emit(data, last=False)
            return CHUNK
        self.buffer += data
        if len(self.buffer) >= CHUNK:
            view = memoryview(self.buffer)
            start = 0
            while len(self.buffer) - start >= CHUNK:
                self._emit(view[start : start + CHUNK], last=False)
                start += CHUNK
            view.release()
            del self.buffer[:start]
        return len(data)

    def _emit(self, plain: bytes, *, last: bool) -> None:
        nonce, aad = _nonce_and_aad(self.index, last)
        self.raw.write(self.aead.encrypt(nonce, plain, aad))
        self.index += 1

    def close(self) -> None:
        if self.raw.closed:
            return
        try:
            self._emit(bytes(self.buffer), last=True)
            self.buffer.clear()
        finally:
            self.raw.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class DecryptingReader:
    """A binary file object reading the plain content of an encrypted archive file.

    ``read``, ``tell`` (plain bytes read so far), ``seek(0)`` and ``close``: what the parsers
    use. Raises :class:`ArchiveError` when a chunk does not authenticate or the end is missing.
    """

    def __init__(self, raw):
        self.raw = raw
        self._start()

    def _start(self) -> None:
        self.raw.seek(0)
        head = self.raw.read(HEADER)
        if len(head) < HEADER or not head.startswith(MAGIC):
            raise ArchiveError(_("The stored file is not an archive file of this installation."))
        self.aead = _key(head[len(MAGIC) :])
        self.index = 0
        self.position = 0
        self.plain = b""
        self.offset = 0
        self.finished = False

    def _next_chunk(self) -> bool:
        if self.finished:
            return False
        sealed = self.raw.read(CHUNK + TAG)
        last = len(sealed) < CHUNK + TAG
        if not sealed:
            raise ArchiveError(_("The stored file is incomplete (cut off)."))
        nonce, aad = _nonce_and_aad(self.index, last)
        try:
            self.plain = self.aead.decrypt(nonce, sealed, aad)
        except InvalidTag as exc:
            raise ArchiveError(
                _("The stored file is damaged or was encrypted with another key.")
            ) from exc
        self.offset = 0
        self.index += 1
        self.finished = last
        return True

    def read(self, size: int = -1) -> bytes:
        parts = []
        wanted = size if size is not None and size >= 0 else None
        while wanted is None or wanted > 0:
            if self.offset >= len(self.plain) and not self._next_chunk():
                break
            end = len(self.plain) if wanted is None else min(len(self.plain), self.offset + wanted)
            part = self.plain[self.offset : end]
            self.offset = end
            parts.append(part)
            if wanted is not None:
                wanted -= len(part)
        data = b"".join(parts)
        self.position += len(data)
        return data

    def tell(self) -> int:
        return self.position

    def seek(self, offset: int, whence: int = 0) -> int:
        if offset != 0 or whence != 0:
            raise OSError("An archive file can only be read from its start again.")
        if self.index == 1:  # still in the first chunk (a sniffed head): it is kept decrypted
            self.offset = self.position = 0
        else:
            self._start()
        return 0

    def close(self) -> None:
        self.raw.close()

    @property
    def closed(self) -> bool:
        return self.raw.closed

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def open_stored(path: Path):
    """The plain content of a stored file as a binary file object (encrypted or, from before
    encryption, plain)."""
    raw = open(path, "rb")  # noqa: SIM115 - handed to the caller, who closes it
    try:
        if raw.read(len(MAGIC)) == MAGIC:
            return DecryptingReader(raw)
        raw.seek(0)
        return raw
    except BaseException:
        raw.close()
        raise


def writer(raw):
    """Wrap ``raw`` (a binary file opened for writing) so what is written is stored encrypted,
    unless ``ZORGREGIO_ENCRYPT_ARCHIVE`` is off."""
    if settings.ZORGREGIO_ENCRYPT_ARCHIVE:
        return EncryptingWriter(raw)
    return raw
