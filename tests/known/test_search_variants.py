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


def _api_found(client, q):
    response = client.get("/api/v1/search", query_string={"q": q, "limit": 100})
    assert response.status_code == 200
    return {(h["kind"], h["id"]) for h in response.get_json()}


def test_an_alias_added_through_the_api_is_searched_by_the_next_request(
        client, seeded, journalist):
    # Given a process that has searched already (its lexicon is kept per generation)
    horne = _api_found(client, "Horne")
    assert horne and _api_found(client, "Horney") == set()
    # When an alias is committed through the API
    response = client.post("/api/v1/aliases", headers=journalist.headers,
                           json={"name": "Horne", "alias": "Horney"})
    assert response.status_code == 201, response.get_json()
    # Then the very next search reads the name with it: the generation of the aliases
    # table, read with the search from the database, told the process its lexicon is old
    assert _api_found(client, "Horney") == horne


def test_an_alias_written_outside_the_app_counts_once_the_generation_moves(seeded):
    import sqlalchemy as sa

    from app.cache import bump
    from app.extensions import db

    horne = found("Horne")
    assert horne and found("Horney") == set()
    with db.engine.begin() as conn:  # a bulk tool: writes the table, moves everything on
        conn.execute(sa.text(
            "INSERT INTO aliases (name, alias, kind, created_at, updated_at)"
            " VALUES ('Horne', 'Horney', 'spelling', :now, :now)"),
            {"now": "2026-01-01 00:00:00.000000"})
        bump(conn)
    db.session.remove()
    assert found("Horney") == horne
