"""Freed memory handed back to the system (issue 15: an import's peak before the refresh)."""

import sys

import pytest

from zorgregio.common import memory


def _rss_kb() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise AssertionError("no VmRSS")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc_trim, /proc")
def test_release_gives_the_pages_of_freed_blocks_back():
    # 60 MB in blocks the C library serves from its heap (above pymalloc's 512 bytes, below
    # its mmap threshold), the last one kept so the heap's top cannot simply shrink.
    blocks = [bytes(4000) + bytes([n % 256]) for n in range(15_000)]
    keep = blocks[-1]
    del blocks
    before = _rss_kb()
    memory.release()
    after = _rss_kb()
    assert keep
    assert before - after > 40_000, (before, after)
