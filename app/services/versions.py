"""Document versions: recording them — a passage pasted by hand, or a capture of the
document's URL — following quotes through them, and reading them with word diffs.

Versions are append-only and numbered 1, 2, ... per document. `Document.text` mirrors
the newest version that has text; quotes are checked against it, following their words
back to where they were (`app.services.quote_history`). A capture identical to the
newest version (same text; or gone again) makes no new version: it confirms that one.

A capture is written here, in a short unit of work that locks the document and looks at
its versions again under the lock; the network fetch happened before, outside any
transaction (`app.services.captures`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import undefer

from app.extensions import db
from app.models import (
    Document,
    DocumentVersion,
    Quote,
    User,
    VersionChange,
    VersionKind,
    sha256_text,
    utcnow,
)
from app.services import textdiff
from app.services.errors import Conflict, NotFound
from app.services.policy import ANONYMOUS, Viewer, get_visible, lock_for_change
from app.services.quote_history import VersionText, follow_quote
from app.services.uow import transaction

UNCHANGED = "unchanged"  # a capture's outcome when it confirms the newest version


# -- quotes ------------------------------------------------------------------------------


def version_texts(document_id: int | None) -> list[VersionText]:
    """The document's versions that have text, oldest first."""
    if document_id is None:
        return []
    rows = db.session.execute(
        sa.select(DocumentVersion.number, DocumentVersion.text, DocumentVersion.text_sha256)
        .where(DocumentVersion.document_id == document_id,
               DocumentVersion.text_sha256.is_not(None))
        .order_by(DocumentVersion.number))
    return [VersionText(r.number, r.text, r.text_sha256) for r in rows]


def verify_quote(quote: Quote, texts: Sequence[VersionText] | None = None) -> Quote:
    """Recompute a quote's integrity against its document's versions (no commit)."""
    if texts is None:
        document_id = quote.document.id if quote.document is not None else quote.document_id
        texts = version_texts(document_id if quote.document is not None else None)
    found = follow_quote(quote.exact, quote.prefix or "", quote.suffix or "", texts)
    quote.integrity = found.integrity
    quote.closest_match = found.closest_match
    quote.diff = found.diff
    quote.differences = found.differences
    checked = found.checked
    quote.checked_at = utcnow() if checked else None
    quote.checked_sha256 = checked.text_sha256 if checked else None
    quote.checked_version = checked.number if checked else None
    quote.last_seen_version = found.last_seen
    quote.changed_version = found.changed
    return quote


def verify_document_quotes(document: Document) -> None:
    """Check again every live quote in `document` (inside the caller's unit of work)."""
    texts = version_texts(document.id)
    for quote in db.session.scalars(sa.select(Quote).where(Quote.document_id == document.id)):
        verify_quote(quote, texts)


# -- recording ---------------------------------------------------------------------------


def _newest(document_id: int, *, with_text: bool = False) -> DocumentVersion | None:
    stmt = sa.select(DocumentVersion).where(DocumentVersion.document_id == document_id)
    if with_text:
        stmt = stmt.where(DocumentVersion.text_sha256.is_not(None))
    return db.session.scalars(stmt.order_by(DocumentVersion.number.desc()).limit(1)
                              .options(undefer(DocumentVersion.text))).first()


def _changes(previous: DocumentVersion | None, text: str | None) -> dict[str, Any] | None:
    if previous is None or text is None:
        return None
    return {"against": previous.number, **textdiff.summary(previous.text or "", text)}


def add_manual_version(document: Document, *, actor: User | None) -> DocumentVersion | None:
    """The document's text, pasted by hand, as its next version (inside the caller's unit
    of work); None when it has no text or the newest version already says it."""
    if not document.text:
        return None
    newest = _newest(document.id, with_text=True) if document.id is not None else None
    if newest is not None and newest.text_sha256 == document.text_sha256:
        return None
    number = _next_number(document)
    version = DocumentVersion(
        document=document, number=number, kind=VersionKind.MANUAL,
        change=VersionChange.FIRST if number == 1 else VersionChange.CHANGED,
        captured_at=utcnow(), captured_by_id=actor.id if actor else None,
        text=document.text, text_sha256=document.text_sha256,
        changes=_changes(newest, document.text))
    db.session.add(version)
    return version


def _next_number(document: Document) -> int:
    if document.id is None:
        return 1
    top = db.session.scalar(sa.select(sa.func.max(DocumentVersion.number))
                            .where(DocumentVersion.document_id == document.id))
    return (top or 0) + 1


@dataclass(frozen=True)
class Capture:
    """What a fetch of a document's URL brought, ready to store (made outside any
    transaction by `app.services.captures`)."""

    requested_url: str
    captured_at: datetime
    gone: bool
    final_url: str | None = None
    redirects: list[dict] | None = None
    http_status: int | None = None
    content_type: str | None = None
    raw_sha256: str | None = None
    text: str | None = None
    warc: bytes | None = None
    note: str = ""


