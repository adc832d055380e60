"""Full-text search over disputes, claims, quotes and sources: SQLite FTS5 tables
kept by triggers, PostgreSQL GIN indexes on tsvector expressions.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 21:50:00

SQLite note: a later batch ALTER of disputes/claims/quotes/sources recreates the
table and drops its triggers; such a migration must recreate them (see TRIGGERS here).
tests/test_search.py checks they exist at head.
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# table -> the text columns searched (same order in the FTS table and the PG expression)
SEARCHED = {
    "disputes": ("question", "summary"),
    "claims": ("statement",),
    "quotes": ("exact",),
    "sources": ("name", "title", "description"),
}


def _pg_vector(columns):
    joined = " || ' ' || ".join(f"coalesce({c}, '')" for c in columns)
    return f"to_tsvector('english', {joined})"


def _sqlite_upgrade():
    for table, columns in SEARCHED.items():
        fts = f"{table}_fts"
        cols = ", ".join(columns)
        new = ", ".join(f"new.{c}" for c in columns)
        old = ", ".join(f"old.{c}" for c in columns)
        op.execute(
            f"CREATE VIRTUAL TABLE {fts} USING fts5({cols}, content='{table}', "
            f"content_rowid='id', tokenize='porter unicode61 remove_diacritics 2')"
        )
        op.execute(
            f"CREATE TRIGGER {fts}_ai AFTER INSERT ON {table} BEGIN "
            f"INSERT INTO {fts}(rowid, {cols}) VALUES (new.id, {new}); END"
        )
        op.execute(
            f"CREATE TRIGGER {fts}_ad AFTER DELETE ON {table} BEGIN "
            f"INSERT INTO {fts}({fts}, rowid, {cols}) VALUES ('delete', old.id, {old}); END"
        )
        op.execute(
            f"CREATE TRIGGER {fts}_au AFTER UPDATE OF {cols} ON {table} BEGIN "
            f"INSERT INTO {fts}({fts}, rowid, {cols}) VALUES ('delete', old.id, {old}); "
            f"INSERT INTO {fts}(rowid, {cols}) VALUES (new.id, {new}); END"
        )
        op.execute(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")


def _sqlite_downgrade():
    for table in SEARCHED:
        fts = f"{table}_fts"
        for suffix in ("ai", "ad", "au"):
            op.execute(f"DROP TRIGGER IF EXISTS {fts}_{suffix}")
        op.execute(f"DROP TABLE IF EXISTS {fts}")


def upgrade():
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_upgrade()
        return
    for table, columns in SEARCHED.items():
        op.execute(f"CREATE INDEX ix_{table}_fts ON {table} USING gin ({_pg_vector(columns)})")


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_downgrade()
        return
    for table in SEARCHED:
        op.execute(f"DROP INDEX IF EXISTS ix_{table}_fts")
