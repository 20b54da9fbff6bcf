"""Issue 11: mutated messages, CSV files and zip archives through the import. Whatever the
mutation, the import does not crash, every refusal has a reason in Dutch, and a refused file
changes nothing of the care data (nothing half applied).

The examples are derandomised, so a run in CI is the run on a laptop; a failing example is
printed by Hypothesis as the smallest mutation that still fails."""

from __future__ import annotations

import io
import itertools
import os
import re
import zipfile

import pytest
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zorgregio.berichten.csv_import import ingest_csv
from zorgregio.berichten.models import FileStatus
from zorgregio.berichten.services import ingest_file, ingest_paths
from zorgregio.berichten.tests import builders as B
from zorgregio.zorg.models import Client, Declaratie, DeclaratieRegel, Levering, Toewijzing

from .conftest import AGB, BSN, BSN2

pytestmark = [pytest.mark.django_db, pytest.mark.debug_once]

FUZZ = settings(
    max_examples=int(os.environ.get("ZORGREGIO_FUZZ_EXAMPLES", "40")),
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Words of the English messages of lxml, xmlschema, the csv module and Python's exceptions: none
# of them may reach a user inside a Dutch reason.
ENGLISH = re.compile(
    r"\b(expected|found|Premature|Opening|ending|Extra content|Element '|Document|"
    r"codec|decode|invalid|failed|Traceback|Error\b|line \d|column|attribute|"
    r"not a valid value|is not|must be|does not)\b"
)

TRICKY_VALUES = [
    "",
    " ",
    "0",
    "-1",
    "9" * 40,
    "2026-02-30",
    "2026-13-01",
    "31-12-2026",
    "1.5",
    "1,5",
    "abc",
    "<x/>",
    "&amp;",
    "\u00e9\u00e8\u2603",
    "\U0001f600",
    "x" * 5000,
]


def _care_counts() -> tuple[int, ...]:
    models = (Client, Toewijzing, Levering, Declaratie, DeclaratieRegel)
    return tuple(model.objects.count() for model in models)


def _dutch(reason: str) -> bool:
    return bool(reason.strip()) and not ENGLISH.search(reason)


def _assert_honest(result, before: tuple[int, ...]) -> None:
    """The properties every result must have, whatever the input."""
    assert result.status in FileStatus.values, result.status
    if result.status == FileStatus.REJECTED:
        assert result.reasons, f"{result.name}: refused without a reason"
        for reason in result.reasons:
            assert _dutch(reason), f"{result.name}: not a Dutch reason: {reason!r}"
        if not getattr(result, "duplicate", False):
            assert _care_counts() == before, f"{result.name}: refused but half applied"


# --- mutations --------------------------------------------------------------------------------

LEAF = re.compile(rb"<([\w:]+)>([^<]*)</\1>")


@st.composite
def mutated(draw, original: bytes) -> bytes:
    """One or more of: a truncation, bytes flipped or inserted, a leaf's text replaced with a
    tricky value, a leaf deleted or doubled, a DOCTYPE with an entity, another encoding."""
    data = original
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(
            st.sampled_from(["truncate", "flip", "insert", "text", "delete", "double", "prolog"])
        )
        leaves = list(LEAF.finditer(data))
        if kind == "truncate":
            data = data[: draw(st.integers(0, max(len(data) - 1, 0)))]
        elif kind == "flip" and data:
            at = draw(st.integers(0, len(data) - 1))
            data = data[:at] + bytes([data[at] ^ draw(st.integers(1, 255))]) + data[at + 1 :]
        elif kind == "insert":
            at = draw(st.integers(0, len(data)))
            data = data[:at] + draw(st.binary(min_size=1, max_size=8)) + data[at:]
        elif kind in ("text", "delete", "double") and leaves:
            leaf = draw(st.sampled_from(leaves))
            if kind == "text":
                value = draw(st.sampled_from(TRICKY_VALUES)).encode()
                tag = leaf.group(1)
                new = b"<" + tag + b">" + value + b"</" + tag + b">"
            elif kind == "delete":
                new = b""
            else:
                new = leaf.group(0) * 2
            data = data[: leaf.start()] + new + data[leaf.end() :]
        elif kind == "prolog":
            prolog = draw(
                st.sampled_from(
                    [
                        b'<?xml version="1.0" encoding="ISO-8859-1"?>',
                        b'<!DOCTYPE x [<!ENTITY e "aaaaaaaaaa">]>',
                        b'<!DOCTYPE x SYSTEM "file:///etc/passwd">',
                        b"\xef\xbb\xbf",
                        b"\xff\xfe",
                    ]
                )
            )
            data = prolog + re.sub(rb"^<\?xml[^>]*\?>", b"", data)
    return data


_numbers = itertools.count(1)
_IDENTIFICATIE = re.compile(rb"(:Identificatie>)[^<]*(<)")


def _fresh_identification(data: bytes) -> bytes:
    """Each example gets its own BerichtIdentificatie where it still has one, so a mutation
    that keeps the message valid is processed, not refused as a message already received."""
    return _IDENTIFICATIE.sub(
        lambda m: m.group(1) + b"fz%08d" % next(_numbers) + m.group(2), data, count=1
    )


def _messages() -> dict[str, bytes]:
    assigned = [B.Assigned("7001", end="2026-04-30"), B.Assigned("7002", start="2026-05-01")]
    return {
        "301": B.msg_301("ijw", "0200", AGB, BSN, assigned),
        "305": B.msg_start_stop("ijw", "305", "0200", AGB, BSN, "7001", "2026-01-05"),
        "307": B.msg_start_stop("ijw", "307", "0200", AGB, BSN, "7001", "2026-01-05", "2026-04-30"),
        "323": B.msg_323(
            "ijw", "0200", AGB, "F1", [B.Line("F1R1", "7001"), B.Line("F1R2", "7002")]
        ),
    }


@pytest.fixture
def care(jeugd, apeldoorn):
    """The valid messages, the first three applied: a client with two toewijzingen, the first
    started and stopped; the 323 declares April for both (the second line is refused, as the
    second toewijzing starts in May)."""
    messages = _messages()
    for kind in ("301", "305", "307"):
        result = ingest_file(f"{kind}.xml", io.BytesIO(messages[kind]))
        assert result.status == FileStatus.PROCESSED, result.reasons
    return messages


@pytest.mark.parametrize("kind", ["301", "305", "307", "323"])
def test_a_mutated_message_is_processed_or_refused_in_dutch_never_half(care, kind):
    # The message itself, sent again under a new identification and spread over lines, is
    # processed: what the mutations break is theirs.
    spread = _fresh_identification(care[kind]).replace(b"><", b">\n  <")
    assert ingest_file(f"again-{kind}.xml", io.BytesIO(spread)).status == FileStatus.PROCESSED
    seen = set()

    @FUZZ
    @given(data=mutated(care[kind]))
    def check(data):
        data = _fresh_identification(data)
        before = _care_counts()
        with translation.override("nl"):
            result = ingest_file(f"fuzz-{kind}.xml", io.BytesIO(data), size=len(data))
        _assert_honest(result, before)
        seen.add((result.status, result.duplicate))

    check()
    # The mutations are refused for what they broke, not as a message already received.
    assert (FileStatus.REJECTED, False) in seen, seen


# --- CSV --------------------------------------------------------------------------------------

CSV_TOEWIJZINGEN = (
    "gemeente;aanbieder;wet;bsn;geboortedatum;toewijzingnummer;productcategorie;productcode;"
    "toewijzingsdatum;ingangsdatum;einddatum;volume;eenheid;frequentie\n"
    f"0200;{AGB};jw;{BSN2};12-03-2012;8001;45;45A03;2026-02-20;2026-03-01;2026-06-30;4;04;2\n"
    f"0200;{AGB};jw;{BSN2};;8002;45;45A03;2026-02-20;2026-07-01;;16;04;4\n"
).encode()


@st.composite
def mutated_csv(draw) -> bytes:
    """Cells replaced with tricky values, separators and quotes inserted, rows cut short."""
    lines = CSV_TOEWIJZINGEN.decode().splitlines()
    for _ in range(draw(st.integers(1, 3))):
        row = draw(st.sampled_from([1, 2] * 5 + [0]))  # the header now and then
        cells = lines[row].split(";")
        kind = draw(st.sampled_from(["cell", "cut", "quote", "separator", "formula"]))
        at = draw(st.integers(0, len(cells) - 1))
        if kind == "cell":
            cells[at] = draw(st.sampled_from(TRICKY_VALUES))
        elif kind == "cut":
            cells = cells[:at]
        elif kind == "quote":
            cells[at] = '"' + cells[at]
        elif kind == "separator":
            cells[at] = cells[at] + draw(st.sampled_from([",", "\t", ";;", "\r", "\n"]))
        else:
            cells[at] = '=HYPERLINK("http://x")'
        lines[row] = ";".join(cells)
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "latin-1", "utf-16"]))
    return "\n".join(lines).encode(encoding, errors="replace")


