"""SQLite FTS5's bm25() — the same number, to the last bit — without the part of its cost
that grows with the archive.

bm25() starts each statement by counting, for every phrase of the query, the rows of the
whole table that contain it (the phrase's inverse document frequency): a walk through
the phrase's whole doclist, on every search and in every kind. For a common word
("sanctions") that walk is most of a search's cost, and it grows with the archive.
Everything else bm25() needs belongs to the matching rows alone.

So a search ranks its matches here, with fts5_aux.c's formula and order of operations:

- the document frequencies are counted once (`count(*) ... MATCH '"word"'`, what bm25
  counts) and kept per process, labelled with the generation of the table they were
  counted in (app/cache_keys.py: every committed write to it moves its key on; a write
  the app cannot name moves `content_generation`); another generation counts again;
- the number of rows and of tokens come from the index's averages record
  (`<fts>_data` row 1), each row's size from `<fts>_docsize` — read with the search;
- how often each phrase occurs in a row is the number of marks highlight() puts in it
  for a query of that phrase alone: an instance of a one-word phrase never overlaps
  another, so each mark is one instance.

This holds for queries whose phrases are single words (what searches mostly are); a
query with a phrase of several words ("joe biden", "100 thousand") is ranked by bm25()
itself, as is a kind with more than CANDIDATES matches (there, ranking every match costs
more than the count) or an index of fewer than LARGE rows (there, the count costs less
than asking the index about each word apart). tests/test_search.py compares both ways.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict

K1 = 1.2  # fts5_aux.c's defaults
B = 0.75
CANDIDATES = 64  # per kind: more matches than this are ranked by bm25() itself
# Rows in a kind's index from which its searches are ranked here: below, bm25()'s own
# count of a common word costs less than asking the index about each word apart.
LARGE = 120_000
MARK = "\x01"  # what highlight() puts before each instance (text never holds it)

_FREQUENCIES: OrderedDict[tuple, int] = OrderedDict()
_LOCK = threading.Lock()
_KEPT = 20_000


def varints(blob: bytes) -> list[int]:
    """The varints of an FTS5 record (SQLite's format: 7 bits a byte, big-endian, the
    ninth byte whole)."""
    values, i = [], 0
    while i < len(blob):
        value = 0
        for k in range(9):
            byte = blob[i]
            i += 1
            if k == 8:
                value = (value << 8) | byte
                break
            value = (value << 7) | (byte & 0x7F)
            if not byte & 0x80:
                break
        values.append(value)
    return values


def averages(block: bytes | None, columns: int) -> tuple[int, float]:
    """(rows, average tokens per row) from the averages record."""
    if not block:
        return 0, 0.0
    values = varints(block)
    rows, tokens = values[0], sum(values[1:1 + columns])
    return rows, (float(tokens) / float(rows)) if rows else 0.0


def idf(rows: int, hits: int) -> float:
    value = math.log((rows - hits + 0.5) / (hits + 0.5))
    return value if value > 0.0 else 1e-6


def score(idfs: list[float], frequencies: list[float], size: int, avgdl: float) -> float:
    """Higher is better: what `-bm25(fts)` gives for a row of `size` tokens."""
    d = float(size)
    total = 0.0
    for weight, f in zip(idfs, frequencies, strict=True):
        total += weight * ((f * (K1 + 1.0)) / (f + K1 * (1 - B + B * d / avgdl)))
    return total


def row_size(blob: bytes | None) -> int:
    """A row's tokens, all columns (its `<fts>_docsize` record)."""
    return sum(varints(blob)) if blob else 0


def known_frequency(table: object, generation: tuple, word: str) -> int | None:
    """The rows of `table` (a database's table) holding `word`, if counted at
    `generation`."""
    with _LOCK:
        key = (table, generation, word)
        found = _FREQUENCIES.get(key)
        if found is not None:
            _FREQUENCIES.move_to_end(key)
        return found


def keep_frequency(table: object, generation: tuple, word: str, hits: int) -> None:
    with _LOCK:
        _FREQUENCIES[table, generation, word] = hits
        while len(_FREQUENCIES) > _KEPT:
            _FREQUENCIES.popitem(last=False)
