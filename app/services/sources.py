"""Sources: who makes or carries a claim, and what they belong to."""

from __future__ import annotations

from typing import Any

from app.extensions import db
from app.models import Source, User
from app.services.errors import ValidationError
from app.services.policy import Action, lock_for_change, require, resolve
from app.services.uow import transaction


def _check_parent(source: Source | None, parent_id: int | None) -> None:
    parent = resolve(Source, parent_id, "parent_id")
    while parent is not None:
        if source is not None and parent.id == source.id:
            raise ValidationError(
                "A source cannot belong to itself, directly or through others.",
                {"parent_id": ["would make a cycle"]},
            )
        parent = parent.parent


def create_source(*, actor: User, **fields: Any) -> Source:
    """Add a source. Journalists and up; ValidationError naming `parent_id` when the
    source it belongs to does not exist; Conflict on a slug taken. Commits."""
    require(actor, Action.LOG)
    with transaction(actor=actor):
        _check_parent(None, fields.get("parent_id"))
        source = Source(**fields)
        db.session.add(source)
    return source


def update_source(source: Source, changes: dict[str, Any], *, actor: User,
                  expected_version: int | None = None, reason: str = "") -> Source:
    """Change a source. Journalists and up; ValidationError when the new parent does not
    exist or would make a cycle; StaleVersion; Conflict on a slug taken. Commits."""
    require(actor, Action.LOG)
    with transaction(actor=actor, reason=reason):
        lock_for_change(source, expected_version=expected_version)
        if "parent_id" in changes:
            _check_parent(source, changes["parent_id"])
        for key, value in changes.items():
            setattr(source, key, value)
    return source
