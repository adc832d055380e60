"""Disputes: the list, the side-by-side page, logging one with its first accounts,
editing it, its state (editors), and the links between its accounts."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from wtforms.fields.choices import SelectChoice

from app.digits import whole_number
from app.models import Dispute, DisputeState, Link, LinkScope
from app.query_args import query_args
from app.reads import listings
from app.reads.aggregates import DisputeDetail
from app.reads.dispute_page import DisputePage
from app.reads.dispute_page import read as read_dispute_page
from app.services import disputes as dispute_service
from app.services import links as link_service
from app.services import policy
from app.services.errors import NotFound
from app.services.policy import Action
from app.web import drafting
from app.web.auth import actor, requires, viewer
from app.web.blueprint import bp
from app.web.forms import (
    DisputeForm,
    DisputeStateForm,
    LinkEditForm,
    LinkForm,
    NewDisputeForm,
)
from app.web.formtools import attempt, edit_form, fill_choices, render_form, save
from app.web.pages import choice_arg, deleted_or_404, paginate
from app.web.templating import account_name

STATES = [s.value for s in DisputeState]


def letters(detail: DisputeDetail | DisputePage) -> dict[int, str]:
    """Each account's letter on the page (A, B, C...), for cross-references."""
    return {claim.id: _letter(i) for i, claim in enumerate(detail.claims)}


def _letter(i: int) -> str:
    return chr(ord("A") + i) if i < 26 else f"A{i - 25}"


@bp.get("/disputes")
@query_args("state", "page")
def disputes():
    state = choice_arg("state", STATES)
    pagination = paginate(listings.disputes_query(DisputeState(state) if state else None))
    return render_template(
        "disputes/list.html", pagination=pagination, state=state, states=STATES,
        counts=listings.claim_counts([d.id for d in pagination.items]),
    )


@bp.get("/disputes/<int:dispute_id>")
def dispute(dispute_id: int):
    try:
        page = read_dispute_page(dispute_id, include_drafts=viewer().sees_drafts)
    except NotFound as exc:
        return deleted_or_404(Dispute, dispute_id, exc)
    return render_template(
        "disputes/show.html", detail=page, dispute=page.dispute, letters=letters(page),
        timeline=page.timeline, state_change=page.state_change,
    )


@bp.route("/disputes/new", methods=["GET", "POST"])
@query_args("event", "draft")
@requires(Action.LOG)
def new_dispute():
    if (step := drafting.second_step()) is not None:
        return step  # "New source…": keep the form, add the source, come back
    form = NewDisputeForm(**drafting.form_kwargs(),
                          event_id=request.args.get("event", type=whole_number))
    if not policy.allowed(actor(), Action.CHANGE_STATE):
        form.only_open()
    if request.method == "POST" and form.add_account.data:
        # "Add another account": show the form again with one more, saving nothing.
        form.claims.append_entry()
        fill_choices(form)
        return render_form("disputes/new.html", form=form)
    fill_choices(form)
    if form.validate_on_submit():
        data = form.data_for_service()
        dispute = attempt(form, lambda: dispute_service.log_dispute(actor=actor(), **data))
        if dispute is not None:
            flash("Dispute logged. Now link the accounts: who denies or supports whom?",
                  "success")
            return redirect(url_for("web.dispute", dispute_id=dispute.id))
    return render_form("disputes/new.html", form=form)


@bp.route("/disputes/<int:dispute_id>/edit", methods=["GET", "POST"])
@requires(Action.LOG)
def edit_dispute(dispute_id: int):
    dispute = policy.get_visible(Dispute, dispute_id, viewer=viewer())
    form = edit_form(DisputeForm, dispute)
    fill_choices(form)
    if form.validate_on_submit():
        saved = save(form, dispute, lambda: dispute_service.update_dispute(
            dispute, form.data_for_service(), actor=actor(),
            expected_version=form.expected_version))
        if saved is not None:
            flash("Dispute saved.", "success")
            return redirect(url_for("web.dispute", dispute_id=dispute.id))
    return render_form("disputes/edit.html", form=form, dispute=dispute)


