"""Read models for the pages: lists and record pages, each in a constant number of
queries however many rows it shows (the page tests count them).

The whole-dispute read lives in `aggregates.py` (shared with the API); this module adds
what only the pages show: home, lists, the claim, source, event and document pages.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload, undefer

from app.extensions import db
from app.models import (
    Claim,
    ClaimAppearance,
    ClaimAttribution,
    Dispute,
    DisputeState,
    Document,
    DocumentVersion,
    Event,
    Link,
    Quote,
    Revision,
    RevisionAction,
    Source,
    Verdict,
    VerdictEvidence,
    VerdictState,
    VerdictVersion,
)
from app.models.base import SoftDeleteMixin
from app.reads.aggregates import (
    DisputeDetail,
    current_verdict,
    dispute_detail,
)
from app.services import textdiff
from app.services.audit import entity_type
from app.services.policy import INCLUDE_DELETED, PUBLIC_VERDICT_STATES, get_visible, owners


def _claim_card():
    """Everything an account card shows: claimant (and affiliation), chain, appearances."""
    return (
        joinedload(Claim.claimant).joinedload(Source.parent),
        selectinload(Claim.attributions).joinedload(ClaimAttribution.source),
        joinedload(Claim.first_appearance).joinedload(Document.publisher),
        selectinload(Claim.appearances)
        .joinedload(ClaimAppearance.document)
        .joinedload(Document.publisher),
    )


def load_publishers(documents) -> None:
    """Load the publishers of documents already in the session, in one query.

    (Warming the identity map is not enough: lazy loads carry the soft-delete criteria,
    which makes SQLAlchemy query even for objects it already has.)"""
    ids = {d.id for d in documents if d is not None}
    if ids:
        list(db.session.scalars(
            sa.select(Document).where(Document.id.in_(ids))
            .options(joinedload(Document.publisher))
        ).unique())


def claim_counts(dispute_ids: list[int]) -> dict[int, int]:
    if not dispute_ids:
        return {}
    rows = db.session.execute(
        sa.select(Claim.dispute_id, sa.func.count())
        .where(Claim.dispute_id.in_(dispute_ids), Claim.deleted_at.is_(None))
        .group_by(Claim.dispute_id)
    )
    return dict(rows.all())


# -- the dispute page ---------------------------------------------------------------


@dataclass
class TimelineEntry:
    document: Document
    first: list[Claim] = field(default_factory=list)  # accounts that first appeared here
    also: list[Claim] = field(default_factory=list)  # accounts repeated here


def dispute_page(dispute_id: int, *, include_drafts: bool = False) -> DisputeDetail:
    """`reads.dispute_detail` plus what the page shows around it (publishers of the
    documents, and accounts in other disputes that links point to)."""
    detail = dispute_detail(dispute_id, include_drafts=include_drafts)
    claims = detail.claims
    load_publishers([d for c in claims
                     for d in (c.first_appearance, *(a.document for a in c.appearances),
                               *(q.document for q in c.quotes))])
    own = {c.id for c in claims}
    foreign = {i for link in detail.links for i in (link.from_claim_id, link.to_claim_id)} - own
    if foreign:
        list(db.session.scalars(
            sa.select(Claim).where(Claim.id.in_(foreign)).options(*_claim_card())
        ))
    return detail


@dataclass
class StateChange:
    state: str
    reason: str
    at: object


def state_change(dispute: Dispute) -> StateChange | None:
    """The dispute's newest change of state with its public reason (from the change
    log), or None when it still has the state it was logged with."""
    revisions = db.session.scalars(
        sa.select(Revision)
        .where(Revision.entity_type == entity_type(Dispute), Revision.entity_id == dispute.id)
        .order_by(Revision.id.desc())
    )
    for revision in revisions:
        after = revision.after or {}
        if "state" in after and "state" in (revision.before or {}):
            return StateChange(after["state"], revision.reason, revision.at)
    return None


def timeline(claims: Iterable[Any]) -> list[TimelineEntry]:
    """Where and when each of these accounts (ORM claims, or the dispute page's rows)
    appeared, oldest first; undated documents last."""
    entries: dict[int, TimelineEntry] = {}
    for claim in claims:
        if claim.first_appearance is not None:
            doc = claim.first_appearance
            entries.setdefault(doc.id, TimelineEntry(doc)).first.append(claim)
        for appearance in claim.appearances:
            doc = appearance.document
            entry = entries.setdefault(doc.id, TimelineEntry(doc))
            if not any(c is claim for c in entry.first):
                entry.also.append(claim)
    return sorted(
        entries.values(),
        key=lambda e: (e.document.published_at is None,
                       e.document.published_at.timestamp() if e.document.published_at else 0,
                       e.document.id),
    )


# -- home and lists -------------------------------------------------------------------


def recent_disputes(limit: int = 8) -> list[Dispute]:
    return list(db.session.scalars(
        sa.select(Dispute).options(joinedload(Dispute.event))
        .order_by(Dispute.updated_at.desc(), Dispute.id.desc()).limit(limit)
    ))


def disputes_query(state: DisputeState | None = None) -> sa.Select:
    stmt = sa.select(Dispute).options(joinedload(Dispute.event))
    if state is not None:
        stmt = stmt.where(Dispute.state == state)
    return stmt.order_by(Dispute.updated_at.desc(), Dispute.id.desc())


def _verdict_card():
    """A verdict with its claim as a card shows it, and what its ClaimReview needs."""
    return (
        joinedload(Verdict.claim).options(
            *_claim_card(), joinedload(Claim.dispute)
        ),
        selectinload(Verdict.versions),
    )


def latest_verdicts(limit: int = 6) -> list[Verdict]:
    return list(db.session.scalars(
        sa.select(Verdict).where(Verdict.state == VerdictState.PUBLISHED)
        .options(*_verdict_card())
        .order_by(Verdict.updated_at.desc(), Verdict.id.desc()).limit(limit)
    ).unique())


def verdicts_query(rating: int | None = None, state: VerdictState | None = None) -> sa.Select:
    states = [state] if state is not None else list(PUBLIC_VERDICT_STATES)
    stmt = sa.select(Verdict).where(Verdict.state.in_(states)).options(*_verdict_card())
    if rating is not None:
        stmt = stmt.where(Verdict.rating_value == rating)
    return stmt.order_by(Verdict.updated_at.desc(), Verdict.id.desc())


def events_query() -> sa.Select:
    return sa.select(Event).order_by(
        Event.occurred_on.desc().nulls_last(), Event.id.desc()
    )


def sources_query(kind: str | None = None) -> sa.Select:
    stmt = sa.select(Source).options(joinedload(Source.parent))
    if kind:
        stmt = stmt.where(Source.kind == kind)
    return stmt.order_by(sa.func.lower(Source.name), Source.id)


def documents_query() -> sa.Select:
    return sa.select(Document).options(joinedload(Document.publisher)).order_by(
        Document.published_at.desc().nulls_last(), Document.id.desc()
    )


# -- record pages ---------------------------------------------------------------------


def event_page(event_id: int) -> tuple[Event, list[Dispute], dict[int, int]]:
    event = get_visible(Event, event_id)
    disputes = list(db.session.scalars(
        sa.select(Dispute).where(Dispute.event_id == event.id).order_by(Dispute.id)
    ))
    return event, disputes, claim_counts([d.id for d in disputes])


@dataclass
class ClaimPage:
    claim: Claim
    verdicts: list[Verdict]  # those the viewer may see, oldest first
    current: Verdict | None
    links_out: list[Link]
    links_in: list[Link]


def claim_page(claim_id: int, *, include_drafts: bool = False) -> ClaimPage:
    get_visible(Claim, claim_id)  # a clean 404 for ids out of range or deleted
    claim = db.session.scalars(
        sa.select(Claim).where(Claim.id == claim_id)
        .options(
            *_claim_card(),
            joinedload(Claim.dispute).joinedload(Dispute.event),
            selectinload(Claim.quotes).options(
                joinedload(Quote.speaker), joinedload(Quote.changed_in),
                joinedload(Quote.document).joinedload(Document.publisher)),
            selectinload(Claim.verdicts).options(
                joinedload(Verdict.author),
                selectinload(Verdict.versions).options(
                    joinedload(VerdictVersion.author),
                    selectinload(VerdictVersion.evidence).options(
                        joinedload(VerdictEvidence.claim).joinedload(Claim.claimant),
                        joinedload(VerdictEvidence.document),
                    ),
                ),
            ),
        )
    ).unique().one()
    links = list(db.session.scalars(
        sa.select(Link)
        .where(sa.or_(Link.from_claim_id == claim.id, Link.to_claim_id == claim.id))
        .options(
            joinedload(Link.from_claim).options(*_claim_card()),
            joinedload(Link.to_claim).options(*_claim_card()),
            joinedload(Link.scope_quote),
        )
        .order_by(Link.id)
    ).unique())
    visible = [v for v in claim.verdicts if include_drafts or v.state in PUBLIC_VERDICT_STATES]
    return ClaimPage(
        claim=claim,
        verdicts=visible,
        current=current_verdict(claim, include_drafts=include_drafts),
        links_out=[link for link in links if link.from_claim_id == claim.id],
        links_in=[link for link in links if link.to_claim_id == claim.id],
    )


@dataclass
class SourcePage:
    source: Source
    children: list[Source]
    claims: list[Claim]  # made by this source, newest first
    carried: list[Claim]  # carried by it (attribution chains)
    verdicts: dict[int, Verdict | None]  # claim id -> the verdict the viewer sees


def source_page(source_id: int, *, include_drafts: bool = False) -> SourcePage:
    source = get_visible(Source, source_id)
    list(db.session.scalars(  # the affiliation chain, in one query
        sa.select(Source).where(Source.id == source.id)
        .options(joinedload(Source.parent).joinedload(Source.parent)
                 .joinedload(Source.parent))
    ).unique())
    children = list(db.session.scalars(
        sa.select(Source).where(Source.parent_id == source.id).order_by(Source.name)
    ))
    card = (*_claim_card(), joinedload(Claim.dispute),
            selectinload(Claim.verdicts).selectinload(Verdict.versions))
    claims = list(db.session.scalars(
        sa.select(Claim).where(Claim.claimant_id == source.id).options(*card)
        .order_by(Claim.stated_at.desc().nulls_last(), Claim.id.desc())
    ).unique())
    carried = list(db.session.scalars(
        sa.select(Claim)
        .where(Claim.id.in_(sa.select(ClaimAttribution.claim_id)
                            .where(ClaimAttribution.source_id == source.id)))
        .options(*card)
        .order_by(Claim.stated_at.desc().nulls_last(), Claim.id.desc())
    ).unique())
    verdicts = {c.id: current_verdict(c, include_drafts=include_drafts)
                for c in [*claims, *carried]}
    return SourcePage(source, children, claims, carried, verdicts)


@dataclass
class VersionRow:
    """A version as the document page lists it, with what changed against the previous
    version with text (an excerpt of the word diff)."""

    version: DocumentVersion
    against: int | None
    excerpt: list[dict] | None


@dataclass
class DocumentPage:
    document: Document
    quotes: list[Quote]
    first: list[Claim]
    also: list[Claim]
    versions: list[VersionRow]  # newest first

    @property
    def newest(self) -> DocumentVersion | None:
        return self.versions[0].version if self.versions else None


def document_versions(document: Document) -> list[VersionRow]:
    """Every version of the document, newest first, each with its change excerpt."""
    found = list(db.session.scalars(
        sa.select(DocumentVersion).where(DocumentVersion.document_id == document.id)
        .options(undefer(DocumentVersion.text)).order_by(DocumentVersion.number)))
    rows, previous = [], None
    for version in found:
        excerpt = None
        if previous is not None and version.text is not None:
            excerpt = textdiff.excerpt(textdiff.word_diff(previous.text, version.text))
        rows.append(VersionRow(version, previous.number if previous and version.text
                               is not None else None, excerpt))
        if version.text is not None:
            previous = version
    return rows[::-1]


def document_page(document_id: int) -> DocumentPage:
    document = get_visible(Document, document_id)
    quotes = list(db.session.scalars(
        sa.select(Quote).where(Quote.document_id == document.id)
        .options(joinedload(Quote.speaker), joinedload(Quote.changed_in),
                 joinedload(Quote.document).joinedload(Document.publisher),
                 joinedload(Quote.claim).options(*_claim_card(), joinedload(Claim.dispute)))
        .order_by(Quote.id)
    ).unique())
    card = (*_claim_card(), joinedload(Claim.dispute))
    first = list(db.session.scalars(
        sa.select(Claim).where(Claim.first_appearance_id == document.id).options(*card)
        .order_by(Claim.id)
    ).unique())
    also = list(db.session.scalars(
        sa.select(Claim)
        .where(Claim.id.in_(sa.select(ClaimAppearance.claim_id)
                            .where(ClaimAppearance.document_id == document.id)))
        .options(*card).order_by(Claim.id)
    ).unique())
    return DocumentPage(document, quotes, first, also, document_versions(document))


# -- deleted records, for editors -----------------------------------------------------

# What a deleted record belonged to, for the /deleted page (a link: the account it is from).
_OWNER_OF = {Claim: (("dispute_id", Dispute),), Quote: (("claim_id", Claim),),
             Verdict: (("claim_id", Claim),), Link: (("from_claim_id", Claim),),
             Dispute: (("event_id", Event),), Document: (("publisher_id", Source),)}

TRASH_MODELS: dict[str, type[SoftDeleteMixin]] = {
    "events": Event, "disputes": Dispute, "sources": Source, "documents": Document,
    "claims": Claim, "quotes": Quote, "links": Link, "verdicts": Verdict,
}


@dataclass
class DeletedRow:
    """A deleted record as the /deleted page lists it: who deleted it, when, why, and
    what it belonged to (`owner`, itself perhaps deleted)."""

    record: object
    by: str | None
    reason: str
    owner: object | None
    with_parent: bool  # deleted with the record it belonged to, not on its own


def _owner(record) -> object | None:
    for fk, owner_model in _OWNER_OF.get(type(record), ()):
        owner_id = getattr(record, fk)
        if owner_id is not None:
            return db.session.execute(
                sa.select(owner_model).where(owner_model.id == owner_id)
                .execution_options(**{INCLUDE_DELETED: True})).scalar_one_or_none()
    return None


def deleted_records(limit: int = 50) -> dict[str, list[DeletedRow]]:
    """The most recently deleted records of each kind, with the change log's word on
    who deleted each and why."""
    out: dict[str, list[DeletedRow]] = {}
    for name, model in TRASH_MODELS.items():
        records = list(db.session.scalars(
            sa.select(model).where(model.deleted_at.is_not(None))
            .execution_options(**{INCLUDE_DELETED: True})
            .order_by(model.deleted_at.desc()).limit(limit)
        ))
        deletions: dict[int, Revision] = {}
        if records:
            for revision in db.session.scalars(
                sa.select(Revision).options(joinedload(Revision.actor))
                .where(Revision.entity_type == entity_type(model),
                       Revision.entity_id.in_([r.id for r in records]))
                .order_by(Revision.id)
            ):
                if revision.action is RevisionAction.DELETE:
                    deletions[revision.entity_id] = revision  # the newest deletion wins
        out[name] = [
            DeletedRow(record=r,
                       by=(deletions[r.id].actor.name if r.id in deletions
                           and deletions[r.id].actor else None),
                       reason=deletions[r.id].reason if r.id in deletions else "",
                       owner=_owner(r), with_parent=r.deleted_via is not None)
            for r in records
        ]
    return out


def goes_with(record) -> dict[str, list]:
    """What deleting `record` takes with it (its accounts, quotes, links, verdicts), as
    `app.services.lifecycle.delete_record` does, read without locking, for the page that
    asks to confirm."""
    found: dict[type, list] = {}
    frontier = [record]
    while frontier:
        below: list = []
        for model in (Claim, Quote, Verdict, Link):
            conditions = [getattr(model, fk).in_([r.id for r in frontier
                                                  if isinstance(r, owner)])
                          for fk, owner in owners(model)
                          if any(isinstance(r, owner) for r in frontier)]
            if not conditions:
                continue
            seen = {r.id for r in found.get(model, [])}
            rows = [r for r in db.session.scalars(sa.select(model).where(sa.or_(*conditions)))
                    if r.id not in seen]
            found.setdefault(model, []).extend(rows)
            below.extend(rows)
        frontier = below
    names = {Claim: "accounts", Quote: "quotes", Verdict: "verdicts", Link: "links"}
    return {names[m]: rows for m, rows in found.items() if rows}


@dataclass
class HitContext:
    """What a search result shows around its words: whose they are, in which dispute,
    and our verdict on the account."""

    record: object
    claim: Claim | None = None
    dispute: Dispute | None = None
    verdict: Verdict | None = None


def search_context(hits, *, include_drafts: bool = False) -> dict[tuple[str, int], HitContext]:
    """Context for search hits, (kind, id) -> HitContext: the same queries whatever the
    hits (one per kind, empty or not, and the accounts' chains and verdicts)."""
    ids: dict[str, list[int]] = {kind: [] for kind in ("quote", "claim", "dispute", "document")}
    for hit in hits:
        if hit.kind in ids:
            ids[hit.kind].append(hit.id)
    quotes = list(db.session.scalars(
        sa.select(Quote).where(Quote.id.in_(ids["quote"])).options(
            joinedload(Quote.speaker),
            joinedload(Quote.document).joinedload(Document.publisher))))
    # the quotes' accounts come with the accounts hit, in one query (a lazy load would
    # query again even for an account already loaded: soft-delete criteria)
    claims = {c.id: c for c in db.session.scalars(
        sa.select(Claim).where(Claim.id.in_({*ids["claim"], *(q.claim_id for q in quotes)}))
        .options(joinedload(Claim.claimant),
                 selectinload(Claim.attributions).joinedload(ClaimAttribution.source),
                 selectinload(Claim.verdicts), joinedload(Claim.dispute))).unique()}
    out: dict[tuple[str, int], HitContext] = {}
    for quote in quotes:
        claim = claims[quote.claim_id]
        out[("quote", quote.id)] = HitContext(
            quote, claim, claim.dispute, current_verdict(claim, include_drafts=include_drafts))
    for claim_id in ids["claim"]:
        if (claim := claims.get(claim_id)) is not None:
            out[("claim", claim_id)] = HitContext(
                claim, claim, claim.dispute,
                current_verdict(claim, include_drafts=include_drafts))
    for dispute in db.session.scalars(sa.select(Dispute).where(Dispute.id.in_(ids["dispute"]))):
        out[("dispute", dispute.id)] = HitContext(dispute, dispute=dispute)
    for document in db.session.scalars(
        sa.select(Document).where(Document.id.in_(ids["document"]))
        .options(joinedload(Document.publisher))
    ):
        out[("document", document.id)] = HitContext(document)
    return out
