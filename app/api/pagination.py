"""Pagination, written once: page lists and the keyset (cursor) feed.

Page lists: the view returns a filtered, ordered `select()`; `paginated` counts it,
fetches one page and answers with `Link` (first/prev/next/last, RFC 8288) and
`X-Total-Count` headers. The feed: `keyset_page` walks (updated_at, id) from an opaque
cursor, so a consumer never misses or repeats a row while rows change between pages; its
position and size are bound parameters, so each page of a feed runs the same statement.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from functools import wraps
from typing import Any
from urllib.parse import urlencode

import sqlalchemy as sa
from flask import request

from app.errors import validation_message
from app.extensions import db
from app.models.base import MAX_ID
from app.reads.rows import iso_stamp, read
from app.services.errors import ValidationError

PAGE_HEADERS = {
    "Link": {"description": "RFC 8288 links to the first, prev, next and last pages.",
             "schema": {"type": "string"}},
    "X-Total-Count": {"description": "How many items match, over all pages.",
                      "schema": {"type": "integer"}},
}
FEED_HEADERS = {
    "Link": {"description": 'rel="next": the next batch, present while more may follow.',
             "schema": {"type": "string"}},
    "X-Next-Cursor": {"description": "Resume from here next time (pass it as `cursor`): "
                                     "the position after the last item sent.",
                      "schema": {"type": "string"}},
}


def page_url(**changes: Any) -> str:
    """This request's URL with some query parameters replaced (others kept, in order)."""
    args = request.args.to_dict(flat=False)
    for key, value in changes.items():
        args[key] = [str(value)]
    return f"{request.base_url}?{urlencode(args, doseq=True)}"


def link_header(links: Sequence[tuple[str, str]]) -> str:
    return ", ".join(f'<{url}>; rel="{rel}"' for rel, url in links)


def paginated(view: Callable[..., sa.Select]) -> Callable:
    """Decorate a list view (under `@blp.response`) that returns a `select()` whose ORDER
    BY is unique (ends with the id), with its query args holding page and per_page."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        query = args[-1]
        page, per_page = query.pop("page"), query.pop("per_page")
        stmt = view(*args, **kwargs)
        count = sa.select(sa.func.count()).select_from(stmt.order_by(None).subquery())
        # include_deleted (and any other option) must reach the count as well
        total = db.session.scalar(count.execution_options(**stmt.get_execution_options()))
        items = db.session.scalars(stmt.limit(per_page).offset((page - 1) * per_page)).all()
        last = max(1, -(-total // per_page))
        links = [("first", page_url(page=1))]
        if 1 < page <= last + 1:
            links.append(("prev", page_url(page=page - 1)))
        if page < last:
            links.append(("next", page_url(page=page + 1)))
        links.append(("last", page_url(page=last)))
        return items, 200, {"Link": link_header(links), "X-Total-Count": str(total)}

    wrapper._apidoc = dict(getattr(wrapper, "_apidoc", {}))
    wrapper._apidoc["counterclaim_paginated"] = PAGE_HEADERS
    return wrapper


# -- keyset cursor over (updated_at, id) -------------------------------------------------


def encode_cursor(updated_at: datetime | str, record_id: int) -> str:
    """The cursor after the row (updated_at, record_id); `updated_at` a UTC datetime or
    a `rows.stamp` of one."""
    raw = f"{iso_stamp(updated_at)}|{record_id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        stamp, _, record_id = raw.partition("|")
        when = datetime.fromisoformat(stamp)
        number = int(record_id)
        if when.tzinfo is None or not 0 < number <= MAX_ID:
            raise ValueError
        return when.astimezone(UTC), number
    except (ValueError, binascii.Error, UnicodeDecodeError, OverflowError):
        fields = {"cursor": ["Not a cursor this API handed out."]}
        raise ValidationError(validation_message(fields), fields) from None


def keyset_page(stmt: sa.Select, model, *, cursor: str | None, limit: int,
                params: Mapping[str, Any] | None = None,
                conn: sa.Connection | None = None):
    """One batch of `stmt` (a read model's select of rows with `updated_at` and `id`
    columns of `model`, its visibility written into it: it runs as Core, `rows.read`, on
    `conn` if given) in (updated_at, id) order after `cursor`, with `params` bound;
    returns the rows, the cursor to resume from, and whether more may follow."""
    values = {**(params or {}), "keyset_limit": limit}
    if cursor:
        values["keyset_at"], values["keyset_id"] = decode_cursor(cursor)
    items = read(_keyset(stmt, model, after=bool(cursor)), values, conn)
    next_cursor = encode_cursor(items[-1].updated_at, items[-1].id) if items else cursor
    return items, next_cursor, len(items) == limit


# (id of the statement, after a cursor?) -> (the statement, its keyset form): built once
# per statement (the read models build theirs once), so SQLAlchemy works out each one's
# cache key once, not at every request. The statement is held, so its id is not reused.
_KEYSET: dict[tuple[int, bool], tuple[sa.Select, sa.Select]] = {}


def _keyset(stmt: sa.Select, model, *, after: bool) -> sa.Select:
    found = _KEYSET.get((id(stmt), after))
    if found is not None and found[0] is stmt:
        return found[1]
    keyset = stmt
    if after:
        # A row-value comparison, not (a > x OR a = x AND id > y): both databases seek
        # the (updated_at, id) index to the cursor, where the OR form reads the index
        # from its start (deep pages of the feed would cost more and more).
        keyset = keyset.where(sa.tuple_(model.updated_at, model.id) > sa.tuple_(
            sa.bindparam("keyset_at", type_=model.updated_at.type),
            sa.bindparam("keyset_id", type_=model.id.type)))
    keyset = keyset.order_by(model.updated_at, model.id).limit(sa.bindparam("keyset_limit"))
    if len(_KEYSET) >= 512:  # statements built per request would pass through: a bound
        _KEYSET.clear()
    _KEYSET[(id(stmt), after)] = (stmt, keyset)
    return keyset
