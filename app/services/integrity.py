"""Quote integrity: are these the speaker's exact words in the stored text, and if not,
how do they differ?

Pure functions over strings; `app.services.documents.verify_quote` stores the result on the
Quote. The comparison is over the speaker's *words* (app.services.quote_words):

- Folded before comparing, because they do not change what was said: typographic quotes,
  apostrophes and primes (‘ ’ “ ” ′ → ' "), dashes (‐ ‑ – — − → -), whitespace, case, and
  punctuation around or between words ("mean, you’ve" is the words "mean you've"). A
  hyphen joins two words ("full-scale" is "full scale"). A number written another way is
  the same number ("$5,000", "$5000", "five thousand dollars"; app.services.numbers).
- Never folded: the words themselves — numbers of another value ("1000" is not "100,000",
  "100.000" is a hundred), signs and units ("-5", "$5", "50%"), negations, names, spelling.
- Not the speaker's: an ellipsis ("…", "...", "[...]") marks an omission, and splits the
  quote into segments; square brackets hold the editor's words ("[The minister] said"),
  "[sic]", or a changed letter ("[T]he").

The passage is looked for three ways, in turn: the speaker's words as given, in order —
each segment after the one before within MAX_OMITTED_WORDS, the words either side of a
bracket within MAX_BRACKETED_WORDS; the segments all there but in another order; the most
similar passage. Quote and passage are then aligned, and every difference is classified
(app.services.differences): the quote is VERBATIM when each is cosmetic, editorial, or an
ellipsis that changes no meaning; ALTERED when the speaker's words are changed, added,
moved or silently dropped, or anything changes meaning; NOT_FOUND when no passage is close;
UNCHECKED without stored text. The W3C prefix/suffix pick the occurrence when there are
several.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from difflib import SequenceMatcher
from itertools import pairwise

from rapidfuzz import fuzz, process

from app.models import QuoteIntegrity
from app.services.differences import (
    DETERMINERS,
    REFERENCE_WORDS,
    Op,
    alters,
    classify,
)
from app.services.quote_words import (
    Bracket,
    Quote,
    Text,
    Word,
    name_flags,
    normalise,
    parse_quote,
    words,
)

__all__ = ["IntegrityResult", "check_quote", "normalise", "MAX_OMITTED_WORDS"]

# Similarity is rapidfuzz's fuzz.ratio (0-100, normalised Indel similarity) between the
# quote's folded words and a passage's folded words, each joined by single spaces.
#
# ALTERED needs all of: similarity >= 70, at least 3 words, and a third of the quote's
# letters in words found unchanged in the passage. 70 is what a one-word change in a
# three-word quote scores ("with 1000 troops" against "100000 troops": 73; "did go well"
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
# A bracketed clarification stands for a pronoun or a name: a few words, not a passage.
MAX_BRACKETED_WORDS = 6
# A bracket at the edge of a segment may stand for this many neighbouring words.
_EDGE_STAND_IN = 3

# Quote-only words at an altered passage's edge "resemble" a run of text words from this
# similarity ("with 1000" ~ "north of 100000": 56); below it, a word replaces a word.
_EDGE_RESEMBLANCE = 50.0
# Best fixed-length windows kept from the coarse pass, each then refined.
_CANDIDATES = 5

Span = tuple[int, int]  # word indexes in the text, end exclusive
Opcode = tuple[str, int, int, int, int]  # difflib's, in quote-word and text-word indexes


@dataclass(frozen=True)
class IntegrityResult:
    integrity: QuoteIntegrity
    closest_match: str | None = None
    diff: list[dict] | None = field(default=None)
    differences: list[dict] | None = field(default=None)


def check_quote(exact: str, prefix: str, suffix: str, text: str | None) -> IntegrityResult:
    """Compare a quote (W3C TextQuoteSelector: exact + prefix + suffix) with stored text."""
    if not text or not text.strip():
        return IntegrityResult(QuoteIntegrity.UNCHECKED)
    quote = parse_quote(exact)
    stored = Text(text)
    if not quote.segments or not len(stored):
        return IntegrityResult(QuoteIntegrity.NOT_FOUND)
    quote.names = name_flags(exact, quote.words, stored.name_keys)
    context = ([w.key for w in words(prefix or "")], [w.key for w in words(suffix or "")])

    placements = _verbatim(quote, stored)
    if placements:
        pieces = max(placements, key=lambda p: _context_score(stored, _spans(p), *context))
        spans, ops = _assemble(quote, stored, _spans(pieces), _piece_opcodes(pieces))
        return _result(quote, stored, spans, ops)

    moved = _reordered(quote, stored)
    if moved is not None:
        closest = stored.surface(min(s for s, _ in moved), max(e for _, e in moved))
        reordering = {"kind": "reordering", "detail": None, "quote": exact.strip(),
                      "text": closest, "changes_meaning": False, "meaning": [], "words": []}
        return IntegrityResult(QuoteIntegrity.ALTERED, closest, None, [reordering])

    found = _nearest(quote, stored, context)
    if found is None:
        return IntegrityResult(QuoteIntegrity.NOT_FOUND)
    similarity, spans = found
    paired: list[Span] = []
    for i, ((lo, hi), span) in enumerate(zip(quote.segments, spans, strict=True)):
        low = paired[-1][1] if paired else 0
        high = spans[i + 1][0] if i + 1 < len(spans) else len(stored)
        paired.append(_pair_edges(quote.words[lo:hi], stored, span, low, high))
    opcodes = []
    for (lo, hi), (start, end) in zip(quote.segments, paired, strict=True):
        matcher = SequenceMatcher(None, [w.key for w in quote.words[lo:hi]],
                                  stored.keys[start:end], autojunk=False)
        opcodes.append([(tag, lo + i1, lo + i2, start + j1, start + j2)
                        for tag, i1, i2, j1, j2 in matcher.get_opcodes()])
    spans, ops = _assemble(quote, stored, paired, opcodes)
    long_enough = len(quote.words) >= MIN_WORDS_FOR_ALTERED
    if (
        long_enough
        and similarity >= ALTERED_MIN_SIMILARITY
        and _shared_fraction(quote, ops) >= MIN_SHARED_FRACTION
    ):
        return _result(quote, stored, spans, ops)
    if similarity >= (HINT_MIN_SIMILARITY if long_enough else SHORT_HINT_MIN_SIMILARITY):
        return IntegrityResult(QuoteIntegrity.NOT_FOUND, _closest(stored, spans))
    return IntegrityResult(QuoteIntegrity.NOT_FOUND)


def _result(quote: Quote, stored: Text, spans: list[Span], ops: list[Op]) -> IntegrityResult:
    differences = classify(quote, stored, ops)
    state = (QuoteIntegrity.ALTERED if any(alters(d) for d in differences)
             else QuoteIntegrity.VERBATIM)
    diff = _diff(quote, stored, ops)
    reported = state is QuoteIntegrity.ALTERED or len(quote.segments) > 1 or any(
        op["op"] != "equal" or normalise(op["quote"]) != normalise(op["text"]) for op in diff)
    return IntegrityResult(state, _closest(stored, spans), diff if reported else None,
                           differences)


# -- finding the passage --------------------------------------------------------------------

Piece = tuple[int, int, int]  # quote words lo..hi found at text word `at`


def _plan(quote: Quote) -> list[tuple[int, int, int, int]]:
    """The runs of the speaker's words to look for, in order: (segment, lo, hi, reach),
    reach being how many words may come between it and the run before."""
    plan = []
    for s, (lo, hi) in enumerate(quote.segments):
        inner = sorted({b.at for b in quote.brackets if b.segment == s and lo < b.at < hi})
        for i, (a, b) in enumerate(pairwise([lo, *inner, hi])):
            plan.append((s, a, b, MAX_BRACKETED_WORDS if i else MAX_OMITTED_WORDS))
    return plan


def _verbatim(quote: Quote, stored: Text) -> list[list[list[Piece]]]:
    """Every occurrence of the speaker's words in order, each later run at its nearest
    position: per segment, where each of its runs is."""
    plan = _plan(quote)
    occurrences = []
    (_, lo, hi, _), *rest = plan
    for start in stored.find([w.key for w in quote.words[lo:hi]]):
        placed: list[list[Piece]] = [[(lo, hi, start)]]
        for segment, a, b, reach in rest:
            gap_from = placed[-1][-1][2] + placed[-1][-1][1] - placed[-1][-1][0]
            hits = stored.find([w.key for w in quote.words[a:b]], gap_from, gap_from + reach)
            if not hits:
                break
            if segment == len(placed):
                placed.append([])
            placed[-1].append((a, b, hits[0]))
        else:
            occurrences.append(placed)
    return occurrences


def _spans(placement: list[list[Piece]]) -> list[Span]:
    return [(pieces[0][2], pieces[-1][2] + pieces[-1][1] - pieces[-1][0]) for pieces in placement]


def _piece_opcodes(placement: list[list[Piece]]) -> list[list[Opcode]]:
    """The runs found as given, and what the text has between them (a bracket's words)."""
    opcodes = []
    for pieces in placement:
        ops: list[Opcode] = []
        for a, b, at in pieces:
            if ops and ops[-1][4] < at:
                ops.append(("insert", a, a, ops[-1][4], at))
            ops.append(("equal", a, b, at, at + b - a))
        opcodes.append(ops)
    return opcodes


def _reordered(quote: Quote, stored: Text) -> list[Span] | None:
    """The segments' spans when each is there as given but not in the quote's order."""
    if len(quote.segments) < 2 or any(
            quote.segments[b.segment][0] < b.at < quote.segments[b.segment][1]
            for b in quote.brackets):
        return None
    spans: list[Span] = []
    for lo, hi in quote.segments:
        hits = stored.find([w.key for w in quote.words[lo:hi]])
        if not hits:
            return None
        near = spans[0][0] if spans else hits[0]
        at = min(hits, key=lambda h: abs(h - near))
        spans.append((at, at + hi - lo))
    starts = [s for s, _ in spans]
    reach = MAX_OMITTED_WORDS * (len(spans) - 1) + len(quote.words)
    if starts == sorted(starts) or max(e for _, e in spans) - min(starts) > reach:
        return None
    return spans


# -- aligning it ---------------------------------------------------------------------------


def _assemble(
    quote: Quote, stored: Text, spans: list[Span], opcodes: list[list[Opcode]]
) -> tuple[list[Span], list[Op]]:
    """The alignment of the whole quote with its passage, as Ops in the quote's order.

    A bracket at a segment's edge takes the neighbouring words it stands for ("She" before
    "[The minister] said"), so the passage grows by them; the ellipses between segments
    leave out what lies between their passages.
    """
    spans, opcodes = list(spans), [list(ops) for ops in opcodes]
    for s, (lo, hi) in enumerate(quote.segments):
        start, end = spans[s]
        floor = spans[s - 1][1] if s else 0
        ceiling = spans[s + 1][0] if s + 1 < len(spans) else len(stored)
        for bracket in quote.brackets:
            if bracket.segment != s:
                continue
            taken = {op[1] for op in opcodes[s] if op[0] == "insert"}
            if bracket.at == lo and start > floor and lo not in taken:
                run = _stand_in(bracket, stored, start, -1, floor)
                if run:
                    opcodes[s].insert(0, ("insert", lo, lo, start - run, start))
                    start -= run
            elif bracket.at == hi and end < ceiling and hi not in taken:
                run = _stand_in(bracket, stored, end, 1, ceiling)
                if run:
                    opcodes[s].append(("insert", hi, hi, end, end + run))
                    end += run
        spans[s] = (start, end)

    ops: list[Op] = []
    for s in range(len(quote.segments)):
        if s:
            ops.append(Op("omission", (quote.segments[s][0],) * 2, (spans[s - 1][1], spans[s][0]),
                          marker=quote.ellipses[s - 1]))
        ops += _segment_ops(quote, s, opcodes[s], spans[s])
    return spans, ops


def _stand_in(bracket: Bracket, stored: Text, edge: int, step: int, limit: int) -> int:
    """How many words next to `edge` (before it for step -1, after for 1) the bracket
    stands for: pronouns, words it repeats ("Putin" for "[Vladimir Putin]"), or a name it
    may replace (whether rightly is for the classification); 0 when it adds words."""
    inside = {w.key for w in bracket.words}
    runs = []
    for n in range(1, _EDGE_STAND_IN + 1):
        lo, hi = (edge - n, edge) if step < 0 else (edge, edge + n)
        if (lo < limit if step < 0 else hi > limit) or lo < 0 or hi > len(stored):
            break
        # the run and the edge are one clause
        joins = range(lo + 1, hi + 1) if step < 0 else range(lo, hi)
        if any(stored.clause_breaks[i] for i in joins):
            break
        runs.append((lo, hi))
    for lo, hi in reversed(runs):
        keys = stored.keys[lo:hi]
        if all(k in REFERENCE_WORDS or k in DETERMINERS for k in keys) and any(
                k in REFERENCE_WORDS for k in keys):
            return hi - lo
        if set(keys) - DETERMINERS and set(keys) <= inside | DETERMINERS:
            return hi - lo
    for lo, hi in reversed(runs):
        if all(stored.names[lo:hi]):
            return hi - lo
    return 0


def _segment_ops(quote: Quote, s: int, opcodes: list[Opcode], span: Span) -> list[Op]:
    """One segment's opcodes as Ops, with its brackets and [sic]s where they stand."""
    lo, hi = quote.segments[s]
    anchors: dict[int, list[Bracket]] = {}
    for bracket in quote.brackets:
        if bracket.segment == s:
            anchors.setdefault(min(max(bracket.at, lo), hi), []).append(bracket)
    sics = {m.at: m for m in quote.sics if lo < m.at <= hi}
    bounds = set(anchors) | set(sics)
    split: list[Opcode] = []
    for tag, i1, i2, j1, j2 in opcodes:
        if tag != "equal":
            split.append((tag, i1, i2, j1, j2))
            continue
        cuts = [i1, *sorted(b for b in bounds if i1 < b < i2), i2]
        split += [("equal", a, b, j1 + a - i1, j1 + b - i1) for a, b in pairwise(cuts)]

    ops: list[Op] = []

    def place(at: int, text: Span) -> None:
        for n, bracket in enumerate(anchors.pop(at, [])):
            ops.append(Op("bracket", (at, at), text if n == 0 else (text[1], text[1]),
                          bracket=bracket))

    position = span[0]
    for tag, i1, i2, j1, j2 in split:
        if i1 in anchors:
            if tag == "insert":
                place(i1, (j1, j2))
                position = j2
                continue
            place(i1, (j1, j1))
        ops.append(Op(tag, (i1, i2), (j1, j2)))
        position = j2
        if tag != "insert" and i2 in sics and i1 < i2:
            ops.append(Op("sic", (i2 - 1, i2), (j2 - 1, j2) if tag == "equal" else (j1, j2),
                          marker=sics.pop(i2)))
    for at in sorted(anchors):
        place(at, (position, position))
    return ops


def _shared_fraction(quote: Quote, ops: list[Op]) -> float:
    """Share of the quote's letters in words the passage has unchanged."""
    quoted = [op for op in ops if op.tag in ("equal", "replace", "delete")]
    total = sum(len(w.key) for op in quoted for w in quote.words[op.quote[0] : op.quote[1]])
    shared = sum(len(w.key) for op in quoted if op.tag == "equal"
                 for w in quote.words[op.quote[0] : op.quote[1]])
    return shared / total if total else 0.0


def _closest(stored: Text, spans: list[Span]) -> str:
    return stored.surface(spans[0][0], spans[-1][1])


def _diff(quote: Quote, stored: Text, ops: list[Op]) -> list[dict]:
    """Word-level difference, quote against text, in the original spellings.

    Ops as in difflib: equal, replace, delete (in the quote, not the text), insert (in the
    text, not the quote). An ellipsis is an "equal" op marked "omission": what it leaves out;
    the editor's brackets and [sic] are marked "editorial".
    """
    diff = []
    for op in ops:
        text = stored.surface(*op.text)
        if op.tag == "omission":
            mark = quote.exact[op.marker.start : op.marker.end]
            diff.append({"op": "equal", "quote": mark, "text": text, "omission": True})
        elif op.tag == "bracket":
            shown = quote.exact[op.bracket.start : op.bracket.end]
            diff.append({"op": "replace" if text else "delete", "quote": shown, "text": text,
                         "editorial": True})
        elif op.tag == "sic":
            shown = quote.exact[op.marker.start : op.marker.end]
            diff.append({"op": "delete", "quote": shown, "text": "", "editorial": True})
        else:
            diff.append({"op": op.tag, "quote": quote.surface(*op.quote), "text": text})
    return diff


# -- the most similar passage ---------------------------------------------------------------


def _context_score(
    stored: Text, spans: list[Span], prefix: list[str], suffix: list[str]
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
    quote: Quote, stored: Text, context: tuple[list[str], list[str]]
) -> tuple[float, list[Span]] | None:
    """The most similar passage: each segment in turn, later ones within an omission's reach."""
    spans: list[Span] = []
    total = weight = 0.0
    for lo, hi in quote.segments:
        keys = [w.key for w in quote.words[lo:hi]]
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
    keys: list[str], stored: Text, lo: int, hi: int, context: tuple[list[str], list[str]]
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


def _pair_edges(segment: list[Word], stored: Text, span: Span, lo: int, hi: int) -> Span:
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
    # edge words the text has just the other side of the passage were moved, not changed
    # ("this panic we don't need" against "we don't need this panic")
    if before and not after and right + len(before) <= hi and stored.find(before, right, right):
        return left, right + len(before)
    if after and not before and left - len(after) >= lo and stored.find(
            after, left - len(after), left - len(after)):
        return left - len(after), right

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


def _most_like(words: list[str], stored: Text, runs: list[Span]) -> Span:
    """The run most like `words` if one resembles them, else the run as many words long."""
    edge = " ".join(words)
    similarity = {run: fuzz.ratio(edge, stored.keyspan(*run)) for run in runs}
    best = max(runs, key=similarity.__getitem__)
    if similarity[best] >= _EDGE_RESEMBLANCE:
        return best
    return min(runs, key=lambda run: abs(run[1] - run[0] - len(words)))
