"""All models, imported so that the metadata (and Alembic) sees every table."""

from app.models.base import utcnow
from app.models.claim import Claim, ClaimAppearance, ClaimAttribution, Link, Quote
from app.models.document import Document, DocumentVersion, sha256_text
from app.models.draft import FormDraft
from app.models.enums import (
    BEST_RATING,
    RATING_LABELS,
    RATING_SCALE,
    WORST_RATING,
    ClaimKind,
    DatePrecision,
    DisputeState,
    LinkScope,
    LinkType,
    QuoteIntegrity,
    RevisionAction,
    Role,
    SourceKind,
    SourcingLevel,
    Stance,
    VerdictState,
    VersionChange,
    VersionKind,
)
from app.models.event import Dispute, Event
from app.models.generation import CacheKey, ContentGeneration
from app.models.known import LANGUAGE_LENGTH, LANGUAGE_PATTERN, Alias, Review
from app.models.revision import Revision
from app.models.source import Source
from app.models.user import ApiToken, User
from app.models.verdict import RatingLevel, Verdict, VerdictEvidence, VerdictVersion

__all__ = [
    "BEST_RATING",
    "LANGUAGE_LENGTH",
    "LANGUAGE_PATTERN",
    "RATING_LABELS",
    "RATING_SCALE",
    "WORST_RATING",
    "Alias",
    "ApiToken",
    "Claim",
    "ClaimAppearance",
    "ClaimAttribution",
    "ClaimKind",
    "CacheKey",
    "ContentGeneration",
    "DatePrecision",
    "Dispute",
    "DisputeState",
    "Document",
    "DocumentVersion",
    "Event",
    "FormDraft",
    "Link",
    "LinkScope",
    "LinkType",
    "Quote",
    "QuoteIntegrity",
    "RatingLevel",
    "Review",
    "Revision",
    "RevisionAction",
    "Role",
    "Source",
    "SourceKind",
    "SourcingLevel",
    "Stance",
    "User",
    "Verdict",
    "VerdictEvidence",
    "VerdictState",
    "VerdictVersion",
    "VersionChange",
    "VersionKind",
    "sha256_text",
    "utcnow",
]
