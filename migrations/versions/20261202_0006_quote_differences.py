"""Quote differences: each difference between a quote and its document's stored text,
classified (kind, both sides' words, whether it changes meaning) by the quote check.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 15:00:00

Quotes checked before this revision have none until `flask verify-quotes` re-checks the
archive (run it after upgrading: the new check also reads brackets, [sic], numbers written
another way and meaning-changing omissions, so some states change; it says which and why).

SQLite note: the column is added and dropped with plain ALTER TABLE (SQLite 3.35+), not a
batch table copy, so the quotes_fts triggers of 0002 stay in place.
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column(
        "quotes",
        sa.Column(
            "differences",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
    )


def downgrade():
    op.drop_column("quotes", "differences")
