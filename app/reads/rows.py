"""Row values as the API's schemas dump them, for the read models that skip the ORM
(verdicts.py, disputes.py)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from app.services.differences import FIELDS as DIFFERENCE_FIELDS

# RecordSchema's fields: every stored record shows them.
RECORD_COLUMNS = ("id", "created_at", "updated_at", "deleted_at", "lock_version")


def iso(value: datetime | date | None) -> str | None:
    """As marshmallow's DateTime and Date fields dump it."""
    return value.isoformat() if value is not None else None


def record_fields(row: Any) -> dict[str, Any]:
    """RecordSchema's fields of a row that has RECORD_COLUMNS."""
    return {"id": row.id, "created_at": iso(row.created_at),
            "updated_at": iso(row.updated_at), "deleted_at": iso(row.deleted_at),
            "lock_version": row.lock_version}


def differences(value: list[dict] | None) -> list[dict] | None:
    """A quote's stored differences with their keys in DifferenceSchema's order
    (PostgreSQL's JSONB keeps no key order)."""
    if value is None:
        return None
    return [{key: item.get(key) for key in DIFFERENCE_FIELDS} for item in value]
