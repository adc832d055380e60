"""The words of a quote and of a stored text, as the quote-integrity engine compares them.

A word is letters or digits with the punctuation inside it ("you've", "U.S", "10:30"), a
sign or currency sign before it and a percent or degree sign after it. Its *key* is what
is compared: typography folded (‘ ’ → ', dashes → -), case folded, and a quantity read as
one word whatever way it is written ("$5,000", "$5000" and "five thousand dollars" are all
the key "$5000", see app.services.numbers).

A quote is more than its words: an ellipsis ("…", "...", "[…]") marks an omission and
splits the quote into segments; square brackets mark the editor's words, not the
speaker's — a clarification ("[The minister] said"), a letter changed ("[T]he"), or
"[sic]". Words in brackets are kept apart from the speaker's words, which alone are
looked for in the text.

Offsets are into the original strings: folding maps one character to one character.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import NamedTuple

from app.services.numbers import may_start_quantity, read_quantity

FOLD = str.maketrans(
    {
        **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032\u0060\u00b4\u2035", "'"),
        **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb\u2036", '"'),
        **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d", "-"),
    }
)
SPACE = re.compile(r"\s+")
SENTENCE_BREAK = re.compile(r"[.!?]|\n")
# Between two words, what ends a clause: a sentence end, a comma, semicolon, colon,
# parenthesis, ellipsis or a spaced dash. "full-scale" and "we'll" join, not break.
CLAUSE_BREAK = re.compile(r"[.!?;:,()\u2026\n]|\s-|-\s|--")
# Before a word, what starts a sentence for capitalisation: its end, a colon, a quote mark.
_SENTENCE_START = re.compile(r"[.!?:\n\"'(\[]")
WORD = re.compile(r"(?:(?<![\w.,])[-+$€£¥#@](?=\w))?\w+(?:['.,:/&@]\w+)*[%°]?")
ELLIPSIS = re.compile(
    r"\[\s*(?:\u2026|(?:\.\s*){3,})\s*\]|\(\s*(?:\u2026|(?:\.\s*){3,})\s*\)"
    r"|\u2026|\.(?:\s*\.){2,}"
)
_BRACKET = re.compile(r"\[([^\[\]]*)\]")
_SIC = {"sic", "sic!"}
# Only spaces or a hyphen may stand inside one quantity ("50 per cent", "twenty-five").
_QUANTITY_GAP = re.compile(r"[\s-]*")
# Capitalised, but not names of people, places or organisations.
_NOT_NAMES = frozenset(
    {"i", "i'm", "i'll", "i've", "i'd"}
    | {m.casefold() for m in calendar.month_name[1:]}
    | {d.casefold() for d in calendar.day_name}
)


# Words that start sentences without being names: function words, and the openers of
# news prose. Only their capitalised form at a sentence's start is in question.
SENTENCE_OPENERS = frozenset({
    "a", "an", "the", "this", "that", "these", "those", "it", "its", "he", "she", "they", "we",
    "you", "i", "his", "her", "their", "our", "your", "my", "him", "them", "us", "me", "who",
    "whom", "whose", "which", "what", "when", "where", "why", "how", "whether", "if", "unless",
    "because", "as", "since", "while", "although", "though", "after", "before", "until", "once",
    "and", "but", "or", "nor", "so", "yet", "also", "then", "there", "here", "now", "still",
    "even", "just", "only", "not", "no", "yes", "all", "some", "any", "each", "every", "both",
    "either", "neither", "many", "much", "more", "most", "few", "less", "several", "such", "other",
    "another", "one", "two", "three", "in", "on", "at", "by", "for", "from", "with", "without",
    "within", "into", "onto", "of", "off", "out", "over", "under", "about", "above", "below",
    "between", "among", "against", "during", "through", "toward", "towards", "across", "around",
    "behind", "beyond", "near", "per", "via", "is", "are", "was", "were", "be", "been", "being",
    "am", "has", "have", "had", "do", "does", "did", "will", "would", "shall", "should", "can",
    "could", "may", "might", "must", "ought", "asked", "given", "according", "speaking",
    "meanwhile", "however", "instead", "indeed", "earlier", "later", "yesterday", "today",
    "tomorrow", "tonight", "last", "next", "first", "second", "finally", "overall", "already",
    "again", "perhaps", "maybe", "sure", "well", "oh", "ok", "okay", "please", "thank", "thanks",
    "let", "said", "says", "say", "told", "tell"
})


def fold(text: str) -> str:
    return text.translate(FOLD)


def normalise(text: str) -> str:
    """Fold what does not change meaning: typographic quotes, dashes, whitespace."""
    return SPACE.sub(" ", fold(text)).strip()


class Word(NamedTuple):
    key: str  # folded and case-folded: what is compared
    start: int  # offsets in the original string
    end: int
    edited: bool = False  # letters changed in brackets: "[T]he", "want[s]"


def _merge_quantities(words: list[Word], folded: str) -> list[Word]:
    """Each run of words that reads as one quantity becomes one word keyed by its value."""
    merged: list[Word] = []
    i = 0
    keys = [w.key for w in words]
    while i < len(words):
        if not may_start_quantity(keys[i]):
            merged.append(words[i])
            i += 1
            continue
        found = read_quantity(keys[i : i + 8])
        used = 1
        if found is not None:
            key, used = found
            # a quantity does not run over punctuation: "five. Thousand" is two words
            while used > 1 and not all(
                _QUANTITY_GAP.fullmatch(folded[a.end : b.start])
                for a, b in pairwise(words[i : i + used])
            ):
                found = read_quantity(keys[i : i + used - 1])
                key, used = found if found else (keys[i], 1)
            first, last = words[i], words[i + used - 1]
            edited = any(w.edited for w in words[i : i + used])
            merged.append(Word(key, first.start, last.end, edited))
        else:
            merged.append(words[i])
        i += used
    return merged


def words(text: str, folded: str | None = None) -> list[Word]:
    folded = fold(text) if folded is None else folded
    found = [Word(m.group().casefold(), m.start(), m.end()) for m in WORD.finditer(folded)]
    return _merge_quantities(found, folded)


def _capitalised(surface: str) -> bool:
    if surface[:1].isalpha():
        return surface[0].isupper()
    letters = [ch for ch in surface if ch.isalpha()]
    return bool(letters) and letters[0].isupper()


def _all_caps(surface: str) -> bool:
    letters = [ch for ch in surface if ch.isalpha()]
    return len(letters) >= 2 and all(ch.isupper() for ch in letters)


def name_flags(
    source: str, found: Sequence[Word], known: frozenset[str] = frozenset(),
    folded: str | None = None,
) -> list[bool]:
    """Which words are names of people, places or organisations, by their capitals.

    A capitalised word is a name inside a sentence. At a sentence's start, where every
    word is capitalised, it is a name when it is in capitals ("NATO"), among the `known`
    names (the stored text's, for a quote's words), or when it is no common sentence
    opener ("The", "Asked") and the same string never writes it in lower case.
    """
    folded = fold(source) if folded is None else folded
    initial = [
        i == 0 or bool(_SENTENCE_START.search(folded, found[i - 1].end, found[i].start))
        for i in range(len(found))
    ]
    capital = [_capitalised(source[w.start : w.end]) for w in found]
    lower = {w.key for w, cap in zip(found, capital, strict=True) if not cap}
    flags = []
    for w, cap, first in zip(found, capital, initial, strict=True):
        if not cap or w.key in _NOT_NAMES or w.key[:1].isdigit():
            flags.append(False)
        elif not first or _all_caps(source[w.start : w.end]) or (
                w.key in known and w.key not in SENTENCE_OPENERS):
            flags.append(True)
        else:
            flags.append(w.key not in SENTENCE_OPENERS and w.key not in lower)
    return flags


class Text:
    """The stored text as words, with their keys joined for fast search and scoring."""

    def __init__(self, text: str) -> None:
        self.text = text
        folded = fold(text)
        self.words = words(text, folded)
        self.keys = [w.key for w in self.words]
        gaps = [""] + [folded[a.end : b.start] for a, b in pairwise(self.words)]
        # breaks[i] / clause_breaks[i]: a sentence / a clause ends between word i-1 and word i
        self.breaks = [False] + [bool(SENTENCE_BREAK.search(gap)) for gap in gaps[1:]]
        self.clause_breaks = [True] + [bool(CLAUSE_BREAK.search(gap)) for gap in gaps[1:]]
        self.names = name_flags(text, self.words, folded=folded)
        self.name_keys = frozenset(w.key for w, name in zip(self.words, self.names, strict=True)
                                   if name)
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


@dataclass
class Bracket:
    """The editor's words in square brackets, standing before speaker word `at`."""

    at: int
    start: int  # offsets of "[...]" in the quote
    end: int
    words: list[Word]
    segment: int = 0


