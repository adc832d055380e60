"""Two people edit one record in the pages: edits merge; only real conflicts are asked.

Each person has a browser of their own (a test client signed in as them): they open the
edit page, change what they mean to change, and post the form exactly as the page gave
it to them (`form_of`), with its hidden version and record of what was loaded.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.extensions import db
from app.models import (
    Claim,
    Dispute,
    Document,
    Event,
    Link,
    Quote,
    Revision,
    RevisionAction,
    Source,
    Verdict,
    VerdictState,
)
from app.services import claims as claim_service
from app.services import disputes as dispute_service
from app.services import verdicts as verdict_service
from tests.web.conftest import (
    RequestPerContextClient,
    claim_where,
    dispute_id,
    field_error,
    form_of,
    post_form,
    sign_in,
    text,
)

SACKED = "biden-warned-kyiv-could-be-sacked"


@pytest.fixture
def window(app):
    """A browser of one's own, signed in as `account`."""

    def open_as(account) -> RequestPerContextClient:
        client = RequestPerContextClient(app, app.response_class, use_cookies=True)
        sign_in(client, account)
        return client

    return open_as


def fresh(model, ident):
    db.session.expire_all()
    return db.session.get(model, ident)


def updates(entity_type: str, entity_id: int) -> list[Revision]:
    return list(db.session.scalars(
        sa.select(Revision).where(Revision.entity_type == entity_type,
                                  Revision.entity_id == entity_id,
                                  Revision.action == RevisionAction.UPDATE)
        .order_by(Revision.id)))


def source_id(slug: str) -> int:
    return db.session.scalar(sa.select(Source.id).where(Source.slug == slug))


# -- the review's scenario ------------------------------------------------------------


def test_a_colleagues_summary_survives_my_edit_of_the_question(
        seeded, window, journalist, editor):
    did = dispute_id(SACKED)
    url = f"/disputes/{did}/edit"
    a, b = window(editor), window(journalist)
    a_form, b_form = form_of(a.get(url)), form_of(b.get(url))
    original = fresh(Dispute, did)
    original_question, original_summary = original.question, original.summary

    # A saves a new summary
    response = post_form(a, url, a_form, {"summary": "A's summary of the call."})
    assert response.status_code == 302
    # B, from the copy loaded before, changed only the question
    response = post_form(b, url, b_form, {"question": "B's sharper question?"})
    assert response.status_code == 302, text(response)[:2000]

    dispute = fresh(Dispute, did)
    assert dispute.summary == "A's summary of the call."
    assert dispute.question == "B's sharper question?"
    a_rev, b_rev = updates("disputes", did)
    assert a_rev.actor_id == editor.user.id and a_rev.after == {"summary": dispute.summary}
    assert a_rev.before == {"summary": original_summary}
    assert b_rev.actor_id == journalist.user.id
    assert b_rev.after == {"question": "B's sharper question?"}
    assert b_rev.before == {"question": original_question}
    # B is told what was merged
    page = text(b.get(f"/disputes/{did}"))
    assert "Merged: Editor Example saved changes while you were editing" in page
    assert "theirs kept: Summary." in page


def test_an_edit_of_a_current_copy_just_saves(seeded, window, journalist):
    did = dispute_id(SACKED)
    url = f"/disputes/{did}/edit"
    b = window(journalist)
    response = post_form(b, url, form_of(b.get(url)), {"question": "Only mine?"})
    assert response.status_code == 302
    assert "Merged" not in text(b.get(f"/disputes/{did}"))
    assert fresh(Dispute, did).question == "Only mine?"


# -- both changed one field -------------------------------------------------------------


