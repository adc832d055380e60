"""Published items in which claims appear, with the passages we rely on."""

from __future__ import annotations

import hashlib
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from app.extensions import db
from app.models.base import (
    Auditable,
    SoftDeleteMixin,
    TimestampMixin,
    UTCDateTime,
    VersionedMixin,
    limited,
    utcnow,
)
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
    # The stored passage(s) we rely on — short excerpts, not whole articles.
    text: Mapped[str] = mapped_column(sa.Text, default="", info=limited(200_000))
    text_sha256: Mapped[str | None] = mapped_column(sa.String(64))

    publisher: Mapped[Source | None] = relationship()
    snapshots: Mapped[list[DocumentSnapshot]] = relationship(
        back_populates="document", order_by="DocumentSnapshot.id"
    )

    @validates("text")
    def _hash_text(self, key: str, value: str | None) -> str:
        value = value or ""
        self.text_sha256 = sha256_text(value) if value else None
        return value


class DocumentSnapshot(db.Model):
    """Every stored text a document has had; append-only, so old quotes stay checkable."""

    __tablename__ = "document_snapshots"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(sa.ForeignKey("documents.id"), index=True)
    text: Mapped[str] = mapped_column(sa.Text)
    sha256: Mapped[str] = mapped_column(sa.String(64))
    captured_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    captured_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    document: Mapped[Document] = relationship(back_populates="snapshots")
