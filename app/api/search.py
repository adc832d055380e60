"""/api/v1/search?q= — ranked full text across disputes, claims, quotes, sources and
documents' stored text (SQLite FTS5 / PostgreSQL tsvector).

The hits are written as SearchHitSchema dumps them (field for field, in its order:
tests/api/test_revisions_search.py holds them to it) without a marshmallow pass, and
each kind's resource URL is built once per request, not once per hit."""

from __future__ import annotations

from flask import current_app, url_for
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


def _url_prefixes(kinds: set[str]) -> dict[str, str]:
    """Each kind's resource URL without its id: "/api/v1/claims/" (the id comes last)."""
    return {kind: url_for(ENDPOINTS[kind], record_id=0).removesuffix("0") for kind in kinds}


@blp.route("")
class Search(MethodView):
    @blp.arguments(SearchQuery, location="query")
    @blp.response(200, SearchHitSchema(many=True), headers=HEADERS)
    def get(self, query):
        """Search disputes, claims, quotes, sources and documents' text"""
        hits = service.search(query["q"], kinds=set(query.get("kind") or ()) or None,
                              limit=query["limit"], offset=query["offset"])
        prefixes = _url_prefixes({hit.kind for hit in hits})
        body = [{"kind": hit.kind, "id": hit.id, "title": hit.title, "snippet": hit.snippet,
                 "rank": hit.rank, "dispute_id": hit.dispute_id,
                 "url": f"{prefixes[hit.kind]}{hit.id}"} for hit in hits]
        response = current_app.json.response(body)
        if len(hits) == query["limit"]:
            next_url = page_url(offset=query["offset"] + query["limit"])
            response.headers["Link"] = link_header([("next", next_url)])
        return response
