"""What every resource view does alike, on the HTTP side: fetch one record as the
caller may see it, take the record a write is about with the version its If-Match
vouches for, answer a creation, delete and restore. The services decide; this adapts."""

from __future__ import annotations

from typing import Any, TypeVar

import sqlalchemy as sa
from flask import url_for

from app.api import auth, conditional
from app.services import lifecycle, policy

T = TypeVar("T")


def fetch(model: type[T], record_id: int, *, include_deleted: bool = False) -> T:
    """The record as this caller may see it (404 otherwise); its version tags the ETag.
    Editors asking for deleted records see them."""
    record = policy.get_visible(model, record_id,
                                viewer=auth.viewer(include_deleted=include_deleted))
    conditional.etag_version(record.lock_version)
    return record


def for_update(model: type[T], record_id: int) -> tuple[T, int | None]:
    """The record a write is about (what cannot be seen cannot be changed) and the
    version its If-Match vouches for (412 otherwise)."""
    record = policy.get_visible(model, record_id, viewer=auth.viewer())
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
    lifecycle.delete_record(record, actor=auth.current_user(), reason=reason,
                            expected_version=version)


def restore(model: type[T], record_id: int, reason: str) -> T:
    return done(lifecycle.restore_record(model, record_id, actor=auth.current_user(),
                                         reason=reason))


def listing(stmt: sa.Select, model: type, query: dict[str, Any]) -> sa.Select:
    """Filters every list shares: updated_since, include_deleted (editors)."""
    if query.get("updated_since") is not None:
        stmt = stmt.where(model.updated_at >= query["updated_since"])
    if auth.viewer(include_deleted=query.pop("include_deleted", False)).sees_deleted:
        stmt = stmt.execution_options(include_deleted=True)
    return stmt
