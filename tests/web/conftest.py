"""Page tests: the real app over the test client, real CSRF tokens, real sign-in."""

from __future__ import annotations

import contextvars
import html
import re
from html.parser import HTMLParser

import pytest
import sqlalchemy as sa
from flask.globals import _cv_app
from flask.testing import FlaskClient
from sqlalchemy import event
from werkzeug.datastructures import MultiDict

from app.extensions import db
from app.models import Claim, Dispute

PASSWORD = "correct horse battery"


class RequestPerContextClient(FlaskClient):
    """Each request gets its own app context, hence its own database session and `g`,
    as on a real server. (Flask reuses the test's app context otherwise, so requests
    would share the test's session and identity map and hide what a server does.)"""

    def open(self, *args, **kwargs):
        def run():
            _cv_app.set(None)  # only inside this copy of the context
            return super(RequestPerContextClient, self).open(*args, **kwargs)

        return contextvars.copy_context().run(run)


@pytest.fixture
def client(app):
    return RequestPerContextClient(app, app.response_class, use_cookies=True)
_TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"'
                    r'|name="csrf_token" value="([^"]+)"')


@pytest.fixture
def as_journalist(client, journalist):
    """The test client, signed in as a journalist."""
    sign_in(client, journalist)
    return client


@pytest.fixture
def as_editor(client, editor):
    """The test client, signed in as an editor."""
    sign_in(client, editor)
    return client


def csrf_token(client, url: str = "/sign-in") -> str:
    """The CSRF token a page hands the browser (tokens are bound to the session)."""
    page = client.get(url)
    found = _TOKEN.search(page.get_data(as_text=True))
    assert found, f"no CSRF token on {url} ({page.status_code})"
    return found.group(1) or found.group(2)


def submit(client, url: str, data: dict, *, form_url: str | None = None, **kwargs):
    """Open the form page like a browser, then post the form with its token."""
    token = csrf_token(client, form_url or url)
    return client.post(url, data={"csrf_token": token, **data}, **kwargs)


def sign_in(client, account) -> None:
    response = submit(client, "/sign-in", {"email": account.user.email, "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]


def text(response) -> str:
    """The page's text as a reader sees it: tags dropped (block ends become spaces),
    entities decoded, whitespace folded."""
    body = re.sub(r"<script\b.*?</script>", " ", response.get_data(as_text=True), flags=re.S)
    body = re.sub(r"</(p|li|h\d|dt|dd|td|th|div|option|legend|label)>|<br>", " ", body)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", body)).split())


def field_error(response, field_id: str) -> str:
    """The error message shown under one field (empty when there is none)."""
    found = re.search(rf'id="{re.escape(field_id)}-error">(.*?)</p>',
                      response.get_data(as_text=True), flags=re.S)
    return html.unescape(found.group(1)) if found else ""


def dispute_id(slug: str) -> int:
    return db.session.scalar(sa.select(Dispute.id).where(Dispute.slug == slug))


def claim_where(fragment: str) -> Claim:
    return db.session.scalars(
        sa.select(Claim).where(Claim.statement.like(f"%{fragment}%"))
    ).one()


class QueryCounter:
    def __init__(self):
        self.statements: list[str] = []

    def __call__(self, conn, cursor, statement, *args):
        self.statements.append(statement)

    def __len__(self):
        return len(self.statements)


@pytest.fixture
def count_queries():
    """Count the SQL statements run while the block inside `with counter:` runs."""

    class Counting:
        def __enter__(self):
            self.counter = QueryCounter()
            event.listen(db.engine, "before_cursor_execute", self.counter)
            return self.counter

        def __exit__(self, *exc):
            event.remove(db.engine, "before_cursor_execute", self.counter)

    return Counting


def all_errors(response) -> dict[str, str]:
    """Every field error on a form page, by field id (for assertion messages)."""
    body = response.get_data(as_text=True)
    found = dict(re.findall(r'id="([\w-]+)-error">(.*?)</p>', body, flags=re.S))
    summary = re.search(r'class="notice error-summary".*?</div>', body, flags=re.S)
    if summary:
        found["(form)"] = " ".join(re.sub(r"<[^>]+>", " ", summary.group(0)).split())
    return {key: html.unescape(value) for key, value in found.items()}


class _FormReader(HTMLParser):
    """Collects what a browser would submit for the page's record form."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.pairs: list[tuple[str, str]] = []
        self.in_form = False
        self.textarea: str | None = None
        self.select: str | None = None
        self.text = ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and "record-form" in (a.get("class") or ""):
            self.in_form = True
        if not self.in_form:
            return
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "button"):
            if a.get("type") in ("radio", "checkbox") and "checked" not in a:
                return
            self.pairs.append((name, a.get("value") or ""))
        elif tag == "textarea" and name:
            self.textarea, self.text = name, ""
        elif tag == "select" and name:
            self.select = name
        elif tag == "option" and self.select and "selected" in a:
            self.pairs.append((self.select, a.get("value") or ""))

    def handle_data(self, data):
        if self.textarea is not None:
            self.text += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form = False
        elif tag == "textarea" and self.textarea is not None:
            # As a browser does: the newline after <textarea> is not part of the value,
            # and line breaks are sent as CRLF.
            value = self.text[2:] if self.text.startswith("\r\n") else self.text
            value = value[1:] if value.startswith("\n") else value
            value = value.replace("\r\n", "\n").replace("\n", "\r\n")
            self.pairs.append((self.textarea, value))
            self.textarea = None
        elif tag == "select":
            self.select = None


def form_of(response) -> MultiDict:
    """The record form on a page as a browser would submit it untouched: hidden fields
    (CSRF token, version, what was loaded), typed text, selected options."""
    reader = _FormReader()
    reader.feed(response.get_data(as_text=True))
    return MultiDict(reader.pairs)


def post_form(client, url: str, form: MultiDict, changes: dict | None = None, **kwargs):
    """Post a form read with `form_of`, with some fields changed (a list value sets a
    multi-select; None clears a field)."""
    data = MultiDict(form)
    for key, value in (changes or {}).items():
        if value is None:
            data.poplist(key)
        elif isinstance(value, list):
            data.setlist(key, value)
        else:
            data[key] = value
    return client.post(url, data=data, **kwargs)
