"""Text as known-claims matching and search compare it: one canonical word per name,
number and stem, whatever spelling, format, tense or reporting verb the writer used.

"Biden warned Kiev could be sacked" and "Joe Biden warns that Kyiv may be captured"
both read as `biden warn kyiv sack`: diacritics and case folded, apostrophes unified,
names mapped to their canonical name (data/names.yaml, plus the aliases stored in the
database), numbers to their value ("100k", "100,000" and "one hundred thousand" are
`#100000`), other words to their Snowball stem, common synonyms to one word, and
stopwords and reporting verbs ("said", "according to") dropped. The words a negation
governs are noted, so that a denial never reads as the claim it denies. Pure functions, apart from
the alias table that `Lexicon` is built from.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import snowballstemmer
import yaml

from app.services.numbers import read_quantity

NAMES_FILE = Path(__file__).parent / "data" / "names.yaml"
# A negation governs the next few content words ("denied that Biden said 'sacked'":
# biden, sack), not the whole text ("the call did not go well" leaves "sacked" alone).
NEGATION_SCOPE = 3

# Snowball stemmers by a language tag's primary subtag; other languages are compared
# by their folded words (still matched, without inflections).
STEMMERS = {
    "en": "english", "de": "german", "fr": "french", "es": "spanish", "it": "italian",
    "pt": "portuguese", "nl": "dutch", "ru": "russian", "sv": "swedish", "no": "norwegian",
    "da": "danish", "fi": "finnish", "hu": "hungarian", "ro": "romanian", "tr": "turkish",
    "uk": "ukrainian", "pl": "polish", "el": "greek", "ar": "arabic", "id": "indonesian",
}

NEGATIONS = frozenset({"not", "no", "never", "nobody", "none", "nothing", "neither", "nor",
                       "false", "untrue", "deny"})
# Words that carry no claim: grammar, and the verbs reporting who said it (reported
# speech must match the claim it reports).
_STOPWORD_TEXT = """
a an the and or but if then than that this these those there here of to in on at by for
from with as into about over under after before between through during up down out off
is are was were be been being am do does did doing have has had having will would shall
should can could may might must it its it's he she they them their his her him we our you
your i me my who whom which what when where why how also just very so too such only own
same other another some any all each both few more most many much one's itself
say says said saying tell tells told claim claims claimed claiming state states stated
according report reports reported reporting add adds added insist insists insisted
suggest suggests suggested stress stresses stressed announce announces announced
note noted notes accord allegedly reportedly apparently once s t
"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split()) - NEGATIONS

_NUMBER_WORD_TEXT = """
zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen
fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty
ninety hundred thousand million billion trillion dozen
"""
NUMBER_WORDS = frozenset(_NUMBER_WORD_TEXT.split())

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'",
                              "\u201c": '"', "\u201d": '"'})
# "didn't" -> "did not": the negation stays a word of its own.
_NOT = re.compile(r"\b(can)'?t\b|\b(won)'t\b|n't\b", re.IGNORECASE)
# The United States as "US"/"U.S." (upper case only: "us" is a pronoun).
_US = re.compile(r"\bU\.?S\.?(?:A\.?)?(?=\W|$)")
_WORD = re.compile(r"[$€£]?\d[\d,]*(?:\.\d+)?(?:%|bn|mn|tn|k|m|b)?(?![\w])|\w+")
_HYPHEN = re.compile(r"(?<=[a-z])-(?=[a-z])")
_CAPITALISED = re.compile(r"\b[A-Z][a-z]\w*")
_SHORT_FIGURE = re.compile(r"(\d+(?:\.\d+)?)(k|m|mn|bn|b|tn)")
_SCALE = {"k": 10**3, "m": 10**6, "mn": 10**6, "b": 10**9, "bn": 10**9, "tn": 10**12}


def fold(text: str) -> str:
    """Lower case, without diacritics, with one kind of apostrophe: what is compared."""
    text = unicodedata.normalize("NFKC", text).translate(_APOSTROPHES)
    if text.isascii():
        return text.lower()  # nothing to decompose (most news text)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


def words(text: str) -> list[str]:
    """The folded words of `text`, numbers kept whole ("100,000", "$2.5bn", "3%")."""
    text = unicodedata.normalize("NFKC", text).translate(_APOSTROPHES)
    text = _US.sub(" united states ", text)
    text = _NOT.sub(lambda m: f" {m.group(1) or m.group(2) or ''} not", text)
    text = re.sub(r"'s\b", "", text)  # possessives: "Russia's" is Russia
    text = _HYPHEN.sub("", fold(text))  # "cease-fire" is "ceasefire"
    return _WORD.findall(text)


