"""Verdicts over HTTP: journalists draft, editors publish, correct and withdraw; readers
never see drafts; every version stays public with its reason; ClaimReview JSON-LD."""

from __future__ import annotations

import pytest

from tests.api.conftest import etag, with_if_match

URL = "/api/v1/verdicts"


@pytest.fixture
def draft(client, world, journalist):
    response = client.post(URL, json={
        "claim_id": world.claim_ids[0], "rating_value": 2, "rationale": "Misleading.",
        "evidence": [{"claim_id": world.claim_ids[1], "stance": "refutes"},
                     {"document_id": world.document_id, "stance": "supports", "note": "p. 1"}],
    }, headers=journalist.headers)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _publish(client, editor, verdict_id):
    url = f"{URL}/{verdict_id}"
    response = client.post(url + "/publish",
                           headers=with_if_match(editor.headers, etag(client, url, editor.headers)))
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_a_draft_is_invisible_to_readers(client, draft, journalist, reader):
    url = f"{URL}/{draft['id']}"
    assert draft["state"] == "draft" and draft["rating_label"] == "Misleading"
    assert [e["stance"] for e in draft["evidence"]] == ["refutes", "supports"]
    assert client.get(url).status_code == 404
    assert client.get(url, headers=reader.headers).status_code == 404
    assert client.get(url + "/history").status_code == 404
    assert client.get(URL).get_json() == []
    assert client.get(URL + "?state=draft").get_json() == []
    staff_feed = client.get(URL, headers=journalist.headers).get_json()
    assert [v["id"] for v in staff_feed] == [draft["id"]]
    assert client.get(url, headers=journalist.headers).status_code == 200


def test_a_draft_changes_in_place_until_an_editor_publishes_it(client, draft, journalist, editor):
    url = f"{URL}/{draft['id']}"
    tag = etag(client, url, journalist.headers)
    changed = client.patch(url, json={"rating_value": 1, "rationale": "False."},
                           headers=with_if_match(journalist.headers, tag))
    assert changed.status_code == 200 and changed.get_json()["rating_label"] == "False"
    new_tag = changed.headers["ETag"]
    assert client.post(url + "/publish",
                       headers=with_if_match(journalist.headers, new_tag)).status_code == 403
    assert client.post(url + "/publish",
                       headers=with_if_match(editor.headers, tag)).status_code == 412
    published = client.post(url + "/publish", headers=with_if_match(editor.headers, new_tag))
    assert published.status_code == 200
    body = published.get_json()
    assert body["state"] == "published" and body["published_at"]
    assert client.get(url).status_code == 200  # now public

    edit = client.patch(url, json={"rationale": "sneaky"},
                        headers=with_if_match(journalist.headers, published.headers["ETag"]))
    assert edit.status_code == 409 and edit.get_json()["error"]["code"] == "invalid_state"
    delete = client.delete(url, headers=with_if_match(journalist.headers,
                                                      published.headers["ETag"]))
    assert delete.status_code == 409


def test_corrections_and_withdrawals_keep_the_whole_history(client, draft, editor):
    url = f"{URL}/{draft['id']}"
    _publish(client, editor, draft["id"])
    no_reason = client.post(url + "/correct", json={"rating_value": 3},
                            headers=with_if_match(editor.headers, etag(client, url)))
    assert no_reason.status_code == 422 and "reason" in no_reason.get_json()["error"]["fields"]
    corrected = client.post(url + "/correct",
                            json={"reason": "New evidence.", "rating_value": 3},
                            headers=with_if_match(editor.headers, etag(client, url)))
    assert corrected.status_code == 200
    assert (corrected.get_json()["current_version"], corrected.get_json()["rating_label"]) == (
        2, "Unsupported")
    withdrawn = client.post(url + "/withdraw", json={"reason": "Wrong claim."},
                            headers=with_if_match(editor.headers, etag(client, url)))
    assert withdrawn.status_code == 200 and withdrawn.get_json()["state"] == "withdrawn"
    # a withdrawn verdict carries its withdrawal, and no rating, in the feed and as itself
    for shown in (withdrawn.get_json(), client.get(url).get_json(),
                  next(v for v in client.get(URL).get_json() if v["id"] == draft["id"])):
        assert (shown["rating_value"], shown["rating_label"]) == (None, None)
        assert shown["withdrawal_reason"] == "Wrong claim." and shown["withdrawn_at"]

    # the history says what each version said, the withdrawal itself without a rating
    history = client.get(url + "/history").get_json()
    assert [(v["number"], v["state"], v["rating_value"], v["reason"]) for v in history] == [
        (1, "published", 2, ""), (2, "published", 3, "New evidence."),
        (3, "withdrawn", None, "Wrong claim.")]
    assert [v["author"]["name"] for v in history] == [
        "Journalist Example", "Editor Example", "Editor Example"]
    assert len(history[1]["evidence"]) == 2  # carried over to the correction