def test_a_mutated_csv_is_applied_whole_or_refused_in_dutch(jeugd, apeldoorn, tmp_path):
    seen = set()

    @FUZZ
    @given(data=mutated_csv())
    def check(data):
        path = tmp_path / "toewijzingen.csv"
        path.write_bytes(data)
        before = _care_counts()
        with translation.override("nl"):
            result = ingest_csv(path, kind="toewijzingen")
        _assert_honest(result, before)
        seen.add(result.status)
        assert all(len(reason) < 400 for reason in result.reasons), result.reasons

    check()
    assert {FileStatus.PROCESSED, FileStatus.REJECTED} <= seen, seen


# --- zip archives ----------------------------------------------------------------------------

MEMBER_NAMES = ["a.xml", "../../etc/x.xml", "/abs.xml", "dir/b.xml", "c.XML", "leeg.xml", "d.txt"]


@st.composite
def archives(draw, messages: dict[str, bytes]) -> bytes:
    """A zip of valid, mutated and nested members under odd names, sometimes itself damaged."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for index in range(draw(st.integers(0, 4))):
            name = f"{index}-" + draw(st.sampled_from(MEMBER_NAMES))
            choice = draw(st.sampled_from(["valid", "mutated", "empty", "nested"]))
            if choice == "valid":
                content = messages[draw(st.sampled_from(sorted(messages)))]
            elif choice == "mutated":
                content = draw(mutated(messages["323"]))
            elif choice == "empty":
                content = b""
            else:
                inner = io.BytesIO()
                with zipfile.ZipFile(inner, "w") as nested:
                    nested.writestr("inner.xml", messages["301"])
                content, name = inner.getvalue(), name + ".zip"
            archive.writestr(name, content)
    data = buffer.getvalue()
    if draw(st.booleans()):  # damaged: cut or a byte flipped in the middle
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        data = data[:at] if draw(st.booleans()) else data[:at] + b"\x00" + data[at + 1 :]
    return data


def test_a_damaged_or_odd_zip_gives_a_result_per_member_in_dutch(care, tmp_path):
    @FUZZ
    @given(data=archives(care))
    def check(data):
        path = tmp_path / "archief.zip"
        path.write_bytes(data)
        before = _care_counts()
        with translation.override("nl"):
            results = ingest_paths([path], refresh_monitor=False)
        assert results, "a zip gives at least one result (its refusal when it cannot be read)"
        refused_only = all(r.status == FileStatus.REJECTED for r in results)
        for result in results:
            assert result.status in FileStatus.values
            if result.status == FileStatus.REJECTED:
                assert result.reasons and all(_dutch(r) for r in result.reasons), result.reasons
        if refused_only:
            assert _care_counts() == before
        # Odd member names are names only: nothing is written outside the archive.
        assert not (tmp_path.parent / "etc").exists() and not (tmp_path / "etc").exists()

    check()