def test_both_changed_the_summary_so_b_is_asked_and_chooses_mine(
        seeded, window, journalist, editor):
    did = dispute_id(SACKED)
    url = f"/disputes/{did}/edit"
    a, b = window(editor), window(journalist)
    a_form, b_form = form_of(a.get(url)), form_of(b.get(url))
    question = fresh(Dispute, did).question
    assert post_form(a, url, a_form, {"summary": "A's summary.",
                                      "slug": "sacked-call"}).status_code == 302

    response = post_form(b, url, b_form, {"summary": "B's summary.",
                                          "question": "B's question?"})
    assert response.status_code == 409
    page = text(response)
    assert "Someone else saved this while you were editing" in page
    assert "You both changed this field" in page
    box = page[page.index("You both changed"):page.index("Keep yours")]
    assert "Summary" in box and "Yours B's summary." in box
    assert "Theirs — Editor Example" in box and "A's summary." in box
    assert "Question" not in box  # only B changed it: not a question
    # nothing saved yet; what B typed is still in the form
    dispute = fresh(Dispute, did)
    assert (dispute.summary, dispute.question, dispute.slug) == (
        "A's summary.", question, "sacked-call")
    resolving = form_of(response)
    assert resolving["summary"] == "B's summary." and resolving["question"] == "B's question?"
    # the slug only A changed now shows A's value, so saving cannot revert it
    assert resolving["slug"] == "sacked-call"

    # saving again without answering the question saves nothing
    response = post_form(b, url, resolving)
    assert response.status_code == 409
    assert "choose yours or theirs" in text(response)
    assert fresh(Dispute, did).summary == "A's summary."

    response = post_form(b, url, form_of(response), {"resolve-summary": "mine"})
    assert response.status_code == 302, text(response)[:2000]
    dispute = fresh(Dispute, did)
    assert (dispute.summary, dispute.question, dispute.slug) == (
        "B's summary.", "B's question?", "sacked-call")


def test_choosing_theirs_keeps_their_value_and_saves_the_rest(
        seeded, window, journalist, editor):
    did = dispute_id(SACKED)
    url = f"/disputes/{did}/edit"
    a, b = window(editor), window(journalist)
    a_form, b_form = form_of(a.get(url)), form_of(b.get(url))
    assert post_form(a, url, a_form, {"summary": "A's summary."}).status_code == 302
    response = post_form(b, url, b_form, {"summary": "B's summary.",
                                          "question": "B's question?"})
    assert response.status_code == 409
    response = post_form(b, url, form_of(response), {"resolve-summary": "theirs"})
    assert response.status_code == 302
    dispute = fresh(Dispute, did)
    assert (dispute.summary, dispute.question) == ("A's summary.", "B's question?")
    assert [r.actor_id for r in updates("disputes", did)] == [editor.user.id,
                                                             journalist.user.id]
    assert updates("disputes", did)[-1].after == {"question": "B's question?"}


def test_a_change_made_after_the_conflict_was_shown_is_not_reverted(
        seeded, window, journalist, editor):
    did = dispute_id(SACKED)
    url = f"/disputes/{did}/edit"
    a, b = window(editor), window(journalist)
    a_form, b_form = form_of(a.get(url)), form_of(b.get(url))
    assert post_form(a, url, a_form, {"summary": "A's summary."}).status_code == 302
    response = post_form(b, url, b_form, {"summary": "B's summary."})
    assert response.status_code == 409
    # while B reads the conflict, A saves again: a field B has not touched...
    a_form = form_of(a.get(url))
    assert post_form(a, url, a_form, {"slug": "renamed-by-a"}).status_code == 302
    response = post_form(b, url, form_of(response), {"resolve-summary": "mine"})
    assert response.status_code == 302
    dispute = fresh(Dispute, did)
    assert (dispute.summary, dispute.slug) == ("B's summary.", "renamed-by-a")
    assert "theirs kept: Web address (slug)." in text(b.get(f"/disputes/{did}"))


def test_a_merged_save_the_service_refuses_keeps_their_values_in_the_form(
        seeded, window, journalist, editor):
    did = dispute_id(SACKED)
    url = f"/disputes/{did}/edit"
    a, b = window(editor), window(journalist)
    a_form, b_form = form_of(a.get(url)), form_of(b.get(url))
    assert post_form(a, url, a_form, {"summary": "A's summary."}).status_code == 302
    # B's slug is taken by another dispute: refused after the merge
    response = post_form(b, url, b_form, {"question": "B's?", "slug": "biden-go-it-alone"})
    assert response.status_code == 409
    assert field_error(response, "slug") == "already exists"
    assert "Editor Example saved changes while you were editing; the form now shows " \
           "theirs, to be kept: Summary." in text(response)
    again = form_of(response)
    assert (again["summary"], again["question"]) == ("A's summary.", "B's?")
    # B fixes the slug; A's summary is not put back to what B first loaded
    response = post_form(b, url, again, {"slug": "bs-slug"})
    assert response.status_code == 302
    dispute = fresh(Dispute, did)
    assert (dispute.summary, dispute.question, dispute.slug) == ("A's summary.", "B's?",
                                                                 "bs-slug")


