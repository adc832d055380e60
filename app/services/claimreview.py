"""schema.org ClaimReview JSON-LD for a published verdict.

Honest ratings: ratingValue on the one documented scale (worstRating 1 .. bestRating 5)
with its label as alternateName.
"""

from __future__ import annotations

from typing import Any

from app.models import (
    BEST_RATING,
    WORST_RATING,
    Document,
    SourceKind,
    Verdict,
    VerdictState,
)
from app.services.errors import InvalidTransition

CLAIM_REVIEWED_MAX = 75
PUBLISHER = {"@type": "Organization", "name": "Counterclaim"}


def shorten(text: str, limit: int = CLAIM_REVIEWED_MAX) -> str:
    """Cut at a word boundary so the result, with its ellipsis, fits `limit`."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:.- ")
    return cut + "…"


def _creative_work(document: Document) -> dict[str, Any]:
    work: dict[str, Any] = {"@type": "CreativeWork", "headline": shorten(document.title, 110)}
    if document.url:
        work["url"] = document.url
    if document.published_at:
        work["datePublished"] = document.published_at.isoformat()
    if document.publisher is not None:
        work["publisher"] = {"@type": "Organization", "name": document.publisher.name}
    return work


def verdict_page_url(verdict: Verdict) -> str:
    """Where a reader sees the verdict: its claim's page (one URL for the API and the
    pages, so ClaimReview consumers and crawlers agree)."""
    from flask import url_for

    return url_for("web.claim", claim_id=verdict.claim_id, _external=True,
                   _anchor=f"verdict-{verdict.id}")


def claimreview(verdict: Verdict, *, url: str, base_url: str = "") -> dict[str, Any]:
    """The ClaimReview for a published or withdrawn verdict (drafts have none)."""
    if verdict.state is VerdictState.DRAFT or verdict.published_at is None:
        raise InvalidTransition(f"Verdict {verdict.id} is a draft and has no ClaimReview.")
    claim = verdict.claim
    claimant = claim.claimant
    author_type = "Person" if claimant.kind in (SourceKind.PERSON, SourceKind.ANONYMOUS) \
        else "Organization"
    item: dict[str, Any] = {
        "@type": "Claim",
        "author": {"@type": author_type, "name": claimant.name},
    }
    if claim.stated_at:
        item["datePublished"] = claim.stated_at.date().isoformat()
    if claim.first_appearance is not None:
        item["firstAppearance"] = _creative_work(claim.first_appearance)
    if claim.appearances:
        item["appearance"] = [_creative_work(a.document) for a in claim.appearances]
    latest = verdict.versions[-1] if verdict.versions else None
    explanation = verdict.rationale
    if verdict.state is VerdictState.WITHDRAWN and latest is not None:
        explanation = f"Withdrawn: {latest.reason}"
    review: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": url,
        "claimReviewed": shorten(claim.statement),
        "datePublished": verdict.published_at.date().isoformat(),
        "author": dict(PUBLISHER, **({"url": base_url} if base_url else {})),
        "reviewRating": {
            "@type": "Rating",
            "ratingValue": verdict.rating_value,
            "bestRating": BEST_RATING,
            "worstRating": WORST_RATING,
            "alternateName": verdict.rating.label,
            "ratingExplanation": explanation,
        },
        "itemReviewed": item,
    }
    if latest is not None and latest.published_at and latest.number > 1:
        review["dateModified"] = latest.published_at.isoformat()
    return review
