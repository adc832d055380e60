"""Verdicts: journalists draft, editors publish, correct and withdraw.

A published version is never edited: a correction or a withdrawal appends a new
version with its reason, and the verdict row mirrors the newest version.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from app.extensions import db
from app.models import (
    RATING_LABELS,
    Claim,
    Document,
    Role,
    Stance,
    User,
    Verdict,
    VerdictEvidence,
    VerdictState,
    VerdictVersion,
    utcnow,
)
from app.services.disputes import ref
from app.services.errors import Conflict, InvalidTransition, ValidationError
from app.services.uow import check_version, require_role, transaction


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
        ref(Claim, claim_id, f"evidence.{i}.claim_id")
        ref(Document, document_id, f"evidence.{i}.document_id")
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
    actor: User,
    claim_id: int,
    rating_value: int,
    rationale: str,
    evidence: list[dict[str, Any]] = (),
) -> Verdict:
    require_role(actor, Role.JOURNALIST)
    claim = ref(Claim, claim_id, "claim_id")
    _check_rating(rating_value)
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
    # Check the evidence before the new verdict hangs off the claim: its id look-ups
    # would otherwise autoflush the half-built verdict (SQLAlchemy warns and skips it).
    items = _evidence(evidence)
    with transaction(actor):
        # Evidence first: its lookups autoflush, which must not meet a half-built verdict
        # (SQLAlchemy 2 does not cascade it into the session through the claim backref).
        items = _evidence(evidence)
        verdict = Verdict(claim=claim, author=actor, state=VerdictState.DRAFT,
                          rating_value=rating_value, rationale=rationale, current_version=1)
        version = VerdictVersion(number=1, state=VerdictState.DRAFT, rating_value=rating_value,
                                 rationale=rationale, author=actor, evidence=items)
        verdict.versions.append(version)
        db.session.add(verdict)
    return verdict


def latest_version(verdict: Verdict) -> VerdictVersion:
    return verdict.versions[-1]


def update_draft(
    verdict: Verdict,
    actor: User,
    *,
    expected_version: int | None = None,
    rating_value: int | None = None,
    rationale: str | None = None,
    evidence: list[dict[str, Any]] | None = None,
) -> Verdict:
    """Drafts may be edited in place; published versions may not."""
    require_role(actor, Role.JOURNALIST)
    if verdict.state is not VerdictState.DRAFT:
        raise InvalidTransition(
            f"Verdict {verdict.id} is {verdict.state.value}; publish a correction instead."
        )
    version = latest_version(verdict)
    with transaction(actor):
        check_version(verdict, expected_version)
        if rating_value is not None:
            verdict.rating_value = version.rating_value = _check_rating(rating_value)
        if rationale is not None:
            verdict.rationale = version.rationale = rationale
        if evidence is not None:
            version.evidence = _evidence(evidence)
    return verdict


def publish(verdict: Verdict, actor: User, *, expected_version: int | None = None) -> Verdict:
    require_role(actor, Role.EDITOR)
    if verdict.state is not VerdictState.DRAFT:
        raise InvalidTransition(f"Verdict {verdict.id} is {verdict.state.value}, not a draft.")
    now = utcnow()
    with transaction(actor, "published"):
        check_version(verdict, expected_version)
        version = latest_version(verdict)
        version.state = VerdictState.PUBLISHED
        version.published_at = now
        verdict.state = VerdictState.PUBLISHED
        verdict.published_at = verdict.published_at or now
    return verdict


def _append_version(
    verdict: Verdict, actor: User, state: VerdictState, reason: str,
    rating_value: int, rationale: str, evidence: list[VerdictEvidence],
) -> VerdictVersion:
    version = VerdictVersion(
        number=verdict.current_version + 1, state=state, rating_value=rating_value,
        rationale=rationale, reason=reason, author=actor, published_at=utcnow(),
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
    actor: User,
    *,
    reason: str,
    rating_value: int | None = None,
    rationale: str | None = None,
    evidence: list[dict[str, Any]] | None = None,
    expected_version: int | None = None,
) -> Verdict:
    """Publish a new version of a published verdict; the old one stays in history."""
    require_role(actor, Role.EDITOR)
    reason = _require_reason(reason)
    if verdict.state is not VerdictState.PUBLISHED:
        raise InvalidTransition(
            f"Only published verdicts can be corrected; verdict {verdict.id} is "
            f"{verdict.state.value}."
        )
    previous = latest_version(verdict)
    new_rating = _check_rating(rating_value) if rating_value is not None else previous.rating_value
    new_evidence = _evidence(evidence) if evidence is not None else _copy_evidence(previous)
    with transaction(actor, reason):
        check_version(verdict, expected_version)
        _append_version(verdict, actor, VerdictState.PUBLISHED, reason, new_rating,
                        rationale if rationale is not None else previous.rationale, new_evidence)
    return verdict


def withdraw(
    verdict: Verdict, actor: User, *, reason: str, expected_version: int | None = None
) -> Verdict:
    """Withdraw a published verdict publicly, with a reason; consumers see it in the feed."""
    require_role(actor, Role.EDITOR)
    reason = _require_reason(reason)
    if verdict.state is not VerdictState.PUBLISHED:
        raise InvalidTransition(
            f"Only published verdicts can be withdrawn; verdict {verdict.id} is "
            f"{verdict.state.value}."
        )
    previous = latest_version(verdict)
    with transaction(actor, reason):
        check_version(verdict, expected_version)
        _append_version(verdict, actor, VerdictState.WITHDRAWN, reason, previous.rating_value,
                        previous.rationale, _copy_evidence(previous))
    return verdict
