"""Admin commands: `flask seed`, `flask users ...`, `flask tokens ...`,
`flask documents recheck`.

Thin click commands over services/ and seeds/. (`flask db ...` comes from Flask-Migrate.)
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import click
import sqlalchemy as sa
from flask import Flask

from app.extensions import db
from app.models import ApiToken, Role, User
from app.services import users as user_service
from app.services.errors import DomainError

ROLE_CHOICE = click.Choice([r.value for r in Role])


class _NoBar:
    def update(self, n_steps: int, current_item=None) -> None:
        pass


@contextlib.contextmanager
def _progress(length: int, label: str, **options) -> Iterator:
    """click's progress bar on standard error, only when that is a terminal: piped, in
    cron or under a test runner, the commands print their summary and nothing else (the
    bar must never mix into `flask export`'s output on standard output)."""
    stream = click.get_text_stream("stderr")
    if not stream.isatty():
        yield _NoBar()
        return
    with click.progressbar(length=length, label=label, file=stream, **options) as bar:
        yield bar


class _Steps:
    """One progress bar per step of a long command, each closed — full — as the next
    starts (a step's measure can fall short: characters read against a file's bytes)."""

    def __init__(self):
        self._open: contextlib.ExitStack | None = None
        self._bar = None

    def __call__(self, label: str, total: int):
        self.close()
        self._open = contextlib.ExitStack()
        self._bar = self._open.enter_context(_progress(total, label))
        return self._bar.update

    def close(self, *, finished: bool = True) -> None:
        if self._open is not None:
            length, pos = getattr(self._bar, "length", None), getattr(self._bar, "pos", 0)
            if finished and length and pos < length:
                self._bar.update(length - pos)
            self._open.close()
            self._open = self._bar = None


def _fail(exc: DomainError) -> None:
    detail = "; ".join(f"{k}: {', '.join(v)}" for k, v in exc.fields.items())
    raise click.ClickException(exc.message + (f" ({detail})" if detail else ""))


def _user(email: str) -> User:
    try:
        user = user_service.find_user(email)
    except DomainError as exc:
        _fail(exc)
    if user is None:
        raise click.ClickException(f"No user with email {email}.")
    return user


def _reason(what: str, why: str) -> str:
    """The change log's reason: what the command did, and the admin's why if given."""
    why = why.strip()
    return f"{what} (flask users)" + (f": {why}" if why else "")


@click.command("seed")
def seed_command() -> None:
    """Load the seeded disputes from seeds/ (idempotent: run it as often as you like).
    Says what this run created and what was already there, not what the database holds."""
    from seeds.loader import load

    loader = load(progress=lambda msg: click.echo(msg))

    def listed(counter) -> str:
        return ", ".join(f"{n} {kind}" for kind, n in counter.items() if n) or "nothing"

    click.echo(f"Seed complete: created {listed(loader.created)}; "
               f"already there: {listed(loader.present)}.")


@click.command("verify-quotes")
@click.option("--list", "list_changes", is_flag=True,
              help="Also list each quote whose state changed, with why.")
def verify_quotes_command(list_changes: bool) -> None:
    """Re-check every quote against its document's stored text: how many are in each
    state, how many changed state and why."""
    from app.models import Quote
    from app.services.documents import verify_all_quotes

    total = db.session.scalar(sa.select(sa.func.count()).select_from(Quote))
    with _progress(total, "Checking quotes") as bar:
        found = verify_all_quotes(progress=bar.update)
    parts = [f"{found.states.get(k, 0)} {k.replace('_', ' ')}"
             for k in ("verbatim", "altered", "removed", "not_found", "unchecked")]
    click.echo(f"{found.total} quotes: " + ", ".join(parts) + ".")
    changed = len(found.changes)
    click.echo(f"{changed} changed state since the last check" + (":" if changed else "."))
    for (before, after), reasons in sorted(found.transitions().items()):
        count = sum(1 for c in found.changes if (c.before, c.after) == (before, after))
        why = "; ".join(f"{r}: {n}" for r, n in reasons.most_common())
        click.echo(f"  {_state(before)} -> {_state(after)}: {count} ({why})")
    if list_changes:
        for change in found.changes:
            click.echo(f"  quote {change.quote_id}: {_state(change.before)} -> "
                       f"{_state(change.after)}: {'; '.join(change.reasons)}")
    if found.updated:
        click.echo(f"{found.updated} kept their state with new differences or passage.")


def _state(value: str) -> str:
    return value.replace("_", " ")


@click.command("export")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True),
              help="Write to this file instead of standard output.")
