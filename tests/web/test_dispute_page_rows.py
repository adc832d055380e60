"""The dispute page (`GET /disputes/<id>`) is read as rows (app/reads/dispute_page.py),
not from the ORM aggregate it used to be rendered from. These tests hold the page to
what the same template renders from that aggregate (`listings.dispute_page`, `timeline`,
`state_change`): byte for byte, for every dispute, as a reader, a journalist and an
editor (drafts, edit and delete controls), with records deleted at every level, links
into other disputes, drafts and withdrawals — and with the same cache keys."""

from __future__ import annotations

import re

import sqlalchemy as sa
from flask import current_app, render_template
from flask_login import login_user

from app import cache_keys
from app.extensions import db
from app.models import (
    Claim,
    ClaimAppearance,
    Dispute,
    DisputeState,
    Document,
    Link,
    LinkScope,
    LinkType,
    Quote,
    Source,
    SourceKind,
    Verdict,
    VerdictState,
)
from app.models.base import utcnow
from app.reads import listings
from app.services import disputes as dispute_service
from app.services import lifecycle
from app.services import links as link_service
from app.services import sources as source_service
from app.services import verdicts as verdict_service
from app.web.views.disputes import letters
from tests.web.conftest import RequestPerContextClient, sign_in

URL = "/disputes/{}"
# a signed-in page carries its session's CSRF token (the sign-out form): not the read's
_CSRF = re.compile(r'(name="csrf_token" value=)"[^"]+"')


def _same_tokens(page: str) -> str:
    return _CSRF.sub(r'\1"-"', page)


def _from_aggregate(dispute_id: int, account=None) -> tuple[str, list[str]]:
    """The page as the template renders it from the ORM aggregate (as the view did), and
    the keys its reads depend on."""
    # its own app context (a fresh session, and `g` for the signed-in user), as a request
    with current_app.app_context(), current_app.test_request_context(URL.format(dispute_id)), \
            cache_keys.reading() as reads:
        if account is not None:
            login_user(account.user)
        staff = account is not None and account.user.role.value != "reader"
        detail = listings.dispute_page(dispute_id, include_drafts=staff)
        page = render_template(
            "disputes/show.html", detail=detail, dispute=detail.dispute,
            letters=letters(detail), timeline=listings.timeline(detail.claims),
            state_change=listings.state_change(detail.dispute),
        )
    return page, reads.keys()


def _assert_same_everywhere(client, app, journalist, editor) -> int:
    ids = db.session.scalars(sa.select(Dispute.id).order_by(Dispute.id)).all()
    assert ids
    # a reader: the public page, with the keys it is cached and purged by
    for dispute_id in ids:
        response = client.get(URL.format(dispute_id))
        assert response.status_code == 200, dispute_id
        expected, keys = _from_aggregate(dispute_id)
        assert response.get_data(as_text=True) == expected, dispute_id
        assert response.headers["Surrogate-Key"] == " ".join(["all", *keys]), dispute_id
    # staff: drafts, and the controls each role may use
    for account in (journalist, editor):
        staff = RequestPerContextClient(app, app.response_class, use_cookies=True)
        sign_in(staff, account)
        staff.get("/")  # shows the "Signed in" message, which the pages below then lack
        for dispute_id in ids:
            response = staff.get(URL.format(dispute_id))
            assert response.status_code == 200, dispute_id
            expected, _ = _from_aggregate(dispute_id, account)
            assert _same_tokens(response.get_data(as_text=True)) == _same_tokens(expected), \
                (dispute_id, account.user.role)
    return len(ids)


def test_every_seeded_dispute_renders_as_from_the_aggregate(client, app, seeded, journalist,
                                                            editor):
    assert _assert_same_everywhere(client, app, journalist, editor) >= 5


