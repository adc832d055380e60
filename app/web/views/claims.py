"""Claims (accounts) and their quotes: the claim page with its verdict history, and the
forms to add and edit them."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for

from app.models import Claim, Dispute, Quote, QuoteIntegrity
from app.query_args import query_args
from app.reads import listings
from app.services import claims as claim_service
from app.services import policy
from app.services.errors import NotFound
from app.services.known import known_panel
from app.services.policy import Action
from app.web import drafting
from app.web.auth import actor, requires, viewer
from app.web.blueprint import bp
from app.web.forms import ClaimForm, QuoteForm
from app.web.formtools import attempt, edit_form, fill_choices, render_form, save
from app.web.pages import deleted_or_404
from app.web.wording import stored_text_name


@bp.get("/claims/<int:claim_id>")
def claim(claim_id: int):
    try:
        page = listings.claim_page(claim_id, include_drafts=viewer().sees_drafts)
    except NotFound as exc:
        return deleted_or_404(Claim, claim_id, exc)
    panel = known_panel(page.claim, staff=viewer().sees_drafts)
    return render_template("claims/show.html", page=page, claim=page.claim, known=panel)


@bp.route("/disputes/<int:dispute_id>/claims/new", methods=["GET", "POST"])
@query_args("draft")
@requires(Action.LOG)
def new_claim(dispute_id: int):
    dispute = policy.get_visible(Dispute, dispute_id, viewer=viewer())
    if (step := drafting.second_step()) is not None:
        return step  # "New source…" / "New document…": keep the form, come back
    form = ClaimForm(**drafting.form_kwargs())
    fill_choices(form)
    if form.validate_on_submit():
        data = form.claim_data()
        claim = attempt(form, lambda: claim_service.add_claim(dispute.id, actor=actor(), **data))
        if claim is not None:
            flash("Account added.", "success")
            if known_panel(claim, staff=True).candidates:
                # has it been checked before? the claim's page lists what it may repeat
                flash("It looks like a claim logged before: if it repeats one, confirm it "
                      "below.", "info")
                return redirect(url_for("web.claim", claim_id=claim.id, _anchor="known"))
            return redirect(url_for("web.dispute", dispute_id=dispute.id,
                                    _anchor=f"claim-{claim.id}"))
    return render_form("claims/form.html", form=form, dispute=dispute, claim=None)


@bp.route("/claims/<int:claim_id>/edit", methods=["GET", "POST"])
@query_args("draft")
@requires(Action.LOG)
def edit_claim(claim_id: int):
    claim = policy.get_visible(Claim, claim_id, viewer=viewer())
    if (step := drafting.second_step()) is not None:
        return step
    form = edit_form(ClaimForm, claim, formdata=drafting.restored())
    fill_choices(form)
    if form.validate_on_submit():
        saved = save(form, claim, lambda: claim_service.update_claim(
            claim, form.claim_data(), actor=actor(), expected_version=form.expected_version))
        if saved is not None:
            flash("Account saved.", "success")
            return redirect(url_for("web.claim", claim_id=claim.id))
    return render_form("claims/form.html", form=form, dispute=claim.dispute, claim=claim)


@bp.route("/claims/<int:claim_id>/quotes/new", methods=["GET", "POST"])
@query_args("draft")
@requires(Action.LOG)
def new_quote(claim_id: int):
    claim = policy.get_visible(Claim, claim_id, viewer=viewer())
    if (step := drafting.second_step()) is not None:
        return step
    form = QuoteForm(**drafting.form_kwargs(), speaker_id=claim.claimant_id,
                     document_id=claim.first_appearance_id)
    fill_choices(form)
    if form.validate_on_submit():
        data = form.data_for_service()
        quote = attempt(form, lambda: claim_service.add_quote(claim.id, actor=actor(), **data))
        if quote is not None:
            flash(*_quote_added(quote))
            return redirect(url_for("web.claim", claim_id=claim.id, _anchor=f"quote-{quote.id}"))
    return render_form("claims/quote.html", form=form, claim=claim, quote=None)


def _quote_added(quote: Quote) -> tuple[str, str]:
    """The message after adding a quote: a warning when the words are not in the stored
    text (nothing to celebrate), success when they are."""
    if quote.document_id is None:
        return "Quote added. There is no document to check the words against.", "info"
    where = stored_text_name(quote.document)
    if quote.integrity is QuoteIntegrity.VERBATIM:
        return f"Quote added: the words were found in {where}.", "success"
    if quote.integrity is QuoteIntegrity.ALTERED:
        return (f"Quote added, but the words differ from {where}: check what differs "
                "below.", "warning")
    return (f"Quote added, but ⚠ these words were not found in {where}. Check them "
            "against the document.", "warning")


@bp.route("/quotes/<int:quote_id>/edit", methods=["GET", "POST"])
@query_args("draft")
@requires(Action.LOG)
def edit_quote(quote_id: int):
    quote = policy.get_visible(Quote, quote_id, viewer=viewer())
    if (step := drafting.second_step()) is not None:
        return step
    form = edit_form(QuoteForm, quote, formdata=drafting.restored())
    fill_choices(form)
    if form.validate_on_submit():
        saved = save(form, quote, lambda: claim_service.update_quote(
            quote, form.data_for_service(), actor=actor(),
            expected_version=form.expected_version))
        if saved is not None:
            flash("Quote saved.", "success")
            return redirect(url_for("web.claim", claim_id=quote.claim_id,
                                    _anchor=f"quote-{quote.id}"))
    return render_form("claims/quote.html", form=form, claim=quote.claim, quote=quote)
