"""Counterclaim's editorial rules, decided in one place: who may do what, who may see
what, and which transitions are allowed. The API, the pages, search, feeds, exports
and the read models ask here; they keep no rules of their own.

Who may do what is `RULES` (the README's role table says the same; a test holds them
together). Readers (and anonymous visitors) see what is published: no drafts, nothing
deleted, nothing under a deleted parent (`app.services.lifecycle` deletes a record's
children with it), and no rating of a withdrawn verdict.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import TypeVar

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session, with_loader_criteria

from app.extensions import db
from app.models import Revision, Role, User, Verdict, VerdictState
from app.models.base import MAX_ID, SoftDeleteMixin
from app.services.errors import (
    Conflict,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    ValidationError,
)
from app.services.uow import check_version

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
    SEE_ACCOUNTS = "see_accounts"  # users' and API tokens' change log
    MANAGE_ACCOUNTS = "manage_accounts"  # users, roles, API tokens


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
    Action.SEE_ACCOUNTS: Role.ADMIN,
    Action.MANAGE_ACCOUNTS: Role.ADMIN,
}

_DOING = {
    Action.LOG: "log and edit records", Action.DRAFT: "draft verdicts",
    Action.PUBLISH: "publish verdicts", Action.CORRECT: "correct verdicts",
    Action.WITHDRAW: "withdraw verdicts", Action.CHANGE_STATE: "change a dispute's state",
    Action.DELETE: "delete records", Action.RESTORE: "restore deleted records",
    Action.SEE_DRAFTS: "see drafts", Action.SEE_DELETED: "see deleted records",
    Action.SEE_ACCOUNTS: "see the accounts' change log",
    Action.MANAGE_ACCOUNTS: "manage users, roles and API tokens",
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
        execute_state.statement = _without_deleted(execute_state.statement)


# A statement built once (the read models') gets its filtered copy once too: the copy's
# cache key is then worked out once, not at every execution (as much CPU as the rest of
# a one-row read). Keyed by identity; the original is held, so its id is not reused.
_FILTERED: dict[int, tuple[sa.Select, sa.Select]] = {}


def visible(statement: sa.Select) -> sa.Select:
    """`statement` as every ORM read runs it: soft-deleted rows left out. For read models
    that run a statement built once on the session's connection (Core execution skips
    the ORM's per-execution work, and with it this session hook)."""
    return _without_deleted(statement)


def _without_deleted(statement: sa.Select) -> sa.Select:
    found = _FILTERED.get(id(statement))
    if found is not None and found[0] is statement:
        return found[1]
    filtered = statement.options(
        with_loader_criteria(
            SoftDeleteMixin,
            lambda cls: cls.deleted_at.is_(None),
            include_aliases=True,
        )
    )
    if len(_FILTERED) >= 512:  # statements built per request pass through: a bound
        _FILTERED.clear()
    _FILTERED[id(statement)] = (statement, filtered)
    return filtered



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


# What readers see of verdicts: all but drafts (a withdrawal is public, with its reason).
PUBLIC_VERDICT_STATES = (VerdictState.PUBLISHED, VerdictState.WITHDRAWN)


def verdict_states(viewer: Viewer) -> tuple[VerdictState, ...]:
    """The verdict states this viewer sees: drafts are for staff only."""
    if viewer.sees_drafts:
        return tuple(VerdictState)
    return PUBLIC_VERDICT_STATES


def shows_rating(state: VerdictState) -> bool:
    """Whether a verdict in `state` shows its rating anywhere (objects, ClaimReview, pages,
    feeds): a withdrawn verdict shows its withdrawal and reason instead — a rating the
    newsroom retracted never goes out again. (Its history still says what each earlier
    version said, as history.)"""
    return state is not VerdictState.WITHDRAWN


# Whose change log is public: the records readers see. Verdicts' is not (a draft's
# rating and rationale are in it; a verdict's public record is its history), nor are
# accounts' (admins only).
_PUBLIC_LOGS = ("events", "disputes", "sources", "documents", "claims", "quotes", "links")
_ACCOUNT_LOGS = ("users", "api_tokens")


