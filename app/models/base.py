"""Shared column types and mixins: UTC timestamps, optimistic locking, soft delete."""

from __future__ import annotations

import enum
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Mapped, declared_attr, mapped_column
from sqlalchemy.types import TypeDecorator

# Ids are INTEGER columns: 32-bit on PostgreSQL, where a larger number in a query is a
# database error ("out of range"), not a miss. Larger ids cannot exist on either backend.
MAX_ID = 2**31 - 1

# Slugs: lower-case words joined by single hyphens ("biden-call"). Models, API schemas
# and forms all read this one pattern.
SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"

# Web addresses of sources and documents: an absolute http(s) URI (RFC 3986) whose host
# is a domain name or an IPv4 address, without user:password@ (a way to disguise where a
# link goes). Non-ASCII characters are percent-encoded, host names in their xn-- form: the
# forms convert what people paste; the API takes URIs only, as its document says
# (`format: uri` and this pattern). Plain ASCII classes, so Python and ECMAScript read
# the pattern alike.
_LABEL = "[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_TOP_LABEL = "[A-Za-z](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])"
_PCHAR = "(?:[A-Za-z0-9._~!$&'()*+,;=:@-]|%[0-9A-Fa-f]{2})"
URL_PATTERN = (
    "^[Hh][Tt][Tt][Pp][Ss]?://"
    f"(?:(?:{_LABEL}\\.)+{_TOP_LABEL}\\.?|(?:[0-9]{{1,3}}\\.){{3}}[0-9]{{1,3}})"
    "(?::[0-9]{1,5})?"
    f"(?:/{_PCHAR}*)*(?:\\?(?:{_PCHAR}|[/?])*)?(?:#(?:{_PCHAR}|[/?])*)?$"
)

# Characters no stored text holds: the control characters but tab, line feed and carriage
# return (NUL among them: PostgreSQL refuses it). A regex character range, read by the API
# schemas, their OpenAPI patterns and the forms alike.
CONTROL_CHARACTERS = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f"


# JSON documents: JSONB on PostgreSQL.
JSONType = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def utcnow() -> datetime:
    return datetime.now(UTC)


def default_language() -> str:
    """The configured DEFAULT_LANGUAGE (BCP-47) for a new record that names none."""
    from flask import current_app, has_app_context

    return current_app.config.get("DEFAULT_LANGUAGE", "en") if has_app_context() else "en"


def limited(max_length: int) -> dict:
    """`info=` for a Text column: the longest value people may write into it. (String
    columns carry their length in their type.) Schemas and forms read it through
    `max_length`, so the limit is written once, here in the models."""
    return {"max_length": max_length}


def max_length(attribute) -> int:
    """The longest value a model attribute takes: `max_length(Event.title)` -> 300."""
    column = attribute.property.columns[0]
    length = getattr(column.type, "length", None) or column.info.get("max_length")
    if length is None:
        raise LookupError(f"{attribute} has no length limit: give its column one")
    return length


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on every backend (SQLite stores them naive)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use timezone-aware UTC datetimes")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def enum_type(enum_cls: type[enum.StrEnum], name: str) -> sa.Enum:
    """A string column limited to the enum's values by a named CHECK constraint."""
    return sa.Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=max(len(m.value) for m in enum_cls),
        values_callable=lambda e: [m.value for m in e],
        validate_strings=True,
    )


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class VersionedMixin:
    """Optimistic locking: an UPDATE that finds a newer row raises StaleDataError."""

    lock_version: Mapped[int] = mapped_column(sa.Integer, default=1, server_default="1")

    @declared_attr.directive
    def __mapper_args__(cls):
        return {"version_id_col": cls.__table__.c.lock_version}


class SoftDeleteMixin:
    """Rows are never hard-deleted; `deleted_at` hides them from ordinary queries.

    A record deleted with what it belongs to (a dispute's claims, a claim's quotes...)
    names that record in `deleted_via` ("disputes:5"), so restoring the dispute brings back
    exactly what went with it (app/services/lifecycle.py)."""

    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    deleted_via: Mapped[str | None] = mapped_column(sa.String(40), default=None)

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class Auditable:
    """Marks models whose every insert, update and delete writes a Revision."""

    # Columns never copied into a revision (secrets).
    __audit_exclude__: frozenset[str] = frozenset()
