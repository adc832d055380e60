"""Accounts: who may sign in, and ending a user's sessions."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.extensions import db
from app.models import Revision, Role, User
from app.services import users as user_service
from app.services.errors import ValidationError

PASSWORD = "correct horse battery"


def test_authenticate_accepts_only_an_active_account_with_its_password(journalist):
    no_password = user_service.create_user("nopw@example.org", "No Password", Role.EDITOR)
    inactive = user_service.create_user("gone@example.org", "Gone", Role.EDITOR, PASSWORD)
    user_service.deactivate(inactive, actor=None)

    assert user_service.authenticate(" Journalist@Example.org ", PASSWORD) == journalist.user
    for email, password in [
        (journalist.user.email, "wrong password"),
        (journalist.user.email, ""),
        ("nobody@example.org", PASSWORD),
        ("not an address", PASSWORD),
        ("x" * 300 + "@example.org", PASSWORD),
        (no_password.email, ""),
        (no_password.email, PASSWORD),
        (inactive.email, PASSWORD),
    ]:
        assert user_service.authenticate(email, password) is None, (email, password)


def test_end_sessions_moves_the_version_on_and_logs_why(editor):
    user = editor.user
    version, lock = user.session_version, user.lock_version
    user_service.end_sessions(user, actor=user)
    assert (user.session_version, user.lock_version) == (version + 1, lock + 1)
    last = db.session.scalars(sa.select(Revision).order_by(Revision.id.desc())).first()
    assert (last.entity_type, last.actor_id, last.reason) == ("users", user.id, "signed out")


def test_end_sessions_wins_over_a_change_committed_meanwhile(editor):
    # Given a user loaded in this session (as the sign-out request has it)
    mine = db.session.get(User, editor.user.id)
    version = mine.session_version
    # and someone else's change to the same user committed in between (another
    # device signing out at the same moment)
    with Session(db.engine) as other:
        theirs = other.get(User, editor.user.id)
        theirs.session_version += 1
        other.commit()

    # When this request ends the sessions from its stale copy, it is no conflict:
    user_service.end_sessions(mine, actor=mine)

    # Then both moves count
    db.session.expire_all()
    assert db.session.get(User, editor.user.id).session_version == version + 2


def test_reset_password_checks_length_and_ends_sessions(editor):
    user = editor.user
    version = user.session_version
    with pytest.raises(ValidationError) as err:
        user_service.reset_password(user, "short", actor=None)
    assert err.value.fields == {"password": ["too short"]}
    db.session.expire_all()
    assert user.session_version == version and user.check_password(PASSWORD)

    user_service.reset_password(user, "long enough now", actor=None)
    db.session.expire_all()
    assert user.session_version == version + 1 and user.check_password("long enough now")
