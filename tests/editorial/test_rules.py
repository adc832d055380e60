"""Issue 10's rules one at a time, as a newsroom meets them: deletes take children with
them and restores bring them back; what is published or still used cannot be deleted;
nothing is restored under a deleted parent; writes naming deleted records are refused;
a withdrawn verdict's rating goes out nowhere; verdicts move draft -> published ->
withdrawn only.

Every request goes through the Newsroom (newsroom.py), which also checks that a refused
request writes nothing and that every change is logged under its actor; after each
scenario, every surface a reader could look at is checked (surfaces.py), and each
broken invariant is reported, not just the first.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass

import pytest

from app.models import Role
from tests.editorial.model import Record
from tests.editorial.newsroom import Newsroom

EDITOR, JOURNALIST, ADMIN, READER = Role.EDITOR, Role.JOURNALIST, Role.ADMIN, Role.READER


@pytest.fixture
def newsroom(client, reader, journalist, editor, admin) -> Newsroom:
    return Newsroom(client, {READER: reader, JOURNALIST: journalist, EDITOR: editor,
                             ADMIN: admin})


@dataclass
class Story:
    """An event; a source and a document; a dispute with two accounts (the first by the
    source); a quote of the first in the document; the second account denying exactly
    those words; a draft verdict on the first account. (`withdrawal` adds a verdict on
    it published then withdrawn, before the draft.)"""

    event: Record
    source: Record
    document: Record
    dispute: Record
    account: Record
    denial: Record
    quote: Record
    link: Record
    draft: Record
    withdrawn: Record | None = None


@pytest.fixture
def story(newsroom) -> Story:
    event = newsroom.create_event(JOURNALIST)
    source = newsroom.create_source(JOURNALIST)
    other = newsroom.create_source(JOURNALIST)
    document = newsroom.create_document(JOURNALIST)
    dispute = newsroom.create_dispute(JOURNALIST, event, source)
    account = newsroom.model.claims_of(dispute)[0]
    denial = newsroom.create_claim(JOURNALIST, dispute, other)
    quote = newsroom.create_quote(JOURNALIST, account, source, document)
    link = newsroom.create_link(JOURNALIST, denial, account, scoped=quote)
    draft = newsroom.draft_verdict(JOURNALIST, account, rating=4)
    return Story(event, source, document, dispute, account, denial, quote, link, draft)


@pytest.fixture
def withdrawal(newsroom, story) -> Story:
    """The story's draft published, then withdrawn; a new draft on the same account."""
    newsroom.publish(EDITOR, story.draft)
    newsroom.withdraw(EDITOR, story.draft)
    story.withdrawn = story.draft
    story.draft = newsroom.draft_verdict(JOURNALIST, story.account, rating=5)
    return story


def assert_readers_see_only_what_they_may(newsroom: Newsroom) -> None:
    problems = newsroom.problems()
    assert not problems, "\n\n".join(problems) + newsroom.so_far()


# -- deleting takes children along; restoring brings them back ----------------------------


def test_the_story_itself_shows_as_it_should(newsroom, story):
    # Given the story (a draft, a quote-scoped denial)
    # Then readers see it all but the draft
    assert_readers_see_only_what_they_may(newsroom)


def test_a_deleted_dispute_takes_its_claims_quotes_links_and_verdicts_off_every_surface(
        newsroom, withdrawal):
    story = withdrawal
    # When an editor deletes the dispute
    assert newsroom.delete(EDITOR, story.dispute).status_code == 204
    # Then nothing of it or under it is seen anywhere
    assert_readers_see_only_what_they_may(newsroom)


def test_a_deleted_claim_takes_its_quotes_links_and_verdicts_off_every_surface(
        newsroom, withdrawal):
    story = withdrawal
    # When an editor deletes the quoted account (its published verdict was withdrawn)
    assert newsroom.delete(EDITOR, story.account).status_code == 204
    # Then its quote, the denial's link to it and its verdicts are gone with it
    assert_readers_see_only_what_they_may(newsroom)