@dataclass
class Marker:
    """An ellipsis between segments, or a [sic] after speaker word `at` - 1."""

    at: int
    start: int
    end: int


@dataclass
class Quote:
    exact: str
    words: list[Word]  # the speaker's words, in order
    segments: list[tuple[int, int]]  # word index ranges, split at the ellipses
    ellipses: list[Marker]  # one between each two segments
    brackets: list[Bracket] = field(default_factory=list)
    sics: list[Marker] = field(default_factory=list)
    names: list[bool] = field(default_factory=list)

    def surface(self, lo: int, hi: int) -> str:
        return self.exact[self.words[lo].start : self.words[hi - 1].end] if lo < hi else ""


def parse_quote(exact: str) -> Quote:
    """The quote's own words, apart from its ellipses, brackets and [sic]s."""
    folded = fold(exact)
    ellipses = [(m.start(), m.end()) for m in ELLIPSIS.finditer(folded)]
    groups: list[tuple[int, int]] = []
    sics: list[tuple[int, int]] = []
    in_word: set[int] = set()  # offsets of bracket characters inside a word
    for m in _BRACKET.finditer(folded):
        if any(a <= m.start() < b for a, b in ellipses):
            continue
        content = m.group(1).strip()
        touching = (m.start() > 0 and folded[m.start() - 1].isalnum()) or (
            m.end() < len(folded) and folded[m.end()].isalnum())
        if content.casefold() in _SIC:
            sics.append((m.start(), m.end()))
        elif content.isalpha() and touching:
            in_word.update((m.start(), m.end() - 1))
        elif any(ch.isalnum() for ch in content):
            groups.append((m.start(), m.end()))

    # the words, read with the brackets inside words taken out ("[T]he" is "The")
    kept = [i for i in range(len(folded)) if i not in in_word]
    scrubbed = "".join(folded[i] for i in kept)
    found = []
    for m in WORD.finditer(scrubbed):
        start, end = kept[m.start()], kept[m.end() - 1] + 1
        if start - 1 in in_word:
            start -= 1
        if end in in_word:
            end += 1
        edited = any(start <= i < end for i in in_word)
        found.append(Word(m.group().casefold(), start, end, edited))
    found = _merge_quantities(found, folded)

    speaker: list[Word] = []
    brackets: list[Bracket] = []
    for word in found:
        group = next((g for g in groups if g[0] <= word.start < g[1]), None)
        if group is not None:
            if not brackets or brackets[-1].start != group[0]:
                at = len(speaker)
                brackets.append(Bracket(at, group[0], group[1], []))
            brackets[-1].words.append(word)
        elif not any(a <= word.start < b for a, b in sics):
            speaker.append(word)

    def position(offset: int) -> int:  # speaker words before an offset
        return sum(w.start < offset for w in speaker)

    cuts = []
    for a, b in ellipses:
        at = position(a)
        if 0 < at < len(speaker) and (not cuts or cuts[-1].at != at):
            cuts.append(Marker(at, a, b))
    bounds = [0, *(c.at for c in cuts), len(speaker)]
    segments = [(lo, hi) for lo, hi in pairwise(bounds) if lo < hi]
    for bracket in brackets:
        # a bracket after an ellipsis opens the next segment, one before it ends its own
        bracket.segment = min(sum(c.start < bracket.start for c in cuts), len(segments) - 1)
    markers = [Marker(position(a), a, b) for a, b in sics if position(a) > 0]
    quote = Quote(exact, speaker, segments, cuts, brackets, markers)
    return quote
