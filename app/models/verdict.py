"""Editorial verdicts on claims, versioned: published versions are never edited."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import (
    Auditable,
    SoftDeleteMixin,
    TimestampMixin,
    UTCDateTime,
    VersionedMixin,
    default_language,
    enum_type,
    limited,
    utcnow,
)
from app.models.claim import Claim
from app.models.document import Document
from app.models.enums import Stance, VerdictState
from app.models.user import User


class RatingLevel(db.Model):
    """The one documented rating scale (numeric value <-> label), filled by migration."""

    __tablename__ = "rating_scale"

    value: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    label: Mapped[str] = mapped_column(sa.String(60), unique=True)
    description: Mapped[str] = mapped_column(sa.Text)


class Verdict(Auditable, TimestampMixin, VersionedMixin, SoftDeleteMixin, db.Model):
    """A judgement on one claim. Its columns mirror the current version; the
    versions table holds every version ever published, with reasons."""

    __tablename__ = "verdicts"
    __table_args__ = (
        # The consumer feed: WHERE state IN (...) AND updated_at > ? ORDER BY updated_at, id
        sa.Index("ix_verdicts_feed", "updated_at", "id"),
        sa.Index("ix_verdicts_state_feed", "state", "updated_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(sa.ForeignKey("claims.id"), index=True)
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    state: Mapped[VerdictState] = mapped_column(
        enum_type(VerdictState, "verdict_state"), default=VerdictState.DRAFT
    )
    rating_value: Mapped[int] = mapped_column(sa.ForeignKey("rating_scale.value"))
    rationale: Mapped[str] = mapped_column(sa.Text, info=limited(20_000))
    current_version: Mapped[int] = mapped_column(sa.Integer, default=1)
    # When it was first published (ClaimReview datePublished); None while draft.
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # BCP-47 tag of the rationale's language (ClaimReview inLanguage).
    language: Mapped[str] = mapped_column(sa.String(35), default=default_language,
                                          server_default="en")

    claim: Mapped[Claim] = relationship(back_populates="verdicts")
    author: Mapped[User] = relationship()
    rating: Mapped[RatingLevel] = relationship(lazy="joined")
    versions: Mapped[list[VerdictVersion]] = relationship(
        back_populates="verdict", order_by="VerdictVersion.number"
    )


class VerdictVersion(Auditable, db.Model):
    """One version of a verdict. A draft version may be edited; once published it is
    frozen, and a correction or withdrawal appends a new version with its reason."""

    __tablename__ = "verdict_versions"
    __table_args__ = (
        sa.UniqueConstraint("verdict_id", "number"),
        sa.CheckConstraint("number >= 1", name="number_positive"),
        sa.CheckConstraint(
            "number = 1 OR length(reason) > 0", name="later_versions_have_reason"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    verdict_id: Mapped[int] = mapped_column(sa.ForeignKey("verdicts.id"))
    number: Mapped[int] = mapped_column(sa.Integer)
    state: Mapped[VerdictState] = mapped_column(enum_type(VerdictState, "version_state"))
    rating_value: Mapped[int] = mapped_column(sa.ForeignKey("rating_scale.value"))
    rationale: Mapped[str] = mapped_column(sa.Text, info=limited(20_000))
    # Why this version exists (required for corrections and withdrawals).
    reason: Mapped[str] = mapped_column(sa.Text, default="", info=limited(2000))
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    verdict: Mapped[Verdict] = relationship(back_populates="versions")
    author: Mapped[User] = relationship()
    rating: Mapped[RatingLevel] = relationship(lazy="joined")
    evidence: Mapped[list[VerdictEvidence]] = relationship(
        back_populates="version", order_by="VerdictEvidence.id", cascade="all, delete-orphan"
    )


class VerdictEvidence(Auditable, db.Model):
    """A claim or document a verdict version rests on, with its stance."""

    __tablename__ = "verdict_evidence"
    __table_args__ = (
        sa.CheckConstraint(
            "(claim_id IS NULL) <> (document_id IS NULL)", name="one_target"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(sa.ForeignKey("verdict_versions.id"), index=True)
    claim_id: Mapped[int | None] = mapped_column(sa.ForeignKey("claims.id"))
    document_id: Mapped[int | None] = mapped_column(sa.ForeignKey("documents.id"))
    stance: Mapped[Stance] = mapped_column(enum_type(Stance, "stance"))
    note: Mapped[str] = mapped_column(sa.Text, default="", info=limited(2000))

    version: Mapped[VerdictVersion] = relationship(back_populates="evidence")
    claim: Mapped[Claim | None] = relationship()
    document: Mapped[Document | None] = relationship()