def test_restoring_a_dispute_brings_back_what_went_with_it_and_only_that(newsroom, story):
    # Given the denial deleted on its own, then the whole dispute
    assert newsroom.delete(EDITOR, story.denial).status_code == 204
    assert newsroom.delete(EDITOR, story.dispute).status_code == 204
    # When an editor restores the dispute
    assert newsroom.restore(EDITOR, story.dispute).status_code == 200
    # Then the account, its quote and verdicts are back; the denial (and its link) not
    assert_readers_see_only_what_they_may(newsroom)


# -- what cannot be deleted ------------------------------------------------------------------


def test_a_claim_or_dispute_with_a_published_verdict_cannot_be_deleted(newsroom, story):
    # Given the draft published
    newsroom.publish(EDITOR, story.draft)
    # When an editor deletes the account, or its dispute
    for record in (story.account, story.dispute):
        response = newsroom.delete(EDITOR, record)
        # Then 409: withdraw it first
        assert response.status_code == 409
        assert "withdraw" in response.get_json()["error"]["message"].lower()
    # And once withdrawn, the account can go
    newsroom.withdraw(EDITOR, story.draft)
    assert newsroom.delete(EDITOR, story.account).status_code == 204
    assert_readers_see_only_what_they_may(newsroom)


@pytest.mark.parametrize(("used", "user"), [
    ("source", "claims"), ("document", "quotes"), ("event", "disputes"), ("quote", "links"),
])
def test_what_live_records_use_cannot_be_deleted(newsroom, story, used, user):
    # When an editor deletes a source, document, event or quote that live records use
    response = newsroom.delete(EDITOR, getattr(story, used))
    # Then 409, naming what uses it
    assert response.status_code == 409
    assert user in json.dumps(response.get_json()["error"])


# -- what cannot be restored --------------------------------------------------------------------


def test_a_claim_is_not_restored_into_a_deleted_dispute(newsroom, story):
    # Given the denial deleted, then its dispute
    newsroom.delete(EDITOR, story.denial)
    newsroom.delete(EDITOR, story.dispute)
    # When an editor restores the denial alone, Then 409 (restore the dispute first)
    assert newsroom.restore(EDITOR, story.denial).status_code == 409
    assert_readers_see_only_what_they_may(newsroom)


def test_a_record_is_not_restored_while_what_it_points_at_is_deleted(newsroom, story):
    # Given the denial's link and the quote deleted, then the quote's document (now free)
    assert newsroom.delete(EDITOR, story.link).status_code == 204
    assert newsroom.delete(EDITOR, story.quote).status_code == 204
    assert newsroom.delete(EDITOR, story.document).status_code == 204
    # When an editor restores the quote, Then 409: its document is deleted
    assert newsroom.restore(EDITOR, story.quote).status_code == 409
    # Given the account deleted, then its claimant (now free)
    assert newsroom.delete(EDITOR, story.account).status_code == 204
    assert newsroom.delete(EDITOR, story.source).status_code == 204
    # When an editor restores the account, Then 409: its claimant is deleted
    assert newsroom.restore(EDITOR, story.account).status_code == 409
    assert_readers_see_only_what_they_may(newsroom)


def test_a_dispute_is_not_restored_about_a_deleted_event(newsroom, story):
    # Given the dispute deleted, then its event (now free)
    newsroom.delete(EDITOR, story.dispute)
    assert newsroom.delete(EDITOR, story.event).status_code == 204
    # When an editor restores the dispute, Then 409
    assert newsroom.restore(EDITOR, story.dispute).status_code == 409
    assert_readers_see_only_what_they_may(newsroom)


def test_links_and_drafts_are_not_restored_onto_a_deleted_claim(newsroom, story):
    # Given the link and the draft deleted, then the account they are about
    assert newsroom.delete(EDITOR, story.link).status_code == 204
    assert newsroom.delete(JOURNALIST, story.draft).status_code == 204
    assert newsroom.delete(EDITOR, story.account).status_code == 204
    # When an editor restores either, Then 409
    assert newsroom.restore(EDITOR, story.link).status_code == 409
    assert newsroom.restore(EDITOR, story.draft).status_code == 409
    assert_readers_see_only_what_they_may(newsroom)


