"""Issue 15's reader and journalist pages through the test client: the verdict first,
badges that say where words were found, warnings that look like warnings, public
reasons for state changes, plain-language errors, limits, /deleted, search in context."""

from __future__ import annotations

import re

import sqlalchemy as sa

from app.extensions import db
from app.models import Document, Quote, QuoteIntegrity
from tests.web.conftest import claim_where, dispute_id, field_error, sign_in, submit, text

SACKED = "biden-warned-kyiv-could-be-sacked"


def test_our_verdict_comes_before_the_accounts_with_its_reason(client, seeded):
    response = client.get(f"/disputes/{dispute_id(SACKED)}")
    body = response.get_data(as_text=True)
    verdict = body.index('id="our-verdict"')
    assert verdict < body.index('class="accounts-section"') < body.index('class="account-card')
    block = body[verdict:body.index("</section>", verdict)]
    assert "Unsupported" in block and "Only one unnamed Ukrainian source" in block
    assert "#verdicts" in block and "No verdict yet on the other 5 accounts." in block
    assert text(response).count("No verdict yet") == 1


def test_a_dispute_with_no_verdict_says_so_once(client, seeded):
    page = text(client.get(f"/disputes/{dispute_id('attack-certain-once-ground-freezes')}"))
    assert page.count("No verdict yet") == 1


def test_a_quote_not_found_is_a_warning_not_a_success(as_journalist, seeded):
    claim = claim_where("prepare for")
    document = db.session.scalars(sa.select(Document).where(
        Document.id == claim.quotes[0].document_id)).one()
    response = submit(as_journalist, f"/claims/{claim.id}/quotes/new", {
        "speaker_id": str(claim.claimant_id), "document_id": str(document.id),
        "exact": "words nobody ever printed anywhere",
    }, follow_redirects=True)
    body = response.get_data(as_text=True)
    quote = db.session.scalars(sa.select(Quote).where(
        Quote.exact == "words nobody ever printed anywhere")).one()
    assert quote.integrity is QuoteIntegrity.NOT_FOUND
    assert 'class="flash flash-warning"' in body and "flash-success" not in body
    assert "⚠ these words were not found in DailyMail.com’s stored text" in body
    assert "⚠ </span><a" in body and "not found in DailyMail.com’s stored text" in body


def test_a_state_change_needs_a_reason_and_the_reason_is_public(as_editor, app, seeded):
    from app.models import Dispute, DisputeState

    did = dispute_id(SACKED)
    dispute = db.session.get(Dispute, did)
    response = submit(as_editor, f"/disputes/{did}/state", {
        "state": "unresolvable", "reason": "", "lock_version": str(dispute.lock_version)})
    assert response.status_code == 422
    assert "say why" in field_error(response, "reason")
    db.session.expire_all()
    assert db.session.get(Dispute, did).state is DisputeState.CONTESTED
    response = submit(as_editor, f"/disputes/{did}/state", {
        "state": "unresolvable", "reason": "No recording or second source exists either way.",
        "lock_version": str(dispute.lock_version)})
    assert response.status_code == 302
    page = text(app.test_client().get(f"/disputes/{did}"))  # a reader, signed out
    assert "Why unresolvable: No recording or second source exists either way." in page


def _options(body: str, select_id: str) -> list[str]:
    start = body.index(f'id="{select_id}"')
    block = body[start:body.index("</select>", start)]
    return re.findall(r'<option[^>]*value="(\d*)"', block)


def test_the_link_form_offers_only_the_targets_words_and_errs_in_plain_words(
        as_journalist, seeded):
    did = dispute_id(SACKED)
    cnn, horne = claim_where("prepare for"), claim_where('No one on the call said')
    body = as_journalist.get(f"/disputes/{did}/links/new?to={cnn.id}").get_data(as_text=True)
    assert set(_options(body, "scope_quote_id")) - {""} == {str(q.id) for q in cnn.quotes}
    assert "Words of A · CNN" in body
    # words of another account: said plainly, on the field, with what to choose instead
    response = submit(as_journalist, f"/disputes/{did}/links/new", {
        "from_claim_id": str(horne.id), "type": "denies", "to_claim_id": str(cnn.id),
        "scope_quote_id": str(horne.quotes[0].id)}, form_url=f"/disputes/{did}/links/new")
    assert response.status_code == 422
    assert field_error(response, "scope_quote_id") == (
        "Those words belong to another account; choose one of A · CNN’s quotes, or the "
        "whole account")
    assert set(_options(response.get_data(as_text=True), "scope_quote_id")) - {""} == {
        str(q.id) for q in cnn.quotes}


def test_journalists_forms_speak_plainly(as_journalist, seeded):
    claim = claim_where("prepare for")
    body = as_journalist.get(f"/claims/{claim.id}/edit").get_data(as_text=True)
    assert "Number of independent sources" in body and "count as one" in body
    assert "Ctrl" not in body and "<select multiple" not in body
    assert body.count('name="appearances" type="checkbox"') >= 2
    body = as_journalist.get("/disputes/new").get_data(as_text=True)
    assert ">Slug<" not in body and "Web address (slug)" in body
    assert "The last part of this page’s web address" in body


