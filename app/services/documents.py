"""Documents, the passages pasted into them (each a manual version), and quote checking.

Captures of a document's URL are `app.services.captures`; its versions, and how quotes
follow them, `app.services.versions`."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from app.extensions import db
from app.models import Document, Quote, QuoteIntegrity, Source, User
from app.services import versions
from app.services.differences import alters, reason
from app.services.errors import ValidationError
from app.services.policy import Action, lock_for_change, require, resolve
from app.services.uow import transaction

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
        lock_for_change(document, expected_version=expected_version)
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
    if integrity is QuoteIntegrity.REMOVED:
        return ("its words were taken out of the document in a later version",)
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
            texts: dict[int | None, list] = {}
            for quote in batch:
                before = (quote.integrity, quote.closest_match, quote.diff, quote.differences,
                          quote.checked_version)
                if quote.document_id not in texts:
                    texts[quote.document_id] = versions.version_texts(
                        quote.document_id if quote.document is not None else None)
                verify_quote(quote, texts[quote.document_id])
                found.states[quote.integrity.value] += 1
                if quote.integrity is not before[0]:
                    found.changes.append(StateChange(
                        quote.id, before[0].value, quote.integrity.value,
                        state_reasons(quote.integrity, quote.differences)))
                elif (quote.closest_match, quote.diff, quote.differences,
                      quote.checked_version) != before[1:]:
                    found.updated += 1
        if not batch:
            break
        last_id = batch[-1].id
        if progress:
            progress(len(batch))
    return found
