"""A consumer syncing the verdict feed, end to end: a first full sync page by page, then
incremental syncs from the saved cursor that see corrections, withdrawals and newly
published verdicts arrive — and nothing twice, nothing missed."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.extensions import db
from app.models import Claim, Verdict, VerdictState
from app.services import verdicts
from tests.api.conftest import etag, with_if_match

FEED = "/api/v1/verdicts"


def sync(client, start_url: str) -> tuple[list[dict], str | None]:
    """Follow Link: rel="next" from `start_url`; return the items and the last cursor."""
    items, url, cursor = [], start_url, None
    for _ in range(100):
        response = client.get(url)
        assert response.status_code == 200, response.get_json()
        items.extend(response.get_json())
        cursor = response.headers.get("X-Next-Cursor", cursor)
        link = response.headers.get("Link")
        if not link:
            break
        assert link.endswith('rel="next"')
        url = link[link.index("<") + 1 : link.index(">")]
    return items, cursor


def test_a_consumer_syncs_corrections_and_withdrawals(client, seeded, editor):
    # Given a consumer's first sync, two verdicts per request
    first, cursor = sync(client, f"{FEED}?updated_since=2000-01-01T00:00:00Z&limit=2")
    public = set(db.session.scalars(sa.select(Verdict.id).where(
        Verdict.state.in_([VerdictState.PUBLISHED, VerdictState.WITHDRAWN]))))
    assert [v["id"] for v in first] and {v["id"] for v in first} == public
    assert len(first) == len(public)  # nothing twice
    stamps = [(v["updated_at"], v["id"]) for v in first]
    assert stamps == sorted(stamps)
    assert cursor
    assert sync(client, f"{FEED}?cursor={cursor}")[0] == []  # up to date

    # When an editor corrects one verdict and withdraws another
    corrected_id, withdrawn_id = first[0]["id"], first[1]["id"]
    url = f"{FEED}/{corrected_id}"
    response = client.post(url + "/correct", json={"reason": "A second source.",
                                                   "rating_value": 4},
                           headers=with_if_match(editor.headers, etag(client, url)))
    assert response.status_code == 200
    url = f"{FEED}/{withdrawn_id}"
    response = client.post(url + "/withdraw", json={"reason": "Claim misattributed."},
                           headers=with_if_match(editor.headers, etag(client, url)))
    assert response.status_code == 200

    # Then the next sync from the saved cursor brings exactly those two, as they are now
    changes, cursor = sync(client, f"{FEED}?cursor={cursor}&limit=1")
    assert [v["id"] for v in changes] == [corrected_id, withdrawn_id]
    assert (changes[0]["current_version"], changes[0]["rating_value"]) == (
        first[0]["current_version"] + 1, 4)
    assert changes[1]["state"] == "withdrawn"
    history = client.get(f"{FEED}/{withdrawn_id}/history").get_json()
    assert history[-1]["reason"] == "Claim misattributed."
    assert sync(client, f"{FEED}?cursor={cursor}")[0] == []


def test_a_published_draft_arrives_in_the_next_sync(client, seeded, editor):
    _, cursor = sync(client, f"{FEED}?limit=100")
    draft = db.session.scalars(sa.select(Verdict).where(Verdict.state == VerdictState.DRAFT)).one()
    url = f"{FEED}/{draft.id}"
    tag = etag(client, url, editor.headers)
    assert client.post(url + "/publish",
                       headers=with_if_match(editor.headers, tag)).status_code == 200
    changes, _ = sync(client, f"{FEED}?cursor={cursor}")
    assert [(v["id"], v["state"]) for v in changes] == [(draft.id, "published")]


def test_the_feed_filters_and_rejects_bad_cursors(client, seeded):
    feed = client.get(FEED).get_json()
    rating = feed[0]["rating_value"]
    assert {v["rating_value"] for v in client.get(f"{FEED}?rating_value={rating}").get_json()} == {
        rating}
    dispute = feed[0]["dispute_id"]
    assert {v["dispute_id"] for v in client.get(f"{FEED}?dispute_id={dispute}").get_json()} == {
        dispute}
    future = client.get(f"{FEED}?updated_since=2999-01-01T00:00:00Z")
    assert future.get_json() == [] and "X-Next-Cursor" not in future.headers
    bad = client.get(f"{FEED}?cursor=not-a-cursor")
    assert bad.status_code == 422 and "cursor" in bad.get_json()["error"]["fields"]


def test_the_feed_is_cacheable_and_revalidates(client, seeded):
    response = client.get(FEED)
    assert response.headers["Cache-Control"].startswith("public")
    assert "Authorization" in response.headers["Vary"]
    again = client.get(FEED, headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""


def test_a_change_that_commits_late_is_not_passed_by_a_cursor(client, seeded):
    """A writer that took its time stamp before a consumer's cursor but commits after it
    (a slow transaction, or an app server whose clock lags) still reaches that consumer:
    the feed is stamped in commit order (app/services/feed_order.py)."""
    # Given a consumer that synced up to now
    _, cursor = sync(client, f"{FEED}?limit=100")
    draft_id = db.session.scalar(sa.select(Verdict.id).where(
        Verdict.state == VerdictState.DRAFT))
    db.session.remove()

    # When a writer whose flush stamped a time long before that cursor publishes a draft
    with Session(db.engine) as slow:
        verdict = slow.get(Verdict, draft_id)
        verdict.state = VerdictState.PUBLISHED
        verdict.published_at = datetime.now(UTC)
        verdict.updated_at = datetime(2022, 1, 1, tzinfo=UTC)  # what its flush would say
        slow.flush()
        slow.commit()

    # Then the consumer's next sync from its cursor brings it, stamped after the cursor
    changes, next_cursor = sync(client, f"{FEED}?cursor={cursor}")
    assert [(v["id"], v["state"]) for v in changes] == [(draft_id, "published")]
    assert changes[0]["updated_at"] > "2026"
    assert sync(client, f"{FEED}?cursor={next_cursor}")[0] == []


def test_feed_stamps_rise_with_every_commit(seeded, editor):
    # Given a verdict stamped in the future by an app server whose clock runs ahead
    published = db.session.scalars(sa.select(Verdict).where(
        Verdict.state == VerdictState.PUBLISHED).order_by(Verdict.id)).all()
    assert len(published) >= 3
    ahead = datetime.now(UTC).replace(year=datetime.now(UTC).year + 1)
    db.session.execute(sa.update(Verdict).where(Verdict.id == published[2].id)
                       .values(updated_at=ahead))
    db.session.commit()

    # When two other verdicts are corrected one after the other on a clock behind it
    stamps = []
    for verdict in published[:2]:
        verdicts.correct(verdict, actor=editor.user, reason="A later source.")
        stamps.append(db.session.get(Verdict, verdict.id).updated_at)

    # Then each lands after everything committed before it, in commit order
    assert ahead < stamps[0] < stamps[1]


def test_a_reworded_claim_brings_its_verdict_round_again(client, seeded, journalist):
    # Given a consumer that synced, and a published verdict's claim
    _, cursor = sync(client, f"{FEED}?limit=100")
    verdict = db.session.scalars(sa.select(Verdict).where(
        Verdict.state == VerdictState.PUBLISHED).order_by(Verdict.id)).first()
    claim_url = f"/api/v1/claims/{verdict.claim_id}"

    # When a journalist rewords the claim
    response = client.patch(claim_url, json={"statement": "Reworded after a recording."},
                            headers=with_if_match(journalist.headers, etag(client, claim_url)))
    assert response.status_code == 200, response.get_json()

    # Then the next sync brings the verdict, and its ClaimReview has the new words
    changes, _ = sync(client, f"{FEED}?cursor={cursor}")
    assert [v["id"] for v in changes] == [verdict.id]
    review = client.get(f"{FEED}/{verdict.id}/claimreview").get_json()
    assert review["claimReviewed"] == "Reworded after a recording."


def test_renaming_what_a_claimreview_names_brings_the_verdict_round(client, seeded,
                                                                    journalist):
    # Given a consumer that synced, and a published verdict whose claim has a claimant
    # and a first appearance
    verdict = db.session.scalars(sa.select(Verdict).join(Verdict.claim).where(
        Verdict.state == VerdictState.PUBLISHED,
        Claim.first_appearance_id.is_not(None)).order_by(Verdict.id)).first()
    claim = verdict.claim
    for url, change, shown in (
        (f"/api/v1/sources/{claim.claimant_id}", {"name": "Renamed claimant"},
         lambda review: "Renamed claimant" if "renamed claimant" in
         review["itemReviewed"]["description"].lower() else None),
        (f"/api/v1/sources/{claim.attributions[0].source_id}", {"name": "Renamed carrier"},
         lambda review: review["itemReviewed"]["author"]["name"]),
        (f"/api/v1/documents/{claim.first_appearance_id}", {"title": "Retitled report"},
         lambda review: review["itemReviewed"]["firstAppearance"]["headline"]),
    ):
        _, cursor = sync(client, f"{FEED}?limit=100")
        # When a journalist renames it
        response = client.patch(url, json=change,
                                headers=with_if_match(journalist.headers, etag(client, url)))
        assert response.status_code == 200, response.get_json()

        # Then the next sync brings that verdict again, its ClaimReview showing the change
        changes, _ = sync(client, f"{FEED}?cursor={cursor}")
        assert verdict.id in [v["id"] for v in changes]
        review = client.get(f"{FEED}/{verdict.id}/claimreview").get_json()
        assert shown(review) == next(iter(change.values()))
