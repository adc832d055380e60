"""Documents, their stored text snapshots, and quote checking."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from app.extensions import db
from app.models import Document, DocumentSnapshot, Quote, QuoteIntegrity, Role, User, utcnow
from app.services.differences import alters, reason
from app.services.integrity import check_quote
from app.services.uow import check_version, require_role, transaction


def _snapshot(document: Document, actor: User | None) -> None:
    if document.text:
        db.session.add(
            DocumentSnapshot(
                document=document,
                text=document.text,
                sha256=document.text_sha256,
                captured_by_id=actor.id if actor else None,
            )
        )


def create_document(actor: User, **fields: Any) -> Document:
    require_role(actor, Role.JOURNALIST)
    with transaction(actor):
        document = Document(**fields)
        db.session.add(document)
        _snapshot(document, actor)
    return document


def update_document(
    document: Document, changes: dict[str, Any], actor: User, *, expected_version: int | None = None
) -> Document:
    """Change a document; a new text becomes a new snapshot and its quotes are re-checked."""
    require_role(actor, Role.JOURNALIST)
    with transaction(actor):
        check_version(document, expected_version)
        old_sha = document.text_sha256
        for key, value in changes.items():
            setattr(document, key, value)
        if document.text_sha256 != old_sha:
            _snapshot(document, actor)
            quotes = db.session.scalars(sa.select(Quote).where(Quote.document_id == document.id))
            for quote in quotes:
                verify_quote(quote)
    return document


def verify_quote(quote: Quote) -> Quote:
    """Recompute a quote's integrity against its document's current text (no commit)."""
    text = quote.document.text if quote.document is not None else None
    result = check_quote(quote.exact, quote.prefix, quote.suffix, text)
    quote.integrity = result.integrity
    quote.closest_match = result.closest_match
    quote.diff = result.diff
    quote.differences = result.differences
    quote.checked_at = utcnow() if text else None
    quote.checked_sha256 = quote.document.text_sha256 if text else None
    return quote


@dataclass(frozen=True)
class StateChange:
    """A quote whose state a re-check changed, and why (its deciding differences)."""

    quote_id: int
    before: str
    after: str
    reasons: tuple[str, ...]


@dataclass
class Recheck:
    """What `verify_all_quotes` found: quotes per state now, those whose state changed,
    and how many kept their state but had their differences or passage changed."""

    states: Counter[str] = field(default_factory=Counter)
    changes: list[StateChange] = field(default_factory=list)
    updated: int = 0

    @property
    def total(self) -> int:
        return sum(self.states.values())

    def transitions(self) -> dict[tuple[str, str], Counter[str]]:
        """(before, after) -> how many quotes moved so, for each reason."""
        moved: dict[tuple[str, str], Counter[str]] = {}
        for change in self.changes:
            moved.setdefault((change.before, change.after), Counter()).update(change.reasons)
        return moved


def state_reasons(integrity: QuoteIntegrity, differences: list[dict] | None) -> tuple[str, ...]:
    """Why a quote has its state, in a few words each: the differences that alter it, or
    for a verbatim quote the accepted ones (brackets, [sic], numbers, ellipses)."""
    if integrity is QuoteIntegrity.UNCHECKED:
        return ("no stored text",)
    if integrity is QuoteIntegrity.NOT_FOUND:
        return ("no close passage in the stored text",)
    differences = differences or []
    if integrity is QuoteIntegrity.ALTERED:
        deciding = [d for d in differences if alters(d)]
    else:
        deciding = [d for d in differences if d["kind"] != "cosmetic"]
    if not deciding:
        return ("cosmetic differences only" if differences else "found as given",)
    return tuple(dict.fromkeys(reason(d) for d in deciding))


def verify_all_quotes(
    actor: User | None = None, *, batch_size: int = 500, progress=None
) -> Recheck:
    """Re-check every quote against its document's current text, in batches (one
    commit each, so a long run can be interrupted and resumed). Says how many quotes
    are in each state and which changed state, and why."""
    from sqlalchemy.orm import joinedload

    found = Recheck()
    last_id = 0
    while True:
        batch = db.session.scalars(
            sa.select(Quote).where(Quote.id > last_id).order_by(Quote.id).limit(batch_size)
            .options(joinedload(Quote.document))
        ).all()
        if not batch:
            break
        with transaction(actor, "verify-quotes"):
            for quote in batch:
                before = (quote.integrity, quote.closest_match, quote.diff, quote.differences)
                verify_quote(quote)
                found.states[quote.integrity.value] += 1
                if quote.integrity is not before[0]:
                    found.changes.append(StateChange(
                        quote.id, before[0].value, quote.integrity.value,
                        state_reasons(quote.integrity, quote.differences)))
                elif (quote.closest_match, quote.diff, quote.differences) != before[1:]:
                    found.updated += 1
        last_id = batch[-1].id
        if progress:
            progress(len(batch))
    return found
