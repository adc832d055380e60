"""What readers, journalists and editors do, in a real Chromium against a live server."""

from __future__ import annotations

import json

import sqlalchemy as sa
from playwright.sync_api import expect

from app.extensions import db
from app.models import Claim, Dispute, DisputeState, Link, Verdict, VerdictState
from app.services import disputes as dispute_service
from tests.browser.conftest import sign_in, sign_out

SCRIPT = '<script>window.__pwned = 1; alert("pwned")</script><img src=x onerror="window.__pwned=2">'


def _dispute(slug: str) -> Dispute:
    db.session.expire_all()
    return db.session.scalars(sa.select(Dispute).where(Dispute.slug == slug)).one()


def _card(page, title: str):
    return page.locator("article.account-card").filter(
        has=page.get_by_role("heading", name=title, exact=False)).first


def test_a_reader_sees_the_sacked_accounts_side_by_side_with_the_denial(page, seeded):
    dispute = _dispute("biden-warned-kyiv-could-be-sacked")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"/disputes/{dispute.id}")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        'Did Biden warn Zelensky that Kyiv could be "sacked"?')
    cnn = _card(page, "CNN, citing an unnamed Ukrainian source")
    horne = page.locator("article.account-card").nth(1)
    expect(horne.get_by_role("heading", level=3)).to_have_text("Account B: Emily Horne")
    # side by side: the same row, CNN's column left of Horne's
    a, b = cnn.bounding_box(), horne.bounding_box()
    assert abs(a["y"] - b["y"]) < 2 and a["x"] + a["width"] <= b["x"]
    # who says what, on what sourcing, and the verdict, in each column
    expect(cnn.locator(".badge.sourcing")).to_have_text("Anonymous · one source")
    expect(horne.locator(".badge.sourcing")).to_have_text("On record")
    expect(cnn.locator(".verdict-line")).to_contain_text("Unsupported")
    expect(cnn.get_by_text("sacked", exact=True)).to_be_visible()
    # the denial is linked: in Horne's column, in CNN's, and listed plainly
    expect(horne.locator(".card-relations")).to_contain_text("Denies the words “sacked” in A CNN")
    expect(cnn.locator(".card-relations")).to_contain_text("Denied by B Emily Horne")
    expect(page.locator("#links")).to_contain_text(
        "B Emily Horne denies the words “sacked” in A CNN.")
    # following the denial's letter leads to the account it denies
    horne.locator(".card-relations a.letter").first.click()
    expect(page).to_have_url(f"{page.url.split('#')[0]}#{cnn.get_attribute('id')}")
    # the published verdict's ClaimReview is on the claim's page (its `url`), as data
    page.goto(f"/claims/{cnn.get_attribute('id').removeprefix('claim-')}")
    review = json.loads(page.locator('script[type="application/ld+json"]').first.text_content())
    assert review["reviewRating"]["alternateName"] == "Unsupported"
    assert review["url"].split("#")[0] == page.url


def test_on_a_phone_the_accounts_stack(page, seeded):
    dispute = _dispute("biden-warned-kyiv-could-be-sacked")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/disputes/{dispute.id}")
    cards = page.locator("article.account-card")
    first, second = cards.nth(0).bounding_box(), cards.nth(1).bounding_box()
    assert first["y"] + first["height"] <= second["y"] and abs(first["x"] - second["x"]) < 2
    assert first["x"] + first["width"] <= 390
    # nothing wider than the screen
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_a_journalist_logs_a_dispute_with_two_competing_accounts_and_a_link(
        page, seeded, journalist):
    sign_in(page, journalist)
    page.get_by_text("New…").click()
    page.get_by_role("link", name="Dispute with its accounts").click()
    page.get_by_label("Event").select_option(label="Biden–Zelensky phone call of 27 January 2022")
    page.get_by_label("Question at issue").fill("Did Zelensky call the call 'friendly'?")
    account_a = page.locator("#account-0")
    account_a.get_by_label("Who asserts it (claimant)").select_option(
        label="An unnamed Ukrainian source (anonymous)")
    account_a.get_by_label("What is asserted").fill("Zelensky called the call 'friendly'.")
    account_a.get_by_label("Kind").select_option(label="Attributed quote")
    account_a.get_by_label("Sourcing").select_option(label="Anonymous")
    account_a.get_by_label("Carried by").first.select_option(label="CNN (news outlet)")
    account_b = page.locator("#account-1")
    account_b.get_by_label("Who asserts it (claimant)").select_option(
        label="Volodymyr Zelensky (person)")
    account_b.get_by_label("What is asserted").fill("I never said 'friendly'.")
    account_b.get_by_label("Kind").select_option(label="Denial")
    page.get_by_role("button", name="Log dispute").click()

    expect(page.get_by_text("Dispute logged.")).to_be_visible()
    expect(page.locator("article.account-card")).to_have_count(2)
    expect(page.locator("article.account-card").first).to_contain_text(
        "CNN, citing an unnamed Ukrainian source")

    page.get_by_role("link", name="Link two accounts").first.click()
    page.get_by_label("This account").select_option(index=2)  # B, Zelensky
    page.get_by_label("…does this…").select_option("denies")
    page.get_by_label("…to that account").select_option(index=1)  # A
    page.get_by_label("Note").fill("Denies the word, on the record.")
    page.get_by_role("button", name="Record link").click()

    expect(page.locator("#links")).to_contain_text(
        "B Volodymyr Zelensky denies A CNN’s account.")
    expect(page.locator("#links")).to_contain_text("Denies the word, on the record.")
    dispute = _dispute("did-zelensky-call-the-call-friendly")
    assert [c.statement for c in dispute.claims] == ["Zelensky called the call 'friendly'.",
                                                      "I never said 'friendly'."]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Link).where(
        Link.to_claim_id == dispute.claims[0].id)) == 1


