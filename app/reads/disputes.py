"""The whole dispute as the API shows it (`GET /api/v1/disputes/{id}`), read as rows.

Built from ORM objects (app.reads.aggregates.dispute_detail, which the dispute page still
uses) and dumped by marshmallow, a dispute cost nine queries with deep loader options,
dozens of objects and tens of thousands of attribute lookups (figures in
bench/README.md). Here it is nine plain selects of the columns shown, built once with
the soft-delete filter every ORM read gets (`policy.visible`, so deleted records stay
hidden exactly as they do for the objects) and run by `rows.read`: a statement built
once and compiled once skips the ORM's and the engine's per-execution work (events, a
copy of the statement, its cache key, result wrapping), which cost more than the
database's answer; times are read as stored and written out, never parsed. The event
comes joined to the dispute and the quote a link is scoped to joined to the link (outer
joins, so a deleted one reads as none, as before).

`DisputeDetailSchema` stays the contract and the OpenAPI document;
`tests/services/test_dispute_reads.py` checks that `detail()` is exactly what that
schema dumps from `dispute_detail()` — same fields, values and order — for disputes
with deleted quotes, links, documents and parent sources, drafts, withdrawals and
long affiliation chains, as a reader and as staff. A field added to the schema must be
added here; that test fails until it is.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from app.cache_keys import keys_of, record_key, shows
from app.models import (
    RATING_LABELS,
    Claim,
    ClaimAppearance,
    ClaimAttribution,
    Dispute,
    Document,
    Event,
    Link,
    Quote,
    Source,
    Verdict,
    VerdictState,
    VerdictVersion,
)
from app.models.base import MAX_ID, UTCDateTime
from app.reads.aggregates import visible_verdict
from app.reads.rows import (
    RECORD_COLUMNS,
    among,
    connection,
    differences,
    iso,
    iso_stamp,
    read,
    record_fields,
    stamp,
)
from app.services.errors import NotFound
from app.services.policy import shows_rating, visible

_CURRENT = aliased(VerdictVersion)  # a verdict's current version (a withdrawal's reason)
_EVENT = aliased(Event)  # the dispute's event, joined to it
_SCOPE = aliased(Quote)  # the quote a link is scoped to, joined to the link
_DISPUTE = sa.bindparam("dispute_id")
_EVENT_COLUMNS = (*RECORD_COLUMNS, "slug", "title", "occurred_on", "date_precision",
                  "summary")


def _columns(model, *names: str) -> list:
    """The columns `names` of `model`; enums as their stored value (the string shown),
    without making each one a member first — except a verdict's state, which
    `visible_verdict` compares as one — and times as `rows.stamp`s."""
    return [_value(getattr(model, name)) if name != "state" or model is not Verdict
            else getattr(model, name) for name in names]


def _value(column):
    if isinstance(column.type, UTCDateTime):  # written out by iso_stamp, never parsed
        return stamp(column)
    if isinstance(column.type, sa.Enum):
        return sa.type_coerce(column, sa.String(column.type.length)).label(column.key)
    return column


def _select(model, *names: str, where, order_by=()) -> sa.Select:
    return sa.select(*_columns(model, *names)).where(where).order_by(*order_by)


def _of_claims(model, *names: str, order_by) -> sa.Select:
    """Rows hanging off the dispute's claims; the join to Claim keeps deleted claims out."""
    return _select(model, "claim_id", *names, where=Claim.dispute_id == _DISPUTE,
                   order_by=order_by).join(Claim, Claim.id == model.claim_id)


def _with_ancestors() -> sa.Select:
    # every source named, then each one's parent, and so on (UNION ends any cycle);
    # the select of Source itself drops the deleted ones
    table = Source.__table__
    chain = sa.select(table.c.id, table.c.parent_id).where(among(table.c.id)).cte(
        "chain", recursive=True)
    chain = chain.union(sa.select(table.c.id, table.c.parent_id)
                        .join(chain, table.c.id == chain.c.parent_id))
    return _select(Source, "id", "slug", "name", "kind", "title", "description",
                   "parent_id", where=Source.id.in_(sa.select(chain.c.id)))