def test_deleted_records_drafts_and_withdrawals_render_alike(client, app, seeded, journalist,
                                                             editor):
    # Given the seeded disputes, changed at every level
    actor = journalist.user
    claims = db.session.scalars(sa.select(Claim).order_by(Claim.id)).all()
    # a claimant whose parent is deleted (the role line falls back), and a long chain
    deepest = max(claims, key=lambda c: len(c.claimant.affiliation_chain()))
    top = source_service.create_source(actor=actor, slug="top-body", name="Top body",
                                       kind=SourceKind.GOVERNMENT_BODY)
    deepest.claimant.affiliation_chain()[-1].parent_id = top.id
    gone = source_service.create_source(actor=actor, slug="gone-body", name="Gone body",
                                        kind=SourceKind.ORGANISATION)
    untitled = next(c for c in claims if not c.claimant.title
                    and c.claimant.kind is not SourceKind.ANONYMOUS)
    db.session.get(Source, untitled.claimant_id).parent_id = gone.id
    gone.deleted_at = utcnow()
    # a deleted quote that a link is scoped to, a deleted link, a deleted document
    quote = db.session.scalars(sa.select(Quote).order_by(Quote.id)).first()
    link_service.link_claims(claims[-1].id, quote.claim_id, LinkType.DENIES, actor=actor,
                             scope=LinkScope.QUOTE, scope_quote_id=quote.id, note="scoped")
    quote.deleted_at = utcnow()
    db.session.scalars(sa.select(Link).order_by(Link.id)).first().deleted_at = utcnow()
    # (not one that an account's "also in" list names: the aggregate fails on that, and
    # the lifecycle deletes no document that anything live points at; the page's own
    # answer to it is the last test below)
    document = db.session.scalars(sa.select(Document).where(
        Document.id.in_(sa.select(Claim.first_appearance_id)),
        Document.id.not_in(sa.select(ClaimAppearance.document_id)))).first()
    document.deleted_at = utcnow()
    # a link scoped to a live quote, into another dispute
    other = next(c for c in claims if c.dispute_id != claims[0].dispute_id)
    live_quote = db.session.scalars(sa.select(Quote).where(
        Quote.claim_id == other.id, Quote.deleted_at.is_(None))).first()
    link_service.link_claims(
        claims[0].id, other.id, LinkType.CONTRADICTS, actor=actor,
        scope=LinkScope.QUOTE if live_quote else LinkScope.CLAIM,
        scope_quote_id=live_quote.id if live_quote else None, note="across disputes")
    db.session.commit()
    # a deleted account, with what goes with it (a link to a deleted account, written
    # straight into the table, fails the aggregate: the last test below)
    doomed = next(c for c in reversed(claims[:-1]) if not any(
        v.state is VerdictState.PUBLISHED for v in c.verdicts))
    lifecycle.delete_record(doomed, actor=editor.user, reason="A duplicate.")
    # a withdrawn verdict followed by a new draft on the same claim
    published = db.session.scalars(sa.select(Verdict).where(
        Verdict.state == VerdictState.PUBLISHED).order_by(Verdict.id)).first()
    verdict_service.withdraw(published, actor=editor.user, reason="Withdrawn: misattributed.")
    verdict_service.draft_verdict(published.claim_id, 3, "A second look.", actor=actor)
    # a claim whose only verdict is a draft, and one whose newest is withdrawn while an
    # older one stands
    unrated = db.session.scalars(sa.select(Claim).where(
        ~Claim.verdicts.any(), Claim.deleted_at.is_(None)).order_by(Claim.id)).first()
    if unrated is not None:
        verdict_service.draft_verdict(unrated.id, 2, "Early view. Not public.", actor=actor)
    standing = db.session.scalars(sa.select(Verdict).where(
        Verdict.state == VerdictState.PUBLISHED).order_by(Verdict.id.desc())).first()
    db.session.add(Verdict(claim_id=standing.claim_id, author_id=editor.user.id,
                           state=VerdictState.WITHDRAWN, rating_value=1, rationale="Old.",
                           published_at=utcnow()))
    # a dispute whose state changed with a reason, and one with no accounts
    dispute = db.session.get(Dispute, claims[0].dispute_id)
    new_state = DisputeState.UNRESOLVABLE if dispute.state is not DisputeState.UNRESOLVABLE \
        else DisputeState.CONTESTED
    dispute_service.change_dispute_state(dispute, new_state, actor=editor.user,
                                         reason="The accounts conflict.")
    dispute_service.log_dispute(actor=actor, event_id=dispute.event_id,
                                slug="who-said-it-first", question="Who said it first?",
                                claims=[])
    db.session.commit()

    # When each dispute's page is read, then it is what the aggregate rendered
    _assert_same_everywhere(client, app, journalist, editor)
    page = client.get(URL.format(dispute.id)).get_data(as_text=True)
    assert "across disputes" in page, doomed.id == claims[0].id
    assert "The accounts conflict." in page


def test_a_link_to_a_deleted_account_and_a_deleted_document_are_not_shown(client, seeded,
                                                                          editor):
    # Given a link from an account into another dispute, and an account that also
    # appeared in a document no other record names
    claims = db.session.scalars(sa.select(Claim).order_by(Claim.id)).all()
    here = claims[0]
    other = next(c for c in claims if c.dispute_id != here.dispute_id)
    link_service.link_claims(here.id, other.id, LinkType.CONTRADICTS, actor=editor.user,
                             note="To an account deleted by hand.")
    document = Document(title="A page deleted by hand", url="https://example.org/by-hand")
    db.session.add(document)
    db.session.flush()
    db.session.add(ClaimAppearance(claim_id=here.id, document_id=document.id))
    db.session.commit()
    page = client.get(URL.format(here.dispute_id)).get_data(as_text=True)
    assert "To an account deleted by hand." in page
    assert "A page deleted by hand" in page
    # When both are deleted by a direct write (the lifecycle would refuse or take the
    # link with the account)
    db.session.execute(sa.update(Claim).where(Claim.id == other.id)
                       .values(deleted_at=utcnow()))
    db.session.execute(sa.update(Document).where(Document.id == document.id)
                       .values(deleted_at=utcnow()))
    db.session.commit()

    # Then the page still answers, without them, for a reader and for staff
    response = client.get(URL.format(here.dispute_id))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "To an account deleted by hand." not in page
    assert "A page deleted by hand" not in page
    assert f'href="/claims/{other.id}"' not in page
    sign_in(client, editor)
    response = client.get(URL.format(here.dispute_id))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "To an account deleted by hand." not in page
    assert "A page deleted by hand" not in page
