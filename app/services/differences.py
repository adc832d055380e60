"""The differences of a quote: each aligned difference between the quoted and the stored
words, with its kind and whether it changes what was said.

Kinds, as a standards editor sorts them:

- cosmetic: punctuation, case or typography between or in the speaker's words.
- editorial: what newsroom style allows — square brackets that stand for the words they
  replace (a pronoun, a name: "[The minister]" for "She") or add a clarification
  ("[Joe] Biden"), letters changed in brackets ("[T]he"), [sic], and a number written
  another way ("$5000" for "$5,000", "5" for "five", "3%" for "3 percent").
- omission: words left out, marked by an ellipsis (detail "ellipsis") or not ("unmarked").
- substitution, insertion, reordering: the speaker's words changed, added or moved; a
  bracket that replaces words it cannot stand for (a verb, a figure, another name) is a
  substitution too.

A difference changes meaning when it adds, drops or replaces a negation, a number or
quantity, a name, a modal or hedge ("may", "will", "only", "never", "all"), or puts an
antonym in a word's place. An ellipsis changes meaning only through the words it drops
from the clauses the quote keeps: leaving out whole sentences or whole clauses set off by
punctuation is condensing, but "We will … raise taxes" drops the "not" of the very clause
it quotes. A bracket may add a name or a description, never a negation, number or hedge.

The state follows (`alters`): a quote is altered by any substitution, insertion,
reordering or unmarked omission, and by any difference that changes meaning; cosmetic and
editorial differences and a harmless ellipsis leave it verbatim.

Each difference is a JSON object stored on the quote:
{"kind", "detail", "quote", "text", "changes_meaning", "meaning": [categories], "words"}.
The word lists below are English newsroom vocabulary, kept as tables so they are read
and extended in one place.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from app.services.numbers import is_numeric
from app.services.quote_words import SPACE, Bracket, Marker, Quote, Text, Word, fold

KINDS = ("cosmetic", "editorial", "omission", "substitution", "insertion", "reordering")
MEANINGS = ("negation", "antonym", "number", "name", "hedge")  # most serious first
DETAILS = (
    "case", "punctuation", "typography",  # cosmetic
    "bracket_replacement", "bracket_insertion", "bracketed_letters", "sic",  # editorial
    "number_format",
    "ellipsis", "unmarked",  # omission
    "bracket",  # substitution or insertion made in brackets
)
ALTERING_KINDS = frozenset({"substitution", "insertion", "reordering"})

NEGATIONS = frozenset({
    "not", "no", "never", "nobody", "none", "nothing", "nowhere", "neither", "nor",
    "without", "cannot", "no-one", "noone", "hardly", "barely", "scarcely",
})
MODALS = frozenset({"may", "might", "can", "could", "will", "would", "shall", "should",
                    "must", "ought"})
# Modal forms inside contractions: "won't" is will + not, "I'll" holds will.
_CONTRACTED_MODALS = {"wo": "will", "ca": "can", "sha": "shall", "'ll": "will", "'d": "would"}
# Hedges and absolutes: how sure, how often, how many, how far.
HEDGES = frozenset({
    "only", "always", "never", "all", "every", "each", "some", "most", "many", "few",
    "fewer", "least", "possibly", "probably", "perhaps", "maybe", "likely", "unlikely",
    "certainly", "definitely", "surely", "apparently", "allegedly", "reportedly",
    "supposedly", "potentially", "almost", "nearly", "approximately", "roughly", "partly",
    "partially", "mostly", "largely", "mainly", "merely", "solely", "entirely",
    "completely", "totally", "fully", "absolutely", "sometimes", "often", "usually",
    "rarely", "seldom", "generally", "occasionally", "if", "unless",
})
# Words that hedge only a figure: "about 100,000", "over 100,000", "just one".
APPROXIMATORS = frozenset({"about", "around", "over", "under", "more", "less", "just",
                           "up", "below", "above", "than", "plus"})
# Quantities without figures.
QUANTITY_WORDS = frozenset({
    "half", "quarter", "dozen", "dozens", "hundreds", "thousands", "millions", "billions",
    "twice", "double", "triple", "tens", "scores",
})
# What a bracket may stand for without being checked against the text: pronouns and
# other words whose referent the clarification names.
REFERENCE_WORDS = frozenset({
    "he", "she", "it", "they", "we", "you", "i", "him", "her", "them", "us", "me", "his",
    "hers", "its", "their", "theirs", "our", "ours", "my", "mine", "your", "yours", "this",
    "that", "these", "those", "here", "there", "then", "himself", "herself", "itself",
    "themselves", "ourselves", "who", "whom", "which", "one",
})
DETERMINERS = frozenset({"the", "a", "an"})
# Words that open a subordinate clause, and words that join clauses of equal rank.
SUBORDINATORS = frozenset({"that", "which", "who", "whom", "whose", "where", "when",
                           "because", "although", "though", "while", "whereas", "if",
                           "unless", "since", "until"})
COORDINATORS = frozenset({"and", "but", "or", "nor", "yet", "so"})
# A bracketed insertion clarifies in a few words and states nothing: one that runs longer
# or holds a verb of its own ("[The ship is sinking]") puts words in the speaker's mouth.
MAX_CLARIFICATION_WORDS = 6
CLAIM_VERBS = frozenset({"is", "are", "was", "were", "be", "been", "has", "have", "had",
                         "do", "does", "did", "said", "says", "say"} | MODALS)
# Bracketed names this alike are one name respelt ("Kyiv" ~ "Kiev": 75).
RESPELT_MIN_SIMILARITY = 75.0
# Opposites that newsroom quotes turn on, both ways, with their common inflections;
# prefixes make many more ("possible"/"impossible", "agree"/"disagree").
_ANTONYM_PAIRS = [
    ("yes", "no"), ("true", "false"), ("win", "lose"), ("won", "lost"), ("wins", "loses"),
    ("winning", "losing"), ("winner", "loser"), ("rise", "fall"), ("rose", "fell"),
    ("rising", "falling"), ("rises", "falls"), ("up", "down"), ("increase", "decrease"),
    ("increased", "decreased"), ("increase", "cut"), ("raise", "cut"), ("raise", "lower"),
    ("more", "less"), ("more", "fewer"), ("most", "least"), ("higher", "lower"),
    ("high", "low"), ("better", "worse"), ("best", "worst"), ("good", "bad"),
    ("well", "badly"), ("well", "poorly"), ("success", "failure"), ("succeed", "fail"),
    ("succeeded", "failed"), ("support", "oppose"), ("supported", "opposed"),
    ("supports", "opposes"), ("for", "against"), ("accept", "reject"),
    ("accepted", "rejected"), ("approve", "reject"), ("approved", "rejected"),
    ("allow", "forbid"), ("allow", "ban"), ("allowed", "banned"), ("always", "never"),
    ("all", "none"), ("everyone", "nobody"), ("everything", "nothing"), ("before", "after"),
    ("earlier", "later"), ("early", "late"), ("first", "last"), ("start", "stop"),
    ("begin", "end"), ("open", "closed"), ("open", "close"), ("opened", "closed"),
    ("strong", "weak"), ("stronger", "weaker"), ("large", "small"), ("larger", "smaller"),
    ("big", "small"), ("bigger", "smaller"), ("many", "few"), ("maximum", "minimum"),
    ("attack", "defend"), ("war", "peace"), ("guilty", "innocent"), ("safe", "dangerous"),
    ("right", "wrong"), ("confirm", "deny"), ("confirmed", "denied"), ("admit", "deny"),
    ("admitted", "denied"), ("include", "exclude"), ("included", "excluded"),
    ("inside", "outside"), ("advance", "retreat"), ("friend", "enemy"), ("ally", "enemy"),
    ("allies", "enemies"), ("buy", "sell"), ("gain", "loss"), ("profit", "loss"),
    ("positive", "negative"), ("hot", "cold"), ("love", "hate"), ("remember", "forget"),
    ("present", "absent"), ("above", "below"), ("north", "south"), ("east", "west"),
    ("northern", "southern"), ("eastern", "western"), ("legal", "illegal"),
    ("escalate", "de-escalate"), ("escalation", "de-escalation"), ("join", "leave"),
    ("enter", "leave"), ("entered", "left"), ("arrive", "leave"), ("arrived", "left"),
    ("agree", "refuse"), ("agreed", "refused"), ("must", "may"), ("certain", "possible"),
]
ANTONYMS = frozenset(frozenset(pair) for pair in _ANTONYM_PAIRS)
_NEGATING_PREFIXES = ("un", "in", "im", "il", "ir", "dis", "non", "non-", "de-")


def is_negation(key: str) -> bool:
    return key in NEGATIONS or key.endswith("n't")


def modal(key: str) -> str | None:
    """The modal a word is or holds: "won't" -> will, "she'll" -> will, "may" -> may."""
    if key in MODALS:
        return key
    if key.endswith("n't"):
        base = key[:-3]
        return _CONTRACTED_MODALS.get(base) or (base if base in MODALS else None)
    for ending in ("'ll", "'d"):
        if key.endswith(ending) and len(key) > len(ending):
            return _CONTRACTED_MODALS[ending]
    return None


def are_antonyms(a: str, b: str) -> bool:
    if a == b:
        return False
    if frozenset((a, b)) in ANTONYMS:
        return True
    short, long = sorted((a, b), key=len)
    return len(short) >= 4 and any(long == prefix + short for prefix in _NEGATING_PREFIXES)


# -- what the words of one side hold --------------------------------------------------------


@dataclass(frozen=True)
class _Side:
    """Words of one side of a difference: keys, surfaces and which are names."""

    keys: tuple[str, ...]
    surfaces: tuple[str, ...]
    names: tuple[bool, ...]

    def carriers(self) -> list[tuple[str, str, str]]:
        """(category, comparable form, word as written) for each meaning a word carries:
        "won't" carries a negation ("not") and a modal ("will")."""
        found = []
        for i, (key, surface, name) in enumerate(
                zip(self.keys, self.surfaces, self.names, strict=True)):
            nxt = self.keys[i + 1] if i + 1 < len(self.keys) else ""
            if is_negation(key):
                found.append(("negation", "not", surface))
            if _quantity(self.keys, i, surface):
                found.append(("number", key, surface))
            if name:
                found.append(("name", key, surface))
            approximates = key in APPROXIMATORS and (is_numeric(nxt) or nxt in QUANTITY_WORDS)
            hedge = modal(key) or (key if key in HEDGES or approximates else None)
            if hedge:
                found.append(("hedge", hedge, surface))
        return found

    def holding(self) -> dict[str, list[str]]:
        """Each meaning category -> the words (as written) that carry it."""
        found: dict[str, list[str]] = {m: [] for m in MEANINGS}
        for category, _, surface in self.carriers():
            found[category].append(surface)
        return found

    def counted(self) -> dict[str, Counter]:
        """Each category -> the multiset of what carries it, in comparable form."""
        found: dict[str, Counter] = {m: Counter() for m in MEANINGS}
        for category, form, _ in self.carriers():
            found[category][form] += 1
        return found


def _quantity(keys: Sequence[str], i: int, surface: str) -> bool:
    """Whether word i is a number or quantity ("one" in "no one" is a pronoun)."""
    if surface.casefold() == "one" and i and keys[i - 1] in _PRONOUN_ONE:
        return False
    return is_numeric(keys[i]) or keys[i] in QUANTITY_WORDS


_PRONOUN_ONE = frozenset({"no", "any", "every", "some", "each", "the", "this", "that",
                          "which"})


def _side(source: str, found: Sequence[Word], names: Sequence[bool]) -> _Side:
    return _Side(tuple(w.key for w in found), tuple(source[w.start : w.end] for w in found),
                 tuple(names))


# A difference's keys, in the order the engine writes them and DifferenceSchema dumps them.
FIELDS = ("kind", "detail", "quote", "text", "changes_meaning", "meaning", "words")


def _difference(kind: str, detail: str | None, quote: str, text: str,
                meaning: Iterable[str] = (), words: Iterable[str] = ()) -> dict:
    meaning = [m for m in MEANINGS if m in set(meaning)]
    return {"kind": kind, "detail": detail, "quote": quote, "text": text,
            "changes_meaning": bool(meaning), "meaning": meaning,
            "words": list(dict.fromkeys(words))}


def _carried(side: _Side, categories: Iterable[str] = MEANINGS) -> tuple[list[str], list[str]]:
    """Categories present on one side (added or dropped words), and their words."""
    holding = side.holding()
    meaning = [m for m in categories if holding[m]]
    return meaning, [w for m in meaning for w in holding[m]]


def _compared(quoted: _Side, original: _Side) -> tuple[list[str], list[str]]:
    """Categories where one side's words differ from the other's, and those words."""
    q, t = quoted.counted(), original.counted()
    meaning = [m for m in MEANINGS if m != "antonym" and q[m] != t[m]]
    words = []
    q_words, t_words = quoted.holding(), original.holding()
    for m in meaning:
        words += q_words[m] + t_words[m]
    opposed = [(sa, sb) for a, sa in zip(quoted.keys, quoted.surfaces, strict=True)
               for b, sb in zip(original.keys, original.surfaces, strict=True)
               if are_antonyms(a, b)]
    if opposed:
        meaning.append("antonym")
        words += [w for pair in opposed for w in pair]
    return meaning, words


# -- the aligned passage, op by op ----------------------------------------------------------


@dataclass
class Op:
    """One step of the alignment of a quote with its passage.

    tag: equal | replace | delete (quote-only words) | insert (text-only words) |
    omission (an ellipsis: `text` is what it leaves out) | bracket | sic.
    `quote` and `text` are word index ranges; `marker` is the ellipsis or [sic].
    """

    tag: str
    quote: tuple[int, int]
    text: tuple[int, int]
    bracket: Bracket | None = None
    marker: Marker | None = None


def classify(quote: Quote, stored: Text, ops: list[Op]) -> list[dict]:
    """Every difference between the quote and its passage, in the quote's order."""
    differences: list[dict] = []
    moves = _moves(quote, stored, ops)
    for i, op in enumerate(ops):
        if i in moves:
            if moves[i] > i:
                differences.append(_reordering(quote, stored, op, ops[moves[i]]))
        elif op.tag == "equal":
            differences += _equal(quote, stored, op)
        elif op.tag == "replace":
            differences.append(_substitution(quote, stored, op))
        elif op.tag == "delete":
            differences.append(_insertion(quote, stored, op))
        elif op.tag == "insert":
            differences.append(_omission(quote, stored, op, marked=False))
        elif op.tag == "omission":
            differences.append(_omission(quote, stored, op, marked=True))
        elif op.tag == "bracket":
            differences += _bracketed(quote, stored, op)
        elif op.tag == "sic":
            differences.append(_sic(quote, stored, op))
    return differences


