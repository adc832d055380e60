"""Admin commands through Flask's CLI runner."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
import threading

import sqlalchemy as sa
from alembic.script import ScriptDirectory

from app.extensions import db
from app.models import ApiToken, Revision, Role, User
from app.services import users as user_service
from app.services.users import user_for_token


def test_seed_command_reports_what_it_loaded_and_is_idempotent(cli):
    # Given a database that already holds a source of its own
    cli.invoke(args=["users", "create", "jo@example.org", "--password", "x" * 12])
    first = cli.invoke(args=["seed"])
    assert first.exit_code == 0, first.output
    assert "dispute biden-warned-kyiv-could-be-sacked: created" in first.output
    assert "  sources: 17 created, 0 already there" in first.output
    # what this run created, not what the database holds (users, revisions...)
    assert first.output.splitlines()[-1] == (
        "Seed complete: created 17 sources, 7 documents, 4 events, 5 disputes, 18 claims, "
        "15 quotes, 14 links, 4 verdicts; already there: nothing.")
    second = cli.invoke(args=["seed"])
    assert "dispute biden-warned-kyiv-could-be-sacked: already there" in second.output
    assert second.output.splitlines()[-1] == (
        "Seed complete: created nothing; already there: 17 sources, 7 documents, 4 events, "
        "5 disputes.")


def test_users_list_has_a_header_and_names(cli, editor):
    cli.invoke(args=["seed"])
    lines = cli.invoke(args=["users", "list"]).output.splitlines()
    assert lines[0].split() == ["ID", "EMAIL", "NAME", "ROLE", "STATE"]
    rows = {line.split()[1]: line for line in lines[1:]}
    assert re.fullmatch(r"\d+ +editor@example\.org +Editor Example +editor +active",
                        rows["editor@example.org"])
    # the seeded desk account: named, and plainly unable to sign in
    assert "Counterclaim desk" in rows["desk@counterclaim.invalid"]
    assert rows["desk@counterclaim.invalid"].endswith("active (no password: cannot sign in)")
    # columns line up under the header
    assert {line.index(line.split()[1]) for line in lines} == {lines[0].index("EMAIL")}


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


def revisions_of(user: User) -> list[Revision]:
    return list(db.session.scalars(
        sa.select(Revision).where(Revision.entity_type == "users",
                                  Revision.entity_id == user.id).order_by(Revision.id)))


def test_users_reset_password_prompts_twice_and_ends_sessions(cli, editor):
    user = editor.user
    version = user.session_version
    # typed twice at the prompt, hidden
    result = cli.invoke(args=["users", "reset-password", "Editor@example.org"],
                        input="a new passphrase\na new passphrase\n")
    assert result.exit_code == 0, result.output
    assert "a new passphrase" not in result.output
    assert "all their sessions have ended" in result.output
    db.session.expire_all()
    assert user.check_password("a new passphrase") and not user.check_password(
        "correct horse battery")
    assert user.session_version == version + 1
    last = revisions_of(user)[-1]
    assert last.reason == "password reset (flask users)"
    assert last.after == {"session_version": version + 1}  # the hash is never copied

    # the two entries must match
    result = cli.invoke(args=["users", "reset-password", user.email],
                        input="another passphrase\nanother passphrase!\n"
                              "another passphrase\nanother passphrase\n")
    assert result.exit_code == 0 and "do not match" in result.output
    db.session.expire_all()
    assert user.check_password("another passphrase")

    # --password, with the admin's reason
    result = cli.invoke(args=["users", "reset-password", user.email, "--password",
                              "third passphrase", "--reason", "laptop stolen"])
    assert result.exit_code == 0, result.output
    assert revisions_of(user)[-1].reason == "password reset (flask users): laptop stolen"


def test_users_reset_password_refuses_bad_input_and_changes_nothing(cli, editor):
    user = editor.user
    before = (user.password_hash, user.session_version, len(revisions_of(user)))
    short = cli.invoke(args=["users", "reset-password", user.email, "--password", "short"])
    assert short.exit_code == 1 and "10 characters" in short.output
    missing = cli.invoke(args=["users", "reset-password", "nobody@example.org",
                               "--password", "long enough pw"])
    assert missing.exit_code == 1 and "No user with email nobody@example.org" in missing.output
    bad = cli.invoke(args=["users", "reset-password", "not-an-email", "--password",
                           "long enough pw"])
    assert bad.exit_code == 1 and "Not an email address" in bad.output
    db.session.expire_all()
    assert (user.password_hash, user.session_version, len(revisions_of(user))) == before


def test_users_deactivate_revokes_tokens_and_activate_keeps_them_revoked(cli, editor):
    user = editor.user
    _, second = user_service.issue_token(user, "second")
    old = user_service.issue_token(user, "old")[0]
    user_service.revoke_token(old.id)
    revoked_before = old.revoked_at

    result = cli.invoke(args=["users", "deactivate", user.email, "--reason", "left"])
    assert result.exit_code == 0, result.output
    assert "2 API tokens revoked" in result.output
    db.session.expire_all()
    assert not user.active
    assert user_for_token(editor.token) is None and user_for_token(second) is None
    assert all(token.is_revoked for token in user.tokens)
    assert db.session.get(ApiToken, old.id).revoked_at == revoked_before  # left alone
    reasons = {(r.entity_type, r.reason) for r in db.session.scalars(
        sa.select(Revision).where(Revision.reason.like("deactivated%")))}
    assert reasons == {("users", "deactivated (flask users): left"),
                       ("api_tokens", "deactivated (flask users): left")}
    assert revisions_of(user)[-1].after == {"active": False,
                                            "session_version": user.session_version}
    listing = cli.invoke(args=["users", "list"]).output
    assert re.search(rf"^{user.id} +editor@example\.org +Editor Example +editor +inactive$",
                     listing, re.M)

    again = cli.invoke(args=["users", "deactivate", user.email])
    assert again.exit_code == 1 and "already inactive" in again.output

    result = cli.invoke(args=["users", "activate", user.email])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert user.active and user.can(Role.EDITOR)
    assert user_for_token(editor.token) is None  # tokens stay revoked
    assert revisions_of(user)[-1].reason == "activated (flask users)"
    assert re.search(r" editor +active$", cli.invoke(args=["users", "list"]).output, re.M)
    again = cli.invoke(args=["users", "activate", user.email])
    assert again.exit_code == 1 and "already active" in again.output
    missing = cli.invoke(args=["users", "deactivate", "nobody@example.org"])
    assert missing.exit_code == 1 and "No user" in missing.output


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
    from app.models import Document, DocumentVersion, Quote, sha256_text, utcnow

    result = cli.invoke(args=["verify-quotes"])
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines()[-2:] == [
        "15 quotes: 14 verbatim, 1 altered, 0 removed, 0 not found, 0 unchecked.",
        "0 changed state since the last check.",
    ]

    # A document gets a new version behind the quotes' back (e.g. a bulk import) in which
    # the words quoted from it are gone:
    doc = db.session.scalars(sa.select(Document).where(Document.title.like("Pentagon%"))).one()
    db.session.execute(sa.insert(DocumentVersion).values(
        document_id=doc.id, number=2, kind="manual", change="changed", confirmations=0,
        captured_at=utcnow(), text="Nothing left.", text_sha256=sha256_text("Nothing left."),
        note=""))
    db.session.commit()
    result = cli.invoke(args=["verify-quotes"])
    assert "1 removed, 1 not found" in result.output
    assert "2 changed state since the last check:" in result.output
    milley = db.session.scalars(sa.select(Quote).where(Quote.exact == "with 1000 troops")).one()
    assert (milley.integrity.value, milley.checked_version, milley.diff) == ("not_found", 2,
                                                                            None)


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
    assert "17 quotes: 15 verbatim, 2 altered, 0 removed, 0 not found, 0 unchecked." in lines
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


# -- progress bars: on a terminal only -------------------------------------------------

def run_flask(args: list[str], database_url: str, *, terminal: bool) -> tuple[int, str]:
    """`flask ARGS` in a process of its own, its standard error a terminal (a pty) or a
    pipe; returns the exit status and what it wrote to standard error."""
    env = dict(os.environ, DATABASE_URL=database_url, FLASK_APP="wsgi",
               COUNTERCLAIM_ENV="development", COLUMNS="80")
    env.pop("TEST_DATABASE_URL", None)
    if not terminal:
        done = subprocess.run([sys.executable, "-m", "flask", *args], env=env,
                              capture_output=True, text=True, timeout=300)
        return done.returncode, done.stderr
    master, slave = pty.openpty()
    chunks: list[bytes] = []

    def drain() -> None:  # read as it comes: a full pty would block the command
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:
                return
            if not data:
                return
            chunks.append(data)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    try:
        proc = subprocess.run([sys.executable, "-m", "flask", *args], env=env,
                              stdout=subprocess.DEVNULL, stderr=slave, timeout=300)
    finally:
        os.close(slave)
        reader.join(30)
        os.close(master)
    return proc.returncode, b"".join(chunks).decode(errors="replace")


def test_export_and_verify_quotes_show_progress_on_a_terminal_only(seeded, database_url,
                                                                   tmp_path):
    # On a terminal: a bar on standard error, up to 100%
    code, shown = run_flask(["export", "-o", str(tmp_path / "a.ndjson")], database_url,
                            terminal=True)
    assert code == 0, shown
    assert "Exporting" in shown and "100%" in shown
    # Piped (cron, a script): the summary only, and the same file
    code, piped = run_flask(["export", "-o", str(tmp_path / "b.ndjson")], database_url,
                            terminal=False)
    assert code == 0, piped
    assert piped.strip().startswith("Exported ") and "%" not in piped
    assert (tmp_path / "a.ndjson").read_text() == (tmp_path / "b.ndjson").read_text()

    code, shown = run_flask(["verify-quotes"], database_url, terminal=True)
    assert code == 0, shown
    assert "Checking quotes" in shown and "100%" in shown
    code, piped = run_flask(["verify-quotes"], database_url, terminal=False)
    assert code == 0 and "Checking" not in piped and "%" not in piped
