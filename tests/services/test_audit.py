"""Every change writes a Revision by one mechanism; deletes are soft and restorable."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Event, Revision, RevisionAction
from app.services import events as event_service
from app.services import lifecycle, policy
from app.services.errors import InvalidTransition, NotFound, PermissionDenied


def revisions(entity_type: str, entity_id: int) -> list[Revision]:
    return list(db.session.scalars(
        sa.select(Revision).where(Revision.entity_type == entity_type,
                                  Revision.entity_id == entity_id).order_by(Revision.id)
    ))


def test_create_update_delete_restore_are_all_recorded(journalist, editor):
    event = event_service.create_event(actor=journalist.user, slug="call", title="The call")
    event_service.update_event(event, {"title": "The phone call"}, actor=journalist.user,
                               reason="typo")
    lifecycle.delete_record(event, actor=editor.user, reason="duplicate")
    lifecycle.restore_record(Event, event.id, actor=editor.user, reason="not a duplicate")

    log = revisions("events", event.id)
    assert [r.action for r in log] == [RevisionAction.CREATE, RevisionAction.UPDATE,
                                       RevisionAction.DELETE, RevisionAction.RESTORE]
    created, updated, deleted, restored = log
    assert created.before is None and created.after["title"] == "The call"
    assert updated.before == {"title": "The call"} and updated.after == {"title": "The phone call"}
    assert updated.reason == "typo" and updated.actor_id == journalist.user.id
    assert deleted.after["deleted_at"] is not None and deleted.reason == "duplicate"
    assert restored.after == {"deleted_at": None} and restored.actor_id == editor.user.id


def test_soft_deleted_records_are_hidden_until_restored(journalist, editor):
    event = event_service.create_event(actor=journalist.user, slug="call", title="The call")
    lifecycle.delete_record(event, actor=editor.user)
    db.session.expire_all()

    assert db.session.scalars(sa.select(Event)).all() == []
    with pytest.raises(NotFound):
        policy.get_visible(Event, event.id)
    assert policy.get_visible(Event, event.id, viewer=policy.Viewer(editor.user,
                                                                    include_deleted=True)).is_deleted
    # the row is still there: nothing is hard-deleted
    assert db.session.execute(sa.text("SELECT count(*) FROM events")).scalar() == 1

    with pytest.raises(PermissionDenied):
        lifecycle.restore_record(Event, event.id, actor=journalist.user)
    lifecycle.restore_record(Event, event.id, actor=editor.user)
    with pytest.raises(InvalidTransition):
        lifecycle.restore_record(Event, event.id, actor=editor.user)
    assert db.session.scalars(sa.select(Event)).one().slug == "call"


def test_secrets_never_reach_the_revision_log(journalist):
    user_rows = revisions("users", journalist.user.id)
    token_rows = db.session.scalars(
        sa.select(Revision).where(Revision.entity_type == "api_tokens")).all()
    assert user_rows and token_rows
    for row in [*user_rows, *token_rows]:
        assert "password_hash" not in (row.after or {})
        assert "token_hash" not in (row.after or {})


def test_ids_out_of_range_are_not_found():
    for bad in (0, -1, 2**63, 10**30):
        with pytest.raises(NotFound):
            policy.get_visible(Event, bad)


def test_a_claim_with_a_published_verdict_is_withdrawn_before_it_is_deleted(seeded, editor):
    from app.models import Claim, Dispute, Verdict, VerdictState
    from app.services import verdicts
    from app.services.errors import Conflict

    verdict = db.session.scalars(
        sa.select(Verdict).where(Verdict.state == VerdictState.PUBLISHED)).first()
    claim = verdict.claim
    for record in (claim, db.session.get(Dispute, claim.dispute_id)):
        with pytest.raises(Conflict) as err:
            lifecycle.delete_record(record, actor=editor.user)
        assert "withdraw them first" in err.value.message
    verdicts.withdraw(verdict, actor=editor.user, reason="claim logged in error")
    lifecycle.delete_record(claim, actor=editor.user)
    with pytest.raises(NotFound):
        policy.get_visible(Claim, claim.id)
