"""Known claims on the pages: confirming from a claim's page that it repeats a claim
checked before ("This repeats it"). The claim page's panel (checked before, already
checked by others, likely matches) is built by app/services/known.py."""

from __future__ import annotations

from flask import abort, flash, redirect, url_for

from app.services import known
from app.services.errors import DomainError
from app.services.policy import Action
from app.web.auth import actor, requires
from app.web.blueprint import bp
from app.web.forms import RepeatForm


@bp.post("/claims/<int:claim_id>/repeats")
@requires(Action.LOG)
def confirm_repeat(claim_id: int):
    form = RepeatForm()
    if not form.validate_on_submit() or not form.original_claim_id.data:
        abort(400)  # the button's hidden field or CSRF token is missing or forged
    try:
        _, new = known.confirm_repeat(claim_id, form.original_claim_id.data, actor=actor())
    except DomainError as exc:
        flash(f"Not recorded: {exc.message}", "error")
    else:
        flash("Recorded: this account repeats one checked before." if new
              else "That repeat was already recorded.", "success")
    return redirect(url_for("web.claim", claim_id=claim_id, _anchor="known"))
