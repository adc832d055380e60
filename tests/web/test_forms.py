"""The journalists' and editors' forms, through the test client with real CSRF tokens."""

from __future__ import annotations

import re

import sqlalchemy as sa

from app.extensions import db
from app.models import (
    Claim,
    Dispute,
    DisputeState,
    Document,
    Event,
    Link,
    LinkScope,
    Quote,
    QuoteIntegrity,
    Revision,
    Source,
    Verdict,
    VerdictState,
)
from app.services import claims as claim_service
from app.services import events as event_service
from tests.web.conftest import (
    all_errors,
    claim_where,
    csrf_token,
    dispute_id,
    field_error,
    form_of,
    post_form,
    sign_in,
    submit,
    text,
)


def count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(model).execution_options(include_deleted=True)
    )


def source_id(slug: str) -> int:
    return db.session.scalar(sa.select(Source.id).where(Source.slug == slug))


# -- who may use the forms ------------------------------------------------------------


def test_visitors_are_sent_to_sign_in_and_readers_are_refused(client, reader, seeded):
    for url in ("/events/new", "/disputes/new", "/sources/new", "/documents/new",
                "/claims/1/edit", "/disputes/1/links/new", "/claims/1/verdicts/new"):
        response = client.get(url)
        assert response.status_code == 302 and "/sign-in?next=" in response.headers["Location"]
    sign_in(client, reader)
    assert client.get("/events/new").status_code == 403


def test_journalists_cannot_do_what_only_editors_do(as_journalist, seeded):
    draft = db.session.scalars(sa.select(Verdict).where(Verdict.state == VerdictState.DRAFT)
                               ).first()
    for url in (f"/verdicts/{draft.id}/publish", "/disputes/1/state", "/claims/1/delete",
                "/deleted"):
        assert as_journalist.get(url).status_code == 403, url
    response = submit(as_journalist, f"/verdicts/{draft.id}/publish", {},
                      form_url=f"/claims/{draft.claim_id}")
    assert response.status_code == 403
    db.session.refresh(draft)
    assert draft.state is VerdictState.DRAFT


# -- events, sources, documents -------------------------------------------------------


def test_log_an_event(as_journalist, journalist):
    response = submit(as_journalist, "/events/new", {
        "title": "Biden–Zelensky call", "occurred_on": "2022-01-27", "date_precision": "day",
        "summary": "They spoke.",
    })
    assert response.status_code == 302
    event = db.session.scalars(sa.select(Event)).one()
    assert (event.slug, str(event.occurred_on)) == ("biden-zelensky-call", "2022-01-27")
    assert response.headers["Location"] == f"/events/{event.id}"
    revision = db.session.scalars(sa.select(Revision).where(Revision.entity_type == "events")
                                  ).one()
    assert revision.actor_id == journalist.user.id


def test_bad_input_shows_each_field_error_and_keeps_the_text(as_journalist):
    response = submit(as_journalist, "/events/new", {
        "title": "", "slug": "Not A Slug!", "occurred_on": "27/01/2022",
        "date_precision": "weekly", "summary": "Typed <b>carefully</b>, and kept.",
    })
    assert response.status_code == 422
    assert field_error(response, "title") == "required"
    assert "lower-case letters" in field_error(response, "slug")
    assert "not a date" in field_error(response, "occurred_on")
    assert field_error(response, "date_precision") == "Not a valid choice."
    body = response.get_data(as_text=True)
    assert 'value="Not A Slug!"' in body and 'value="27/01/2022"' in body
    assert "Typed &lt;b&gt;carefully&lt;/b&gt;, and kept." in body
    assert 'aria-invalid="true"' in body and "Please fix what is marked below" in body
    assert count(Event) == 0


