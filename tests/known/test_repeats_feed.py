"""A confirmed repeat reuses the original's check: the original's ClaimReview lists the
repeat's appearances, its feed entry comes round again, and our ClaimReviews go out as
a schema.org DataFeed that `flask reviews import` reads back."""

from __future__ import annotations

from app.extensions import db
from app.models import Claim, Review, Verdict
from app.services import claims as claim_service
from app.services import documents, known
from tests.known.conftest import log_claims, publish_verdict


def test_a_confirmed_repeat_appears_in_the_originals_claimreview_and_feed(
        client, editor, journalist):
    (original,) = log_claims(editor.user, ["Biden warned Zelensky Kyiv could be sacked."])
    verdict = publish_verdict(editor.user, original, rating=3)
    page = documents.create_document(actor=journalist.user, title="A tabloid repeats it",
                                     url="https://tabloid.example/sacked")
    claim = db.session.get(Claim, original)
    repeat = claim_service.add_claim(
        claim.dispute_id, actor=journalist.user, claimant_id=claim.claimant_id,
        statement="Kiev could be sacked, Biden told Zelenskyy.", kind="attributed_quote",
        sourcing_level="anonymous", first_appearance_id=page.id)
    before = client.get("/api/v1/verdicts").get_json()
    stamp = next(v["updated_at"] for v in before if v["id"] == verdict.id)

    # When a journalist confirms the repeat
    known.confirm_repeat(repeat.id, original, actor=journalist.user)

    # Then the original's verdict comes round again in the feed
    after = client.get("/api/v1/verdicts").get_json()
    assert next(v["updated_at"] for v in after if v["id"] == verdict.id) > stamp
    # and its ClaimReview lists where the repeat appeared, with the language
    review = client.get(f"/api/v1/verdicts/{verdict.id}/claimreview").get_json()
    appearances = review["itemReviewed"]["appearance"]
    assert {"url": "https://tabloid.example/sacked", "headline": "A tabloid repeats it"
            }.items() <= appearances[-1].items()
    assert review["inLanguage"] == "en"


def test_our_claimreviews_as_a_datafeed_read_back_by_the_importer(client, editor, cli,
                                                                     tmp_path):
    ids = log_claims(editor.user, ["Milley said an attack would come with 1000 troops.",
                                   "Kyiv is not in danger."])
    publish_verdict(editor.user, ids[0], rating=1)
    response = client.get("/feeds/claimreview.json", base_url="https://news.example")
    assert response.status_code == 200
    assert response.mimetype == "application/ld+json"
    feed = response.get_json()
    assert feed["@type"] == "DataFeed" and len(feed["dataFeedElement"]) == 1
    item = feed["dataFeedElement"][0]["item"][0]
    assert item["@type"] == "ClaimReview" and item["reviewRating"]["alternateName"] == "False"
    assert item["inLanguage"] == "en"
    assert client.get("/feeds/claimreview.json", base_url="https://news.example",
                      headers={"If-None-Match": response.headers["ETag"]}).status_code == 304

    path = tmp_path / "ours.json"
    path.write_bytes(response.data)
    result = cli.invoke(args=["reviews", "import", str(path)])
    assert result.exit_code == 0, result.output
    (review,) = db.session.scalars(db.select(Review)).all()
    assert (review.publisher, review.rating_value, review.rating_text) == (
        "Counterclaim", 1.0, "False")
    assert db.session.scalar(db.select(db.func.count()).select_from(Verdict)) == 1


def test_the_datafeed_comes_in_pages_named_by_link_headers(client, editor):
    ids = log_claims(editor.user, [f"Claim number {n} about the troops." for n in range(5)])
    for claim_id in ids:
        publish_verdict(editor.user, claim_id, rating=2)
    client.application.config["CLAIMREVIEW_FEED_PAGE"] = 2
    seen, url = [], "/feeds/claimreview.json"
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.data[:300]
        seen += [e["item"][0]["url"] for e in response.get_json()["dataFeedElement"]]
        link = response.headers.get("Link")
        url = link[1:link.index(">")].removeprefix("http://localhost") if link else None
    assert len(seen) == len(set(seen)) == 5
    bad = client.get("/feeds/claimreview.json?page=0")
    assert bad.status_code == 422 and "page must be a whole number" in bad.get_data(as_text=True)
