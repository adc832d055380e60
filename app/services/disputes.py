"""Disputes: one question at issue about an event, logged with its competing accounts;
where it stands (its state) is an editor's call."""

from __future__ import annotations

from typing import Any

from app.extensions import db
from app.models import Dispute, DisputeState, Event, User
from app.services.claims import build_claim
from app.services.errors import ValidationError
from app.services.policy import Action, lock_for_change, require, resolve
from app.services.uow import transaction


def log_dispute(*, actor: User, claims: list[dict[str, Any]] = (), **fields: Any) -> Dispute:
    """Create a dispute with its competing claims, all or nothing. Journalists and up;
    a state other than open is an editor's (PermissionDenied); ValidationError naming the
    field of a reference that does not exist; Conflict on a slug taken. Commits."""
    require(actor, Action.LOG)
    if DisputeState(fields.get("state", DisputeState.OPEN)) is not DisputeState.OPEN:
        require(actor, Action.CHANGE_STATE)
    with transaction(actor=actor):
        resolve(Event, fields.get("event_id"), "event_id")
        dispute = Dispute(**fields)
        db.session.add(dispute)
        for position, data in enumerate(claims):
            db.session.add(build_claim(dispute, data, position))
    return dispute


def update_dispute(dispute: Dispute, changes: dict[str, Any], *, actor: User,
                   expected_version: int | None = None, reason: str = "") -> Dispute:
    """Change a dispute's question, summary, slug or event (its state changes through
    `change_dispute_state`). Journalists and up; ValidationError naming an event that
    does not exist; StaleVersion; Conflict on a slug taken. Commits."""
    require(actor, Action.LOG)
    if "state" in changes:
        require(actor, Action.CHANGE_STATE)
    with transaction(actor=actor, reason=reason):
        lock_for_change(dispute, expected_version=expected_version)
        resolve(Event, changes.get("event_id"), "event_id")
        for key, value in changes.items():
            setattr(dispute, key, value)
    return dispute


def change_dispute_state(
    dispute: Dispute,
    state: DisputeState | str,
    *,
    actor: User,
    reason: str = "",
    expected_version: int | None = None,
) -> Dispute:
    """Move a dispute between open, contested, conceded, ... states. Editors and up
    (PermissionDenied); StaleVersion; ValidationError without a `reason` (readers are
    shown why). Commits, with `reason` in the change log."""
    require(actor, Action.CHANGE_STATE)
    if not (reason or "").strip():
        raise ValidationError("Say why the dispute's state changes: readers are shown it.",
                              {"reason": ["required"]})
    with transaction(actor=actor, reason=reason):
        lock_for_change(dispute, expected_version=expected_version)
        dispute.state = DisputeState(state)
    return dispute
