"""The whole dispute as the API shows it (`GET /api/v1/disputes/{id}`), read as rows.

Built from ORM objects (app.reads.aggregates.dispute_detail, which the dispute page still
uses) and dumped by marshmallow, a dispute cost nine queries with deep loader options,
dozens of objects and tens of thousands of attribute lookups (figures in
bench/README.md). Here it is
eleven plain selects of the columns shown — ORM-enabled, so the soft-delete filter hides
deleted records exactly as it does for the objects — assembled into dicts.

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
from app.extensions import db
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
from app.models.base import MAX_ID
from app.reads.aggregates import visible_verdict
from app.reads.rows import RECORD_COLUMNS, differences, iso, record_fields
from app.services.errors import NotFound
from app.services.policy import shows_rating

_CURRENT = aliased(VerdictVersion)  # a verdict's current version (a withdrawal's reason)
_IDS = sa.bindparam("ids", expanding=True)  # one bound list: each statement stays cached
_DISPUTE = sa.bindparam("dispute_id")


def _columns(model, *names: str) -> list:
    return [getattr(model, name) for name in names]


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
    chain = sa.select(table.c.id, table.c.parent_id).where(table.c.id.in_(_IDS)).cte(
        "chain", recursive=True)
    chain = chain.union(sa.select(table.c.id, table.c.parent_id)
                        .join(chain, table.c.id == chain.c.parent_id))
    return _select(Source, "id", "slug", "name", "kind", "title", "description",
                   "parent_id", where=Source.id.in_(sa.select(chain.c.id)))


# Built once: a request only binds its ids (statement construction was a third of the
# cost of this read).
_STATEMENTS = {
    "dispute": _select(Dispute, *RECORD_COLUMNS, "event_id", "slug", "question", "summary",
                       "state", where=Dispute.id == _DISPUTE),
    "event": _select(Event, *RECORD_COLUMNS, "slug", "title", "occurred_on", "date_precision",
                     "summary", where=Event.id == sa.bindparam("event_id")),
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
    # every link touching one of the claims (the other end may be in another dispute)
    "links": _select(Link, "id", "from_claim_id", "to_claim_id", "type", "scope",
                     "scope_quote_id", "note", "lock_version",
                     where=sa.or_(Link.from_claim_id.in_(_IDS), Link.to_claim_id.in_(_IDS)),
                     order_by=(Link.id,)),
    "scope_quotes": _select(Quote, "id", "exact", where=Quote.id.in_(_IDS)),
    "sources": _with_ancestors(),
    "documents": _select(Document, "id", "title", "url", "published_at", "publisher_id",
                         "text_sha256", where=Document.id.in_(_IDS)),
}


def _run(name: str, **params) -> list[sa.Row]:
    return db.session.execute(_STATEMENTS[name], params).all()


# -- rows to DisputeDetailSchema's dicts ----------------------------------


def _sources(ids: set[int]) -> dict[int, sa.Row]:
    """The sources `ids` and all their ancestors (visible ones only), by id."""
    rows = _run("sources", ids=sorted(ids)) if ids else []
    return {row.id: row for row in rows}


def _source_ref(row: sa.Row | None) -> dict[str, Any] | None:
    if row is None:
        return None
    return {"id": row.id, "slug": row.slug, "name": row.name, "kind": row.kind.value,
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
            "published_at": iso(row.published_at), "publisher_id": row.publisher_id,
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
            "current_version": v.current_version, "published_at": iso(v.published_at),
            "updated_at": iso(v.updated_at)}


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
    found = _run("dispute", dispute_id=dispute_id)
    if not found:
        raise NotFound(f"Dispute {dispute_id} does not exist.")
    dispute = found[0]
    events = _run("event", event_id=dispute.event_id)
    claims = _run("claims", dispute_id=dispute_id)
    by_claim = defaultdict(list)
    for name in ("attributions", "appearances", "quotes", "verdicts"):
        for row in _run(name, dispute_id=dispute_id):
            by_claim[name, row.claim_id].append(row)
    links = _run("links", ids=[c.id for c in claims])
    scope_quotes = dict(_run("scope_quotes", ids=sorted(
        {link.scope_quote_id for link in links if link.scope_quote_id})))

    source_ids = {c.claimant_id for c in claims}
    document_ids = {c.first_appearance_id for c in claims if c.first_appearance_id}
    for (name, _), rows in by_claim.items():
        if name == "attributions":
            source_ids.update(r.source_id for r in rows)
        elif name == "appearances":
            document_ids.update(r.document_id for r in rows)
        elif name == "quotes":
            source_ids.update(r.speaker_id for r in rows)
    sources = _sources(source_ids)
    documents = {row.id: row for row in _run("documents", ids=sorted(document_ids))}

    _declare(dispute, claims, by_claim, links, source_ids, sources, document_ids)
    event = events[0] if events else None
    body = {
        **record_fields(dispute),
        "event_id": dispute.event_id,
        "slug": dispute.slug,
        "question": dispute.question,
        "summary": dispute.summary,
        "state": dispute.state.value,
        "claims": [{
            "id": c.id,
            "position": c.position,
            "statement": c.statement,
            "kind": c.kind.value,
            "sourcing_level": c.sourcing_level.value,
            "independent_sources": c.independent_sources,
            "stated_at": iso(c.stated_at),
            "stated_precision": c.stated_precision.value,
            "claimant": _claimant(sources.get(c.claimant_id), sources),
            "attribution_chain": [
                {"position": a.position, "relation": a.relation,
                 "source": _source_ref(sources.get(a.source_id))}
                for a in by_claim["attributions", c.id]],
            "first_appearance": _document_ref(documents.get(c.first_appearance_id)),
            "appearances": [
                {"document": _document_ref(documents.get(a.document_id)), "note": a.note}
                for a in by_claim["appearances", c.id]],
            "quotes": [
                {"id": q.id, "speaker": _source_ref(sources.get(q.speaker_id)),
                 "document_id": q.document_id, "exact": q.exact, "prefix": q.prefix,
                 "suffix": q.suffix, "integrity": q.integrity.value,
                 "closest_match": q.closest_match, "diff": q.diff,
                 "differences": differences(q.differences),
                 "checked_at": iso(q.checked_at), "checked_version": q.checked_version,
                 "last_seen_version": q.last_seen_version,
                 "changed_version": q.changed_version, "lock_version": q.lock_version}
                for q in by_claim["quotes", c.id]],
            "verdict": _verdict_summary(by_claim["verdicts", c.id], include_drafts),
            "updated_at": iso(c.updated_at),
            "lock_version": c.lock_version,
        } for c in claims],
        "event": None if event is None else {
            **record_fields(event), "slug": event.slug, "title": event.title,
            "occurred_on": iso(event.occurred_on),
            "date_precision": event.date_precision.value, "summary": event.summary},
        "links": [{
            "id": link.id, "from_claim_id": link.from_claim_id,
            "to_claim_id": link.to_claim_id, "type": link.type.value,
            "scope": link.scope.value, "scope_quote_id": link.scope_quote_id,
            "scope_quote_exact": scope_quotes.get(link.scope_quote_id),
            "note": link.note, "lock_version": link.lock_version,
        } for link in links],
    }
    return body, dispute.lock_version