def test_a_field_changed_again_after_the_answer_is_asked_again(
        seeded, window, journalist, editor):
    did = dispute_id(SACKED)
    url = f"/disputes/{did}/edit"
    a, b = window(editor), window(journalist)
    a_form, b_form = form_of(a.get(url)), form_of(b.get(url))
    assert post_form(a, url, a_form, {"summary": "A's summary."}).status_code == 302
    response = post_form(b, url, b_form, {"summary": "B's summary."})
    assert response.status_code == 409
    # A changes the summary once more: B has not seen that value
    assert post_form(a, url, form_of(a.get(url)),
                     {"summary": "A's second thoughts."}).status_code == 302
    response = post_form(b, url, form_of(response), {"resolve-summary": "mine"})
    assert response.status_code == 409
    assert "A's second thoughts." in text(response)
    assert fresh(Dispute, did).summary == "A's second thoughts."


def test_a_merge_that_is_overtaken_while_saving_is_merged_again(
        seeded, window, journalist, editor):
    """Between B's merge and its write, someone else commits: the write finds the
    record moved, and the merge is done once more instead of failing or overwriting."""
    did = dispute_id(SACKED)
    url = f"/disputes/{did}/edit"
    a, b = window(editor), window(journalist)
    a_form, b_form = form_of(a.get(url)), form_of(b.get(url))
    assert post_form(a, url, a_form, {"summary": "A's summary."}).status_code == 302

    overtaken = []

    def someone_commits_first(conn, cursor, statement, parameters, context, executemany):
        # Once, as B's write begins (SQLite: its BEGIN IMMEDIATE; PostgreSQL: its lock on
        # the dispute), before it holds the lock: another writer commits. (Once B holds
        # it, no one else can: that is what the lock is for.)
        begins = statement == "BEGIN IMMEDIATE" or (
            "FOR UPDATE" in statement and "FROM disputes" in statement)
        if overtaken or not begins:
            return
        overtaken.append(True)
        with Session(db.engine) as other:
            other.get(Dispute, did).slug = "moved-meanwhile"
            other.commit()

    event.listen(db.engine, "before_cursor_execute", someone_commits_first)
    try:
        response = post_form(b, url, b_form, {"question": "B's question?"})
    finally:
        event.remove(db.engine, "before_cursor_execute", someone_commits_first)
    assert overtaken and response.status_code == 302, text(response)[:2000]
    dispute = fresh(Dispute, did)
    assert (dispute.question, dispute.summary, dispute.slug) == (
        "B's question?", "A's summary.", "moved-meanwhile")
    page = text(b.get(f"/disputes/{did}"))
    kept = page[page.find("theirs kept: "):].split(".")[0]
    assert sorted(kept.removeprefix("theirs kept: ").split(", ")) == [
        "Summary", "Web address (slug)"], page


def test_both_making_the_same_change_is_no_conflict(seeded, window, journalist, editor):
    did = dispute_id(SACKED)
    url = f"/disputes/{did}/edit"
    a, b = window(editor), window(journalist)
    a_form, b_form = form_of(a.get(url)), form_of(b.get(url))
    assert post_form(a, url, a_form, {"summary": "Agreed text."}).status_code == 302
    assert post_form(b, url, b_form, {"summary": "Agreed text.",
                                      "question": "B's?"}).status_code == 302
    dispute = fresh(Dispute, did)
    assert (dispute.summary, dispute.question) == ("Agreed text.", "B's?")


def test_a_form_that_does_not_say_what_was_loaded_asks_about_every_difference(
        seeded, window, journalist, editor):
    """An old page (or a hand-made post) cannot tell who changed what: every field
    that differs from the stored record is a question, nothing is overwritten."""
    did = dispute_id(SACKED)
    url = f"/disputes/{did}/edit"
    b = window(journalist)
    b_form = form_of(b.get(url))
    dispute_service.update_dispute(fresh(Dispute, did), {"summary": "A's summary."},
                                   actor=editor.user)
    response = post_form(b, url, b_form, {"loaded": None, "question": "B's?"})
    assert response.status_code == 409
    assert field_error(response, "summary") and field_error(response, "question")
    assert fresh(Dispute, did).summary == "A's summary."


# -- line ends, lists -------------------------------------------------------------------


