"""The public pages: what a reader sees of the seeded disputes."""

from __future__ import annotations

import json
import re

import sqlalchemy as sa

from app.extensions import db
from app.models import Dispute, Source, Verdict, VerdictState
from app.services import disputes as dispute_service
from app.services import events as event_service
from app.services import lifecycle, policy
from app.services import verdicts as verdict_service
from tests.web.conftest import claim_where, dispute_id, sign_in, text


def json_ld(response) -> list[dict]:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>',
                        response.get_data(as_text=True), flags=re.S)
    return [json.loads(block) for block in blocks]


def test_home_lists_recent_disputes_and_latest_verdicts(client, seeded):
    response = client.get("/")
    assert response.status_code == 200
    page = text(response)
    assert 'Did Biden warn Zelensky that Kyiv could be "sacked"?' in page
    assert "Latest verdicts" in page and "Unsupported" in page
    assert 'action="/search"' in response.get_data(as_text=True)
    # a ClaimReview's url is the page hosting it: only the claim page embeds one
    assert json_ld(response) == []


def test_the_sacked_dispute_shows_each_account_with_its_sourcing_and_verdict(client, seeded):
    response = client.get(f"/disputes/{dispute_id('biden-warned-kyiv-could-be-sacked')}")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    page = text(response)
    # one card per account, in order, each titled by who says it
    titles = re.findall(r'<h3 id="claim-\d+-title">.*?<a [^>]*>(.*?)</a></h3>', body, re.S)
    assert titles[:4] == ["CNN, citing an unnamed Ukrainian source", "Emily Horne",
                          "Emily Horne", "Embassy of Ukraine in the United States"]
    assert body.count('class="account-card') == 6
    # sourcing levels and the current verdict (corrected to Unsupported)
    assert "Anonymous · one source" in page and "On record" in page and "Documentary" in page
    assert "Unsupported · 3/5" in page and "corrected · v2" in page
    # the denial of the word, listed plainly
    assert 'B Emily Horne denies the words “sacked” in A CNN.' in page
    assert "Denied by B Emily Horne (the words “sacked”)" in page
    # quotes with their integrity; the timeline of appearances, oldest first
    assert "“Also, no one said ‘sacked.’”" in body or "Also, no one said ‘sacked.’" in page
    assert "Verbatim" in page
    timeline = page[page.index("Timeline of appearances"):]
    assert timeline.index("27 Jan 2022, 20:00 UTC") < timeline.index("28 Jan 2022, 23:00 UTC")
    assert "First appearance of A CNN, B Emily Horne" in timeline


