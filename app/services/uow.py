"""The unit of work: services make their changes inside `transaction(...)`, the only
place that commits. Database races come back out as domain errors."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from app.extensions import db
from app.models import User
from app.services.audit import acting_as
from app.services.errors import Conflict, StaleVersion, ValidationError

_SQLITE_UNIQUE = re.compile(r"UNIQUE constraint failed: ([\w.,\s]+)")
_PG_KEY = re.compile(r"Key \(([^)]+)\)=")


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


@contextlib.contextmanager
def transaction(*, actor: User | None, reason: str = "") -> Iterator[Session]:
    """Run a block of changes as one commit attributed to `actor`, or none at all."""
    session = db.session
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
    except BaseException:
        session.rollback()
        raise


def check_version(obj, expected_version: int | None) -> None:
    """Compare the caller's version of a record before changing it (If-Match, forms)."""
    if expected_version is not None and obj.lock_version != expected_version:
        raise StaleVersion(
            f"{type(obj).__name__} {obj.id} is at version {obj.lock_version}, "
            f"not {expected_version}: someone changed it since you loaded it."
        )
