"""Public feeds and exports of published verdicts: Atom, CSV, and our ClaimReviews as a
schema.org DataFeed.

One Atom entry (and CSV row) per published *version*, so a correction or a withdrawal
arrives in a feed reader as news of its own, with its reason. A withdrawn verdict is
carried as its withdrawal only, with no rating (the policy's `shows_rating`): a feed is
what stands now, and a retracted rating must not travel on through it. Its earlier
versions stay in its public history on the claim page and in the API.
"""

from __future__ import annotations

import csv
import io
from xml.etree import ElementTree as ET

import sqlalchemy as sa
from flask import Blueprint, Response, current_app, request, url_for
from sqlalchemy.orm import joinedload, selectinload

from app.digits import whole_number
from app.extensions import db
from app.models import Claim, Verdict, VerdictState, VerdictVersion
from app.query_args import canonical_query, query_args
from app.services.errors import ValidationError
from app.services.policy import PUBLIC_VERDICT_STATES, shows_rating

bp = Blueprint("feeds", __name__)
# Neither feed reads a query parameter: any is redirected away (app/query_args.py), so
# `?utm_source=` or a random one cannot make a cache miss and rebuild the export.
bp.before_request(canonical_query)

ATOM_NS = "http://www.w3.org/2005/Atom"
FEED_SIZE = 50


def _public_versions(limit: int | None = None):
    # (the verdict join hides deleted verdicts, and with them those of deleted claims)
    query = (
        sa.select(VerdictVersion)
        .join(VerdictVersion.verdict)
        .where(VerdictVersion.state.in_(PUBLIC_VERDICT_STATES),
               VerdictVersion.published_at.is_not(None),
               sa.or_(Verdict.state != VerdictState.WITHDRAWN,
                      VerdictVersion.number == Verdict.current_version))
        .options(
            joinedload(VerdictVersion.verdict)
            .joinedload(Verdict.claim)
            .joinedload(Claim.claimant),
            joinedload(VerdictVersion.author),
        )
        .order_by(VerdictVersion.published_at.desc(), VerdictVersion.id.desc())
    )
    if limit:
        query = query.limit(limit)
    return db.session.scalars(query).all()


def _claim_url(claim_id: int, verdict_id: int) -> str:
    return request.url_root.rstrip("/") + f"/claims/{claim_id}#verdict-{verdict_id}"


def _headline(version: VerdictVersion) -> str:
    claim = version.verdict.claim
    if version.state is VerdictState.WITHDRAWN:
        prefix = "Withdrawn"
    elif version.number > 1:
        prefix = f"Corrected to {version.rating.label}"
    else:
        prefix = version.rating.label
    return f"{prefix}: {claim.claimant.name} — {claim.statement}"


@bp.get("/feeds/verdicts.atom")
def verdicts_atom() -> Response:
    versions = _public_versions(FEED_SIZE)
    ET.register_namespace("", ATOM_NS)
    feed = ET.Element(f"{{{ATOM_NS}}}feed")

    def sub(parent, tag, text=None, **attrs):
        el = ET.SubElement(parent, f"{{{ATOM_NS}}}{tag}", attrs)
        if text is not None:
            el.text = text
        return el

    self_url = url_for("feeds.verdicts_atom", _external=True)
    sub(feed, "id", self_url)
    sub(feed, "title", "Counterclaim — published verdicts")
    sub(feed, "link", rel="self", href=self_url)
    sub(feed, "link", rel="alternate", href=request.url_root)
    newest = versions[0].published_at if versions else None
    sub(feed, "updated", (newest.isoformat() if newest else "1970-01-01T00:00:00+00:00"))
    sub(sub(feed, "author"), "name", "Counterclaim")
    for version in versions:
        verdict = version.verdict
        entry = sub(feed, "entry")
        sub(entry, "id", f"{request.url_root}verdicts/{verdict.id}/versions/{version.number}")
        sub(entry, "title", _headline(version))
        sub(entry, "link", rel="alternate", href=_claim_url(verdict.claim_id, verdict.id))
        sub(entry, "updated", version.published_at.isoformat())
        sub(entry, "published", version.published_at.isoformat())
        sub(sub(entry, "author"), "name", version.author.name)
        summary = version.rationale
        if version.reason:
            summary = f"{version.reason}\n\n{summary}"
        sub(entry, "summary", summary, type="text")
        sub(entry, "category", term=version.state.value)
        if shows_rating(version.state):
            sub(entry, "category", term=f"rating-{version.rating_value}",
                label=version.rating.label)
    body = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    response = Response(body, mimetype="application/atom+xml")
    response.cache_control.public = True
    response.cache_control.max_age = 60
    response.add_etag()
    return response.make_conditional(request)


