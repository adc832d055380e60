"""GET /api/v1/matches and /claims/{id}/matches, POST /claims/{id}/repeats, aliases:
has this been checked before, through the API, on a real database."""

from __future__ import annotations

from app.extensions import db
from app.models import Claim, Link, LinkType
from app.services import lifecycle, verdicts
from tests.known.conftest import log_claims


def matches(client, text, **params):
    response = client.get("/api/v1/matches", query_string={"text": text, **params})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_a_repeat_in_other_spellings_finds_the_checked_claim_and_its_verdict(client, checked):
    # When a reader asks with other spellings, tense and reported speech
    found = matches(client, "Joe Biden warns Kiev may be sacked, Zelenskyy was told")

    # Then our checked claim comes first, as a match, with its published verdict
    best = found[0]
    assert best["kind"] == "claim" and best["id"] == checked[0]
    assert best["match"] is True and 0.5 <= best["score"] <= 1
    assert best["verdict"]["label"] == "Unsupported" and best["verdict"]["value"] == 3
    assert best["verdict"]["url"].endswith(f"/claims/{checked[0]}#verdict-{best['verdict_id']}")
    assert best["dispute_id"] == db.session.get(Claim, checked[0]).dispute_id
    assert best["statement"].startswith("Biden warned Zelensky")


def test_numbers_written_another_way_match_and_other_numbers_do_not(client, checked):
    for text in ("Moscow has 100k soldiers at the Ukrainian frontier",
                 "Russia has amassed one hundred thousand troops on the border of Ukraine"):
        best = matches(client, text)[0]
        assert (best["id"], best["match"]) == (checked[1], True), text
    other = matches(client, "Russia has amassed 50,000 troops on Ukraine's border")
    assert all(not m["match"] for m in other if m["id"] == checked[1])


def test_a_denial_is_not_a_match_for_what_it_denies(client, checked):
    found = matches(client, "The Kremlin plans to invade Ukraine")
    denial = [m for m in found if m["id"] == checked[2]]
    assert denial and denial[0]["match"] is False


def test_deleted_claims_and_draft_verdicts_are_never_shown_to_readers(client, editor, checked):
    # Given a draft verdict on the troops claim and the helmets claim deleted
    verdicts.draft_verdict(checked[1], 1, "Not yet checked.", actor=editor.user)
    lifecycle.delete_record(db.session.get(Claim, checked[3]), actor=editor.user,
                            reason="logged twice")

    # Then a reader sees the troops claim without a verdict, and never the deleted one
    troops = matches(client, "Russia has 100,000 troops on Ukraine's border")[0]
    assert troops["id"] == checked[1] and troops["verdict"] is None
    helmets = matches(client, "Germany sends 5,000 helmets to Ukraine")
    assert checked[3] not in [m["id"] for m in helmets]


def test_matching_stays_within_the_language_unless_asked(client, editor, checked):
    (german,) = log_claims(editor.user, ["Biden warnte, Kiew könnte eingenommen werden."],
                           slug="de", language="de")
    assert german not in [m["id"] for m in matches(client, "Biden warnte Kiew")]
    assert german in [m["id"] for m in matches(client, "Biden warnte Kiew", language="de")]
    assert german in [m["id"] for m in matches(client, "Biden warnte Kiew", language="any")]
    found = client.get(f"/api/v1/claims/{german}")
    assert found.get_json()["language"] == "de"


def test_bad_questions_are_a_422_naming_the_field(client):
    for params, field in (({}, "text"), ({"text": ""}, "text"),
                          ({"text": "x" * 2001}, "text"),
                          ({"text": "Kyiv", "limit": "0"}, "limit"),
                          ({"text": "Kyiv", "limit": "51"}, "limit"),
                          ({"text": "Kyiv", "language": "english!"}, "language"),
                          ({"text": "Kyiv", "colour": "red"}, "colour")):
        response = client.get("/api/v1/matches", query_string=params)
        assert response.status_code == 422, (params, response.get_json())
        assert field in str(response.get_json()["error"]["fields"]), params


def test_a_new_claim_comes_back_with_its_likely_matches(client, journalist, checked):
    claim = db.session.get(Claim, checked[0])
    response = client.post("/api/v1/claims", headers=journalist.headers, json={
        "dispute_id": claim.dispute_id, "claimant_id": claim.claimant_id,
        "statement": "Biden told Zelenskyy that Kiev could be sacked",
        "kind": "attributed_quote", "sourcing_level": "anonymous", "language": "en"})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["matches"][0]["id"] == checked[0] and body["matches"][0]["match"]
    assert body["id"] not in [m["id"] for m in body["matches"]]
    # and a GET of it has no matches field (the claim's contract is unchanged)
    assert "matches" not in client.get(f"/api/v1/claims/{body['id']}").get_json()
    again = client.get(f"/api/v1/claims/{body['id']}/matches").get_json()
    assert again[0]["id"] == checked[0]
    assert client.get("/api/v1/claims/999999/matches").status_code == 404


