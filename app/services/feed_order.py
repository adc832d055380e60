"""The verdict feed's order is the order of the commits.

Consumers sync `GET /api/v1/verdicts` by (updated_at, id) from a cursor. Were
`updated_at` the time the ORM flushed, a transaction that took its time stamp first but
committed last would land *behind* a cursor that a consumer already holds, and that
consumer would never see the change (a publication, correction or withdrawal lost).

So the verdicts a transaction changed are stamped again just before it commits, while
it holds the write lock every writer takes — SQLite's one writer; on PostgreSQL a
transaction advisory lock — with max(now, newest stamp + 1 µs). Each stamp is then
later than every stamp committed before it, whatever the app servers' clocks say, and
a cursor never passes a change that has yet to commit.

Writers that bypass the session (the NDJSON import, which keeps each row's own
timestamps so that a round trip is identical) are not re-stamped.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.models import Verdict
from app.models.base import utcnow

_CHANGED = "feed_changed_verdicts"
# Any constant: the one lock under which feed positions are handed out (PostgreSQL).
_PG_LOCK = 0x636F756E  # "coun"
_TICK = timedelta(microseconds=1)


@event.listens_for(Session, "after_flush")
def _note_changed(session: Session, flush_context) -> None:
    changed = session.info.setdefault(_CHANGED, set())
    for obj in (*session.new, *session.dirty):
        if isinstance(obj, Verdict) and (obj in session.new or session.is_modified(obj)):
            changed.add(obj.id)


@event.listens_for(Session, "before_commit")
def _stamp_in_commit_order(session: Session) -> None:
    # before_commit runs before the commit's own flush: flush now (a no-op when clean),
    # so that every verdict this commit changes is known
    session.flush()
    if not session.info.get(_CHANGED):
        return
    ids = sorted(session.info.pop(_CHANGED))
    stamp_in_commit_order(session, ids)


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
