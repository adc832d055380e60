"""Verdicts as the API shows them, read as rows instead of ORM objects.

The verdict feed is the most-read path of the API (consumers poll it far more often than
journalists write). Built from ORM objects and dumped by marshmallow, a page of 50
made hundreds of objects (verdicts, every version, every version's evidence, claims,
authors) and tens of thousands of attribute lookups in the schema (figures in
bench/README.md). Here the same page is two indexed selects of the columns shown, run
as Core (`rows.read`; the soft-delete filter put into the statement once by
`policy.visible`, as the session's hook would at every execution), turned straight into
dicts; each statement is built once per
shape of request, so SQLAlchemy works out its cache key once. Enum columns are read as
their stored values, which are what the schema dumps. The answers to writes come from
here too (`one`), so GET and write never differ.

`VerdictSchema` stays the contract: it validates input and makes the OpenAPI document,
and `tests/services/test_verdict_reads.py` checks that `as_dicts` gives exactly what
`VerdictSchema().dump()` gives for the same verdicts (same fields, values and order).
A field added to the schema must be added here; that test fails until it is.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Row
from sqlalchemy.orm import aliased

from app.cache_keys import keys_of, shows
from app.models import (
    RATING_LABELS,
    Claim,
    Dispute,
    User,
    Verdict,
    VerdictEvidence,
    VerdictState,
    VerdictVersion,
)
from app.models.base import MAX_ID
from app.reads.rows import among, connection, iso_stamp, read, stamp
from app.services import policy
from app.services.claimreview import page_urls
from app.services.errors import NotFound
from app.services.policy import Viewer, shows_rating, verdict_states

# What the feed selects: the verdict's columns, its claim's dispute, its author, and the
# current version's reason and time (a withdrawal's). `as_dicts` unpacks them in this
# order. Times are read as `stamp`s (the feed's cursor is written from `updated_at`'s too).
_CURRENT = aliased(VerdictVersion)
COLUMNS = (
    Verdict.id, stamp(Verdict.created_at), stamp(Verdict.updated_at), stamp(Verdict.deleted_at),
    Verdict.lock_version, Verdict.claim_id, Claim.dispute_id,
    Claim.statement.label("claim_statement"),
    sa.type_coerce(Verdict.state, sa.String).label("state"),
    Verdict.rating_value, Verdict.rationale, Verdict.language, Verdict.current_version,
    stamp(Verdict.published_at),
    Verdict.author_id, User.name.label("author_name"),
    _CURRENT.reason.label("current_reason"),
    stamp(_CURRENT.published_at, "current_published_at"),
)


_ROWS = (sa.select(*COLUMNS).select_from(Verdict)
         .join(Verdict.claim).join(Claim.dispute).join(Verdict.author)
         .join(_CURRENT, sa.and_(_CURRENT.verdict_id == Verdict.id,
                                 _CURRENT.number == Verdict.current_version)))


def visible_rows(viewer: Viewer) -> sa.Select:
    """The verdict rows `viewer` may see (the policy's `verdict_states`; deleted ones for
    editors who ask; a verdict whose claim or dispute is deleted is hidden with it), with
    their claim's dispute and their author; add WHERE and ORDER BY, run it with
    `rows.read`, then hand the rows to `as_dicts`.

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
        if not viewer.sees_deleted:
            stmt = policy.visible(stmt)
        # its visibility is in it: run through the session (as tests do), the session's
        # hook adds nothing more
        stmt = _VISIBLE[key] = stmt.execution_options(include_deleted=True)
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


# The feed's filters (FeedQuery's names): each an equality on a column the rows join,
# but `updated_since`, a lower bound.
FEED_FILTERS = {
    "state": Verdict.state, "rating_value": Verdict.rating_value,
    "claim_id": Verdict.claim_id, "dispute_id": Claim.dispute_id,
    "claimant_id": Claim.claimant_id, "event_id": Dispute.event_id,
}
_FEED: dict[tuple, sa.Select] = {}


def feed_rows(viewer: Viewer, query: Mapping[str, Any]) -> tuple[sa.Select, dict[str, Any]]:
    """`visible_rows(viewer)` narrowed by the feed's filters given in `query`
    (FEED_FILTERS, `updated_since`), and the values to bind: one statement per set of
    filters given, built once (for `pagination.keyset_page`)."""
    names = tuple(name for name in (*FEED_FILTERS, "updated_since")
                  if query.get(name) is not None)
    rows = visible_rows(viewer)
    key = (id(rows), names)
    stmt = _FEED.get(key)
    if stmt is None:
        stmt = rows
        for name in names:
            stmt = stmt.where(Verdict.updated_at >= sa.bindparam(name)
                              if name == "updated_since"
                              else FEED_FILTERS[name] == sa.bindparam(name))
        if len(_FEED) < 1000:  # 2^7 sets of filters per kind of viewer at most
            _FEED[key] = stmt
    return stmt, {name: query[name] for name in names}


