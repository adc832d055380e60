"""schema.org ClaimReview JSON-LD for a published verdict.

Honest ratings: ratingValue on the one documented scale (worstRating 1 .. bestRating 5)
with its label as alternateName. A withdrawn verdict has none (the policy's
`shows_rating`): the API answers 410 Gone, pointing at its history, and pages embed none,
so search engines and consumers stop spreading a rating the newsroom retracted.
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
from app.services.errors import InvalidTransition, Withdrawn
from app.services.policy import shows_rating

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


def has_claimreview(verdict) -> bool:
    """Whether a verdict (object or row) has a ClaimReview: published, not withdrawn."""
    return verdict.state is VerdictState.PUBLISHED and verdict.published_at is not None


def claimreview(verdict: Verdict, *, url: str, base_url: str = "",
                history_url: str = "", repeats: list | None = None) -> dict[str, Any]:
    """The ClaimReview of a published verdict. InvalidTransition for a draft (it has none
    yet); Withdrawn (410) for a withdrawn one, saying when and why, and where its history
    is (`history_url`, also as a Link header)."""
    if not shows_rating(verdict.state):
        latest = verdict.versions[-1]
        when = latest.published_at.date().isoformat() if latest.published_at else "earlier"
        where = f" Its history: {history_url}" if history_url else ""
        raise Withdrawn(
            f"Verdict {verdict.id} was withdrawn on {when}: {latest.reason} No rating of it "
            f"is published any more.{where}",
            headers={"Link": f'<{history_url}>; rel="version-history"'} if history_url
            else None)
    if not has_claimreview(verdict):
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
    appearances = [_creative_work(a.document) for a in claim.appearances]
    # A repeat a journalist confirmed is this claim appearing again: its appearances are
    # this claim's too (`repeats`: app.services.known.repeats_of, read by the caller so
    # that a page of many verdicts makes no query per verdict).
    for repeat in repeats or ():
        documents = [repeat.first_appearance] if repeat.first_appearance else []
        documents += [a.document for a in repeat.appearances]
        appearances += [_creative_work(d) for d in documents]
    if appearances:
        item["appearance"] = appearances
    latest = verdict.versions[-1] if verdict.versions else None
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
            "ratingExplanation": verdict.rationale,
        },
        "itemReviewed": item,
        "inLanguage": verdict.language,
    }
    if latest is not None and latest.published_at and latest.number > 1:
        review["dateModified"] = latest.published_at.isoformat()
    return review
