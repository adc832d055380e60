"""Documents, the passages pasted into them (each a manual version), and quote checking.

Captures of a document's URL are `app.services.captures`; its versions, and how quotes
follow them, `app.services.versions`."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from app.extensions import db
from app.models import Document, Quote, Source, User
from app.services import versions
from app.services.errors import ValidationError
from app.services.policy import Action, lock_for_change, require, resolve
from app.services.uow import check_version, transaction

verify_quote = versions.verify_quote  # services that add or change quotes check them


def create_document(*, actor: User, **fields: Any) -> Document:
    """Add a document (its text becomes its first version). Journalists and up;
    ValidationError naming a publisher that does not exist; Conflict on a URL taken.
    Commits."""
    require(actor, Action.LOG)
    with transaction(actor=actor):
        resolve(Source, fields.get("publisher_id"), "publisher_id")
        document = Document(**fields)
        db.session.add(document)
        versions.add_manual_version(document, actor=actor)
    return document


def update_document(
    document: Document, changes: dict[str, Any], *, actor: User,
    expected_version: int | None = None, reason: str = "",
) -> Document:
    """Change a document; a new text becomes its next (manual) version and its quotes
    are checked again. Journalists and up; ValidationError naming a publisher that does
    not exist, or an emptied text (versions are kept: paste the new passage instead);
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
            if not document.text and versions.version_texts(document.id):
                message = ("The stored versions are kept; to replace the passage, paste "
                           "the new one.")
                raise ValidationError(message, {"text": [message]})
            versions.add_manual_version(document, actor=actor)
            db.session.flush()
            versions.verify_document_quotes(document)
    return document


def verify_all_quotes(
    *, actor: User | None = None, batch_size: int = 500, progress=None
) -> dict[str, int]:
    """Re-check every quote against its document's versions, in batches (one commit
    each, so a long run can be interrupted and resumed). Returns a summary
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
        texts: dict[int | None, list] = {}
        if not batch:
            break
        with transaction(actor=actor, reason="verify-quotes"):
            for quote in batch:
                before = (quote.integrity, quote.closest_match, quote.diff,
                          quote.checked_version)
                if quote.document_id not in texts:
                    texts[quote.document_id] = versions.version_texts(
                        quote.document_id if quote.document is not None else None)
                verify_quote(quote, texts[quote.document_id])
                summary[quote.integrity.value] += 1
                if (quote.integrity, quote.closest_match, quote.diff,
                        quote.checked_version) != before:
                    summary["changed"] += 1
        last_id = batch[-1].id
        if progress:
            progress(len(batch))
    return dict(summary)
