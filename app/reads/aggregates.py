"""Read models shared by the API and the pages: whole aggregates in a constant number
of queries, whatever their size."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from app.extensions import db
from app.models import (
    Claim,
    ClaimAppearance,
    ClaimAttribution,
    Dispute,
    Document,
    Link,
    Quote,
    Source,
    Verdict,
    VerdictState,
    VerdictVersion,
)
from app.models.base import MAX_ID
from app.services.errors import NotFound
from app.services.policy import PUBLIC_VERDICT_STATES

V = TypeVar("V")


@dataclass
class DisputeDetail:
    dispute: Dispute
    links: list[Link]
    # claim id -> the verdict to show for it (None when there is none visible)
    verdicts: dict[int, Verdict | None] = field(default_factory=dict)

    @property
    def claims(self) -> list[Claim]:
        return self.dispute.claims


def current_verdict(claim: Claim, *, include_drafts: bool = False) -> Verdict | None:
    """The verdict to show for a claim (see `visible_verdict`)."""
    return visible_verdict(claim.verdicts, include_drafts=include_drafts)


def visible_verdict(verdicts: Sequence[V], *, include_drafts: bool = False) -> V | None:
    """Of a claim's verdicts (objects or rows with `state`, oldest first), the one a
    viewer sees: a draft only for staff, else the newest published one, else the newest
    withdrawn one (so a withdrawal is visible)."""
    visible = [v for v in verdicts if include_drafts or v.state in PUBLIC_VERDICT_STATES]
    if not visible:
        return None
    live = [v for v in visible if v.state is not VerdictState.WITHDRAWN]
    return (live or visible)[-1]


def _source_chain():
    # claimant -> parent -> grandparent: three levels cover every real affiliation.
    return joinedload(Source.parent).joinedload(Source.parent)


def dispute_detail(dispute_id: int, *, include_drafts: bool = False) -> DisputeDetail:
    """The whole dispute: event, claims with claimant, attribution chain, appearances,
    quotes, verdicts, and every link touching its claims."""
    if not 0 < dispute_id <= MAX_ID:
        raise NotFound(f"Dispute {dispute_id} does not exist.")
    dispute = db.session.scalars(
        sa.select(Dispute)
        .where(Dispute.id == dispute_id)
        .options(
            joinedload(Dispute.event),
            selectinload(Dispute.claims).options(
                joinedload(Claim.claimant).options(_source_chain()),
                joinedload(Claim.first_appearance),
                selectinload(Claim.attributions).joinedload(ClaimAttribution.source),
                selectinload(Claim.appearances).joinedload(ClaimAppearance.document),
                selectinload(Claim.quotes).options(
                    joinedload(Quote.speaker), joinedload(Quote.changed_in),
                    joinedload(Quote.document).joinedload(Document.publisher),
                ),
                selectinload(Claim.verdicts).options(
                    selectinload(Verdict.versions).selectinload(VerdictVersion.evidence)
                ),
            ),
        )
    ).unique().one_or_none()
    if dispute is None:
        raise NotFound(f"Dispute {dispute_id} does not exist.")
    claim_ids = [c.id for c in dispute.claims]
    links = list(
        db.session.scalars(
            sa.select(Link)
            .where(sa.or_(Link.from_claim_id.in_(claim_ids), Link.to_claim_id.in_(claim_ids)))
            .options(joinedload(Link.scope_quote))
            .order_by(Link.id)
        )
    ) if claim_ids else []
    verdicts = {c.id: current_verdict(c, include_drafts=include_drafts) for c in dispute.claims}
    return DisputeDetail(dispute=dispute, links=links, verdicts=verdicts)
