"""Quotes follow their source: a quote is checked against the newest version of its
document that has text, and where its words were in an earlier version, against the
place they were — never against the same words found somewhere else.

- VERBATIM: the words are in the newest version (where they were, if they were before).
- ALTERED: a close but different passage — where the words were, when they were in an
  earlier version (the outlet changed them: `last_seen` is the last version that had
  them, `changed` the one that changed them); anywhere in the text otherwise.
- REMOVED: the words were in an earlier version and are no longer where they were.
- NOT_FOUND, UNCHECKED: as `integrity.check_quote` says of the newest version.

Pure: versions in, a result out; `app.services.versions.verify_quote` stores it. The
comparison of words is the integrity engine's, through its one entry point
`check_quote(exact, prefix, suffix, text)`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from app.models import QuoteIntegrity
from app.services.integrity import IntegrityResult, check_quote, normalise
from app.services.textdiff import follow


@dataclass(frozen=True)
class VersionText:
    number: int
    text: str
    text_sha256: str


@dataclass(frozen=True)
class Followed:
    integrity: QuoteIntegrity
    closest_match: str | None = None
    diff: list[dict] | None = None
    checked: VersionText | None = None  # the newest version with text
    last_seen: int | None = None  # the last version that had the words
    changed: int | None = None  # the version that changed or removed them
    differences: list[dict] | None = None  # each difference, classified (app.services.differences)


def follow_quote(exact: str, prefix: str, suffix: str,
                 versions: Sequence[VersionText]) -> Followed:
    """The quote's state against `versions` (those with text, oldest first)."""
    if not versions:
        return _as(check_quote(exact, prefix, suffix, None), None)
    newest = versions[-1]
    result = check_quote(exact, prefix, suffix, newest.text)
    anchor = None
    for version in reversed(versions[:-1]):
        earlier = result if version.text_sha256 == newest.text_sha256 else check_quote(
            exact, prefix, suffix, version.text)
        if earlier.integrity is QuoteIntegrity.VERBATIM:
            anchor = version, earlier
            break
    if anchor is None:  # never quoted right before: nothing to follow
        return _as(result, newest)
    version, earlier = anchor
    span = locate(version.text, earlier.closest_match, prefix, suffix)
    if span is None:
        return _as(result, newest)
    place = follow(version.text, newest.text, *span)
    if place.intact and result.integrity is QuoteIntegrity.VERBATIM:
        return _as(result, newest)
    here = check_quote(exact, prefix, suffix, newest.text[place.start:place.end]) \
        if place.end > place.start else IntegrityResult(QuoteIntegrity.NOT_FOUND)
    if here.integrity is QuoteIntegrity.VERBATIM:  # only spacing or punctuation moved
        return _as(here, newest)
    changed = next(v.number for v in versions if v.number > version.number)
    if here.integrity is QuoteIntegrity.ALTERED:
        return Followed(QuoteIntegrity.ALTERED, here.closest_match, here.diff, newest,
                        version.number, changed, here.differences)
    return Followed(QuoteIntegrity.REMOVED, None, None, newest, version.number, changed)


def _as(result: IntegrityResult, checked: VersionText | None) -> Followed:
    return Followed(result.integrity, result.closest_match, result.diff, checked,
                    differences=result.differences)


def locate(text: str, passage: str | None, prefix: str, suffix: str) -> tuple[int, int] | None:
    """Where `passage` (a verbatim match the integrity engine found in `text`) is: of its
    occurrences, the one whose surroundings are most like the selector's prefix and
    suffix (the first on a tie). None when it is not a substring of the text."""
    if not passage:
        return None
    found, at = [], text.find(passage)
    while at != -1:
        found.append(at)
        at = text.find(passage, at + 1)
    if not found:
        return None

    def fit(start: int) -> tuple[float, int]:
        end = start + len(passage)
        score = 0.0
        if prefix:
            before = text[max(0, start - len(prefix) - 5):start]
            score += fuzz.partial_ratio(_fold(prefix), _fold(before))
        if suffix:
            after = text[end:end + len(suffix) + 5]
            score += fuzz.partial_ratio(_fold(suffix), _fold(after))
        return score, -start

    start = max(found, key=fit)
    return start, start + len(passage)


def _fold(text: str) -> str:
    return normalise(text).casefold()
