"""Word differences between two versions of a text, and where a passage of the older
one went in the newer. Pure functions over strings.

Texts are compared as words, folded as quotes are (typographic quotes and dashes,
case; `integrity.normalise`), so a changed apostrophe is not a change of wording. The
alignment is done in two steps, as `git diff --word-diff` does: lines first (articles
are mostly unchanged paragraphs), then words within the lines that changed — a long
article is aligned in milliseconds, where a word-by-word alignment of the whole costs
seconds.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from functools import lru_cache
from typing import NamedTuple

from app.services.integrity import normalise

_WORD = re.compile(r"\w+(?:['\u2019.,:/&@]\w+)*")
# Words of context either side of a passage, looked for when a passage moved whole.
CONTEXT_WORDS = 8


class Token(NamedTuple):
    key: str  # folded: what is compared
    start: int  # offsets in the text
    end: int


class Op(NamedTuple):
    """As difflib's opcodes, over word indexes: old[i1:i2] became new[j1:j2]."""

    tag: str  # equal, replace, delete, insert
    i1: int
    i2: int
    j1: int
    j2: int


@lru_cache(maxsize=16)
def tokens(text: str) -> tuple[Token, ...]:
    return tuple(Token(normalise(m.group()).casefold(), m.start(), m.end())
                 for m in _WORD.finditer(text))


def _lines(words: tuple[Token, ...], text: str) -> list[tuple[int, int]]:
    """Word index ranges of the text's lines (paragraphs)."""
    ranges, start = [], 0
    for i in range(1, len(words) + 1):
        if i == len(words) or "\n" in text[words[i - 1].end:words[i].start]:
            ranges.append((start, i))
            start = i
    return [r for r in ranges if r[0] < r[1]]


@lru_cache(maxsize=16)
def align(old: str, new: str) -> tuple[Op, ...]:
    """Word opcodes turning `old` into `new`: lines aligned first, then the words of
    the lines that differ."""
    a, b = tokens(old), tokens(new)
    a_lines, b_lines = _lines(a, old), _lines(b, new)
    a_keys = [" ".join(t.key for t in a[s:e]) for s, e in a_lines]
    b_keys = [" ".join(t.key for t in b[s:e]) for s, e in b_lines]
    ops: list[Op] = []

    def at(lines, index, size):
        return lines[index][0] if index < len(lines) else size

    matcher = SequenceMatcher(None, a_keys, b_keys, autojunk=False)
    for tag, l1, l2, m1, m2 in matcher.get_opcodes():
        i1, i2 = at(a_lines, l1, len(a)), at(a_lines, l2, len(a))
        j1, j2 = at(b_lines, m1, len(b)), at(b_lines, m2, len(b))
        if tag == "equal":
            ops.append(Op("equal", i1, i2, j1, j2))
            continue
        words = SequenceMatcher(None, [t.key for t in a[i1:i2]], [t.key for t in b[j1:j2]],
                                autojunk=False)
        for wtag, w1, w2, v1, v2 in words.get_opcodes():
            ops.append(Op(wtag, i1 + w1, i1 + w2, j1 + v1, j1 + v2))
    return tuple(_merged(ops))


def _merged(ops: list[Op]) -> list[Op]:
    out: list[Op] = []
    for op in ops:
        if op.i1 == op.i2 and op.j1 == op.j2:
            continue
        if out and out[-1].tag == op.tag and out[-1].i2 == op.i1 and out[-1].j2 == op.j1:
            out[-1] = Op(op.tag, out[-1].i1, op.i2, out[-1].j1, op.j2)
        else:
            out.append(op)
    return out


def _surface(text: str, words: tuple[Token, ...], start: int, end: int) -> str:
    """Words start..end with what follows them up to the next word (the text before the
    first word too): the surfaces of consecutive runs put together are the text."""
    if start >= end:
        return ""
    begin = 0 if start == 0 else words[start].start
    finish = len(text) if end == len(words) else words[end].start
    return text[begin:finish]


