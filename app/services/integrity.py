"""Quote integrity: are these the speaker's exact words in the stored text?

Pure functions over strings; `app.services.quotes` stores the result on the Quote.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from app.models import QuoteIntegrity

_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
                         "\u2013": "-", "\u2014": "-"})
_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Fold what does not change meaning: typographic quotes, dashes, whitespace."""
    return _SPACE.sub(" ", text.translate(_QUOTES)).strip()


@dataclass(frozen=True)
class IntegrityResult:
    integrity: QuoteIntegrity
    closest_match: str | None = None
    diff: list[dict] | None = field(default=None)


def check_quote(exact: str, prefix: str, suffix: str, text: str | None) -> IntegrityResult:
    if not text:
        return IntegrityResult(QuoteIntegrity.UNCHECKED)
    if normalise(exact) and normalise(exact) in normalise(text):
        return IntegrityResult(QuoteIntegrity.VERBATIM, closest_match=exact)
    return IntegrityResult(QuoteIntegrity.NOT_FOUND)
