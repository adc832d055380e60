"""Soft delete and restore, for every kind of record. Nothing is ever hard-deleted;
every delete and restore is in the change log."""

from __future__ import annotations

from typing import TypeVar

import sqlalchemy as sa

from app.extensions import db
from app.models import (
    Claim,
    ClaimAppearance,
    ClaimAttribution,
    Dispute,
    Document,
    Event,
    Link,
    Quote,
    Source,
    User,
    Verdict,
    VerdictState,
    utcnow,
)
from app.models.base import SoftDeleteMixin
from app.services.errors import Conflict, InvalidTransition
from app.services.policy import Action, Viewer, check_verdict_move, get_visible, require
from app.services.uow import check_version, transaction

T = TypeVar("T")


def _users(record) -> list[tuple[str, sa.Select]]:
    """(what, SELECT of the ids of live records that use `record`)."""
    match record:
        case Event():
            return [("disputes", sa.select(Dispute.id).where(Dispute.event_id == record.id))]
        case Source():
            return [
                ("claims (claimant)", sa.select(Claim.id).where(Claim.claimant_id == record.id)),
                ("claims (attribution)", sa.select(Claim.id).join(ClaimAttribution)
                 .where(ClaimAttribution.source_id == record.id)),
                ("quotes (speaker)", sa.select(Quote.id).where(Quote.speaker_id == record.id)),
                ("documents (publisher)",
                 sa.select(Document.id).where(Document.publisher_id == record.id)),
                ("sources (affiliation)",
                 sa.select(Source.id).where(Source.parent_id == record.id)),
            ]
        case Document():
            return [
                ("claims (first appearance)",
                 sa.select(Claim.id).where(Claim.first_appearance_id == record.id)),
                ("claims (appearance)", sa.select(Claim.id).join(ClaimAppearance)
                 .where(ClaimAppearance.document_id == record.id)),
                ("quotes", sa.select(Quote.id).where(Quote.document_id == record.id)),
            ]
        case Quote():
            return [("links (scope)", sa.select(Link.id).where(Link.scope_quote_id == record.id))]
        # A published verdict's history stays public: withdraw it (publicly, with a
        # reason, so feed consumers see it) before its claim can disappear.
        case Claim():
            return [("published verdicts (withdraw them first)", sa.select(Verdict.id).where(
                Verdict.claim_id == record.id, Verdict.state == VerdictState.PUBLISHED))]
        case Dispute():
            return [("published verdicts (withdraw them first)", sa.select(Verdict.id)
                     .join(Claim, Claim.id == Verdict.claim_id).where(
                         Claim.dispute_id == record.id,
                         Verdict.state == VerdictState.PUBLISHED))]
    return []


def _check_deletable(record) -> None:
    """Conflict (409) naming what still uses the record; nothing when it is free."""
    if isinstance(record, Verdict):
        check_verdict_move(record, "delete")
    problems = []
    for what, stmt in _users(record):
        ids = db.session.scalars(stmt.order_by(None).limit(6)).all()
        if ids:
            shown = ", ".join(str(i) for i in ids[:5]) + (", …" if len(ids) > 5 else "")
            problems.append(f"{what}: {shown}")
    if problems:
        name = type(record).__name__
        raise Conflict(f"{name} {record.id} is still in use by " + "; ".join(problems)
                       + ". Change or delete those first.", {"in_use": problems})


def delete_action(record: SoftDeleteMixin) -> Action:
    """What deleting `record` takes: a draft verdict is its drafter's work (journalists
    and up); any other record is public, and deleting it is an editor's call."""
    if isinstance(record, Verdict) and record.state is VerdictState.DRAFT:
        return Action.DRAFT
    return Action.DELETE


def delete_record(record: SoftDeleteMixin, *, actor: User, reason: str = "",
                  expected_version: int | None = None) -> None:
    """Soft-delete a record. Editors and up (journalists for draft verdicts);
    InvalidTransition when it is already deleted or is a public verdict; Conflict naming
    the live records that still use it; StaleVersion. Commits, with `reason`."""
    require(actor, delete_action(record))
    with transaction(actor=actor, reason=reason):
        if record.deleted_at is not None:
            raise InvalidTransition(f"{type(record).__name__} {record.id} is already deleted.")
        check_version(record, expected_version)
        _check_deletable(record)  # nothing live may be left pointing at a hidden record
        record.deleted_at = utcnow()


def restore_record(model: type[T], record_id: int, *, actor: User, reason: str = "") -> T:
    """Bring back a soft-deleted record. Editors and up; NotFound; InvalidTransition when
    it is not deleted. Commits, with `reason`."""
    require(actor, Action.RESTORE)
    with transaction(actor=actor, reason=reason):
        record = get_visible(model, record_id, viewer=Viewer(actor, include_deleted=True))
        if record.deleted_at is None:
            raise InvalidTransition(f"{model.__name__} {record_id} is not deleted.")
        record.deleted_at = None
    return record
