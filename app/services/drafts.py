"""Half-filled forms kept while their author creates a missing source or document.

The journalist presses "New source…" in the middle of a dispute or claim form; the
form's fields are kept here (`save_draft`), the source form opens, and saving the
source (`create_into_draft`) writes its id into the kept form, which then comes back
as it was typed, with the new source selected. No script is involved, so the page's
strict CSP stands. Drafts are the user's own; old ones are cleared as new ones come.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar

import sqlalchemy as sa

from app.extensions import db
from app.models import FormDraft, User
from app.models.base import utcnow
from app.services.errors import NotFound
from app.services.uow import transaction

T = TypeVar("T")
KEEP_FOR = timedelta(days=2)
# Fields that are the form's own machinery, never kept (a fresh token comes with the page).
NOT_KEPT = frozenset({"csrf_token", "new_record"})


def save_draft(*, actor: User, path: str, field: str, fields: dict[str, list[str]]) -> str:
    """Keep a posted form for `actor`, to come back to at `path` with `field` filled in
    later. Returns the draft's token. Commits."""
    token = secrets.token_urlsafe(24)
    kept = {name: list(values) for name, values in fields.items() if name not in NOT_KEPT}
    with transaction(actor=actor):
        db.session.execute(sa.delete(FormDraft).where(
            FormDraft.user_id == actor.id, FormDraft.created_at < utcnow() - KEEP_FOR))
        db.session.add(FormDraft(user_id=actor.id, token=token, path=path, field=field,
                                 fields=kept))
    return token


def get_draft(token: str | None, *, actor: User) -> FormDraft | None:
    """The actor's draft with this token; None for no token, another user's or an
    expired one."""
    if not token or len(token) > 64:
        return None
    return db.session.scalars(sa.select(FormDraft).where(
        FormDraft.user_id == actor.id, FormDraft.token == token,
        FormDraft.created_at >= utcnow() - KEEP_FOR)).one_or_none()


def create_into_draft(token: str, *, actor: User, create: Callable[[], T]) -> T:
    """Create a record with `create` (a service call) and select it in the draft's
    field, in one transaction. NotFound when the draft is gone. Commits."""
    with transaction(actor=actor):
        draft = get_draft(token, actor=actor)
        if draft is None:
            raise NotFound("That half-filled form is no longer kept.")
        record: Any = create()
        db.session.flush()
        draft.fields = {**draft.fields, draft.field: [str(record.id)]}
    return record


def return_url(draft: FormDraft) -> str:
    """The form page the draft came from, asked to restore it."""
    return f"{draft.path}{'&' if '?' in draft.path else '?'}draft={draft.token}"
