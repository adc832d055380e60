"""The unit of work: services make their changes inside `transaction(...)`, the only
place that commits. Database races come back out as domain errors.

A unit of work is a *writing* transaction from its first statement: whatever the
session read before it (a view loading the record to change) is read again, and everything
the service checks — the record's version, that a parent still exists, that nothing
uses what is being deleted — is read again inside it, under the locks that keep it true
until the commit: SQLite's one writer's lock, taken by BEGIN IMMEDIATE before anything is
read; on PostgreSQL the row locks `app.services.policy` takes (FOR UPDATE on what
changes, FOR KEY SHARE on what it depends on), in a fixed top-down order.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator

from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from app.extensions import WRITER, db
from app.models import User
from app.services.audit import acting_as
from app.services.errors import Conflict, StaleVersion, ValidationError

_SQLITE_UNIQUE = re.compile(r"UNIQUE constraint failed: ([\w.,\s]+)")
_PG_KEY = re.compile(r"Key \(([^)]+)\)=")
_DEPTH = "unit_of_work_depth"
# PostgreSQL: deadlock_detected, serialization_failure, lock_not_available
_RETRYABLE = {"40P01", "40001", "55P03"}


def integrity_error(exc: IntegrityError) -> Conflict | ValidationError:
    """Turn a constraint violation into a domain error naming the field(s)."""
    message = str(exc.orig)
    fields: list[str] = []
    if m := _SQLITE_UNIQUE.search(message):
        fields = [part.strip().split(".")[-1] for part in m.group(1).split(",")]
    elif m := _PG_KEY.search(message):
        fields = [part.strip() for part in m.group(1).split(",")]
    if "UNIQUE" in message or "unique" in message or "duplicate key" in message:
        return Conflict(
            "A record with the same " + (", ".join(fields) or "key") + " already exists.",
            {f: ["already exists"] for f in fields},
        )
    if "FOREIGN KEY" in message or "foreign key" in message:
        return ValidationError(
            "A referenced record does not exist.", {f: ["not found"] for f in fields}
        )
    return ValidationError("The change breaks a data rule: " + message.splitlines()[0])


def _begin_writing(session: Session) -> None:
    """Begin a writing transaction, or turn the session's reading one into one: take
    SQLite's writer lock now, and forget every object loaded so far (each is read again,
    inside the write, when the service looks at it)."""
    if session.new or session.deleted or any(session.is_modified(o) for o in session.dirty):
        raise RuntimeError("changes were made outside a unit of work; "
                           "make them inside transaction(...)")
    if not session.in_transaction():
        session.connection(execution_options={WRITER: True})  # BEGIN IMMEDIATE on SQLite
        return
    connection = session.connection()
    if connection.dialect.name == "sqlite" and not connection.connection.driver_connection \
            .in_transaction:
        # it only read (pysqlite reads outside a transaction): the writer's lock, now
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    session.expire_all()


@contextlib.contextmanager
def transaction(*, actor: User | None, reason: str = "") -> Iterator[Session]:
    """Run a block of changes as one writing transaction attributed to `actor`, committed
    at the end — or none of it. Inside another unit of work it joins that one (one
    commit, the outer one's), with its own actor and reason for what it changes."""
    session = db.session()  # the request's Session itself, not its scoped proxy
    depth = session.info.get(_DEPTH, 0)
    if depth:
        session.info[_DEPTH] = depth + 1
        try:
            with acting_as(session, actor, reason):
                yield session
        finally:
            session.info[_DEPTH] = depth
        return
    _begin_writing(session)
    session.info[_DEPTH] = 1
    try:
        with acting_as(session, actor, reason):
            yield session
            session.commit()
    except StaleDataError:
        session.rollback()
        raise StaleVersion(
            "This record was changed by someone else since you loaded it. "
            "Reload it and apply your change again."
        ) from None
    except IntegrityError as exc:
        session.rollback()
        raise integrity_error(exc) from None
    except OperationalError as exc:
        session.rollback()
        if getattr(exc.orig, "sqlstate", None) in _RETRYABLE:
            raise Conflict("Someone else was changing the same records at the same moment; "
                           "nothing was saved. Try again.") from None
        raise
    except BaseException:
        session.rollback()
        raise
    finally:
        session.info[_DEPTH] = 0


def check_version(obj, expected_version: int | None) -> None:
    """Compare the caller's version of a record before changing it (If-Match, forms)."""
    if expected_version is not None and obj.lock_version != expected_version:
        raise StaleVersion(
            f"{type(obj).__name__} {obj.id} is at version {obj.lock_version}, "
            f"not {expected_version}: someone changed it since you loaded it."
        )