def export_command(output: str | None) -> None:
    """Export everything (NDJSON, one record a line) — the format `flask import` reads."""
    from app.services.interchange import export_lines, export_size

    count = 0
    with click.open_file(output or "-", "w", encoding="utf-8") as out, \
            _progress(export_size(), "Exporting") as bar:
        for line in export_lines():
            out.write(line + "\n")
            count += 1
            bar.update(1)
    if output:
        click.echo(f"Exported {count - 1} records to {output}.", err=True)


@click.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--workers", type=click.IntRange(min=0), default=None,
              help="Processes that check the lines (default: one per CPU, at most 4; "
                   "0 or 1 checks them in this process).")
def import_command(path: str, workers: int | None) -> None:
    """Import an export file: all of it, or — naming the first errors — nothing."""
    import os

    from app.services.interchange import import_lines

    steps = _Steps()  # checking lines, checking references, writing
    try:
        with open(path, encoding="utf-8") as fh:
            report = import_lines(fh, progress=steps("Checking lines", os.path.getsize(path)),
                                  workers=workers, step=steps)
        steps.close()
    except DomainError as exc:
        raise click.ClickException(exc.message) from None
    finally:
        steps.close(finished=False)  # a refused file's bar stops where it was
    click.echo(f"Imported {report.total} records: "
               + ", ".join(f"{n} {t}" for t, n in report.counts.items()))
    click.echo(f"Took {sum(report.seconds.values()):.1f} s: "
               + ", ".join(f"{step} {s:.1f} s" for step, s in report.seconds.items()) + ".")


documents_cli = click.Group("documents", help="Capture documents' URLs.")


@documents_cli.command("recheck")
@click.option("--older-than", "older_than", type=click.FloatRange(min=0), default=24.0,
              show_default=True, metavar="HOURS",
              help="Capture documents not captured for this many hours.")
@click.option("--limit", type=click.IntRange(min=1), default=None,
              help="At most this many documents (those unseen longest first).")
def documents_recheck(older_than: float, limit: int | None) -> None:
    """Capture every document with a URL that is due; made for cron.

    Prints a summary (changed / unchanged / gone / failed, each failure with its reason).
    Exits non-zero only on errors of its own, never because a site failed."""
    from datetime import timedelta

    from app.services import captures

    due = len(captures.due_documents(timedelta(hours=older_than), limit))
    with _progress(due, "Capturing", item_show_func=lambda url: url) as bar:
        report = captures.recheck(older_than=timedelta(hours=older_than), limit=limit,
                                  progress=lambda n, url: bar.update(n, url))
    counts = report.counts
    parts = [f"{counts.get(k, 0)} {k}" for k in ("changed", "unchanged", "gone", "failed")]
    if counts.get("skipped"):
        parts.append(f"{counts['skipped']} skipped")
    if counts.get("error"):
        parts.append(f"{counts['error']} errors")
    click.echo(f"{report.total} documents: " + ", ".join(parts) + ".")
    for failure in report.failures:
        click.echo(f"  {failure.reason}: document {failure.document_id} {failure.url}: "
                   f"{failure.message}")
    for error in report.errors:
        click.echo(f"  error ({error.reason}): document {error.document_id} {error.url}: "
                   f"{error.message}", err=True)
    if report.errors:
        raise SystemExit(1)


users_cli = click.Group("users", help="Manage users and their roles.")


@users_cli.command("create")
@click.argument("email")
@click.option("--name", default="", help="Display name (defaults to the email).")
@click.option("--role", type=ROLE_CHOICE, default=Role.READER.value, show_default=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True,
              help="At least 10 characters; prompted for when not given.")
def users_create(email: str, name: str, role: str, password: str) -> None:
    """Create a user who can sign in to the web pages."""
    try:
        user = user_service.create_user(email, name, role, password)
    except DomainError as exc:
        _fail(exc)
    click.echo(f"Created user {user.id} {user.email} ({user.role.value}).")


@users_cli.command("set-role")
@click.argument("email")
@click.argument("role", type=ROLE_CHOICE)
def users_set_role(email: str, role: str) -> None:
    """Change a user's role."""
    user = _user(email)
    user_service.set_role(user, role)
    click.echo(f"{user.email} is now {user.role.value}.")


@users_cli.command("reset-password")
@click.argument("email")
@click.option("--password", prompt="New password", hide_input=True,
              confirmation_prompt=True,
              help="At least 10 characters; prompted for (twice) when not given.")
@click.option("--reason", default="", help="Why, for the change log.")
def users_reset_password(email: str, password: str, reason: str) -> None:
    """Set a user's password and sign them out everywhere."""
    user = _user(email)
    try:
        user_service.reset_password(user, password, actor=None,
                                    reason=_reason("password reset", reason))
    except DomainError as exc:
        _fail(exc)
    click.echo(f"New password set for {user.email}; all their sessions have ended.")


