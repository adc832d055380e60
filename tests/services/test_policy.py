"""Who may do what is decided once (app/services/policy.py) and documented once (the
README's role table): the two say the same."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.models import Role
from app.services import policy, users
from app.services.errors import PermissionDenied
from app.services.policy import Action

README = Path(__file__).resolve().parents[2] / "README.md"

# The README's rows, by their first words, and the actions each stands for.
ROWS = {
    "read what is published": (),
    "log and edit": (Action.LOG,),
    "draft verdicts": (Action.DRAFT,),
    "see drafts": (Action.SEE_DRAFTS,),
    "publish, correct": (Action.PUBLISH, Action.CORRECT, Action.WITHDRAW),
    "change a dispute's state": (Action.CHANGE_STATE,),
    "delete and restore": (Action.DELETE, Action.RESTORE),
    "see deleted records": (Action.SEE_DELETED,),
    "manage users": (Action.MANAGE_ACCOUNTS, Action.SEE_ACCOUNTS),
}
COLUMNS = (Role.READER, Role.JOURNALIST, Role.EDITOR, Role.ADMIN)


def readme_table() -> dict[str, tuple[bool, ...]]:
    text = README.read_text()
    table = text[text.index("| may | reader |"):].split("\n\n")[0].splitlines()[2:]
    rows = {}
    for line in table:
        cells = [c.strip() for c in line.strip("|").split("|")]
        rows[cells[0]] = tuple(c == "yes" for c in cells[1:])
    return rows


def test_the_readme_role_table_is_the_policy(reader, journalist, editor, admin):
    users = {a.user.role: a.user for a in (reader, journalist, editor, admin)}
    table = readme_table()
    assert len(table) == len(ROWS)
    covered = set()
    for start, actions in ROWS.items():
        (row,) = [cells for name, cells in table.items() if name.startswith(start)]
        for action in actions:
            covered.add(action)
            may = tuple(policy.allowed(users[role], action) for role in COLUMNS)
            assert may == row, (start, action)
    assert covered == set(Action), set(Action) - covered


def test_anonymous_and_inactive_users_may_do_nothing_but_read(admin, journalist):
    assert not any(policy.allowed(None, action) for action in Action)
    users.deactivate(admin.user, actor=None, reason="left")
    assert not any(policy.allowed(admin.user, action) for action in Action)
    with pytest.raises(PermissionDenied) as refused:
        policy.require(journalist.user, Action.PUBLISH)
    assert refused.value.message == "Only editors and above may publish verdicts."