# Built once, filtered once: a request only binds its ids (statement construction was a
# third of the cost of this read, the ORM's execution of it most of the rest).
_STATEMENTS = {name: visible(statement) for name, statement in {
    "dispute": _select(Dispute, *RECORD_COLUMNS, "event_id", "slug", "question", "summary",
                       "state", where=Dispute.id == _DISPUTE)
    .add_columns(*(column.label(f"ev_{column.key}")
                   for column in _columns(_EVENT, *_EVENT_COLUMNS)))
    .outerjoin(_EVENT, _EVENT.id == Dispute.event_id),
    "claims": _select(Claim, "id", "position", "statement", "kind", "sourcing_level",
                      "independent_sources", "stated_at", "stated_precision", "claimant_id",
                      "first_appearance_id", "updated_at", "lock_version",
                      where=Claim.dispute_id == _DISPUTE, order_by=(Claim.position, Claim.id)),
    "attributions": _of_claims(ClaimAttribution, "position", "relation", "source_id",
                               order_by=(ClaimAttribution.position,)),
    "appearances": _of_claims(ClaimAppearance, "document_id", "note",
                              order_by=(ClaimAppearance.id,)),
    "quotes": _of_claims(Quote, "id", "speaker_id", "document_id", "exact", "prefix",
                         "suffix", "integrity", "closest_match", "diff", "differences",
                         "checked_at", "checked_version", "last_seen_version",
                         "changed_version", "lock_version", order_by=(Quote.id,)),
    "verdicts": _of_claims(Verdict, "id", "state", "rating_value", "rationale",
                           "current_version", "published_at", "updated_at",
                           order_by=(Verdict.id,))
    .add_columns(_CURRENT.reason.label("current_reason"))
    .join(_CURRENT, sa.and_(_CURRENT.verdict_id == Verdict.id,
                            _CURRENT.number == Verdict.current_version)),
    # every link touching one of the claims (the other end may be in another dispute),
    # with the text of the quote it is scoped to
    "links": _select(Link, "id", "from_claim_id", "to_claim_id", "type", "scope",
                     "scope_quote_id", "note", "lock_version",
                     where=sa.or_(among(Link.from_claim_id), among(Link.to_claim_id)),
                     order_by=(Link.id,))
    .add_columns(_SCOPE.exact.label("scope_quote_exact"))
    .outerjoin(_SCOPE, _SCOPE.id == Link.scope_quote_id),
    "sources": _with_ancestors(),
    "documents": _select(Document, "id", "title", "url", "published_at", "publisher_id",
                         "text_sha256", where=among(Document.id)),
}.items()}


def _run(conn: sa.Connection, name: str, **params) -> list[sa.Row]:
    return read(_STATEMENTS[name], params, conn)


# -- rows to DisputeDetailSchema's dicts ----------------------------------


def _sources(conn: sa.Connection, ids: set[int]) -> dict[int, sa.Row]:
    """The sources `ids` and all their ancestors (visible ones only), by id."""
    rows = _run(conn, "sources", ids=sorted(ids)) if ids else []
    return {row.id: row for row in rows}


def _source_ref(row: sa.Row | None) -> dict[str, Any] | None:
    if row is None:
        return None
    return {"id": row.id, "slug": row.slug, "name": row.name, "kind": row.kind,
            "title": row.title, "description": row.description}


def _claimant(row: sa.Row | None, sources: dict[int, sa.Row]) -> dict[str, Any] | None:
    if row is None:
        return None
    affiliation, seen, node = [], {row.id}, sources.get(row.parent_id)
    while node is not None and node.id not in seen:  # a deleted parent ends the chain
        affiliation.append({"id": node.id, "name": node.name, "title": node.title})
        seen.add(node.id)
        node = sources.get(node.parent_id)
    return {**_source_ref(row), "affiliation": affiliation}


def _document_ref(row: sa.Row | None) -> dict[str, Any] | None:
    if row is None:
        return None
    return {"id": row.id, "title": row.title, "url": row.url,
            "published_at": iso_stamp(row.published_at), "publisher_id": row.publisher_id,
            "text_sha256": row.text_sha256}


def _verdict_summary(verdicts: list[sa.Row], include_drafts: bool) -> dict[str, Any] | None:
    v = visible_verdict(verdicts, include_drafts=include_drafts)
    if v is None:
        return None
    shown = shows_rating(v.state)  # a withdrawn verdict's rating goes out nowhere
    return {"id": v.id, "state": v.state.value,
            "rating_value": v.rating_value if shown else None,
            "rating_label": RATING_LABELS[v.rating_value] if shown else None,
            "rationale": v.rationale,
            "withdrawal_reason": v.current_reason if v.state is VerdictState.WITHDRAWN
            else None,
            "current_version": v.current_version, "published_at": iso_stamp(v.published_at),
            "updated_at": iso_stamp(v.updated_at)}


# What `detail` reads; the keys it declares name every row of them it shows or looks for.
COVERS = ("disputes", "events", "claims", "claim_attributions", "claim_appearances",
          "quotes", "verdicts", "verdict_versions", "links", "sources", "documents")


def _declare(dispute, claims, by_claim, links, source_ids, sources, document_ids) -> None:
    """The dependency keys of the answer (app/cache_keys.py). Rows hanging off a claim
    (attributions, appearances, quotes, verdicts, links) change `claim:N` when written;
    a verdict's new version changes `verdict:N`; looked-for sources and documents count
    even when deleted (restoring one changes the answer)."""
    keys = {record_key("disputes", dispute.id), record_key("events", dispute.event_id)}
    keys |= keys_of("claims", (c.id for c in claims))
    keys |= keys_of("verdicts", (v.id for (name, _), rows in by_claim.items()
                                 if name == "verdicts" for v in rows))
    keys |= keys_of("quotes", (link.scope_quote_id for link in links))
    keys |= keys_of("sources", source_ids)
    keys |= keys_of("sources", (row.parent_id for row in sources.values()))
    keys |= keys_of("sources", sources)
    keys |= keys_of("documents", document_ids)
    shows(keys, covers=COVERS)