CSV_COLUMNS = [
    "verdict_id", "version", "state", "rating_value", "rating_label", "claim_id",
    "claimant", "claim", "rationale", "reason", "published_at", "url",
]


def _cell(value) -> str:
    """Neutralise spreadsheet formulas (CSV injection) in text that users typed."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@bp.get("/feeds/claimreview.json")
@query_args("page")
def claimreview_feed() -> Response:
    """Our published ClaimReviews as a schema.org DataFeed, the shape fact-check
    aggregators read (and `flask reviews import` reads back): one DataFeedItem each,
    oldest first, CLAIMREVIEW_FEED_PAGE to a page; `Link: <...?page=N>; rel="next"` names the
    next page (a page of a DataFeed is a DataFeed too)."""
    from flask import json

    from app.services.claimreview import claimreview, has_claimreview, verdict_page_url
    from app.services.known import repeats_by_original

    per_page = current_app.config["CLAIMREVIEW_FEED_PAGE"]
    raw = request.args.get("page", "1")
    try:
        page = whole_number(raw)
    except ValueError:
        page = 0
    if not 1 <= page <= 10**6:
        raise ValidationError("The page must be a whole number from 1.",
                              {"page": ["a whole number from 1 to 1000000"]})
    verdicts = db.session.scalars(
        sa.select(Verdict).where(Verdict.state == VerdictState.PUBLISHED,
                                 Verdict.published_at.is_not(None))
        .options(selectinload(Verdict.claim).options(
            joinedload(Claim.claimant), selectinload(Claim.appearances),
            joinedload(Claim.first_appearance)), selectinload(Verdict.versions))
        .order_by(Verdict.id).offset((page - 1) * per_page).limit(per_page + 1)
    ).all()
    more = len(verdicts) > per_page
    verdicts = verdicts[:per_page]
    repeats = repeats_by_original(v.claim_id for v in verdicts)
    elements = []
    newest = None
    for verdict in verdicts:
        if not has_claimreview(verdict):
            continue
        review = claimreview(verdict, url=verdict_page_url(verdict), base_url=request.url_root,
                             repeats=repeats.get(verdict.claim_id, []))
        review.pop("@context", None)
        newest = max(newest or verdict.updated_at, verdict.updated_at)
        elements.append({"@type": "DataFeedItem", "dateModified": verdict.updated_at.isoformat(),
                         "item": [review]})
    feed = {"@context": "https://schema.org", "@type": "DataFeed",
            "name": "Counterclaim fact checks", "url": request.base_url,
            "dataFeedElement": elements}
    if newest is not None:
        feed["dateModified"] = newest.isoformat()
    response = Response(json.dumps(feed), mimetype="application/ld+json")
    if more:
        response.headers["Link"] = (
            f'<{url_for("feeds.claimreview_feed", page=page + 1, _external=True)}>; rel="next"')
    response.cache_control.public = True
    response.cache_control.max_age = 60
    response.add_etag()
    return response.make_conditional(request)


@bp.get("/exports/verdicts.csv")
def verdicts_csv() -> Response:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for version in reversed(_public_versions()):
        verdict = version.verdict
        rated = shows_rating(version.state)
        writer.writerow([_cell(v) for v in (
            verdict.id, version.number, version.state.value,
            version.rating_value if rated else "", version.rating.label if rated else "",
            verdict.claim_id, verdict.claim.claimant.name,
            verdict.claim.statement, version.rationale, version.reason,
            version.published_at.isoformat(), _claim_url(verdict.claim_id, verdict.id),
        )])
    response = Response(out.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="counterclaim-verdicts.csv"'
    response.cache_control.public = True
    response.cache_control.max_age = 60
    response.add_etag()
    return response.make_conditional(request)