def test_claimreview_json_ld(client, draft, editor):
    url = f"{URL}/{draft['id']}/claimreview"
    assert client.get(url).status_code == 404  # drafts have none
    _publish(client, editor, draft["id"])
    response = client.get(url)
    assert response.status_code == 200
    assert response.mimetype == "application/ld+json"
    review = response.get_json(force=True)
    assert (review["@context"], review["@type"]) == ("https://schema.org", "ClaimReview")
    # the same page the web embeds this ClaimReview on
    assert review["url"].endswith(f"/claims/{draft['claim_id']}#verdict-{draft['id']}")
    assert len(review["claimReviewed"]) <= 75
    rating = review["reviewRating"]
    assert (rating["ratingValue"], rating["bestRating"], rating["worstRating"],
            rating["alternateName"]) == (2, 5, 1, "Misleading")
    assert rating["ratingExplanation"] == "Misleading."
    item = review["itemReviewed"]
    assert item["@type"] == "Claim" and item["author"]["name"] == "A reporter"
    assert item["firstAppearance"]["url"] == "https://example.org/r"
    assert review["author"]["@type"] == "Organization" and review["datePublished"]
    assert client.get(url, headers={"If-None-Match": response.headers["ETag"]}).status_code == 304


def test_a_withdrawn_verdict_has_no_claimreview(client, draft, editor):
    # Given a published verdict with its ClaimReview
    url = f"{URL}/{draft['id']}"
    _publish(client, editor, draft["id"])
    assert client.get(url + "/claimreview").status_code == 200
    # When it is withdrawn
    withdrawn = client.post(url + "/withdraw", json={"reason": "The clip was cut short."},
                            headers=with_if_match(editor.headers, etag(client, url)))
    assert withdrawn.status_code == 200
    # Then its ClaimReview is gone, saying why and pointing at the history
    gone = client.get(url + "/claimreview")
    assert gone.status_code == 410
    error = gone.get_json()["error"]
    assert error["code"] == "withdrawn" and "The clip was cut short." in error["message"]
    assert f"/api/v1/verdicts/{draft['id']}/history" in error["message"]
    assert 'rel="version-history"' in gone.headers["Link"]
    assert "ratingValue" not in gone.get_data(as_text=True)


def test_seeded_published_verdicts_each_have_a_claimreview(client, seeded):
    feed = client.get(URL).get_json()
    assert len(feed) == 3 and {v["state"] for v in feed} == {"published"}
    for verdict in feed:
        review = client.get(f"{URL}/{verdict['id']}/claimreview").get_json(force=True)
        assert review["reviewRating"]["ratingValue"] == verdict["rating_value"]
        assert len(review["claimReviewed"]) <= 75


def test_one_live_verdict_per_claim(client, draft, world, journalist):
    again = client.post(URL, json={"claim_id": world.claim_ids[0], "rating_value": 5,
                                   "rationale": "x"}, headers=journalist.headers)
    assert again.status_code == 409 and "claim_id" in again.get_json()["error"]["fields"]


def test_bad_ratings_and_evidence_are_422(client, world, journalist):
    bad = client.post(URL, json={"claim_id": world.claim_ids[0], "rating_value": 9,
                                 "rationale": "x", "evidence": [{"stance": "refutes"}]},
                      headers=journalist.headers)
    assert bad.status_code == 422 and "rating_value" in bad.get_json()["error"]["fields"]
    both = client.post(URL, json={"claim_id": world.claim_ids[0], "rating_value": 1,
                                  "rationale": "x",
                                  "evidence": [{"stance": "refutes", "claim_id": world.claim_ids[1],
                                                "document_id": world.document_id}]},
                       headers=journalist.headers)
    assert both.status_code == 422 and any(
        f.startswith("evidence.0") for f in both.get_json()["error"]["fields"])
    missing = client.post(URL, json={"claim_id": 10**12, "rating_value": 1, "rationale": "x"},
                          headers=journalist.headers)
    assert missing.status_code == 422 and "claim_id" in missing.get_json()["error"]["fields"]


def test_drafts_can_be_deleted_and_restored(client, draft, journalist, editor):
    url = f"{URL}/{draft['id']}"
    deleted = client.delete(url, headers=with_if_match(journalist.headers,
                                                       etag(client, url, journalist.headers)))
    assert deleted.status_code == 204
    assert client.get(url, headers=journalist.headers).status_code == 404
    assert client.get(URL + "?include_deleted=true", headers=editor.headers).get_json()
    restored = client.post(url + "/restore", headers=editor.headers)
    assert restored.status_code == 200 and restored.get_json()["deleted_at"] is None


def test_a_verdicts_language_is_set_when_drafting_and_goes_out_as_inlanguage(
        client, world, journalist, editor):
    refused = client.post(URL, json={"claim_id": world.claim_ids[0], "rating_value": 2,
                                     "rationale": "Misleading.", "language": "not a tag"},
                          headers=journalist.headers)
    assert refused.status_code == 422 and "language" in refused.get_json()["error"]["fields"]
    drafted = client.post(URL, json={"claim_id": world.claim_ids[0], "rating_value": 2,
                                     "rationale": "Оманливо.", "language": "uk"},
                          headers=journalist.headers)
    assert drafted.status_code == 201 and drafted.get_json()["language"] == "uk"
    verdict_id = drafted.get_json()["id"]
    published = client.post(f"{URL}/{verdict_id}/publish", json={},
                            headers=with_if_match(editor.headers, drafted.headers["ETag"]))
    assert published.status_code == 200, published.get_json()
    review = client.get(f"{URL}/{verdict_id}/claimreview").get_json()
    assert review["inLanguage"] == "uk"
    # left out, it is the configured default
    other = client.post(URL, json={"claim_id": world.claim_ids[1], "rating_value": 4,
                                   "rationale": "Accurate."}, headers=journalist.headers)
    assert other.get_json()["language"] == client.application.config["DEFAULT_LANGUAGE"]