def alters(difference: dict) -> bool:
    """Whether this difference makes the quote altered rather than verbatim."""
    return (difference["kind"] in ALTERING_KINDS or difference["changes_meaning"]
            or (difference["kind"] == "omission" and difference["detail"] == "unmarked"))


def _quote_side(quote: Quote, lo: int, hi: int) -> _Side:
    return _side(quote.exact, quote.words[lo:hi], quote.names[lo:hi])


def _text_side(stored: Text, lo: int, hi: int) -> _Side:
    return _side(stored.text, stored.words[lo:hi], stored.names[lo:hi])


def _moves(quote: Quote, stored: Text, ops: list[Op]) -> dict[int, int]:
    """Quote-only and text-only runs of the same words: the words were moved."""
    pairs: dict[int, int] = {}
    for i, op in enumerate(ops):
        if op.tag != "delete" or i in pairs:
            continue
        keys = [w.key for w in quote.words[op.quote[0] : op.quote[1]]]
        for j, other in enumerate(ops):
            if other.tag == "insert" and j not in pairs and stored.keys[
                    other.text[0] : other.text[1]] == keys:
                pairs[i], pairs[j] = j, i
                break
    return pairs


def _reordering(quote: Quote, stored: Text, a: Op, b: Op) -> dict:
    moved = a if a.tag == "delete" else b
    there = b if moved is a else a
    return _difference("reordering", None, quote.surface(*moved.quote), stored.surface(*there.text))


