"""Known claims: other fact-checkers' reviews imported from their ClaimReview data, and
the aliases (spelling variants, transliterations, former names) search and matching
read names through."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import (
    Auditable,
    JSONType,
    TimestampMixin,
    UTCDateTime,
    default_language,
    limited,
)
from app.models.source import Source

# BCP-47 tags ("en", "pt-BR", "zh-Hant-TW"): the longest is 35 characters (RFC 5646 4.4.1).
LANGUAGE_LENGTH = 35
# BCP-47 (RFC 5646) language tags in their common shape: language, optional script,
# region and variants ("en", "en-GB", "sr-Latn-RS", "de-CH-1901"); case-insensitive.
LANGUAGE_PATTERN = (r"^[A-Za-z]{2,3}(-[A-Za-z]{3}){0,3}(-[A-Za-z]{4})?(-([A-Za-z]{2}|[0-9]{3}))?"
                    r"(-([A-Za-z0-9]{5,8}|[0-9][A-Za-z0-9]{3}))*$")
ALIAS_KINDS = ("spelling", "transliteration", "former_name", "synonym")


class Review(Auditable, TimestampMixin, db.Model):
    """A ClaimReview published by another fact-checker, imported as theirs (never shown
    as our verdict). The review's URL identifies it: importing it again updates it."""

    __tablename__ = "reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(sa.String(2000), unique=True)
    publisher: Mapped[str] = mapped_column(sa.String(300))
    publisher_site: Mapped[str] = mapped_column(sa.String(300), default="")
    title: Mapped[str] = mapped_column(sa.String(1000), default="")
    claim_reviewed: Mapped[str] = mapped_column(sa.Text, info=limited(5000))
    claimant: Mapped[str] = mapped_column(sa.String(500), default="")
    claim_date: Mapped[datetime | None] = mapped_column(UTCDateTime)
    rating_text: Mapped[str] = mapped_column(sa.String(500), default="")
    rating_value: Mapped[float | None] = mapped_column(sa.Float)
    best_rating: Mapped[float | None] = mapped_column(sa.Float)
    worst_rating: Mapped[float | None] = mapped_column(sa.Float)
    review_date: Mapped[datetime | None] = mapped_column(UTCDateTime)
    language: Mapped[str] = mapped_column(sa.String(LANGUAGE_LENGTH), index=True,
                                          default=default_language)
    # The record as it was read, so nothing the importer did not map is lost.
    raw: Mapped[Any] = mapped_column(JSONType)


class Alias(Auditable, TimestampMixin, db.Model):
    """Another way of writing a name: `alias` ("Kiev") stands for `name` ("Kyiv"). A
    source's aliases name the source; others name places and bodies."""

    __tablename__ = "aliases"
    __table_args__ = (
        sa.UniqueConstraint("name", "alias"),
        sa.CheckConstraint("kind IN ('spelling', 'transliteration', 'former_name', 'synonym')",
                           name="alias_kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int | None] = mapped_column(sa.ForeignKey("sources.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    alias: Mapped[str] = mapped_column(sa.String(200), index=True)
    kind: Mapped[str] = mapped_column(sa.String(20), default="spelling")

    source: Mapped[Source | None] = relationship()
