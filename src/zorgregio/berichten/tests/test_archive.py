"""The raw archive is encrypted at rest: no BSN on disk, every damage noticed, content intact."""

import io
import os

import pytest
from cryptography.fernet import Fernet

from zorgregio.berichten import archive
from zorgregio.berichten.models import FileStatus, MessageFile
from zorgregio.berichten.services import ingest_paths, process_file
from zorgregio.berichten.tests import builders as B
from zorgregio.zorg.models import Toewijzing

from .conftest import AGB, BSN

C = archive.CHUNK


def seal(plain: bytes) -> bytes:
    out = io.BytesIO()
    out.close = lambda: None  # keep the buffer readable after the writer closes it
    with archive.EncryptingWriter(out) as writer:
        # in uneven pieces, as a copy loop hands them over
        for start in range(0, len(plain), 300_001):
            writer.write(plain[start : start + 300_001])
    return out.getvalue()


def unseal(sealed: bytes, read_size: int = -1) -> bytes:
    reader = archive.DecryptingReader(io.BytesIO(sealed))
    if read_size < 0:
        return reader.read()
    parts = []
    while part := reader.read(read_size):
        parts.append(part)
    return b"".join(parts)


@pytest.mark.parametrize("size", [0, 1, C - 1, C, C + 1, 2 * C, 2 * C + 7])
def test_round_trip_at_every_chunk_boundary(size):
    plain = os.urandom(size)
    sealed = seal(plain)
    assert unseal(sealed) == plain
    assert unseal(sealed, read_size=32_768) == plain
    # Chunk framing: the header, then one tag of 16 bytes per chunk, including a last chunk
    # that is short (empty when the content ends on a boundary).
    assert len(sealed) == archive.HEADER + size + 16 * (size // C + 1)


@pytest.mark.parametrize(
    ("size", "first"), [(0, 0), (500, 100), (500, 500), (C + 10, 100), (C + 10, C + 5)]
)
def test_tell_counts_plain_bytes_and_seek_to_start_reads_again(size, first):
    """A sniffed head, then the whole file: within the first chunk (kept decrypted) and
    beyond it (read and decrypted again)."""
    plain = os.urandom(size)
    reader = archive.DecryptingReader(io.BytesIO(seal(plain)))
    assert reader.read(first) == plain[:first]
    assert reader.tell() == first
    reader.seek(0)
    assert reader.tell() == 0
    assert reader.read() == plain
    assert reader.tell() == len(plain)
    reader.seek(0)
    assert reader.read(7) == plain[:7]
    with pytest.raises(OSError):
        reader.seek(5)


def test_a_changed_byte_is_noticed():
    sealed = bytearray(seal(os.urandom(C + 500)))
    sealed[archive.HEADER + C + 20] ^= 1  # in the second chunk
    reader = archive.DecryptingReader(io.BytesIO(bytes(sealed)))
    assert len(reader.read(C)) == C  # the first chunk is intact
    with pytest.raises(archive.ArchiveError, match="beschadigd"):
        reader.read()


@pytest.mark.parametrize("cut", ["at a chunk boundary", "inside a chunk", "last chunk dropped"])
def test_a_cut_off_file_is_noticed(cut):
    plain = os.urandom(2 * C + 100)
    sealed = seal(plain)
    full = archive.HEADER + C + 16
    end = {
        "at a chunk boundary": full,
        "inside a chunk": full + 1000,
        "last chunk dropped": archive.HEADER + 2 * (C + 16),
    }[cut]
    with pytest.raises(archive.ArchiveError):
        unseal(sealed[:end])


def test_chunks_cannot_be_swapped():
    plain = os.urandom(3 * C)
    sealed = seal(plain)
    h, n = archive.HEADER, C + 16
    swapped = sealed[:h] + sealed[h + n : h + 2 * n] + sealed[h : h + n] + sealed[h + 2 * n :]
    with pytest.raises(archive.ArchiveError):
        unseal(swapped)


def test_another_key_cannot_read_it(settings):
    sealed = seal(b"<Bericht>123456782</Bericht>")
    settings.ZORGREGIO_ENCRYPTION_KEY = Fernet.generate_key().decode()
    with pytest.raises(archive.ArchiveError, match="andere sleutel"):
        unseal(sealed)


def test_each_file_has_its_own_key():
    plain = b"<Bericht>123456782</Bericht>" * 10
    assert seal(plain)[archive.HEADER :] != seal(plain)[archive.HEADER :]


@pytest.mark.django_db
def test_a_received_file_is_stored_without_the_bsn_and_processed(tmp_path, jeugd, apeldoorn):
    data = B.msg_301("ijw", "0200", AGB, BSN, [B.Assigned("1001")])
    assert BSN.encode() in data
    source = tmp_path / "301.xml"
    source.write_bytes(data)
    [result] = ingest_paths([source])
    assert result.status == FileStatus.PROCESSED, result.reasons
    assert Toewijzing.objects.filter(toewijzingnummer="1001").exists()
    stored = open(result.message_file.stored_path, "rb").read()  # noqa: SIM115
    assert stored.startswith(archive.MAGIC)
    assert BSN.encode() not in stored
    assert b"Bericht" not in stored
    with archive.open_stored(result.message_file.stored_path) as fh:
        assert fh.read() == data
    # The checksum is that of the content as received: the same file again is a duplicate.
    [again] = ingest_paths([source])
    assert again.duplicate
    assert MessageFile.objects.count() == 1


@pytest.mark.django_db
def test_a_damaged_stored_file_is_refused_with_the_reason_and_nothing_applied(
    tmp_path, jeugd, apeldoorn
):
    """A file received but not yet processed (the worker stopped) whose stored copy was
    damaged meanwhile: processing it later refuses it, in Dutch, and applies nothing."""
    data = B.msg_301("ijw", "0200", AGB, BSN, [B.Assigned("1001")])
    stored = tmp_path / "stored.xml"
    stored.write_bytes(seal(data)[:-1])
    received = MessageFile.objects.create(
        sha256="0" * 64, name="301.xml", size=len(data), stored_path=str(stored),
        status=FileStatus.RECEIVED,
    )  # fmt: skip
    result = process_file(received)
    assert result.status == FileStatus.REJECTED
    assert result.reasons == [
        "Het opgeslagen bestand is beschadigd of met een andere sleutel versleuteld."
    ]
    assert not Toewijzing.objects.exists()


@pytest.mark.django_db
def test_files_stored_before_encryption_or_with_it_off_are_read_as_they_are(
    tmp_path, settings, jeugd, apeldoorn
):
    settings.ZORGREGIO_ENCRYPT_ARCHIVE = False
    data = B.msg_301("ijw", "0200", AGB, BSN, [B.Assigned("1001")])
    source = tmp_path / "301.xml"
    source.write_bytes(data)
    [result] = ingest_paths([source])
    assert result.status == FileStatus.PROCESSED, result.reasons
    assert open(result.message_file.stored_path, "rb").read() == data  # noqa: SIM115
    assert Toewijzing.objects.filter(toewijzingnummer="1001").exists()