@bp.route("/disputes/<int:dispute_id>/state", methods=["GET", "POST"])
@requires(Action.CHANGE_STATE)
def dispute_state(dispute_id: int):
    dispute = policy.get_visible(Dispute, dispute_id, viewer=viewer())
    form = edit_form(DisputeStateForm, dispute)
    if form.validate_on_submit():
        saved = save(form, dispute, lambda: dispute_service.change_dispute_state(
            dispute, form.state.data, actor=actor(), reason=form.reason.data or "",
            expected_version=form.expected_version))
        if saved is not None:
            flash(f"The dispute is now {dispute.state.value}.", "success")
            return redirect(url_for("web.dispute", dispute_id=dispute.id))
    return render_form("disputes/state.html", form=form, dispute=dispute)


# -- links between accounts -----------------------------------------------------------


def _link_choices(form: LinkForm, detail: DisputeDetail, *, every_quote: bool = False) -> None:
    """The accounts, and the words a link may be scoped to: only the target's quotes
    once the target is chosen, else every account's, grouped by the target they need.
    `every_quote` offers them all (for validating a post: a quote of the wrong account
    then gets the form's plain-language error, not "not a valid choice")."""
    names = letters(detail)
    claims = [(c.id, f"{names[c.id]} · {account_name(c)} — {_short(c.statement)}")
              for c in detail.claims]
    form.from_claim_id.set_choices(claims)
    form.to_claim_id.set_choices(claims)
    target = form.to_claim_id.data
    offered = [c for c in detail.claims
               if every_quote or target is None or c.id == target]
    form.scope_quote_id.choices = [SelectChoice(value="", label=form.scope_quote_id.blank)] + [
        SelectChoice(value=str(q.id), label=f"“{_short(q.exact, 50)}”",
                     optgroup=f"Words of {names[c.id]} · {account_name(c)}"
                              + ("" if target is not None else f" (when {names[c.id]} is "
                                                               "the target)"))
        for c in offered for q in c.quotes
    ]
    form.quotes_of = {c.id: (f"{names[c.id]} · {account_name(c)}", {q.id for q in c.quotes})
                      for c in detail.claims}


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


@bp.route("/disputes/<int:dispute_id>/links/new", methods=["GET", "POST"])
@query_args("from", "to")
@requires(Action.LOG)
def new_link(dispute_id: int):
    detail = listings.dispute_page(dispute_id, include_drafts=True)
    form = LinkForm(from_claim_id=request.args.get("from", type=whole_number),
                    to_claim_id=request.args.get("to", type=whole_number))
    _link_choices(form, detail, every_quote=request.method == "POST")
    valid = form.validate_on_submit()
    _link_choices(form, detail)
    if valid:
        quote_id = form.scope_quote_id.data
        link = attempt(form, lambda: link_service.link_claims(
            form.from_claim_id.data, form.to_claim_id.data, form.type.data, actor=actor(),
            scope=LinkScope.QUOTE if quote_id else LinkScope.CLAIM, scope_quote_id=quote_id,
            note=form.note.data or ""))
        if link is not None:
            flash("Link recorded.", "success")
            return redirect(url_for("web.dispute", dispute_id=dispute_id, _anchor="links"))
    return render_form("disputes/link.html", form=form, dispute=detail.dispute,
                       letters=letters(detail))


@bp.route("/links/<int:link_id>/edit", methods=["GET", "POST"])
@requires(Action.LOG)
def edit_link(link_id: int):
    link = policy.get_visible(Link, link_id, viewer=viewer())
    form = edit_form(LinkEditForm, link)
    if form.validate_on_submit():
        saved = save(form, link, lambda: link_service.update_link(
            link, form.data_for_service(), actor=actor(),
            expected_version=form.expected_version))
        if saved is not None:
            flash("Link saved.", "success")
            return redirect(url_for("web.dispute", dispute_id=link.to_claim.dispute_id,
                                    _anchor="links"))
    return render_form("disputes/link_edit.html", form=form, link=link)
