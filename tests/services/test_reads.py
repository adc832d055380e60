"""Whole-dispute reads and ClaimReview, on the seeded data."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import event

from app.extensions import db
from app.models import Dispute, Verdict, VerdictState
from app.reads.aggregates import dispute_detail
from app.services.claimreview import claimreview, shorten


def count_queries(fn):
    statements = []

    def before(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", before)
    try:
        result = fn()
    finally:
        event.remove(db.engine, "before_cursor_execute", before)
    return result, len(statements)


def _dispute_id(slug):
    return db.session.scalar(sa.select(Dispute.id).where(Dispute.slug == slug))


def test_dispute_detail_has_everything_and_hides_drafts(seeded):
    detail = dispute_detail(_dispute_id("attack-certain-once-ground-freezes"))
    assert len(detail.claims) == 4 and len(detail.links) == 4
    cnn = detail.claims[0]
    assert detail.verdicts[cnn.id] is None  # its verdict is only a draft
    staff = dispute_detail(detail.dispute.id, include_drafts=True)
    assert staff.verdicts[cnn.id].state is VerdictState.DRAFT


def test_dispute_detail_query_count_does_not_grow_with_size(seeded):
    small = _dispute_id("milley-1000-troops")
    large = _dispute_id("biden-warned-kyiv-could-be-sacked")

    def load(dispute_id):
        db.session.expunge_all()
        detail = dispute_detail(dispute_id)
        # touch everything a page or the API shows
        for claim in detail.claims:
            _ = [claim.claimant.parent, claim.first_appearance,
                 [a.source.name for a in claim.attributions],
                 [a.document.title for a in claim.appearances],
                 [(q.speaker.name, q.document) for q in claim.quotes],
                 [v.versions for v in claim.verdicts]]
        _ = [link.scope_quote for link in detail.links]
        return detail

    small_detail, small_count = count_queries(lambda: load(small))
    large_detail, large_count = count_queries(lambda: load(large))
    assert len(large_detail.claims) > len(small_detail.claims)
    assert small_count == large_count


def test_claimreview_for_the_corrected_verdict(seeded):
    verdict = db.session.scalars(sa.select(Verdict).where(Verdict.current_version == 2)).one()
    review = claimreview(verdict, url="https://example.org/v/1")
    assert review["@type"] == "ClaimReview"
    assert len(review["claimReviewed"]) <= 75
    rating = review["reviewRating"]
    assert (rating["ratingValue"], rating["alternateName"]) == (3, "Unsupported")
    assert (rating["worstRating"], rating["bestRating"]) == (1, 5)
    # the anonymous source's account is CNN's claim; the chain says whom CNN cited
    assert review["itemReviewed"]["author"] == {"@type": "Organization", "name": "CNN"}
    assert "citing an unnamed Ukrainian source" in review["itemReviewed"]["description"]
    assert review["itemReviewed"]["firstAppearance"]["publisher"]["name"] == "CNN"
    assert "dateModified" in review


def test_shorten_cuts_at_words():
    text = "Biden warned Zelensky that Kyiv could be sacked and told him to prepare for impact"
    short = shorten(text)
    assert len(short) <= 75 and short.endswith("…") and " " + short[:-1].split()[-1] in text
    assert shorten("short") == "short"


def test_shorten_never_cuts_inside_a_quotation():
    # a clause or a quotation ends where a reader stops
    quoted = ('Biden warned Zelensky that Kyiv could be "sacked" and told him to "prepare '
              'for impact"; the call "did not go well".')
    assert shorten(quoted) == 'Biden warned Zelensky that Kyiv could be "sacked"…'
    curly = "The report is not true, she said; “reports of anything more or different are " \
            "completely false”, the embassy added."
    assert shorten(curly) == "The report is not true, she said…"
    # an apostrophe opens nothing
    assert shorten("Joe says he’ll go it alone, deploying troops without NATO’s backing "
                   "in February or March") == \
        "Joe says he’ll go it alone, deploying troops without NATO’s backing in…"
    # a statement that is one long quotation stays whole: no cut would be honest
    long_quote = "“" + " ".join(["word"] * 30) + "”"
    assert shorten(long_quote) == long_quote