def _number(tokens: list[str], i: int) -> tuple[str, int] | None:
    """The number starting at tokens[i] as `#value`, and how many words it takes."""
    short = _SHORT_FIGURE.fullmatch(tokens[i])
    if short:
        value = float(short[1]) * _SCALE[short[2]]
        return f"#{value:g}" if value != int(value) else f"#{int(value)}", 1
    head = tokens[i]
    if not (head[0].isdigit() or head[0] in "$€£-+") and head not in NUMBER_WORDS:
        return None  # (text2num is asked only about words that may start a number)
    found = read_quantity(tuple(tokens[i:i + 8]))
    if found and found[1] == 1 and head in ("one", "a"):
        return None  # "no one", "one of them": a pronoun more often than a count
    return (f"#{found[0]}", found[1]) if found else None


def _stem_words(lexicon: dict[str, str], stemmer) -> dict[str, str]:
    return {stemmer.stemWord(k): stemmer.stemWord(v) for k, v in lexicon.items()}


@dataclass(eq=False)  # compared (and cached) by identity
class Lexicon:
    """Names (phrases of folded words -> canonical name) and synonyms (stem -> stem)."""

    names: dict[tuple[str, ...], str] = field(default_factory=dict)
    longest: dict[str, int] = field(default_factory=dict)  # first word -> longest name
    synonyms: dict[str, str] = field(default_factory=dict)
    synonym_words: dict[str, set[str]] = field(default_factory=dict)  # head -> its words
    # canonical name -> every way of writing it (metonyms included), for matching's
    # index queries; and its spellings only (no metonyms), for search
    variants: dict[str, set[tuple[str, ...]]] = field(default_factory=dict)
    spellings: dict[str, set[tuple[str, ...]]] = field(default_factory=dict)

    def add_name(self, canonical: str, spelling: str, *, metonym: bool = False) -> None:
        key = tuple(words(spelling))
        canon = " ".join(words(canonical))
        if not key or not canon:
            return
        # A stored alias may chain onto a shipped name ("Kyivv" -> "Kiev" -> "kyiv").
        canon = self.names.get(tuple(canon.split()), canon)
        self.names.setdefault(key, canon)
        self.longest[key[0]] = max(self.longest.get(key[0], 0), len(key))
        self.variants.setdefault(canon, set()).update({key, tuple(canon.split())})
        if not metonym:
            self.spellings.setdefault(canon, set()).update({key, tuple(canon.split())})

    def with_aliases(self, pairs: list[tuple[str, str]]) -> Lexicon:
        """This lexicon and (name, alias) pairs from the database."""
        extended = Lexicon(dict(self.names), dict(self.longest), dict(self.synonyms),
                           self.synonym_words,
                           {k: set(v) for k, v in self.variants.items()},
                           {k: set(v) for k, v in self.spellings.items()})
        for name, alias in pairs:
            canon = extended.names.get(tuple(words(name)))
            extended.add_name(canon or name, name)
            extended.add_name(canon or name, alias)
        return extended


@lru_cache(maxsize=1)
def shipped_lexicon() -> Lexicon:
    """The lexicon of data/names.yaml."""
    data = yaml.safe_load(NAMES_FILE.read_text(encoding="utf-8"))
    lexicon = Lexicon()
    for group in data["names"]:
        for spelling in group:
            lexicon.add_name(group[0], spelling)
    for group in data["metonyms"]:
        for spelling in group:
            lexicon.add_name(group[0], spelling, metonym=True)
    stem = stemmer_for("en")
    for group in data["synonyms"]:
        head = stem.stemWord(fold(group[0]))
        for word in group:
            lexicon.synonyms[stem.stemWord(fold(word))] = head
            lexicon.synonym_words.setdefault(head, set()).update(words(word))
    return lexicon


@lru_cache(maxsize=32)
def stemmer_for(language: str):
    """The Snowball stemmer of a BCP-47 tag's language, or None."""
    name = STEMMERS.get(language.split("-")[0].lower())
    return snowballstemmer.stemmer(name) if name else None


@lru_cache(maxsize=200_000)
def _stem(language: str, word: str) -> str:
    # Snowball in pure Python costs far more than a cache look-up; news reuses its words.
    return stemmer_for(language).stemWord(word)


@dataclass(frozen=True)
class Reading:
    """A text as matching compares it."""

    tokens: tuple[str, ...]  # canonical words, in order (names, #numbers, stems)
    names: frozenset[str]
    numbers: frozenset[str]
    negated: frozenset[str]  # words a negation governs ("no one said sacked": sack)
    # canonical word -> the words the text wrote it with (for index queries)
    surfaces: dict[str, set[tuple[str, ...]]] = field(default_factory=dict, compare=False)


