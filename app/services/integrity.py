"""Quote integrity: are these the speaker's exact words in the stored text?

Pure functions over strings; `app.services.documents.verify_quote` stores the result on the
Quote. The comparison is over *words*:

- Folded before comparing, because they do not change what was said: typographic quotes,
  apostrophes and primes (‘ ’ “ ” ′ → ' "), dashes (‐ ‑ – — − → -), whitespace, case, and
  punctuation around or between words ("mean, you’ve" is the words "mean you've"). A
  hyphen joins two words ("full-scale" is "full scale"). An ellipsis in the quote ("…",
  "...", "[...]") marks an omission: "A … B" is verbatim when B follows A within
  MAX_OMITTED_WORDS.
- Never folded: the words themselves — numbers ("1000" is not "100,000" nor "1,000"),
  signs and units ("-5", "$5", "50%"), negations, names, spelling.

A quote is VERBATIM when its words occur in the text (the W3C prefix/suffix pick the
occurrence when there are several); ALTERED when a close but different passage exists;
NOT_FOUND otherwise; UNCHECKED without stored text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from itertools import pairwise
from typing import NamedTuple

from rapidfuzz import fuzz, process

from app.models import QuoteIntegrity

# Similarity is rapidfuzz's fuzz.ratio (0-100, normalised Indel similarity) between the
# quote's folded words and a passage's folded words, each joined by single spaces.
#
# ALTERED needs all of: similarity >= 70, at least 3 words, and a third of the quote's
# letters in words found unchanged in the passage. 70 is what a one-word change in a
# three-word quote scores ("with 1000 troops" against "100,000 troops": 73; "did go well"
# against "did not go well": 85); a one-word change in 8+ words scores 80-100. The best
# window of unrelated prose scores 45-60 for 8+ words and up to ~75 for 3-5 words, where
# chance alignments on "the", "of", "to" are what the shared-words rule filters out.
ALTERED_MIN_SIMILARITY = 70.0
MIN_SHARED_FRACTION = 1 / 3
# One or two words carry too little to tell a distortion from a coincidence ("sacked" is
# one letter from "backed"): such a quote is verbatim or not found, never altered.
MIN_WORDS_FOR_ALTERED = 3
# NOT_FOUND still names the closest passage when it is this similar (a hint, no diff);
# short quotes need a near-spelling ("Zelensky" ~ "Zelenskyy") to get one.
HINT_MIN_SIMILARITY = 60.0
SHORT_HINT_MIN_SIMILARITY = 85.0
# An elision spans at most about a paragraph; words further apart are a splice.
MAX_OMITTED_WORDS = 100

# Quote-only words at an altered passage's edge "resemble" a run of text words from this
# similarity ("with 1000" ~ "north of 100,000": 56); below it, a word replaces a word.
_EDGE_RESEMBLANCE = 50.0
# Best fixed-length windows kept from the coarse pass, each then refined.
_CANDIDATES = 5

# One character for one character, so offsets in the folded string are offsets in the original.
_FOLD = str.maketrans(
    {
        **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032\u0060\u00b4\u2035", "'"),
        **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb\u2036", '"'),
        **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d", "-"),
    }
)
_SPACE = re.compile(r"\s+")
_SENTENCE_BREAK = re.compile(r"[.!?]|\n")
# A word: letters/digits, keeping the punctuation *inside* it (you've, 100,000, 3.5, U.S,
# 9/11, 10:30), a sign or currency directly before it and a percent/degree after it.
_WORD = re.compile(r"(?:(?<![\w.,])[-+$€£¥#@](?=\w))?\w+(?:['.,:/&@]\w+)*[%°]?")
_ELLIPSIS = re.compile(
    r"\[\s*(?:\u2026|(?:\.\s*){3,})\s*\]|\(\s*(?:\u2026|(?:\.\s*){3,})\s*\)"
    r"|\u2026|\.(?:\s*\.){2,}"
)


def normalise(text: str) -> str:
    """Fold what does not change meaning: typographic quotes, dashes, whitespace."""
    return _SPACE.sub(" ", text.translate(_FOLD)).strip()


@dataclass(frozen=True)
class IntegrityResult:
    integrity: QuoteIntegrity
    closest_match: str | None = None
    diff: list[dict] | None = field(default=None)


class _Word(NamedTuple):
    key: str  # folded and case-folded: what is compared
    start: int  # offsets in the original string
    end: int


def _words(text: str) -> list[_Word]:
    folded = text.translate(_FOLD)
    return [_Word(m.group().casefold(), m.start(), m.end()) for m in _WORD.finditer(folded)]


def _segments(exact: str) -> list[list[_Word]]:
    """The quote's words, split at its ellipses; leading/trailing ellipses drop out."""
    cuts = [m.start() for m in _ELLIPSIS.finditer(exact.translate(_FOLD))]
    segments: list[list[_Word]] = [[] for _ in range(len(cuts) + 1)]
    for word in _words(exact):
        segments[sum(cut < word.start for cut in cuts)].append(word)
    return [segment for segment in segments if segment]


