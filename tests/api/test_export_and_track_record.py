"""The editors' NDJSON export and the sources' track records over the API."""

from __future__ import annotations

import json

import sqlalchemy as sa

from app.extensions import db
from app.models import Source


def test_editors_export_everything_as_ndjson(client, seeded, journalist, editor):
    assert client.get("/api/v1/export").status_code == 401
    assert client.get("/api/v1/export", headers=journalist.headers).status_code == 403

    response = client.get("/api/v1/export", headers=editor.headers)
    assert response.status_code == 200
    assert response.mimetype == "application/x-ndjson"
    assert response.headers["Cache-Control"] == "private, no-store"
    lines = [json.loads(line) for line in response.get_data(as_text=True).splitlines()]
    assert lines[0]["format"] == "counterclaim-export"
    types = {line["_type"] for line in lines[1:]}
    assert {"claims", "quotes", "links", "verdict_versions", "revisions"} <= types
    claims = [line for line in lines if line["_type"] == "claims"]
    assert len(claims) == seeded["claims"]
    assert not any("password_hash" in line or "token_hash" in line for line in lines)


def test_track_record_of_cnn(client, seeded):
    cnn = db.session.scalar(sa.select(Source.id).where(Source.slug == "cnn"))
    response = client.get(f"/api/v1/sources/{cnn}/track-record")
    assert response.status_code == 200
    record = response.get_json()
    assert (record["claims"], record["as_carrier"], record["anonymous"]) == (3, 3, 2)
    assert record["denied"] == 2 and record["rated"] == 1
    assert {r["label"]: r["count"] for r in record["by_rating"]}["Unsupported"] == 1
    assert "ETag" in response.headers
    assert client.get("/api/v1/sources/999999/track-record").status_code == 404
