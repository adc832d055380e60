"""Verdicts: journalists draft, editors publish, correct and withdraw; published
versions are never edited in place and the whole history stays."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import ClaimKind, SourceKind, SourcingLevel, Verdict, VerdictState
from app.services import disputes, verdicts
from app.services import events as event_service
from app.services import sources as source_service
from app.services.errors import Conflict, InvalidTransition, PermissionDenied, ValidationError


@pytest.fixture
def claim(journalist):
    actor = journalist.user
    event = event_service.create_event(actor=actor, slug="e", title="Event")
    source = source_service.create_source(actor=actor, slug="s", name="Source",
                                          kind=SourceKind.PERSON)
    dispute = disputes.log_dispute(
        actor=actor, event_id=event.id, slug="d", question="q",
        claims=[{"claimant_id": source.id, "statement": "It happened.",
                 "kind": ClaimKind.FACTUAL_ASSERTION, "sourcing_level": SourcingLevel.ON_RECORD}],
    )
    return dispute.claims[0]


def test_draft_publish_correct_keeps_every_version(claim, journalist, editor):
    # Given a journalist's draft
    verdict = verdicts.draft_verdict(claim.id, 1, "Wrong.",
                                     [{"claim_id": claim.id,
                                       "stance": "refutes"}], actor=journalist.user)
    assert verdict.state is VerdictState.DRAFT and verdict.published_at is None
    verdicts.update_draft(verdict, actor=journalist.user, rating_value=2, rationale="Misleading.")
    assert [v.rating_value for v in verdict.versions] == [2]  # drafts change in place

    # When an editor publishes it and later corrects it with a reason
    verdicts.publish(verdict, actor=editor.user)
    first_published = verdict.published_at
    verdicts.correct(verdict, actor=editor.user, reason="New evidence.", rating_value=3,
                     rationale="Unsupported.")

    # Then the verdict shows the correction and both versions stay, in order, with reasons
    db.session.expire_all()
    verdict = db.session.get(Verdict, verdict.id)
    assert verdict.state is VerdictState.PUBLISHED
    assert (verdict.rating_value, verdict.rating.label, verdict.current_version) == (
        3, "Unsupported", 2)
    assert verdict.published_at == first_published
    v1, v2 = verdict.versions
    assert (v1.number, v1.rating_value, v1.reason, v1.state) == (1, 2, "", VerdictState.PUBLISHED)
    assert (v2.number, v2.rating_value, v2.reason) == (2, 3, "New evidence.")
    # evidence carried over to the correction when none is given
    assert [(e.claim_id, e.stance.value) for e in v2.evidence] == [(claim.id, "refutes")]


def test_published_verdicts_are_not_edited_in_place(claim, journalist, editor):
    verdict = verdicts.draft_verdict(claim.id, 1, "Wrong.", actor=journalist.user)
    verdicts.publish(verdict, actor=editor.user)
    with pytest.raises(InvalidTransition):
        verdicts.update_draft(verdict, actor=journalist.user, rationale="sneaky edit")
    with pytest.raises(InvalidTransition):
        verdicts.publish(verdict, actor=editor.user)
    assert verdict.versions[0].rationale == "Wrong."


def test_withdrawal_is_a_public_version_with_a_reason(claim, journalist, editor):
    verdict = verdicts.draft_verdict(claim.id, 5, "True.", actor=journalist.user)
    verdicts.publish(verdict, actor=editor.user)
    with pytest.raises(ValidationError) as err:
        verdicts.withdraw(verdict, actor=editor.user, reason="  ")
    assert "reason" in err.value.fields
    verdicts.withdraw(verdict, actor=editor.user, reason="Source recanted.")
    assert verdict.state is VerdictState.WITHDRAWN
    assert [(v.number, v.state.value) for v in verdict.versions] == [
        (1, "published"), (2, "withdrawn")]
    with pytest.raises(InvalidTransition):
        verdicts.correct(verdict, actor=editor.user, reason="again")


def test_roles(claim, reader, journalist, editor):
    with pytest.raises(PermissionDenied):
        verdicts.draft_verdict(claim.id, 1, "x", actor=reader.user)
    verdict = verdicts.draft_verdict(claim.id, 1, "x", actor=journalist.user)
    with pytest.raises(PermissionDenied):
        verdicts.publish(verdict, actor=journalist.user)
    verdicts.publish(verdict, actor=editor.user)
    with pytest.raises(PermissionDenied):
        verdicts.correct(verdict, actor=journalist.user, reason="r", rating_value=2)


def test_rating_must_be_on_the_scale(claim, journalist):
    with pytest.raises(ValidationError) as err:
        verdicts.draft_verdict(claim.id, 7, "x", actor=journalist.user)
    assert "rating_value" in err.value.fields
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Verdict)) == 0


def test_one_current_verdict_per_claim(claim, journalist):
    verdicts.draft_verdict(claim.id, 1, "x", actor=journalist.user)
    with pytest.raises(Conflict) as err:
        verdicts.draft_verdict(claim.id, 2, "y", actor=journalist.user)
    assert "claim_id" in err.value.fields


def test_evidence_names_one_target(claim, journalist):
    with pytest.raises(ValidationError) as err:
        verdicts.draft_verdict(claim.id, 1, "x", [{"stance": "supports"}], actor=journalist.user)
    assert "evidence.0" in err.value.fields


def test_an_edit_of_only_the_evidence_moves_the_drafts_version(claim, journalist):
    """Else an edit from an older copy could not tell the evidence changed, and would
    put the old evidence back."""
    verdict = verdicts.draft_verdict(claim.id, 1, "Wrong.",
                                     [{"claim_id": claim.id, "stance": "refutes"}],
                                     actor=journalist.user)
    version = verdict.lock_version
    same = [{"claim_id": claim.id, "stance": "refutes", "note": ""}]
    verdicts.update_draft(verdict, actor=journalist.user, evidence=same)
    assert verdict.lock_version == version  # nothing changed: no new version, no churn
    verdicts.update_draft(verdict, actor=journalist.user,
                          evidence=[{**same[0], "stance": "supports"}])
    db.session.expire_all()
    verdict = db.session.get(Verdict, verdict.id)
    assert verdict.lock_version == version + 1
    assert [e.stance.value for e in verdict.versions[-1].evidence] == ["supports"]
