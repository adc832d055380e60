"""Logging a dispute with its competing claims, quotes and links."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import (
    Claim,
    ClaimKind,
    Dispute,
    DisputeState,
    LinkScope,
    LinkType,
    QuoteIntegrity,
    Revision,
    SourceKind,
    SourcingLevel,
)
from app.services import disputes, documents
from app.services import events as event_service
from app.services import links as link_service
from app.services import sources as source_service
from app.services.errors import PermissionDenied, ValidationError


@pytest.fixture
def world(journalist):
    actor = journalist.user
    event = event_service.create_event(actor=actor, slug="call", title="A phone call")
    outlet = source_service.create_source(actor=actor, slug="outlet", name="The Outlet",
                                          kind=SourceKind.OUTLET)
    anon = source_service.create_source(actor=actor, slug="anon", name="A source",
                                        kind=SourceKind.ANONYMOUS,
                                  description='"a source familiar with the call"')
    spokes = source_service.create_source(actor=actor, slug="spokes", name="Spokeswoman",
                                    kind=SourceKind.PERSON)
    doc = documents.create_document(
        actor=actor, title="The report", publisher_id=outlet.id,
        text="The source said the leader warned the city could be \u2018sacked\u2019 soon.",
    )
    return {"actor": actor, "event": event, "outlet": outlet, "anon": anon, "spokes": spokes,
            "doc": doc}


def two_claims(w):
    return [
        {
            "claimant_id": w["anon"].id, "statement": "The city could be sacked.",
            "kind": ClaimKind.ATTRIBUTED_QUOTE, "sourcing_level": SourcingLevel.ANONYMOUS,
            "first_appearance_id": w["doc"].id,
            "attributions": [{"source_id": w["outlet"].id, "relation": "citing"}],
            "quotes": [{"speaker_id": w["anon"].id, "document_id": w["doc"].id,
                        "exact": "sacked", "prefix": "could be '", "suffix": "' soon"}],
        },
        {
            "claimant_id": w["spokes"].id, "statement": "No one said sacked.",
            "kind": ClaimKind.DENIAL, "sourcing_level": SourcingLevel.ON_RECORD,
        },
    ]


def test_log_dispute_with_competing_claims(world):
    # When a journalist logs a dispute with two competing claims
    dispute = disputes.log_dispute(actor=world["actor"], event_id=world["event"].id, slug="sacked",
                                   question="Was 'sacked' said?", claims=two_claims(world))

    # Then both accounts are stored in order, with the attribution chain and the quote
    db.session.expire_all()
    dispute = db.session.get(Dispute, dispute.id)
    cnn, denial = dispute.claims
    assert dispute.state is DisputeState.OPEN
    assert [s.slug for s in cnn.attribution_chain] == ["outlet"]
    assert cnn.claimant.slug == "anon" and denial.claimant.slug == "spokes"
    assert cnn.quotes[0].exact == "sacked"
    # and the quote was checked against the stored text, curly quotes and all
    assert cnn.quotes[0].integrity is QuoteIntegrity.VERBATIM
    assert cnn.quotes[0].checked_sha256 == world["doc"].text_sha256


def test_log_dispute_is_all_or_nothing(world):
    claims = two_claims(world)
    claims[1]["claimant_id"] = 999_999  # points nowhere
    with pytest.raises(ValidationError) as err:
        disputes.log_dispute(actor=world["actor"], event_id=world["event"].id, slug="sacked",
                             question="Was 'sacked' said?", claims=claims)
    assert "claimant_id" in err.value.fields
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Dispute)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Claim)) == 0


def test_link_scoped_to_one_quote(world):
    dispute = disputes.log_dispute(actor=world["actor"], event_id=world["event"].id, slug="sacked",
                                   question="Was 'sacked' said?", claims=two_claims(world))
    cnn, denial = dispute.claims
    link = link_service.link_claims(denial.id, cnn.id, LinkType.DENIES, actor=world["actor"],
                                    scope=LinkScope.QUOTE, scope_quote_id=cnn.quotes[0].id,
                                    note="denies the word, not the warning")
    assert link.scope_quote.exact == "sacked"
    assert link.from_claim.claimant.slug == "spokes"


def test_link_rejects_a_quote_from_another_claim_and_self_links(world):
    dispute = disputes.log_dispute(actor=world["actor"], event_id=world["event"].id, slug="sacked",
                                   question="q", claims=two_claims(world))
    cnn, denial = dispute.claims
    with pytest.raises(ValidationError) as err:
        link_service.link_claims(cnn.id, denial.id, "denies", actor=world["actor"], scope="quote",
                             scope_quote_id=cnn.quotes[0].id)
    assert "scope_quote_id" in err.value.fields
    with pytest.raises(ValidationError) as err:
        link_service.link_claims(cnn.id, cnn.id, "supports", actor=world["actor"])
    assert "to_claim_id" in err.value.fields
    with pytest.raises(ValidationError) as err:
        link_service.link_claims(denial.id, cnn.id, "denies", actor=world["actor"], scope="quote")
    assert "scope_quote_id" in err.value.fields


def test_only_editors_change_dispute_state(world, editor):
    dispute = disputes.log_dispute(actor=world["actor"], event_id=world["event"].id, slug="s",
                                   question="q")
    with pytest.raises(PermissionDenied):
        disputes.change_dispute_state(dispute, "resolved", actor=world["actor"])
    disputes.change_dispute_state(dispute, "conceded", actor=editor.user, reason="CNN withdrew")
    assert dispute.state is DisputeState.CONCEDED
    revision = db.session.scalars(
        sa.select(Revision).where(Revision.entity_type == "disputes").order_by(Revision.id.desc())
    ).first()
    assert revision.before == {"state": "open"} and revision.after == {"state": "conceded"}
    assert revision.actor_id == editor.user.id and revision.reason == "CNN withdrew"


def test_source_affiliation_cannot_loop(world):
    nsc = source_service.create_source(actor=world["actor"], slug="nsc", name="NSC",
                                 kind=SourceKind.GOVERNMENT_BODY)
    horne = source_service.create_source(actor=world["actor"], slug="horne", name="Emily Horne",
                                   kind=SourceKind.PERSON, parent_id=nsc.id)
    assert [s.slug for s in horne.affiliation_chain()] == ["horne", "nsc"]
    with pytest.raises(ValidationError) as err:
        source_service.update_source(nsc, {"parent_id": horne.id}, actor=world["actor"])
    assert "parent_id" in err.value.fields


def test_changed_document_text_is_a_new_version_and_rechecks_quotes(world):
    dispute = disputes.log_dispute(actor=world["actor"], event_id=world["event"].id, slug="s",
                                   question="q", claims=two_claims(world))
    quote = dispute.claims[0].quotes[0]
    old_sha = world["doc"].text_sha256
    documents.update_document(world["doc"], {"text": "The page now says something else."},
                              actor=world["actor"])
    assert [(v.number, v.kind.value, v.text_sha256) for v in world["doc"].versions] == [
        (1, "manual", old_sha), (2, "manual", world["doc"].text_sha256)]
    assert quote.integrity is QuoteIntegrity.REMOVED  # its words were in version 1
    assert quote.checked_sha256 == world["doc"].text_sha256
    assert (quote.checked_version, quote.last_seen_version, quote.changed_version) == (2, 1, 2)


def test_readers_cannot_write(reader):
    with pytest.raises(PermissionDenied):
        event_service.create_event(actor=reader.user, slug="x", title="x")


def test_a_state_change_says_why(world, editor):
    dispute = disputes.log_dispute(actor=world["actor"], event_id=world["event"].id, slug="w",
                                   question="q")
    for reason in ("", "   "):
        with pytest.raises(ValidationError) as refused:
            disputes.change_dispute_state(dispute, "resolved", actor=editor.user, reason=reason)
        assert "reason" in refused.value.fields
    db.session.expire_all()
    assert db.session.get(Dispute, dispute.id).state is DisputeState.OPEN


def test_unknown_state_is_refused(world, editor):
    dispute = disputes.log_dispute(actor=world["actor"], event_id=world["event"].id, slug="s",
                                   question="q")
    with pytest.raises(ValueError):
        disputes.change_dispute_state(dispute, "settled", actor=editor.user, reason="why")
    db.session.expire_all()
    assert db.session.get(Dispute, dispute.id).state is DisputeState.OPEN
