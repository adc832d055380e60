"""User sessions: a session version on each user, part of the id that every session
and "keep me signed in" cookie carries, so signing out, a password reset or
deactivation ends all of that user's sessions at once.

Existing users start at version 1. Sessions made before this revision carry a bare
user id, which the app no longer accepts: everyone signs in again once.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 12:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    # A constant server default: SQLite adds the column in place, no table copy.
    op.add_column(
        "users",
        sa.Column("session_version", sa.Integer(), server_default="1", nullable=False),
    )


def downgrade():
    # Not a batch table copy: on SQLite that drops and recreates `users`, which the
    # foreign keys of tokens and revisions forbid once there are rows. SQLite 3.35+
    # drops a plain column in place.
    op.drop_column("users", "session_version")