class _Text:
    """The stored text as words, with their keys joined for fast search and scoring."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.words = _words(text)
        self.keys = [w.key for w in self.words]
        # breaks[i]: a sentence ends between word i-1 and word i
        self.breaks = [False] + [
            bool(_SENTENCE_BREAK.search(text, before.end, after.start))
            for before, after in pairwise(self.words)
        ]
        self.joined = " ".join(self.keys)
        self.haystack = " " + self.joined + " "
        self.offsets: list[int] = []
        pos = 0
        for key in self.keys:
            self.offsets.append(pos)
            pos += len(key) + 1
        self.index = {offset: i for i, offset in enumerate(self.offsets)}

    def __len__(self) -> int:
        return len(self.words)

    def keyspan(self, start: int, end: int) -> str:
        """Folded words start..end (exclusive) joined by spaces."""
        if start >= end:
            return ""
        return self.joined[self.offsets[start] : self.offsets[end - 1] + len(self.keys[end - 1])]

    def surface(self, start: int, end: int) -> str:
        """The original text of words start..end, punctuation between them included."""
        if start >= end:
            return ""
        return self.text[self.words[start].start : self.words[end - 1].end]

    def find(self, keys: Sequence[str], start: int = 0, end: int | None = None) -> list[int]:
        """Indexes where `keys` occur as consecutive words, starting within start..end."""
        needle, haystack = " " + " ".join(keys) + " ", self.haystack
        hits = []
        pos = haystack.find(needle, self.offsets[start] if start < len(self) else len(haystack))
        while pos != -1:
            index = self.index[pos]
            if end is not None and index > end:
                break
            hits.append(index)
            pos = haystack.find(needle, pos + 1)
        return hits


Span = tuple[int, int]  # word indexes in the text, end exclusive


def check_quote(exact: str, prefix: str, suffix: str, text: str | None) -> IntegrityResult:
    """Compare a quote (W3C TextQuoteSelector: exact + prefix + suffix) with stored text."""
    if not text or not text.strip():
        return IntegrityResult(QuoteIntegrity.UNCHECKED)
    segments = _segments(exact)
    stored = _Text(text)
    if not segments or not len(stored):
        return IntegrityResult(QuoteIntegrity.NOT_FOUND)
    context = ([w.key for w in _words(prefix or "")], [w.key for w in _words(suffix or "")])

    occurrences = _verbatim(segments, stored)
    if occurrences:
        spans = max(occurrences, key=lambda spans: _context_score(stored, spans, *context))
        diff = _diff(exact, segments, stored, spans)
        reported = len(segments) > 1 or any(
            normalise(op["quote"]) != normalise(op["text"]) for op in diff
        )
        return IntegrityResult(
            QuoteIntegrity.VERBATIM, _closest(stored, spans), diff if reported else None
        )

    found = _nearest(segments, stored, context)
    if found is None:
        return IntegrityResult(QuoteIntegrity.NOT_FOUND)
    similarity, spans = found
    paired: list[Span] = []
    for i, (segment, span) in enumerate(zip(segments, spans, strict=True)):
        lo = paired[-1][1] if paired else 0
        hi = spans[i + 1][0] if i + 1 < len(spans) else len(stored)
        paired.append(_pair_edges(segment, stored, span, lo, hi))
    spans = paired
    diff = _diff(exact, segments, stored, spans)
    long_enough = sum(len(segment) for segment in segments) >= MIN_WORDS_FOR_ALTERED
    if (
        long_enough
        and similarity >= ALTERED_MIN_SIMILARITY
        and _shared_fraction(diff) >= MIN_SHARED_FRACTION
    ):
        return IntegrityResult(QuoteIntegrity.ALTERED, _closest(stored, spans), diff)
    if similarity >= (HINT_MIN_SIMILARITY if long_enough else SHORT_HINT_MIN_SIMILARITY):
        return IntegrityResult(QuoteIntegrity.NOT_FOUND, _closest(stored, spans))
    return IntegrityResult(QuoteIntegrity.NOT_FOUND)


def _verbatim(segments: list[list[_Word]], stored: _Text) -> list[list[Span]]:
    """Every occurrence of the quote's words, each later segment at its nearest position."""
    occurrences = []
    first, *rest = segments
    for start in stored.find([w.key for w in first]):
        spans = [(start, start + len(first))]
        for segment in rest:
            gap_from = spans[-1][1]
            hits = stored.find([w.key for w in segment], gap_from, gap_from + MAX_OMITTED_WORDS)
            if not hits:
                break
            spans.append((hits[0], hits[0] + len(segment)))
        else:
            occurrences.append(spans)
    return occurrences


