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
    Claim,
    ClaimKind,
    Document,
    Source,
    SourceKind,
    Verdict,
    VerdictState,
)
from app.services.errors import InvalidTransition, Withdrawn
from app.services.policy import shows_rating

CLAIM_REVIEWED_MAX = 75
PUBLISHER = {"@type": "Organization", "name": "Counterclaim"}

# Quotation marks: openers and the closer each one waits for. A straight double quote
# both opens and closes; a straight single one is left alone (it is mostly an
# apostrophe, as is a closing curly one that nothing opened: "he’ll").
_CLOSER = {'"': '"', "“": "”", "‘": "’", "«": "»"}
_CLAUSE_END = ".;:!?"


def _cut_points(text: str) -> tuple[list[int], list[int]]:
    """Where `text` may be cut, outside quotation marks: after a sentence, a clause or a
    whole quotation (strong), and before a word that does not open a quotation (weak)."""
    strong: list[int] = []
    weak: list[int] = []
    waiting: list[str] = []  # the closers of the quotations open at this point
    for i, char in enumerate(text):
        if waiting and char == waiting[-1]:
            waiting.pop()
            if not waiting:
                strong.append(i + 1)
            continue
        if char in _CLOSER and not (char == '"' and waiting and waiting[-1] == '"'):
            waiting.append(_CLOSER[char])
            continue
        if waiting:
            continue
        if char in _CLAUSE_END:
            strong.append(i + 1)
        elif char == " " and i + 1 < len(text) and text[i + 1] not in _CLOSER:
            weak.append(i)
    return strong, weak


def shorten(text: str, limit: int = CLAIM_REVIEWED_MAX) -> str:
    """`text` whole when it fits `limit`, otherwise cut — with an ellipsis — where a
    reader would stop: at the end of a sentence, clause or quotation, else between two
    words, never inside quotation marks nor just before a quotation it leads into (a
    claim cut mid-quote misstates it). Whole when no such cut fits."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    strong, weak = _cut_points(text)
    fits = [i for i in strong if i < limit and text[:i].rstrip(_CLAUSE_END + " ")]
    # a clause end beats a later word break, unless it leaves too little to go on
    if fits and fits[-1] >= limit // 3:
        cut = fits[-1]
    else:
        fits = [i for i in weak if i < limit]
        if not fits:
            return text
        cut = fits[-1]
    return text[:cut].rstrip(",;: ") + "…"


def _party(source: Source) -> dict[str, Any]:
    """A schema.org Person or Organization naming `source` (never an anonymous one: it
    is nobody's name)."""
    kind = "Person" if source.kind is SourceKind.PERSON else "Organization"
    return {"@type": kind, "name": source.name}


def attribution_chain(claim: Claim) -> str:
    """Who carries the claim, outermost first: "CNN, citing an unnamed Ukrainian source";
    "DailyMail.com, quoting Mark Milley"; the claimant alone when nobody carries it."""
    if not claim.attributions:
        return claim.claimant.name
    carriers = [a.source for a in claim.attributions] + [claim.claimant]
    parts = [carriers[0].name]
    for link, inner in zip(claim.attributions, carriers[1:], strict=True):
        name = inner.name
        if inner.kind is SourceKind.ANONYMOUS and name[:1].isupper():
            name = name[0].lower() + name[1:]  # "citing an unnamed Ukrainian source"
        parts.append(f"{link.relation} {name}")
    return ", ".join(parts)


def claim_author(claim: Claim) -> dict[str, Any] | None:
    """Who published the claim reviewed. An anonymous source's account, and a quote as
    an outlet printed it, are the carrier's claim (CNN published "an unnamed Ukrainian
    source", DailyMail.com printed "with 1000 troops"): the outermost named carrier, else
    the publisher of the first appearance. Anyone else's claim is theirs. None when
    nobody named published it."""
    claimant = claim.claimant
    carried = claimant.kind is SourceKind.ANONYMOUS or claim.kind is ClaimKind.ATTRIBUTED_QUOTE
    if not carried:
        return _party(claimant)
    for source in [a.source for a in claim.attributions] + [claimant]:
        if source.kind is not SourceKind.ANONYMOUS:
            return _party(source)
    first = claim.first_appearance
    if first is not None and first.publisher is not None \
            and first.publisher.kind is not SourceKind.ANONYMOUS:
        return _party(first.publisher)
    return None


def _creative_work(document: Document) -> dict[str, Any]:
    """Where the claim appeared. Valid without a URL (a broadcast, a print edition):
    named, with its publisher and date when known."""
    work: dict[str, Any] = {"@type": "CreativeWork", "name": document.title,
                            "headline": shorten(document.title, 110)}
    if document.url:
        work["url"] = document.url
    if document.published_at:
        work["datePublished"] = document.published_at.isoformat()
    if document.publisher is not None:
        work["publisher"] = _party(document.publisher)
    return work


def verdict_page_url(verdict: Verdict) -> str:
    """Where a reader sees the verdict: its claim's page (one URL for the API and the
    pages, so ClaimReview consumers and crawlers agree)."""
    return page_urls().verdict(verdict.claim_id, verdict.id)


class PageUrls:
    """The absolute URLs of a verdict's page (its claim's, at the verdict) and of a
    dispute's page, as this request's host names them. Built from one `url_for` per
    kind, filled in per row: a feed page needs a hundred of them."""

    _MARK = 2147483647  # an id no row has; what url_for puts in its place is replaced

    def __init__(self):
        from flask import url_for

        self._claim = url_for("web.claim", claim_id=self._MARK, _external=True)
        self._dispute = url_for("web.dispute", dispute_id=self._MARK, _external=True)

    def verdict(self, claim_id: int, verdict_id: int) -> str:
        return self._claim.replace(str(self._MARK), str(claim_id)) + f"#verdict-{verdict_id}"

    def dispute(self, dispute_id: int | None) -> str | None:
        if dispute_id is None:  # the claim is deleted (editors' views)
            return None
        return self._dispute.replace(str(self._MARK), str(dispute_id))


def page_urls() -> PageUrls:
    return PageUrls()


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
    # the whole account, and through whom it came: claimReviewed may be shortened, and
    # the author alone does not say that CNN was citing someone
    item: dict[str, Any] = {"@type": "Claim",
                            "description": f"{attribution_chain(claim)}: {claim.statement}"}
    author = claim_author(claim)
    if author is not None:
        item["author"] = author
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
            "name": verdict.rating.label,
            "ratingExplanation": verdict.rationale,
        },
        "itemReviewed": item,
        "inLanguage": verdict.language,
    }
    if latest is not None and latest.published_at and latest.number > 1:
        review["dateModified"] = latest.published_at.isoformat()
    return review
