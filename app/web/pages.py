"""Small helpers shared by the page views: the page number of a list, pagination, and
what an editor sees of a deleted record."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import render_template, request
from flask_sqlalchemy.pagination import Pagination

from app.digits import whole_number
from app.extensions import db
from app.services import policy
from app.services.errors import NotFound, ValidationError
from app.web.auth import signed_in
from app.web.forms import RestoreForm

PER_PAGE = 20


def int_arg(name: str, *, default: int | None = None, minimum: int = 1,
            maximum: int = 2**31) -> int | None:
    """An integer query argument (ASCII digits); anything else is a 422 naming it."""
    raw = request.args.get(name, "").strip()
    if not raw:
        return default
    try:
        value = whole_number(raw)
    except ValueError:
        value = None
    if value is None or not minimum <= value <= maximum:
        raise ValidationError(
            f"The {name} must be a whole number from {minimum}.",
            {name: [f"a whole number from {minimum} to {maximum}"]},
        )
    return value


def choice_arg(name: str, allowed: list[str]) -> str | None:
    raw = request.args.get(name, "").strip()
    if not raw:
        return None
    if raw not in allowed:
        raise ValidationError(f"Unknown {name} {raw!r}.", {name: [f"one of {', '.join(allowed)}"]})
    return raw


def paginate(stmt: sa.Select, per_page: int = PER_PAGE) -> Pagination:
    page = int_arg("page", default=1, maximum=100_000)
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False, count=True)


def deleted_or_404(model: type, record_id: int, exc: NotFound) -> Any:
    """Editors who open a deleted record see what it was and can restore it; everyone
    else gets the 404 the record's absence means."""
    if not policy.allowed(signed_in(), policy.Action.SEE_DELETED):
        raise exc
    record = policy.get_visible(model, record_id,
                                viewer=policy.viewer(signed_in(), include_deleted=True))
    return render_template("deleted.html", record=record, kind=model.__tablename__,
                           restore_form=RestoreForm())