def test_a_taken_slug_is_a_409_on_the_slug_field(as_journalist, journalist):
    event_service.create_event(actor=journalist.user, slug="the-call", title="One")
    response = submit(as_journalist, "/events/new", {"title": "Two", "slug": "the-call",
                                                     "date_precision": "day"})
    assert response.status_code == 409
    assert field_error(response, "slug") == "already exists"
    assert 'value="Two"' in response.get_data(as_text=True)
    assert count(Event) == 1


def test_sources_cannot_belong_to_themselves(as_journalist, seeded):
    # The White House belongs to nobody; make it belong to the NSC, which belongs to it.
    white_house = source_id("white-house")
    response = submit(as_journalist, f"/sources/{white_house}/edit", {
        "name": "The White House", "kind": "government_body",
        "parent_id": str(source_id("national-security-council")), "lock_version": "1",
    })
    assert response.status_code == 422
    assert field_error(response, "parent_id") == "would make a cycle"
    db.session.expire_all()
    assert db.session.get(Source, white_house).parent_id is None


def test_add_a_source_and_a_document_then_a_checked_quote(as_journalist, seeded):
    response = submit(as_journalist, "/sources/new", {
        "name": "A senior official", "kind": "anonymous",
        "description": "“a senior administration official”", "url": "not a url",
    })
    assert response.status_code == 422 and "not a web address" in field_error(response, "url")
    response = submit(as_journalist, "/sources/new", {
        "name": "A senior official", "kind": "anonymous",
        "description": "“a senior administration official”",
    })
    assert response.status_code == 302
    official = db.session.scalars(sa.select(Source).where(Source.slug == "a-senior-official")
                                  ).one()
    response = submit(as_journalist, "/documents/new", {
        "title": "Briefing transcript", "url": "https://example.org/briefing",
        "publisher_id": str(source_id("white-house")), "published_at": "2022-01-28T15:30",
        "text": "He said the troops would move north of 100,000 in number.",
    })
    assert response.status_code == 302
    document = db.session.scalars(sa.select(Document).where(Document.title ==
                                                            "Briefing transcript")).one()
    assert document.published_at.isoformat() == "2022-01-28T15:30:00+00:00"
    claim = claim_where("prepare for")
    response = submit(as_journalist, f"/claims/{claim.id}/quotes/new", {
        "speaker_id": str(official.id), "document_id": str(document.id),
        "exact": "the troops would move north of 100,000",
    })
    assert response.status_code == 302
    quote = db.session.scalars(sa.select(Quote).where(Quote.document_id == document.id)).one()
    assert quote.integrity is QuoteIntegrity.VERBATIM
    page = text(as_journalist.get(f"/claims/{claim.id}"))
    assert "found in The White House’s stored text" in page


# -- disputes with their accounts, and links ----------------------------------------


def account(i: int, **fields) -> dict:
    data = {"claimant_id": "", "statement": "", "kind": "factual_assertion",
            "sourcing_level": "on_record", "independent_sources": "1", "stated_at": "",
            "stated_precision": "day", "first_appearance_id": "",
            "attributions-0-source_id": "", "attributions-0-relation": "citing",
            "attributions-1-source_id": "", "attributions-1-relation": "citing"}
    data.update(fields)
    return {f"claims-{i}-{key}": value for key, value in data.items()}


def new_dispute_form(event_id: int, *accounts: dict, **fields) -> dict:
    data = {"event_id": str(event_id), "question": "Did the minister say 'never'?",
            "summary": "", "state": "contested", "slug": ""}
    data.update(fields)
    for item in accounts:
        data.update(item)
    return data


