"""The forms' second step: "New source…" / "New document…" buttons in a half-filled
form keep it on the server (app/services/drafts.py), open the source or document form,
and bring the first form back as typed, with the new record selected. Plain submit
buttons and redirects: no script, so the strict CSP stands."""

from __future__ import annotations

import re
from urllib.parse import urlencode

from flask import flash, redirect, request, url_for
from werkzeug.datastructures import MultiDict

from app.services import drafts
from app.web.auth import actor

# The submit buttons' name; their value is "<kind>:<field name>", e.g. "source:claimant_id".
NEW_RECORD = "new_record"
KINDS = {"source": "web.new_source", "document": "web.new_document"}
_FIELD = re.compile(r"[a-z][a-z0-9_-]{0,199}")


def second_step():
    """When a "New …" button sent the form: keep it and go to that record's form (a
    redirect); otherwise None."""
    if request.method != "POST":
        return None
    kind, _, field = request.form.get(NEW_RECORD, "").partition(":")
    if kind not in KINDS or not _FIELD.fullmatch(field):
        return None
    args = [(k, v) for k, v in request.args.items(multi=True) if k != "draft"]
    path = request.path + (f"?{urlencode(args)}" if args else "")
    token = drafts.save_draft(actor=actor(), path=path, field=field,
                              fields=request.form.to_dict(flat=False))
    return redirect(url_for(KINDS[kind], draft=token))


def restored() -> MultiDict | None:
    """On the first form's page, reached back from the second step (?draft=): what was
    typed, with the new record selected."""
    if request.method != "GET":
        return None
    draft = drafts.get_draft(request.args.get("draft"), actor=actor())
    if draft is None:
        return None
    flash("Your form is as you left it" + (", with the new record selected." if any(
        draft.fields.get(draft.field, [""])) else "."), "info")
    return MultiDict([(name, value) for name, values in draft.fields.items()
                      for value in values])


def form_kwargs() -> dict:
    """`formdata=` for a form class when a kept form comes back, else nothing (so that
    Flask-WTF reads the request as usual: formdata=None would mean no data at all)."""
    data = restored()
    return {} if data is None else {"formdata": data}


def current_draft():
    """On the second step's page: the kept form this record is for, if any."""
    return drafts.get_draft(request.args.get("draft"), actor=actor())


def into(draft, create):
    """The service call that creates the record: as it is, or, on the second step,
    selecting the new record in the kept form in the same transaction."""
    if draft is None:
        return create
    return lambda: drafts.create_into_draft(draft.token, actor=actor(), create=create)


def back_to(draft, default: str) -> str:
    """Where to go once the record is saved: back to the kept form, or `default`."""
    return drafts.return_url(draft) if draft is not None else default