@users_cli.command("deactivate")
@click.argument("email")
@click.option("--reason", default="", help="Why, for the change log.")
def users_deactivate(email: str, reason: str) -> None:
    """Stop a user signing in or using the API: ends their sessions, revokes their tokens."""
    user = _user(email)
    revoking = sum(1 for token in user.tokens if not token.is_revoked)
    try:
        user_service.deactivate(user, actor=None, reason=_reason("deactivated", reason))
    except DomainError as exc:
        _fail(exc)
    click.echo(f"{user.email} is deactivated: sessions ended, "
               f"{revoking} API token{'' if revoking == 1 else 's'} revoked.")


@users_cli.command("activate")
@click.argument("email")
@click.option("--reason", default="", help="Why, for the change log.")
def users_activate(email: str, reason: str) -> None:
    """Let a deactivated user sign in again (revoked tokens stay revoked)."""
    user = _user(email)
    try:
        user_service.activate(user, actor=None, reason=_reason("activated", reason))
    except DomainError as exc:
        _fail(exc)
    click.echo(f"{user.email} is active again; issue new API tokens if they need them.")


@users_cli.command("list")
def users_list() -> None:
    """List users: id, email, name, role, whether they may sign in."""
    rows = [("ID", "EMAIL", "NAME", "ROLE", "STATE")]
    for user in db.session.scalars(sa.select(User).order_by(User.id)):
        state = "active" if user.active else "inactive"
        if user.active and not user.password_hash:
            state += " (no password: cannot sign in)"
        rows.append((str(user.id), user.email, user.name or "-", user.role.value, state))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    for row in rows:
        click.echo("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False))
                   + "  " + row[-1])
    if len(rows) == 1:
        click.echo("No users yet: flask users create EMAIL --role admin", err=True)


tokens_cli = click.Group("tokens", help="Issue and revoke API tokens.")


@tokens_cli.command("issue")
@click.argument("email")
@click.option("--name", default="cli", show_default=True, help="What the token is for.")
def tokens_issue(email: str, name: str) -> None:
    """Issue a bearer token for a user. It is shown once; only its hash is kept."""
    user = _user(email)
    token, plaintext = user_service.issue_token(user, name)
    click.echo(f"Token {token.id} for {user.email} ({user.role.value}), shown once:")
    click.echo(plaintext)


@tokens_cli.command("revoke")
@click.argument("token_id", type=int)
def tokens_revoke(token_id: int) -> None:
    """Revoke a token by its id (see `flask tokens list`)."""
    try:
        user_service.revoke_token(token_id)
    except DomainError as exc:
        _fail(exc)
    click.echo(f"Token {token_id} revoked.")


@tokens_cli.command("list")
def tokens_list() -> None:
    """List tokens: id, owner, name, prefix, last used, revoked."""
    for token in db.session.scalars(sa.select(ApiToken).order_by(ApiToken.id)):
        used = token.last_used_at.isoformat() if token.last_used_at else "never"
        revoked = f" revoked {token.revoked_at.isoformat()}" if token.revoked_at else ""
        click.echo(f"{token.id}\t{token.user.email}\t{token.name}\t{token.prefix}…"
                   f"\tlast used {used}{revoked}")


reviews_cli = click.Group("reviews", help="Fact-checks published by others.")


@reviews_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def reviews_import(path: str) -> None:
    """Import ClaimReview JSON-LD (an object, a list, @graph or a DataFeed), a Fact Check
    Tools claims:search answer, or JSON Lines of them: all of it, or — naming each bad
    record and field — nothing. A review already imported (same URL) is updated."""
    from flask import current_app

    from app.services import reviews

    state = {}

    def checked(total: int) -> None:
        state["bar"] = click.progressbar(length=total, label="Importing reviews", file=None)
        state["bar"].__enter__()

    try:
        report = reviews.import_file(
            path, default_language=current_app.config["DEFAULT_LANGUAGE"],
            on_checked=checked, progress=lambda n: state["bar"].update(n))
    except DomainError as exc:
        raise click.ClickException(exc.message) from None
    finally:
        if "bar" in state:
            state["bar"].__exit__(None, None, None)
    click.echo(f"{report.total} reviews: {report.created} new, {report.updated} updated, "
               f"{report.unchanged} unchanged.")


def register_cli(app: Flask) -> None:
    app.cli.add_command(seed_command)
    app.cli.add_command(verify_quotes_command)
    app.cli.add_command(export_command)
    app.cli.add_command(import_command)
    app.cli.add_command(documents_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(tokens_cli)
    app.cli.add_command(reviews_cli)
