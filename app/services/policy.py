"""Counterclaim's editorial rules, decided in one place: who may do what, who may see
what, and which transitions are allowed. The API, the pages, search, feeds, exports
and the read models ask here; they keep no rules of their own.

Who may do what (`RULES`, and the README's role table, which says the same):

| action | journalist | editor | admin |
| --- | --- | --- | --- |
| log and edit events, sources, documents, disputes, accounts, quotes, links | yes | yes | yes |
| draft verdicts; edit and delete drafts | yes | yes | yes |
| publish, correct and withdraw verdicts; change a dispute's state | | yes | yes |
| delete and restore records (other than drafts) | | yes | yes |
| see drafts | yes | yes | yes |
| see deleted records (when asking for them) | | yes | yes |

Readers (and anonymous visitors) see what is published: no drafts, nothing deleted,
nothing under a deleted parent (`app.services.lifecycle` deletes a record's children with
it), and no rating of a withdrawn verdict.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session, with_loader_criteria

from app.extensions import db
from app.models import Role, User, VerdictState
from app.models.base import MAX_ID, SoftDeleteMixin
from app.services.errors import InvalidTransition, NotFound, PermissionDenied, ValidationError

T = TypeVar("T")


# -- who may do what ---------------------------------------------------------------------


class Action(enum.StrEnum):
    LOG = "log"  # create and edit events, sources, documents, disputes, claims, quotes, links
    DRAFT = "draft"  # draft a verdict, edit or delete a draft
    PUBLISH = "publish"
    CORRECT = "correct"
    WITHDRAW = "withdraw"
    CHANGE_STATE = "change_state"  # a dispute's state
    DELETE = "delete"  # soft-delete a record other than a draft verdict
    RESTORE = "restore"
    SEE_DRAFTS = "see_drafts"
    SEE_DELETED = "see_deleted"


RULES: dict[Action, Role] = {
    Action.LOG: Role.JOURNALIST,
    Action.DRAFT: Role.JOURNALIST,
    Action.SEE_DRAFTS: Role.JOURNALIST,
    Action.PUBLISH: Role.EDITOR,
    Action.CORRECT: Role.EDITOR,
    Action.WITHDRAW: Role.EDITOR,
    Action.CHANGE_STATE: Role.EDITOR,
    Action.DELETE: Role.EDITOR,
    Action.RESTORE: Role.EDITOR,
    Action.SEE_DELETED: Role.EDITOR,
}

_DOING = {
    Action.LOG: "log and edit records", Action.DRAFT: "draft verdicts",
    Action.PUBLISH: "publish verdicts", Action.CORRECT: "correct verdicts",
    Action.WITHDRAW: "withdraw verdicts", Action.CHANGE_STATE: "change a dispute's state",
    Action.DELETE: "delete records", Action.RESTORE: "restore deleted records",
    Action.SEE_DRAFTS: "see drafts", Action.SEE_DELETED: "see deleted records",
}


def allowed(user: User | None, action: Action) -> bool:
    """Whether `user` (None: an anonymous visitor) may do `action`."""
    return user is not None and getattr(user, "is_authenticated", True) and user.can(
        RULES[action])


def require(user: User | None, action: Action) -> User:
    """`user`, if allowed to do `action`; PermissionDenied naming the role otherwise."""
    if not allowed(user, action):
        role = RULES[action]
        raise PermissionDenied(f"Only {role.value}s and above may {_DOING[action]}.")
    return user


# -- who may see what --------------------------------------------------------------------

# Execution option that lets editors (and restore) see soft-deleted rows.
INCLUDE_DELETED = "include_deleted"


def install(session_class: type[Session] = Session) -> None:
    """Keep soft-deleted rows out of every ORM query of `session_class` (reads of pages,
    API, feeds, exports and services alike) unless it asks for them with
    INCLUDE_DELETED. Once."""
    if not event.contains(session_class, "do_orm_execute", _hide_soft_deleted):
        event.listen(session_class, "do_orm_execute", _hide_soft_deleted)


def _hide_soft_deleted(execute_state: ORMExecuteState) -> None:
    if (
        execute_state.is_select
        and not execute_state.is_column_load
        and not execute_state.is_relationship_load
        and not execute_state.execution_options.get(INCLUDE_DELETED, False)
    ):
        execute_state.statement = execute_state.statement.options(
            with_loader_criteria(
                SoftDeleteMixin,
                lambda cls: cls.deleted_at.is_(None),
                include_aliases=True,
            )
        )



@dataclass(frozen=True)
class Viewer:
    """Who is looking, and whether they asked to see deleted records too."""

    user: User | None = None
    include_deleted: bool = False

    @property
    def sees_drafts(self) -> bool:
        return allowed(self.user, Action.SEE_DRAFTS)

    @property
    def sees_deleted(self) -> bool:
        return self.include_deleted and allowed(self.user, Action.SEE_DELETED)


ANONYMOUS = Viewer()


def viewer(user: User | None, *, include_deleted: bool = False) -> Viewer:
    """The viewer `user` is; asking for deleted records needs an editor (403 otherwise)."""
    if include_deleted:
        require(user, Action.SEE_DELETED)
    return Viewer(user, include_deleted)


def verdict_states(viewer: Viewer) -> tuple[VerdictState, ...]:
    """The verdict states this viewer sees: drafts are for staff only."""
    if viewer.sees_drafts:
        return tuple(VerdictState)
    return (VerdictState.PUBLISHED, VerdictState.WITHDRAWN)


def get_visible(model: type[T], record_id: int, *, viewer: Viewer = ANONYMOUS) -> T:
    """The record with this id if `viewer` may see it; NotFound otherwise (out-of-range
    ids included: they cannot exist)."""
    record = None
    if 0 < record_id <= MAX_ID:
        record = db.session.get(
            model, record_id, execution_options={INCLUDE_DELETED: viewer.sees_deleted})
    # The identity map can hand back an object deleted earlier in this session.
    hidden = (isinstance(record, SoftDeleteMixin) and record.is_deleted
              and not viewer.sees_deleted)
    if record is not None and not viewer.sees_deleted:
        hidden = hidden or any(p is None or p.is_deleted for p in _parents(record))
    if record is None or hidden:
        raise NotFound(f"{model.__name__} {record_id} does not exist.")
    return record


def _parents(record) -> list:
    # A record whose parent is deleted is gone with it (a claim with its dispute, a quote
    # with its claim...). A deleted parent may also load as None: the soft-delete filter
    # follows an object's relationships.
    from app.models import Claim, Link, Quote, Verdict

    if isinstance(record, Claim):
        return [record.dispute]
    if isinstance(record, Quote | Verdict):
        return [record.claim] + ([record.claim.dispute] if record.claim is not None else [])
    if isinstance(record, Link):
        return [record.from_claim, record.to_claim]
    return []


def resolve(model: type[T], record_id: int | None, field: str) -> T | None:
    """A record a write refers to by id (`claimant_id`, `document_id`...): the live record,
    or a ValidationError naming the field. None stays None."""
    if record_id is None:
        return None
    try:
        return get_visible(model, record_id, viewer=Viewer(None, include_deleted=False))
    except NotFound as exc:
        raise ValidationError(f"{field}: {exc.message}", {field: [exc.message]}) from None


# -- which transitions are allowed -------------------------------------------------------

# A verdict's moves: from which states each is allowed, and the rule that says why not.
VERDICT_MOVES: dict[str, tuple[frozenset[VerdictState], str]] = {
    "edit": (frozenset({VerdictState.DRAFT}),
             "a published verdict is never edited in place; publish a correction instead"),
    "publish": (frozenset({VerdictState.DRAFT}), "only drafts are published"),
    "correct": (frozenset({VerdictState.PUBLISHED}), "only published verdicts are corrected"),
    "withdraw": (frozenset({VerdictState.PUBLISHED}), "only published verdicts are withdrawn"),
    "delete": (frozenset({VerdictState.DRAFT}),
               "a public verdict is never deleted; withdraw it, with a reason, so readers "
               "and feed consumers see why"),
}


def check_verdict_move(verdict, move: str) -> None:
    """InvalidTransition unless `verdict` may make `move` from the state it is in now."""
    allowed_from, rule = VERDICT_MOVES[move]
    if verdict.state not in allowed_from:
        raise InvalidTransition(f"Verdict {verdict.id} is {verdict.state.value}: {rule}.")
