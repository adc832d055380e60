"""Logging what happened: events, sources, disputes, claims, quotes and links."""

from __future__ import annotations

from typing import Any, TypeVar

import sqlalchemy as sa

from app.extensions import db
from app.models import (
    Claim,
    ClaimAppearance,
    ClaimAttribution,
    Dispute,
    DisputeState,
    Document,
    Event,
    Link,
    LinkScope,
    LinkType,
    Quote,
    Role,
    Source,
    User,
    utcnow,
)
from app.services.documents import verify_quote
from app.services.errors import NotFound, ValidationError
from app.services.records import get_or_404
from app.services.uow import check_version, require_role, transaction

T = TypeVar("T")

CLAIM_FIELDS = {
    "claimant_id", "statement", "kind", "sourcing_level", "independent_sources",
    "stated_at", "stated_precision", "first_appearance_id", "position",
}
QUOTE_TEXT_FIELDS = {"exact", "prefix", "suffix", "document_id"}


def ref(model: type[T], record_id: int | None, field: str) -> T | None:
    """Resolve an id given by a caller, naming the field when it points nowhere."""
    if record_id is None:
        return None
    try:
        return get_or_404(model, record_id)
    except NotFound as exc:
        raise ValidationError(f"{field}: {exc.message}", {field: [exc.message]}) from None


def create_event(actor: User, **fields: Any) -> Event:
    require_role(actor, Role.JOURNALIST)
    with transaction(actor):
        event = Event(**fields)
        db.session.add(event)
    return event


def _check_parent(source: Source | None, parent_id: int | None) -> None:
    parent = ref(Source, parent_id, "parent_id")
    while parent is not None:
        if source is not None and parent.id == source.id:
            raise ValidationError(
                "A source cannot belong to itself, directly or through others.",
                {"parent_id": ["would make a cycle"]},
            )
        parent = parent.parent


def create_source(actor: User, **fields: Any) -> Source:
    require_role(actor, Role.JOURNALIST)
    _check_parent(None, fields.get("parent_id"))
    with transaction(actor):
        source = Source(**fields)
        db.session.add(source)
    return source


def update_source(
    source: Source, changes: dict[str, Any], actor: User, *, expected_version: int | None = None
) -> Source:
    require_role(actor, Role.JOURNALIST)
    if "parent_id" in changes:
        _check_parent(source, changes["parent_id"])
    with transaction(actor):
        check_version(source, expected_version)
        for key, value in changes.items():
            setattr(source, key, value)
    return source


def _build_claim(dispute: Dispute, data: dict[str, Any], position: int) -> Claim:
    # The new claim hangs off the dispute before it is added to the session; the id
    # look-ups below must not autoflush it half-built (SQLAlchemy warns, and skips it).
    with db.session.no_autoflush:
        return _build_claim_unflushed(dispute, data, position)


def _build_claim_unflushed(dispute: Dispute, data: dict[str, Any], position: int) -> Claim:
    data = dict(data)
    attributions = data.pop("attributions", [])
    appearances = data.pop("appearances", [])
    quotes = data.pop("quotes", [])
    unknown = set(data) - CLAIM_FIELDS
    if unknown:
        raise ValidationError("Unknown claim fields.", {k: ["unknown field"] for k in unknown})
    ref(Source, data.get("claimant_id"), "claimant_id")
    ref(Document, data.get("first_appearance_id"), "first_appearance_id")
    data.setdefault("position", position)
    claim = Claim(dispute=dispute, **data)
    # Into the session at once: the lookups below autoflush, and SQLAlchemy 2 no longer
    # cascades it in through the dispute backref (an SAWarning, an error under pytest).
    db.session.add(claim)
    for i, item in enumerate(attributions):
        ref(Source, item["source_id"], f"attributions.{i}.source_id")
        claim.attributions.append(
            ClaimAttribution(position=i, source_id=item["source_id"],
                             relation=item.get("relation", "citing"))
        )
    seen: set[int] = set()
    for i, item in enumerate(appearances):
        ref(Document, item["document_id"], f"appearances.{i}.document_id")
        if item["document_id"] in seen:
            raise ValidationError("The same appearance is listed twice.",
                                  {f"appearances.{i}.document_id": ["listed twice"]})
        seen.add(item["document_id"])
        claim.appearances.append(
            ClaimAppearance(document_id=item["document_id"], note=item.get("note", ""))
        )
    for i, item in enumerate(quotes):
        claim.quotes.append(_build_quote(item, f"quotes.{i}."))
    return claim


def _build_quote(data: dict[str, Any], prefix: str = "") -> Quote:
    speaker = ref(Source, data.get("speaker_id"), prefix + "speaker_id")
    document = ref(Document, data.get("document_id"), prefix + "document_id")
    quote = Quote(
        speaker=speaker,
        document=document,
        exact=data["exact"],
        prefix=data.get("prefix", ""),
        suffix=data.get("suffix", ""),
    )
    verify_quote(quote)
    return quote