def test_a_statement_longer_than_its_limit_is_refused_on_the_form_and_the_api(
        as_journalist, journalist, seeded):
    from app.models import Claim
    from app.models.base import max_length

    limit = max_length(Claim.statement)
    assert limit == 2000
    claim = claim_where("prepare for")
    did = claim.dispute_id
    form = as_journalist.get(f"/disputes/{did}/claims/new").get_data(as_text=True)
    assert "Up to 2,000 characters." in form and 'maxlength="2000"' in form
    before = db.session.scalar(sa.select(sa.func.count()).select_from(Claim))
    response = submit(as_journalist, f"/disputes/{did}/claims/new", {
        "claimant_id": str(claim.claimant_id), "statement": "x" * 20_000,
        "kind": "factual_assertion", "sourcing_level": "on_record",
        "independent_sources": "1", "stated_precision": "day"})
    assert response.status_code == 422
    assert field_error(response, "statement") == "at most 2,000 characters"
    response = as_journalist.post("/api/v1/claims", json={
        "dispute_id": did, "claimant_id": claim.claimant_id, "statement": "x" * 20_000,
        "kind": "factual_assertion", "sourcing_level": "on_record"},
        headers=journalist.headers)
    assert response.status_code == 422 and "statement" in str(response.get_json())
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Claim)) == before


def test_a_form_too_large_says_the_limit_and_leads_back(as_journalist, app, seeded):
    did = dispute_id(SACKED)
    url = f"/disputes/{did}/claims/new"
    limit = app.config["MAX_CONTENT_LENGTH"]
    response = submit(as_journalist, url, {"statement": "x" * (limit + 10)})
    assert response.status_code == 413
    page = text(response)
    assert "A form may send at most 1 MB" in page
    assert f'href="{url}">Back to the form</a>' in response.get_data(as_text=True)


def test_too_many_sign_ins_say_when_to_retry(database_url, journalist):
    from app import create_app
    from config import TestingConfig
    from tests.web.conftest import csrf_token

    class Limited(TestingConfig):
        SQLALCHEMY_DATABASE_URI = database_url
        RATELIMIT_ENABLED = True
        RATELIMIT_STORAGE_URI = "memory://"

    client = create_app(Limited).test_client()
    token = csrf_token(client)
    for i in range(10):
        client.post("/sign-in", data={"csrf_token": token, "email": journalist.user.email,
                                      "password": f"guess {i}"})
    response = client.post("/sign-in", data={"csrf_token": token,
                                             "email": journalist.user.email, "password": "x"})
    assert response.status_code == 429
    seconds = int(response.headers["Retry-After"])
    assert 0 < seconds <= 60
    page = text(response)
    said = re.search(r"Try again in (\d+) seconds?\.", page)
    assert said and abs(int(said.group(1)) - seconds) <= 1, page
    assert "per 1 minute" not in page


def test_deleting_a_claim_says_what_goes_with_it_and_deleted_says_who_why_and_whose(
        as_editor, editor, seeded):
    claim = claim_where("prepare for")  # CNN's: three quotes, four links, a verdict
    page = text(as_editor.get(f"/claims/{claim.id}/delete"))
    assert "What goes with it:" in page
    assert "3 quotes: “sacked”, “prepare for impact”, “did not go well”" in page
    assert "4 links" in page and "1 verdict (published — Unsupported)" in page
    # a published verdict under it: the delete is refused, so delete a plainer account
    other = claim_where("respond decisively")
    page = text(as_editor.get(f"/claims/{other.id}/delete"))
    assert "1 quote: “respond decisively if Russia further invades Ukraine”" in page
    response = submit(as_editor, f"/claims/{other.id}/delete", {
        "reason": "Logged twice.", "lock_version": str(other.lock_version)})
    assert response.status_code == 302
    body = as_editor.get("/deleted").get_data(as_text=True)
    assert '<a href="/deleted" aria-current="page">Deleted</a>' in body  # in the main menu
    page = text(as_editor.get("/deleted"))
    assert f"Deleted by {editor.user.name} on" in page and "Why: “Logged twice.”" in page
    assert f"Belonged to the dispute “{other.dispute.question}”" in page
    assert "with what it belonged to" in page  # its quote and link went with it
    assert "Belonged to The White House’s account “Biden told Zelensky" in page


