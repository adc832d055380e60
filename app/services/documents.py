"""Documents, their stored text snapshots, and quote checking."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from app.extensions import db
from app.models import Document, DocumentSnapshot, Quote, QuoteIntegrity, Source, User, utcnow
from app.services.differences import alters, reason
from app.services.integrity import check_quote
from app.services.policy import Action, lock_for_change, require, resolve
from app.services.uow import check_version, transaction


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


def create_document(*, actor: User, **fields: Any) -> Document:
    """Add a document (its text becomes its first snapshot). Journalists and up;
    ValidationError naming a publisher that does not exist; Conflict on a URL taken.
    Commits."""
    require(actor, Action.LOG)
    with transaction(actor=actor):
        resolve(Source, fields.get("publisher_id"), "publisher_id")
        document = Document(**fields)
        db.session.add(document)
        _snapshot(document, actor)
    return document


def update_document(
    document: Document, changes: dict[str, Any], *, actor: User,
    expected_version: int | None = None, reason: str = "",
) -> Document:
    """Change a document; a new text becomes a new snapshot and its quotes are checked
    again. Journalists and up; ValidationError naming a publisher that does not exist;
    StaleVersion; Conflict on a URL taken. Commits."""
    require(actor, Action.LOG)
    with transaction(actor=actor, reason=reason):
        lock_for_change(document)
        check_version(document, expected_version)
        resolve(Source, changes.get("publisher_id"), "publisher_id")
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
    *, actor: User | None = None, batch_size: int = 500, progress=None
) -> Recheck:
    """Re-check every quote against its document's current text, in batches (one
    commit each, so a long run can be interrupted and resumed). Says how many quotes
    are in each state and which changed state, and why."""
    from sqlalchemy.orm import joinedload

    found = Recheck()
    last_id = 0
    while True:
        with transaction(actor=actor, reason="verify-quotes"):
            # read inside the writing transaction: what is checked is what is stored
            batch = db.session.scalars(
                sa.select(Quote).where(Quote.id > last_id).order_by(Quote.id)
                .limit(batch_size).options(joinedload(Quote.document))
            ).all()
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
        if not batch:
            break
        last_id = batch[-1].id
        if progress:
            progress(len(batch))
    return found
