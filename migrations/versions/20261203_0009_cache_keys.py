"""Cache keys: the generation of each record and table that cached answers show, so a
write makes stale only the answers that show what it changed (app/cache_keys.py).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 06:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "cache_keys",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("generation", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_cache_keys")),
    )
    keys = sa.table("cache_keys", sa.column("key"), sa.column("generation"))
    op.bulk_insert(keys, [{"key": "any", "generation": 1}])


def downgrade():
    op.drop_table("cache_keys")
