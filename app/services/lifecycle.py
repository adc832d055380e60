"""Soft delete and restore, for every kind of record. Nothing is ever hard-deleted;
every delete and restore is in the change log.

Two rules keep what readers see whole, on every surface at once:

- **A record goes with what it belongs to.** Deleting a dispute deletes its claims, and
  with each claim its quotes, verdicts and links, each marked `deleted_via` the dispute;
  restoring the dispute brings back exactly those. (What belongs to what:
  `policy.owners`.) So "is it live?" is one column on every surface — the API, pages,
  search, feeds, exports and revisions never have to walk up to a parent.
- **Nothing live points at a deleted record** (`REFERENCES`): a source, document, event
  or quote that live records still use cannot be deleted (Conflict naming them), and a
  record cannot be restored while something it points at is deleted. A published
  verdict's claim (or dispute) cannot be deleted: withdraw the verdict, publicly, first.

Both are checked inside the writing transaction, after taking the row locks that keep
them true until the commit (`policy.lock_for_change`; see app/services/uow.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TypeVar

import sqlalchemy as sa

from app.extensions import db
from app.models import (
    Claim,
    ClaimAppearance,
    ClaimAttribution,
    Dispute,
    Document,
    Event,
    Link,
    Quote,
    Source,
    User,
    Verdict,
    VerdictEvidence,
    VerdictState,
    VerdictVersion,
    utcnow,
)
from app.models.base import SoftDeleteMixin
from app.services.errors import Conflict, InvalidTransition
from app.services.policy import (
    INCLUDE_DELETED,
    Action,
    check_verdict_move,
    lock_deleted,
    lock_for_change,
    lock_rows,
    owners,
    require,
)
from app.services.uow import transaction

T = TypeVar("T")


@dataclass(frozen=True)
class Reference:
    """Records of `referrer` point at records of `target` (`what` says how, for
    messages): `pairs` selects (referrer id, target id) over live referrers."""

    referrer: type
    target: type
    what: str
    pairs: sa.Select


def _pairs(referrer_id, target_id, *joins) -> sa.Select:
    stmt = sa.select(referrer_id.label("referrer"), target_id.label("target"))
    for join in joins:
        stmt = stmt.join(*join)
    return stmt.where(target_id.is_not(None))


_EVIDENCE = ((VerdictVersion, VerdictVersion.id == VerdictEvidence.version_id),
             (Verdict, Verdict.id == VerdictVersion.verdict_id))

# Every way one record points at another. The ORM's soft-delete filter keeps deleted
# referrers out of `pairs` (joined tables included).
REFERENCES: tuple[Reference, ...] = (
    Reference(Dispute, Event, "disputes", _pairs(Dispute.id, Dispute.event_id)),
    Reference(Claim, Source, "claims (claimant)", _pairs(Claim.id, Claim.claimant_id)),
    Reference(Claim, Source, "claims (attribution chain)",
              _pairs(ClaimAttribution.claim_id, ClaimAttribution.source_id,
                     (Claim, Claim.id == ClaimAttribution.claim_id))),
    Reference(Claim, Document, "claims (first appearance)",
              _pairs(Claim.id, Claim.first_appearance_id)),
    Reference(Claim, Document, "claims (appearance)",
              _pairs(ClaimAppearance.claim_id, ClaimAppearance.document_id,
                     (Claim, Claim.id == ClaimAppearance.claim_id))),
    Reference(Quote, Source, "quotes (speaker)", _pairs(Quote.id, Quote.speaker_id)),
    Reference(Quote, Document, "quotes", _pairs(Quote.id, Quote.document_id)),
    Reference(Link, Quote, "links (scope)", _pairs(Link.id, Link.scope_quote_id)),
    Reference(Verdict, Claim, "verdicts (evidence)",
              _pairs(VerdictVersion.verdict_id, VerdictEvidence.claim_id, *_EVIDENCE)),
    Reference(Verdict, Document, "verdicts (evidence)",
              _pairs(VerdictVersion.verdict_id, VerdictEvidence.document_id, *_EVIDENCE)),
    Reference(Document, Source, "documents (publisher)",
              _pairs(Document.id, Document.publisher_id)),
    Reference(Source, Source, "sources (affiliation)", _pairs(Source.id, Source.parent_id)),
)


def key(record) -> str:
    """How `deleted_via` names a record: "disputes:5"."""
    return f"{record.__tablename__}:{record.id}"


def _name(model: type, record_id: int) -> str:
    return f"{model.__name__.lower()} {record_id}"


# -- what belongs to what ----------------------------------------------------------------


def _children(records: list, *, deleted_via: str | None = None) -> list:
    """The records that belong to `records` — live ones, or (for a restore) those deleted
    with `deleted_via` — all the way down, locked FOR UPDATE, top-down."""
    found: list = []
    frontier = list(records)
    while frontier:
        below: list = []
        for model in (Claim, Quote, Verdict, Link):
            conditions = []
            for fk, owner in owners(model):
                ids = sorted(r.id for r in frontier if isinstance(r, owner))
                if ids:
                    conditions.append(getattr(model, fk).in_(ids))
            if not conditions:
                continue
            stmt = sa.select(model.id).where(sa.or_(*conditions))
            if deleted_via is None:
                ids = set(db.session.scalars(stmt))
            else:
                ids = set(db.session.scalars(stmt.where(model.deleted_via == deleted_via)
                                             .execution_options(**{INCLUDE_DELETED: True})))
            ids -= {r.id for r in found if isinstance(r, model)}
            below.extend(r for r in lock_rows(model, ids, share=False)
                         if (r.deleted_at is None) == (deleted_via is None))
        found.extend(below)
        frontier = below
    return found


def _ids(records: Iterable, model: type) -> set[int]:
    return {r.id for r in records if isinstance(r, model)}


# -- deleting ----------------------------------------------------------------------------


def delete_action(record: SoftDeleteMixin) -> Action:
    """What deleting `record` takes: a draft verdict is its drafter's work (journalists
    and up); any other record is public, and deleting it is an editor's call."""
    if isinstance(record, Verdict) and record.state is VerdictState.DRAFT:
        return Action.DRAFT
    return Action.DELETE


