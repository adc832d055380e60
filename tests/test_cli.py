"""Admin commands through Flask's CLI runner."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.script import ScriptDirectory

from app.extensions import db
from app.models import ApiToken, Role, User
from app.services.users import user_for_token


def test_seed_command_reports_counts_and_is_idempotent(cli):
    first = cli.invoke(args=["seed"])
    assert first.exit_code == 0, first.output
    assert "dispute biden-warned-kyiv-could-be-sacked: created" in first.output
    second = cli.invoke(args=["seed"])
    assert "already present" in second.output
    assert first.output.splitlines()[-1] == second.output.splitlines()[-1]


def test_users_create_and_set_role(cli):
    result = cli.invoke(args=["users", "create", "Ed@Example.org", "--name", "Ed",
                              "--role", "journalist", "--password", "long enough pw"])
    assert result.exit_code == 0, result.output
    user = db.session.scalars(sa.select(User)).one()
    assert (user.email, user.role) == ("ed@example.org", Role.JOURNALIST)
    assert user.check_password("long enough pw") and user.password_hash != "long enough pw"

    result = cli.invoke(args=["users", "set-role", "ed@example.org", "editor"])
    assert result.exit_code == 0 and "now editor" in result.output
    db.session.expire_all()
    assert db.session.get(User, user.id).role is Role.EDITOR


def test_users_create_refuses_bad_input(cli):
    short = cli.invoke(args=["users", "create", "a@b.org", "--password", "short"])
    assert short.exit_code != 0 and "10 characters" in short.output
    role = cli.invoke(args=["users", "create", "a@b.org", "--role", "boss", "--password", "x" * 12])
    assert role.exit_code != 0 and "boss" in role.output
    cli.invoke(args=["users", "create", "a@b.org", "--password", "x" * 12])
    dup = cli.invoke(args=["users", "create", "A@b.org", "--password", "x" * 12])
    assert dup.exit_code != 0 and "exists" in dup.output
    missing = cli.invoke(args=["users", "set-role", "nobody@b.org", "editor"])
    assert missing.exit_code != 0 and "No user" in missing.output


def test_tokens_issue_shows_once_stores_hash_and_revoke_works(cli):
    cli.invoke(args=["users", "create", "j@example.org", "--role", "journalist",
                     "--password", "x" * 12])
    result = cli.invoke(args=["tokens", "issue", "j@example.org", "--name", "newsroom bot"])
    assert result.exit_code == 0, result.output
    plaintext = result.output.strip().splitlines()[-1]
    assert plaintext.startswith("cc_") and len(plaintext) > 40

    token = db.session.scalars(sa.select(ApiToken)).one()
    assert token.token_hash == ApiToken.hash(plaintext) and plaintext not in token.token_hash
    assert user_for_token(plaintext).email == "j@example.org"
    assert token.last_used_at is not None

    listing = cli.invoke(args=["tokens", "list"])
    assert "newsroom bot" in listing.output and plaintext not in listing.output

    assert cli.invoke(args=["tokens", "revoke", str(token.id)]).exit_code == 0
    assert user_for_token(plaintext) is None
    again = cli.invoke(args=["tokens", "revoke", str(token.id)])
    assert again.exit_code != 0 and "already revoked" in again.output
    assert cli.invoke(args=["tokens", "revoke", "424242"]).exit_code != 0


def test_db_commands_are_available(cli, capfd):
    # Alembic prints straight to the process's stdout, not click's
    assert cli.invoke(args=["db", "current"]).exit_code == 0
    head = ScriptDirectory("migrations").get_current_head()
    assert f"{head} (head)" in capfd.readouterr().out
    assert cli.invoke(args=["db", "history"]).exit_code == 0
    assert "Domain model" in capfd.readouterr().out


def test_verify_quotes_summarises_and_notices_changes(cli, seeded):
    from app.models import Document, Quote

    result = cli.invoke(args=["verify-quotes"])
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines()[-2:] == [
        "15 quotes: 14 verbatim, 1 altered, 0 not found, 0 unchecked.",
        "0 changed state since the last check.",
    ]

    # A document's stored text is replaced behind the quotes' back (e.g. a bulk import):
    doc = db.session.scalars(sa.select(Document).where(Document.title.like("Pentagon%"))).one()
    db.session.execute(sa.update(Document).where(Document.id == doc.id).values(text=""))
    db.session.commit()
    result = cli.invoke(args=["verify-quotes"])
    assert "2 unchecked" in result.output
    assert "2 changed state since the last check:" in result.output
    assert "  altered -> unchecked: 1 (no stored text: 1)" in result.output
    assert "  verbatim -> unchecked: 1 (no stored text: 1)" in result.output
    milley = db.session.scalars(sa.select(Quote).where(Quote.exact == "with 1000 troops")).one()
    assert milley.integrity.value == "unchecked" and milley.diff is None
    assert milley.differences is None


def test_verify_quotes_rechecks_an_archive_checked_by_the_old_rules(cli, client, seeded, editor):
    from app.models import Claim, Document, Quote, QuoteIntegrity

    # Given two quotes of the Daily Mail's text, added over the API...
    doc = db.session.scalars(sa.select(Document).where(Document.title.like("Putin splits%"))
                             ).one()
    claim = db.session.scalars(sa.select(Claim).order_by(Claim.id)).first()
    ids = {}
    for exact in ("[The general] said the pair do not believe Putin has made a decision",
                  "Milley said the pair … believe Putin has made a decision"):
        response = client.post("/api/v1/quotes", json={
            "claim_id": claim.id, "speaker_id": claim.claimant_id, "document_id": doc.id,
            "exact": exact}, headers=editor.headers)
        assert response.status_code == 201, response.get_json()
        ids[exact[:4]] = response.get_json()["id"]
    # ...as the previous rules stored them: brackets altered, any ellipsis verbatim,
    # no differences recorded
    for key, state in (("[The", QuoteIntegrity.ALTERED), ("Mill", QuoteIntegrity.VERBATIM)):
        db.session.execute(sa.update(Quote).where(Quote.id == ids[key])
                           .values(integrity=state, differences=None))
    db.session.commit()

    # When the archive is re-checked
    result = cli.invoke(args=["verify-quotes", "--list"])

    # Then it says how many changed state, and why
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert "17 quotes: 15 verbatim, 2 altered, 0 not found, 0 unchecked." in lines
    assert "2 changed state since the last check:" in lines
    assert ("  altered -> verbatim: 1 (editor's clarification in brackets: 1)") in lines
    assert ("  verbatim -> altered: 1 (an ellipsis that drops a negation: 1)") in lines
    assert (f"  quote {ids['Mill']}: verbatim -> altered: an ellipsis that drops a negation"
            in lines)
    clarified = db.session.get(Quote, ids["[The"])
    assert clarified.integrity.value == "verbatim"
    assert [d["detail"] for d in clarified.differences] == ["bracket_replacement"]
    # and a second run finds nothing more to change
    again = cli.invoke(args=["verify-quotes"]).output
    assert "0 changed state since the last check." in again
