"""Verdicts as the API shows them, read as rows instead of ORM objects.

The verdict feed is the most-read path of the API (consumers poll it far more often than
journalists write). Built from ORM objects and dumped by marshmallow, a page of 50
made hundreds of objects (verdicts, every version, every version's evidence, claims,
authors) and tens of thousands of attribute lookups in the schema (figures in
bench/README.md). Here the same page is two indexed selects of the columns shown — the
soft-delete filter applies, since they are ORM-enabled selects — turned straight into
dicts. The answers to writes come from here too (`one`), so GET and write never differ.

`VerdictSchema` stays the contract: it validates input and makes the OpenAPI document,
and `tests/services/test_verdict_reads.py` checks that `as_dicts` gives exactly what
`VerdictSchema().dump()` gives for the same verdicts (same fields, values and order).
A field added to the schema must be added here; that test fails until it is.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Row
from sqlalchemy.orm import aliased

from app.cache_keys import keys_of, shows
from app.extensions import db
from app.models import (
    RATING_LABELS,
    Claim,
    User,
    Verdict,
    VerdictEvidence,
    VerdictState,
    VerdictVersion,
)
from app.models.base import MAX_ID
from app.reads.rows import iso, record_fields
from app.services.claimreview import page_urls
from app.services.errors import NotFound
from app.services.policy import Viewer, shows_rating, verdict_states

# What the feed selects: the verdict's columns, its claim's dispute, its author, and the
# current version's reason and time (a withdrawal's).
_CURRENT = aliased(VerdictVersion)
COLUMNS = (
    Verdict.id, Verdict.created_at, Verdict.updated_at, Verdict.deleted_at,
    Verdict.lock_version, Verdict.claim_id, Claim.dispute_id,
    Claim.statement.label("claim_statement"), Verdict.state,
    Verdict.rating_value, Verdict.rationale, Verdict.language, Verdict.current_version,
    Verdict.published_at,
    Verdict.author_id, User.name.label("author_name"),
    _CURRENT.reason.label("current_reason"),
    _CURRENT.published_at.label("current_published_at"),
)


_ROWS = (sa.select(*COLUMNS).select_from(Verdict)
         .join(Verdict.claim).join(Claim.dispute).join(Verdict.author)
         .join(_CURRENT, sa.and_(_CURRENT.verdict_id == Verdict.id,
                                 _CURRENT.number == Verdict.current_version)))


def visible_rows(viewer: Viewer) -> sa.Select:
    """The verdict rows `viewer` may see (the policy's `verdict_states`; deleted ones for
    editors who ask), with their claim's dispute and their author; add WHERE and ORDER BY,
    then hand the rows to `as_dicts`.

    Readers see every state but drafts: written `state <> 'draft'` rather than IN
    (published, withdrawn), which no planner can serve from the state index in
    (updated_at, id) order, so none takes it and sorts every public verdict;
    ix_verdicts_feed gives the order and a page costs the same at 1M verdicts as at 10k."""
    hidden = tuple(sorted(set(VerdictState) - set(verdict_states(viewer))))
    key = (hidden, viewer.sees_deleted)
    stmt = _VISIBLE.get(key)
    if stmt is None:  # a few viewers' kinds: each statement built once
        stmt = _ROWS
        if hidden:
            stmt = stmt.where(*(Verdict.state != state for state in hidden))
        if viewer.sees_deleted:
            stmt = stmt.execution_options(include_deleted=True)
        stmt = _VISIBLE[key] = stmt
    return stmt


_VISIBLE: dict[tuple, sa.Select] = {}
_BY_ID: dict[int, sa.Select] = {}


def by_id(viewer: Viewer) -> sa.Select:
    """`visible_rows(viewer)` of the verdict bound as `verdict_id` (built once)."""
    rows = visible_rows(viewer)
    stmt = _BY_ID.get(id(rows))
    if stmt is None:
        stmt = _BY_ID[id(rows)] = rows.where(Verdict.id == sa.bindparam("verdict_id"))
    return stmt


# The evidence of each verdict's current version (statements are built once: building
# them cost as much as running them).
_EVIDENCE = (
    sa.select(VerdictVersion.verdict_id, VerdictEvidence.claim_id,
              VerdictEvidence.document_id, VerdictEvidence.stance, VerdictEvidence.note)
    .join(VerdictEvidence.version)
    .join(Verdict, Verdict.id == VerdictVersion.verdict_id)
    .where(VerdictVersion.verdict_id.in_(sa.bindparam("ids", expanding=True)),
           VerdictVersion.number == Verdict.current_version)
    .order_by(VerdictEvidence.id)
    # the rows given were already judged visible (editors may be shown deleted ones)
    .execution_options(include_deleted=True)
)


def _evidence(rows: Sequence[Row]) -> dict[int, list[dict[str, Any]]]:
    """verdict id -> the evidence of its current version, in id order."""
    by_verdict: dict[int, list[dict[str, Any]]] = defaultdict(list)
    if not rows:
        return by_verdict
    ids = {"ids": [row.id for row in rows]}  # one bound list: the statement stays cached
    for verdict_id, claim_id, document_id, stance, note in db.session.execute(_EVIDENCE, ids):
        by_verdict[verdict_id].append({"claim_id": claim_id, "document_id": document_id,
                                       "stance": stance.value, "note": note})
    return by_verdict


def _rating(row: Row) -> dict[str, Any]:
    shown = shows_rating(row.state)  # a withdrawn verdict's rating goes out nowhere
    return {"rating_value": row.rating_value if shown else None,
            "rating_label": RATING_LABELS[row.rating_value] if shown else None}


def _withdrawal(row: Row) -> dict[str, Any]:
    withdrawn = row.state is VerdictState.WITHDRAWN
    return {"withdrawal_reason": row.current_reason if withdrawn else None,
            "withdrawn_at": iso(row.current_published_at) if withdrawn else None}


def as_dicts(rows: Sequence[Row]) -> list[dict[str, Any]]:
    """VerdictSchema's output for rows of `visible_rows()`, in their order (one more
    query, for the evidence of all of them)."""
    evidence = _evidence(rows)
    urls = page_urls()
    return [
        {
            **record_fields(row),
            "claim_id": row.claim_id,
            "dispute_id": row.dispute_id,
            "statement": row.claim_statement,
            "url": urls.verdict(row.claim_id, row.id),
            "dispute_url": urls.dispute(row.dispute_id),
            "state": row.state.value,
            **_rating(row),
            "rationale": row.rationale,
            "language": row.language,
            "evidence": evidence.get(row.id, []),
            **_withdrawal(row),
            "current_version": row.current_version,
            "published_at": iso(row.published_at),
            "author": {"id": row.author_id, "name": row.author_name},
        }
        for row in rows
    ]



# What one verdict's answer reads that `declare_shown` names row by row (its evidence is
# left to its table: evidence rows name their version, not their verdict).
COVERS = ("verdicts", "claims", "disputes", "users", "verdict_versions")


def declare_shown(rows: Sequence[Row]) -> None:
    """The dependency keys (app/cache_keys.py) of an answer showing these verdict rows:
    each verdict (its versions change `verdict:N` too), claim, dispute and author."""
    shows(keys_of("verdicts", (r.id for r in rows)) | keys_of("claims", (r.claim_id for r in rows))
          | keys_of("disputes", (r.dispute_id for r in rows))
          | keys_of("users", (r.author_id for r in rows)), covers=COVERS)


def one(verdict_id: int, viewer: Viewer) -> tuple[dict[str, Any], int]:
    """VerdictSchema's output of one verdict as `viewer` sees it, and its lock_version
    (for the ETag): the answer to a GET and to every write of a verdict alike, so the two
    never differ. NotFound when `viewer` may not see it."""
    rows = (db.session.execute(by_id(viewer), {"verdict_id": verdict_id}).all()
            if 0 < verdict_id <= MAX_ID else [])
    if not rows:
        raise NotFound(f"Verdict {verdict_id} does not exist.")
    declare_shown(rows)
    return as_dicts(rows)[0], rows[0].lock_version