def _context_score(
    stored: _Text, spans: list[Span], prefix: list[str], suffix: list[str]
) -> tuple[float, int]:
    """How well the words around an occurrence match the selector's prefix and suffix."""
    start, end = spans[0][0], spans[-1][1]
    score = 0.0
    if prefix:
        score += fuzz.ratio(" ".join(prefix), stored.keyspan(max(0, start - len(prefix)), start))
    if suffix:
        score += fuzz.ratio(
            " ".join(suffix), stored.keyspan(end, min(len(stored), end + len(suffix)))
        )
    return score, -start  # ties go to the first occurrence


def _nearest(
    segments: list[list[_Word]], stored: _Text, context: tuple[list[str], list[str]]
) -> tuple[float, list[Span]] | None:
    """The most similar passage: each segment in turn, later ones within an omission's reach."""
    spans: list[Span] = []
    total = weight = 0.0
    for segment in segments:
        keys = [w.key for w in segment]
        lo = spans[-1][1] if spans else 0
        hi = min(len(stored), lo + MAX_OMITTED_WORDS + 2 * len(keys)) if spans else len(stored)
        best = _best_window(keys, stored, lo, hi, context if not spans else ([], []))
        if best is None:
            return None
        similarity, span = best
        spans.append(span)
        size = len(" ".join(keys))
        total += similarity * size
        weight += size
    return total / weight, spans


