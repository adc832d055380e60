"""`flask seed` loads the January 2022 disputes, idempotently."""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from app.models import Dispute, Link, LinkScope, QuoteIntegrity, Verdict, VerdictState


def test_seed_twice_gives_the_same_rows(seeded):
    from seeds.loader import load_all

    again = load_all()
    assert again == seeded
    assert seeded["disputes"] >= 5 and seeded["verdicts"] >= 3
    assert seeded["verdict versions"] > seeded["verdicts"]  # at least one correction


def test_sacked_dispute_links_the_nsc_denial_to_the_word(seeded):
    dispute = db.session.scalars(
        sa.select(Dispute).where(Dispute.slug == "biden-warned-kyiv-could-be-sacked")).one()
    cnn = next(c for c in dispute.claims if c.claimant.slug == "ukrainian-source-cnn")
    assert [s.slug for s in cnn.attribution_chain] == ["cnn"]
    assert cnn.sourcing_level.value == "anonymous"

    link = db.session.scalars(sa.select(Link).where(Link.to_claim_id == cnn.id,
                                                    Link.scope == LinkScope.QUOTE)).first()
    assert link.type.value == "denies"
    assert link.from_claim.claimant.name == "Emily Horne"
    assert link.scope_quote.exact == "sacked"
    horne = link.from_claim.claimant
    assert [s.slug for s in horne.affiliation_chain()] == [
        "emily-horne", "national-security-council", "white-house"]


def test_a_published_verdict_has_a_public_correction(seeded):
    corrected = db.session.scalars(
        sa.select(Verdict).where(Verdict.current_version > 1)).one()
    assert corrected.state is VerdictState.PUBLISHED
    first, second = corrected.versions
    assert first.rating.label == "False" and second.rating.label == "Unsupported"
    assert second.reason.startswith("Correction")
    assert db.session.scalars(
        sa.select(Verdict).where(Verdict.state == VerdictState.DRAFT)).all()


def test_quotes_are_checked_against_stored_passages(seeded):
    from app.models import Quote

    quotes = {q.exact: q for q in db.session.scalars(sa.select(Quote))}
    assert quotes["sacked"].integrity is QuoteIntegrity.VERBATIM
    milley = quotes["with 1000 troops"]
    assert milley.integrity is QuoteIntegrity.ALTERED
    assert "north of 100,000 troops" in milley.closest_match
    assert {"op": "replace", "quote": "with 1000", "text": "north of 100,000"} in milley.diff



def test_seeded_verdicts_carry_their_2022_dates(client, seeded):
    # Given the seeded verdicts, published in the days after the 27 January 2022 call
    published = db.session.scalars(sa.select(Verdict).where(
        Verdict.state == VerdictState.PUBLISHED).order_by(Verdict.id)).all()
    assert len(published) == 3
    for verdict in published:
        # Then they say when they were published then, not when the seed ran
        assert verdict.published_at.year == 2022
        assert all(v.published_at.year == 2022 for v in verdict.versions)
        review = client.get(f"/api/v1/verdicts/{verdict.id}/claimreview").get_json(force=True)
        assert review["datePublished"] == verdict.published_at.date().isoformat()
        assert review["datePublished"].startswith("2022-01-")
    corrected = next(v for v in published if v.current_version == 2)
    assert [v.published_at.isoformat() for v in corrected.versions] == [
        "2022-01-29T10:00:00+00:00", "2022-02-01T15:00:00+00:00"]
    review = client.get(f"/api/v1/verdicts/{corrected.id}/claimreview").get_json(force=True)
    assert review["dateModified"].startswith("2022-02-01")
    # and the page says so too
    page = client.get(f"/claims/{corrected.claim_id}").get_data(as_text=True)
    assert "29 Jan 2022" in page and "1 Feb 2022" in page