def visible_revisions(stmt: sa.Select, viewer: Viewer) -> sa.Select:
    """`stmt` (a select of Revisions) limited to what `viewer` may read: readers the
    revisions of public records that are live now; journalists those of every record of
    the newsroom that is live now (drafts included); editors also those of deleted
    records; admins also the accounts'."""
    if allowed(viewer.user, Action.SEE_ACCOUNTS):
        return stmt
    if allowed(viewer.user, Action.SEE_DELETED):
        return stmt.where(Revision.entity_type.not_in(_ACCOUNT_LOGS))
    logs = [m.class_ for m in db.Model.registry.mappers
            if issubclass(m.class_, SoftDeleteMixin)
            and (viewer.sees_drafts or m.class_.__tablename__ in _PUBLIC_LOGS)]
    live = [sa.and_(Revision.entity_type == model.__tablename__,
                    Revision.entity_id.in_(sa.select(model.id)
                                           .where(model.deleted_at.is_(None))))
            for model in sorted(logs, key=lambda m: m.__tablename__)]
    if viewer.sees_drafts:  # the newsroom's other tables (versions, evidence...) too
        others = {m.class_.__tablename__ for m in db.Model.registry.mappers} - {
            m.__tablename__ for m in logs} - set(_ACCOUNT_LOGS)
        live.append(Revision.entity_type.in_(sorted(others)))
    return stmt.where(sa.or_(*live))


def get_visible(model: type[T], record_id: int, *, viewer: Viewer = ANONYMOUS) -> T:
    """The record with this id if `viewer` may see it; NotFound otherwise (out-of-range
    ids included: they cannot exist). A record under a deleted parent is deleted with it
    (`app.services.lifecycle`), so being live is all there is to check."""
    record = None
    if 0 < record_id <= MAX_ID:
        record = db.session.get(
            model, record_id, execution_options={INCLUDE_DELETED: viewer.sees_deleted})
    # The identity map can hand back an object deleted earlier in this session.
    hidden = (isinstance(record, SoftDeleteMixin) and record.is_deleted
              and not viewer.sees_deleted)
    if isinstance(record, Verdict) and record.state not in verdict_states(viewer):
        hidden = True  # a draft, for readers: as if absent
    if record is None or hidden:
        raise NotFound(f"{model.__name__} {record_id} does not exist.")
    return record


# -- keeping the rules true at commit ----------------------------------------------------
#
# Inside a unit of work (app/services/uow.py), a write takes row locks on what it changes
# and on what it depends on, always top-down (disputes, then claims, then what hangs off
# claims; by id within a level), so two writers never wait for each other in a circle.
# PostgreSQL: FOR UPDATE on a record that changes (its life included: delete, restore,
# publish), FOR KEY SHARE on a parent or reference that must still exist at commit — the
# two conflict, so a delete and a write depending on the deleted record are serialised,
# and whichever comes second reads what the first committed. SQLite renders no row locks:
# its writers are serialised whole by BEGIN IMMEDIATE.


def owners(model: type) -> tuple[tuple[str, type], ...]:
    """(foreign key, model) of what a `model` record belongs to: it is deleted with any
    of them (`app.services.lifecycle`)."""
    from app.models import Claim, Dispute, Link, Quote, Verdict

    return {
        Claim: (("dispute_id", Dispute),),
        Quote: (("claim_id", Claim),),
        Verdict: (("claim_id", Claim),),
        Link: (("from_claim_id", Claim), ("to_claim_id", Claim)),
    }.get(model, ())


def _level(model: type) -> int:
    from app.models import Claim, Dispute

    return {Dispute: 1, Claim: 2}.get(model, 0 if not owners(model) else 3)


