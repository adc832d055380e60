"""Who makes or carries a claim."""

from __future__ import annotations

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
from app.models.enums import SourceKind


class Source(Auditable, TimestampMixin, VersionedMixin, SoftDeleteMixin, db.Model):
    """A person, outlet, organisation, government body, document, or an anonymous
    source as the reporting described it ("a Ukrainian source")."""

    __tablename__ = "sources"
    __table_args__ = (
        sa.CheckConstraint("parent_id IS NULL OR parent_id <> id", name="not_own_parent"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(120), unique=True)
    name: Mapped[str] = mapped_column(sa.String(300))
    kind: Mapped[SourceKind] = mapped_column(enum_type(SourceKind, "source_kind"))
    # Role or position at the time, e.g. "spokeswoman".
    title: Mapped[str] = mapped_column(sa.String(200), default="")
    # For anonymous sources: the description exactly as reported.
    description: Mapped[str] = mapped_column(sa.Text, default="", info=limited(5000))
    url: Mapped[str | None] = mapped_column(sa.String(2000))
    # Affiliation: Emily Horne -> National Security Council -> White House.
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("sources.id"), index=True)

    parent: Mapped[Source | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Source]] = relationship(back_populates="parent")

    def affiliation_chain(self) -> list[Source]:
        """This source and its parents, nearest first (cycles stop the walk)."""
        chain: list[Source] = []
        node: Source | None = self
        while node is not None and node not in chain:
            chain.append(node)
            node = node.parent
        return chain