def _equal(quote: Quote, stored: Text, op: Op) -> list[dict]:
    """Cosmetic and number-format differences between words that are the same words."""
    (q_lo, q_hi), (t_lo, _) = op.quote, op.text
    marks: dict[str, set[int]] = {a: set() for a in
                                  ("number_format", "bracketed_letters", "punctuation",
                                   "case", "typography")}
    for n in range(q_hi - q_lo):
        qw, tw = quote.words[q_lo + n], stored.words[t_lo + n]
        q_raw, t_raw = quote.exact[qw.start : qw.end], stored.text[tw.start : tw.end]
        q_fold, t_fold = SPACE.sub(" ", fold(q_raw)), SPACE.sub(" ", fold(t_raw))
        if qw.edited:
            marks["bracketed_letters"].add(n)
        elif is_numeric(qw.key) and q_fold.casefold() != t_fold.casefold():
            marks["number_format"].add(n)
        else:
            if q_fold != t_fold and q_fold.casefold() == t_fold.casefold():
                marks["case"].add(n)
            if q_raw.casefold() != t_raw.casefold() and q_fold.casefold() == t_fold.casefold():
                marks["typography"].add(n)
        if n + 1 < q_hi - q_lo:
            q_gap = quote.exact[qw.end : quote.words[q_lo + n + 1].start]
            t_gap = stored.text[tw.end : stored.words[t_lo + n + 1].start]
            aspect = _gap_difference(q_gap, t_gap)
            if aspect:
                marks[aspect].update((n, n + 1))
    found = []
    for aspect, positions in marks.items():
        kind = "editorial" if aspect in ("number_format", "bracketed_letters") else "cosmetic"
        for lo, hi in _runs(sorted(positions)):
            found.append((lo, KINDS.index(kind), _difference(
                kind, aspect, quote.surface(q_lo + lo, q_lo + hi),
                stored.surface(t_lo + lo, t_lo + hi))))
    return [d for *_, d in sorted(found, key=lambda f: f[:2])]