def test_an_editor_publishes_a_verdict_and_the_reader_sees_it(page, seeded, editor):
    dispute = _dispute("attack-certain-once-ground-freezes")
    draft = db.session.scalars(sa.select(Verdict).where(
        Verdict.state == VerdictState.DRAFT)).one()
    claim_id = draft.claim_id
    # a reader sees no verdict on that account
    page.goto(f"/disputes/{dispute.id}")
    card = page.locator(f"#claim-{claim_id}")
    expect(card.locator(".verdict-line")).to_have_count(0)
    expect(page.locator("#our-verdict")).to_contain_text("No verdict yet")

    sign_in(page, editor)
    page.goto(f"/claims/{claim_id}")
    expect(page.locator(".verdict")).to_contain_text("Draft — only staff can see it")
    page.get_by_role("link", name="Publish…").click()
    page.get_by_role("button", name="Publish verdict").click()
    expect(page.get_by_text("Verdict published.")).to_be_visible()
    sign_out(page)

    page.goto(f"/disputes/{dispute.id}")
    label = draft.rating.label
    expect(page.locator(f"#claim-{claim_id} .verdict-line")).to_contain_text(label)
    expect(page.locator(f"#claim-{claim_id} .verdict-line")).not_to_contain_text("Draft")
    page.goto(f"/claims/{claim_id}")
    reviews = [json.loads(s) for s in
               page.locator('script[type="application/ld+json"]').all_text_contents()]
    assert any(r["reviewRating"]["alternateName"] == label for r in reviews)
    db.session.expire_all()
    assert db.session.get(Verdict, draft.id).state is VerdictState.PUBLISHED


def test_bad_input_shows_the_field_error_and_keeps_the_typed_text(page, seeded, journalist):
    sign_in(page, journalist)
    page.goto("/events/new")
    page.get_by_label("Title").fill("")
    page.get_by_label("Slug").fill("Not a slug!")
    page.get_by_label("Summary").fill("Three paragraphs I do not want to type again.")
    page.get_by_role("button", name="Log event").click()

    expect(page.get_by_role("alert")).to_contain_text("Please fix what is marked below")
    expect(page.locator("#title-error")).to_have_text("required")
    expect(page.locator("#slug-error")).to_contain_text("lower-case letters")
    expect(page.get_by_label("Slug")).to_have_value("Not a slug!")
    expect(page.get_by_label("Slug")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Summary")).to_have_value(
        "Three paragraphs I do not want to type again.")
    # fixing it saves it, with the text that was kept
    page.get_by_label("Title").fill("A new event")
    page.get_by_label("Slug").fill("a-new-event")
    page.get_by_role("button", name="Log event").click()
    expect(page.get_by_text("Event logged.")).to_be_visible()
    expect(page.get_by_text("Three paragraphs I do not want to type again.")).to_be_visible()


def test_an_injected_script_in_a_claim_is_shown_as_text_and_never_runs(
        page, seeded, journalist):
    dispute = _dispute("biden-go-it-alone")
    sign_in(page, journalist)
    page.goto(f"/disputes/{dispute.id}/claims/new")
    page.get_by_label("Who asserts it (claimant)").select_option(label="CNN (news outlet)")
    page.get_by_label("What is asserted").fill(SCRIPT)
    page.get_by_role("button", name="Add account").click()
    expect(page.get_by_text("Account added.")).to_be_visible()
    sign_out(page)

    for url in (f"/disputes/{dispute.id}", "/", "/search?q=pwned"):
        page.goto(url)
        assert page.evaluate("window.__pwned") is None, url
    page.goto(f"/disputes/{dispute.id}")
    claim = db.session.scalars(sa.select(Claim).where(Claim.statement == SCRIPT)).one()
    expect(page.locator(f"#claim-{claim.id} .statement")).to_have_text(SCRIPT)
    page.goto(f"/claims/{claim.id}")
    expect(page.locator(".statement.big")).to_have_text(SCRIPT)
    assert page.evaluate("window.__pwned") is None
    assert page.locator("img[src=x]").count() == 0


def test_a_stale_edit_merges_and_a_real_conflict_is_asked(page, seeded, editor, journalist):
    dispute = _dispute("biden-go-it-alone")
    sign_in(page, editor)
    page.goto(f"/disputes/{dispute.id}/edit")
    # meanwhile a journalist changes the state and the summary
    dispute_service.change_dispute_state(dispute, DisputeState.RESOLVED, actor=editor.user,
                                         reason="elsewhere")
    dispute_service.update_dispute(_dispute("biden-go-it-alone"),
                                   {"summary": "Their summary."}, actor=journalist.user)
    page.get_by_label("Question at issue").fill("My better question?")
    page.get_by_label("Summary").fill("My summary.\nOn two lines.")
    page.get_by_role("button", name="Save dispute").click()

    # only the summary is a question, with both versions side by side
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Someone else saved this while you were editing")
    question = page.get_by_role("group", name="Summary")
    expect(question).to_contain_text("My summary.")
    expect(question).to_contain_text("Journalist Example")
    expect(question).to_contain_text("Their summary.")
    expect(page.get_by_label("Question at issue")).to_have_value("My better question?")
    expect(page.get_by_label("Summary", exact=True)).to_have_value("My summary.\nOn two lines.")
    assert _dispute("biden-go-it-alone").question != "My better question?"

    question.get_by_label("Use theirs").check()
    page.get_by_role("button", name="Save dispute").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My better question?")
    stored = _dispute("biden-go-it-alone")
    assert (stored.summary, stored.state) == ("Their summary.", DisputeState.RESOLVED)