def test_crlf_from_the_browser_is_not_a_change(seeded, window, journalist, editor):
    did = dispute_id(SACKED)
    dispute_service.update_dispute(fresh(Dispute, did),
                                   {"summary": "First line.\nSecond line."},
                                   actor=editor.user)
    url = f"/disputes/{did}/edit"
    b = window(journalist)
    b_form = form_of(b.get(url))
    assert b_form["summary"] == "First line.\r\nSecond line."  # as a browser sends it
    dispute_service.update_dispute(fresh(Dispute, did),
                                   {"summary": "First line.\nSecond line.\nThird."},
                                   actor=editor.user)
    response = post_form(b, url, b_form, {"question": "B's?"})
    assert response.status_code == 302, text(response)[:2000]
    dispute = fresh(Dispute, did)
    assert (dispute.summary, dispute.question) == ("First line.\nSecond line.\nThird.", "B's?")


def _claim_url(claim: Claim) -> str:
    return f"/claims/{claim.id}/edit"


def test_a_claims_attribution_chain_is_one_field_merged_with_my_statement(
        seeded, window, journalist, editor):
    claim = claim_where("prepare for")
    url = _claim_url(claim)
    a, b = window(editor), window(journalist)
    a_form, b_form = form_of(a.get(url)), form_of(b.get(url))
    chain = [(x.source_id, x.relation) for x in claim.attributions]
    assert chain, "the seeded claim has a chain"
    # A puts the Daily Mail in front of the chain
    response = post_form(a, url, a_form, {
        "attributions-0-source_id": str(source_id("dailymail")),
        "attributions-0-relation": "quoting",
        "attributions-1-source_id": str(chain[0][0]),
        "attributions-1-relation": chain[0][1],
    })
    assert response.status_code == 302, text(response)[:2000]
    # B changes only the statement
    response = post_form(b, url, b_form, {"statement": "B's wording."})
    assert response.status_code == 302, text(response)[:2000]
    claim = fresh(Claim, claim.id)
    assert claim.statement == "B's wording."
    assert [(x.source.slug, x.relation) for x in claim.attributions] == [
        ("dailymail", "quoting"), ("cnn", "citing")]
    assert "theirs kept: Attribution chain." in text(b.get(f"/claims/{claim.id}"))


def test_both_changing_the_chain_asks_and_shows_both_chains(
        seeded, window, journalist, editor):
    claim = claim_where("prepare for")
    url = _claim_url(claim)
    a, b = window(editor), window(journalist)
    a_form, b_form = form_of(a.get(url)), form_of(b.get(url))
    assert post_form(a, url, a_form, {"attributions-0-source_id": str(source_id("dailymail")),
                                      "attributions-0-relation": "quoting"}).status_code == 302
    response = post_form(b, url, b_form, {"attributions-0-relation": "according to",
                                          "independent_sources": "2"})
    assert response.status_code == 409
    page = text(response)
    box = page[page.index("You both changed"):page.index("Keep yours")]
    assert "Attribution chain" in box
    assert "Yours CNN (news outlet) · according to" in box
    assert "Theirs — Editor Example" in box and "DailyMail.com (news outlet) · quoting" in box
    assert "Independent sources" not in box
    claim = fresh(Claim, claim.id)
    assert [x.relation for x in claim.attributions] == ["quoting"]
    assert claim.independent_sources == 1
    # B keeps theirs for the chain: B's count is saved, A's chain untouched
    response = post_form(b, url, form_of(response), {"resolve-attributions": "theirs"})
    assert response.status_code == 302, text(response)[:2000]
    claim = fresh(Claim, claim.id)
    assert [(x.source.slug, x.relation) for x in claim.attributions] == [("dailymail", "quoting")]
    assert claim.independent_sources == 2


def test_appearances_merge_as_one_list(seeded, window, journalist, editor):
    claim = claim_where("prepare for")
    url = _claim_url(claim)
    a, b = window(editor), window(journalist)
    a_form, b_form = form_of(a.get(url)), form_of(b.get(url))
    documents = db.session.scalars(sa.select(Document.id).order_by(Document.id)).all()
    assert post_form(a, url, a_form, {"appearances": [str(d) for d in documents[:3]]}
                     ).status_code == 302
    response = post_form(b, url, b_form, {"kind": "characterisation"})
    assert response.status_code == 302, text(response)[:2000]
    claim = fresh(Claim, claim.id)
    assert sorted(x.document_id for x in claim.appearances) == documents[:3]
    assert claim.kind.value == "characterisation"


# -- every edit page merges alike ---------------------------------------------------------


def _first(model):
    return db.session.scalars(sa.select(model).order_by(model.id)).first()


def _horne():
    return db.session.scalars(sa.select(Source).where(Source.slug == "emily-horne")).one()


