"""Two people edit the same record: the second writer gets a conflict, nothing is lost."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from app.extensions import db
from app.models import Event
from app.services import events as event_service
from app.services.errors import StaleVersion


@pytest.fixture
def event_id(journalist):
    return event_service.create_event(actor=journalist.user, slug="call", title="Original").id


def test_second_of_two_sessions_gets_a_conflict(event_id):
    # Given two editors who both loaded version 1 in their own sessions
    with Session(db.engine) as alice, Session(db.engine) as bob:
        a = alice.get(Event, event_id)
        b = bob.get(Event, event_id)
        assert a.lock_version == b.lock_version == 1

        # When Alice saves first
        a.title = "Alice's title"
        alice.commit()

        # Then Bob's save fails instead of silently overwriting Alice's
        b.title = "Bob's title"
        with pytest.raises(StaleDataError):
            bob.commit()
        bob.rollback()

    with Session(db.engine) as check:
        stored = check.get(Event, event_id)
        assert (stored.title, stored.lock_version) == ("Alice's title", 2)


def test_service_reports_the_race_as_a_stale_version(event_id, journalist, editor):
    mine = db.session.get(Event, event_id)
    assert (mine.title, mine.lock_version) == ("Original", 1)
    # someone else commits in between, through their own session
    with Session(db.engine) as other:
        other.get(Event, event_id).title = "Their title"
        other.commit()

    # the service is told which version the caller read (If-Match, the form's version)
    with pytest.raises(StaleVersion):
        event_service.update_event(mine, {"title": "My title"}, actor=journalist.user,
                                   expected_version=1)

    db.session.expire_all()
    assert db.session.get(Event, event_id).title == "Their title"


def test_expected_version_is_checked_before_writing(event_id, journalist):
    event = db.session.get(Event, event_id)
    event_service.update_event(event, {"title": "v2"}, actor=journalist.user, expected_version=1)
    with pytest.raises(StaleVersion) as err:
        event_service.update_event(event, {"title": "from a stale form"}, actor=journalist.user,
                                   expected_version=1)
    assert "version 2" in err.value.message
    db.session.expire_all()
    stored = db.session.get(Event, event_id)
    assert (stored.title, stored.lock_version) == ("v2", 2)
    count = db.session.scalar(sa.select(sa.func.count()).select_from(Event))
    assert count == 1