# The evidence of each verdict's current version (statements are built once: building
# them cost as much as running them). The rows given were already judged visible
# (editors may be shown deleted ones): no soft-delete filter.
_EVIDENCE_ROWS = (
    sa.select(VerdictVersion.verdict_id, VerdictEvidence.claim_id,
              VerdictEvidence.document_id,
              sa.type_coerce(VerdictEvidence.stance, sa.String), VerdictEvidence.note)
    .join(VerdictEvidence.version)
    .join(Verdict, Verdict.id == VerdictVersion.verdict_id)
    .where(VerdictVersion.number == Verdict.current_version)
    .order_by(VerdictEvidence.id)
)
# Of one verdict (a detail) by a plain bound id, not a list SQLAlchemy writes out anew at
# every execution; of many (a feed page) by one bound list.
_EVIDENCE_OF_ONE = _EVIDENCE_ROWS.where(VerdictVersion.verdict_id == sa.bindparam("verdict_id"))
_EVIDENCE_OF_MANY = _EVIDENCE_ROWS.where(among(VerdictVersion.verdict_id))


def _evidence(rows: Sequence[Row],
              conn: sa.Connection | None) -> dict[int, list[dict[str, Any]]]:
    """verdict id -> the evidence of its current version, in id order."""
    by_verdict: dict[int, list[dict[str, Any]]] = defaultdict(list)
    if not rows:
        return by_verdict
    if len(rows) == 1:
        stmt, params = _EVIDENCE_OF_ONE, {"verdict_id": rows[0].id}
    else:
        stmt, params = _EVIDENCE_OF_MANY, {"ids": [row.id for row in rows]}
    for verdict_id, claim_id, document_id, stance, note in read(stmt, params, conn):
        by_verdict[verdict_id].append({"claim_id": claim_id, "document_id": document_id,
                                       "stance": stance, "note": note})
    return by_verdict


# The policy's rules, looked up by a state's stored value: a withdrawn verdict's rating
# goes out nowhere; its withdrawal's reason and time do.
_SHOWS_RATING = {state.value: shows_rating(state) for state in VerdictState}
_WITHDRAWN = VerdictState.WITHDRAWN.value


def as_dicts(rows: Sequence[Row], conn: sa.Connection | None = None) -> list[dict[str, Any]]:
    """VerdictSchema's output for rows of `visible_rows()`, in their order (one more
    query, for the evidence of all of them, on `conn` if given)."""
    evidence = _evidence(rows, conn)
    urls = page_urls()
    verdict_url, dispute_url = urls.verdict, urls.dispute
    answers = []
    for (verdict_id, created_at, updated_at, deleted_at, lock_version, claim_id, dispute_id,
         statement, state, rating_value, rationale, language, current_version, published_at,
         author_id, author_name, current_reason, current_published_at) in rows:
        shown = _SHOWS_RATING[state]
        withdrawn = state == _WITHDRAWN
        answers.append({
            "id": verdict_id,
            "created_at": iso_stamp(created_at),
            "updated_at": iso_stamp(updated_at),
            "deleted_at": iso_stamp(deleted_at),
            "lock_version": lock_version,
            "claim_id": claim_id,
            "dispute_id": dispute_id,
            "statement": statement,
            "url": verdict_url(claim_id, verdict_id),
            "dispute_url": dispute_url(dispute_id),
            "state": state,
            "rating_value": rating_value if shown else None,
            "rating_label": RATING_LABELS[rating_value] if shown else None,
            "rationale": rationale,
            "language": language,
            "evidence": evidence.get(verdict_id, []),
            "withdrawal_reason": current_reason if withdrawn else None,
            "withdrawn_at": iso_stamp(current_published_at) if withdrawn else None,
            "current_version": current_version,
            "published_at": iso_stamp(published_at),
            "author": {"id": author_id, "name": author_name},
        })
    return answers


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
    if not 0 < verdict_id <= MAX_ID:
        raise NotFound(f"Verdict {verdict_id} does not exist.")
    with connection() as conn:
        rows = read(by_id(viewer), {"verdict_id": verdict_id}, conn)
        if not rows:
            raise NotFound(f"Verdict {verdict_id} does not exist.")
        declare_shown(rows)
        return as_dicts(rows, conn)[0], rows[0].lock_version
