"""The verdict feed's order is the order of the commits.

Consumers sync `GET /api/v1/verdicts` by (updated_at, id) from a cursor. Were
`updated_at` the time the ORM flushed, a transaction that took its time stamp first but
committed last would land *behind* a cursor that a consumer already holds, and that
consumer would never see the change (a publication, correction or withdrawal lost).

So the verdicts a transaction changed — and those of the claims it changed, whose
wording, dispute and appearances the feed entry and its ClaimReview show — are stamped
again just before it commits, while it holds the write lock every writer takes
(SQLite's one writer; on PostgreSQL a transaction advisory lock), with max(now, newest
stamp + 1 µs). Each stamp is then later than every stamp committed before it, whatever
the app servers' clocks say, and
a cursor never passes a change that has yet to commit.

Writers that bypass the session (the NDJSON import, which keeps each row's own
timestamps so that a round trip is identical) are not re-stamped.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.models import Claim, ClaimAppearance, Verdict
from app.models.base import utcnow

_CHANGED = "feed_changed_verdicts"
_CHANGED_CLAIMS = "feed_changed_claims"
# Any constant: the one lock under which feed positions are handed out (PostgreSQL).
_PG_LOCK = 0x636F756E  # "coun"
_TICK = timedelta(microseconds=1)


@event.listens_for(Session, "after_flush")
def _note_changed(session: Session, flush_context) -> None:
    """Note the verdicts this flush changed, and the claims whose change shows in their
    verdicts' feed entries and ClaimReview (wording, dispute, claimant, appearances)."""
    verdicts = session.info.setdefault(_CHANGED, set())
    claims = session.info.setdefault(_CHANGED_CLAIMS, set())
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Verdict | Claim | ClaimAppearance) and obj in session.dirty \
                and not session.is_modified(obj):
            continue
        if isinstance(obj, Verdict):
            verdicts.add(obj.id)
        elif isinstance(obj, Claim):
            claims.add(obj.id)
        elif isinstance(obj, ClaimAppearance):
            claims.add(obj.claim_id)


@event.listens_for(Session, "before_commit")
def _stamp_in_commit_order(session: Session) -> None:
    # before_commit runs before the commit's own flush: flush now (a no-op when clean),
    # so that every verdict this commit changes is known
    session.flush()
    ids = session.info.pop(_CHANGED, set())
    claims = session.info.pop(_CHANGED_CLAIMS, set())
    if claims:
        ids |= set(session.execute(
            sa.select(Verdict.id).where(Verdict.claim_id.in_(sorted(claims)))
            .execution_options(include_deleted=True)).scalars())
    if ids:
        stamp_in_commit_order(session, sorted(ids))


def stamp_in_commit_order(session: Session, ids: list[int]) -> datetime:
    """Give the verdicts `ids` the next feed position; returns the stamp."""
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK})
    # The newest stamp of all (these verdicts' flush-time ones included): one step down
    # ix_verdicts_feed, at any size.
    newest = session.execute(
        sa.select(sa.func.max(Verdict.updated_at)).execution_options(include_deleted=True)
    ).scalar()
    stamp = utcnow()
    if newest is not None and stamp <= newest:
        stamp = newest + _TICK
    session.execute(
        sa.update(Verdict).where(Verdict.id.in_(ids)).values(updated_at=stamp)
        .execution_options(synchronize_session=False, include_deleted=True)
    )
    return stamp


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop(_CHANGED, None)
    session.info.pop(_CHANGED_CLAIMS, None)