def word_diff(old: str, new: str) -> list[dict[str, str]]:
    """The whole difference, in the texts' own spellings: equal runs as
    {"op": "equal", "text"}, changes as {"op": "delete"|"insert"|"replace", "old", "new"}.
    The equal and new parts, put together, are the new text."""
    a, b = tokens(old), tokens(new)
    diff = []
    for op in align(old, new):
        if op.tag == "equal":
            diff.append({"op": "equal", "text": _surface(new, b, op.j1, op.j2)})
        else:
            diff.append({"op": op.tag, "old": _surface(old, a, op.i1, op.i2),
                         "new": _surface(new, b, op.j1, op.j2)})
    return diff


def summary(old: str, new: str) -> dict[str, int]:
    """How many words the newer text added and removed."""
    added = removed = 0
    for op in align(old, new):
        if op.tag != "equal":
            removed += op.i2 - op.i1
            added += op.j2 - op.j1
    return {"words_added": added, "words_removed": removed}


class Place(NamedTuple):
    """Where a passage of the old text is in the new one: the character range, and
    whether its words are all there unchanged."""

    start: int
    end: int
    intact: bool


def follow(old: str, new: str, start: int, end: int) -> Place:
    """Where the passage old[start:end] went in `new`.

    Intact when its words are where the alignment puts them, or when the passage with
    up to CONTEXT_WORDS words of its paragraph either side occurs in the new text (a
    paragraph moved whole).
    Otherwise the place is the new text that took its words' place (empty when they
    were deleted): the text the quote is now to be checked against, never the same
    words found somewhere else."""
    a, b = tokens(old), tokens(new)
    span = [i for i, t in enumerate(a) if t.start >= start and t.end <= end]
    if not span:
        return Place(0, 0, False)
    first, last = span[0], span[-1] + 1
    line = next(((s, e) for s, e in _lines(a, old) if s <= first < e), (0, len(a)))
    lo = max(line[0], first - CONTEXT_WORDS)  # context from the passage's own paragraph
    hi = min(max(line[1], last), last + CONTEXT_WORDS)
    moved = _find([t.key for t in a[lo:hi]], [t.key for t in b])
    if moved is not None:
        new_first = moved + (first - lo)
        return Place(b[new_first].start, b[new_first + last - first - 1].end, True)
    j_start = j_end = None
    intact = True
    for op in align(old, new):
        inside = (first < op.i1 < last) if op.i1 == op.i2 else (op.i1 < last and op.i2 > first)
        if not inside:
            continue
        if op.tag == "equal":
            j1 = op.j1 + max(first, op.i1) - op.i1
            j2 = op.j1 + min(last, op.i2) - op.i1
        else:
            intact = False
            j1, j2 = op.j1, op.j2
        j_start = j1 if j_start is None else min(j_start, j1)
        j_end = j2 if j_end is None else max(j_end, j2)
    if j_start is None or j_start >= j_end:
        return Place(0, 0, False)
    return Place(b[j_start].start, b[j_end - 1].end, intact)


def _find(needle: list[str], haystack: list[str]) -> int | None:
    """The first index where `needle` occurs as consecutive words of `haystack`."""
    if not needle:
        return None
    joined = " " + " ".join(haystack) + " "
    pos = joined.find(" " + " ".join(needle) + " ")
    if pos == -1:
        return None
    return joined.count(" ", 0, pos + 1) - 1


def excerpt(diff: list[dict[str, str]], context: int = 12) -> list[dict[str, str]]:
    """The changes of a word diff with `context` words of equal text around each; the
    equal text left out is marked {"op": "skip"}."""
    out: list[dict[str, str]] = []
    for i, op in enumerate(diff):
        if op["op"] != "equal":
            out.append(op)
            continue
        words = op["text"].split(" ")
        keep_head = context if i + 1 < len(diff) else 0  # before the next change
        keep_tail = context if i > 0 else 0  # after the previous change
        if len(words) <= keep_head + keep_tail + 2:
            out.append(op)
            continue
        if keep_tail:
            out.append({"op": "equal", "text": " ".join(words[:keep_tail]) + " "})
        out.append({"op": "skip"})
        if keep_head:
            out.append({"op": "equal", "text": " " + " ".join(words[-keep_head:])})
    return out
