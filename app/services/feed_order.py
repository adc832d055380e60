"""The verdict feed's order is the order of the commits.

Consumers sync `GET /api/v1/verdicts` by (updated_at, id) from a cursor. Were
`updated_at` the time the ORM flushed, a transaction that took its time stamp first but
committed last would land *behind* a cursor that a consumer already holds, and that
consumer would never see the change (a publication, correction or withdrawal lost).

So the verdicts a transaction changed — and those whose feed entry or ClaimReview
shows something it changed: a claim's wording, dispute, appearances (a confirmed
repeat's included) or carriers, a claimant's or carrier's name, a document's title, URL
or publisher — are stamped again just before it commits, while it holds the write lock
every writer takes (SQLite's one writer; on PostgreSQL a transaction advisory lock), with
max(now, newest stamp + 1 µs). Each stamp is then later than every stamp committed before
it, whatever the app servers' clocks say, and a cursor never passes a change that has yet
to commit.

Writers that bypass the session (the NDJSON import, which keeps each row's own
timestamps so that a round trip is identical) are not re-stamped. `install` (called by
the app factory) puts the listeners in place.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session

from app import cache_keys
from app.models import (
    Claim,
    ClaimAppearance,
    ClaimAttribution,
    Document,
    Link,
    LinkType,
    Source,
    Verdict,
)
from app.models.base import utcnow

_CHANGED = "feed_changes"
# Any constant: the one lock under which feed positions are handed out (PostgreSQL).
_PG_LOCK = 0x636F756E  # "coun"
_TICK = timedelta(microseconds=1)
# What a verdict's feed entry and ClaimReview show, by the model it is stored in.
_WATCHED = {Verdict: "verdicts", Claim: "claims", ClaimAppearance: "appearances",
            ClaimAttribution: "attributions", Source: "sources", Document: "documents"}


def install(session_class: type[Session] = Session) -> None:
    """Stamp the verdicts each transaction of `session_class` touches, in commit order.
    Once."""
    for name, listener in (("after_flush", _note_changed),
                           ("before_commit", _stamp_in_commit_order),
                           ("after_rollback", _forget)):
        if not event.contains(session_class, name, listener):
            event.listen(session_class, name, listener)


def _note_changed(session: Session, flush_context) -> None:
    """Note what this flush changed of what verdicts show: the verdicts themselves; their
    claims (wording, dispute, claimant), the claims' appearances and carriers; the
    claimants, carriers and documents (names, titles, URLs, publishers) their ClaimReview names."""
    changed = session.info.setdefault(_CHANGED, defaultdict(set))
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Link) and obj.type is LinkType.REPEATS:
            # a confirmed repeat is the original's appearance: its ClaimReview changed
            changed["claims"].add(obj.to_claim_id)
            continue
        kind = _WATCHED.get(type(obj))
        if kind is None or (obj in session.dirty and not session.is_modified(obj)):
            continue
        if obj in session.new and kind in ("claims", "sources", "documents"):
            continue  # no verdict shows it yet (one made with it is new itself)
        changed[kind].add(obj.claim_id if kind in ("appearances", "attributions")
                          else obj.id)


def _affected(changed: dict[str, set[int]]) -> sa.Select:
    """The ids of the verdicts whose feed entry or ClaimReview the changes touch."""
    sources, documents = sorted(changed["sources"]), sorted(changed["documents"])
    claims = sorted(changed["claims"] | changed["appearances"] | changed["attributions"])
    shown_documents = sa.union(
        sa.select(Document.id).where(Document.id.in_(documents)),
        sa.select(Document.id).where(Document.publisher_id.in_(sources)))
    claims_shown = sa.union(
        sa.select(Claim.id).where(Claim.id.in_(claims)),
        sa.select(Claim.id).where(Claim.claimant_id.in_(sources)),
        sa.select(ClaimAttribution.claim_id).where(ClaimAttribution.source_id.in_(sources)),
        sa.select(Claim.id).where(Claim.first_appearance_id.in_(shown_documents)),
        sa.select(ClaimAppearance.claim_id)
        .where(ClaimAppearance.document_id.in_(shown_documents)))
    return sa.select(Verdict.id).where(sa.or_(
        Verdict.id.in_(sorted(changed["verdicts"])), Verdict.claim_id.in_(claims_shown)))


def _stamp_in_commit_order(session: Session) -> None:
    # before_commit runs before the commit's own flush: flush now (a no-op when clean),
    # so that everything this commit changes is known
    session.flush()
    changed = session.info.pop(_CHANGED, None)
    if changed and any(changed.values()):
        stamp_in_commit_order(session, _affected(changed))


def stamp_in_commit_order(session: Session, verdict_ids: sa.Select) -> datetime:
    """Give the verdicts `verdict_ids` selects the next feed position; returns the stamp."""
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        # The verdict rows first, in id order, then the feed lock, last of all: a writer
        # holding a verdict's row lock (a publication) and waiting for the feed lock never
        # meets one holding the feed lock and waiting for that row.
        session.execute(sa.select(Verdict.id).where(Verdict.id.in_(verdict_ids))
                        .order_by(Verdict.id).with_for_update(of=Verdict)
                        .execution_options(include_deleted=True))
        connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK})
    # The newest stamp of all (these verdicts' flush-time ones included): one step down
    # ix_verdicts_feed, at any size.
    newest = session.execute(
        sa.select(sa.func.max(Verdict.updated_at)).execution_options(include_deleted=True)
    ).scalar()
    stamp = utcnow()
    if newest is not None and stamp <= newest:
        stamp = newest + _TICK
    # (an UPDATE is not filtered for soft deletes: deleted records count too)
    stamped = session.scalars(
        sa.update(Verdict).where(Verdict.id.in_(verdict_ids))
        .values(updated_at=stamp).returning(Verdict.id)
        .execution_options(synchronize_session=False, **{cache_keys.ATTRIBUTED: True})
    ).all()
    cache_keys.touched(session, cache_keys.keys_of("verdicts", stamped))  # their answers
    return stamp


def _forget(session: Session) -> None:
    session.info.pop(_CHANGED, None)