def test_log_a_dispute_with_two_competing_accounts(as_journalist, seeded):
    event_id = db.session.scalar(sa.select(Event.id).limit(1))
    form = new_dispute_form(
        event_id,
        account(0, claimant_id=str(source_id("ukrainian-source-cnn")),
                statement="The minister said 'never'.", kind="attributed_quote",
                sourcing_level="anonymous", **{"attributions-0-source_id": str(source_id("cnn"))},
                stated_at="2022-01-27T21:00"),
        account(1, claimant_id=str(source_id("emily-horne")), statement="Nobody said 'never'.",
                kind="denial"),
        account(2),  # an untouched extra account is ignored
    )
    response = submit(as_journalist, "/disputes/new", form)
    assert response.status_code == 302, all_errors(response)
    dispute = db.session.scalars(sa.select(Dispute).where(
        Dispute.slug == "did-the-minister-say-never")).one()
    # a dispute's state is an editor's call: a journalist's new dispute is open, whatever
    # the request said
    assert dispute.state is DisputeState.OPEN
    assert [c.statement for c in dispute.claims] == ["The minister said 'never'.",
                                                      "Nobody said 'never'."]
    assert [a.source.slug for a in dispute.claims[0].attributions] == ["cnn"]
    page = text(as_journalist.get(response.headers["Location"]))
    assert "CNN, citing an unnamed Ukrainian source" in page and "Now link the accounts" in page


def test_a_bad_account_writes_nothing_and_keeps_every_account_typed(as_journalist, seeded):
    event_id = db.session.scalar(sa.select(Event.id).limit(1))
    before = count(Dispute), count(Claim)
    form = new_dispute_form(
        event_id,
        account(0, claimant_id=str(source_id("cnn")), statement="First account, kept."),
        account(1, claimant_id=str(source_id("emily-horne")), statement="",
                independent_sources="many"),
    )
    response = submit(as_journalist, "/disputes/new", form)
    assert response.status_code == 422
    assert field_error(response, "claims-1-statement") == "required"
    assert "number" in field_error(response, "claims-1-independent_sources")
    body = response.get_data(as_text=True)
    assert "First account, kept." in body and 'value="many"' in body
    assert (count(Dispute), count(Claim)) == before


def test_a_record_that_vanished_is_named_on_its_field(as_journalist, seeded):
    event_id = db.session.scalar(sa.select(Event.id).limit(1))
    form = new_dispute_form(event_id, account(0, claimant_id="999999", statement="x"))
    response = submit(as_journalist, "/disputes/new", form)
    assert response.status_code == 422
    assert "no such record" in field_error(response, "claims-0-claimant_id")


def test_add_another_account_keeps_what_was_typed_and_saves_nothing(as_journalist, seeded):
    event_id = db.session.scalar(sa.select(Event.id).limit(1))
    form = new_dispute_form(event_id, account(0, statement="Typed first."), account(1),
                            add_account="Add another account")
    response = submit(as_journalist, "/disputes/new", form)
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "Typed first." in body and 'name="claims-2-statement"' in body
    assert "Account C" in body
    assert count(Dispute) == 5


def test_link_two_accounts_scoped_to_one_quote(as_journalist, seeded):
    did = dispute_id("milley-1000-troops")
    claims = db.session.scalars(sa.select(Claim).where(Claim.dispute_id == did)
                                .order_by(Claim.position)).all()
    quote_elsewhere = claim_where("prepare for").quotes[0]
    target = next(c for c in claims if c.quotes)
    other = next(c for c in claims if c.id != target.id)
    # a quote of another claim: the service refuses it, on that field
    response = submit(as_journalist, f"/disputes/{did}/links/new", {
        "from_claim_id": str(other.id), "type": "contradicts", "to_claim_id": str(target.id),
        "scope_quote_id": str(quote_elsewhere.id), "note": "typed note",
    })
    assert response.status_code == 422
    assert "no such record" in field_error(response, "scope_quote_id")  # not even offered
    before = count(Link)
    response = submit(as_journalist, f"/disputes/{did}/links/new", {
        "from_claim_id": str(other.id), "type": "contradicts", "to_claim_id": str(target.id),
        "scope_quote_id": str(target.quotes[0].id), "note": "Only these words.",
    })
    assert response.status_code == 302
    assert count(Link) == before + 1
    link = db.session.scalars(sa.select(Link).order_by(Link.id.desc())).first()
    assert link.scope is LinkScope.QUOTE and link.note == "Only these words."
    # linking a claim to itself: the service's error lands on to_claim_id
    response = submit(as_journalist, f"/disputes/{did}/links/new", {
        "from_claim_id": str(other.id), "type": "repeats", "to_claim_id": str(other.id),
    })
    assert response.status_code == 422
    assert field_error(response, "to_claim_id") == (
        "An account cannot be linked to itself: choose another account")


