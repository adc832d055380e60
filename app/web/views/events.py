"""Events: what happened, and the disputes about it."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for

from app.models import Event
from app.query_args import query_args
from app.reads import listings
from app.services import events as event_service
from app.services import policy
from app.services.errors import NotFound
from app.services.policy import Action
from app.web.auth import actor, requires, viewer
from app.web.blueprint import bp
from app.web.forms import EventForm
from app.web.formtools import attempt, edit_form, render_form, save
from app.web.pages import deleted_or_404, paginate


@bp.get("/events")
@query_args("page")
def events():
    return render_template("events/list.html", pagination=paginate(listings.events_query()))


@bp.get("/events/<int:event_id>")
def event(event_id: int):
    try:
        event, disputes, counts = listings.event_page(event_id)
    except NotFound as exc:
        return deleted_or_404(Event, event_id, exc)
    return render_template("events/show.html", event=event, disputes=disputes, counts=counts)


@bp.route("/events/new", methods=["GET", "POST"])
@requires(Action.LOG)
def new_event():
    form = EventForm()
    if form.validate_on_submit():
        data = form.data_for_service()
        event = attempt(form, lambda: event_service.create_event(actor=actor(), **data))
        if event is not None:
            flash("Event logged.", "success")
            return redirect(url_for("web.event", event_id=event.id))
    return render_form("events/form.html", form=form, event=None)


@bp.route("/events/<int:event_id>/edit", methods=["GET", "POST"])
@requires(Action.LOG)
def edit_event(event_id: int):
    event = policy.get_visible(Event, event_id, viewer=viewer())
    form = edit_form(EventForm, event)
    if form.validate_on_submit():
        saved = save(form, event, lambda: event_service.update_event(
            event, form.data_for_service(), actor=actor(),
            expected_version=form.expected_version))
        if saved is not None:
            flash("Event saved.", "success")
            return redirect(url_for("web.event", event_id=event.id))
    return render_form("events/form.html", form=form, event=event)
