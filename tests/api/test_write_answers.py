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
