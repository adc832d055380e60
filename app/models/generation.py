"""One counter that moves on with every committed change (app/cache.py)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db


class ContentGeneration(db.Model):
    """A single row (id 1), made by migration 0003. Every transaction that writes
    anything adds one to `value` before it commits, so a reader that sees value N sees
    every change committed up to N: cached public reads made at N are current while
    the value is still N, on every worker and every app server."""

    __tablename__ = "content_generation"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    value: Mapped[int] = mapped_column(sa.BigInteger)


class CacheKey(db.Model):
    """The generation of one dependency key (app/cache_keys.py): `any` (made by
    migration 0009) moves on with every write that names what it wrote, and each key
    that write touched takes its new value."""

    __tablename__ = "cache_keys"

    key: Mapped[str] = mapped_column(sa.String(200), primary_key=True)
    generation: Mapped[int] = mapped_column(sa.BigInteger)
