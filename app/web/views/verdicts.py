"""Verdicts: journalists draft; editors publish, correct (with a reason) and withdraw.
A published version is never edited: corrections append a version to the public history."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for

from app.models import RATING_LABELS, Claim, Verdict, VerdictState
from app.query_args import query_args
from app.reads import listings
from app.services import policy
from app.services import verdicts as verdict_service
from app.services.policy import Action
from app.web.auth import actor, requires, viewer
from app.web.blueprint import bp
from app.web.forms import ActionForm, CorrectionForm, VerdictForm, WithdrawForm
from app.web.formtools import attempt, edit_form, evidence_choices, render_form, save
from app.web.pages import choice_arg, paginate

RATINGS = [str(v) for v in RATING_LABELS]


@bp.get("/verdicts")
@query_args("rating", "state", "page")
def verdicts():
    rating = choice_arg("rating", RATINGS)
    state = choice_arg("state", [VerdictState.PUBLISHED.value, VerdictState.WITHDRAWN.value])
    pagination = paginate(listings.verdicts_query(
        int(rating) if rating else None, VerdictState(state) if state else None))
    return render_template("verdicts/list.html", pagination=pagination, rating=rating,
                           state=state)


def _back_to_claim(verdict: Verdict):
    """A verdict lives on its claim's page, at the verdict's history."""
    return redirect(url_for("web.claim", claim_id=verdict.claim_id,
                            _anchor=f"verdict-{verdict.id}"))


@bp.get("/verdicts/<int:verdict_id>")
def verdict(verdict_id: int):
    """A verdict lives on its claim's page, with its whole history."""
    return _back_to_claim(policy.get_visible(Verdict, verdict_id, viewer=viewer()))


@bp.route("/claims/<int:claim_id>/verdicts/new", methods=["GET", "POST"])
@requires(Action.DRAFT)
def new_verdict(claim_id: int):
    claim = policy.get_visible(Claim, claim_id, viewer=viewer())
    form = VerdictForm()
    form.set_evidence_choices(evidence_choices(claim))
    if form.validate_on_submit():
        verdict = attempt(form, lambda: verdict_service.draft_verdict(
            claim.id, form.rating_value.data, form.rationale.data, form.evidence_data(),
            actor=actor()))
        if verdict is not None:
            flash("Draft verdict saved. Only staff can see it until an editor publishes it.",
                  "success")
            return redirect(url_for("web.claim", claim_id=claim.id,
                                    _anchor=f"verdict-{verdict.id}"))
    return render_form("verdicts/form.html", form=form, claim=claim, verdict=None,
                       mode="draft")


@bp.route("/verdicts/<int:verdict_id>/edit", methods=["GET", "POST"])
@requires(Action.DRAFT)
def edit_verdict(verdict_id: int):
    verdict = policy.get_visible(Verdict, verdict_id, viewer=viewer())
    if verdict.state is not VerdictState.DRAFT:
        flash("A published verdict is never edited in place: publish a correction instead.",
              "info")
        return redirect(url_for("web.correct_verdict", verdict_id=verdict.id))
    form = edit_form(VerdictForm, verdict)
    form.set_evidence_choices(evidence_choices(verdict.claim))
    if form.validate_on_submit():
        saved = save(form, verdict, lambda: verdict_service.update_draft(
            verdict, actor=actor(), expected_version=form.expected_version,
            rating_value=form.rating_value.data, rationale=form.rationale.data,
            evidence=form.evidence_data()))
        if saved is not None:
            flash("Draft saved.", "success")
            return _back_to_claim(verdict)
    return render_form("verdicts/form.html", form=form, claim=verdict.claim, verdict=verdict,
                       mode="edit")


@bp.route("/verdicts/<int:verdict_id>/publish", methods=["GET", "POST"])
@requires(Action.PUBLISH)
def publish_verdict(verdict_id: int):
    verdict = policy.get_visible(Verdict, verdict_id, viewer=viewer())
    # Publishing a draft that changed since the editor read it is a conflict, always.
    form = edit_form(ActionForm, verdict, content=VerdictForm)
    if form.validate_on_submit():
        saved = save(form, verdict, lambda: verdict_service.publish(
            verdict, actor=actor(), expected_version=form.expected_version),
            confirm=True, choices=lambda: {"target": evidence_choices(verdict.claim)})
        if saved is not None:
            flash("Verdict published. Readers and API consumers can see it now.", "success")
            return _back_to_claim(verdict)
    return render_form("verdicts/publish.html", form=form, verdict=verdict,
                       claim=verdict.claim)


@bp.route("/verdicts/<int:verdict_id>/correct", methods=["GET", "POST"])
@requires(Action.CORRECT)
def correct_verdict(verdict_id: int):
    verdict = policy.get_visible(Verdict, verdict_id, viewer=viewer())
    form = edit_form(CorrectionForm, verdict)
    form.set_evidence_choices(evidence_choices(verdict.claim))
    if form.validate_on_submit():
        # A correction is published at once: a stale copy is never merged into it unseen.
        saved = save(form, verdict, lambda: verdict_service.correct(
            verdict, actor=actor(), reason=form.reason.data, rating_value=form.rating_value.data,
            rationale=form.rationale.data, evidence=form.evidence_data(),
            expected_version=form.expected_version), confirm=True)
        if saved is not None:
            flash(f"Correction published as version {verdict.current_version}.", "success")
            return _back_to_claim(verdict)
    return render_form("verdicts/form.html", form=form, claim=verdict.claim, verdict=verdict,
                       mode="correct")


@bp.route("/verdicts/<int:verdict_id>/withdraw", methods=["GET", "POST"])
@requires(Action.WITHDRAW)
def withdraw_verdict(verdict_id: int):
    verdict = policy.get_visible(Verdict, verdict_id, viewer=viewer())
    form = edit_form(WithdrawForm, verdict, content=VerdictForm)
    if form.validate_on_submit():
        saved = save(form, verdict, lambda: verdict_service.withdraw(
            verdict, actor=actor(), reason=form.reason.data,
            expected_version=form.expected_version),
            confirm=True, choices=lambda: {"target": evidence_choices(verdict.claim)})
        if saved is not None:
            flash("Verdict withdrawn; the withdrawal and its reason are public.", "success")
            return _back_to_claim(verdict)
    return render_form("verdicts/withdraw.html", form=form, verdict=verdict,
                       claim=verdict.claim)
