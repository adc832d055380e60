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
