"""Published items in which claims appear, and every version of them we hold.

A document's versions are append-only: each is what its URL said at a time (a capture:
the raw response kept as a WARC record, the article text extracted from it, hashes, HTTP
status), or a passage a journalist pasted (a manual version). `Document.text` mirrors
the newest version that has text, which is what quotes are checked against.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship, validates

from app.extensions import db
from app.models.base import (
    Auditable,
    JSONType,
    SoftDeleteMixin,
    TimestampMixin,
    UTCDateTime,
    VersionedMixin,
    enum_type,
    limited,
    utcnow,
)
from app.models.enums import VersionChange, VersionKind
from app.models.source import Source


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class Document(Auditable, TimestampMixin, VersionedMixin, SoftDeleteMixin, db.Model):
    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str | None] = mapped_column(sa.String(2000), unique=True)
    title: Mapped[str] = mapped_column(sa.String(500))
    publisher_id: Mapped[int | None] = mapped_column(sa.ForeignKey("sources.id"), index=True)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The newest version's text: what quotes are checked against.
    text: Mapped[str] = mapped_column(sa.Text, default="", info=limited(200_000))
    text_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    # A copy in an external web archive that the journalist provides (optional).
    archive_url: Mapped[str | None] = mapped_column(sa.String(2000))

    publisher: Mapped[Source | None] = relationship()
    versions: Mapped[list[DocumentVersion]] = relationship(
        back_populates="document", order_by="DocumentVersion.number"
    )

    @validates("text")
    def _hash_text(self, key: str, value: str | None) -> str:
        value = value or ""
        self.text_sha256 = sha256_text(value) if value else None
        return value


class DocumentVersion(Auditable, db.Model):
    """What the document said at a time; append-only (a capture that finds the newest
    version unchanged only confirms it: `confirmed_at`, `confirmations`). Its revision
    records the capture; the text and the WARC stay out of it (their hashes are in)."""

    __tablename__ = "document_versions"
    __table_args__ = (sa.UniqueConstraint("document_id", "number"),)
    __audit_exclude__ = frozenset({"text", "warc"})

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(sa.ForeignKey("documents.id"))
    number: Mapped[int] = mapped_column(sa.Integer)  # 1, 2, ... per document
    kind: Mapped[VersionKind] = mapped_column(enum_type(VersionKind, "version_kind"))
    change: Mapped[VersionChange] = mapped_column(enum_type(VersionChange, "version_change"))
    captured_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    captured_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    # Later captures that found this version unchanged: the last one, and how many.
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    confirmations: Mapped[int] = mapped_column(sa.Integer, default=0)
    # The capture: what was asked for, where it ended, the hops between, what came back.
    requested_url: Mapped[str | None] = mapped_column(sa.String(2000))
    final_url: Mapped[str | None] = mapped_column(sa.String(2000))
    redirects: Mapped[list[dict[str, Any]] | None] = mapped_column(JSONType)
    http_status: Mapped[int | None] = mapped_column(sa.Integer)
    content_type: Mapped[str | None] = mapped_column(sa.String(200))
    raw_sha256: Mapped[str | None] = mapped_column(sa.String(64))  # of the body as received
    # The extracted (or pasted) text; none for a gone version.
    text: Mapped[str | None] = deferred(mapped_column(sa.Text))
    text_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    # Words added and removed against the previous version with text.
    changes: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    note: Mapped[str] = mapped_column(sa.String(500), default="")
    # The raw exchange(s) as gzipped WARC records (warcio), served as application/warc.
    warc: Mapped[bytes | None] = deferred(mapped_column(sa.LargeBinary))
    warc_size: Mapped[int | None] = mapped_column(sa.Integer)

    document: Mapped[Document] = relationship(back_populates="versions")

    @property
    def has_text(self) -> bool:
        return self.text_sha256 is not None
