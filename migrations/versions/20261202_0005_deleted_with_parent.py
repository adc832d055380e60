"""Deleted with its parent: every soft-deletable table gets `deleted_via`, naming the
record whose deletion took this one with it ("disputes:5"), so that restoring the dispute
brings back exactly what went with it.

Existing data is repaired the same way: claims of deleted disputes, quotes and verdicts
of deleted claims, and links touching a deleted claim, which earlier versions left live
(each surface then had to hide them by itself, and some did not), are marked deleted with
their parent, with a revision each saying so.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 15:00:00

SQLite: ADD COLUMN and DROP COLUMN are plain ALTER TABLEs (SQLite >= 3.35), so no table
is recreated and the full-text triggers of migration 0002 stay in place.
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

TABLES = ("events", "disputes", "sources", "documents", "claims", "quotes", "links",
          "verdicts")
REASON = "deleted with its {parent} (migration 0005: a record goes with what it belongs to)"


def _table(name, *columns):
    return sa.table(name, sa.column("id"), sa.column("deleted_at", sa.DateTime()),
                    sa.column("deleted_via"), *(sa.column(c) for c in columns))


def upgrade():
    for name in TABLES:
        op.add_column(name, sa.Column("deleted_via", sa.String(length=40), nullable=True))
    _repair()


def _repair():
    """Mark live children of deleted parents deleted with them, top-down."""
    bind = op.get_bind()
    disputes = _table("disputes")
    claims = _table("claims", "dispute_id")
    quotes = _table("quotes", "claim_id")
    verdicts = _table("verdicts", "claim_id")
    links = _table("links", "from_claim_id", "to_claim_id")
    revisions = sa.table(
        "revisions", sa.column("entity_type"), sa.column("entity_id"), sa.column("action"),
        sa.column("actor_id"), sa.column("at", sa.DateTime()), sa.column("reason"),
        sa.column("before", sa.JSON), sa.column("after", sa.JSON))
    now = datetime.now(UTC)
    if bind.dialect.name == "sqlite":
        now = now.replace(tzinfo=None)  # stored naive UTC there (app.models.base)
    written = []

    def mark(table, rows, parent_name):
        """rows: (id, deleted_at of the parent, deleted_via to give)."""
        for row_id, when, via in rows:
            bind.execute(sa.update(table).where(table.c.id == row_id)
                         .values(deleted_at=when, deleted_via=via))
            if when is not None and when.tzinfo is None:  # SQLite keeps naive UTC
                when_utc = when.replace(tzinfo=UTC)
            else:
                when_utc = when
            stamp = when_utc.isoformat() if when_utc is not None else None
            written.append({"entity_type": table.name, "entity_id": row_id,
                            "action": "delete", "actor_id": None, "at": now,
                            "reason": REASON.format(parent=parent_name),
                            "before": {"deleted_at": None},
                            "after": {"deleted_at": stamp, "deleted_via": via}})

    dead_disputes = {r.id: r.deleted_at for r in bind.execute(
        sa.select(disputes.c.id, disputes.c.deleted_at)
        .where(disputes.c.deleted_at.is_not(None)))}
    orphans = bind.execute(sa.select(claims.c.id, claims.c.dispute_id).where(
        claims.c.deleted_at.is_(None), claims.c.dispute_id.in_(list(dead_disputes) or [0])))
    mark(claims, [(r.id, dead_disputes[r.dispute_id], f"disputes:{r.dispute_id}")
                  for r in orphans], "dispute")

    dead_claims = {r.id: (r.deleted_at, r.deleted_via or f"claims:{r.id}") for r in
                   bind.execute(sa.select(claims.c.id, claims.c.deleted_at,
                                          claims.c.deleted_via)
                                .where(claims.c.deleted_at.is_not(None)))}
    dead = list(dead_claims) or [0]
    for table in (quotes, verdicts):
        rows = bind.execute(sa.select(table.c.id, table.c.claim_id).where(
            table.c.deleted_at.is_(None), table.c.claim_id.in_(dead)))
        mark(table, [(r.id, *dead_claims[r.claim_id]) for r in rows], "account")
    rows = bind.execute(sa.select(links.c.id, links.c.from_claim_id, links.c.to_claim_id)
                        .where(links.c.deleted_at.is_(None),
                               sa.or_(links.c.from_claim_id.in_(dead),
                                      links.c.to_claim_id.in_(dead))))
    mark(links, [(r.id, *dead_claims[r.from_claim_id if r.from_claim_id in dead_claims
                                     else r.to_claim_id]) for r in rows], "account")
    if written:
        op.bulk_insert(revisions, written)


def downgrade():
    # what the repair deleted stays deleted: deleting was right, only the column goes
    for name in reversed(TABLES):
        op.drop_column(name, "deleted_via")
