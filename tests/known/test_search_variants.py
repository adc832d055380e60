"""Search reads names in all their spellings and aliases (app/services/normalise.py)."""

from __future__ import annotations

from app.services import known
from app.services.search import search


def found(q, kinds=None):
    return {(h.kind, h.id) for h in search(q, kinds=kinds, limit=100)}


def test_kiev_finds_kyiv_and_every_spelling_of_zelensky_finds_as_much(seeded):
    kyiv = found("Kyiv")
    assert kyiv and found("Kiev") == kyiv
    zelensky = found("Zelensky")
    assert zelensky
    for spelling in ("Zelenskyy", "Zelenskiy", "Zelenskyi", "ZELENSKY"):
        assert found(spelling) == zelensky, spelling


def test_a_stored_alias_is_searched_at_once(seeded, journalist):
    horne = found("Horne", kinds={"claim", "quote"})
    assert found("Emilia Horney", kinds={"claim", "quote"}) == set()
    known.add_alias(actor=journalist.user, name="Horne", alias="Horney")
    assert found("Horney", kinds={"claim", "quote"}) == horne


def test_a_metonym_is_searched_as_typed(seeded):
    # "Moscow" is read as Russia by matching, but a search for it lists only "Moscow"
    assert found("Moscow") <= found("Moscow Russia") | found("Moscow")
    assert found("Moscow") != found("Russia")
