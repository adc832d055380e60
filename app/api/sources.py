"""/api/v1/sources — who makes or carries a claim."""

from __future__ import annotations

import sqlalchemy as sa
from flask.views import MethodView

from app.api import auth
from app.api import resource as rec
from app.api.base import ApiBlueprint
from app.api.pagination import paginated
from app.models import Source
from app.reads.track_record import track_record
from app.schemas.common import DeleteArgs, DetailArgs, for_patch
from app.schemas.sources import SourceQuery, SourceSchema, TrackRecordSchema
from app.services import sources as service
from app.services.policy import Action

blp = ApiBlueprint("sources", __name__, url_prefix="/api/v1/sources",
                   description="Sources: people, outlets, organisations, government bodies, "
                               "documents, and anonymous sources as reported.")


@blp.route("")
class Sources(MethodView):
    @blp.arguments(SourceQuery, location="query")
    @blp.response(200, SourceSchema(many=True))
    @paginated
    def get(self, query):
        """List sources"""
        stmt = rec.listing(sa.select(Source), Source, query)
        if query.get("q"):
            stmt = stmt.where(sa.or_(Source.name.icontains(query["q"], autoescape=True),
                                     Source.title.icontains(query["q"], autoescape=True)))
        for column in ("kind", "parent_id", "slug"):
            if query.get(column) is not None:
                stmt = stmt.where(getattr(Source, column) == query[column])
        return stmt.order_by(Source.id)

    @blp.requires(Action.LOG)
    @blp.arguments(SourceSchema)
    @blp.response(201, SourceSchema)
    def post(self, data):
        """Add a source"""
        source = service.create_source(actor=auth.current_user(), **data)
        return rec.created(source, "sources.source")


@blp.route("/<int:record_id>", endpoint="source")
class SourceResource(MethodView):
    @blp.arguments(DetailArgs, location="query")
    @blp.response(200, SourceSchema)
    def get(self, query, record_id):
        """Get a source"""
        return rec.fetch(Source, record_id, include_deleted=query["include_deleted"])

    @blp.requires(Action.LOG, if_match=True)
    @blp.arguments(for_patch(SourceSchema))
    @blp.response(200, SourceSchema)
    def patch(self, data, record_id):
        """Change a source"""
        source, version = rec.for_update(Source, record_id)
        return rec.done(service.update_source(source, data, actor=auth.current_user(),
                                              expected_version=version))

    @blp.requires(Action.DELETE, if_match=True)
    @blp.arguments(DeleteArgs, location="query")
    @blp.response(204)
    def delete(self, query, record_id):
        """Delete a source (soft: editors can restore it)"""
        rec.delete(Source, record_id, query["reason"])


blp.restore_route(Source, SourceSchema, "Restore a deleted source")


@blp.route("/<int:record_id>/track-record", endpoint="track_record")
class SourceTrackRecord(MethodView):
    @blp.response(200, TrackRecordSchema)
    def get(self, record_id):
        """A source's track record: its claims by published verdict rating, how often
        they were denied or corrected, and its share of anonymous sourcing"""
        return track_record(rec.fetch(Source, record_id)).as_dict()