def test_bad_languages_of_claims_are_refused(client, journalist, checked):
    claim = db.session.get(Claim, checked[0])
    for language in ("", "e", "english", "en_GB", "en-", 7):
        response = client.post("/api/v1/claims", headers=journalist.headers, json={
            "dispute_id": claim.dispute_id, "claimant_id": claim.claimant_id,
            "statement": "Anything", "kind": "attributed_quote",
            "sourcing_level": "anonymous", "language": language})
        assert response.status_code == 422, language
        assert "language" in response.get_json()["error"]["fields"]


def test_confirming_a_repeat_records_one_repeats_link(client, journalist, editor, checked):
    (repeat,) = log_claims(editor.user, ["Kiev could be sacked, Biden warned."], slug="r")
    url = f"/api/v1/claims/{repeat}/repeats"

    assert client.post(url, json={"original_claim_id": checked[0]}).status_code == 401
    first = client.post(url, headers=journalist.headers, json={"original_claim_id": checked[0]})
    assert first.status_code == 201, first.get_json()
    assert first.get_json()["type"] == "repeats"
    assert first.get_json()["to_claim_id"] == checked[0]
    again = client.post(url, headers=journalist.headers, json={"original_claim_id": checked[0]})
    assert again.status_code == 200 and again.get_json()["id"] == first.get_json()["id"]
    links = db.session.scalars(db.select(Link).where(Link.type == LinkType.REPEATS)).all()
    assert len(links) == 1

    # the other way round, itself, or nothing at all: refused, naming the field
    back = client.post(f"/api/v1/claims/{checked[0]}/repeats", headers=journalist.headers,
                       json={"original_claim_id": repeat})
    assert back.status_code == 422 and "original_claim_id" in back.get_json()["error"]["fields"]
    assert client.post(url, headers=journalist.headers,
                       json={"original_claim_id": repeat}).status_code == 422
    assert client.post(url, headers=journalist.headers, json={}).status_code == 422
    assert client.post(url, headers=journalist.headers,
                       json={"original_claim_id": 987654}).status_code == 404


def test_a_deleted_claim_repeats_nothing(client, journalist, editor, checked):
    (repeat,) = log_claims(editor.user, ["Germany sends 5000 helmets to Ukraine"], slug="h")
    lifecycle.delete_record(db.session.get(Claim, checked[3]), actor=editor.user,
                            reason="logged twice")
    response = client.post(f"/api/v1/claims/{repeat}/repeats", headers=journalist.headers,
                           json={"original_claim_id": checked[3]})
    assert response.status_code == 409
    assert "original_claim_id" in response.get_json()["error"]["fields"]
    assert db.session.scalar(db.select(db.func.count()).select_from(Link)) == 0


def test_aliases_teach_matching_a_former_name(client, journalist, editor):
    (claim,) = log_claims(editor.user, ["Russian forces shelled Bakhmut overnight."], slug="b")
    assert claim not in [m["id"] for m in matches(client, "Artemivsk was shelled overnight")
                         if m["match"]]

    response = client.post("/api/v1/aliases", headers=journalist.headers, json={
        "name": "Bakhmut", "alias": "Artemivsk", "kind": "former_name"})
    assert response.status_code == 201, response.get_json()

    best = matches(client, "Artemivsk was shelled overnight by Russia")[0]
    assert (best["id"], best["match"]) == (claim, True)
    listed = client.get("/api/v1/aliases").get_json()
    assert [(a["name"], a["alias"], a["kind"]) for a in listed] == [
        ("Bakhmut", "Artemivsk", "former_name")]
    same = client.post("/api/v1/aliases", headers=journalist.headers, json={
        "name": "Bakhmut", "alias": "Artemivsk"})
    assert same.status_code == 409
    bad = client.post("/api/v1/aliases", headers=journalist.headers, json={
        "name": "Bakhmut", "alias": "Artemivsk", "kind": "nickname", "source_id": 99})
    assert bad.status_code == 422 and "kind" in bad.get_json()["error"]["fields"]
    unknown = client.post("/api/v1/aliases", headers=journalist.headers, json={
        "name": "Bakhmut", "alias": "Bachmut", "source_id": 99})
    assert unknown.status_code == 422 and "source_id" in unknown.get_json()["error"]["fields"]