# -- stale forms ------------------------------------------------------------------------


def test_a_stale_edit_is_a_conflict_not_an_overwrite(as_journalist, seeded, editor):
    claim = claim_where("prepare for")
    url = f"/claims/{claim.id}/edit"
    response = as_journalist.get(url)
    assert f'name="lock_version" type="hidden" value="{claim.lock_version}"' in \
        response.get_data(as_text=True)
    mine = form_of(response)
    # someone else saves first
    claim_service.update_claim(claim, {"statement": "Their wording."}, actor=editor.user)
    response = post_form(as_journalist, url, mine, {"statement": "My wording."})
    assert response.status_code == 409
    page = text(response)
    assert "Someone else saved this while you were editing" in page
    # both changed the statement: both values, who saved theirs; nothing else is asked
    box = page[page.index("You both changed"):page.index("Keep yours")]
    assert box.startswith("You both changed this field. Choose which version to keep, then "
                          "save again. What is asserted Yours My wording. Theirs — Editor "
                          "Example")
    assert box.rstrip().endswith("Their wording.")
    assert "My wording." in response.get_data(as_text=True)  # what I typed, kept
    db.session.expire_all()
    assert db.session.get(Claim, claim.id).statement == "Their wording."
    # keeping mine, having seen theirs, is a deliberate choice and goes through
    response = post_form(as_journalist, url, form_of(response), {"resolve-statement": "mine"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Claim, claim.id).statement == "My wording."


def test_edit_a_claims_chain_and_appearances(as_journalist, seeded):
    claim = claim_where("prepare for")
    page = as_journalist.get(f"/claims/{claim.id}/edit").get_data(as_text=True)
    for appearance in claim.appearances:  # the current ones are ticked
        assert re.search(f'<input checked id="appearances-\\d+" name="appearances" '
                         f'type="checkbox" value="{appearance.document_id}">', page)
    documents = db.session.scalars(sa.select(Document.id).order_by(Document.id)).all()
    response = submit(as_journalist, f"/claims/{claim.id}/edit", {
        "lock_version": str(claim.lock_version), "claimant_id": str(claim.claimant_id),
        "statement": claim.statement, "kind": "attributed_quote", "sourcing_level": "anonymous",
        "independent_sources": "2", "stated_precision": "day",
        "attributions-0-source_id": str(source_id("dailymail")),
        "attributions-0-relation": "quoting",
        "attributions-1-source_id": str(source_id("cnn")), "attributions-1-relation": "citing",
        "appearances": [str(documents[0]), str(documents[1])],
    })
    assert response.status_code == 302
    db.session.expire_all()
    claim = db.session.get(Claim, claim.id)
    assert [(a.source.slug, a.relation) for a in claim.attributions] == [
        ("dailymail", "quoting"), ("cnn", "citing")]
    assert sorted(a.document_id for a in claim.appearances) == documents[:2]
    assert claim.independent_sources == 2


def test_a_claims_language_is_chosen_on_its_form(as_journalist, seeded):
    claim = claim_where("prepare for")
    page = as_journalist.get(f"/claims/{claim.id}/edit").get_data(as_text=True)
    assert 'name="language"' in page and 'value="en"' in page
    fields = {
        "lock_version": str(claim.lock_version), "claimant_id": str(claim.claimant_id),
        "statement": claim.statement, "kind": claim.kind.value,
        "sourcing_level": claim.sourcing_level.value, "independent_sources": "1",
        "stated_precision": "day",
    }
    refused = submit(as_journalist, f"/claims/{claim.id}/edit", {**fields, "language": "not a tag"})
    assert refused.status_code == 422
    assert "a language tag such as en, uk or pt-BR" in refused.get_data(as_text=True)
    response = submit(as_journalist, f"/claims/{claim.id}/edit", {**fields, "language": "uk"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Claim, claim.id).language == "uk"


# -- verdicts -------------------------------------------------------------------------------


def test_draft_publish_correct_and_withdraw(client, seeded, journalist, editor):
    claim = claim_where("No one on the call said")  # Horne's denial: no verdict yet
    sign_in(client, journalist)
    response = submit(client, f"/claims/{claim.id}/verdicts/new", {
        "rating_value": "4", "rationale": "", "evidence-0-target": f"claim:{claim.id}",
        "evidence-0-stance": "supports",
    })
    assert response.status_code == 422 and field_error(response, "rationale") == "required"
    response = submit(client, f"/claims/{claim.id}/verdicts/new", {
        "rating_value": "4", "rationale": "On the record, and not contradicted.",
        "evidence-0-target": f"claim:{claim_where('prepare for').id}",
        "evidence-0-stance": "refutes", "evidence-0-note": "the report it denies",
    })
    assert response.status_code == 302, all_errors(response)
    verdict = db.session.scalars(sa.select(Verdict).where(Verdict.claim_id == claim.id)).one()
    assert verdict.state is VerdictState.DRAFT and len(verdict.versions[0].evidence) == 1
    # readers do not see the draft
    client.post("/sign-out", data={"csrf_token": _token(client)})
    assert "Mostly accurate" not in text(client.get(f"/claims/{claim.id}"))
    # the editor publishes it
    sign_in(client, editor)
    response = submit(client, f"/verdicts/{verdict.id}/publish",
                      {"lock_version": str(verdict.lock_version)})
    assert response.status_code == 302
    # a correction needs a reason
    response = submit(client, f"/verdicts/{verdict.id}/correct", {
        "rating_value": "3", "rationale": "Interested party.", "reason": "",
    })
    assert response.status_code == 422 and field_error(response, "reason") == "required"
    db.session.expire_all()
    response = submit(client, f"/verdicts/{verdict.id}/correct", {
        "rating_value": "3", "rationale": "An interested party's denial.",
        "reason": "An on-record denial is not proof.",
        "lock_version": str(db.session.get(Verdict, verdict.id).lock_version),
    })
    assert response.status_code == 302
    client.post("/sign-out", data={"csrf_token": _token(client)})
    page = text(client.get(f"/claims/{claim.id}"))
    assert "Unsupported" in page and "An on-record denial is not proof." in page
    assert "Version 2" in page
    # withdrawing needs a reason too, and stays public
    sign_in(client, editor)
    response = submit(client, f"/verdicts/{verdict.id}/withdraw", {"reason": "  "})
    assert response.status_code == 422
    response = submit(client, f"/verdicts/{verdict.id}/withdraw",
                      {"reason": "Horne later clarified."})
    assert response.status_code == 302
    assert "Horne later clarified." in text(client.get(f"/claims/{claim.id}"))


def test_a_second_live_verdict_on_a_claim_is_refused(as_journalist, seeded):
    claim = claim_where("prepare for")
    response = submit(as_journalist, f"/claims/{claim.id}/verdicts/new", {
        "rating_value": "1", "rationale": "Again.",
    })
    assert response.status_code == 409, all_errors(response)
    assert "already has verdict" in text(response)


def test_published_verdicts_are_corrected_not_edited(as_editor, seeded):
    verdict = db.session.scalars(sa.select(Verdict).where(
        Verdict.state == VerdictState.PUBLISHED)).first()
    response = as_editor.get(f"/verdicts/{verdict.id}/edit")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/verdicts/{verdict.id}/correct"
    response = submit(as_editor, f"/verdicts/{verdict.id}/publish", {},
                      form_url=f"/verdicts/{verdict.id}/correct")
    assert response.status_code == 409 and "only drafts are published" in text(response)
    response = as_editor.get(f"/verdicts/{verdict.id}/delete")
    assert response.status_code == 409 and "withdraw it" in text(response)


# -- dispute state, delete and restore -----------------------------------------------------


def test_editors_change_a_disputes_state(as_editor, seeded):
    did = dispute_id("biden-warned-kyiv-could-be-sacked")
    dispute = db.session.get(Dispute, did)
    response = submit(as_editor, f"/disputes/{did}/state", {
        "state": "unresolvable", "reason": "No recording exists.",
        "lock_version": str(dispute.lock_version)})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Dispute, did).state is DisputeState.UNRESOLVABLE
    response = submit(as_editor, f"/disputes/{did}/state", {"state": "decided"})
    assert response.status_code == 422 and field_error(response, "state")


def test_delete_and_restore_a_claim(as_editor, seeded):
    claim = claim_where("respond decisively")
    did = claim.dispute_id
    response = submit(as_editor, f"/claims/{claim.id}/delete",
                      {"reason": "Duplicate", "lock_version": str(claim.lock_version)})
    assert response.status_code == 302
    assert "respond decisively" not in text(as_editor.get(f"/disputes/{did}"))
    # the editor still sees what it was, and can bring it back
    assert "This claim was deleted" in text(as_editor.get(f"/claims/{claim.id}"))
    assert "respond decisively" in text(as_editor.get("/deleted"))
    response = submit(as_editor, f"/claims/{claim.id}/restore", {"reason": "Not a duplicate"},
                      form_url="/deleted")
    assert response.status_code == 302
    assert "respond decisively" in text(as_editor.get(f"/disputes/{did}"))
    actions = db.session.scalars(sa.select(Revision.action).where(
        Revision.entity_type == "claims", Revision.entity_id == claim.id)).all()
    assert [a.value for a in actions][-2:] == ["delete", "restore"]


def test_journalists_edit_events_and_documents(as_journalist, seeded):
    event = db.session.scalars(sa.select(Event).order_by(Event.id)).first()
    page = as_journalist.get(f"/events/{event.id}/edit").get_data(as_text=True)
    assert f'value="{event.title}"' in page
    response = submit(as_journalist, f"/events/{event.id}/edit", {
        "title": "Renamed event", "slug": event.slug, "date_precision": "month",
        "occurred_on": "2022-01-27", "lock_version": str(event.lock_version)})
    assert response.status_code == 302
    document = db.session.scalars(sa.select(Document).order_by(Document.id)).first()
    response = submit(as_journalist, f"/documents/{document.id}/edit", {
        "title": document.title, "text": "Completely different words.",
        "lock_version": str(document.lock_version)})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Event, event.id).title == "Renamed event"
    quotes = db.session.scalars(sa.select(Quote).where(Quote.document_id == document.id)).all()
    assert quotes and all(q.integrity is not QuoteIntegrity.VERBATIM for q in quotes)


def test_edit_a_link_and_a_dispute(as_journalist, seeded):
    link = db.session.scalars(sa.select(Link).order_by(Link.id)).first()
    response = submit(as_journalist, f"/links/{link.id}/edit", {
        "type": "contradicts", "note": "Narrower.", "lock_version": str(link.lock_version)})
    assert response.status_code == 302
    did = dispute_id("biden-go-it-alone")
    dispute = db.session.get(Dispute, did)
    response = submit(as_journalist, f"/disputes/{did}/edit", {
        "event_id": str(dispute.event_id), "question": "", "slug": dispute.slug,
        "lock_version": str(dispute.lock_version)})
    assert response.status_code == 422 and field_error(response, "question") == "required"
    db.session.expire_all()
    assert db.session.get(Link, link.id).type.value == "contradicts"


def _token(client) -> str:
    return csrf_token(client, "/")
