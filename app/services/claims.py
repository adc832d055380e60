"""Claims (accounts) and the quotes in them: what is asserted, by whom, through whom,
where it appeared, and the exact words at issue."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from app.extensions import db
from app.models import (
    Claim,
    ClaimAppearance,
    ClaimAttribution,
    Dispute,
    Document,
    Quote,
    Source,
    User,
    utcnow,
)
from app.services.documents import verify_quote
from app.services.errors import ValidationError
from app.services.policy import Action, lock_for_change, require, resolve
from app.services.uow import transaction

CLAIM_FIELDS = {
    "claimant_id", "statement", "kind", "sourcing_level", "independent_sources",
    "stated_at", "stated_precision", "first_appearance_id", "position", "language",
}
QUOTE_TEXT_FIELDS = {"exact", "prefix", "suffix", "document_id"}


def build_claim(dispute: Dispute, data: dict[str, Any], position: int) -> Claim:
    """A new claim of `dispute`, with its attribution chain, appearances and quotes,
    added to the session (inside the caller's transaction); ValidationError naming the
    field of any reference that points nowhere."""
    # The new claim hangs off the dispute before it is added to the session; the id
    # look-ups below must not autoflush it half-built (SQLAlchemy warns, and skips it).
    with db.session.no_autoflush:
        return _build_claim(dispute, data, position)


def _build_claim(dispute: Dispute, data: dict[str, Any], position: int) -> Claim:
    data = dict(data)
    attributions = data.pop("attributions", [])
    appearances = data.pop("appearances", [])
    quotes = data.pop("quotes", [])
    unknown = set(data) - CLAIM_FIELDS
    if unknown:
        raise ValidationError("Unknown claim fields.", {k: ["unknown field"] for k in unknown})
    resolve(Source, data.get("claimant_id"), "claimant_id")
    resolve(Document, data.get("first_appearance_id"), "first_appearance_id")
    data.setdefault("position", position)
    claim = Claim(dispute=dispute, **data)
    # Into the session at once: the lookups below autoflush, and SQLAlchemy 2 no longer
    # cascades it in through the dispute backref (an SAWarning, an error under pytest).
    db.session.add(claim)
    _set_attributions(claim, attributions)
    _set_appearances(claim, appearances)
    for i, item in enumerate(quotes):
        claim.quotes.append(_build_quote(item, f"quotes.{i}."))
    return claim


def _set_attributions(claim: Claim, attributions: list[dict[str, Any]]) -> None:
    for i, item in enumerate(attributions):
        resolve(Source, item["source_id"], f"attributions.{i}.source_id")
        claim.attributions.append(
            ClaimAttribution(position=i, source_id=item["source_id"],
                             relation=item.get("relation", "citing"))
        )


def _set_appearances(claim: Claim, appearances: list[dict[str, Any]]) -> None:
    seen: set[int] = set()
    for i, item in enumerate(appearances):
        resolve(Document, item["document_id"], f"appearances.{i}.document_id")
        if item["document_id"] in seen:
            raise ValidationError("The same appearance is listed twice.",
                                  {f"appearances.{i}.document_id": ["listed twice"]})
        seen.add(item["document_id"])
        claim.appearances.append(
            ClaimAppearance(document_id=item["document_id"], note=item.get("note", ""))
        )


def _build_quote(data: dict[str, Any], prefix: str = "") -> Quote:
    speaker = resolve(Source, data.get("speaker_id"), prefix + "speaker_id")
    document = resolve(Document, data.get("document_id"), prefix + "document_id")
    quote = Quote(
        speaker=speaker,
        document=document,
        exact=data["exact"],
        prefix=data.get("prefix", ""),
        suffix=data.get("suffix", ""),
    )
    verify_quote(quote)
    return quote


def add_claim(dispute_id: int, *, actor: User, **data: Any) -> Claim:
    """Add an account to a dispute, with its quotes, all or nothing. Journalists and up;
    ValidationError naming the field of a reference (dispute, claimant, documents,
    sources) that does not exist. Commits."""
    require(actor, Action.LOG)
    with transaction(actor=actor):
        dispute = resolve(Dispute, dispute_id, "dispute_id")
        position = db.session.scalar(
            sa.select(sa.func.count()).select_from(Claim).where(Claim.dispute_id == dispute.id)
        )
        claim = build_claim(dispute, data, position)
    return claim


def update_claim(claim: Claim, changes: dict[str, Any], *, actor: User,
                 expected_version: int | None = None, reason: str = "") -> Claim:
    """Change a claim; attributions/appearances, when given, replace the old lists.
    Journalists and up; ValidationError naming a reference that does not exist;
    StaleVersion. Commits."""
    require(actor, Action.LOG)
    changes = dict(changes)
    attributions = changes.pop("attributions", None)
    appearances = changes.pop("appearances", None)
    with transaction(actor=actor, reason=reason):
        lock_for_change(claim, expected_version=expected_version)
        resolve(Source, changes.get("claimant_id"), "claimant_id")
        resolve(Document, changes.get("first_appearance_id"), "first_appearance_id")
        for key, value in changes.items():
            setattr(claim, key, value)
        if attributions is not None:
            claim.attributions.clear()
            db.session.flush()  # free the (claim, position) slots before reusing them
            _set_attributions(claim, attributions)
        if appearances is not None:
            claim.appearances.clear()
            db.session.flush()
            _set_appearances(claim, appearances)
        # Bump the claim's version even when only its child lists changed.
        claim.updated_at = utcnow()
    return claim


def add_quote(claim_id: int, *, actor: User, **data: Any) -> Quote:
    """Add a quote to a claim; its integrity is checked against the document at once.
    Journalists and up; ValidationError naming a reference that does not exist.
    Commits."""
    require(actor, Action.LOG)
    with transaction(actor=actor):
        claim = resolve(Claim, claim_id, "claim_id")
        quote = _build_quote(data)
        quote.claim = claim
        db.session.add(quote)
    return quote


def update_quote(quote: Quote, changes: dict[str, Any], *, actor: User,
                 expected_version: int | None = None, reason: str = "") -> Quote:
    """Change a quote; new words, selector or document are checked again. Journalists
    and up; ValidationError naming a reference that does not exist; StaleVersion.
    Commits."""
    require(actor, Action.LOG)
    with transaction(actor=actor, reason=reason):
        lock_for_change(quote, expected_version=expected_version)
        resolve(Source, changes.get("speaker_id"), "speaker_id")
        resolve(Document, changes.get("document_id"), "document_id")
        for key, value in changes.items():
            setattr(quote, key, value)
        if QUOTE_TEXT_FIELDS & set(changes):
            db.session.flush()
            db.session.refresh(quote, ["document"])
            verify_quote(quote)
    return quote
