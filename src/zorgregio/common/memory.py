"""Giving memory that was freed back to the operating system (issue 15).

A long import frees millions of small objects; the C library keeps the pages they were on
for its next allocations, so the process stays as large as it was at its largest. A process
forked then copies every such page it writes to, and a step that follows (the monitor
refresh) allocates beside them instead of in them. :func:`release` hands the free pages back.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc

_libc = None


def _trim():
    global _libc
    if _libc is None:
        name = ctypes.util.find_library("c")
        try:
            _libc = ctypes.CDLL(name) if name else False
        except OSError:
            _libc = False
    trim = getattr(_libc, "malloc_trim", None) if _libc else None
    return trim


def release() -> None:
    """Collect what is garbage and return the free pages of the C library's heap to the
    system (glibc's ``malloc_trim``; elsewhere only the collection)."""
    gc.collect()
    trim = _trim()
    if trim is not None:
        trim(0)
