"""/api/v1/documents — published items, with the stored passages quotes are checked
against (and the SHA-256 of that text)."""

from __future__ import annotations

import sqlalchemy as sa
from flask.views import MethodView

from app.api import auth
from app.api import resource as rec
from app.api.base import ApiBlueprint
from app.api.pagination import paginated
from app.models import Document
from app.schemas.common import DeleteArgs, DetailArgs, for_patch
from app.schemas.documents import DocumentQuery, DocumentSchema
from app.services import documents as service
from app.services.policy import Action

blp = ApiBlueprint("documents", __name__, url_prefix="/api/v1/documents",
                   description="Documents: where claims appear; a new text is a new snapshot "
                               "and re-checks the document's quotes.")


@blp.route("")
class Documents(MethodView):
    @blp.arguments(DocumentQuery, location="query")
    @blp.response(200, DocumentSchema(many=True))
    @paginated
    def get(self, query):
        """List documents"""
        stmt = rec.listing(sa.select(Document), Document, query)
        for column in ("publisher_id", "url"):
            if query.get(column) is not None:
                stmt = stmt.where(getattr(Document, column) == query[column])
        return stmt.order_by(Document.id)

    @blp.requires(Action.LOG)
    @blp.arguments(DocumentSchema)
    @blp.response(201, DocumentSchema)
    def post(self, data):
        """Add a document"""
        return rec.created(service.create_document(actor=auth.current_user(), **data),
                           "documents.document")


@blp.route("/<int:record_id>", endpoint="document")
class DocumentResource(MethodView):
    @blp.arguments(DetailArgs, location="query")
    @blp.response(200, DocumentSchema)
    def get(self, query, record_id):
        """Get a document"""
        return rec.fetch(Document, record_id, include_deleted=query["include_deleted"])

    @blp.requires(Action.LOG, if_match=True)
    @blp.arguments(for_patch(DocumentSchema))
    @blp.response(200, DocumentSchema)
    def patch(self, data, record_id):
        """Change a document (a new text re-checks its quotes)"""
        document, version = rec.for_update(Document, record_id)
        return rec.done(service.update_document(document, data, actor=auth.current_user(),
                                                expected_version=version))

    @blp.requires(Action.DELETE, if_match=True)
    @blp.arguments(DeleteArgs, location="query")
    @blp.response(204)
    def delete(self, query, record_id):
        """Delete a document (soft: editors can restore it)"""
        rec.delete(Document, record_id, query["reason"])


blp.restore_route(Document, DocumentSchema, "Restore a deleted document")
