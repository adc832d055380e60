"""What still points at a record: a soft delete must not leave live records pointing at
something readers can no longer see (a claim whose claimant vanished, a quote whose
document did)."""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from app.models import (
    Claim,
    ClaimAppearance,
    ClaimAttribution,
    Dispute,
    Document,
    Event,
    Link,
    Quote,
    Source,
    Verdict,
    VerdictState,
)
from app.services.errors import Conflict


def _users(record) -> list[tuple[str, sa.Select]]:
    """(what, SELECT of the ids of live records that use `record`)."""
    match record:
        case Event():
            return [("disputes", sa.select(Dispute.id).where(Dispute.event_id == record.id))]
        case Source():
            return [
                ("claims (claimant)", sa.select(Claim.id).where(Claim.claimant_id == record.id)),
                ("claims (attribution)", sa.select(Claim.id).join(ClaimAttribution)
                 .where(ClaimAttribution.source_id == record.id)),
                ("quotes (speaker)", sa.select(Quote.id).where(Quote.speaker_id == record.id)),
                ("documents (publisher)",
                 sa.select(Document.id).where(Document.publisher_id == record.id)),
                ("sources (affiliation)",
                 sa.select(Source.id).where(Source.parent_id == record.id)),
            ]
        case Document():
            return [
                ("claims (first appearance)",
                 sa.select(Claim.id).where(Claim.first_appearance_id == record.id)),
                ("claims (appearance)", sa.select(Claim.id).join(ClaimAppearance)
                 .where(ClaimAppearance.document_id == record.id)),
                ("quotes", sa.select(Quote.id).where(Quote.document_id == record.id)),
            ]
        case Quote():
            return [("links (scope)", sa.select(Link.id).where(Link.scope_quote_id == record.id))]
        # A published verdict's history stays public: withdraw it (publicly, with a
        # reason, so feed consumers see it) before its claim can disappear.
        case Claim():
            return [("published verdicts (withdraw them first)", sa.select(Verdict.id).where(
                Verdict.claim_id == record.id, Verdict.state == VerdictState.PUBLISHED))]
        case Dispute():
            return [("published verdicts (withdraw them first)", sa.select(Verdict.id)
                     .join(Claim, Claim.id == Verdict.claim_id).where(
                         Claim.dispute_id == record.id,
                         Verdict.state == VerdictState.PUBLISHED))]
    return []


def check_deletable(record) -> None:
    """Conflict (409) naming what still uses the record; nothing when it is free."""
    problems = []
    for what, stmt in _users(record):
        ids = db.session.scalars(stmt.order_by(None).limit(6)).all()
        if ids:
            shown = ", ".join(str(i) for i in ids[:5]) + (", …" if len(ids) > 5 else "")
            problems.append(f"{what}: {shown}")
    if problems:
        name = type(record).__name__
        raise Conflict(f"{name} {record.id} is still in use by " + "; ".join(problems)
                       + ". Change or delete those first.", {"in_use": problems})
