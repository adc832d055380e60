"""Known claims in the journalist's flow: a claim confirmed as a repeat of one checked
before reuses that check; aliases teach search and matching other ways of writing a name.

A repeat is a `repeats` link from the new claim to the original. The original's verdict
stays the original's: pages show it on the repeat as "Checked before", never as a new
verdict of ours, and the original's ClaimReview lists the repeat's appearances (so its
feed entry comes round again: app/services/feed_order.py watches repeats links).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from app.extensions import db
from app.models import (
    Alias,
    Claim,
    ClaimAppearance,
    Link,
    LinkScope,
    LinkType,
    Source,
    User,
    Verdict,
    VerdictState,
)
from app.services.errors import Conflict, NotFound, ValidationError
from app.services.policy import (
    Action,
    lock_ancestors,
    lock_rows,
    require,
    resolve,
)
from app.services.uow import transaction


def confirm_repeat(claim_id: int, original_claim_id: int, *, actor: User,
                   note: str = "") -> tuple[Link, bool]:
    """Record that claim `claim_id` repeats `original_claim_id` (a `repeats` link), inside
    the writing transaction, with both claims locked. Journalists and up. Returns the
    link and whether it is new (confirming again changes nothing). NotFound for an
    unknown claim; Conflict (409) when either claim is deleted, even by a request
    committing meanwhile; ValidationError when the original is the claim itself or
    already repeats it. Commits."""
    require(actor, Action.LOG)
    if claim_id == original_claim_id:
        raise ValidationError("A claim cannot repeat itself.",
                              {"original_claim_id": ["same as the claim"]})
    with transaction(actor=actor):
        ids = sorted({claim_id, original_claim_id})
        lock_ancestors(Claim, set(ids))
        claims = {c.id: c for c in lock_rows(Claim, set(ids), share=False)}
        for cid, field in ((claim_id, "claim_id"), (original_claim_id, "original_claim_id")):
            claim = claims.get(cid)
            if claim is None:
                raise NotFound(f"Claim {cid} does not exist.")
            if claim.is_deleted:  # (a deleted dispute's claims are deleted with it)
                raise Conflict(f"Claim {cid} is deleted; no repeat can be recorded.",
                               {field: ["deleted"]})
        existing = db.session.scalar(sa.select(Link).where(
            Link.type == LinkType.REPEATS, Link.deleted_at.is_(None),
            sa.or_(sa.and_(Link.from_claim_id == claim_id,
                           Link.to_claim_id == original_claim_id),
                   sa.and_(Link.from_claim_id == original_claim_id,
                           Link.to_claim_id == claim_id))))
        if existing is not None:
            if existing.from_claim_id == claim_id:
                return existing, False
            raise ValidationError(
                f"Claim {original_claim_id} already repeats claim {claim_id}.",
                {"original_claim_id": ["repeats this claim"]})
        link = Link(from_claim_id=claim_id, to_claim_id=original_claim_id,
                    type=LinkType.REPEATS, scope=LinkScope.CLAIM, note=note)
        db.session.add(link)
    return link, True


def repeats_of(claim_id: int) -> list[Claim]:
    """The live claims confirmed as repeats of `claim_id`, oldest first."""
    return repeats_by_original([claim_id]).get(claim_id, [])


def repeats_by_original(claim_ids: Iterable[int]) -> dict[int, list[Claim]]:
    """The live confirmed repeats of each of `claim_ids`, oldest first, with where they
    appeared (for ClaimReview's `appearance`): two queries however many."""
    ids = list(claim_ids)
    if not ids:
        return {}
    found: dict[int, list[Claim]] = {}
    rows = db.session.execute(
        sa.select(Link.to_claim_id, Claim).join(Link, Link.from_claim_id == Claim.id)
        .where(Link.to_claim_id.in_(ids), Link.type == LinkType.REPEATS,
               Link.deleted_at.is_(None))
        .options(joinedload(Claim.first_appearance),
                 selectinload(Claim.appearances).joinedload(ClaimAppearance.document))
        .order_by(Claim.id))
    for original_id, repeat in rows:
        found.setdefault(original_id, []).append(repeat)
    return found


def add_alias(*, actor: User, name: str, alias: str, kind: str = "spelling",
              source_id: int | None = None) -> Alias:
    """Teach search and matching that `alias` ("Kiev") is `name` ("Kyiv"); a source's
    alias names it. Journalists and up; ValidationError naming source_id when it does
    not exist; Conflict when the pair exists. Commits."""
    require(actor, Action.LOG)
    if " ".join(name.split()).casefold() == " ".join(alias.split()).casefold():
        raise ValidationError("An alias differs from the name.", {"alias": ["same as name"]})
    with transaction(actor=actor):
        resolve(Source, source_id, "source_id")
        record = Alias(name=name.strip(), alias=alias.strip(), kind=kind, source_id=source_id)
        db.session.add(record)
    return record


@dataclass(frozen=True)
class KnownPanel:
    """What a claim's page says about checks made before: the original it repeats and
    that original's published verdict ("Checked before"), other publishers' reviews of
    it ("Already checked by"), and, for staff, likely matches to confirm."""

    original: Claim | None
    original_verdict: Verdict | None
    reviews: list  # matching.Match of kind review, matched
    candidates: list  # matching.Match of kind claim, for staff to confirm


def known_panel(claim: Claim, *, staff: bool) -> KnownPanel:
    """The panel of `claim`'s page, in the same few queries for any claim (reads only).
    "Checked before" is the verdict of the claim this one was confirmed to repeat."""
    from app.services import matching

    links = db.session.execute(
        sa.select(Link.from_claim_id, Link.to_claim_id)
        .where(Link.type == LinkType.REPEATS, Link.deleted_at.is_(None),
               sa.or_(Link.from_claim_id == claim.id, Link.to_claim_id == claim.id))
        .order_by(Link.id)).all()
    originals = [to for frm, to in links if frm == claim.id]
    related = {claim.id} | {frm for frm, _ in links} | {to for _, to in links}
    # the original and its published verdict (none, when it repeats nothing): one query
    row = db.session.execute(
        sa.select(Claim, Verdict).outerjoin(Verdict, sa.and_(
            Verdict.claim_id == Claim.id, Verdict.state == VerdictState.PUBLISHED))
        .where(Claim.id == (originals[0] if originals else 0))
        .options(joinedload(Claim.claimant))).first()
    original, verdict = (row[0], row[1]) if row else (None, None)
    found = matching.find_matches(claim.statement, limit=8, language=claim.language,
                                  exclude_claim_ids=related)
    reviews = [m for m in found if m.candidate.kind == "review" and m.is_match][:3]
    candidates = [m for m in found if m.candidate.kind == "claim" and m.is_match][:5] \
        if staff and original is None else []
    return KnownPanel(original, verdict, reviews, candidates)
