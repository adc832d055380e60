"""The dispute page (`GET /disputes/<id>`, HTML) read as rows.

The page used to be rendered from the ORM aggregate (`reads.aggregates.dispute_detail`
with deep loader options, plus `listings.dispute_page`'s publishers and accounts in other
disputes): hundreds of objects per page, each document's whole text loaded, and most of
the page's CPU spent building them. Here it is a few plain selects of the columns the
page shows, built once with the soft-delete filter every ORM read gets
(`policy.visible`, so deleted records stay hidden exactly as they do for the objects) and
run on the session's connection as `reads.disputes` runs its own (Core execution of a
statement built once skips the ORM's per-execution work, which cost more than the
database's answer), assembled into small attribute objects shaped like the models the
template reads (`claim.claimant.name`, `quote.document.publisher.name`, `link.to_claim`,
`verdict.rating.label`), so the template and the wording helpers serve both, and a
deleted record is missing in the same places (a deleted document is a `None` document, a
deleted quote is not listed, a deleted parent source is no parent).

Visibility is the aggregate's: drafts only for staff (`include_drafts`), withdrawn
verdicts shown as withdrawn (never their rating), deleted records and anything read
through a deleted claim hidden. A record pointing at a deleted one is gone with it, even
in states only a direct write makes (the lifecycle deletes a claim's links with it and
refuses to delete a document in use): a link to a deleted account and an appearance in a
deleted document are not listed (the page used to fail on both).
`tests/web/test_dispute_page_rows.py` renders the page
from both and requires the same HTML, for disputes with deleted quotes, links, documents
and sources, drafts and withdrawals, as a reader and as staff.

Cache keys: the page depends on the tables it reads, as it did (noted from its
statements by app/cache_keys.py). Where the aggregate named a table this read does not
need — `verdict_evidence` when there were verdicts (never shown), `documents` and
`sources` in its claims statement even with no accounts or no documents — the table
stays a dependency (`depends_on_tables`), so the answer's keys are the same.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from app.cache_keys import depends_on_tables
from app.models import (
    Claim,
    ClaimAppearance,
    ClaimAttribution,
    Dispute,
    Document,
    DocumentVersion,
    Event,
    Link,
    Quote,
    RatingLevel,
    Revision,
    Source,
    Verdict,
    VerdictVersion,
)
from app.models.base import MAX_ID
from app.reads.aggregates import visible_verdict
from app.reads.listings import StateChange, TimelineEntry, timeline
from app.reads.rows import among, connection
from app.reads.rows import read as read_rows
from app.services.audit import entity_type
from app.services.errors import NotFound
from app.services.policy import visible

_DISPUTE = sa.bindparam("dispute_id")
_SCOPE = aliased(Quote)  # the quote a link is scoped to
_PARENT = aliased(Source)  # a named source's parent
_FROM, _TO = aliased(Claim), aliased(Claim)  # a link's two accounts


def _of_claims(*columns, model, order_by) -> sa.Select:
    """Rows hanging off the dispute's claims; the join to Claim keeps deleted claims (and
    what hangs off them) out."""
    return (sa.select(model.claim_id, *columns).join(Claim, Claim.id == model.claim_id)
            .where(Claim.dispute_id == _DISPUTE).order_by(*order_by))


# Built once, filtered once (`policy.visible`: soft-deleted rows left out, a joined
# record's criteria in the join's ON clause), run as Core on the session's connection: a
# request only binds its ids, and skips the ORM's per-execution work.
_STATEMENTS = {name: visible(statement) for name, statement in {
    # (the soft-delete filter puts a joined record's criteria in the join's ON clause: a
    # deleted event or scope quote reads as None, as the aggregate's joined loads did)
    "dispute": sa.select(Dispute.id, Dispute.question, Dispute.summary, Dispute.state,
                         Dispute.event_id, Event.id.label("event_key"), Event.title)
    .outerjoin(Event, Event.id == Dispute.event_id).where(Dispute.id == _DISPUTE),
    "claims": sa.select(
        Claim.id, Claim.statement, Claim.kind, Claim.sourcing_level,
        Claim.independent_sources, Claim.stated_at, Claim.stated_precision,
        Claim.claimant_id, Claim.first_appearance_id,
    ).where(Claim.dispute_id == _DISPUTE).order_by(Claim.position, Claim.id),
    "attributions": _of_claims(ClaimAttribution.relation, ClaimAttribution.source_id,
                               model=ClaimAttribution, order_by=(ClaimAttribution.position,)),
    # (joined to its document: an appearance in a deleted document is gone with it)
    "appearances": _of_claims(ClaimAppearance.document_id, model=ClaimAppearance,
                              order_by=(ClaimAppearance.id,))
    .join(Document, Document.id == ClaimAppearance.document_id),
    "quotes": _of_claims(
        Quote.id, Quote.speaker_id, Quote.document_id, Quote.exact, Quote.integrity,
        Quote.closest_match, Quote.diff, Quote.differences, Quote.last_seen_version,
        DocumentVersion.number, DocumentVersion.kind, DocumentVersion.captured_at,
        model=Quote, order_by=(Quote.id,),
    ).outerjoin(DocumentVersion, sa.and_(DocumentVersion.document_id == Quote.document_id,
                                         DocumentVersion.number == Quote.changed_version)),
    "verdicts": _of_claims(
        Verdict.id, Verdict.state, Verdict.rating_value, Verdict.rationale,
        Verdict.current_version, RatingLevel.label, RatingLevel.description,
        model=Verdict, order_by=(Verdict.id,),
    ).outerjoin(RatingLevel, RatingLevel.value == Verdict.rating_value),
    # every link touching one of the claims (the other end may be in another dispute),
    # with each end's claimant; joined to both ends: a link to a deleted account is gone
    # with it
    "links": sa.select(
        Link.id, Link.from_claim_id, Link.to_claim_id, Link.type, Link.scope,
        Link.scope_quote_id, Link.note, _SCOPE.exact,
        _FROM.claimant_id.label("from_claimant_id"), _TO.claimant_id.label("to_claimant_id"),
    ).join(_FROM, _FROM.id == Link.from_claim_id).join(_TO, _TO.id == Link.to_claim_id)
    .outerjoin(_SCOPE, _SCOPE.id == Link.scope_quote_id)
    .where(sa.or_(among(Link.from_claim_id), among(Link.to_claim_id)))
    .order_by(Link.id),
    # each verdict's newest version's reason (what a withdrawal says), newest last
    "reasons": sa.select(VerdictVersion.verdict_id, VerdictVersion.reason)
    .where(among(VerdictVersion.verdict_id)).order_by(VerdictVersion.number),
    # accounts in other disputes that links point to: what naming them takes
    "other_attributions": sa.select(
        ClaimAttribution.claim_id, ClaimAttribution.relation, ClaimAttribution.source_id,
    ).where(among(ClaimAttribution.claim_id)).order_by(ClaimAttribution.position),
    "documents": sa.select(
        Document.id, Document.title, Document.publisher_id, Document.published_at,
    ).where(among(Document.id)),
    # the sources named, each with its parent's name (a claimant's affiliation line)
    "sources": sa.select(
        Source.id, Source.name, Source.kind, Source.title, Source.description,
        _PARENT.id.label("parent_key"), _PARENT.name.label("parent_name"),
    ).outerjoin(_PARENT, _PARENT.id == Source.parent_id).where(among(Source.id)),
    "state_changes": sa.select(
        Revision.before, Revision.after, Revision.reason, Revision.at,
    ).where(Revision.entity_type == entity_type(Dispute), Revision.entity_id == _DISPUTE)
    .order_by(Revision.id.desc()),
}.items()}


def _run(conn: sa.Connection, name: str, **params) -> list[sa.Row]:
    return read_rows(_STATEMENTS[name], params, conn)


@dataclass
class DisputePage:
    """What the dispute page shows, shaped like `aggregates.DisputeDetail`."""

    dispute: Any
    claims: list[Any]
    links: list[Any]
    verdicts: dict[int, Any]  # claim id -> the verdict to show (None when none visible)
    timeline: list[TimelineEntry] = field(default_factory=list)
    state_change: StateChange | None = None


def _verdict(row: sa.Row, reason: str | None) -> SimpleNamespace:
    return SimpleNamespace(
        id=row.id, state=row.state, rating_value=row.rating_value, rationale=row.rationale,
        current_version=row.current_version,
        rating=None if row.label is None else SimpleNamespace(
            value=row.rating_value, label=row.label, description=row.description),
        # the page reads only the newest version's reason (`versions[-1].reason`)
        versions=[] if reason is None else [SimpleNamespace(reason=reason)],
    )


def read(dispute_id: int, *, include_drafts: bool = False) -> DisputePage:
    """The page's dispute; NotFound when it does not exist or is deleted."""
    if not 0 < dispute_id <= MAX_ID:
        raise NotFound(f"Dispute {dispute_id} does not exist.")
    with connection() as conn:
        return _read(conn, dispute_id, include_drafts)


