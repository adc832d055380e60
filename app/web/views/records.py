"""Soft delete and restore, for any kind of record, and the editors' list of deleted
records. Nothing is ever hard-deleted; every delete and restore is in the change log."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for

from app.models import Verdict
from app.reads import listings
from app.services import lifecycle, policy
from app.services.policy import Action
from app.web.auth import actor, requires, signed_in, viewer
from app.web.blueprint import bp
from app.web.forms import (
    ClaimForm,
    DeleteForm,
    DisputeForm,
    DocumentForm,
    EventForm,
    LinkEditForm,
    QuoteForm,
    RestoreForm,
    SourceForm,
    VerdictForm,
)
from app.web.formtools import edit_form, evidence_choices, render_form, save

KINDS = listings.TRASH_MODELS
SINGULAR = {"events": "event", "disputes": "dispute", "sources": "source",
            "documents": "document", "claims": "account", "quotes": "quote", "links": "link",
            "verdicts": "draft verdict"}
# What a record holds, as its edit form shows it: a delete confirmed on a stale copy
# shows what changed in these terms.
CONTENT = {"events": EventForm, "disputes": DisputeForm, "sources": SourceForm,
           "documents": DocumentForm, "claims": ClaimForm, "quotes": QuoteForm,
           "links": LinkEditForm, "verdicts": VerdictForm}


def _model(kind: str):
    if kind not in KINDS:
        abort(404)
    return KINDS[kind]


def _after_delete(kind: str, record) -> str:
    """Where to go once a record is gone: the page that held it."""
    if kind == "claims":
        return url_for("web.dispute", dispute_id=record.dispute_id)
    if kind == "quotes":
        return url_for("web.claim", claim_id=record.claim_id)
    if kind == "links":
        return url_for("web.claim", claim_id=record.from_claim_id)
    if kind == "verdicts":
        return url_for("web.claim", claim_id=record.claim_id)
    if kind == "disputes":
        return url_for("web.event", event_id=record.event_id)
    return url_for(f"web.{kind}")


@bp.route("/<kind>/<int:record_id>/delete", methods=["GET", "POST"])
@requires(Action.LOG)
def delete_record(kind: str, record_id: int):
    model = _model(kind)
    record = policy.get_visible(model, record_id, viewer=viewer())
    # the same rules as the API's DELETE: who may delete it, and whether it may go
    policy.require(signed_in(), lifecycle.delete_action(record))
    if isinstance(record, Verdict):
        policy.check_verdict_move(record, "delete")
    form = edit_form(DeleteForm, record, content=CONTENT[kind])
    if form.validate_on_submit():
        done = save(form, record, lambda: lifecycle.delete_record(
            record, actor=actor(), reason=form.reason.data or "",
            expected_version=form.expected_version) or True, confirm=True,
            choices=lambda: ({"target": evidence_choices(record.claim)}
                             if isinstance(record, Verdict) else {}))
        if done:
            flash(f"Deleted the {SINGULAR[kind]}. An editor can restore it from "
                  "“Deleted records”.", "success")
            return redirect(_after_delete(kind, record))
    return render_form("records/delete.html", form=form, record=record, kind=kind,
                       singular=SINGULAR[kind], goes=listings.goes_with(record))


@bp.post("/<kind>/<int:record_id>/restore")
@requires(Action.RESTORE)
def restore_record(kind: str, record_id: int):
    model = _model(kind)
    form = RestoreForm()
    form.validate_on_submit()
    record = lifecycle.restore_record(model, record_id, actor=actor(),
                                      reason=form.reason.data or "")
    flash(f"Restored the {SINGULAR[kind]}.", "success")
    return redirect(_record_url(kind, record))


def _record_url(kind: str, record) -> str:
    if kind in ("quotes", "verdicts"):
        return url_for("web.claim", claim_id=record.claim_id)
    if kind == "links":
        return url_for("web.claim", claim_id=record.from_claim_id)
    endpoint = {"claims": "claim", "events": "event", "disputes": "dispute",
                "sources": "source", "documents": "document"}[kind]
    return url_for(f"web.{endpoint}", **{f"{endpoint}_id": record.id})


@bp.get("/deleted")
@requires(Action.SEE_DELETED)
def deleted():
    return render_template("records/deleted.html", groups=listings.deleted_records(),
                           singular=SINGULAR, restore_form=RestoreForm())
