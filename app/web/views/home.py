"""The front page, the rating scale, and search."""

from __future__ import annotations

from flask import render_template, request

from app.query_args import query_args
from app.reads import listings
from app.services import search as search_service
from app.services.errors import ValidationError
from app.web.auth import viewer
from app.web.blueprint import bp
from app.web.pages import choice_arg, int_arg

SEARCH_PAGE = 20
SEARCH_KINDS = list(search_service.KINDS)


@bp.get("/")
def home():
    disputes = listings.recent_disputes(8)
    return render_template(
        "home.html",
        disputes=disputes,
        counts=listings.claim_counts([d.id for d in disputes]),
        verdicts=listings.latest_verdicts(6),
    )


@bp.get("/ratings")
def ratings():
    return render_template("ratings.html")


@bp.get("/search")
@query_args("q", "kind", "page")
def search():
    q = request.args.get("q", "")
    kind = choice_arg("kind", SEARCH_KINDS)
    page = int_arg("page", default=1, maximum=50)
    hits, error, status = [], None, 200
    if q.strip():
        offset = (page - 1) * SEARCH_PAGE
        try:
            # One more than a page tells whether there is a next page.
            hits = search_service.search(q, kinds={kind} if kind else None,
                                         limit=SEARCH_PAGE + 1, offset=offset)
        except ValidationError as exc:
            error = "; ".join(m for msgs in exc.fields.values() for m in msgs) or exc.message
            status = 422
    has_next = len(hits) > SEARCH_PAGE
    hits = hits[:SEARCH_PAGE]
    return render_template(
        "search.html", q=q, kind=kind, kinds=SEARCH_KINDS, hits=hits,
        page=page, has_next=has_next, error=error,
        context=listings.search_context(hits, include_drafts=viewer().sees_drafts),
    ), status
