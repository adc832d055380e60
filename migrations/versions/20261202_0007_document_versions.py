"""Document versions: what a document's URL said at a time (captured: WARC, extracted
text, hashes, HTTP status) or a passage pasted by hand; quotes say which version they
were checked against, and when their words changed or went (integrity `removed`).

Versions supersede the document snapshots: each document's snapshots become its
manual versions 1, 2, ... in the order they were taken (a document whose text no
snapshot holds gets one more), and `document_snapshots` goes. Quotes checked against
a text that a version holds get that version's number.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 18:00:00

SQLite: columns are added and dropped in place (no table copy, so the full-text
triggers of migration 0002 stay). The quotes' integrity CHECK constraint gains
`removed` by SQLite's documented procedure for loosening a constraint (the table's
stored SQL rewritten under writable_schema, the schema version bumped): a table copy
of `quotes` would drop its triggers, and, with foreign keys on, cannot drop a table
that links point at. The downgrade turns `removed` quotes into `not_found` first, so
the stricter constraint holds again.
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
STATES = ("verbatim", "altered", "not_found", "unchecked")
CHECK = "ck_quotes_quote_integrity"


def _in_list(states):
    return "integrity IN (" + ", ".join(f"'{s}'" for s in states) + ")"


def _set_integrity_check(old_states, new_states):
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        op.drop_constraint(op.f(CHECK), "quotes", type_="check")
        op.create_check_constraint(op.f(CHECK), "quotes", _in_list(new_states))
        return
    sql = bind.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'quotes'").scalar()
    old, new = _in_list(old_states), _in_list(new_states)
    if sql.count(old) != 1:
        raise RuntimeError(f"quotes: expected one CHECK ({old}) in {sql}")
    schema_version = bind.exec_driver_sql("PRAGMA schema_version").scalar()
    bind.exec_driver_sql("PRAGMA writable_schema = ON")
    bind.exec_driver_sql(
        "UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = 'quotes'",
        (sql.replace(old, new),))
    bind.exec_driver_sql(f"PRAGMA schema_version = {schema_version + 1}")
    bind.exec_driver_sql("PRAGMA writable_schema = OFF")


def upgrade():
    op.create_table(
        "document_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("kind", sa.Enum("manual", "capture", name="version_kind",
                                  native_enum=False, create_constraint=True), nullable=False),
        sa.Column("change", sa.Enum("first", "changed", "gone", "back", "same",
                                    name="version_change", native_enum=False,
                                    create_constraint=True), nullable=False),
        sa.Column("captured_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("captured_by_id", sa.Integer(), nullable=True),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("confirmations", sa.Integer(), nullable=False),
        sa.Column("requested_url", sa.String(length=2000), nullable=True),
        sa.Column("final_url", sa.String(length=2000), nullable=True),
        sa.Column("redirects", JSON, nullable=True),
        sa.Column("http_status", sa.Integer(), nullable=True),
        sa.Column("content_type", sa.String(length=200), nullable=True),
        sa.Column("raw_sha256", sa.String(length=64), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("text_sha256", sa.String(length=64), nullable=True),
        sa.Column("changes", JSON, nullable=True),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("warc", sa.LargeBinary(), nullable=True),
        sa.Column("warc_size", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["captured_by_id"], ["users.id"],
                                name=op.f("fk_document_versions_captured_by_id_users")),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"],
                                name=op.f("fk_document_versions_document_id_documents")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_versions")),
        sa.UniqueConstraint("document_id", "number",
                            name=op.f("uq_document_versions_document_id_number")),
    )
    op.add_column("documents", sa.Column("archive_url", sa.String(length=2000), nullable=True))
    for column in ("checked_version", "last_seen_version", "changed_version"):
        op.add_column("quotes", sa.Column(column, sa.Integer(), nullable=True))
    _set_integrity_check(STATES, (*STATES, "removed"))
    _versions_from_snapshots()
    op.drop_index(op.f("ix_document_snapshots_document_id"), table_name="document_snapshots")
    op.drop_table("document_snapshots")


def _versions_from_snapshots():
    bind = op.get_bind()
    snapshots = sa.table("document_snapshots", sa.column("id"), sa.column("document_id"),
                         sa.column("text"), sa.column("sha256"),
                         sa.column("captured_at", sa.DateTime()), sa.column("captured_by_id"))
    documents = sa.table("documents", sa.column("id"), sa.column("text"),
                         sa.column("text_sha256"), sa.column("created_at", sa.DateTime()))
    quotes = sa.table("quotes", sa.column("id"), sa.column("document_id"),
                      sa.column("checked_sha256"), sa.column("checked_version"))
    versions_rows = []
    numbered: dict[tuple[int, str], int] = {}  # (document, sha) -> its latest version
    last: dict[int, tuple[int, str]] = {}  # document -> (number, sha) of its newest
    for row in bind.execute(sa.select(snapshots).order_by(snapshots.c.document_id,
                                                          snapshots.c.id)):
        number, previous = last.get(row.document_id, (0, None))
        if row.sha256 == previous:
            continue  # the same text twice in a row is one version
        number += 1
        versions_rows.append(_version(row.document_id, number, row.text, row.sha256,
                                      row.captured_at, row.captured_by_id))
        last[row.document_id] = (number, row.sha256)
        numbered[row.document_id, row.sha256] = number
    for row in bind.execute(sa.select(documents).where(documents.c.text_sha256.is_not(None))
                            .order_by(documents.c.id)):
        number, previous = last.get(row.id, (0, None))
        if row.text_sha256 != previous:  # a text no snapshot holds: the newest version
            versions_rows.append(_version(row.id, number + 1, row.text, row.text_sha256,
                                          row.created_at, None))
            numbered[row.id, row.text_sha256] = number + 1
    if versions_rows:
        versions = sa.table("document_versions", *(sa.column(c) for c in versions_rows[0]))
        op.bulk_insert(versions, versions_rows)
    for row in bind.execute(sa.select(quotes.c.id, quotes.c.document_id,
                                      quotes.c.checked_sha256)
                            .where(quotes.c.checked_sha256.is_not(None))):
        number = numbered.get((row.document_id, row.checked_sha256))
        if number is not None:
            bind.execute(sa.update(quotes).where(quotes.c.id == row.id)
                         .values(checked_version=number))


def _version(document_id, number, text, sha, at, by):
    if at is not None and at.tzinfo is None:
        at = at.replace(tzinfo=UTC)  # SQLite keeps naive UTC
    at = at or datetime.now(UTC)
    if op.get_bind().dialect.name == "sqlite":
        at = at.astimezone(UTC).replace(tzinfo=None)
    return {"document_id": document_id, "number": number, "kind": "manual",
            "change": "first" if number == 1 else "changed", "captured_at": at,
            "captured_by_id": by, "confirmations": 0, "text": text, "text_sha256": sha,
            "note": ""}


def downgrade():
    op.create_table(
        "document_snapshots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("captured_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("captured_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["captured_by_id"], ["users.id"],
                                name=op.f("fk_document_snapshots_captured_by_id_users")),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"],
                                name=op.f("fk_document_snapshots_document_id_documents")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_snapshots")),
    )
    op.create_index(op.f("ix_document_snapshots_document_id"), "document_snapshots",
                    ["document_id"], unique=False)
    # every version with text becomes a snapshot again (captures' WARCs are dropped)
    op.execute(
        "INSERT INTO document_snapshots (document_id, text, sha256, captured_at, "
        "captured_by_id) SELECT document_id, text, text_sha256, captured_at, captured_by_id "
        "FROM document_versions WHERE text_sha256 IS NOT NULL ORDER BY document_id, number")
    op.execute("UPDATE quotes SET integrity = 'not_found' WHERE integrity = 'removed'")
    _set_integrity_check((*STATES, "removed"), STATES)
    for column in ("changed_version", "last_seen_version", "checked_version"):
        op.drop_column("quotes", column)
    op.drop_column("documents", "archive_url")
    op.drop_table("document_versions")
