"""Known claims on the pages: a new account that repeats one checked before is shown its
likely matches; "This repeats it" records the repeat (POST, CSRF); the repeat's page
says "Checked before: <rating> — see the original"; other publishers' reviews are shown
as theirs ("Already checked by")."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from app.extensions import db
from app.models import Claim, Link, LinkType
from tests.known.conftest import log_claims, publish_verdict
from tests.web.conftest import csrf_token, sign_in, submit, text

DATA = Path(__file__).parents[1] / "known" / "data"


def new_account(statement: str, claimant_id: int) -> dict:
    return {"claimant_id": str(claimant_id), "statement": statement,
            "kind": "attributed_quote", "sourcing_level": "anonymous",
            "independent_sources": "1", "stated_at": "", "stated_precision": "day",
            "first_appearance_id": "", "attributions-0-source_id": "",
            "attributions-0-relation": "citing", "attributions-1-source_id": "",
            "attributions-1-relation": "citing"}


def test_a_journalist_confirms_a_repeat_and_its_page_shows_the_original_verdict(
        client, journalist, editor):
    (original,) = log_claims(editor.user, ["Biden warned Zelensky that Kyiv could be sacked."])
    publish_verdict(editor.user, original, rating=1)
    claim = db.session.get(Claim, original)
    dispute_id, claimant_id = claim.dispute_id, claim.claimant_id
    sign_in(client, journalist)

    # When a journalist logs the same claim in other words
    url = f"/disputes/{dispute_id}/claims/new"
    response = submit(client, url, new_account("Kiev could be sacked, Biden told Zelenskyy",
                                                claimant_id))

    # Then the new account's page lists the checked claim, with a button to confirm
    assert response.status_code == 302
    assert "#known" in response.headers["Location"]
    repeat_id = db.session.scalar(sa.select(sa.func.max(Claim.id)))
    page = client.get(f"/claims/{repeat_id}")
    assert "Likely the same claim" in text(page)
    assert "This repeats it" in text(page)
    assert "Checked before:" not in text(page)

    # A post without its CSRF token changes nothing
    refused = client.post(f"/claims/{repeat_id}/repeats", data={"original_claim_id": original})
    assert refused.status_code == 400
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Link)) == 0

    # When they confirm it
    token = csrf_token(client, f"/claims/{repeat_id}")
    done = client.post(f"/claims/{repeat_id}/repeats",
                       data={"csrf_token": token, "original_claim_id": str(original)})
    assert done.status_code == 302
    (link,) = db.session.scalars(sa.select(Link)).all()
    assert (link.from_claim_id, link.to_claim_id, link.type) == (
        repeat_id, original, LinkType.REPEATS)

    # Then the repeat's page shows the original's verdict as the original's
    client.get("/sign-out")
    reader_page = text(client.get(f"/claims/{repeat_id}"))
    assert "Checked before: False — see the original" in reader_page
    assert "We have not rated this account" in reader_page  # not a verdict of ours
    assert "This repeats it" not in reader_page


def test_readers_see_no_buttons_and_imported_reviews_as_theirs(client, cli, editor):
    assert cli.invoke(args=["reviews", "import", str(DATA / "datafeed.json")]).exit_code == 0
    (claim,) = log_claims(editor.user, [
        "Biden told Zelensky that Kyiv could be sacked by Russian troops."])
    log_claims(editor.user, ["Biden told Zelensky Kyiv could be sacked by Russian troops."],
               slug="again")
    page = text(client.get(f"/claims/{claim}"))
    assert "Already checked by Checker Example: Unproven" in page
    assert "This repeats it" not in page and "Likely the same claim" not in page
