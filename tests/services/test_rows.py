"""The read models' value helpers (app/reads/rows.py) give what the schemas dump."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import sqlalchemy as sa

from app.extensions import db
from app.models import Claim, Verdict
from app.reads.rows import iso, iso_stamp, stamp


def test_a_stamp_is_written_as_the_utc_datetime_it_stands_for():
    cases = {
        "2022-11-06 03:40:59.246336": datetime(2022, 11, 6, 3, 40, 59, 246336, UTC),
        "2022-11-06 03:40:59.000000": datetime(2022, 11, 6, 3, 40, 59, tzinfo=UTC),
        "2022-11-06T03:40:59.000010": datetime(2022, 11, 6, 3, 40, 59, 10, UTC),
        "2022-11-06 03:40:59": datetime(2022, 11, 6, 3, 40, 59, tzinfo=UTC),
        "2022-11-06 03:40:59.5": datetime(2022, 11, 6, 3, 40, 59, 500000, UTC),
        "2022-11-06T05:40:59+02:00": datetime(2022, 11, 6, 3, 40, 59, tzinfo=UTC),
    }
    for text, when in cases.items():
        assert iso_stamp(text) == iso(when), text
    # a datetime (PostgreSQL's) in another zone: its UTC time, as UTCDateTime reads it
    there = datetime(2022, 11, 6, 5, 40, 59, 7, timezone(timedelta(hours=2)))
    assert iso_stamp(there) == "2022-11-06T03:40:59.000007+00:00"
    assert iso_stamp(None) is None


def test_a_stamp_column_reads_what_the_typed_column_reads(seeded):
    typed = db.session.execute(sa.select(Verdict.id, Verdict.created_at, Verdict.published_at)
                               .order_by(Verdict.id)).all()
    raw = db.session.connection().execute(
        sa.select(Verdict.id, stamp(Verdict.created_at), stamp(Verdict.published_at))
        .order_by(Verdict.id)).all()
    assert typed and len(raw) == len(typed)
    for (_, created, published), (_, created_raw, published_raw) in zip(typed, raw,
                                                                         strict=True):
        assert iso_stamp(created_raw) == iso(created)
        assert iso_stamp(published_raw) == iso(published)


def test_an_anonymous_read_hands_its_connection_back_transactional(client, seeded):
    """On PostgreSQL a read model's own connection reads in autocommit (no BEGIN and
    ROLLBACK round trips); the pool must get it back as it lent it, or the next write on
    it would commit statement by statement instead of all or nothing."""
    returned = []

    def on_checkin(dbapi_connection, record):
        returned.append(getattr(dbapi_connection, "autocommit", False))

    verdict_id, dispute_id = db.session.execute(
        sa.select(Verdict.id, Claim.dispute_id).join(Verdict.claim)
        .where(Verdict.state == "published").limit(1)).one()
    db.session.remove()  # the reads below make their own connections, as requests do
    sa.event.listen(db.engine, "checkin", on_checkin)
    try:
        for url in (f"/api/v1/verdicts/{verdict_id}", "/api/v1/verdicts?limit=5",
                    f"/api/v1/disputes/{dispute_id}", f"/disputes/{dispute_id}"):
            assert client.get(url).status_code == 200, url
    finally:
        sa.event.remove(db.engine, "checkin", on_checkin)
    assert returned and not any(returned)