@dataclass(frozen=True)
class Captured:
    version: DocumentVersion
    outcome: str  # the new version's change (first, changed, gone, back), or "unchanged"

    @property
    def created(self) -> bool:
        return self.outcome != UNCHANGED


def record_capture(document_id: int, capture: Capture, *, actor: User | None,
                   reason: str = "capture") -> Captured:
    """Store a capture of the document: a new version, or a confirmation of the newest
    one when nothing changed; the document's text follows a new text, and its quotes are
    checked again. Under the document's lock: Conflict when it was deleted, or its URL
    changed, while it was being fetched. Commits (a revision records the capture)."""
    with transaction(actor=actor, reason=reason):
        document = db.session.get(Document, document_id)
        if document is None:
            raise NotFound(f"Document {document_id} does not exist.")
        lock_for_change(document)
        if document.url != capture.requested_url:
            raise Conflict(f"Document {document_id}'s URL changed while it was being "
                           "captured; capture it again.")
        newest = _newest(document_id)
        text_sha = sha256_text(capture.text) if capture.text is not None else None
        same = newest is not None and newest.kind is VersionKind.CAPTURE and (
            newest.change is VersionChange.GONE if capture.gone
            else newest.text_sha256 == text_sha)
        if same:
            newest.confirmed_at = capture.captured_at
            newest.confirmations += 1
            return Captured(newest, UNCHANGED)
        previous = _newest(document_id, with_text=True)
        if capture.gone:
            change = VersionChange.GONE
        elif newest is None:
            change = VersionChange.FIRST
        elif previous is not None and previous.text_sha256 == text_sha:
            # back after a gone version; or a pasted passage, now captured from the page
            gone = newest.change is VersionChange.GONE
            change = VersionChange.BACK if gone else VersionChange.SAME
        else:
            change = VersionChange.CHANGED
        version = DocumentVersion(
            document_id=document_id, number=(newest.number + 1) if newest else 1,
            kind=VersionKind.CAPTURE, change=change, captured_at=capture.captured_at,
            captured_by_id=actor.id if actor else None, requested_url=capture.requested_url,
            final_url=capture.final_url, redirects=capture.redirects,
            http_status=capture.http_status, content_type=capture.content_type,
            raw_sha256=capture.raw_sha256, text=capture.text, text_sha256=text_sha,
            changes=_changes(previous, capture.text), note=capture.note[:500],
            warc=capture.warc, warc_size=len(capture.warc) if capture.warc else None)
        db.session.add(version)
        if capture.text is not None and document.text_sha256 != text_sha:
            document.text = capture.text
            db.session.flush()
            verify_document_quotes(document)
    return Captured(version, change.value)


# -- reading -----------------------------------------------------------------------------


def visible_document(document_id: int, viewer: Viewer = ANONYMOUS) -> Document:
    """The document whose versions are asked for: its versions are visible when it is
    (a deleted document's only to editors asking for deleted records)."""
    return get_visible(Document, document_id, viewer=viewer)


def versions_query(document: Document) -> sa.Select:
    """The document's versions, newest first (a stable order for pages)."""
    return (sa.select(DocumentVersion).where(DocumentVersion.document_id == document.id)
            .order_by(DocumentVersion.number.desc(), DocumentVersion.id.desc()))


def get_version(document: Document, number: int, *, with_text: bool = True,
                with_warc: bool = False) -> DocumentVersion:
    """Version `number` of the document; NotFound when there is none."""
    stmt = sa.select(DocumentVersion).where(DocumentVersion.document_id == document.id,
                                            DocumentVersion.number == number)
    if with_text:
        stmt = stmt.options(undefer(DocumentVersion.text))
    if with_warc:
        stmt = stmt.options(undefer(DocumentVersion.warc))
    version = db.session.scalars(stmt).first() if 0 < number < 2**31 else None
    if version is None:
        raise NotFound(f"Document {document.id} has no version {number}.")
    return version


@dataclass(frozen=True)
class VersionDiff:
    version: DocumentVersion
    against: DocumentVersion | None  # the version compared with (None: nothing before)
    diff: list[dict[str, str]] | None  # word diff, against -> version


def version_with_diff(document: Document, number: int,
                      against: int | None = None) -> VersionDiff:
    """Version `number` with its word diff against version `against` (default: the
    previous version that has text). NotFound for a version there is not."""
    version = get_version(document, number)
    if against is None:
        earlier = db.session.scalars(
            sa.select(DocumentVersion)
            .where(DocumentVersion.document_id == document.id,
                   DocumentVersion.number < number,
                   DocumentVersion.text_sha256.is_not(None))
            .order_by(DocumentVersion.number.desc()).limit(1)
            .options(undefer(DocumentVersion.text))).first()
    else:
        earlier = get_version(document, against)
    diff = None
    if earlier is not None and version.text is not None and earlier.text is not None:
        diff = textdiff.word_diff(earlier.text, version.text)
    return VersionDiff(version, earlier, diff)