def _gap_difference(quoted: str, original: str) -> str | None:
    """How the punctuation between two words differs: "punctuation", "typography" or not.

    Quotation marks count only where both sides have them: a quote nests differently in
    the quoting text than in the report that quotes it ("did not go well" inside
    "in a call that ‘did not go well,’").
    """
    q, t = SPACE.sub("", quoted), SPACE.sub("", original)
    q_marks, t_marks = [c for c in q if fold(c) in "'\""], [c for c in t if fold(c) in "'\""]
    q_rest, t_rest = [c for c in q if fold(c) not in "'\""], [c for c in t if fold(c) not in "'\""]
    if fold("".join(q_rest)) != fold("".join(t_rest)):
        return "punctuation"
    if q_rest != t_rest or (q_marks and t_marks and q_marks != t_marks):
        return "typography"
    return None


def _runs(positions: list[int]) -> list[tuple[int, int]]:
    runs: list[tuple[int, int]] = []
    for p in positions:
        if runs and runs[-1][1] == p:
            runs[-1] = (runs[-1][0], p + 1)
        else:
            runs.append((p, p + 1))
    return runs


def _substitution(quote: Quote, stored: Text, op: Op) -> dict:
    meaning, words = _compared(_quote_side(quote, *op.quote), _text_side(stored, *op.text))
    return _difference("substitution", None, quote.surface(*op.quote),
                       stored.surface(*op.text), meaning, words)