# -- writes naming deleted or missing records --------------------------------------------------


def _post(client, path, account, body):
    return client.post(path, json=body, headers=account.headers)


def _field_error(response, field: str) -> bool:
    body = response.get_json()
    return response.status_code == 422 and field in body["error"]["fields"]


def test_writes_naming_a_deleted_or_missing_record_are_refused_naming_the_field(
        client, newsroom, story, journalist, editor):
    refused = []
    # Given the denial's dispute deleted (taking both accounts with it), and a deleted source
    newsroom.delete(EDITOR, story.dispute)
    gone = newsroom.create_source(JOURNALIST)
    newsroom.delete(EDITOR, gone)
    live_dispute = newsroom.create_dispute(JOURNALIST, newsroom.create_event(JOURNALIST),
                                           newsroom.create_source(JOURNALIST))
    live_claim = newsroom.model.claims_of(live_dispute)[0]
    claim = {"statement": "S.", "kind": "denial", "sourcing_level": "on_record"}
    attempts = [  # (field, path, body)
        ("claimant_id", "/api/v1/claims", {**claim, "dispute_id": live_dispute.id,
                                           "claimant_id": gone.id}),
        ("dispute_id", "/api/v1/claims", {**claim, "dispute_id": story.dispute.id,
                                          "claimant_id": story.source.id}),
        ("claim_id", "/api/v1/quotes", {"claim_id": story.account.id, "exact": "x",
                                        "speaker_id": story.source.id}),
        ("speaker_id", "/api/v1/quotes", {"claim_id": live_claim.id, "exact": "x",
                                          "speaker_id": 999_999}),
        ("to_claim_id", "/api/v1/links", {"from_claim_id": live_claim.id,
                                          "to_claim_id": story.account.id, "type": "denies"}),
        ("claim_id", "/api/v1/verdicts", {"claim_id": story.denial.id, "rating_value": 1,
                                          "rationale": "R."}),
        ("evidence.0.claim_id", "/api/v1/verdicts", {
            "claim_id": live_claim.id, "rating_value": 1, "rationale": "R.",
            "evidence": [{"claim_id": story.account.id, "stance": "refutes"}]}),
    ]
    # When a journalist writes naming them
    for field, path, body in attempts:
        response = _post(client, path, journalist, body)
        # Then 422 naming the field
        if not _field_error(response, field):
            refused.append(f"POST {path} naming a gone record as {field}: "
                           f"{response.status_code} {response.get_json()}")
    # And publishing the draft of an account gone with its dispute is refused (404/409)
    url = f"/api/v1/verdicts/{story.draft.id}/publish"
    response = client.post(url, headers={**editor.headers, "If-Match": "*"})
    if response.status_code not in (404, 409):
        refused.append(f"POST {url} under a deleted dispute: {response.status_code}")
    assert not refused, "\n".join(refused)


# -- withdrawn means no rating goes out anywhere ---------------------------------------------