def detail(dispute_id: int, *, include_drafts: bool = False) -> tuple[dict[str, Any], int]:
    """DisputeDetailSchema's output for the dispute, and its lock_version (for the
    ETag); NotFound when it does not exist or is deleted."""
    if not 0 < dispute_id <= MAX_ID:
        raise NotFound(f"Dispute {dispute_id} does not exist.")
    with connection() as conn:
        return _detail(conn, dispute_id, include_drafts)


def _detail(conn: sa.Connection, dispute_id: int,
            include_drafts: bool) -> tuple[dict[str, Any], int]:
    found = _run(conn, "dispute", dispute_id=dispute_id)
    if not found:
        raise NotFound(f"Dispute {dispute_id} does not exist.")
    dispute = found[0]
    claims = _run(conn, "claims", dispute_id=dispute_id)
    by_claim = defaultdict(list)
    for name in ("attributions", "appearances", "quotes", "verdicts"):
        for row in _run(conn, name, dispute_id=dispute_id):
            by_claim[name, row.claim_id].append(row)
    links = _run(conn, "links", ids=[c.id for c in claims])

    source_ids = {c.claimant_id for c in claims}
    document_ids = {c.first_appearance_id for c in claims if c.first_appearance_id}
    for (name, _), rows in by_claim.items():
        if name == "attributions":
            source_ids.update(r.source_id for r in rows)
        elif name == "appearances":
            document_ids.update(r.document_id for r in rows)
        elif name == "quotes":
            source_ids.update(r.speaker_id for r in rows)
    sources = _sources(conn, source_ids)
    documents = {row.id: row for row in _run(conn, "documents", ids=sorted(document_ids))}

    _declare(dispute, claims, by_claim, links, source_ids, sources, document_ids)
    # each source and document is shown as the same dict wherever it appears
    source_refs = {i: _source_ref(row) for i, row in sources.items()}
    document_refs = {i: _document_ref(row) for i, row in documents.items()}
    claimants = {i: _claimant(sources.get(i), sources) for i in {c.claimant_id for c in claims}}
    body = {
        **record_fields(dispute),
        "event_id": dispute.event_id,
        "slug": dispute.slug,
        "question": dispute.question,
        "summary": dispute.summary,
        "state": dispute.state,
        "claims": [{
            "id": c.id,
            "position": c.position,
            "statement": c.statement,
            "kind": c.kind,
            "sourcing_level": c.sourcing_level,
            "independent_sources": c.independent_sources,
            "stated_at": iso_stamp(c.stated_at),
            "stated_precision": c.stated_precision,
            "claimant": claimants[c.claimant_id],
            "attribution_chain": [
                {"position": a.position, "relation": a.relation,
                 "source": source_refs.get(a.source_id)}
                for a in by_claim["attributions", c.id]],
            "first_appearance": document_refs.get(c.first_appearance_id),
            "appearances": [
                {"document": document_refs.get(a.document_id), "note": a.note}
                for a in by_claim["appearances", c.id]],
            "quotes": [
                {"id": q.id, "speaker": source_refs.get(q.speaker_id),
                 "document_id": q.document_id, "exact": q.exact, "prefix": q.prefix,
                 "suffix": q.suffix, "integrity": q.integrity,
                 "closest_match": q.closest_match, "diff": q.diff,
                 "differences": differences(q.differences),
                 "checked_at": iso_stamp(q.checked_at), "checked_version": q.checked_version,
                 "last_seen_version": q.last_seen_version,
                 "changed_version": q.changed_version, "lock_version": q.lock_version}
                for q in by_claim["quotes", c.id]],
            "verdict": _verdict_summary(by_claim["verdicts", c.id], include_drafts),
            "updated_at": iso_stamp(c.updated_at),
            "lock_version": c.lock_version,
        } for c in claims],
        "event": None if dispute.ev_id is None else _event(dispute),
        "links": [{
            "id": link.id, "from_claim_id": link.from_claim_id,
            "to_claim_id": link.to_claim_id, "type": link.type,
            "scope": link.scope, "scope_quote_id": link.scope_quote_id,
            "scope_quote_exact": link.scope_quote_exact,
            "note": link.note, "lock_version": link.lock_version,
        } for link in links],
    }
    return body, dispute.lock_version


def _event(row: sa.Row) -> dict[str, Any]:
    """The event's fields, from the dispute's row (its `ev_*` columns)."""
    return {"id": row.ev_id, "created_at": iso_stamp(row.ev_created_at),
            "updated_at": iso_stamp(row.ev_updated_at), "deleted_at": iso_stamp(row.ev_deleted_at),
            "lock_version": row.ev_lock_version, "slug": row.ev_slug,
            "title": row.ev_title, "occurred_on": iso(row.ev_occurred_on),
            "date_precision": row.ev_date_precision,
            "summary": row.ev_summary}
