"""The verdict feed is read as rows (app/reads/verdicts.py), not dumped from ORM
objects by VerdictSchema. These tests hold it to the schema: for every verdict, in every
state — drafts with evidence, corrections that changed the evidence, withdrawals,
deleted drafts — the feed's JSON is exactly what VerdictSchema dumps, field for field and
in the schema's order."""

from __future__ import annotations

import html
import json

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import Claim, Stance, Verdict, VerdictState
from app.models.base import utcnow
from app.reads import verdicts as verdict_reads
from app.schemas.verdicts import VerdictSchema
from app.services import lifecycle, policy
from app.services import verdicts as service

FEED = "/api/v1/verdicts"


def _every_kind_of_verdict(seeded, journalist, editor) -> None:
    """Beside the seeded verdicts (published, corrected, draft): a draft with evidence
    of both kinds, a correction that replaces the evidence, a withdrawal, a deleted
    draft."""
    claims = db.session.scalars(
        sa.select(Claim).where(~Claim.verdicts.any()).order_by(Claim.id)).all()
    assert len(claims) >= 4
    document_id = claims[0].first_appearance_id or claims[1].first_appearance_id
    draft = service.draft_verdict(claims[0].id, 2, "Draft with evidence.", [
        {"claim_id": claims[1].id, "stance": Stance.REFUTES, "note": "denied on record"},
        {"document_id": document_id, "stance": Stance.SUPPORTS},
    ], actor=journalist.user)
    corrected = service.draft_verdict(claims[1].id, 3, "Unsupported.", [
        {"claim_id": claims[0].id, "stance": Stance.SUPPORTS}], actor=journalist.user)
    service.publish(corrected, actor=editor.user)
    service.correct(corrected, actor=editor.user, reason="A second source.", rating_value=4,
                    evidence=[{"claim_id": claims[2].id, "stance": Stance.REFUTES,
                               "note": "new"}])
    withdrawn = service.draft_verdict(claims[2].id, 1, "False.", actor=journalist.user)
    service.publish(withdrawn, actor=editor.user)
    service.withdraw(withdrawn, actor=editor.user, reason="Misattributed.")
    deleted = service.draft_verdict(claims[3].id, 5, "Accurate.", actor=journalist.user)
    lifecycle.delete_record(deleted, actor=editor.user, reason="duplicate")
    assert draft.state is VerdictState.DRAFT


def _schema_dump(*, include_deleted: bool, states) -> list[dict]:
    # as the test client's requests name the site (the URLs in it are absolute)
    with current_app.test_request_context():
        return _dump(include_deleted=include_deleted, states=states)


def _dump(*, include_deleted: bool, states) -> list[dict]:
    verdicts = db.session.scalars(
        sa.select(Verdict).where(Verdict.state.in_(states))
        .options(selectinload(Verdict.versions))
        .order_by(Verdict.updated_at, Verdict.id)
        .execution_options(include_deleted=include_deleted)).all()
    return VerdictSchema(many=True).dump(verdicts)


def _feed(client, headers=None, query: str = "") -> list[dict]:
    items, url = [], f"{FEED}?limit=3{query}"
    while url:
        response = client.get(url, headers=headers or {})
        assert response.status_code == 200, response.get_json()
        items.extend(json.loads(response.data))  # keeps the order of the keys
        link = response.headers.get("Link")
        url = link[link.index("<") + 1: link.index(">")] if link else None
    return items


def test_the_feed_is_what_the_schema_dumps_for_every_verdict(client, seeded, journalist,
                                                            editor):
    # Given verdicts in every state, one deleted
    _every_kind_of_verdict(seeded, journalist, editor)
    db.session.expire_all()

    # When an editor reads the whole feed, deleted records included, and a reader too
    staff = _feed(client, editor.headers, "&include_deleted=true")
    public = _feed(client)

    # Then each is exactly VerdictSchema's output, in the feed's order
    expected_staff = _schema_dump(include_deleted=True, states=list(VerdictState))
    expected_public = _schema_dump(include_deleted=False,
                                   states=[VerdictState.PUBLISHED, VerdictState.WITHDRAWN])
    assert [list(item) for item in staff] == [list(item) for item in expected_staff]
    assert staff == expected_staff
    assert public == expected_public
    assert {v["state"] for v in staff} == {"draft", "published", "withdrawn"}
    assert any(v["deleted_at"] for v in staff)
    assert any(len(v["evidence"]) == 2 for v in staff)
    assert not any(v["deleted_at"] or v["state"] == "draft" for v in public)