def _quoted():
    return db.session.scalars(sa.select(Quote).where(Quote.document_id.is_not(None))
                              .order_by(Quote.id)).first()


# (the edit page, what A changes, what B changes; each a field only they change)
EDITS = {
    "event": (lambda: f"/events/{_first(Event).id}/edit",
              {"summary": "A's summary.\nTwo lines."},
              {"occurred_on": "2022-01-26", "date_precision": "approximate"}),
    "source": (lambda: f"/sources/{_horne().id}/edit",
               {"title": "Former NSC spokeswoman", "parent_id": ""},
               {"description": "B's description.", "kind": "organisation"}),
    "document": (lambda: f"/documents/{_first(Document).id}/edit",
                 {"published_at": "2022-01-29T08:30"},
                 {"title": "B's title", "url": "https://example.org/b"}),
    "quote": (lambda: f"/quotes/{_quoted().id}/edit",
              {"prefix": "A's prefix"},
              {"document_id": "", "suffix": "B's suffix"}),
    "link": (lambda: f"/links/{_first(Link).id}/edit",
             {"note": "A's note."},
             {"type": "narrows"}),
}


@pytest.mark.parametrize("kind", EDITS)
def test_every_edit_page_merges_fields_each_changed(kind, seeded, window, journalist, editor):
    page_url, a_changes, b_changes = EDITS[kind]
    url = page_url()
    a, b = window(editor), window(journalist)
    a_form, b_form = form_of(a.get(url)), form_of(b.get(url))
    assert post_form(a, url, a_form, a_changes).status_code == 302
    response = post_form(b, url, b_form, b_changes)
    assert response.status_code == 302, text(response)[:3000]
    stored = form_of(b.get(url))  # the record as its edit page shows it now
    for name, value in {**a_changes, **b_changes}.items():
        assert stored[name].replace("\r\n", "\n") == value, name


# -- draft verdicts -----------------------------------------------------------------------


@pytest.fixture
def draft(seeded, journalist):
    claim = claim_where("No one on the call said")
    return verdict_service.draft_verdict(
        claim.id, 4, "On the record.", [{"claim_id": claim.id, "stance": "supports"}],
        actor=journalist.user)


def test_a_draft_verdicts_evidence_is_merged_with_my_rationale(
        draft, window, journalist, editor):
    url = f"/verdicts/{draft.id}/edit"
    a, b = window(editor), window(journalist)
    a_form, b_form = form_of(a.get(url)), form_of(b.get(url))
    other = claim_where("prepare for")
    # A adds a second piece of evidence (and changes nothing else)
    response = post_form(a, url, a_form, {"evidence-1-target": f"claim:{other.id}",
                                          "evidence-1-stance": "refutes",
                                          "evidence-1-note": "the report it denies"})
    assert response.status_code == 302, text(response)[:2000]
    response = post_form(b, url, b_form, {"rationale": "On the record, and specific."})
    assert response.status_code == 302, text(response)[:2000]
    verdict = fresh(Verdict, draft.id)
    assert verdict.rationale == "On the record, and specific."
    evidence = verdict.versions[-1].evidence
    assert [(e.claim_id, e.stance.value, e.note) for e in evidence] == [
        (draft.claim_id, "supports", ""), (other.id, "refutes", "the report it denies")]


def test_both_changing_the_evidence_is_asked(draft, window, journalist, editor):
    url = f"/verdicts/{draft.id}/edit"
    a, b = window(editor), window(journalist)
    a_form, b_form = form_of(a.get(url)), form_of(b.get(url))
    assert post_form(a, url, a_form, {"evidence-0-note": "A's note"}).status_code == 302
    response = post_form(b, url, b_form, {"evidence-0-stance": "refutes"})
    assert response.status_code == 409
    box = text(response)
    box = box[box.index("You both changed"):box.index("Keep yours")]
    assert "Evidence" in box and "Refutes the claim" in box and "A's note" in box
    assert [e.note for e in fresh(Verdict, draft.id).versions[-1].evidence] == ["A's note"]