def _ancestors(model: type, ids: set[int]) -> dict[type, set[int]]:
    """Every record that the `model` records `ids` belong to, directly or not."""
    found: dict[type, set[int]] = {}
    frontier = {model: ids}
    while frontier:
        above: dict[type, set[int]] = {}
        for kind, kind_ids in frontier.items():
            for key, owner in owners(kind):
                column = getattr(kind, key)
                rows = db.session.scalars(
                    sa.select(column).where(kind.id.in_(sorted(kind_ids)))
                    .execution_options(**{INCLUDE_DELETED: True}))
                above.setdefault(owner, set()).update(r for r in rows if r is not None)
        for kind, kind_ids in above.items():
            found.setdefault(kind, set()).update(kind_ids)
        frontier = {k: v for k, v in above.items() if v}
    return found


def lock_rows(model: type[T], ids: set[int], *, share: bool) -> list[T]:
    """Lock these rows (FOR KEY SHARE, or FOR UPDATE) and refresh them from the database,
    deleted ones included; in id order."""
    if not ids:
        return []
    stmt = (sa.select(model).where(model.id.in_(sorted(ids))).order_by(model.id)
            # OF: the row itself, not those of eagerly joined relationships (a verdict's
            # rating is joined, and PostgreSQL cannot lock the nullable side of a join)
            .with_for_update(read=share, key_share=share, of=model)
            .execution_options(**{INCLUDE_DELETED: True}, populate_existing=True))
    return list(db.session.scalars(stmt))


def lock_ancestors(model: type, ids: set[int]) -> list:
    """Lock (FOR KEY SHARE) what the records belong to, top-down; returns them."""
    ancestors = _ancestors(model, ids)
    locked = []
    for kind in sorted(ancestors, key=_level):
        locked.extend(lock_rows(kind, ancestors[kind], share=True))
    return locked


def lock_for_change(record: T, *, expected_version: int | None = None) -> T:
    """Inside a unit of work: lock what `record` belongs to (it must stay) and `record`
    itself (it is about to change), and read both afresh. Conflict when the record or
    something it belongs to was deleted since the caller read it; StaleVersion when it
    is not at `expected_version` (the version the caller read: If-Match, a form)."""
    model = type(record)
    gone = [a for a in lock_ancestors(model, {record.id}) if a.is_deleted]
    lock_rows(model, {record.id}, share=False)
    if gone or (isinstance(record, SoftDeleteMixin) and record.is_deleted):
        what = gone[0] if gone else record
        raise Conflict(f"{type(what).__name__} {what.id} was deleted just now, by someone "
                       f"else; {model.__name__} {record.id} cannot be changed.")
    check_version(record, expected_version)
    return record


def lock_deleted(model: type[T], record_id: int) -> T:
    """Inside a unit of work: lock a deleted `model` record about to be restored, and what
    it belongs to. NotFound when there is no such record."""
    found = []
    if 0 < record_id <= MAX_ID:
        lock_ancestors(model, {record_id})
        found = lock_rows(model, {record_id}, share=False)
    if not found:
        raise NotFound(f"{model.__name__} {record_id} does not exist.")
    return found[0]


def resolve(model: type[T], record_id: int | None, field: str, *,
            for_update: bool = False) -> T | None:
    """A record a write refers to by id (`claimant_id`, `document_id`...): the live record,
    locked so that it stays live until the write commits (FOR KEY SHARE; FOR UPDATE when
    the write must be the only one of its kind on it at a time, such as drafting its one
    verdict); ValidationError naming the field when it does not exist or is deleted. None
    stays None."""
    if record_id is None:
        return None
    target = None
    if 0 < record_id <= MAX_ID:
        lock_ancestors(model, {record_id})
        found = lock_rows(model, {record_id}, share=not for_update)
        target = found[0] if found else None
    if target is None or (isinstance(target, SoftDeleteMixin) and target.is_deleted):
        message = f"{model.__name__} {record_id} does not exist."
        raise ValidationError(f"{field}: {message}", {field: [message]})
    return target


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