def _check_nothing_points_at(group: list) -> None:
    """Conflict naming the live records outside `group` that use a record of it, and any
    published verdict in it."""
    problems = []
    published = [v.id for v in group if isinstance(v, Verdict)
                 and v.state is VerdictState.PUBLISHED]
    if published:
        problems.append("published verdicts (withdraw them first, publicly, with a reason): "
                        + _shown(published))
    for ref in REFERENCES:
        targets = _ids(group, ref.target)
        if not targets:
            continue
        users = _referrers(ref, targets) - _ids(group, ref.referrer)
        if users:
            problems.append(f"{ref.what}: {_shown(sorted(users))}")
    if problems:
        root = group[0]
        raise Conflict(f"{type(root).__name__} {root.id} is still in use by "
                       + "; ".join(problems) + ". Change or delete those first.",
                       {"in_use": problems})


def _referrers(ref: Reference, targets: set[int]) -> set[int]:
    pairs = ref.pairs.where(ref.pairs.selected_columns.target.in_(sorted(targets)))
    return {row.referrer for row in db.session.execute(pairs)}


def _shown(ids: list[int]) -> str:
    return ", ".join(str(i) for i in ids[:5]) + (", …" if len(ids) > 5 else "")


def delete_record(record: SoftDeleteMixin, *, actor: User, reason: str = "",
                  expected_version: int | None = None) -> None:
    """Soft-delete a record, and what belongs to it with it. Editors and up (journalists
    for draft verdicts); InvalidTransition when it is already deleted or is a public
    verdict; Conflict naming the live records that still use it (or a published verdict
    under it), or when it was deleted meanwhile; StaleVersion. Commits, with `reason`
    on every revision."""
    require(actor, delete_action(record))
    with transaction(actor=actor, reason=reason):
        # Conflict when it was deleted meanwhile, StaleVersion when it changed
        lock_for_change(record, expected_version=expected_version)
        if isinstance(record, Verdict):  # a draft may have been published meanwhile
            check_verdict_move(record, "delete")
        group = [record, *_children([record])]
        _check_nothing_points_at(group)
        now, via = utcnow(), key(record)
        for item in group:
            item.deleted_at = now
            item.deleted_via = None if item is record else via