def _insertion(quote: Quote, stored: Text, op: Op) -> dict:
    meaning, words = _carried(_quote_side(quote, *op.quote))
    return _difference("insertion", None, quote.surface(*op.quote), "", meaning, words)


def _omission(quote: Quote, stored: Text, op: Op, *, marked: bool) -> dict:
    lo, hi = op.text
    if marked:
        kept = _attached(stored, lo, hi)
        mark = quote.exact[op.marker.start : op.marker.end] if op.marker else "…"
        if lo == hi:  # an ellipsis that leaves nothing out is punctuation
            return _difference("cosmetic", "punctuation", mark, "")
        dropped = _side(stored.text, [stored.words[i] for i in kept],
                        [stored.names[i] for i in kept])
    else:
        mark, dropped = "", _text_side(stored, lo, hi)
    meaning, words = _carried(dropped)
    return _difference("omission", "ellipsis" if marked else "unmarked", mark,
                       stored.surface(lo, hi), meaning, words)


def _attached(stored: Text, lo: int, hi: int) -> list[int]:
    """Words lo..hi left out by an ellipsis that belong to a clause the quote keeps: those
    joined, with no clause break, to the quoted word before or the quoted word after.

    The clause the quote breaks off ends at a subordinating word ("options that he could
    pursue": the "could" is the relative clause's); the quote resumes a clause of its own
    when it resumes with a conjunction ("… and will stay focused").
    """
    kept = set()
    for i in range(lo, hi):  # the end of the clause the quote breaks off
        if stored.clause_breaks[i]:
            break
        kept.add(i)
        if stored.keys[i] in SUBORDINATORS:
            break
    if hi < len(stored) and stored.keys[hi] not in COORDINATORS:
        for i in range(hi - 1, lo - 1, -1):  # the start of the clause the quote resumes
            if stored.clause_breaks[i + 1]:
                break
            kept.add(i)
    return sorted(kept)


