"""Atom feed and CSV export of published verdicts, corrections and withdrawals."""

from __future__ import annotations

import csv
import io
from xml.etree import ElementTree as ET

import sqlalchemy as sa

from app.extensions import db
from app.models import Verdict, VerdictState
from app.services import claims as claim_service
from app.services import verdicts

NS = {"a": "http://www.w3.org/2005/Atom"}


def test_atom_feed_lists_versions_with_corrections(client, seeded):
    response = client.get("/feeds/verdicts.atom")
    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"
    feed = ET.fromstring(response.data)
    titles = [e.findtext("a:title", namespaces=NS) for e in feed.findall("a:entry", NS)]
    # 3 published verdicts, one of them corrected: 4 public versions; the draft is absent
    assert len(titles) == 4
    corrected = "Corrected to Unsupported: An unnamed Ukrainian source"
    assert any(t.startswith(corrected) for t in titles)
    assert not any("certain" in t for t in titles)
    correction = next(e for e in feed.findall("a:entry", NS)
                      if e.findtext("a:title", namespaces=NS).startswith("Corrected"))
    assert correction.findtext("a:summary", namespaces=NS).startswith("Correction:")


def test_atom_feed_shows_withdrawals_and_supports_304(client, seeded, editor):
    verdict = db.session.scalars(
        sa.select(Verdict).where(Verdict.state == VerdictState.PUBLISHED,
                                 Verdict.current_version == 1)).first()
    first = client.get("/feeds/verdicts.atom")
    assert client.get("/feeds/verdicts.atom",
                      headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    verdicts.withdraw(verdict, actor=editor.user, reason="The source recanted <b>on air</b>.")
    after = client.get("/feeds/verdicts.atom", headers={"If-None-Match": first.headers["ETag"]})
    assert after.status_code == 200
    entry = ET.fromstring(after.data).find("a:entry", NS)  # newest first
    assert entry.findtext("a:title", namespaces=NS).startswith("Withdrawn:")
    # text is escaped by the XML writer, not interpreted
    assert "<b>on air</b>" in entry.findtext("a:summary", namespaces=NS)
    assert b"<b>on air" not in after.data


def test_csv_export(client, seeded, journalist, editor):
    # a hostile claim text must not become a spreadsheet formula
    draft = sa.select(Verdict).where(Verdict.state == VerdictState.DRAFT)
    verdict = db.session.scalars(draft).one()
    claim_service.update_claim(verdict.claim, {"statement": '=HYPERLINK("http://evil")'},
                               actor=journalist.user)
    verdicts.publish(verdict, actor=editor.user)

    response = client.get("/exports/verdicts.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert len(rows) == 5
    assert {r["state"] for r in rows} == {"published"}
    assert [r["version"] for r in rows if r["rating_label"] == "Unsupported"] == ["2"]
    assert any(r["claim"].startswith("'=HYPERLINK") for r in rows)
