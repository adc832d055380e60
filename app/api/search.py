"""/api/v1/search?q= — ranked full text across disputes, claims, quotes, sources and
documents' stored text (SQLite FTS5 / PostgreSQL tsvector)."""

from __future__ import annotations

from dataclasses import asdict

from flask import url_for
from flask.views import MethodView

from app.api.base import ApiBlueprint
from app.api.pagination import link_header, page_url
from app.schemas.search import SearchHitSchema, SearchQuery
from app.services import search as service

blp = ApiBlueprint("search", __name__, url_prefix="/api/v1/search",
                   description="Search: ranked full-text hits, best first.")

ENDPOINTS = {"dispute": "disputes.dispute", "claim": "claims.claim",
             "quote": "quotes.quote", "source": "sources.source",
             "document": "documents.document"}
HEADERS = {"Link": {"description": 'rel="next" while a full page came back.',
                    "schema": {"type": "string"}}}


@blp.route("")
class Search(MethodView):
    @blp.arguments(SearchQuery, location="query")
    @blp.response(200, SearchHitSchema(many=True), headers=HEADERS)
    def get(self, query):
        """Search disputes, claims, quotes, sources and documents' text"""
        hits = service.search(query["q"], kinds=set(query.get("kind") or ()) or None,
                              limit=query["limit"], offset=query["offset"])
        body = [{**asdict(hit), "url": url_for(ENDPOINTS[hit.kind], record_id=hit.id)}
                for hit in hits]
        headers = {}
        if len(hits) == query["limit"]:
            next_url = page_url(offset=query["offset"] + query["limit"])
            headers["Link"] = link_header([("next", next_url)])
        return body, 200, headers