def test_only_the_claim_page_embeds_its_claimreview(client, seeded):
    # The claim page embeds its published verdict's ClaimReview, whose url is that page
    claim = claim_where("prepare for")
    [review] = json_ld(client.get(f"/claims/{claim.id}"))
    assert review["reviewRating"]["alternateName"] == "Unsupported"
    assert review["reviewRating"]["ratingValue"] == 3
    assert review["url"].startswith(f"http://localhost/claims/{claim.id}#verdict-")
    # pages that only show the verdict embed none (their url would be another page's)
    for url in (f"/disputes/{dispute_id('biden-warned-kyiv-could-be-sacked')}", "/",
                "/verdicts", f"/sources/{claim.claimant_id}"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert json_ld(response) == [], url
    # the "certain" dispute has only a draft verdict: nothing to embed, no badge
    response = client.get(f"/disputes/{dispute_id('attack-certain-once-ground-freezes')}")
    assert json_ld(response) == []
    assert "Draft" not in text(response)


def test_drafts_are_shown_to_staff_only(client, seeded, journalist):
    url = f"/disputes/{dispute_id('attack-certain-once-ground-freezes')}"
    assert "Draft:" not in text(client.get(url))
    sign_in(client, journalist)
    page = text(client.get(url))
    assert "Draft:" in page and "not public" in page


def test_claimreview_json_ld_cannot_close_its_script_element(client, seeded, editor):
    claim = claim_where("go it alone")
    verdict = db.session.scalars(sa.select(Verdict).where(Verdict.claim_id == claim.id)).one()
    verdict_service.correct(verdict, actor=editor.user, reason="typo",
                            rationale="Nothing </script><script>alert(1)</script> here")
    response = client.get(f"/claims/{claim.id}")
    body = response.get_data(as_text=True)
    assert "</script><script>alert(1)" not in body
    reviews = json_ld(response)
    assert "</script>" in reviews[0]["reviewRating"]["ratingExplanation"]


def test_claim_page_shows_the_verdict_and_its_public_history_with_reasons(client, seeded):
    claim = claim_where("prepare for")
    response = client.get(f"/claims/{claim.id}")
    assert response.status_code == 200
    page = text(response)
    assert "CNN, citing an unnamed Ukrainian source" in page
    assert "Version 2" in page and "Version 1" in page
    assert "Re-rated Unsupported" in page  # the correction's reason
    assert "Evidence" in page and "Refutes" in page
    assert json_ld(response)[0]["dateModified"]


def test_withdrawn_verdicts_stay_public_with_their_reason(client, seeded, editor):
    claim = claim_where("go it alone")
    verdict = db.session.scalars(sa.select(Verdict).where(Verdict.claim_id == claim.id)).one()
    verdict_service.withdraw(verdict, actor=editor.user, reason="The clip was cut short.")
    page = text(client.get(f"/claims/{claim.id}"))
    assert "Verdict withdrawn" in page and "The clip was cut short." in page


def test_source_page_shows_its_claims_and_verdict_record(client, seeded):
    source = db.session.scalars(sa.select(Source).where(Source.slug == "cnn")).one()
    response = client.get(f"/sources/{source.id}")
    assert response.status_code == 200
    page = text(response)
    assert "Track record" in page and "Claims it carried" in page
    assert "Biden warned Zelensky that Kyiv could be" in page
    assert json_ld(response) == []  # its verdicts' ClaimReviews are on their claim pages
    horne = db.session.scalars(sa.select(Source).where(Source.slug == "emily-horne")).one()
    assert "Part of National Security Council › The White House" in text(
        client.get(f"/sources/{horne.id}"))


def test_event_and_document_pages(client, seeded):
    dispute = policy.get_visible(Dispute, dispute_id("biden-warned-kyiv-could-be-sacked"))
    page = text(client.get(f"/events/{dispute.event_id}"))
    assert "Disputes about it" in page and "sacked" in page
    claim = claim_where("prepare for")
    page = text(client.get(f"/documents/{claim.first_appearance_id}"))
    assert "CNN report on the Biden–Zelensky call" in page
    assert "first appearance" in page


def test_altered_quotes_show_the_difference(client, seeded):
    page = text(client.get(f"/disputes/{dispute_id('milley-1000-troops')}"))
    assert "Altered" in page
    assert "Quoted" in page and "Text says" in page


def test_lists_paginate_and_filter(client, seeded):
    page = text(client.get("/disputes?state=resolved"))
    assert "Milley" in page and "sacked" not in page
    for url in ("/disputes", "/events", "/sources", "/documents", "/verdicts", "/ratings",
                "/sources?kind=anonymous", "/verdicts?rating=3", "/verdicts?state=withdrawn"):
        assert client.get(url).status_code == 200, url
    # past the last page: an empty page, not an error
    assert "No sources" in text(client.get("/sources?page=2"))


def test_pagination_moves_through_the_list(client, seeded, journalist):
    event_id = event_service.create_event(actor=journalist.user, slug="e", title="E").id
    for i in range(25):
        dispute_service.log_dispute(actor=journalist.user, event_id=event_id, slug=f"d-{i}",
                                    question=f"Question number {i}?")
    first, second = text(client.get("/disputes")), text(client.get("/disputes?page=2"))
    assert "Page 1 of 2" in first and "Page 2 of 2" in second
    assert "Question number 24?" in first and "Question number 24?" not in second
    assert "Next →" in first and "← Previous" in second


def test_bad_list_arguments_are_400s_naming_the_argument(client, seeded):
    for url, name in (("/disputes?page=0", "page"), ("/disputes?page=abc", "page"),
                      ("/disputes?state=lying", "state"), ("/sources?kind=alien", "kind"),
                      ("/verdicts?rating=9", "rating"), ("/search?q=x&kind=verdict", "kind")):
        response = client.get(url)
        assert response.status_code in (400, 422), url
        assert name in text(response), url


def test_search_page(client, seeded):
    response = client.get("/search?q=sacked")
    assert response.status_code == 200
    page = text(response)
    assert 'Did Biden warn Zelensky that Kyiv could be "sacked"?' in page
    assert "quote" in page and "claim" in page
    assert "Nothing matches" in text(client.get("/search?q=zeppelin"))
    long = client.get("/search?q=" + "x" * 300)
    assert long.status_code == 422 and "at most 200 characters" in text(long)
    only_sources = text(client.get("/search?q=spokeswoman&kind=source"))
    assert "Emily Horne" in only_sources
    assert client.get("/search").status_code == 200  # the empty search form


def test_unknown_and_deleted_records_are_404_for_readers(client, seeded, editor):
    assert client.get("/disputes/999999").status_code == 404
    assert client.get("/claims/99999999999999999999999").status_code == 404
    claim = claim_where("respond decisively")  # a claim without a published verdict
    lifecycle.delete_record(claim, actor=editor.user)
    response = client.get(f"/claims/{claim.id}")
    assert response.status_code == 404
    assert "We could not find that page" in text(response)
    assert client.get("/verdicts/999").status_code == 404


def test_draft_verdicts_are_not_reachable_by_readers(client, seeded):
    draft = db.session.scalars(
        sa.select(Verdict).where(Verdict.state == VerdictState.DRAFT)).first()
    assert client.get(f"/verdicts/{draft.id}").status_code == 404
    public = db.session.scalars(
        sa.select(Verdict).where(Verdict.state == VerdictState.PUBLISHED)).first()
    response = client.get(f"/verdicts/{public.id}")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/claims/{public.claim_id}#verdict-{public.id}")


def test_a_quotes_differences_are_said_in_plain_words_meaning_changing_first(
        client, seeded, editor):
    # Given two quotes of the Daily Mail's text on Milley's account, added over the API
    from app.models import Document

    claim = claim_where("1000 troops")
    document = db.session.scalars(
        sa.select(Document).where(Document.title.like("Putin splits%"))).one()
    for exact in ("[The general] said the pair … believe Putin has made a decision",
                  "Sure, with 1000 troops. You’ve got combined arms formations"):
        response = client.post("/api/v1/quotes", json={
            "claim_id": claim.id, "speaker_id": claim.claimant_id,
            "document_id": document.id, "exact": exact}, headers=editor.headers)
        assert response.status_code == 201, response.get_json()

    # When a reader opens the account and the dispute
    for url in (f"/claims/{claim.id}", f"/disputes/{claim.dispute_id}"):
        response = client.get(url)
        assert response.status_code == 200
        page = text(response)

        # Then the omission that drops "do not" comes first, as changing the meaning, and
        # the editor's clarification after it, in plain words
        dropped = "The omission drops “do not”: the meaning is reversed"
        clarified = "Editor's clarification [The general] for “Milley”"
        assert dropped in page and clarified in page, page
        assert page.index(dropped) < page.index(clarified)
        body = response.get_data(as_text=True)
        assert re.search(r'<li class="difference difference-omission changes-meaning">'
                         r'<span class="visually-hidden">Changes the meaning: </span>'
                         r'The omission drops “do not”', body)
        # and a quote found as given says nothing more
        assert "Sure, with 1000 troops. You’ve got combined arms formations" in page


def test_each_kind_of_difference_has_its_sentence():
    from app.services.integrity import check_quote
    from app.web.templating import describe_difference

    text = ("She said the plan was ready. “We will not raise taxes this year,” she added. "
            "“It costs $5,000 per school, and Zelesnky agreed.”")

    def said(exact):
        return [describe_difference(d) for d in check_quote(exact, "", "", text).differences]

    assert said("[The minister] said the plan was ready") == [
        "Editor's clarification [The minister] for “She”"]
    assert said("We will … raise taxes this year") == [
        "The omission drops “not”: the meaning is reversed"]
    assert said("It costs [only] $5,000 per school") == [
        "Editor's insertion [only]: a qualifier is added"]
    assert said("We will [never] raise taxes this year") == [
        # both negate: what changes is how sweeping the denial is
        "The brackets [never] replace “not”, which they do not stand for: a qualifier changes"]
    assert said("It costs $5000 per school, and Zelesnky [sic] agreed") == [
        "The same number written another way: “$5000” for “$5,000”",
        "[sic] after “Zelesnky”: the slip is the original's, kept as it is"]
    assert said("It costs $50,000 per school") == [
        "“$50,000” in place of “$5,000”: the figure changes"]
    assert said("We will not raise taxes next year") == [
        "“next” in place of “this”"]
    assert said("We will not raise any taxes this year") == [
        "“any” is added: the text does not have it"]
    assert said("We will not raise taxes this year") == []
    assert said("she said the plan was ready") == ["Case: “she” for “She”"]
