"""/api/v1/events — something that happened, about which accounts compete."""

from __future__ import annotations

import sqlalchemy as sa
from flask.views import MethodView

from app.api import auth
from app.api import resource as rec
from app.api.base import ApiBlueprint
from app.api.pagination import paginated
from app.models import Event
from app.schemas.common import DeleteArgs, DetailArgs, for_patch
from app.schemas.events import EventQuery, EventSchema
from app.services import events as service
from app.services.policy import Action

blp = ApiBlueprint("events", __name__, url_prefix="/api/v1/events",
                   description="Events: what happened, with when and how precisely.")


@blp.route("")
class Events(MethodView):
    @blp.arguments(EventQuery, location="query")
    @blp.response(200, EventSchema(many=True))
    @paginated
    def get(self, query):
        """List events"""
        stmt = rec.listing(sa.select(Event), Event, query)
        if query.get("q"):
            stmt = stmt.where(sa.or_(Event.title.icontains(query["q"], autoescape=True),
                                     Event.summary.icontains(query["q"], autoescape=True)))
        if query.get("slug"):
            stmt = stmt.where(Event.slug == query["slug"])
        return stmt.order_by(Event.id)

    @blp.requires(Action.LOG)
    @blp.arguments(EventSchema)
    @blp.response(201, EventSchema)
    def post(self, data):
        """Log an event"""
        return rec.created(service.create_event(actor=auth.current_user(), **data), "events.event")


@blp.route("/<int:record_id>", endpoint="event")
class EventResource(MethodView):
    @blp.arguments(DetailArgs, location="query")
    @blp.response(200, EventSchema)
    def get(self, query, record_id):
        """Get an event"""
        return rec.fetch(Event, record_id, include_deleted=query["include_deleted"])

    @blp.requires(Action.LOG, if_match=True)
    @blp.arguments(for_patch(EventSchema))
    @blp.response(200, EventSchema)
    def patch(self, data, record_id):
        """Change an event"""
        event, version = rec.for_update(Event, record_id)
        return rec.done(service.update_event(event, data, actor=auth.current_user(),
                                       expected_version=version))

    @blp.requires(Action.DELETE, if_match=True)
    @blp.arguments(DeleteArgs, location="query")
    @blp.response(204)
    def delete(self, query, record_id):
        """Delete an event (soft: editors can restore it)"""
        rec.delete(Event, record_id, query["reason"])


blp.restore_route(Event, EventSchema, "Restore a deleted event")
