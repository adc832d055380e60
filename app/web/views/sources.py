"""Sources: who makes or carries claims, and their record of verdicts."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for

from app.models import Source, SourceKind
from app.query_args import query_args
from app.reads import listings
from app.reads.track_record import track_record
from app.services import policy
from app.services import sources as source_service
from app.services.errors import NotFound
from app.services.policy import Action
from app.web import drafting
from app.web.auth import actor, requires, viewer
from app.web.blueprint import bp
from app.web.forms import SourceForm
from app.web.formtools import attempt, edit_form, fill_choices, render_form, save
from app.web.pages import choice_arg, deleted_or_404, paginate

KINDS = [k.value for k in SourceKind]


@bp.get("/sources")
@query_args("kind", "page")
def sources():
    kind = choice_arg("kind", KINDS)
    return render_template("sources/list.html", kind=kind, kinds=KINDS,
                           pagination=paginate(listings.sources_query(kind), per_page=50))


@bp.get("/sources/<int:source_id>")
def source(source_id: int):
    try:
        page = listings.source_page(source_id, include_drafts=viewer().sees_drafts)
    except NotFound as exc:
        return deleted_or_404(Source, source_id, exc)
    return render_template("sources/show.html", page=page, source=page.source,
                           record=track_record(page.source))


@bp.route("/sources/new", methods=["GET", "POST"])
@query_args("draft")
@requires(Action.LOG)
def new_source():
    draft = drafting.current_draft()  # the half-filled form this source is for
    form = SourceForm()
    fill_choices(form)
    if form.validate_on_submit():
        data = form.data_for_service()
        source = attempt(form, drafting.into(
            draft, lambda: source_service.create_source(actor=actor(), **data)))
        if source is not None:
            flash("Source added.", "success")
            return redirect(drafting.back_to(draft, url_for("web.source",
                                                            source_id=source.id)))
    return render_form("sources/form.html", form=form, source=None, draft=draft)


@bp.route("/sources/<int:source_id>/edit", methods=["GET", "POST"])
@requires(Action.LOG)
def edit_source(source_id: int):
    source = policy.get_visible(Source, source_id, viewer=viewer())
    form = edit_form(SourceForm, source)
    fill_choices(form)
    if form.validate_on_submit():
        saved = save(form, source, lambda: source_service.update_source(
            source, form.data_for_service(), actor=actor(),
            expected_version=form.expected_version))
        if saved is not None:
            flash("Source saved.", "success")
            return redirect(url_for("web.source", source_id=source.id))
    return render_form("sources/form.html", form=form, source=source)
