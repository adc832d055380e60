"""Deleting a record deletes what belongs to it, and restoring brings exactly that back;
nothing live is ever left pointing at a deleted record."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import (
    Claim,
    ClaimKind,
    Dispute,
    Link,
    Quote,
    Revision,
    RevisionAction,
    Source,
    SourceKind,
    SourcingLevel,
    Verdict,
)
from app.services import claims as claim_service
from app.services import disputes, documents, lifecycle, verdicts
from app.services import events as event_service
from app.services import links as link_service
from app.services import sources as source_service
from app.services.errors import Conflict, InvalidTransition, PermissionDenied
from app.services.policy import INCLUDE_DELETED


def _all(model) -> list:
    return list(db.session.scalars(sa.select(model).order_by(model.id)
                                   .execution_options(**{INCLUDE_DELETED: True})))


def _state(model) -> dict[int, tuple]:
    db.session.expire_all()
    return {r.id: (r.deleted_at is not None, r.deleted_via) for r in _all(model)}


@pytest.fixture
def two(journalist):
    """Two disputes; the first with two accounts, a quote each, a draft verdict and a
    link to an account of the second."""
    actor = journalist.user
    event = event_service.create_event(actor=actor, slug="call", title="The call")
    cnn = source_service.create_source(actor=actor, slug="cnn", name="CNN",
                                       kind=SourceKind.OUTLET)
    horne = source_service.create_source(actor=actor, slug="horne", name="Emily Horne",
                                         kind=SourceKind.PERSON)
    doc = documents.create_document(actor=actor, title="Report",
                                    text="Kyiv could be sacked, he said. No one said sacked.")

    def account(source, statement, exact):
        return {"claimant_id": source.id, "statement": statement, "kind": ClaimKind.DENIAL,
                "sourcing_level": SourcingLevel.ON_RECORD,
                "quotes": [{"speaker_id": source.id, "document_id": doc.id, "exact": exact}]}

    first = disputes.log_dispute(actor=actor, event_id=event.id, slug="sacked",
                                 question="Sacked?",
                                 claims=[account(cnn, "Kyiv could be sacked.", "could be sacked"),
                                         account(horne, "No one said it.", "No one said")])
    second = disputes.log_dispute(actor=actor, event_id=event.id, slug="other",
                                  question="Other?",
                                  claims=[account(horne, "Something else.", "he said")])
    a, b = first.claims
    (c,) = second.claims
    link_service.link_claims(b.id, a.id, "denies", actor=actor, scope="quote",
                             scope_quote_id=a.quotes[0].id)
    link_service.link_claims(c.id, a.id, "supports", actor=actor)
    draft = verdicts.draft_verdict(a.id, 1, "False.", actor=actor)
    return {"first": first.id, "second": second.id, "a": a.id, "b": b.id, "c": c.id,
            "draft": draft.id, "cnn": cnn.id, "doc": doc.id}


def test_a_dispute_goes_with_everything_that_belongs_to_it(two, editor):
    # Given a quote of the first dispute deleted on its own beforehand
    lonely = db.session.scalars(sa.select(Quote).where(Quote.claim_id == two["b"])).one()
    lifecycle.delete_record(lonely, actor=editor.user, reason="typo")

    # When the first dispute is deleted
    dispute = db.session.get(Dispute, two["first"])
    lifecycle.delete_record(dispute, actor=editor.user, reason="logged twice")

    # Then its accounts, their quotes, verdicts and links (across disputes too) go with it
    via = f"disputes:{two['first']}"
    assert _state(Dispute)[two["first"]] == (True, None)
    assert _state(Dispute)[two["second"]] == (False, None)
    assert {i: s for i, s in _state(Claim).items() if i in (two["a"], two["b"])} == {
        two["a"]: (True, via), two["b"]: (True, via)}
    assert _state(Claim)[two["c"]] == (False, None)
    assert _state(Verdict)[two["draft"]] == (True, via)
    assert set(_state(Link).values()) == {(True, via)}
    quotes = _state(Quote)
    assert quotes[lonely.id] == (True, None)  # deleted before, on its own
    assert sorted(s for i, s in quotes.items() if i != lonely.id) == [(False, None),
                                                                      (True, via)]
    # each with a revision naming the editor and the reason
    deletions = db.session.scalars(sa.select(Revision).where(
        Revision.action == RevisionAction.DELETE, Revision.reason == "logged twice")).all()
    assert len(deletions) == 1 + 2 + 1 + 1 + 2  # dispute, claims, quote, verdict, links
    assert {r.actor_id for r in deletions} == {editor.user.id}

    # When it is restored, exactly what went with it comes back
    lifecycle.restore_record(Dispute, two["first"], actor=editor.user, reason="not a dupe")
    assert _state(Claim)[two["a"]] == (False, None)
    assert _state(Verdict)[two["draft"]] == (False, None)
    assert set(_state(Link).values()) == {(False, None)}
    assert _state(Quote)[lonely.id] == (True, None)  # still deleted: it went on its own


def test_a_published_verdict_holds_its_claim_and_dispute(two, editor):
    verdicts.publish(db.session.get(Verdict, two["draft"]), actor=editor.user)
    for model, key in ((Claim, "a"), (Dispute, "first")):
        with pytest.raises(Conflict) as refused:
            lifecycle.delete_record(db.session.get(model, two[key]), actor=editor.user)
        assert "published verdicts" in refused.value.message
    assert not any(deleted for deleted, _ in _state(Claim).values())


def test_what_a_verdict_rests_on_cannot_be_deleted(two, journalist, editor):
    # a verdict on the other dispute's account cites an account of the first as evidence
    verdicts.draft_verdict(two["c"], 2, "Misleading.",
                           [{"claim_id": two["b"], "stance": "refutes"},
                            {"document_id": two["doc"], "stance": "refutes"}],
                           actor=journalist.user)
    with pytest.raises(Conflict) as refused:
        lifecycle.delete_record(db.session.get(Dispute, two["first"]), actor=editor.user)
    assert "evidence" in refused.value.message
    with pytest.raises(Conflict):
        lifecycle.delete_record(db.session.get(Claim, two["b"]), actor=editor.user)
    assert _state(Dispute)[two["first"]] == (False, None)


def test_references_in_use_cannot_be_deleted(two, editor):
    for model, key, what in ((Source, "cnn", "claimant"), (Source, "cnn", "speaker")):
        with pytest.raises(Conflict) as refused:
            lifecycle.delete_record(db.session.get(model, two[key]), actor=editor.user)
        assert what in refused.value.message
    scoped = db.session.scalars(sa.select(Quote).where(Quote.claim_id == two["a"])).one()
    with pytest.raises(Conflict) as refused:
        lifecycle.delete_record(scoped, actor=editor.user)
    assert "links (scope)" in refused.value.message


def test_what_went_with_a_parent_comes_back_with_it_only(two, editor):
    lifecycle.delete_record(db.session.get(Dispute, two["first"]), actor=editor.user)
    with pytest.raises(InvalidTransition) as refused:
        lifecycle.restore_record(Claim, two["a"], actor=editor.user)
    assert f"dispute {two['first']}" in refused.value.message


def test_a_record_cannot_come_back_while_what_it_points_at_is_gone(two, journalist, editor):
    # Given an account deleted on its own, then its claimant, no longer used, deleted
    spare = source_service.create_source(actor=journalist.user, slug="spare", name="Spare",
                                         kind=SourceKind.PERSON)
    claim = claim_service.add_claim(two["second"], actor=journalist.user,
                                    claimant_id=spare.id, statement="Spare account.",
                                    kind=ClaimKind.DENIAL,
                                    sourcing_level=SourcingLevel.ON_RECORD)
    lifecycle.delete_record(claim, actor=editor.user)
    lifecycle.delete_record(db.session.get(Source, spare.id), actor=editor.user)
    # When the account is restored, then it is refused, naming what is missing
    with pytest.raises(Conflict) as refused:
        lifecycle.restore_record(Claim, claim.id, actor=editor.user)
    assert f"source {spare.id}" in refused.value.message
    # and once the source is back, so can the account be
    lifecycle.restore_record(Source, spare.id, actor=editor.user)
    lifecycle.restore_record(Claim, claim.id, actor=editor.user)
    assert _state(Claim)[claim.id] == (False, None)


def test_a_link_waits_for_both_of_its_accounts(two, editor):
    # Given the link from the second dispute's account to the first's
    link = db.session.scalars(sa.select(Link).where(Link.from_claim_id == two["c"])).one()
    # When the first dispute, then the second, are deleted, and the first restored
    lifecycle.delete_record(db.session.get(Dispute, two["first"]), actor=editor.user)
    lifecycle.delete_record(db.session.get(Dispute, two["second"]), actor=editor.user)
    lifecycle.restore_record(Dispute, two["first"], actor=editor.user)
    # Then the link stays deleted, now waiting for the second dispute
    assert _state(Link)[link.id] == (True, f"disputes:{two['second']}")
    # And comes back with it
    lifecycle.restore_record(Dispute, two["second"], actor=editor.user)
    assert _state(Link)[link.id] == (False, None)


def test_who_may_delete_what(two, journalist, editor):
    with pytest.raises(PermissionDenied):
        lifecycle.delete_record(db.session.get(Dispute, two["first"]), actor=journalist.user)
    # a draft is the newsroom's own work in progress: journalists delete drafts
    lifecycle.delete_record(db.session.get(Verdict, two["draft"]), actor=journalist.user)
    assert _state(Verdict)[two["draft"]] == (True, None)
    with pytest.raises(PermissionDenied):
        lifecycle.restore_record(Verdict, two["draft"], actor=journalist.user)
    lifecycle.restore_record(Verdict, two["draft"], actor=editor.user)
    assert _state(Verdict)[two["draft"]] == (False, None)
