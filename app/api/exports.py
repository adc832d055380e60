"""/api/v1/export — everything, as the NDJSON `flask import` reads (editors only)."""

from __future__ import annotations

from flask import Response, stream_with_context
from flask.views import MethodView

from app.api.base import ApiBlueprint
from app.services.interchange import export_lines
from app.services.policy import Action

blp = ApiBlueprint("export", __name__, url_prefix="/api/v1/export",
                   description="A full export: every record, soft-deleted ones, verdict "
                               "versions and the revision log; never password or token "
                               "hashes. The format `flask import FILE` reads.")


@blp.route("")
class Export(MethodView):
    @blp.requires(Action.SEE_DELETED)
    @blp.response(200, {"type": "string", "format": "binary"},
                  content_type="application/x-ndjson")
    def get(self):
        """Export everything as NDJSON (streamed)"""
        body = stream_with_context(line + "\n" for line in export_lines())
        response = Response(body, mimetype="application/x-ndjson")
        response.headers["Content-Disposition"] = 'attachment; filename="counterclaim.ndjson"'
        response.headers["Cache-Control"] = "private, no-store"
        return response
