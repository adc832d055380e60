"""Query-count guards: a page costs the same number of queries whatever it shows.

Each test renders a page for a small and a large record (or list) and compares the
number of SQL statements; one query per claim, quote, verdict or row would break it.
"""

from __future__ import annotations

import pytest

from app.extensions import db
from app.services import disputes as dispute_service
from app.services import documents as document_service
from app.services import events as event_service
from app.services import links as link_service
from app.services import sources as source_service
from app.services import verdicts as verdict_service
from tests.web.conftest import sign_in


class World:
    """Builds disputes of any size through the services, each claim with a chain,
    appearances, quotes, a published (and corrected) verdict, and links."""

    def __init__(self, user):
        self.user = user
        self.n = 0

    def _slug(self, prefix: str) -> str:
        self.n += 1
        return f"{prefix}-{self.n}"

    def source(self):
        parent = source_service.create_source(actor=self.user, slug=self._slug("org"),
                                               name="Org", kind="organisation")
        return source_service.create_source(actor=self.user, slug=self._slug("s"), name="Someone",
                                             kind="person", parent_id=parent.id)

    def document(self, publisher):
        return document_service.create_document(
            actor=self.user, title=self._slug("Doc"), publisher_id=publisher.id,
            text="The words at issue were said plainly, and other words too.")

    def dispute(self, claims: int, *, claimant=None, event=None):
        event = event or event_service.create_event(actor=self.user, slug=self._slug("e"),
                                                    title="E")
        specs = []
        for _ in range(claims):
            who = claimant or self.source()
            carrier = self.source()
            first, other = self.document(self.source()), self.document(self.source())
            specs.append({
                "claimant_id": who.id, "statement": "An account.", "kind": "denial",
                "sourcing_level": "anonymous", "first_appearance_id": first.id,
                "attributions": [{"source_id": carrier.id, "relation": "citing"}],
                "appearances": [{"document_id": other.id}],
                "quotes": [{"speaker_id": who.id, "document_id": first.id,
                            "exact": "words at issue"},
                           {"speaker_id": who.id, "document_id": other.id,
                            "exact": "words never said"}],
            })
        dispute = dispute_service.log_dispute(actor=self.user, event_id=event.id,
                                              slug=self._slug("d"), question="Q?",
                                              claims=specs)
        claims_ = dispute.claims
        for a, b in zip(claims_, claims_[1:], strict=False):
            link_service.link_claims(b.id, a.id, "denies", actor=self.user, scope="quote",
                                        scope_quote_id=a.quotes[0].id, note="n")
        for claim in claims_:
            verdict = verdict_service.draft_verdict(
                claim.id, 1, "Because.", [{"claim_id": claims_[0].id,
                                                      "stance": "refutes"}], actor=self.user)
            verdict_service.publish(verdict, actor=self.user)
            verdict_service.correct(verdict, actor=self.user, reason="Second look.", rating_value=3)
        return dispute


@pytest.fixture
def world(editor):
    return World(editor.user)


def cost(client, count_queries, url: str) -> int:
    db.session.expire_all()
    with count_queries() as counter:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(counter)


def test_the_dispute_page_costs_the_same_for_2_or_12_accounts(client, count_queries, world):
    small, large = world.dispute(2), world.dispute(12)
    small_cost = cost(client, count_queries, f"/disputes/{small.id}")
    large_cost = cost(client, count_queries, f"/disputes/{large.id}")
    assert small_cost == large_cost
    assert large_cost <= 15  # and it is a handful, not dozens


def test_the_dispute_page_for_staff_too(client, count_queries, world, journalist):
    sign_in(client, journalist)
    small, large = world.dispute(2), world.dispute(8)
    assert cost(client, count_queries, f"/disputes/{small.id}") == \
        cost(client, count_queries, f"/disputes/{large.id}")


def test_the_claim_page_costs_the_same_however_long_its_history(client, count_queries, world,
                                                                  editor):
    small = world.dispute(2).claims[1]
    large = world.dispute(6).claims[3]
    verdict = large.verdicts[0]
    for i in range(5):
        verdict_service.correct(verdict, actor=editor.user, reason=f"look {i}",
                                rating_value=1 + i % 5)
    assert cost(client, count_queries, f"/claims/{small.id}") == \
        cost(client, count_queries, f"/claims/{large.id}")


def test_the_source_page_costs_the_same_for_1_or_9_claims(client, count_queries, world):
    few, many = world.source(), world.source()
    world.dispute(1, claimant=few)
    world.dispute(9, claimant=many)
    assert cost(client, count_queries, f"/sources/{few.id}") == \
        cost(client, count_queries, f"/sources/{many.id}")


def test_home_and_lists_cost_the_same_for_few_or_many_rows(client, count_queries, world):
    world.dispute(2)
    urls = ("/", "/disputes", "/verdicts", "/sources", "/documents", "/events",
            "/search?q=account")
    # search's name lexicon is read once per process and aliases generation
    # (app/services/search.py): the first search of a process pays for it
    client.get("/search?q=warm")
    few = {url: cost(client, count_queries, url) for url in urls}
    for _ in range(3):
        world.dispute(4)
    many = {url: cost(client, count_queries, url) for url in urls}
    assert few == many


def test_event_and_document_pages(client, count_queries, world):
    small, large = world.dispute(1), world.dispute(7)
    event_small = cost(client, count_queries, f"/events/{small.event_id}")
    event_large = cost(client, count_queries, f"/events/{large.event_id}")
    assert event_small == event_large
    doc_small = small.claims[0].first_appearance_id
    doc_large = large.claims[6].first_appearance_id
    assert cost(client, count_queries, f"/documents/{doc_small}") == \
        cost(client, count_queries, f"/documents/{doc_large}")
