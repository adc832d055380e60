"""Known claims: claims and verdicts carry a BCP-47 language; imported fact-checks
(other publishers' ClaimReviews) in `reviews`, searchable by the claim they review;
`aliases` (spelling variants, transliterations, former names) for sources and places.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 06:30:00

SQLite: the language columns are added in place (no table copy, so the full-text
triggers of migration 0002 stay); `reviews_fts` is an FTS5 table kept by triggers like
the others. PostgreSQL: a GIN index on the English tsvector of `claim_reviewed`.
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
UTC_DATETIME = sa.DateTime(timezone=True)


def upgrade():
    sqlite = op.get_bind().dialect.name == "sqlite"
    for table in ("claims", "verdicts"):
        # Plain ALTER TABLE ADD COLUMN: a batch copy would drop the FTS triggers.
        op.add_column(table, sa.Column("language", sa.String(35), nullable=False,
                                       server_default="en"))
    op.create_table(
        "reviews",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("url", sa.String(2000), nullable=False),
        sa.Column("publisher", sa.String(300), nullable=False),
        sa.Column("publisher_site", sa.String(300), nullable=False),
        sa.Column("title", sa.String(1000), nullable=False),
        sa.Column("claim_reviewed", sa.Text(), nullable=False),
        sa.Column("claimant", sa.String(500), nullable=False),
        sa.Column("claim_date", UTC_DATETIME, nullable=True),
        sa.Column("rating_text", sa.String(500), nullable=False),
        sa.Column("rating_value", sa.Float(), nullable=True),
        sa.Column("best_rating", sa.Float(), nullable=True),
        sa.Column("worst_rating", sa.Float(), nullable=True),
        sa.Column("review_date", UTC_DATETIME, nullable=True),
        sa.Column("language", sa.String(35), nullable=False),
        sa.Column("raw", JSON, nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("updated_at", UTC_DATETIME, nullable=False),
        sa.UniqueConstraint("url", name=op.f("uq_reviews_url")),
    )
    op.create_index(op.f("ix_reviews_language"), "reviews", ["language"])
    op.create_table(
        "aliases",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("source_id", sa.Integer(), sa.ForeignKey(
            "sources.id", name=op.f("fk_aliases_source_id_sources")), nullable=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("alias", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("updated_at", UTC_DATETIME, nullable=False),
        sa.UniqueConstraint("name", "alias", name=op.f("uq_aliases_name_alias")),
        sa.CheckConstraint(
            "kind IN ('spelling', 'transliteration', 'former_name', 'synonym')",
            name=op.f("ck_aliases_alias_kind")),
    )
    op.create_index(op.f("ix_aliases_source_id"), "aliases", ["source_id"])
    op.create_index(op.f("ix_aliases_alias"), "aliases", ["alias"])
    if sqlite:
        op.execute(
            "CREATE VIRTUAL TABLE reviews_fts USING fts5(claim_reviewed, content='reviews', "
            "content_rowid='id', tokenize='porter unicode61 remove_diacritics 2')")
        op.execute(
            "CREATE TRIGGER reviews_fts_ai AFTER INSERT ON reviews BEGIN "
            "INSERT INTO reviews_fts(rowid, claim_reviewed) VALUES (new.id, new.claim_reviewed); "
            "END")
        op.execute(
            "CREATE TRIGGER reviews_fts_ad AFTER DELETE ON reviews BEGIN "
            "INSERT INTO reviews_fts(reviews_fts, rowid, claim_reviewed) "
            "VALUES ('delete', old.id, old.claim_reviewed); END")
        op.execute(
            "CREATE TRIGGER reviews_fts_au AFTER UPDATE OF claim_reviewed ON reviews BEGIN "
            "INSERT INTO reviews_fts(reviews_fts, rowid, claim_reviewed) "
            "VALUES ('delete', old.id, old.claim_reviewed); "
            "INSERT INTO reviews_fts(rowid, claim_reviewed) VALUES (new.id, new.claim_reviewed); "
            "END")
    else:
        op.execute("CREATE INDEX ix_reviews_fts ON reviews USING gin "
                   "(to_tsvector('english', coalesce(claim_reviewed, '')))")


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        for suffix in ("ai", "ad", "au"):
            op.execute(f"DROP TRIGGER IF EXISTS reviews_fts_{suffix}")
        op.execute("DROP TABLE IF EXISTS reviews_fts")
    else:
        op.execute("DROP INDEX IF EXISTS ix_reviews_fts")
    op.drop_table("aliases")
    op.drop_table("reviews")
    for table in ("verdicts", "claims"):
        if op.get_bind().dialect.name == "sqlite":
            # SQLite 3.35+ drops a column in place (no copy: the triggers stay).
            op.execute(f"ALTER TABLE {table} DROP COLUMN language")
        else:
            op.drop_column(table, "language")
