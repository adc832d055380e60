"""What must hold in the database whatever requests ran, and in what order: the rules
of issue 10 as queries over the stored rows.

Read on a connection of its own, with Core statements on the tables (no ORM session,
so no soft-delete filter and nothing cached): the stored truth, as committed.

"Live" is what readers may see: not deleted itself, and nothing it belongs to deleted
(a claim under a deleted dispute is gone with it).
"""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from app.models import Claim, Dispute, Document, Event, Link, Quote, Source, Verdict

V, C, D = Verdict.__table__, Claim.__table__, Dispute.__table__
Q, L, S = Quote.__table__, Link.__table__, Source.__table__
DOC, EV = Document.__table__, Event.__table__


def _rows(stmt: sa.Select) -> list[tuple]:
    with db.engine.connect() as conn:
        return [tuple(row) for row in conn.execute(stmt)]


def _live_claim(claim, dispute):
    return sa.and_(claim.c.deleted_at.is_(None), dispute.c.deleted_at.is_(None))


def published_verdicts_on_hidden_claims() -> list[tuple]:
    """(verdict, claim): published verdicts whose claim is deleted or under a deleted
    dispute. A claim or dispute with a published verdict cannot be deleted."""
    return _rows(sa.select(V.c.id, V.c.claim_id)
                 .join(C, C.c.id == V.c.claim_id).join(D, D.c.id == C.c.dispute_id)
                 .where(V.c.state == "published",
                        sa.or_(C.c.deleted_at.is_not(None), D.c.deleted_at.is_not(None))))


def live_claims_with_deleted_claimant() -> list[tuple]:
    """(claim, source): a live claim naming a deleted claimant."""
    return _rows(sa.select(C.c.id, S.c.id)
                 .join(D, D.c.id == C.c.dispute_id).join(S, S.c.id == C.c.claimant_id)
                 .where(_live_claim(C, D), S.c.deleted_at.is_not(None)))


def live_quotes_with_deleted_references() -> list[tuple]:
    """(quote, document, speaker): a live quote citing a deleted document or speaker."""
    return _rows(sa.select(Q.c.id, Q.c.document_id, Q.c.speaker_id)
                 .join(C, C.c.id == Q.c.claim_id).join(D, D.c.id == C.c.dispute_id)
                 .join(S, S.c.id == Q.c.speaker_id)
                 .outerjoin(DOC, DOC.c.id == Q.c.document_id)
                 .where(Q.c.deleted_at.is_(None), _live_claim(C, D),
                        sa.or_(DOC.c.deleted_at.is_not(None), S.c.deleted_at.is_not(None))))


def live_links_with_deleted_scope() -> list[tuple]:
    """(link, quote): a live link scoped to a deleted quote."""
    c1, c2, d1, d2 = C.alias(), C.alias(), D.alias(), D.alias()
    return _rows(sa.select(L.c.id, Q.c.id)
                 .join(c1, c1.c.id == L.c.from_claim_id).join(d1, d1.c.id == c1.c.dispute_id)
                 .join(c2, c2.c.id == L.c.to_claim_id).join(d2, d2.c.id == c2.c.dispute_id)
                 .join(Q, Q.c.id == L.c.scope_quote_id)
                 .where(L.c.deleted_at.is_(None), _live_claim(c1, d1), _live_claim(c2, d2),
                        Q.c.deleted_at.is_not(None)))


def live_disputes_with_deleted_event() -> list[tuple]:
    """(dispute, event): a live dispute about a deleted event."""
    return _rows(sa.select(D.c.id, EV.c.id).join(EV, EV.c.id == D.c.event_id)
                 .where(D.c.deleted_at.is_(None), EV.c.deleted_at.is_not(None)))


DATABASE_INVARIANTS = (
    published_verdicts_on_hidden_claims,
    live_claims_with_deleted_claimant,
    live_quotes_with_deleted_references,
    live_links_with_deleted_scope,
    live_disputes_with_deleted_event,
)


def database_violations() -> list[str]:
    """Every row breaking a database invariant, with the invariant's name."""
    return [f"{check.__name__}: {row}" for check in DATABASE_INVARIANTS for row in check()]


PUBLIC_PAGES = ("/", "/verdicts", "/feeds/verdicts.atom", "/exports/verdicts.csv")