def _read(conn: sa.Connection, dispute_id: int, include_drafts: bool) -> DisputePage:
    found = _run(conn, "dispute", dispute_id=dispute_id)
    if not found:
        raise NotFound(f"Dispute {dispute_id} does not exist.")
    row = found[0]
    dispute = SimpleNamespace(
        id=row.id, question=row.question, summary=row.summary, state=row.state,
        event_id=row.event_id, event=None if row.event_key is None else SimpleNamespace(
            id=row.event_key, title=row.title))

    claim_rows = _run(conn, "claims", dispute_id=dispute_id)
    hanging = defaultdict(list)
    for name in ("attributions", "appearances", "quotes", "verdicts") if claim_rows else ():
        for r in _run(conn, name, dispute_id=dispute_id):
            hanging[name, r.claim_id].append(r)
    own_ids = [c.id for c in claim_rows]
    link_rows = _run(conn, "links", ids=own_ids) if own_ids else []
    reasons = _reasons(conn, [v.id for (name, _), rows in hanging.items()
                              if name == "verdicts" for v in rows])

    # accounts in other disputes at the far end of a link (live: the link's join), by id
    own = set(own_ids)
    others = {end: claimant for r in link_rows
              for end, claimant in ((r.from_claim_id, r.from_claimant_id),
                                    (r.to_claim_id, r.to_claimant_id)) if end not in own}
    other_attributions = defaultdict(list)
    if others:
        for r in _run(conn, "other_attributions", ids=sorted(others)):
            other_attributions[r.claim_id].append(r)

    document_ids = {c.first_appearance_id for c in claim_rows} - {None}
    source_ids = {c.claimant_id for c in claim_rows} | set(others.values())
    for (name, _), rows in hanging.items():
        if name == "attributions":
            source_ids.update(r.source_id for r in rows)
        elif name == "appearances":
            document_ids.update(r.document_id for r in rows)
        elif name == "quotes":
            source_ids.update(r.speaker_id for r in rows)
            document_ids.update(r.document_id for r in rows if r.document_id is not None)
    for rows in other_attributions.values():
        source_ids.update(r.source_id for r in rows)
    document_rows = _run(conn, "documents", ids=sorted(document_ids)) if document_ids else []
    source_ids.update(r.publisher_id for r in document_rows if r.publisher_id is not None)
    source_rows = _run(conn, "sources", ids=sorted(source_ids)) if source_ids else []
    if not claim_rows:  # the aggregate's claims statement named them all the same
        depends_on_tables(["documents", "sources"])
    elif not document_ids:
        depends_on_tables(["documents"])

    sources = {r.id: SimpleNamespace(
        id=r.id, name=r.name, kind=r.kind, title=r.title, description=r.description,
        parent=None if r.parent_key is None else SimpleNamespace(id=r.parent_key,
                                                                 name=r.parent_name),
    ) for r in source_rows}
    documents = {r.id: SimpleNamespace(id=r.id, title=r.title, published_at=r.published_at,
                                       publisher=sources.get(r.publisher_id))
                 for r in document_rows}

    claims, verdicts = [], {}
    for c in claim_rows:
        claim = SimpleNamespace(
            id=c.id, statement=c.statement, kind=c.kind, sourcing_level=c.sourcing_level,
            independent_sources=c.independent_sources, stated_at=c.stated_at,
            stated_precision=c.stated_precision, claimant_id=c.claimant_id,
            claimant=sources.get(c.claimant_id),
            first_appearance=documents.get(c.first_appearance_id),
            attributions=[SimpleNamespace(relation=a.relation, source=sources.get(a.source_id))
                          for a in hanging["attributions", c.id]],
            appearances=[SimpleNamespace(document=documents.get(a.document_id))
                         for a in hanging["appearances", c.id]],
        )
        claim.quotes = [SimpleNamespace(
            id=q.id, claim=claim, exact=q.exact, integrity=q.integrity,
            closest_match=q.closest_match, diff=q.diff, differences=q.differences,
            last_seen_version=q.last_seen_version, document_id=q.document_id,
            document=documents.get(q.document_id), speaker=sources.get(q.speaker_id),
            changed_in=None if q.number is None else SimpleNamespace(
                number=q.number, kind=q.kind, captured_at=q.captured_at),
        ) for q in hanging["quotes", c.id]]
        shown = visible_verdict(hanging["verdicts", c.id], include_drafts=include_drafts)
        verdicts[c.id] = None if shown is None else _verdict(shown, reasons.get(shown.id))
        claims.append(claim)

    by_id = {c.id: c for c in claims}
    for claim_id, claimant_id in others.items():
        by_id[claim_id] = SimpleNamespace(
            id=claim_id, claimant_id=claimant_id, claimant=sources.get(claimant_id),
            attributions=[SimpleNamespace(relation=a.relation, source=sources.get(a.source_id))
                          for a in other_attributions[claim_id]])
    links = _links(link_rows, by_id)
    return DisputePage(dispute=dispute, claims=claims, links=links, verdicts=verdicts,
                       timeline=timeline(claims),
                       state_change=_state_change(conn, dispute_id))


