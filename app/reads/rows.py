"""Row values as the API's schemas dump them, for the read models that skip the ORM
(verdicts.py, disputes.py), and how those read models run their statements.

A read model's statement runs as plain Core (`read`, on `connection()`): no ORM objects,
no per-execution ORM work, no session hook — and for an anonymous read, no session at
all: a connection of the engine's for its statements alone. The session's soft-delete
hook therefore never sees it, so such a statement carries its visibility itself
(`policy.visible`, applied once when it is built; tests/services/test_verdict_reads.py
holds each kind of deleted record out of the verdict reads).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Row

from app.extensions import db
from app.services.differences import FIELDS as DIFFERENCE_FIELDS

# RecordSchema's fields: every stored record shows them.
RECORD_COLUMNS = ("id", "created_at", "updated_at", "deleted_at", "lock_version")


def iso(value: datetime | date | None) -> str | None:
    """As marshmallow's DateTime and Date fields dump it."""
    return value.isoformat() if value is not None else None


def stamp(column: Any, name: str | None = None) -> sa.ColumnElement:
    """A UTCDateTime column read as the database hands it over — SQLite's stored text,
    PostgreSQL's datetime — for `iso_stamp`: the UTC datetime a dump would have made
    only to write it out again is not made."""
    return sa.type_coerce(column, sa.String).label(name or column.key)


def iso_stamp(value: str | datetime | None) -> str | None:
    """What `iso` gives for the UTCDateTime value of a `stamp` column: SQLite's text
    (UTC, 'YYYY-MM-DD HH:MM:SS.ffffff' as SQLAlchemy stores it) rewritten; a datetime
    (PostgreSQL) in UTC; any other text parsed as UTCDateTime reads it."""
    if value is None:
        return None
    if isinstance(value, str):
        if len(value) == 26 and value[10] in " T" and value[19] == ".":
            fraction = "" if value.endswith(".000000") else value[19:]
            return f"{value[:10]}T{value[11:19]}{fraction}+00:00"
        when = datetime.fromisoformat(value)
        value = when.replace(tzinfo=UTC) if when.tzinfo is None else when
    return value.astimezone(UTC).isoformat()


def record_fields(row: Any) -> dict[str, Any]:
    """RecordSchema's fields of a row that has RECORD_COLUMNS."""
    return {"id": row.id, "created_at": iso(row.created_at),
            "updated_at": iso(row.updated_at), "deleted_at": iso(row.deleted_at),
            "lock_version": row.lock_version}


def differences(value: list[dict] | None) -> list[dict] | None:
    """A quote's stored differences with their keys in DifferenceSchema's order
    (PostgreSQL's JSONB keeps no key order)."""
    if value is None:
        return None
    return [{key: item.get(key) for key in DIFFERENCE_FIELDS} for item in value]


# -- running a read model's statement ---------------------------------------------------


@contextlib.contextmanager
def connection() -> Iterator[sa.Connection]:
    """The connection a read model's statements run on.

    - The session's, while it has a transaction under way (a read with a token, which
      looked the token up; anything the request wrote and has not committed), its
      pending changes flushed first as an ORM read would: the statements see what the
      request sees.
    - Otherwise one of the engine's for these statements alone, back to the pool when
      they are done: an anonymous read makes no session. (A write's answer is read after
      its commit, which ended the session's transaction: a fresh connection sees it.)
      On PostgreSQL it runs in autocommit: no BEGIN and ROLLBACK round trips around
      the reads. What they see is the same — under READ COMMITTED, PostgreSQL's and
      ours, each statement takes its own snapshot inside a transaction or out of one.
    """
    session = db.session
    if session.registry.has() and session().in_transaction():
        current = session()
        if current.autoflush:
            current.flush()
        yield current.connection()
        return
    with db.engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn.execution_options(isolation_level="AUTOCOMMIT")
        yield conn


def read(stmt: sa.Executable, params: Mapping[str, Any] | None = None,
         conn: sa.Connection | None = None) -> list[Row]:
    """The rows of a read model's statement (its visibility in it: `policy.visible`),
    run as Core on `conn`, by default on a `connection()` of its own."""
    if conn is not None:
        return conn.execute(stmt, params).all()
    with connection() as own:
        return own.execute(stmt, params).all()
