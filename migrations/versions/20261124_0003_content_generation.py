"""Content generation: one counter that every writing transaction moves on, so cached
public reads know whether they are still current (app/cache.py).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 23:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "content_generation",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_content_generation")),
    )
    generation = sa.table("content_generation", sa.column("id"), sa.column("value"))
    op.bulk_insert(generation, [{"id": 1, "value": 1}])


def downgrade():
    op.drop_table("content_generation")
