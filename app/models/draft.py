"""Half-filled forms kept on the server while their author creates a missing source or
document (the "New source…" second step), so that nothing typed is lost and no script
is needed: the form comes back with what was typed and the new record selected."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.base import JSONType, UTCDateTime, utcnow


class FormDraft(db.Model):
    __tablename__ = "form_drafts"
    __table_args__ = (sa.UniqueConstraint("user_id", "token"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"),
                                         index=True)
    # random, in the second step's URL: a user may have several drafts open in tabs
    token: Mapped[str] = mapped_column(sa.String(64))
    # the form page to return to (a path on this site), and the select to fill there
    path: Mapped[str] = mapped_column(sa.String(500))
    field: Mapped[str] = mapped_column(sa.String(200))
    # the posted fields, name -> list of values, as the browser sent them
    fields: Mapped[Any] = mapped_column(JSONType)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