def read(text: str, *, language: str = "en", lexicon: Lexicon | None = None) -> Reading:
    """`text` as canonical words (see the module docstring)."""
    lexicon = lexicon or shipped_lexicon()
    stemmer = stemmer_for(language)
    english = stemmer is not None and language.split("-")[0].lower() == "en"
    raw = words(text)
    # Capitalised words are names as well (names.yaml does not know every town): they
    # weigh as names do. (A sentence's first word too, unless a common one.)
    proper = {fold(w) for w in _CAPITALISED.findall(text)}
    tokens: list[str] = []
    names: set[str] = set()
    numbers: set[str] = set()
    negated: set[str] = set()
    scope = 0  # content words still governed by the last negation
    surfaces: dict[str, set[tuple[str, ...]]] = {}
    i = 0
    while i < len(raw):
        for size in range(min(lexicon.longest.get(raw[i], 0), len(raw) - i), 0, -1):
            canon = lexicon.names.get(tuple(raw[i:i + size]))
            if canon is not None:
                surfaces.setdefault(canon, set()).add(tuple(raw[i:i + size]))
                tokens.append(canon)
                names.add(canon)
                if scope:
                    negated.add(canon)
                    scope -= 1
                i += size
                break
        else:
            number = _number(raw, i)
            if number is not None:
                surfaces.setdefault(number[0], set()).add(tuple(raw[i:i + number[1]]))
                tokens.append(number[0])
                numbers.add(number[0])
                if scope:
                    negated.add(number[0])
                    scope -= 1
                i += number[1]
                continue
            word = raw[i]
            i += 1
            if word in NEGATIONS or (english and word.startswith(("deni", "refus"))):
                scope = NEGATION_SCOPE
                continue
            if english and word in STOPWORDS:
                continue
            stem = _stem(language, word) if stemmer else word
            if english:
                stem = lexicon.synonyms.get(stem, stem)
            surfaces.setdefault(stem, set()).add((word,))
            tokens.append(stem)
            if word in proper and stem not in lexicon.synonym_words:  # (heads of synonyms)
                names.add(stem)
            if scope:
                negated.add(stem)
                scope -= 1
    return Reading(tuple(tokens), frozenset(names), frozenset(numbers), frozenset(negated),
                   surfaces)


def number_forms(token: str) -> set[tuple[str, ...]]:
    """How a `#value` may be written, as the full-text indexes cut words: "100000",
    "100,000" (two words there), "100k", "100 thousand"."""
    value = token[1:]
    forms = {(value,)}
    if value.isdigit():
        n = int(value)
        forms.add(tuple(f"{n:,}".split(",")))
        for scale, word, short in ((10**9, "billion", "bn"), (10**6, "million", "m"),
                                   (10**3, "thousand", "k")):
            if n >= scale and n % scale == 0:
                forms.update({(str(n // scale), word), (f"{n // scale}{short}",)})
                break
    return forms


def search_forms(token: str, reading: Reading, lexicon: Lexicon | None = None
                 ) -> set[tuple[str, ...]]:
    """Every way `token` (a canonical word of `reading`) may be written in a stored text:
    the phrases a full-text query should look for (each a tuple of words)."""
    lexicon = lexicon or shipped_lexicon()
    forms = set(reading.surfaces.get(token, ()))
    if token.startswith("#"):
        forms |= number_forms(token)
    forms |= lexicon.variants.get(token, set())
    forms |= {(w,) for w in lexicon.synonym_words.get(token, ())}
    return forms


def query_groups(text: str, lexicon: Lexicon | None = None) -> list[set[tuple[str, ...]]]:
    """A search's words, each as every way of writing it: a name as all its spellings
    ("kiev" -> kyiv, kiev...), a number as its formats, other words as typed (the index
    stems them). Each group is one word of the search; a group holds phrases."""
    lexicon = lexicon or shipped_lexicon()
    raw = [w for w in words(text) if re.fullmatch(r"\w+", w) or _number(words(w), 0)]
    groups: list[set[tuple[str, ...]]] = []
    i = 0
    while i < len(raw):
        for size in range(min(lexicon.longest.get(raw[i], 0), len(raw) - i), 0, -1):
            canon = lexicon.names.get(tuple(raw[i:i + size]))
            if canon is not None:
                typed = tuple(raw[i:i + size])
                spellings = lexicon.spellings.get(canon, set())
                # a metonym ("Moscow") is searched as typed, a spelling as all of them
                groups.append(set(spellings) | {typed} if typed in spellings else {typed})
                i += size
                break
        else:
            number = _number(raw, i) if raw[i][0].isdigit() else None
            if number is not None:
                groups.append(number_forms(number[0]))
                i += number[1]
                continue
            groups.append({tuple(re.findall(r"\w+", raw[i]))})
            i += 1
    return [{f for f in g if f and all(re.fullmatch(r"\w+", w) for w in f)} for g in groups]