def _reasons(conn: sa.Connection, verdict_ids: list[int]) -> dict[int, str]:
    """Each verdict's newest version's reason. The aggregate this replaced also loaded
    the versions' evidence, which the page never shows; its table stays a dependency so
    that the page's keys are the same."""
    if not verdict_ids:
        return {}
    rows = _run(conn, "reasons", ids=sorted(verdict_ids))
    if rows:
        depends_on_tables(["verdict_evidence"])
    return dict(rows)  # newest last: the last one of each verdict stays


def _links(rows: list[sa.Row], claims: dict[int, Any]) -> list[SimpleNamespace]:
    return [SimpleNamespace(
        id=r.id, from_claim_id=r.from_claim_id, to_claim_id=r.to_claim_id, type=r.type,
        scope=r.scope, note=r.note,
        scope_quote=None if r.exact is None else SimpleNamespace(id=r.scope_quote_id,
                                                                 exact=r.exact),
        from_claim=claims.get(r.from_claim_id), to_claim=claims.get(r.to_claim_id),
    ) for r in rows]


def _state_change(conn: sa.Connection, dispute_id: int) -> StateChange | None:
    """As `listings.state_change`: the newest change of state with its reason."""
    for revision in _run(conn, "state_changes", dispute_id=dispute_id):
        after = revision.after or {}
        if "state" in after and "state" in (revision.before or {}):
            return StateChange(after["state"], revision.reason, revision.at)
    return None
