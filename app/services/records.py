"""Generic operations on any record: fetch, update, soft delete, restore."""

from __future__ import annotations

from typing import Any, TypeVar

from app.extensions import db
from app.models import Role, User, utcnow
from app.models.base import SoftDeleteMixin
from app.services.audit import INCLUDE_DELETED
from app.services.errors import InvalidTransition, NotFound
from app.services.references import check_deletable
from app.services.uow import check_version, require_role, transaction

T = TypeVar("T")

# Ids are INTEGER columns: 32-bit on PostgreSQL, where a larger number in a query is a
# database error ("out of range"), not a miss. Larger ids cannot exist on either backend.
MAX_ID = 2**31 - 1


def get_or_404(model: type[T], record_id: int, *, include_deleted: bool = False) -> T:
    obj = None
    if 0 < record_id <= MAX_ID:
        obj = db.session.get(
            model, record_id, execution_options={INCLUDE_DELETED: include_deleted}
        )
    # The identity map can hand back an object deleted earlier in this session.
    hidden = isinstance(obj, SoftDeleteMixin) and obj.is_deleted and not include_deleted
    if obj is None or hidden:
        raise NotFound(f"{model.__name__} {record_id} does not exist.")
    return obj


def update(
    obj: T,
    changes: dict[str, Any],
    actor: User,
    *,
    expected_version: int | None = None,
    reason: str = "",
    role: Role = Role.JOURNALIST,
) -> T:
    require_role(actor, role)
    with transaction(actor, reason):
        check_version(obj, expected_version)
        for key, value in changes.items():
            setattr(obj, key, value)
    return obj


def soft_delete(
    obj: SoftDeleteMixin,
    actor: User,
    *,
    reason: str = "",
    expected_version: int | None = None,
    role: Role = Role.JOURNALIST,
) -> None:
    require_role(actor, role)
    if obj.deleted_at is not None:
        raise InvalidTransition(f"{type(obj).__name__} {obj.id} is already deleted.")
    check_deletable(obj)  # nothing live may be left pointing at a hidden record
    with transaction(actor, reason):
        check_version(obj, expected_version)
        obj.deleted_at = utcnow()


def restore(model: type[T], record_id: int, actor: User, *, reason: str = "") -> T:
    """Editors bring back a soft-deleted record."""
    require_role(actor, Role.EDITOR)
    obj = get_or_404(model, record_id, include_deleted=True)
    if obj.deleted_at is None:
        raise InvalidTransition(f"{model.__name__} {record_id} is not deleted.")
    with transaction(actor, reason):
        obj.deleted_at = None
    return obj
