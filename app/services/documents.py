"""Documents, their stored text snapshots, and quote checking."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from app.extensions import db
from app.models import Document, DocumentSnapshot, Quote, Source, User, utcnow
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
    quote.checked_at = utcnow() if text else None
    quote.checked_sha256 = quote.document.text_sha256 if text else None
    return quote


def verify_all_quotes(
    *, actor: User | None = None, batch_size: int = 500, progress=None
) -> dict[str, int]:
    """Re-check every quote against its document's current text, in batches (one
    commit each, so a long run can be interrupted and resumed). Returns a summary
    {integrity: count, "changed": n}."""
    from collections import Counter

    from sqlalchemy.orm import joinedload

    summary: Counter[str] = Counter()
    last_id = 0
    while True:
        batch = db.session.scalars(
            sa.select(Quote).where(Quote.id > last_id).order_by(Quote.id).limit(batch_size)
            .options(joinedload(Quote.document))
        ).all()
        if not batch:
            break
        with transaction(actor=actor, reason="verify-quotes"):
            for quote in batch:
                before = (quote.integrity, quote.closest_match, quote.diff)
                verify_quote(quote)
                summary[quote.integrity.value] += 1
                if (quote.integrity, quote.closest_match, quote.diff) != before:
                    summary["changed"] += 1
        last_id = batch[-1].id
        if progress:
            progress(len(batch))
    return dict(summary)
