"""A source's track record: its claims by published verdict rating, how often they
were denied or corrected, and how much of it rests on anonymous sourcing.

"Its claims" are those it makes (claimant) and those it carries (in the attribution
chain: CNN carries the unnamed Ukrainian source's claim). Three queries per source,
whatever the size of its record.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa

from app.extensions import db
from app.models import (
    RATING_SCALE,
    Claim,
    ClaimAttribution,
    Link,
    LinkType,
    Source,
    SourcingLevel,
    Verdict,
    VerdictState,
)

DENIALS = (LinkType.DENIES, LinkType.CONTRADICTS)
CORRECTIONS = (LinkType.CORRECTS, LinkType.RETRACTS)


@dataclass
class TrackRecord:
    source_id: int
    claims: int = 0
    as_claimant: int = 0
    as_carrier: int = 0
    anonymous: int = 0
    # [{"value": 1, "label": "False", "count": n}, ...] over the whole scale
    by_rating: list[dict] = field(default_factory=list)
    rated: int = 0
    denied: int = 0  # claims denied or contradicted by another claim
    corrected: int = 0  # claims corrected or retracted

    @property
    def anonymous_share(self) -> float:
        return round(self.anonymous / self.claims, 3) if self.claims else 0.0

    def as_dict(self) -> dict:
        return {
            "source_id": self.source_id, "claims": self.claims,
            "as_claimant": self.as_claimant, "as_carrier": self.as_carrier,
            "anonymous": self.anonymous, "anonymous_share": self.anonymous_share,
            "rated": self.rated, "by_rating": self.by_rating,
            "denied": self.denied, "corrected": self.corrected,
        }


def track_record(source: Source) -> TrackRecord:
    carried = sa.select(ClaimAttribution.claim_id).where(ClaimAttribution.source_id == source.id)
    rows = db.session.execute(
        sa.select(Claim.id, Claim.claimant_id, Claim.sourcing_level)
        .where(sa.or_(Claim.claimant_id == source.id, Claim.id.in_(carried)))
    ).all()
    record = TrackRecord(source_id=source.id)
    record.claims = len(rows)
    record.as_claimant = sum(1 for r in rows if r.claimant_id == source.id)
    record.as_carrier = record.claims - record.as_claimant
    record.anonymous = sum(1 for r in rows if r.sourcing_level is SourcingLevel.ANONYMOUS)
    ids = [r.id for r in rows]

    counts: dict[int, int] = {}
    if ids:
        counts = dict(db.session.execute(
            sa.select(Verdict.rating_value, sa.func.count())
            .where(Verdict.claim_id.in_(ids), Verdict.state == VerdictState.PUBLISHED)
            .group_by(Verdict.rating_value)
        ).all())
        targets = db.session.execute(
            sa.select(Link.to_claim_id, Link.type).distinct()
            .where(Link.to_claim_id.in_(ids), Link.type.in_(DENIALS + CORRECTIONS))
        ).all()
        record.denied = len({claim for claim, kind in targets if kind in DENIALS})
        record.corrected = len({claim for claim, kind in targets if kind in CORRECTIONS})
    record.by_rating = [
        {"value": value, "label": label, "count": counts.get(value, 0)}
        for value, label, _ in RATING_SCALE
    ]
    record.rated = sum(counts.values())
    return record
