"""Documents: where claims appeared, with every version of their text (captured from
the URL, or pasted) that quotes are checked against."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for

from app.models import Document
from app.query_args import query_args
from app.reads import listings
from app.services import captures, policy, versions
from app.services import documents as document_service
from app.services.errors import DomainError, NotFound, PermissionDenied
from app.services.policy import Action
from app.web import drafting
from app.web.auth import actor, requires, viewer
from app.web.blueprint import bp
from app.web.forms import DocumentForm
from app.web.formtools import attempt, edit_form, fill_choices, render_form, save
from app.web.pages import deleted_or_404, int_arg, paginate


@bp.get("/documents")
@query_args("page")
def documents():
    return render_template("documents/list.html",
                           pagination=paginate(listings.documents_query()))


@bp.get("/documents/<int:document_id>")
def document(document_id: int):
    try:
        page = listings.document_page(document_id)
    except NotFound as exc:
        return deleted_or_404(Document, document_id, exc)
    return render_template("documents/show.html", page=page, document=page.document)


@bp.route("/documents/new", methods=["GET", "POST"])
@query_args("draft")
@requires(Action.LOG)
def new_document():
    draft = drafting.current_draft()  # the half-filled form this document is for
    form = DocumentForm()
    fill_choices(form)
    if form.validate_on_submit():
        data = form.data_for_service()
        document = attempt(form, drafting.into(
            draft, lambda: document_service.create_document(actor=actor(), **data)))
        if document is not None:
            flash("Document added.", "success")
            return redirect(drafting.back_to(draft, url_for("web.document",
                                                            document_id=document.id)))
    return render_form("documents/form.html", form=form, document=None, draft=draft)


@bp.route("/documents/<int:document_id>/edit", methods=["GET", "POST"])
@requires(Action.LOG)
def edit_document(document_id: int):
    document = policy.get_visible(Document, document_id, viewer=viewer())
    form = edit_form(DocumentForm, document)
    fill_choices(form)
    if form.validate_on_submit():
        saved = save(form, document, lambda: document_service.update_document(
            document, form.data_for_service(), actor=actor(),
            expected_version=form.expected_version))
        if saved is not None:
            flash("Document saved; its quotes were checked again.", "success")
            return redirect(url_for("web.document", document_id=document.id))
    return render_form("documents/form.html", form=form, document=document)


@bp.post("/documents/<int:document_id>/capture")
@requires(Action.LOG)
def capture_document(document_id: int):
    """Capture the document's URL now (a form button, with its CSRF token)."""
    try:
        captured = captures.capture_document(document_id, actor=actor(), viewer=viewer())
    except PermissionDenied:
        raise
    except DomainError as exc:
        flash(f"Not captured: {exc.message}", "error")
        return redirect(url_for("web.document", document_id=document_id))
    number = captured.version.number
    flash({"unchanged": f"Captured: unchanged since version {number}.",
           "gone": f"Captured: the page is gone (version {number})."}.get(
        captured.outcome, f"Captured as version {number} ({captured.outcome})."), "success")
    return redirect(url_for("web.document", document_id=document_id) + "#versions")


@bp.get("/documents/<int:document_id>/versions/<int:number>")
@query_args("against")
def document_version(document_id: int, number: int):
    """One version: when and how it was had, its text, and its word diff against the
    previous version (or `?against=N`)."""
    try:
        document = versions.visible_document(document_id, viewer())
    except NotFound as exc:
        return deleted_or_404(Document, document_id, exc)
    against = int_arg("against")
    found = versions.version_with_diff(document, number, against)
    return render_template("documents/version.html", document=document, found=found)