def test_a_withdrawn_verdict_gives_no_rating_anywhere(client, newsroom, withdrawal):
    story = withdrawal
    v, problems = story.withdrawn, []
    reason = v.reason_token
    # ClaimReview: gone
    review = client.get(f"/api/v1/verdicts/{v.id}/claimreview")
    if review.status_code != 410 or (review.get_json(force=True, silent=True) or {}).get(
            "error", {}).get("status") != 410:
        problems.append(f"claimreview: {review.status_code} {review.get_data(as_text=True)[:200]}")
    # The verdict's JSON, in the feed, alone and in the whole dispute: no rating, a reason
    feed = {item["id"]: item for item in client.get("/api/v1/verdicts").get_json()}
    detail = client.get(f"/api/v1/verdicts/{v.id}").get_json()
    summary = next(c["verdict"] for c in client.get(
        f"/api/v1/disputes/{story.dispute.id}").get_json()["claims"] if c["id"] == v.claim)
    for where, item in (("feed", feed.get(v.id, {})), ("detail", detail),
                        ("dispute summary", summary or {})):
        if item.get("rating_value") is not None or item.get("rating_label") is not None:
            problems.append(f"{where}: rated {item.get('rating_value')} "
                            f"{item.get('rating_label')!r}")
        if reason not in json.dumps(item):
            problems.append(f"{where}: no withdrawal reason")
    # Pages: no ClaimReview JSON-LD for it
    for path in ("/", "/verdicts", f"/claims/{v.claim}", f"/disputes/{story.dispute.id}",
                 f"/sources/{story.source.id}"):
        html = client.get(path).get_data(as_text=True)
        if re.search(rf'application/ld\+json">[^<]*#verdict-{v.id}"', html):
            problems.append(f"{path}: ClaimReview JSON-LD for the withdrawn verdict")
    # Atom and CSV: the withdrawal with its reason, no rating
    atom = client.get("/feeds/verdicts.atom").get_data(as_text=True)
    entries = [e for e in re.findall(r"<entry>.*?</entry>", atom, re.S)
               if f"verdict-{v.id}<" in e or f"verdict-{v.id}\"" in e]
    if any("rating-" in e for e in entries) or not any(reason in e for e in entries):
        problems.append(f"Atom entries of the verdict: {entries}")
    rows = [r for r in csv.DictReader(io.StringIO(
        client.get("/exports/verdicts.csv").get_data(as_text=True)))
        if r["verdict_id"] == str(v.id)]
    if any(r["rating_value"] or r["rating_label"] for r in rows) or not any(
            reason in r["reason"] for r in rows):
        problems.append(f"CSV rows of the verdict: {rows}")
    assert not problems, "\n".join(problems)


# -- verdict transitions --------------------------------------------------------------------


def test_verdicts_move_only_from_draft_to_published_to_withdrawn(newsroom, withdrawal):
    draft, withdrawn = withdrawal.draft, withdrawal.withdrawn
    # A draft is neither corrected nor withdrawn; a withdrawn verdict is not published,
    # corrected, edited, withdrawn again or deleted (the Newsroom holds each answer to the
    # rules: 409)
    newsroom.correct(EDITOR, draft, 3)
    newsroom.withdraw(EDITOR, draft)
    newsroom.publish(EDITOR, withdrawn)
    newsroom.correct(EDITOR, withdrawn, 3)
    newsroom.edit_draft(JOURNALIST, withdrawn, 3)
    newsroom.withdraw(EDITOR, withdrawn)
    newsroom.delete(EDITOR, withdrawn)
    # A draft is edited and published; then it is corrected, not edited, then withdrawn
    assert newsroom.edit_draft(JOURNALIST, draft, 5).status_code == 200
    assert newsroom.publish(EDITOR, draft).status_code == 200
    assert newsroom.edit_draft(JOURNALIST, draft, 1).status_code == 409
    assert newsroom.publish(EDITOR, draft).status_code == 409
    assert newsroom.correct(EDITOR, draft, 3).status_code == 200
    assert newsroom.delete(JOURNALIST, draft).status_code == 409
    assert newsroom.withdraw(ADMIN, draft).status_code == 200


def test_roles_are_refused_with_401_or_403_and_change_nothing(newsroom, story):
    # Anonymous callers get 401, readers 403 for everything; journalists 403 for an
    # editor's calls (the Newsroom checks each answer and that nothing was written)
    for role in (None, READER):
        newsroom.create_event(role)
        newsroom.create_claim(role, story.dispute, story.source)
        newsroom.draft_verdict(role, story.denial)
        newsroom.edit_claim(role, story.account)
        newsroom.delete(role, story.draft)
    for role in (None, READER, JOURNALIST):
        newsroom.publish(role, story.draft)
        newsroom.change_dispute_state(role, story.dispute, "contested")
        newsroom.delete(role, story.link)
        newsroom.restore(role, story.link)
    draft = story.draft
    newsroom.publish(EDITOR, draft)
    for role in (None, READER, JOURNALIST):
        newsroom.correct(role, draft, 1)
        newsroom.withdraw(role, draft)
    assert_readers_see_only_what_they_may(newsroom)
