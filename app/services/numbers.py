"""Quantities in quoted words: the same number written another way reads as one key.

"$5,000", "$5000" and "five thousand dollars" are one quantity; so are "3%", "3 percent"
and "3 per cent", and "$2.5bn" and "$2.5 billion". The quote-integrity engine reads each
such run of words as one word whose key is the quantity ("$5000", "3%", "$2500000000"),
so a number written another way matches, and a different number ("$50,000", "30%",
"2.5 billion" without its currency) does not.

Figures are read by Babel in English (strict: "100,000" and "100000" are 100000,
"100.000" is a hundred, "1000,000" is no number at all); spelled numbers by text2num
("two or three" is 2 or 3, "one hundred thousand" is 100000). Pure functions; the keys
are what is compared, never shown.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal
from functools import lru_cache

from babel.numbers import NumberFormatError, parse_decimal
from text_to_num import text2num

LOCALE = "en"

# A figure as the word regex of the engine cuts it: a sign or currency sign, digits with
# their grouping, and a percent sign or a scale letter ("$2.5bn", "-5", "50%", "8,500").
_FIGURE = re.compile(
    r"(?P<sign>[-+])?(?P<currency>[$€£¥])?(?P<digits>\d[\d,]*(?:\.\d+)?)"
    r"(?P<suffix>%|bn|mn|tn|trn|k|m|b)?"
)
_FIGURE_STARTS = frozenset("0123456789-+$€£¥")
_SCALES = {
    "thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12,
    "k": 10**3, "mn": 10**6, "m": 10**6, "bn": 10**9, "b": 10**9, "tn": 10**12, "trn": 10**12,
}
# "m" and "b" after a bare figure are metres and bytes as often as millions and billions:
# they scale only a sum of money ("$5m").
_MONEY_ONLY_SCALES = {"m", "b", "k"}
_CURRENCY_WORDS = {"dollar": "$", "dollars": "$", "euro": "€", "euros": "€"}
# Words a spelled number may run over ("one hundred and five"); text2num judges the run.
_JOINERS = {"and"}
_MAX_SPELLED_WORDS = 8


@lru_cache(maxsize=4096)
def _spelled(words: tuple[str, ...]) -> int | None:
    try:
        return text2num(" ".join(words), LOCALE)
    except ValueError:
        return None


def _figure(key: str) -> tuple[Decimal, str, str, str] | None:
    """A figure word -> (value, sign, currency, suffix), or None when it is no number."""
    match = _FIGURE.fullmatch(key)
    if not match:
        return None
    try:
        value = parse_decimal(match["digits"], locale=LOCALE, strict=True)
    except NumberFormatError:
        return None
    suffix = match["suffix"] or ""
    currency = match["currency"] or ""
    if suffix in _MONEY_ONLY_SCALES and not currency:
        return None
    return value, match["sign"] or "", currency, suffix


def _key(value: Decimal, sign: str, currency: str, percent: bool) -> str:
    digits = format(value.normalize(), "f")
    return f"{sign}{currency}{digits}{'%' if percent else ''}"


def read_quantity(keys: Sequence[str]) -> tuple[str, int] | None:
    """The quantity that `keys` (folded words) start with: (its key, how many words it
    takes), or None when the first word starts no number."""
    if not keys:
        return None
    keys = list(keys)
    figure = _figure(keys[0]) if keys[0][0] in _FIGURE_STARTS else None
    if figure is not None:
        value, sign, currency, suffix = figure
        used = 1
        percent = suffix == "%"
        if suffix in _SCALES:
            value *= _SCALES[suffix]
        elif not suffix and used < len(keys) and keys[used] in _SCALES and (
            keys[used] not in _MONEY_ONLY_SCALES or currency
        ):
            value *= _SCALES[keys[used]]
            used += 1
    else:
        # a spelled number runs over number words ("one hundred and five"); text2num
        # judges the longest run that reads as one
        if _spelled((keys[0],)) is None:
            return None
        run = 1
        while run < min(_MAX_SPELLED_WORDS, len(keys)) and (
            keys[run] in _JOINERS or _spelled((keys[run],)) is not None
        ):
            run += 1
        for length in range(run, 0, -1):
            spelled = _spelled(tuple(keys[:length]))
            if spelled is not None and keys[length - 1] not in _JOINERS:
                break
        value, sign, currency, used, percent = Decimal(spelled), "", "", length, False
    rest = keys[used:]
    if not percent and rest[:1] == ["percent"]:
        percent, used = True, used + 1
    elif not percent and list(rest[:2]) == ["per", "cent"]:
        percent, used = True, used + 2
    elif not currency and not percent and rest[:1] and rest[0] in _CURRENCY_WORDS:
        currency, used = _CURRENCY_WORDS[rest[0]], used + 1
    return _key(value, sign, currency, percent), used


def may_start_quantity(key: str) -> bool:
    """Cheap first test: a figure or a number word ("five") can start a quantity."""
    return key[0] in _FIGURE_STARTS or _spelled((key,)) is not None


def is_numeric(key: str) -> bool:
    """A word that is or holds a number: a quantity's key, "1000,000", "9/11", "30-strong"."""
    return any(ch.isdigit() for ch in key)
