"""`flask reviews import FILE`: other fact-checkers' ClaimReviews, imported as theirs,
all or nothing, idempotent by URL; then matched alongside our claims."""

from __future__ import annotations

import json
from pathlib import Path

import sqlalchemy as sa

from app.extensions import db
from app.models import Review

DATA = Path(__file__).parent / "data"


def count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Review))


def test_a_datafeed_a_claims_search_answer_and_json_lines_are_imported(cli):
    for name, expected in (("datafeed.json", 2), ("claims-search.json", 2),
                           ("reviews.jsonl", 2)):
        result = cli.invoke(args=["reviews", "import", str(DATA / name)])
        assert result.exit_code == 0, result.output
        assert f"{expected} reviews: {expected} new, 0 updated, 0 unchanged." in result.output
    assert count() == 6

    kiev = db.session.scalar(sa.select(Review).where(Review.url.like("%kiev-sacked")))
    assert (kiev.publisher, kiev.publisher_site) == ("Checker Example", "https://checker.example")
    assert (kiev.rating_text, kiev.rating_value, kiev.best_rating, kiev.worst_rating) == (
        "Unproven", 2.0, 5.0, 1.0)
    assert kiev.claimant == "CNN" and kiev.claim_date.isoformat() == "2022-01-27T00:00:00+00:00"
    assert kiev.language == "en" and kiev.raw["url"] == kiev.url
    german = db.session.scalar(sa.select(Review).where(Review.url.like("%bodenfrost")))
    assert (german.publisher, german.language, german.rating_text) == (
        "Prüfer", "de", "Irreführend")
    assert german.claim_reviewed == "Russia will attack Ukraine once the ground freezes"
    lines = db.session.scalar(sa.select(Review).where(Review.url == "https://lines.example/1"))
    assert lines.language == "en"  # DEFAULT_LANGUAGE when the record names none


def test_importing_again_updates_by_url_and_changes_nothing_else(cli, tmp_path):
    assert cli.invoke(args=["reviews", "import", str(DATA / "datafeed.json")]).exit_code == 0
    again = cli.invoke(args=["reviews", "import", str(DATA / "datafeed.json")])
    assert "2 reviews: 0 new, 0 updated, 2 unchanged." in again.output
    feed = json.loads((DATA / "datafeed.json").read_text())
    feed["dataFeedElement"][1]["item"]["reviewRating"]["alternateName"] = "Mostly true"
    changed = tmp_path / "changed.json"
    changed.write_text(json.dumps(feed))
    result = cli.invoke(args=["reviews", "import", str(changed)])
    assert "2 reviews: 0 new, 1 updated, 1 unchanged." in result.output, result.output
    assert count() == 2
    assert db.session.scalar(sa.select(Review.rating_text).where(
        Review.url.like("%troops-100k"))) == "Mostly true"


def test_a_file_with_bad_records_names_each_and_imports_nothing(cli):
    result = cli.invoke(args=["reviews", "import", str(DATA / "bad.jsonl")])
    assert result.exit_code != 0
    out = result.output
    assert "nothing was imported" in out
    assert "bad.jsonl:line 2: url:" in out
    assert "bad.jsonl:line 3: claim_reviewed:" in out
    assert "bad.jsonl:line 4: language:" in out
    assert "bad.jsonl:line 5: reviewRating.ratingValue: not a number" in out
    assert "bad.jsonl:line 6: @type:" in out
    assert "bad.jsonl:line 7: not JSON" in out
    assert "line 1:" not in out
    assert count() == 0


def test_not_json_at_all_is_named(cli, tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text('{"@type": "ClaimReview",\n "url": }')
    result = cli.invoke(args=["reviews", "import", str(broken)])
    assert result.exit_code != 0 and "broken.json:line 2: not JSON" in result.output
    empty = tmp_path / "empty.json"
    empty.write_text("[]")
    result = cli.invoke(args=["reviews", "import", str(empty)])
    assert result.exit_code != 0 and "no reviews found" in result.output


def test_imported_reviews_are_matched_as_theirs_within_their_language(cli, client):
    assert cli.invoke(args=["reviews", "import", str(DATA / "datafeed.json")]).exit_code == 0
    assert cli.invoke(args=["reviews", "import", str(DATA / "claims-search.json")]
                      ).exit_code == 0
    found = client.get("/api/v1/matches", query_string={
        "text": "Joe Biden warned Zelensky Kyiv might be sacked"}).get_json()
    best = found[0]
    assert best["kind"] == "review" and best["match"] is True
    assert best["publisher"] == "Checker Example"
    assert best["rating"] == {"value": 2.0, "label": "Unproven",
                              "url": "https://checker.example/checks/kiev-sacked"}
    assert "verdict" not in best  # theirs, never as our verdict
    english = client.get("/api/v1/matches", query_string={
        "text": "Russia will attack Ukraine when the ground freezes"}).get_json()
    assert [m["publisher"] for m in english if m["match"]] == ["Other Checker"]
    listed = client.get("/api/v1/reviews?language=de")
    assert listed.status_code == 200
    assert [r["publisher"] for r in listed.get_json()] == ["Prüfer"]
    one = client.get(f"/api/v1/reviews/{listed.get_json()[0]['id']}")
    assert one.get_json()["url"] == "https://pruefer.example/bodenfrost"
    assert client.get("/api/v1/reviews/424242").status_code == 404


def test_a_bad_record_inside_a_datafeed_is_named_by_its_path(cli, tmp_path):
    feed = json.loads((DATA / "datafeed.json").read_text())
    del feed["dataFeedElement"][1]["item"]["claimReviewed"]
    broken = tmp_path / "feed.json"
    broken.write_text(json.dumps(feed))
    result = cli.invoke(args=["reviews", "import", str(broken)])
    assert result.exit_code != 0
    assert "feed.json $.dataFeedElement[1].item: claim_reviewed:" in result.output
    assert count() == 0
