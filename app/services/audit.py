"""The one mechanism that writes Revisions.

Services say *who* and *why* with `acting_as(...)`; a flush listener then records a
Revision (before/after of the changed columns) for every Auditable row inserted,
updated, soft-deleted, restored or deleted in that flush. No service writes
revisions by hand. `install` (called by the app factory) puts the listeners in place.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import decimal
import enum
from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event, inspect
from sqlalchemy.orm import Mapper, Session

from app.extensions import Base
from app.models import Revision, RevisionAction, User
from app.models.base import Auditable, SoftDeleteMixin, utcnow

ACTOR_KEY = "audit_actor_id"
REASON_KEY = "audit_reason"


@contextlib.contextmanager
def acting_as(session: Session, actor: User | int | None, reason: str = "") -> Iterator[None]:
    """Attribute every change flushed inside the block to `actor`, with `reason`."""
    previous = session.info.get(ACTOR_KEY), session.info.get(REASON_KEY)
    session.info[ACTOR_KEY] = actor.id if isinstance(actor, User) else actor
    session.info[REASON_KEY] = reason or ""
    try:
        yield
    finally:
        session.info[ACTOR_KEY], session.info[REASON_KEY] = previous


def _jsonable(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return value


def _columns(obj: Auditable) -> list[str]:
    exclude = type(obj).__audit_exclude__
    return [a.key for a in inspect(obj).mapper.column_attrs if a.key not in exclude]


def _snapshot(obj: Auditable) -> dict[str, Any]:
    state = inspect(obj)
    return {key: _jsonable(state.attrs[key].value) for key in _columns(obj)}


def _changes(obj: Auditable) -> tuple[dict[str, Any], dict[str, Any]]:
    state = inspect(obj)
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for key in _columns(obj):
        history = state.attrs[key].history
        if not history.has_changes() or key in {"updated_at", "lock_version"}:
            continue
        old = history.deleted[0] if history.deleted else None
        new = history.added[0] if history.added else None
        if old == new:
            continue
        before[key] = _jsonable(old)
        after[key] = _jsonable(new)
    return before, after


def entity_type(obj_or_cls: Any) -> str:
    cls = obj_or_cls if isinstance(obj_or_cls, type) else type(obj_or_cls)
    return cls.__tablename__


def install(session_class: type[Session] = Session) -> None:
    """Write Revisions on every flush of `session_class` (and its subclasses); keep old
    values of audited columns so a revision's `before` is the stored value. Once."""
    if not event.contains(Auditable, "mapper_configured", _keep_old_values):
        event.listen(Auditable, "mapper_configured", _keep_old_values, propagate=True)
        # mappers configured before now (none, when the factory calls this first) too
        for mapper in Base.registry.mappers:
            if mapper.configured and issubclass(mapper.class_, Auditable):
                _keep_old_values(mapper, mapper.class_)
    if not event.contains(session_class, "after_flush", _write_revisions):
        event.listen(session_class, "after_flush", _write_revisions)


def _keep_old_values(mapper: Mapper, cls) -> None:
    """Load a column's old value before it is overwritten (even on an expired object),
    so a revision's `before` is always the stored value, never a guess."""
    for prop in mapper.column_attrs:
        attribute = getattr(cls, prop.key)
        if not event.contains(attribute, "set", _noop_set):
            event.listen(attribute, "set", _noop_set, active_history=True)


def _noop_set(target, value, oldvalue, initiator):
    return value


def _write_revisions(session: Session, flush_context) -> None:
    actor_id = session.info.get(ACTOR_KEY)
    reason = session.info.get(REASON_KEY) or ""
    now = utcnow()
    rows: list[dict[str, Any]] = []

    def add(obj: Auditable, action: RevisionAction, before, after) -> None:
        rows.append(
            {
                "entity_type": entity_type(obj),
                "entity_id": inspect(obj).mapper.primary_key_from_instance(obj)[0],
                "action": action,
                "actor_id": actor_id,
                "at": now,
                "reason": reason,
                "before": before,
                "after": after,
            }
        )

    for obj in session.new:
        if isinstance(obj, Auditable):
            add(obj, RevisionAction.CREATE, None, _snapshot(obj))
    for obj in session.dirty:
        if not isinstance(obj, Auditable) or not session.is_modified(obj):
            continue
        before, after = _changes(obj)
        if not after and not before:
            continue
        action = RevisionAction.UPDATE
        if isinstance(obj, SoftDeleteMixin) and "deleted_at" in after:
            action = RevisionAction.DELETE if after["deleted_at"] else RevisionAction.RESTORE
        add(obj, action, before, after)
    for obj in session.deleted:
        if isinstance(obj, Auditable):
            add(obj, RevisionAction.DELETE, _snapshot(obj), None)

    if rows:
        session.connection().execute(sa.insert(Revision.__table__), rows)
