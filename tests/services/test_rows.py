"""The read models' value helpers (app/reads/rows.py) give what the schemas dump."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from app import cache_keys
from app.api.pagination import _keyset
from app.extensions import db
from app.models import Claim, Dispute, Document, Source, Verdict
from app.reads.rows import iso, iso_stamp, read, stamp
from app.services import verdicts as verdict_service


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


# -- read models' statements on the driver's cursor (rows.read) ---------------------------

def _every_read_model_statement(editor_user) -> list[tuple[str, sa.Select]]:
    from app.reads import dispute_page, disputes
    from app.reads import verdicts as verdict_reads
    from app.services import policy, search

    found = [(f"disputes.{name}", stmt) for name, stmt in disputes._STATEMENTS.items()]
    found += [(f"dispute_page.{name}", stmt)
              for name, stmt in dispute_page._STATEMENTS.items()]
    for label, viewer in (("reader", policy.ANONYMOUS),
                          ("editor", policy.Viewer(editor_user, include_deleted=True))):
        found.append((f"verdicts.by_id[{label}]", verdict_reads.by_id(viewer)))
        rows = verdict_reads.visible_rows(viewer)
        found.append((f"verdicts.feed[{label}]", _keyset(rows, Verdict, after=True)))
        since, _ = verdict_reads.feed_rows(viewer, {"updated_since": "given"})
        found.append((f"verdicts.feed_since[{label}]", _keyset(since, Verdict, after=False)))
    found.append(("verdicts.evidence_of_one", verdict_reads._EVIDENCE_OF_ONE))
    found.append(("verdicts.evidence_of_many", verdict_reads._EVIDENCE_OF_MANY))
    # search: one text statement for every kind (SQLite: and each index's averages)
    found.append(("search", search._statement(db.engine.dialect.name, tuple(search.KINDS),
                                              "websearch_to_tsquery")))
    return found


def test_read_models_statements_read_what_sqlalchemy_reads(seeded, journalist, editor):
    """`rows.read` runs a read model's statement on the driver's cursor: for every one of
    them, on every seeded dispute and verdict, its rows are SQLAlchemy's own — the same
    values of the same types (times, JSON, enums, booleans) under the same names."""
    from app.services import lifecycle

    # a deleted draft and a deleted claim: rows that the statements must leave out
    draft = verdict_service.draft_verdict(
        db.session.scalars(sa.select(Claim.id).where(~Claim.verdicts.any())).first(), 2,
        "Draft.", actor=journalist.user)
    lifecycle.delete_record(draft, actor=editor.user, reason="duplicate")
    every = {"dispute_ids": db.session.scalars(sa.select(Dispute.id)).all()}
    ids = sorted({*db.session.scalars(sa.select(Claim.id)),
                  *db.session.scalars(sa.select(Source.id)),
                  *db.session.scalars(sa.select(Document.id)),
                  *db.session.scalars(sa.select(Verdict.id))})
    db.session.commit()
    # a feed's position at a verdict's own time: the rows after it in (updated_at, id),
    # its time bound as the column's type binds it
    positions = db.session.execute(sa.select(Verdict.updated_at, Verdict.id)).all()
    db.session.commit()
    checked = 0
    with db.engine.connect() as conn:
        for name, stmt in _every_read_model_statement(editor.user):
            for dispute_id, (at, verdict_id) in zip(every["dispute_ids"] * 3, positions,
                                                     strict=False):
                params = {"dispute_id": dispute_id, "verdict_id": verdict_id, "ids": ids,
                          "keyset_at": at, "keyset_id": verdict_id, "updated_since": at,
                          "keyset_limit": 50, "q": '"troops"', "n": 20}
                theirs = conn.execute(stmt, params).all()
                ours = read(stmt, params, conn)
                assert [tuple(r) for r in ours] == [tuple(r) for r in theirs], name
                assert [list(map(type, r)) for r in ours] == [list(map(type, r))
                                                              for r in theirs], name
                assert all(r._fields == tuple(t._fields) for r, t in zip(ours, theirs,
                                                                         strict=True)), name
                checked += len(ours)
    assert checked > 100


def test_a_driver_error_is_sqlalchemys_error():
    """The app's handlers map SQLAlchemy's errors (a 503 when the database is down or
    behind the code): a statement on the driver's cursor raises them too."""
    missing = sa.select(sa.table("no_such_table", sa.column("id")))
    with db.engine.connect() as conn, pytest.raises(sa.exc.DBAPIError) as raised:
        read(missing, {}, conn)
    assert "no_such_table" in str(raised.value)
    assert isinstance(raised.value, sa.exc.OperationalError | sa.exc.ProgrammingError)


def test_a_read_notes_the_tables_it_read_for_the_read_cache(seeded, editor):
    """Answers depend on the tables their statements read (app/cache_keys.py): the
    engine's statement event notes them, and `rows.read`, which runs past it, notes the
    same."""
    params = {"dispute_id": 1, "verdict_id": 1, "ids": [1, 2],
              "keyset_at": datetime(2000, 1, 1, tzinfo=UTC), "keyset_id": 0,
              "updated_since": datetime(2000, 1, 1, tzinfo=UTC),
              "keyset_limit": 5, "q": '"troops"', "n": 20}
    with db.engine.connect() as conn:
        for name, stmt in _every_read_model_statement(editor.user):
            with cache_keys.reading() as theirs:
                conn.execute(stmt, params).all()
            with cache_keys.reading() as ours:
                read(stmt, params, conn)
            assert ours.tables == theirs.tables and theirs.tables, name
