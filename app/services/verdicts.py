"""Verdicts: journalists draft, editors publish, correct and withdraw.

A published version is never edited: a correction or a withdrawal appends a new
version with its reason, and the verdict row mirrors the newest version.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa

from app.extensions import db
from app.models import (
    RATING_LABELS,
    Claim,
    Document,
    Stance,
    User,
    Verdict,
    VerdictEvidence,
    VerdictState,
    VerdictVersion,
    utcnow,
)
from app.services.errors import Conflict, ValidationError
from app.services.policy import Action, check_verdict_move, lock_for_change, require, resolve
from app.services.uow import transaction


def _check_rating(value: int) -> int:
    if value not in RATING_LABELS:
        allowed = ", ".join(f"{v} ({label})" for v, label in RATING_LABELS.items())
        raise ValidationError(
            f"Rating {value} is not on the scale.", {"rating_value": [f"one of {allowed}"]}
        )
    return value


def _evidence(items: list[dict[str, Any]]) -> list[VerdictEvidence]:
    out = []
    for i, item in enumerate(items):
        claim_id, document_id = item.get("claim_id"), item.get("document_id")
        if (claim_id is None) == (document_id is None):
            raise ValidationError(
                "Each evidence item names a claim or a document, not both.",
                {f"evidence.{i}": ["give exactly one of claim_id, document_id"]},
            )
        resolve(Claim, claim_id, f"evidence.{i}.claim_id")
        resolve(Document, document_id, f"evidence.{i}.document_id")
        out.append(
            VerdictEvidence(claim_id=claim_id, document_id=document_id,
                            stance=Stance(item["stance"]), note=item.get("note", ""))
        )
    return out


def _require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("Say why: corrections and withdrawals need a reason.",
                              {"reason": ["required"]})
    return reason


def draft_verdict(
    claim_id: int,
    rating_value: int,
    rationale: str,
    evidence: list[dict[str, Any]] = (),
    *,
    actor: User,
    language: str | None = None,
) -> Verdict:
    """Draft a verdict on a claim (only staff see it until an editor publishes it).
    Journalists and up; ValidationError naming a claim, rating or evidence that does not
    exist; Conflict when the claim already has a verdict that is not withdrawn.
    Commits."""
    require(actor, Action.DRAFT)
    _check_rating(rating_value)
    with transaction(actor=actor):
        # FOR UPDATE: two drafts at once must not both find the claim without a verdict
        claim = resolve(Claim, claim_id, "claim_id", for_update=True)
        current = db.session.scalar(
            sa.select(Verdict.id).where(
                Verdict.claim_id == claim.id, Verdict.state != VerdictState.WITHDRAWN
            )
        )
        if current is not None:
            raise Conflict(
                f"Claim {claim.id} already has verdict {current}; correct that one instead.",
                {"claim_id": [f"already has verdict {current}"]},
            )
        # Evidence first: its lookups autoflush, which must not meet a half-built verdict
        # (SQLAlchemy 2 does not cascade it into the session through the claim backref).
        items = _evidence(evidence)
        verdict = Verdict(claim=claim, author=actor, state=VerdictState.DRAFT,
                          rating_value=rating_value, rationale=rationale, current_version=1)
        if language:  # else the model's default, DEFAULT_LANGUAGE
            verdict.language = language
        version = VerdictVersion(number=1, state=VerdictState.DRAFT, rating_value=rating_value,
                                 rationale=rationale, author=actor, evidence=items)
        verdict.versions.append(version)
        db.session.add(verdict)
    return verdict


def latest_version(verdict: Verdict) -> VerdictVersion:
    return verdict.versions[-1]


def update_draft(
    verdict: Verdict,
    *,
    actor: User,
    expected_version: int | None = None,
    rating_value: int | None = None,
    rationale: str | None = None,
    evidence: list[dict[str, Any]] | None = None,
    language: str | None = None,
) -> Verdict:
    """Edit a draft in place (a published verdict is corrected instead). Journalists and
    up; InvalidTransition when it is no longer a draft; ValidationError naming a bad
    rating or evidence; StaleVersion. Commits."""
    require(actor, Action.DRAFT)
    with transaction(actor=actor):
        lock_for_change(verdict, expected_version=expected_version)
        check_verdict_move(verdict, "edit")
        version = latest_version(verdict)
        if rating_value is not None:
            verdict.rating_value = version.rating_value = _check_rating(rating_value)
        if rationale is not None:
            verdict.rationale = version.rationale = rationale
        if language is not None:
            verdict.language = language
        if evidence is not None:
            items = _evidence(evidence)
            if [_evidence_key(e) for e in items] != [_evidence_key(e) for e in version.evidence]:
                version.evidence = items
                # The evidence is the draft's too: its version moves, so that an edit
                # from an older copy is seen as stale instead of putting it back.
                verdict.updated_at = utcnow()
    return verdict


def _evidence_key(item: VerdictEvidence) -> tuple[Any, ...]:
    return (item.claim_id, item.document_id, Stance(item.stance), item.note or "")


def publish(verdict: Verdict, *, actor: User, expected_version: int | None = None,
            published_at: datetime | None = None) -> Verdict:
    """Publish a draft: readers, the feed and ClaimReview see it from the commit on.
    `published_at` is now unless given (the seeds' verdicts on 2022 events were published
    then, and their pages and ClaimReviews say so). Editors and up; InvalidTransition
    when it is not a draft; StaleVersion. Commits."""
    require(actor, Action.PUBLISH)
    now = published_at or utcnow()
    with transaction(actor=actor, reason="published"):
        lock_for_change(verdict, expected_version=expected_version)
        check_verdict_move(verdict, "publish")
        version = latest_version(verdict)
        version.state = VerdictState.PUBLISHED
        version.published_at = now
        verdict.state = VerdictState.PUBLISHED
        verdict.published_at = verdict.published_at or now
    return verdict


def _append_version(
    verdict: Verdict, actor: User, state: VerdictState, reason: str,
    rating_value: int, rationale: str, evidence: list[VerdictEvidence],
    published_at: datetime | None = None,
) -> VerdictVersion:
    version = VerdictVersion(
        number=verdict.current_version + 1, state=state, rating_value=rating_value,
        rationale=rationale, reason=reason, author=actor,
        published_at=published_at or utcnow(),
        evidence=evidence,
    )
    verdict.versions.append(version)
    verdict.current_version = version.number
    verdict.state = state
    verdict.rating_value = rating_value
    verdict.rationale = rationale
    return version


def _copy_evidence(version: VerdictVersion) -> list[VerdictEvidence]:
    return [VerdictEvidence(claim_id=e.claim_id, document_id=e.document_id,
                            stance=e.stance, note=e.note) for e in version.evidence]


def correct(
    verdict: Verdict,
    *,
    actor: User,
    reason: str,
    rating_value: int | None = None,
    rationale: str | None = None,
    evidence: list[dict[str, Any]] | None = None,
    expected_version: int | None = None,
    published_at: datetime | None = None,
) -> Verdict:
    """Publish a new version of a published verdict, with its reason; the old one stays
    in the public history (`published_at` as for `publish`). Editors and up;
    ValidationError without a reason or with a bad rating or evidence; InvalidTransition
    when it is not published; StaleVersion. Commits."""
    require(actor, Action.CORRECT)
    reason = _require_reason(reason)
    with transaction(actor=actor, reason=reason):
        lock_for_change(verdict, expected_version=expected_version)
        check_verdict_move(verdict, "correct")
        previous = latest_version(verdict)
        new_rating = (_check_rating(rating_value) if rating_value is not None
                      else previous.rating_value)
        new_evidence = _evidence(evidence) if evidence is not None else _copy_evidence(previous)
        _append_version(verdict, actor, VerdictState.PUBLISHED, reason, new_rating,
                        rationale if rationale is not None else previous.rationale, new_evidence,
                        published_at)
    return verdict


def withdraw(
    verdict: Verdict, *, actor: User, reason: str, expected_version: int | None = None
) -> Verdict:
    """Withdraw a published verdict publicly, with a reason: from the commit on no rating
    of it goes out anywhere, and the feed carries the withdrawal so consumers remove it.
    Editors and up; ValidationError without a reason; InvalidTransition when it is not
    published; StaleVersion. Commits."""
    require(actor, Action.WITHDRAW)
    reason = _require_reason(reason)
    with transaction(actor=actor, reason=reason):
        lock_for_change(verdict, expected_version=expected_version)
        check_verdict_move(verdict, "withdraw")
        previous = latest_version(verdict)
        _append_version(verdict, actor, VerdictState.WITHDRAWN, reason, previous.rating_value,
                        previous.rationale, _copy_evidence(previous))
    return verdict