# -- restoring ---------------------------------------------------------------------------


def _deleted_targets(group: list) -> tuple[list[str], dict[int, str]]:
    """What the records of `group` point at that is deleted and stays so: problems to
    report, and, for links whose other end is deleted, the key to stay deleted with."""
    problems: list[str] = []
    links_waiting: dict[int, str] = {}
    in_group = {(type(r), r.id) for r in group}
    for ref in REFERENCES:
        referrers = _ids(group, ref.referrer)
        if not referrers:
            continue
        pairs = ref.pairs.where(ref.pairs.selected_columns.referrer.in_(sorted(referrers)))
        rows = db.session.execute(pairs.execution_options(**{INCLUDE_DELETED: True})).all()
        targets = {row.target for row in rows} - {i for m, i in in_group if m is ref.target}
        dead = {t.id for t in lock_rows(ref.target, targets, share=True) if t.is_deleted}
        for row in rows:
            if row.target in dead:
                problems.append(f"{_name(ref.referrer, row.referrer)} points at "
                                f"{_name(ref.target, row.target)} ({ref.what.split(' ')[0]}), "
                                "which is deleted")
    for link in (r for r in group if isinstance(r, Link)):
        for end in (link.from_claim_id, link.to_claim_id):
            if (Claim, end) in in_group:
                continue
            claim = lock_rows(Claim, {end}, share=True)[0]
            if claim.is_deleted:
                links_waiting[link.id] = claim.deleted_via or key(claim)
    return problems, links_waiting


def restore_record(model: type[T], record_id: int, *, actor: User, reason: str = "") -> T:
    """Bring back a soft-deleted record and what was deleted with it. Editors and up;
    NotFound; InvalidTransition when it is not deleted, or was deleted with something
    else (restore that); Conflict when what it belongs to or points at is deleted.
    Commits, with `reason` on every revision."""
    require(actor, Action.RESTORE)
    with transaction(actor=actor, reason=reason):
        record = lock_deleted(model, record_id)
        if record.deleted_at is None:
            raise InvalidTransition(f"{model.__name__} {record_id} is not deleted.")
        if record.deleted_via:
            kind, _, ident = record.deleted_via.partition(":")
            raise InvalidTransition(
                f"{model.__name__} {record_id} was deleted with {kind.rstrip('s')} {ident}: "
                "restore that, and this comes back with it.")
        for fk, owner in owners(model):
            parent = lock_rows(owner, {getattr(record, fk)}, share=True)
            if parent and parent[0].is_deleted:
                raise Conflict(f"{model.__name__} {record_id} belongs to "
                               f"{_name(owner, parent[0].id)}, which is deleted: restore "
                               "that first.")
        group = [record, *_children([record], deleted_via=key(record))]
        problems, links_waiting = _deleted_targets(group)
        if problems:
            raise Conflict(f"{model.__name__} {record_id} cannot come back while what it "
                           "points at is deleted: " + "; ".join(problems)
                           + ". Restore those first.", {"deleted": problems})
        for item in group:
            if isinstance(item, Link) and item.id in links_waiting:
                item.deleted_via = links_waiting[item.id]  # back when its other end is
                continue
            item.deleted_at = None
            item.deleted_via = None
    return record
