"""Full-text search on both databases."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Claim, Dispute
from app.services import claims as claim_service
from app.services import lifecycle, verdicts
from app.services.errors import Conflict, ValidationError
from app.services.search import search


def test_finds_the_sacked_dispute_its_claims_and_quotes(seeded):
    hits = search("sacked")
    kinds = {h.kind for h in hits}
    assert {"dispute", "claim", "quote"} <= kinds
    dispute = next(h for h in hits if h.kind == "dispute")
    assert dispute.title == 'Did Biden warn Zelensky that Kyiv could be "sacked"?'
    assert all(h.dispute_id == dispute.id for h in hits if h.kind in ("claim", "quote"))
    assert hits == sorted(hits, key=lambda h: -h.rank)


def test_stemming_and_kind_filter(seeded):
    # "troop" finds "troops"; only sources when asked for sources
    assert any(h.kind == "claim" for h in search("troop"))
    sources = search("spokeswoman", kinds={"source"})
    assert [h.title for h in sources] == ["Emily Horne"]


def test_edits_and_soft_deletes_reach_the_index(seeded, editor):
    claim = db.session.scalars(sa.select(Claim).where(Claim.statement.like("%go it alone%"))).one()
    claim_service.update_claim(claim, {"statement": "Biden will deploy a zeppelin fleet."},
                               actor=editor.user)
    assert [h.id for h in search("zeppelin", kinds={"claim"})] == [claim.id]
    assert not any(h.id == claim.id for h in search("alone", kinds={"claim"}))
    with pytest.raises(Conflict):  # its published verdict must be withdrawn first
        lifecycle.delete_record(claim, actor=editor.user)
    verdicts.withdraw(claim.verdicts[0], actor=editor.user, reason="claim logged twice")
    lifecycle.delete_record(claim, actor=editor.user)
    assert search("zeppelin", kinds={"claim"}) == []


def test_hostile_queries_are_safe(seeded):
    for q in ['"', "sacked OR", "NEAR(a b)", "col:sacked", "'; DROP TABLE claims; --", "*", "-"]:
        search(q)  # no syntax error reaches the user
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Dispute)) == 5
    with pytest.raises(ValidationError):
        search("   ")
    with pytest.raises(ValidationError):
        search("x" * 201)
    with pytest.raises(ValidationError):
        search("sacked", kinds={"verdict"})


def test_pagination(seeded):
    everything = search("troops", limit=100)
    assert len(everything) > 2
    assert search("troops", limit=2, offset=1) == everything[1:3]


def test_search_structures_exist_at_head(app):
    """A later batch migration on SQLite must not silently drop the FTS triggers."""
    with db.engine.connect() as conn:
        if db.engine.dialect.name == "sqlite":
            names = set(conn.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE type = 'trigger'").scalars())
            expected = {f"{t}_fts_{s}" for t in ("disputes", "claims", "quotes", "sources",
                                                  "documents")
                        for s in ("ai", "ad", "au")}
        else:
            names = set(conn.execute(sa.text(
                "SELECT indexname FROM pg_indexes WHERE schemaname = 'public'")).scalars())
            expected = {f"ix_{t}_fts" for t in ("disputes", "claims", "quotes", "sources",
                                                 "documents")}
    assert expected <= names


def test_claims_and_quotes_of_a_deleted_dispute_are_not_found(seeded, editor):
    dispute = db.session.scalars(
        sa.select(Dispute).where(Dispute.slug == "russian-troop-count-january-2022")).one()
    assert search("clear threat", kinds={"claim", "quote"})
    lifecycle.delete_record(dispute, actor=editor.user)
    assert search("clear threat", kinds={"claim", "quote"}) == []


def test_documents_stored_text_is_searched_and_kept_in_step(editor):
    from app.services import documents

    document = documents.create_document(
        actor=editor.user, title="Remarks on Air Force One",
        text="Biden spoke after a trip to Pittsburgh about troops.")
    [hit] = search("Pittsburgh", kinds={"document"})
    assert (hit.id, hit.dispute_id) == (document.id, None) and "Pittsburgh" in hit.snippet
    documents.update_document(document, {"text": "He spoke after a trip to Scranton."},
                              actor=editor.user)
    assert search("Pittsburgh", kinds={"document"}) == []
    assert [h.id for h in search("Scranton", kinds={"document"})] == [document.id]
    lifecycle.delete_record(document, actor=editor.user)
    assert search("Scranton", kinds={"document"}) == []


def _searched_the_old_way(q: str, limit: int = 100) -> list:
    """The hits as FTS5's bm25() and snippet() rank them, in the one ranked statement."""
    from app.services import search as service

    function, term, _ = service._terms(q, True, service._read_lexicon()[1])
    rows = db.session.execute(service._statement("sqlite", tuple(service.KINDS), function),
                              {"q": term, "n": limit}).all()
    order = list(service.KINDS)
    return sorted((service.SearchHit(kind=r.kind, id=r.id, title=r.title,
                                     snippet=r.snippet or r.title, rank=float(r.score),
                                     dispute_id=r.dispute_id)
                   for r in rows if r.kind != "aliases" and ":" not in r.kind),
                  key=lambda h: (-h.rank, order.index(h.kind), h.id))[:limit]


def test_ranks_made_here_are_fts5s_own_to_the_last_bit(seeded, editor, monkeypatch):
    """SQLite: a query of single words is ranked by app/services/bm25.py (document
    frequencies kept per table generation, the rest read per row) in large indexes —
    here, every index: each hit's rank, order and snippet are what FTS5's bm25() and
    snippet() give."""
    from app.services import bm25
    from app.services import search as service

    monkeypatch.setattr(bm25, "LARGE", 0)

    if db.engine.dialect.name != "sqlite":
        pytest.skip("FTS5 is SQLite's")
    queries = ["sacked", "troops", "biden troops", "Kiev", "Zelensky Kyiv", "call well",
               "troops troops", "spokeswoman", "100k", "no-such-word"]
    ranked_here = 0
    for q in queries:
        for _ in range(2):  # the document frequencies counted, then known
            hits = search(q, limit=100)
            assert hits == _searched_the_old_way(q), q
            ranked_here += service._terms(q, True, service._read_lexicon()[1])[2] is not None
    assert ranked_here >= 14  # "Kiev", "100k": phrases of their spellings, ranked by bm25()
    # Given frequencies counted at this generation, when a write adds a word to a claim,
    # then they are counted again: the ranks stay FTS5's
    before = search("troops", limit=100)
    claim = db.session.scalars(sa.select(Claim).order_by(Claim.id)).first()
    claim_service.update_claim(claim, {"statement": claim.statement + " Troops, troops."},
                               actor=editor.user)
    after = search("troops", limit=100)
    assert after == _searched_the_old_way("troops") and after != before
