"""`GET /api/v1/disputes/{id}` is read as rows (app/reads/disputes.py), not
dumped from the ORM aggregate. These tests hold it to DisputeDetailSchema: for every
dispute, as a reader and as staff, with records deleted at every level, long and
circular affiliation chains, links into other disputes, drafts and withdrawals, the
API's JSON is exactly what the schema dumps from `reads.dispute_detail` — field for
field and in the schema's order."""

from __future__ import annotations

import json

import sqlalchemy as sa

from app.extensions import db
from app.models import (
    Claim,
    Dispute,
    Document,
    Link,
    LinkScope,
    LinkType,
    Quote,
    Source,
    SourceKind,
    Verdict,
    VerdictState,
)
from app.models.base import utcnow
from app.reads.aggregates import dispute_detail
from app.schemas.disputes import DisputeDetailSchema
from app.services import lifecycle
from app.services import links as link_service
from app.services import sources as source_service
from app.services import verdicts as verdict_service

URL = "/api/v1/disputes/{}"


def _api(client, dispute_id: int, headers=None) -> dict:
    response = client.get(URL.format(dispute_id), headers=headers or {})
    assert response.status_code == 200, response.get_json()
    return json.loads(response.data)  # keeps the order of the keys


def _schema(dispute_id: int, *, staff: bool) -> dict:
    db.session.expire_all()
    return DisputeDetailSchema().dump(dispute_detail(dispute_id, include_drafts=staff))


def _keys(value):
    """Every dict's keys, in order, all the way down."""
    if isinstance(value, dict):
        return [(key, _keys(item)) for key, item in value.items()]
    if isinstance(value, list):
        return [_keys(item) for item in value]
    return None


def _assert_same_everywhere(client, editor) -> int:
    ids = db.session.scalars(sa.select(Dispute.id).order_by(Dispute.id)).all()
    assert ids
    for dispute_id in ids:
        for staff, headers in ((False, None), (True, editor.headers)):
            got, expected = _api(client, dispute_id, headers), _schema(dispute_id, staff=staff)
            assert _keys(got) == _keys(expected), (dispute_id, staff)
            assert got == expected, (dispute_id, staff)
    return len(ids)


def test_every_seeded_dispute_is_what_the_schema_dumps(client, seeded, editor):
    assert _assert_same_everywhere(client, editor) >= 5


def test_deleted_records_and_odd_chains_read_alike(client, seeded, journalist, editor):
    # Given the seeded disputes, changed at every level
    actor = journalist.user
    claims = db.session.scalars(sa.select(Claim).order_by(Claim.id)).all()
    # a five-level affiliation (beyond what the aggregate eager-loads) ...
    top = source_service.create_source(actor=actor, slug="top-body", name="Top body",
                                 kind=SourceKind.GOVERNMENT_BODY)
    middle = source_service.create_source(actor=actor, slug="middle-body", name="Middle body",
                                    kind=SourceKind.GOVERNMENT_BODY, parent_id=top.id)
    deepest = max(claims, key=lambda c: len(c.claimant.affiliation_chain()))
    root = deepest.claimant.affiliation_chain()[-1]
    assert root is not deepest.claimant  # Horne -> NSC -> White House, in the seeds
    root.parent_id = middle.id
    # ... a circular one, and a deleted parent ending another chain
    a, b = (db.session.get(Source, c.claimant_id) for c in claims[1:3])
    if a.id != b.id and a.id != root.id and b.id != root.id:
        a.parent_id, b.parent_id = b.id, a.id
    deleted_parent = source_service.create_source(actor=actor, slug="gone-body", name="Gone body",
                                            kind=SourceKind.ORGANISATION)
    db.session.get(Source, claims[3].claimant_id).parent_id = deleted_parent.id
    deleted_parent.deleted_at = utcnow()
    # a deleted quote that a link is scoped to, a deleted link, a deleted document
    quote = db.session.scalars(sa.select(Quote).order_by(Quote.id)).first()
    link_service.link_claims(claims[-1].id, quote.claim_id, LinkType.DENIES,
                         actor=actor, scope=LinkScope.QUOTE, scope_quote_id=quote.id, note="scoped")
    quote.deleted_at = utcnow()
    db.session.scalars(sa.select(Link).order_by(Link.id)).first().deleted_at = utcnow()
    document = db.session.scalars(sa.select(Document).where(
        Document.id.in_(sa.select(Claim.first_appearance_id)))).first()
    document.deleted_at = utcnow()
    # a deleted claim whose links from other disputes remain
    claims[-2].deleted_at = utcnow()
    db.session.commit()
    # a withdrawn verdict followed by a new draft on the same claim
    published = db.session.scalars(sa.select(Verdict).where(
        Verdict.state == VerdictState.PUBLISHED).order_by(Verdict.id)).first()
    verdict_service.withdraw(published, actor=editor.user, reason="Misattributed.")
    verdict_service.draft_verdict(published.claim_id, 3, "A second look.", actor=actor)

    # and a claim whose newest verdict is withdrawn while an older one stands
    standing = db.session.scalars(sa.select(Verdict).join(Verdict.claim).where(
        Verdict.state == VerdictState.PUBLISHED).order_by(Verdict.id.desc())).first()
    db.session.add(Verdict(claim_id=standing.claim_id, author_id=editor.user.id,
                           state=VerdictState.WITHDRAWN, rating_value=1, rationale="Old.",
                           published_at=utcnow()))
    db.session.commit()

    # When each dispute is read through the API, as a reader and as staff,
    # then it is exactly what the schema dumps from the ORM aggregate
    _assert_same_everywhere(client, editor)
    affiliation = _api(client, deepest.dispute_id)["claims"]
    assert max(len(c["claimant"]["affiliation"]) for c in affiliation) >= 4


def test_a_deleted_dispute_is_not_found(client, seeded):
    dispute = db.session.scalars(sa.select(Dispute).order_by(Dispute.id)).first()
    dispute.deleted_at = utcnow()
    db.session.commit()
    response = client.get(URL.format(dispute.id))
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"
    assert client.get(URL.format(2**31)).status_code == 404


def test_records_soft_deleted_through_the_service_vanish_from_the_read(client, seeded,
                                                                       editor):
    link = db.session.scalars(sa.select(Link).order_by(Link.id)).first()
    dispute_id = db.session.get(Claim, link.from_claim_id).dispute_id
    assert link.id in [item["id"] for item in _api(client, dispute_id)["links"]]
    lifecycle.delete_record(link, actor=editor.user, reason="duplicate")
    assert link.id not in [item["id"] for item in _api(client, dispute_id)["links"]]