def _bracketed(quote: Quote, stored: Text, op: Op) -> list[dict]:
    bracket = op.bracket
    lo, hi = op.text
    shown = quote.exact[bracket.start : bracket.end]
    inside = _side(quote.exact, bracket.words,
                   [w.key in stored.name_keys or _looks_like_name(quote.exact, w)
                    for w in bracket.words])
    replaced = _text_side(stored, lo, hi)
    b_keys, r_keys = list(inside.keys), list(replaced.keys)
    if b_keys == r_keys:
        own = stored.text[stored.words[lo].start - 1 : stored.words[hi - 1].end + 1]
        if own.startswith("[") and own.endswith("]"):
            return []  # the text has these brackets too
        return [_difference("cosmetic", "punctuation", shown, stored.surface(lo, hi))]

    def new_claims() -> tuple[list[str], list[str]]:
        # what the brackets add that the replaced words do not hold
        added, had = inside.holding(), replaced.holding()
        meaning = [m for m in ("negation", "number", "hedge")
                   if Counter(added[m]) - Counter(had[m])]
        return meaning, [w for m in meaning for w in added[m]]

    if lo == hi:
        if len(b_keys) > MAX_CLARIFICATION_WORDS or any(k in CLAIM_VERBS for k in b_keys):
            # a clause of the editor's, not a clarification: words put in the speaker's mouth
            return [_difference("insertion", "bracket", shown, "", *_carried(inside))]
        return [_difference("editorial", "bracket_insertion", shown, "", *new_claims())]
    text = stored.surface(lo, hi)
    if all(k in REFERENCE_WORDS or k in DETERMINERS for k in r_keys):
        return [_difference("editorial", "bracket_replacement", shown, text, *new_claims())]
    named = {k for k, name in zip(r_keys, replaced.names, strict=True) if name}
    if named and all(k in named or k in DETERMINERS or k in REFERENCE_WORDS for k in r_keys):
        # English names its head last: "[the Russian leader]" describes someone,
        # "[Vladimir Putin]" names him
        head = b_keys[-1] if inside.names[-1] else None
        if named <= set(b_keys) or head is None or any(
                _respelt(head, name) for name in named):
            # the fuller name, a description of whoever is named, or the name respelt
            return [_difference("editorial", "bracket_replacement", shown, text, *new_claims())]
        return [_difference("substitution", "bracket", shown, text, ["name"],
                            [*inside.surfaces, *replaced.surfaces])]
    if set(r_keys) <= set(b_keys):
        return [_difference("editorial", "bracket_replacement", shown, text, *new_claims())]
    meaning, words = _compared(inside, replaced)
    return [_difference("substitution", "bracket", shown, text, meaning, words)]


def _respelt(a: str, b: str) -> bool:
    """The same name in another spelling or transliteration ("Kyiv" for "Kiev",
    "Zelenskyy" for "Zelensky"): the same first letter and mostly the same letters."""
    return a[:1] == b[:1] and fuzz.ratio(a, b) >= RESPELT_MIN_SIMILARITY


def _looks_like_name(source: str, word: Word) -> bool:
    surface = source[word.start : word.end]
    return surface[:1].isupper() and word.key not in DETERMINERS | REFERENCE_WORDS


def _sic(quote: Quote, stored: Text, op: Op) -> dict:
    before = quote.words[op.marker.at - 1]
    shown = quote.exact[before.start : op.marker.end]
    return _difference("editorial", "sic", shown, stored.surface(*op.text))


# -- in a few words, for a summary ----------------------------------------------------------

_EDITORIAL = {
    "bracket_replacement": "editor's clarification in brackets",
    "bracket_insertion": "editor's insertion in brackets",
    "bracketed_letters": "letters changed in brackets",
    "sic": "[sic]",
    "number_format": "a number written another way",
}


def reason(difference: dict) -> str:
    """What a difference is, in a few words: "an ellipsis that drops a negation"."""
    kind, detail = difference["kind"], difference["detail"]
    if kind == "cosmetic":
        label = f"cosmetic ({detail})"
    elif kind == "editorial":
        label = _EDITORIAL.get(detail, "editorial")
    elif kind == "omission":
        label = "an ellipsis" if detail == "ellipsis" else "words left out without an ellipsis"
    elif kind == "substitution" and detail == "bracket":
        label = "brackets replacing words they do not stand for"
    else:
        label = {"substitution": "words changed", "insertion": "words added",
                 "reordering": "words moved"}[kind]
    if difference["changes_meaning"]:
        verb = {"omission": "drops", "insertion": "adds", "editorial": "adds"}.get(kind, "changes")
        label += f" that {verb} " + " and ".join(_MEANING_WORDS[m] for m in difference["meaning"])
    return label


_MEANING_WORDS = {"negation": "a negation", "antonym": "an opposite", "number": "a number",
                  "name": "a name", "hedge": "a qualifier"}