def log_dispute(
    actor: User, *, claims: list[dict[str, Any]] = (), **fields: Any
) -> Dispute:
    """Create a dispute with its competing claims, all or nothing."""
    require_role(actor, Role.JOURNALIST)
    ref(Event, fields.get("event_id"), "event_id")
    with transaction(actor):
        dispute = Dispute(**fields)
        db.session.add(dispute)
        for position, data in enumerate(claims):
            db.session.add(_build_claim(dispute, data, position))
    return dispute


def add_claim(actor: User, dispute_id: int, **data: Any) -> Claim:
    require_role(actor, Role.JOURNALIST)
    dispute = ref(Dispute, dispute_id, "dispute_id")
    position = db.session.scalar(
        sa.select(sa.func.count()).select_from(Claim).where(Claim.dispute_id == dispute.id)
    )
    with transaction(actor):
        claim = _build_claim(dispute, data, position)
        db.session.add(claim)
    return claim


def update_claim(
    claim: Claim, changes: dict[str, Any], actor: User, *, expected_version: int | None = None
) -> Claim:
    """Change a claim; attributions/appearances, when given, replace the old lists."""
    require_role(actor, Role.JOURNALIST)
    changes = dict(changes)
    attributions = changes.pop("attributions", None)
    appearances = changes.pop("appearances", None)
    ref(Source, changes.get("claimant_id"), "claimant_id")
    ref(Document, changes.get("first_appearance_id"), "first_appearance_id")
    with transaction(actor):
        check_version(claim, expected_version)
        for key, value in changes.items():
            setattr(claim, key, value)
        if attributions is not None:
            claim.attributions.clear()
            db.session.flush()  # free the (claim, position) slots before reusing them
            for i, item in enumerate(attributions):
                ref(Source, item["source_id"], f"attributions.{i}.source_id")
                claim.attributions.append(
                    ClaimAttribution(position=i, source_id=item["source_id"],
                                     relation=item.get("relation", "citing"))
                )
        if appearances is not None:
            claim.appearances.clear()
            db.session.flush()
            for i, item in enumerate(appearances):
                ref(Document, item["document_id"], f"appearances.{i}.document_id")
                claim.appearances.append(
                    ClaimAppearance(document_id=item["document_id"], note=item.get("note", ""))
                )
        # Bump the claim's version even when only its child lists changed.
        claim.updated_at = utcnow()
    return claim


def add_quote(actor: User, claim_id: int, **data: Any) -> Quote:
    require_role(actor, Role.JOURNALIST)
    claim = ref(Claim, claim_id, "claim_id")
    with transaction(actor):
        quote = _build_quote(data)
        quote.claim = claim
        db.session.add(quote)
    return quote


def update_quote(
    quote: Quote, changes: dict[str, Any], actor: User, *, expected_version: int | None = None
) -> Quote:
    require_role(actor, Role.JOURNALIST)
    ref(Source, changes.get("speaker_id"), "speaker_id")
    ref(Document, changes.get("document_id"), "document_id")
    with transaction(actor):
        check_version(quote, expected_version)
        for key, value in changes.items():
            setattr(quote, key, value)
        if QUOTE_TEXT_FIELDS & set(changes):
            db.session.flush()
            db.session.refresh(quote, ["document"])
            verify_quote(quote)
    return quote


def link_claims(
    actor: User,
    from_claim_id: int,
    to_claim_id: int,
    type: LinkType | str,
    *,
    scope: LinkScope | str = LinkScope.CLAIM,
    scope_quote_id: int | None = None,
    note: str = "",
) -> Link:
    """Record that one claim denies/supports/... another, or one quote of it."""
    require_role(actor, Role.JOURNALIST)
    source = ref(Claim, from_claim_id, "from_claim_id")
    target = ref(Claim, to_claim_id, "to_claim_id")
    if source.id == target.id:
        raise ValidationError("A claim cannot be linked to itself.",
                              {"to_claim_id": ["same as from_claim_id"]})
    scope = LinkScope(scope)
    if scope is LinkScope.QUOTE:
        quote = ref(Quote, scope_quote_id, "scope_quote_id")
        if quote is None:
            raise ValidationError("A quote-scoped link needs scope_quote_id.",
                                  {"scope_quote_id": ["required when scope is 'quote'"]})
        if quote.claim_id != target.id:
            raise ValidationError(
                "The scoped quote must belong to the linked (target) claim.",
                {"scope_quote_id": [f"quote {quote.id} is not part of claim {target.id}"]},
            )
    elif scope_quote_id is not None:
        raise ValidationError("scope_quote_id is only for quote-scoped links.",
                              {"scope_quote_id": ["must be empty when scope is 'claim'"]})
    with transaction(actor):
        link = Link(from_claim=source, to_claim=target, type=LinkType(type), scope=scope,
                    scope_quote_id=scope_quote_id, note=note)
        db.session.add(link)
    return link


def change_dispute_state(
    dispute: Dispute,
    state: DisputeState | str,
    actor: User,
    *,
    reason: str = "",
    expected_version: int | None = None,
) -> Dispute:
    """Editors move a dispute between open, contested, conceded, ... states."""
    require_role(actor, Role.EDITOR)
    with transaction(actor, reason):
        check_version(dispute, expected_version)
        dispute.state = DisputeState(state)
    return dispute