def test_rows_of_hidden_claims_are_hidden_with_them(seeded, editor):
    # Given a published verdict's claim hidden with its dispute
    verdict = db.session.scalars(sa.select(Verdict).where(
        Verdict.state == VerdictState.PUBLISHED).order_by(Verdict.id)).first()
    dispute = verdict.claim.dispute
    db.session.execute(sa.update(type(dispute)).where(type(dispute).id == dispute.id)
                       .values(deleted_at=utcnow()))
    db.session.commit()

    # When the feed's rows are read, then that verdict is not among them
    with current_app.test_request_context():
        ids = [row["id"] for row in verdict_reads.as_dicts(
            db.session.execute(verdict_reads.visible_rows(policy.ANONYMOUS)).all())]
    assert ids and verdict.id not in ids


def test_each_verdict_read_is_what_the_schema_dumps(client, seeded, journalist, editor):
    # Given verdicts in every state, one deleted
    _every_kind_of_verdict(seeded, journalist, editor)
    db.session.expire_all()
    every = _schema_dump(include_deleted=True, states=list(VerdictState))
    public = {v["id"] for v in _schema_dump(
        include_deleted=False, states=[VerdictState.PUBLISHED, VerdictState.WITHDRAWN])}
    assert public and len(public) < len(every)

    for expected in every:
        url = f"{FEED}/{expected['id']}"
        # When an editor asks for it with deleted records, then it is the schema's dump
        got = client.get(url + "?include_deleted=true", headers=editor.headers)
        assert got.status_code == 200 and json.loads(got.data) == expected
        assert list(json.loads(got.data)) == list(expected)
        assert got.headers["ETag"].startswith(f'"{expected["lock_version"]}-')
        # and a reader sees exactly the public ones, the same way
        read = client.get(url)
        if expected["id"] in public:
            assert read.status_code == 200 and json.loads(read.data) == expected
        else:
            assert read.status_code == 404
            assert read.get_json()["error"]["code"] == "not_found"


def test_a_verdict_names_its_claim_and_pages_so_consumers_need_no_other_call(client, seeded):
    # Given the seeded published verdicts, read by a consumer from the feed
    feed = json.loads(client.get(FEED).data)
    assert feed
    for verdict in feed:
        claim = db.session.get(Claim, verdict["claim_id"])
        # Then each carries its claim's words and the absolute URLs of its pages
        assert verdict["statement"] == claim.statement
        assert verdict["url"] == (f"http://localhost/claims/{claim.id}"
                                  f"#verdict-{verdict['id']}")
        assert verdict["dispute_url"] == f"http://localhost/disputes/{claim.dispute_id}"
        # the ClaimReview's url is the same page
        review = client.get(f"{FEED}/{verdict['id']}/claimreview").get_json(force=True)
        assert review["url"] == verdict["url"]
        # and both pages are there, showing the claim
        for url in (verdict["url"].split("#")[0], verdict["dispute_url"]):
            page = client.get(url.removeprefix("http://localhost"))
            assert page.status_code == 200
            assert claim.statement.split('"')[0].strip() in html.unescape(
                page.get_data(as_text=True))


def test_a_verdict_is_hidden_with_its_deleted_claim_dispute_or_itself(client, seeded):
    # The rows are read as Core (app/reads/rows.py): the soft-delete filter is written
    # into the statement, for each table it reads, and must hide each kind of record.
    published = db.session.scalars(sa.select(Verdict).where(
        Verdict.state == VerdictState.PUBLISHED).order_by(Verdict.id)).all()
    assert len(published) >= 3
    targets = [(Verdict, published[0].id, published[0].id),
               (Claim, published[1].claim_id, published[1].id),
               (type(published[2].claim.dispute), published[2].claim.dispute_id,
                published[2].id)]
    for model, record_id, verdict_id in targets:
        # Given a published verdict, read by a consumer
        assert client.get(f"{FEED}/{verdict_id}").status_code == 200
        # When the record it stands on (or it) is soft-deleted under the app
        db.session.execute(sa.update(model).where(model.id == record_id)
                           .values(deleted_at=utcnow()))
        db.session.commit()
        # Then the verdict is gone from its detail and from the feed (filtered or not)
        assert client.get(f"{FEED}/{verdict_id}").status_code == 404, model
        assert verdict_id not in {v["id"] for v in _feed(client)}, model
        claim_id = db.session.get(Verdict, verdict_id).claim_id
        assert _feed(client, query=f"&claim_id={claim_id}") == [], model