def test_a_withdrawn_verdict_is_labelled_withdrawn_once(as_editor, editor, seeded):
    from app.models import Verdict, VerdictState
    from app.services import verdicts as verdict_service

    verdict = db.session.scalars(sa.select(Verdict).where(
        Verdict.state == VerdictState.PUBLISHED)).first()
    verdict_service.withdraw(verdict, reason="Withdrawn: the source was misread.",
                             actor=editor.user)
    page = text(as_editor.get(f"/claims/{verdict.claim_id}"))
    assert "Withdrawn: Withdrawn:" not in page and "the source was misread." in page
    listing = text(as_editor.get("/verdicts?state=withdrawn"))
    assert "Verdict withdrawn" in listing and "corrected" not in listing


def test_search_finds_a_documents_stored_text_with_a_snippet(client, seeded):
    response = client.get("/search?q=Pittsburgh")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    page = text(response)
    assert "document text" in page and "Putin splits NATO" in page
    assert "Pittsburgh" in page[page.index("Putin splits NATO"):]  # the snippet
    assert "DailyMail.com · 28 Jan 2022" in page
    assert 'href="/documents/' in body


def test_search_results_have_context(client, seeded):
    page = text(client.get("/search?q=sacked&kind=quote"))
    assert "attributed to Joe Biden by an unnamed Ukrainian source (via CNN)" in page
    assert 'In Did Biden warn Zelensky that Kyiv could be "sacked"?' in page
    assert "our verdict Unsupported · 3/5" in page
    assert "found in DailyMail.com’s stored text" in page
    page = text(client.get("/search?q=sacked&kind=claim"))
    assert "CNN, citing an unnamed Ukrainian source" in page
    assert "no verdict yet on this account" in page  # Horne's denial


def test_an_empty_search_explains_what_can_be_searched(client, seeded):
    response = client.get("/search?q=")
    assert response.status_code == 200
    page = text(response)
    assert "What you can search" in page and "Documents’ text" in page
    assert text(client.get("/search")).count("What you can search") == 1


def test_a_source_made_in_the_middle_of_a_claim_form_keeps_what_was_typed(
        as_journalist, journalist, seeded):
    from app.models import Claim, FormDraft, Source

    did = dispute_id(SACKED)
    url = f"/disputes/{did}/claims/new"
    typed = {"statement": "The ambassador said “no comment”, twice.", "kind": "denial",
             "sourcing_level": "on_record", "independent_sources": "2",
             "stated_precision": "day", "claimant_id": ""}
    claims_before = db.session.scalar(sa.select(sa.func.count()).select_from(Claim))
    response = submit(as_journalist, url, {**typed, "new_record": "source:claimant_id"})
    assert response.status_code == 302
    second = response.headers["Location"]
    assert second.startswith("/sources/new?draft=")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Claim)) == claims_before
    page = text(as_journalist.get(second))
    assert "Your half-filled form is kept" in page
    response = submit(as_journalist, second, {"name": "Oksana Markarova", "kind": "person",
                                              "title": "Ukraine's ambassador to the US"})
    assert response.status_code == 302
    back = response.headers["Location"]
    assert back.startswith(f"{url}?draft=")
    source = db.session.scalars(sa.select(Source).where(
        Source.name == "Oksana Markarova")).one()
    body = as_journalist.get(back).get_data(as_text=True)
    assert "The ambassador said “no comment”, twice.</textarea>" in body
    assert f'<option selected value="{source.id}">' in body
    assert re.search(r'<input[^>]*name="independent_sources"[^>]*value="2"', body)
    assert "Your form is as you left it, with the new record selected." in text(
        as_journalist.get(back))
    # the draft is the user's own: another journalist's session cannot use it
    draft = db.session.scalars(sa.select(FormDraft)).one()
    assert draft.user_id == journalist.user.id


def test_a_document_made_from_the_new_dispute_form(as_journalist, seeded):
    from app.models import Document

    response = submit(as_journalist, "/disputes/new", {
        "question": "Was the call friendly?", "claims-0-statement": "It was friendly.",
        "new_record": "document:claims-0-first_appearance_id"})
    assert response.status_code == 302
    second = response.headers["Location"]
    assert second.startswith("/documents/new?draft=")
    response = submit(as_journalist, second, {"title": "Readout of the friendly call"})
    assert response.status_code == 302
    document = db.session.scalars(sa.select(Document).where(
        Document.title == "Readout of the friendly call")).one()
    body = as_journalist.get(response.headers["Location"]).get_data(as_text=True)
    assert 'value="Was the call friendly?"' in body
    assert "It was friendly.</textarea>" in body
    start = body.index('id="claims-0-first_appearance_id"')
    assert f'<option selected value="{document.id}">' in body[start:body.index("</select>",
                                                                               start)]


def test_a_draft_token_of_someone_else_restores_nothing(client, editor, journalist, seeded):
    from app.services import drafts

    token = drafts.save_draft(actor=journalist.user, path="/disputes/new",
                              field="claims-0-claimant_id",
                              fields={"question": ["Secret question?"]})
    sign_in(client, editor)
    body = client.get(f"/disputes/new?draft={token}").get_data(as_text=True)
    assert "Secret question?" not in body
