"""Source track records on the seeded disputes."""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from app.models import Source
from app.reads.track_record import track_record
from tests.services.test_reads import count_queries


def source(slug: str) -> Source:
    return db.session.scalars(sa.select(Source).where(Source.slug == slug)).one()


def test_cnn_carries_two_anonymous_claims_both_denied(seeded):
    record = track_record(source("cnn"))
    # CNN carries the Ukrainian source's "sacked" and "certain" claims, and carries
    # Horne's statement to CNN (on the record)
    assert (record.claims, record.as_claimant, record.as_carrier) == (3, 0, 3)
    assert record.anonymous == 2 and record.anonymous_share == round(2 / 3, 3)
    assert record.denied == 2
    ratings = {r["label"]: r["count"] for r in record.by_rating}
    assert ratings["Unsupported"] == 1  # the corrected verdict counts at its current rating
    assert ratings["False"] == 0
    assert record.rated == 1  # the "certain" verdict is only a draft


def test_dailymail_record(seeded):
    record = track_record(source("dailymail"))
    ratings = {r["label"]: r["count"] for r in record.by_rating}
    # its own "go it alone" headline (Misleading); the Milley quote it printed (False)
    assert ratings["Misleading"] == 1 and ratings["False"] == 1
    assert record.denied >= 2 and record.anonymous_share > 0


def test_bounded_queries(seeded):
    politico, cnn = source("politico"), source("cnn")
    _, small = count_queries(lambda: track_record(politico))
    _, large = count_queries(lambda: track_record(cnn))
    assert small == large <= 3


def test_empty_record(seeded):
    record = track_record(source("white-house"))
    assert record.claims == 1 and record.anonymous_share == 0.0
    assert [r["value"] for r in record.by_rating] == [1, 2, 3, 4, 5]
