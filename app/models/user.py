"""Users, their roles, and hashed API tokens."""

from __future__ import annotations

import functools
import hashlib
import re
import secrets
from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from app.extensions import db
from app.models.base import Auditable, TimestampMixin, UTCDateTime, VersionedMixin, enum_type
from app.models.enums import Role


class User(Auditable, TimestampMixin, VersionedMixin, UserMixin, db.Model):
    __tablename__ = "users"
    __audit_exclude__ = frozenset({"password_hash"})

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    role: Mapped[Role] = mapped_column(enum_type(Role, "role"), default=Role.READER)
    password_hash: Mapped[str | None] = mapped_column(sa.String(255))
    active: Mapped[bool] = mapped_column(sa.Boolean, default=True, server_default=sa.true())
    # Part of the id every session and "keep me signed in" cookie carries (get_id):
    # moving it on ends all of them at once (sign-out, password reset, deactivation).
    session_version: Mapped[int] = mapped_column(sa.Integer, default=1, server_default="1")

    tokens: Mapped[list[ApiToken]] = relationship(back_populates="user")

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.active

    def get_id(self) -> str:  # Flask-Login: what the session and remember cookies hold
        return session_id(self.id, self.session_version)

    def can(self, role: Role) -> bool:
        return self.active and Role(self.role).at_least(role)

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"


_SESSION_ID = re.compile(r"([0-9]{1,18}):([0-9]{1,18})")


def session_id(user_id: int, version: int) -> str:
    """The id Flask-Login keeps in the cookies: the user's id and session version.
    (Flask-Login's "alternative tokens": a cookie names one generation of sessions.)"""
    return f"{user_id}:{version}"


def parse_session_id(value: str) -> tuple[int, int] | None:
    """`session_id()` read back; None for anything else (older or forged cookies)."""
    found = _SESSION_ID.fullmatch(value or "")
    return (int(found[1]), int(found[2])) if found else None


@functools.cache
def dummy_password_hash() -> str:
    """A hash of nothing anyone knows, made like the stored ones (set_password), so
    checking a password against it costs what checking a real account's does."""
    return generate_password_hash(secrets.token_urlsafe(24))


class ApiToken(Auditable, db.Model):
    """A bearer token. Only its SHA-256 is stored; the token itself is shown once."""

    __tablename__ = "api_tokens"
    __audit_exclude__ = frozenset({"token_hash"})

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    # The first characters, so an admin can tell tokens apart without the secret.
    prefix: Mapped[str] = mapped_column(sa.String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(back_populates="tokens")

    @staticmethod
    def hash(token: str) -> str:
        # Tokens are 256 random bits: a fast hash is right; a slow KDF adds nothing.
        return hashlib.sha256(token.encode()).hexdigest()

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None
