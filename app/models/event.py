"""Events and the disputes about them."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import (
    Auditable,
    SoftDeleteMixin,
    TimestampMixin,
    VersionedMixin,
    enum_type,
    limited,
)
from app.models.enums import DatePrecision, DisputeState


class Event(Auditable, TimestampMixin, VersionedMixin, SoftDeleteMixin, db.Model):
    """Something that happened, about which accounts compete."""

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(120), unique=True)
    title: Mapped[str] = mapped_column(sa.String(300))
    occurred_on: Mapped[date | None] = mapped_column(sa.Date)
    date_precision: Mapped[DatePrecision] = mapped_column(
        enum_type(DatePrecision, "date_precision"), default=DatePrecision.DAY
    )
    summary: Mapped[str] = mapped_column(sa.Text, default="", info=limited(20_000))

    disputes: Mapped[list[Dispute]] = relationship(
        back_populates="event", order_by="Dispute.id"
    )


class Dispute(Auditable, TimestampMixin, VersionedMixin, SoftDeleteMixin, db.Model):
    """One question at issue about an event. Its state is not a truth verdict."""

    __tablename__ = "disputes"
    __table_args__ = (sa.Index("ix_disputes_state_updated", "state", "updated_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id"), index=True)
    slug: Mapped[str] = mapped_column(sa.String(120), unique=True)
    question: Mapped[str] = mapped_column(sa.String(500))
    summary: Mapped[str] = mapped_column(sa.Text, default="", info=limited(20_000))
    state: Mapped[DisputeState] = mapped_column(
        enum_type(DisputeState, "dispute_state"), default=DisputeState.OPEN
    )

    event: Mapped[Event] = relationship(back_populates="disputes")
    claims: Mapped[list[Claim]] = relationship(  # noqa: F821
        back_populates="dispute", order_by="(Claim.position, Claim.id)"
    )
