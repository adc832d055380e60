"""Migrations are the only way the schema is made: they have one head, upgrade from
empty to head, downgrade to base and back, and match the models exactly."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic.script import ScriptDirectory
from pytest_alembic.tests import (  # noqa: F401  (collected as tests of this module)
    test_model_definitions_match_ddl,
    test_single_head_revision,
    test_up_down_consistency,
    test_upgrade,
)

from tests.dbutil import throwaway_database


@pytest.fixture(scope="module")
def _migration_db_url(tmp_path_factory):
    with throwaway_database(tmp_path_factory.mktemp("migrations"), "migrations") as url:
        yield url


@pytest.fixture
def alembic_config():
    return {"file": "migrations/alembic.ini", "script_location": "migrations"}


@pytest.fixture
def alembic_engine(_migration_db_url):
    engine = sa.create_engine(_migration_db_url, poolclass=sa.pool.NullPool)
    yield engine
    engine.dispose()


def test_downgrade_to_base_and_back_to_head(alembic_runner, alembic_engine):
    # Given a database at head
    alembic_runner.migrate_up_to("heads")
    assert "verdicts" in sa.inspect(alembic_engine).get_table_names()

    # When it is downgraded to base, then no table of ours is left
    alembic_runner.migrate_down_to("base")
    assert set(sa.inspect(alembic_engine).get_table_names()) <= {"alembic_version"}

    # And it upgrades again, with the rating scale filled by the migration
    alembic_runner.migrate_up_to("heads")
    with alembic_engine.connect() as conn:
        labels = conn.execute(sa.text("SELECT label FROM rating_scale ORDER BY value")).scalars()
        assert list(labels) == ["False", "Misleading", "Unsupported", "Mostly accurate", "Accurate"]
    alembic_runner.migrate_down_to("base")


def test_every_revision_has_a_readable_message():
    directory = ScriptDirectory("migrations")
    for script in directory.walk_revisions():
        assert script.doc and len(script.doc) > 10, f"revision {script.revision} lacks a message"
        assert not script.path.endswith("_.py"), script.path


def test_user_sessions_keep_users_that_others_refer_to(alembic_runner, alembic_engine):
    # Given users that tokens and revisions refer to, written before revision 0004
    alembic_runner.migrate_up_to("0003")
    users = sa.table("users", *(sa.column(c) for c in (
        "id", "email", "name", "role", "active", "created_at", "updated_at", "lock_version")))
    tokens = sa.table("api_tokens", *(sa.column(c) for c in (
        "user_id", "name", "token_hash", "prefix", "created_at")))
    now = sa.func.current_timestamp()
    with alembic_engine.begin() as conn:
        conn.execute(users.insert().values(id=7, email="ed@example.org", name="Ed",
                                           role="editor", active=True, created_at=now,
                                           updated_at=now, lock_version=1))
        conn.execute(tokens.insert().values(user_id=7, name="bot", token_hash="h" * 64,
                                            prefix="cc_x", created_at=now))

    # When 0004 adds the session version, they start at 1
    alembic_runner.migrate_up_to("0004")
    with alembic_engine.connect() as conn:
        assert conn.execute(sa.text("SELECT session_version FROM users")).all() == [(1,)]

    # And its downgrade keeps them (a SQLite table copy would have to drop `users`,
    # which the app's foreign keys forbid)
    alembic_runner.migrate_down_to("0003")
    with alembic_engine.begin() as conn:
        columns = {c["name"] for c in sa.inspect(conn).get_columns("users")}
        assert "session_version" not in columns
        assert conn.execute(sa.text("SELECT count(*) FROM api_tokens")).scalar() == 1
        conn.execute(tokens.delete())
        conn.execute(users.delete())
    alembic_runner.migrate_down_to("base")


def _rows(conn, table: str, **values) -> None:
    conn.execute(sa.table(table, *(sa.column(c) for c in values)).insert().values(**values))


def test_document_versions_take_over_the_snapshots(alembic_runner, alembic_engine):
    # Given documents with snapshots before revision 0007, and a quote checked against one
    alembic_runner.migrate_up_to("0005")
    now = sa.func.current_timestamp()
    stamp = {"created_at": now, "updated_at": now, "lock_version": 1}
    with alembic_engine.begin() as conn:
        _rows(conn, "events", id=1, slug="e", title="E", date_precision="day", summary="",
              **stamp)
        _rows(conn, "sources", id=1, slug="s", name="S", kind="person", title="",
              description="", **stamp)
        _rows(conn, "disputes", id=1, event_id=1, slug="d", question="Q?", summary="",
              state="open", **stamp)
        _rows(conn, "claims", id=1, dispute_id=1, position=0, claimant_id=1, statement="S.",
              kind="denial", sourcing_level="on_record", independent_sources=1,
              stated_precision="day", **stamp)
        for doc, text in ((1, "second text"), (2, "only text")):
            _rows(conn, "documents", id=doc, title=f"D{doc}", text=text,
                  text_sha256=f"{doc}" * 64, **stamp)
        for sid, (doc, text, sha) in enumerate(((1, "first text", "a" * 64),
                                                (1, "second text", "1" * 64)), start=1):
            _rows(conn, "document_snapshots", id=sid, document_id=doc, text=text, sha256=sha,
                  captured_at=now)
        _rows(conn, "quotes", id=1, claim_id=1, speaker_id=1, document_id=1, exact="text",
              prefix="", suffix="", integrity="verbatim", checked_sha256="a" * 64, **stamp)

    # When 0007 runs
    alembic_runner.migrate_up_to("0007")

    # Then every snapshot is a manual version, in order, and a text none held is the newest
    with alembic_engine.begin() as conn:
        versions = conn.execute(sa.text(
            "SELECT document_id, number, kind, change, text FROM document_versions "
            "ORDER BY document_id, number")).all()
        assert [tuple(v) for v in versions] == [
            (1, 1, "manual", "first", "first text"), (1, 2, "manual", "changed", "second text"),
            (2, 1, "manual", "first", "only text")]
        assert "document_snapshots" not in sa.inspect(conn).get_table_names()
        # the quote knows the version it was checked against; `removed` may be stored
        assert conn.execute(sa.text("SELECT checked_version FROM quotes")).scalar() == 1
        conn.execute(sa.text("UPDATE quotes SET integrity = 'removed'"))
        with pytest.raises(sa.exc.IntegrityError), conn.begin_nested():
            conn.execute(sa.text("UPDATE quotes SET integrity = 'vanished'"))

    # And the downgrade gives the snapshots back, and the stricter constraint holds
    alembic_runner.migrate_down_to("0005")
    with alembic_engine.begin() as conn:
        snapshots = conn.execute(sa.text(
            "SELECT document_id, text FROM document_snapshots ORDER BY id")).all()
        assert [tuple(s) for s in snapshots] == [
            (1, "first text"), (1, "second text"), (2, "only text")]
        assert conn.execute(sa.text("SELECT integrity FROM quotes")).scalar() == "not_found"
        with pytest.raises(sa.exc.IntegrityError), conn.begin_nested():
            conn.execute(sa.text("UPDATE quotes SET integrity = 'removed'"))
        for table in ("quotes", "claims", "disputes", "document_snapshots", "documents",
                      "sources", "events"):
            conn.execute(sa.text(f"DELETE FROM {table}"))
    alembic_runner.migrate_down_to("base")
