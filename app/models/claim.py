"""Claims (accounts), their attribution chains and appearances, quotes, and links."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import (
    Auditable,
    JSONType,
    SoftDeleteMixin,
    TimestampMixin,
    UTCDateTime,
    VersionedMixin,
    default_language,
    enum_type,
    limited,
)
from app.models.document import Document, DocumentVersion
from app.models.enums import (
    ClaimKind,
    DatePrecision,
    LinkScope,
    LinkType,
    QuoteIntegrity,
    SourcingLevel,
)
from app.models.event import Dispute
from app.models.source import Source


class Claim(Auditable, TimestampMixin, VersionedMixin, SoftDeleteMixin, db.Model):
    """One account of what happened, as asserted by its claimant."""

    __tablename__ = "claims"
    __table_args__ = (
        sa.CheckConstraint("independent_sources >= 0", name="independent_sources_non_negative"),
        sa.Index("ix_claims_dispute_position", "dispute_id", "position", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dispute_id: Mapped[int] = mapped_column(sa.ForeignKey("disputes.id"))
    # Order of the accounts on the dispute page (one column each).
    position: Mapped[int] = mapped_column(sa.Integer, default=0)
    claimant_id: Mapped[int] = mapped_column(sa.ForeignKey("sources.id"), index=True)
    statement: Mapped[str] = mapped_column(sa.Text, info=limited(2000))
    kind: Mapped[ClaimKind] = mapped_column(enum_type(ClaimKind, "claim_kind"))
    sourcing_level: Mapped[SourcingLevel] = mapped_column(
        enum_type(SourcingLevel, "sourcing_level")
    )
    independent_sources: Mapped[int] = mapped_column(sa.Integer, default=1)
    stated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    stated_precision: Mapped[DatePrecision] = mapped_column(
        enum_type(DatePrecision, "stated_precision"), default=DatePrecision.DAY
    )
    first_appearance_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("documents.id"), index=True
    )
    # BCP-47 tag of the statement's language (DEFAULT_LANGUAGE unless given); matching
    # compares claims within one language unless asked otherwise.
    language: Mapped[str] = mapped_column(sa.String(35), default=default_language,
                                          server_default="en")

    dispute: Mapped[Dispute] = relationship(back_populates="claims")
    claimant: Mapped[Source] = relationship(foreign_keys=[claimant_id])
    first_appearance: Mapped[Document | None] = relationship(foreign_keys=[first_appearance_id])
    attributions: Mapped[list[ClaimAttribution]] = relationship(
        back_populates="claim", order_by="ClaimAttribution.position", cascade="all, delete-orphan"
    )
    appearances: Mapped[list[ClaimAppearance]] = relationship(
        back_populates="claim", order_by="ClaimAppearance.id", cascade="all, delete-orphan"
    )
    quotes: Mapped[list[Quote]] = relationship(back_populates="claim", order_by="Quote.id")
    verdicts: Mapped[list[Verdict]] = relationship(  # noqa: F821
        back_populates="claim", order_by="Verdict.id"
    )

    @property
    def attribution_chain(self) -> list[Source]:
        """Outermost carrier first: CNN <- an unnamed Ukrainian source."""
        return [a.source for a in self.attributions]


class ClaimAttribution(Auditable, db.Model):
    """One link of a claim's attribution chain; position 0 is the outermost carrier."""

    __tablename__ = "claim_attributions"
    __table_args__ = (sa.UniqueConstraint("claim_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(sa.ForeignKey("claims.id"))
    position: Mapped[int] = mapped_column(sa.Integer)
    source_id: Mapped[int] = mapped_column(sa.ForeignKey("sources.id"), index=True)
    # How this link carries the next one: "citing", "quoting", "retweeting"...
    relation: Mapped[str] = mapped_column(sa.String(60), default="citing")

    claim: Mapped[Claim] = relationship(back_populates="attributions")
    source: Mapped[Source] = relationship()


class ClaimAppearance(Auditable, db.Model):
    """A document, other than the first appearance, where the claim appeared."""

    __tablename__ = "claim_appearances"
    __table_args__ = (sa.UniqueConstraint("claim_id", "document_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(sa.ForeignKey("claims.id"))
    document_id: Mapped[int] = mapped_column(sa.ForeignKey("documents.id"), index=True)
    note: Mapped[str] = mapped_column(sa.String(500), default="")

    claim: Mapped[Claim] = relationship(back_populates="appearances")
    document: Mapped[Document] = relationship()


class Quote(Auditable, TimestampMixin, VersionedMixin, SoftDeleteMixin, db.Model):
    """Exact words attributed to a speaker, anchored in a document by a
    W3C-style TextQuoteSelector (exact + prefix + suffix)."""

    __tablename__ = "quotes"
    __table_args__ = (sa.CheckConstraint("length(exact) > 0", name="exact_not_empty"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(sa.ForeignKey("claims.id"), index=True)
    speaker_id: Mapped[int] = mapped_column(sa.ForeignKey("sources.id"), index=True)
    document_id: Mapped[int | None] = mapped_column(sa.ForeignKey("documents.id"), index=True)
    exact: Mapped[str] = mapped_column(sa.Text, info=limited(5000))
    prefix: Mapped[str] = mapped_column(sa.Text, default="", info=limited(2000))
    suffix: Mapped[str] = mapped_column(sa.Text, default="", info=limited(2000))
    # Computed by the quote-integrity service, never typed by a user.
    integrity: Mapped[QuoteIntegrity] = mapped_column(
        enum_type(QuoteIntegrity, "quote_integrity"), default=QuoteIntegrity.UNCHECKED
    )
    closest_match: Mapped[str | None] = mapped_column(sa.Text)
    diff: Mapped[Any | None] = mapped_column(JSONType)
    # Each difference from the stored text, classified (app.services.differences); null
    # until checked against a passage.
    differences: Mapped[Any | None] = mapped_column(JSONType)
    checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    checked_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    # Which version of the document the quote was checked against (the newest with text),
    # and, when its words changed or went in a later version, the last version that had
    # them and the version that changed them (app/services/quote_history.py).
    checked_version: Mapped[int | None] = mapped_column(sa.Integer)
    last_seen_version: Mapped[int | None] = mapped_column(sa.Integer)
    changed_version: Mapped[int | None] = mapped_column(sa.Integer)

    claim: Mapped[Claim] = relationship(back_populates="quotes")
    speaker: Mapped[Source] = relationship()
    document: Mapped[Document | None] = relationship()
    # The version in which the quoted words changed or went (pages say when, and how).
    changed_in: Mapped[DocumentVersion | None] = relationship(
        primaryjoin="and_(foreign(Quote.document_id) == DocumentVersion.document_id, "
                    "foreign(Quote.changed_version) == DocumentVersion.number)",
        viewonly=True, uselist=False,
    )


class Link(Auditable, TimestampMixin, VersionedMixin, SoftDeleteMixin, db.Model):
    """A typed relation between two claims: `from_claim` <type> `to_claim`.

    The scope says what exactly it covers: the whole target claim, or one quote of it
    ("no one said 'sacked'" denies the word, not necessarily the warning).
    """

    __tablename__ = "links"
    __table_args__ = (
        sa.CheckConstraint("from_claim_id <> to_claim_id", name="not_self"),
        sa.CheckConstraint(
            "(scope = 'quote' AND scope_quote_id IS NOT NULL)"
            " OR (scope = 'claim' AND scope_quote_id IS NULL)",
            name="scope_quote_matches_scope",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    from_claim_id: Mapped[int] = mapped_column(sa.ForeignKey("claims.id"), index=True)
    to_claim_id: Mapped[int] = mapped_column(sa.ForeignKey("claims.id"), index=True)
    type: Mapped[LinkType] = mapped_column(enum_type(LinkType, "link_type"))
    scope: Mapped[LinkScope] = mapped_column(
        enum_type(LinkScope, "link_scope"), default=LinkScope.CLAIM
    )
    scope_quote_id: Mapped[int | None] = mapped_column(sa.ForeignKey("quotes.id"), index=True)
    note: Mapped[str] = mapped_column(sa.Text, default="", info=limited(5000))

    from_claim: Mapped[Claim] = relationship(foreign_keys=[from_claim_id])
    to_claim: Mapped[Claim] = relationship(foreign_keys=[to_claim_id])
    scope_quote: Mapped[Quote | None] = relationship()
