"""/api/v1/documents — published items, with the stored passages quotes are checked
against (and the SHA-256 of that text); their versions, captures of their URL, and each
capture's WARC."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Response, current_app, request, url_for
from flask.views import MethodView

from app.api import auth
from app.api import resource as rec
from app.api.base import ApiBlueprint
from app.api.pagination import paginated
from app.models import Document
from app.schemas.common import DeleteArgs, DetailArgs, for_patch
from app.schemas.documents import (
    CaptureSchema,
    DocumentQuery,
    DocumentSchema,
    DocumentVersionDetailSchema,
    DocumentVersionSchema,
    VersionArgs,
    VersionQuery,
)
from app.services import archiving, captures, versions
from app.services import documents as service
from app.services.errors import NotFound
from app.services.policy import Action

blp = ApiBlueprint("documents", __name__, url_prefix="/api/v1/documents",
                   description="Documents: where claims appear; every text they had is a "
                               "version (captured from the URL, or pasted), and quotes are "
                               "checked against the newest.")


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


class _Captured:
    """A version as a capture's answer: with what the capture found."""

    def __init__(self, captured: versions.Captured):
        self.version, self.outcome = captured.version, captured.outcome

    def __getattr__(self, name):
        return getattr(self.version, name)


@blp.route("/<int:record_id>/captures", endpoint="captures")
class DocumentCaptures(MethodView):
    @blp.requires(Action.LOG)
    @blp.response(201, CaptureSchema)
    @blp.alt_response(200, schema=CaptureSchema,
                      description="Unchanged: the newest version was confirmed.")
    @blp.alt_response(422, description="The URL could not be captured: refused (internal) "
                      "address, too large, unsupported content type, too many redirects, "
                      "no article text, an HTTP error, or no URL. `code` names which "
                      "(capture_refused_address, capture_too_large...).")
    @blp.alt_response(502, description="TLS error, connection failed or a broken "
                                       "response (capture_tls_error...).")
    @blp.alt_response(504, description="The site did not answer in time "
                                       "(capture_timeout).")
    def post(self, record_id):
        """Capture the document's URL now

        Fetches the page (redirects followed and recorded; internal addresses refused),
        keeps the response as WARC records and the article text, and stores a new
        version — or, when the text is the newest version's, confirms that one (200,
        `outcome: unchanged`). 404/410 or a host that no longer exists is a `gone`
        version. The document's quotes are checked again against a new text.
        """
        captured = captures.capture_document(record_id, actor=auth.current_user(),
                                             viewer=auth.viewer())
        location = url_for("documents.version", record_id=record_id,
                           number=captured.version.number)
        return _Captured(captured), 201 if captured.created else 200, {"Location": location}


@blp.route("/<int:record_id>/versions", endpoint="versions")
class DocumentVersions(MethodView):
    @blp.arguments(VersionQuery, location="query")
    @blp.response(200, DocumentVersionSchema(many=True))
    @paginated
    def get(self, query, record_id):
        """List a document's versions, newest first, with what changed"""
        viewer = auth.viewer(include_deleted=query.pop("include_deleted"))
        document = versions.visible_document(record_id, viewer)
        return versions.versions_query(document)


@blp.route("/<int:record_id>/versions/<int:number>", endpoint="version")
class DocumentVersionResource(MethodView):
    @blp.arguments(VersionArgs, location="query")
    @blp.response(200, DocumentVersionDetailSchema)
    def get(self, query, record_id, number):
        """Get one version, with its text and a word diff against the previous one"""
        viewer = auth.viewer(include_deleted=query["include_deleted"])
        document = versions.visible_document(record_id, viewer)
        found = versions.version_with_diff(document, number, query.get("against"))
        return _WithDiff(found)


class _WithDiff:
    def __init__(self, found: versions.VersionDiff):
        self.version = found.version
        self.diff = found.diff
        self.diff_against = found.against.number if found.against is not None else None

    def __getattr__(self, name):
        return getattr(self.version, name)


@blp.route("/<int:record_id>/versions/<int:number>/archive", endpoint="version_archive")
class DocumentVersionArchive(MethodView):
    @blp.arguments(DetailArgs, location="query")
    @blp.response(200, description="The version's WARC records (WARC 1.1).",
                  content_type="application/warc")
    def get(self, query, record_id, number):
        """Get a captured version's WARC (the raw request and response of every hop)"""
        viewer = auth.viewer(include_deleted=query["include_deleted"])
        document = versions.visible_document(record_id, viewer)
        version = versions.get_version(document, number, with_text=False, with_warc=True)
        if not version.warc:
            why = ("it was pasted by hand" if version.kind.value == "manual"
                   else "nothing was received")
            raise NotFound(f"Version {number} of document {record_id} has no WARC: {why}.")
        response = Response(archiving.unzipped(version.warc), mimetype="application/warc")
        response.headers["Content-Disposition"] = (
            f'attachment; filename="document-{record_id}-v{number}.warc"')
        response.set_etag(archiving.sha256(version.warc)[:32])
        if auth.current_user() is None:
            response.cache_control.public = True
            response.cache_control.max_age = current_app.config["API_PUBLIC_MAX_AGE"]
        else:
            response.cache_control.private = True
            response.cache_control.no_store = True
        return response.make_conditional(request)