def _best_window(
    keys: list[str], stored: _Text, lo: int, hi: int, context: tuple[list[str], list[str]]
) -> tuple[float, Span] | None:
    """The span of words lo..hi most similar to `keys`, and its similarity.

    A coarse pass scores every window as long as the quote; the best few are then grown or
    shrunk at either end (by up to half the quote's length) while the similarity improves.
    """
    if hi <= lo:
        return None
    quote = " ".join(keys)
    width = min(len(keys), hi - lo)
    starts = range(lo, hi - width + 1)
    windows = [stored.keyspan(s, s + width) for s in starts]
    slack = max(2, len(keys) // 2)
    lengths = range(max(1, len(keys) - slack), len(keys) + slack + 1)

    def similarity(span: Span) -> float:
        return fuzz.ratio(quote, stored.keyspan(*span))

    peaks: dict[Span, float] = {}
    for _, _, k in process.extract(quote, windows, scorer=fuzz.ratio, limit=_CANDIDATES):
        span = (starts[k], starts[k] + width)
        for _ in range(3):  # alternately the best end for this start, the best start for this end
            start, end = span
            by_end = [(start, start + n) for n in lengths if start + n <= hi]
            span = max(by_end, key=similarity, default=span)
            by_start = [(span[1] - n, span[1]) for n in lengths if span[1] - n >= lo]
            span = max([span, *by_start], key=similarity)
            if span == (start, end):
                break
        peaks[span] = similarity(span)
    if not peaks:
        return None
    best = max(peaks, key=lambda span: (peaks[span], _context_score(stored, [span], *context)))
    return peaks[best], best


def _pair_edges(segment: list[_Word], stored: _Text, span: Span, lo: int, hi: int) -> Span:
    """Trim text-only words at a passage's edges; pair quote-only edge words with neighbours.

    The window with the best overall similarity is stingy at its edges: in "with 1000 troops"
    against "...got north of 100,000 troops..." it stops at "100,000 troops", because the
    shared "troops" dominates. The unmatched edge words ("with 1000") are compared on their
    own with the runs of neighbouring words in the same sentence (up to one more word than
    them), and the passage takes the run most like them: "north of 100,000"; if none is
    alike, as many words as they are ("went badly" against "went well, and": "well"). With
    no such run ("we will win today" against "we will win. Then") they stay a delete.
    The passage stays within words lo..hi (clear of the quote's other segments).
    """
    keys = [w.key for w in segment]
    start, end = span
    matcher = SequenceMatcher(None, keys, stored.keys[start:end], autojunk=False)
    blocks = [block for block in matcher.get_matching_blocks() if block.size]
    if not blocks:
        return span
    first, last = blocks[0], blocks[-1]
    left, right = start + first.b, start + last.b + last.size  # outermost shared words
    before, after = keys[: first.a], keys[last.a + last.size :]

    runs = []
    for s in range(left - 1, max(lo, left - len(before) - 1) - 1, -1):
        if stored.breaks[s + 1]:
            break
        runs.append((s, left))
    start = _most_like(before, stored, runs)[0] if before and runs else left

    runs = []
    for e in range(right + 1, min(hi, right + len(after) + 1) + 1):
        if stored.breaks[e - 1]:
            break
        runs.append((right, e))
    end = _most_like(after, stored, runs)[1] if after and runs else right
    return start, end


def _most_like(words: list[str], stored: _Text, runs: list[Span]) -> Span:
    """The run most like `words` if one resembles them, else the run as many words long."""
    edge = " ".join(words)
    similarity = {run: fuzz.ratio(edge, stored.keyspan(*run)) for run in runs}
    best = max(runs, key=similarity.__getitem__)
    if similarity[best] >= _EDGE_RESEMBLANCE:
        return best
    return min(runs, key=lambda run: abs(run[1] - run[0] - len(words)))


def _shared_fraction(diff: list[dict]) -> float:
    """Share of the quote's letters in words the passage has unchanged."""
    quoted = [op for op in diff if not op.get("omission")]
    total = sum(len(w.key) for op in quoted for w in _words(op["quote"]))
    shared = sum(len(w.key) for op in quoted if op["op"] == "equal" for w in _words(op["quote"]))
    return shared / total if total else 0.0


def _closest(stored: _Text, spans: list[Span]) -> str:
    return stored.surface(spans[0][0], spans[-1][1])


def _diff(exact: str, segments: list[list[_Word]], stored: _Text, spans: list[Span]) -> list[dict]:
    """Word-level difference, quote against text, in the original spellings.

    Ops as in difflib: equal, replace, delete (in the quote, not the text), insert (in the
    text, not the quote). An ellipsis is an "equal" op marked "omission": what it leaves out.
    """

    def quote_surface(words: list[_Word]) -> str:
        return exact[words[0].start : words[-1].end] if words else ""

    ops: list[dict] = []
    for i, (segment, (start, end)) in enumerate(zip(segments, spans, strict=True)):
        if i:
            before, prev_end = segments[i - 1][-1], spans[i - 1][1]
            omitted = stored.text[stored.words[prev_end - 1].end : stored.words[start].start]
            ops.append(
                {
                    "op": "equal",
                    "quote": exact[before.end : segment[0].start].strip(),
                    "text": omitted.strip(),
                    "omission": True,
                }
            )
        matcher = SequenceMatcher(
            None, [w.key for w in segment], stored.keys[start:end], autojunk=False
        )
        for op, i1, i2, j1, j2 in matcher.get_opcodes():
            ops.append(
                {
                    "op": op,
                    "quote": quote_surface(segment[i1:i2]),
                    "text": stored.surface(start + j1, start + j2),
                }
            )
    return ops