def test_a_draft_with_many_pieces_of_evidence_keeps_them_all_when_saved(
        seeded, window, journalist):
    """Every row of a long evidence list has its options, so saving the page untouched
    (here, with a new rationale) keeps every piece."""
    claim = claim_where("No one on the call said")
    documents = db.session.scalars(sa.select(Document.id).order_by(Document.id)).all()[:4]
    verdict = verdict_service.draft_verdict(
        claim.id, 4, "On the record.",
        [{"document_id": d, "stance": "supports", "note": f"n{d}"} for d in documents],
        actor=journalist.user)
    url = f"/verdicts/{verdict.id}/edit"
    b = window(journalist)
    response = post_form(b, url, form_of(b.get(url)), {"rationale": "Still on the record."})
    assert response.status_code == 302, text(response)[:2000]
    stored = fresh(Verdict, verdict.id).versions[-1].evidence
    assert [(e.document_id, e.note) for e in stored] == [(d, f"n{d}") for d in documents]


# -- confirmations: a stale one is refused and shows what changed -----------------------


def test_publishing_a_draft_that_changed_since_it_was_read_is_refused(
        draft, window, journalist, editor):
    url = f"/verdicts/{draft.id}/publish"
    ed = window(editor)
    publish_form = form_of(ed.get(url))
    verdict_service.update_draft(fresh(Verdict, draft.id), actor=journalist.user,
                                 rationale="A different rationale.")
    response = post_form(ed, url, publish_form)
    assert response.status_code == 409
    page = text(response)
    assert "What changed since you loaded it" in page
    table = page[page.index("What changed"):page.index("Check it")]
    assert "Rationale A different rationale. Journalist Example" in table
    assert "Rating" not in table
    assert fresh(Verdict, draft.id).state is VerdictState.DRAFT
    # having seen it, the editor publishes
    response = post_form(ed, url, form_of(response))
    assert response.status_code == 302
    assert fresh(Verdict, draft.id).state is VerdictState.PUBLISHED


def test_a_stale_delete_is_refused_and_shows_what_changed(seeded, window, editor, journalist):
    claim = claim_where("respond decisively")
    url = f"/claims/{claim.id}/delete"
    ed = window(editor)
    delete_form = form_of(ed.get(url))
    claim_service.update_claim(fresh(Claim, claim.id), {"statement": "Reworded."},
                               actor=journalist.user)
    response = post_form(ed, url, delete_form, {"reason": "Duplicate"})
    assert response.status_code == 409
    page = text(response)
    assert "What asserted Reworded. Journalist Example" in page.replace("What is asserted",
                                                                        "What asserted")
    assert fresh(Claim, claim.id).deleted_at is None
    response = post_form(ed, url, form_of(response))
    assert response.status_code == 302
    assert fresh(Claim, claim.id).deleted_at is not None


def test_a_stale_correction_is_refused_and_the_next_one_keeps_both(
        seeded, window, editor, admin):
    verdict = db.session.scalars(sa.select(Verdict).where(
        Verdict.state == VerdictState.PUBLISHED).order_by(Verdict.id)).first()
    url = f"/verdicts/{verdict.id}/correct"
    ed = window(editor)
    correction = form_of(ed.get(url))
    versions = verdict.current_version
    verdict_service.correct(fresh(Verdict, verdict.id), actor=admin.user,
                            reason="Sharper.", rationale="The admin's rationale.")
    new_rating = "2" if verdict.rating_value != 2 else "3"
    response = post_form(ed, url, correction, {"rating_value": new_rating,
                                               "reason": "Misleading, not false."})
    assert response.status_code == 409
    assert "Rationale The admin's rationale. Admin Example" in text(response)
    assert fresh(Verdict, verdict.id).current_version == versions + 1  # the admin's only
    again = form_of(response)
    assert again["rationale"] == "The admin's rationale."  # theirs, now in the form
    assert again["rating_value"] == new_rating and again["reason"] == "Misleading, not false."
    response = post_form(ed, url, again)
    assert response.status_code == 302
    verdict = fresh(Verdict, verdict.id)
    assert (verdict.current_version, verdict.rating_value, verdict.rationale) == (
        versions + 2, int(new_rating), "The admin's rationale.")


def test_a_state_change_merges_with_an_edit_of_the_question(seeded, window, editor, admin):
    did = dispute_id(SACKED)
    url = f"/disputes/{did}/state"
    ed = window(editor)
    state_form = form_of(ed.get(url))
    dispute_service.update_dispute(fresh(Dispute, did), {"question": "Reworded?"},
                                   actor=admin.user)
    response = post_form(ed, url, state_form, {"state": "unresolvable",
                                               "reason": "No recording."})
    assert response.status_code == 302
    dispute = fresh(Dispute, did)
    assert (dispute.state.value, dispute.question) == ("unresolvable", "Reworded?")
