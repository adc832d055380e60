"""One producer per resource: a write's answer is what a GET of the record gives right
after it (app/reads/verdicts.py makes both) — body, byte for byte, and ETag — and that is
what VerdictSchema, the contract, dumps from the record."""

from __future__ import annotations

import json

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import Verdict
from app.schemas.verdicts import VerdictSchema
from tests.api.conftest import with_if_match

URL = "/api/v1/verdicts"


def same_as_get(client, answer, headers) -> dict:
    """The write's answer, checked against a GET by the same caller and the schema."""
    body = json.loads(answer.data)
    read = client.get(f"{URL}/{body['id']}", headers=headers)
    assert answer.data == read.data
    assert answer.headers["ETag"] == read.headers["ETag"]
    db.session.expire_all()
    verdict = db.session.scalars(sa.select(Verdict).where(Verdict.id == body["id"])
                                 .options(selectinload(Verdict.versions))).one()
    with current_app.test_request_context():  # the verdict's page URLs are absolute
        dumped = VerdictSchema().dump(verdict)
    assert body == dumped
    assert list(body) == list(dumped)  # the order of the fields too
    return body


def test_every_verdict_write_answers_with_what_a_read_gives(client, world, journalist, editor):
    drafted = client.post(URL, json={
        "claim_id": world.claim_ids[0], "rating_value": 2, "rationale": "Misleading.",
        "evidence": [{"claim_id": world.claim_ids[1], "stance": "refutes"},
                     {"document_id": world.document_id, "stance": "supports", "note": "p. 1"}],
    }, headers=journalist.headers)
    assert drafted.status_code == 201
    body = same_as_get(client, drafted, journalist.headers)
    assert drafted.headers["Location"].endswith(f"{URL}/{body['id']}")
    url = f"{URL}/{body['id']}"

    changed = client.patch(url, json={"rationale": "False, as the call log shows."},
                           headers=with_if_match(journalist.headers, drafted.headers["ETag"]))
    assert changed.status_code == 200
    same_as_get(client, changed, journalist.headers)

    published = client.post(url + "/publish",
                            headers=with_if_match(editor.headers, changed.headers["ETag"]))
    assert published.status_code == 200
    assert same_as_get(client, published, editor.headers)["state"] == "published"

    corrected = client.post(url + "/correct", json={
        "reason": "A second source.", "rating_value": 1, "rationale": "False.",
        "evidence": [{"claim_id": world.claim_ids[1], "stance": "refutes"}]},
        headers=with_if_match(editor.headers, published.headers["ETag"]))
    assert corrected.status_code == 200, corrected.get_json()
    assert same_as_get(client, corrected, editor.headers)["current_version"] == 2

    withdrawn = client.post(url + "/withdraw", json={"reason": "Misattributed."},
                            headers=with_if_match(editor.headers, corrected.headers["ETag"]))
    assert withdrawn.status_code == 200
    body = same_as_get(client, withdrawn, editor.headers)
    assert body["state"] == "withdrawn" and body["rating_value"] is None


def test_restoring_a_draft_answers_with_what_a_read_gives(client, world, journalist, editor):
    drafted = client.post(URL, json={"claim_id": world.claim_ids[0], "rating_value": 2,
                                     "rationale": "Misleading.", "evidence": []},
                          headers=journalist.headers)
    url = f"{URL}/{drafted.get_json()['id']}"
    deleted = client.delete(url + "?reason=Drafted+twice",
                            headers=with_if_match(journalist.headers, drafted.headers["ETag"]))
    assert deleted.status_code == 204
    restored = client.post(url + "/restore", json={"reason": "Needed after all"},
                           headers=editor.headers)
    assert restored.status_code == 200, restored.get_json()
    assert same_as_get(client, restored, editor.headers)["state"] == "draft"


DISPUTES = "/api/v1/disputes"


def same_dispute_as_get(client, answer, headers) -> dict:
    """A dispute write's answer is the whole dispute, as a GET by the same caller gives
    it right after (app/reads/disputes.py makes both): body byte for byte, and ETag."""
    body = json.loads(answer.data)
    read = client.get(f"{DISPUTES}/{body['id']}", headers=headers)
    assert read.status_code == 200
    assert answer.data == read.data
    assert answer.headers["ETag"] == read.headers["ETag"]
    return body


def test_every_dispute_write_answers_with_the_whole_dispute_as_a_read_gives(
        client, world, journalist, editor):
    logged = client.post(DISPUTES, json={
        "event_id": world.event_id, "slug": "pittsburgh", "question": "Was Pittsburgh said?",
        "claims": [{"claimant_id": world.source_id, "statement": "He named Pittsburgh.",
                    "kind": "attributed_quote", "sourcing_level": "anonymous"},
                   {"claimant_id": world.other_source_id, "statement": "He did not.",
                    "kind": "denial", "sourcing_level": "on_record"}]},
        headers=journalist.headers)
    assert logged.status_code == 201, logged.get_json()
    body = same_dispute_as_get(client, logged, journalist.headers)
    assert logged.headers["Location"].endswith(f"{DISPUTES}/{body['id']}")
    assert [c["statement"] for c in body["claims"]] == ["He named Pittsburgh.", "He did not."]
    url = f"{DISPUTES}/{body['id']}"

    changed = client.patch(url, json={"summary": "Two accounts of one call."},
                           headers=with_if_match(journalist.headers, logged.headers["ETag"]))
    assert changed.status_code == 200, changed.get_json()
    assert same_dispute_as_get(client, changed, journalist.headers)["summary"] == (
        "Two accounts of one call.")
    assert len(changed.get_json()["claims"]) == 2  # the whole dispute, not a summary

    contested = client.post(url + "/state", json={"state": "contested", "reason": "Denied."},
                            headers=with_if_match(editor.headers, changed.headers["ETag"]))
    assert contested.status_code == 200, contested.get_json()
    assert same_dispute_as_get(client, contested, editor.headers)["state"] == "contested"

    deleted = client.delete(url + "?reason=Logged+twice",
                            headers=with_if_match(editor.headers, contested.headers["ETag"]))
    assert deleted.status_code == 204
    assert client.get(url, headers=editor.headers).status_code == 404
    restored = client.post(url + "/restore", json={"reason": "Not a duplicate"},
                           headers=editor.headers)
    assert restored.status_code == 200, restored.get_json()
    assert same_dispute_as_get(client, restored, editor.headers)["claims"]
