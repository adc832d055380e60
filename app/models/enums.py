"""Closed vocabularies of the domain. Stored as strings with CHECK constraints."""

from __future__ import annotations

import enum


class Role(enum.StrEnum):
    READER = "reader"
    JOURNALIST = "journalist"
    EDITOR = "editor"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return list(Role).index(self)

    def at_least(self, other: Role) -> bool:
        return self.rank >= Role(other).rank


class DatePrecision(enum.StrEnum):
    DAY = "day"
    MONTH = "month"
    APPROXIMATE = "approximate"


class DisputeState(enum.StrEnum):
    """Where the dispute stands — separate from any truth verdict on its claims."""

    OPEN = "open"
    CONTESTED = "contested"
    CONCEDED = "conceded"  # a side withdrew its account
    CORRECTED = "corrected"  # a publisher corrected its account
    RESOLVED = "resolved"
    UNRESOLVABLE = "unresolvable"


class SourceKind(enum.StrEnum):
    PERSON = "person"
    OUTLET = "outlet"
    ORGANISATION = "organisation"
    GOVERNMENT_BODY = "government_body"
    DOCUMENT = "document"
    ANONYMOUS = "anonymous"  # described as reported: "a Ukrainian source"


class SourcingLevel(enum.StrEnum):
    ON_RECORD = "on_record"
    ON_BACKGROUND = "on_background"
    ANONYMOUS = "anonymous"
    DOCUMENTARY = "documentary"


class ClaimKind(enum.StrEnum):
    ATTRIBUTED_QUOTE = "attributed_quote"
    FACTUAL_ASSERTION = "factual_assertion"
    NUMERIC_FIGURE = "numeric_figure"
    CHARACTERISATION = "characterisation"
    DENIAL = "denial"


class QuoteIntegrity(enum.StrEnum):
    VERBATIM = "verbatim"
    ALTERED = "altered"
    NOT_FOUND = "not_found"
    UNCHECKED = "unchecked"
    # The words were in an earlier version of the document and are not in the newest.
    REMOVED = "removed"


class VersionKind(enum.StrEnum):
    """How a document version was made."""

    MANUAL = "manual"  # a passage pasted by a journalist
    CAPTURE = "capture"  # fetched from the document's URL by the app


class VersionChange(enum.StrEnum):
    """What a version is, against the one before it."""

    FIRST = "first"
    CHANGED = "changed"  # its text differs from the previous version's
    GONE = "gone"  # 404/410, or the host no longer exists: no text
    BACK = "back"  # after a gone version, the text that was there before
    SAME = "same"  # captured, with the text of the version before it (a pasted passage)


class LinkType(enum.StrEnum):
    DENIES = "denies"
    CONTRADICTS = "contradicts"
    SUPPORTS = "supports"
    CORROBORATES = "corroborates"
    CORRECTS = "corrects"
    RETRACTS = "retracts"
    REPEATS = "repeats"
    NARROWS = "narrows"


class LinkScope(enum.StrEnum):
    CLAIM = "claim"  # the whole claim
    QUOTE = "quote"  # one quote of the target claim, e.g. the word "sacked"


class VerdictState(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    WITHDRAWN = "withdrawn"


class Stance(enum.StrEnum):
    SUPPORTS = "supports"
    REFUTES = "refutes"


class RevisionAction(enum.StrEnum):
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    RESTORE = "restore"


# The one rating scale. ClaimReview: worstRating=1, bestRating=5, alternateName=label.
# Ordinal: a higher value means the claim holds up better.
RATING_SCALE: tuple[tuple[int, str, str], ...] = (
    (1, "False", "The claim is contradicted by the evidence."),
    (2, "Misleading", "Contains some accurate elements but leaves a false impression."),
    (3, "Unsupported", "Not confirmed and not refuted by the available evidence."),
    (4, "Mostly accurate", "Accurate in substance, with a minor error or missing context."),
    (5, "Accurate", "Confirmed by the evidence."),
)
WORST_RATING = RATING_SCALE[0][0]
BEST_RATING = RATING_SCALE[-1][0]
RATING_LABELS = {value: label for value, label, _ in RATING_SCALE}
