"""The compact hash set behind the per-line indexes: the same answers as a Python set, through
its merges, removals and re-additions."""

import random
import sys
from array import array

from zorgregio.zorg.index import HashSet


def test_hash_set_answers_as_a_set_through_merges():
    rng = random.Random(15)
    compact, plain = HashSet(rng.getrandbits(63) for _ in range(1000)), set()
    plain.update(compact)
    values = list(plain)
    for step in range(30_000):  # several merges (every 4,096 additions at this size)
        roll = rng.random()
        if roll < 0.6:
            value = rng.getrandbits(63) - (1 << 62)  # negative hashes too
            compact.add(value)
            plain.add(value)
            values.append(value)
        elif roll < 0.8 and values:
            value = rng.choice(values)
            compact.discard(value)
            plain.discard(value)
        elif values:  # re-added after a removal
            value = rng.choice(values)
            compact.add(value)
            plain.add(value)
        probe = rng.choice(values) if step % 2 else rng.getrandbits(63)
        assert (probe in compact) == (probe in plain)
    assert sorted(compact) == sorted(plain)
    assert len(compact) == len(plain)


def test_hash_set_keeps_eight_bytes_a_hash():
    compact = HashSet(range(0, 2_000_000, 2))
    for value in range(1, 200_001, 2):
        compact.add(value)
    assert isinstance(compact._sorted, array)
    assert sys.getsizeof(compact._sorted) < 9 * 1_100_000  # a set of ints would be ~70 MB
    assert 199_999 in compact and 200_001 not in compact and 1_999_998 in compact
