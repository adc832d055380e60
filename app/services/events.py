"""Events: something that happened, about which accounts compete."""

from __future__ import annotations

from typing import Any

from app.extensions import db
from app.models import Event, User
from app.services.policy import Action, lock_for_change, require
from app.services.uow import transaction


def create_event(*, actor: User, **fields: Any) -> Event:
    """Log an event. Journalists and up (PermissionDenied); a slug taken is a Conflict.
    Commits."""
    require(actor, Action.LOG)
    with transaction(actor=actor):
        event = Event(**fields)
        db.session.add(event)
    return event


def update_event(event: Event, changes: dict[str, Any], *, actor: User,
                 expected_version: int | None = None, reason: str = "") -> Event:
    """Change an event's fields. Journalists and up; StaleVersion when `expected_version`
    is not the stored one; Conflict on a slug taken. Commits."""
    require(actor, Action.LOG)
    with transaction(actor=actor, reason=reason):
        lock_for_change(event, expected_version=expected_version)
        for key, value in changes.items():
            setattr(event, key, value)
    return event
