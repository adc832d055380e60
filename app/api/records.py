"""What every resource does alike: fetch one record for a viewer, soft-delete it,
restore it, answer a creation. The services do the work; this is the HTTP side."""

from __future__ import annotations

from typing import Any, TypeVar

import sqlalchemy as sa
from flask import url_for

from app.api import auth, conditional
from app.models import Claim, Link, Quote, Role, Verdict
from app.services import records
from app.services.errors import NotFound

T = TypeVar("T")


def _claim_and_dispute(claim: Claim | None) -> list:
    return [claim, claim.dispute if claim is not None else None]


# A record whose parent is deleted is gone with it (a claim with its dispute, a quote
# with its claim...). A deleted parent may also load as None: the soft-delete filter
# follows an object's relationships.
PARENTS = {
    Claim: lambda claim: [claim.dispute],
    Quote: lambda quote: _claim_and_dispute(quote.claim),
    Link: lambda link: [link.from_claim, link.to_claim],
    Verdict: lambda verdict: _claim_and_dispute(verdict.claim),
}


def _visible(model: type[T], record_id: int, *, include_deleted: bool) -> T:
    record = records.get_or_404(model, record_id, include_deleted=include_deleted)
    parents = PARENTS.get(model, lambda record: [])
    if not include_deleted and any(p is None or p.is_deleted for p in parents(record)):
        raise NotFound(f"{model.__name__} {record_id} does not exist.")
    return record


def fetch(model: type[T], record_id: int, *, include_deleted: bool = False) -> T:
    """The record as this viewer may see it (404 otherwise); its version tags the ETag.
    Editors asking for deleted records see them, and the records of deleted parents."""
    record = _visible(model, record_id, include_deleted=auth.include_deleted(include_deleted))
    conditional.etag_version(record.lock_version)
    return record


def for_update(model: type[T], record_id: int) -> tuple[T, int | None]:
    """The record a write is about (what cannot be seen cannot be changed) and the
    version its If-Match vouches for (412 otherwise)."""
    record = _visible(model, record_id, include_deleted=False)
    return record, conditional.expected_version(record)


def done(record: Any) -> Any:
    """A write's answer: the record, with the new version in its ETag."""
    conditional.etag_version(record.lock_version)
    return record


def created(record: Any, endpoint: str) -> tuple[Any, int, dict[str, str]]:
    conditional.etag_version(record.lock_version)
    return record, 201, {"Location": url_for(endpoint, record_id=record.id)}


def delete(model: type, record_id: int, reason: str) -> None:
    record, version = for_update(model, record_id)
    records.soft_delete(record, auth.current_user(), reason=reason, expected_version=version)


def restore(model: type[T], record_id: int, reason: str) -> T:
    return done(records.restore(model, record_id, auth.require(Role.EDITOR), reason=reason))


def listing(stmt: sa.Select, model: type, query: dict[str, Any]) -> sa.Select:
    """Filters every list shares: updated_since, include_deleted (editors)."""
    if query.get("updated_since") is not None:
        stmt = stmt.where(model.updated_at >= query["updated_since"])
    if auth.include_deleted(query.pop("include_deleted", False)):
        stmt = stmt.execution_options(include_deleted=True)
    return stmt
