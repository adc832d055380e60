"""Captures over the API, against a real local web site: a page that changes between
captures, one that disappears, redirects (to a public page and to internal addresses),
a slow page, an oversized one, types that cannot be read; versions, diffs, the WARC."""

from __future__ import annotations

import gzip
import hashlib
import io
import time

import sqlalchemy as sa
from flask import current_app
from warcio.archiveiterator import ArchiveIterator

from app.extensions import db
from app.models import Document, DocumentVersion, Revision, SourceKind, User
from app.services import disputes as dispute_service
from app.services import documents as document_service
from app.services import events as event_service
from app.services import lifecycle
from app.services import sources as source_service
from tests.sites import Page, article

SACKED = ("Biden warned Zelensky that Kyiv could be \u201csacked\u201d once the ground "
          "freezes, a Ukrainian source said.")
OVERRUN = ("Biden warned Zelensky that Kyiv could be overrun once the ground freezes, "
           "a Ukrainian source said.")
DENIED = "The White House denied that account on Friday."


def envelope_of(response, status: int) -> dict:
    """The error envelope of a response that must have `status`."""
    assert response.status_code == status, response.data[:500]
    body = response.get_json()
    assert set(body) == {"error"} and body["error"]["status"] == status
    return body["error"]


def capture(client, account, document_id):
    return client.post(f"/api/v1/documents/{document_id}/captures", headers=account.headers)


def make_document(account, url, **fields):
    fields.setdefault("title", "CNN report")
    return document_service.create_document(actor=account.user, url=url, **fields)


def quote_on(account, document, exact):
    """A claim quoting `exact` from `document`."""
    actor = account.user
    event = event_service.create_event(actor=actor, slug=f"e{document.id}", title="Call")
    speaker = source_service.create_source(actor=actor, slug=f"s{document.id}",
                                           name="A source", kind=SourceKind.ANONYMOUS)
    dispute = dispute_service.log_dispute(
        actor=actor, event_id=event.id, slug=f"d{document.id}", question="Sacked?",
        claims=[{"claimant_id": speaker.id, "statement": "It was said.",
                 "kind": "attributed_quote", "sourcing_level": "anonymous",
                 "first_appearance_id": document.id,
                 "quotes": [{"speaker_id": speaker.id, "document_id": document.id,
                             "exact": exact}]}])
    return dispute.claims[0].quotes[0].id


def test_a_page_that_changes_between_captures(client, journalist, site):
    # Given a report that says "sacked", captured once, and a quote of those words
    site.pages["/story"] = Page(article(SACKED, DENIED))
    document = make_document(journalist, site.url("/story"))
    first = capture(client, journalist, document.id)
    assert first.status_code == 201, first.get_json()
    v1 = first.get_json()
    assert (v1["number"], v1["kind"], v1["outcome"], v1["http_status"]) == (
        1, "capture", "first", 200)
    assert v1["final_url"] == site.url("/story") and v1["redirects"] is None
    assert v1["raw_sha256"] == hashlib.sha256(article(SACKED, DENIED)).hexdigest()
    assert first.headers["Location"].endswith(f"/documents/{document.id}/versions/1")
    text = client.get(f"/api/v1/documents/{document.id}").get_json()["text"]
    assert "could be \u201csacked\u201d" in text and "Home" not in text  # the article only
    assert v1["text_sha256"] == hashlib.sha256(text.encode()).hexdigest()
    quote_id = quote_on(journalist, document, "could be sacked")
    quote = client.get(f"/api/v1/quotes/{quote_id}").get_json()
    assert (quote["integrity"], quote["checked_version"]) == ("verbatim", 1)

    # When the outlet changes the word, and the page is captured again
    site.pages["/story"] = Page(article(OVERRUN, DENIED))
    second = capture(client, journalist, document.id)

    # Then it is version 2, the quote's words are removed, and the diff says how
    assert second.status_code == 201 and second.get_json()["outcome"] == "changed"
    assert second.get_json()["changes"] == {"against": 1, "words_added": 1,
                                            "words_removed": 1}
    quote = client.get(f"/api/v1/quotes/{quote_id}").get_json()
    assert quote["integrity"] == "removed"
    assert (quote["checked_version"], quote["last_seen_version"],
            quote["changed_version"]) == (2, 1, 2)
    detail = client.get(f"/api/v1/documents/{document.id}/versions/2").get_json()
    assert detail["diff_against"] == 1
    assert {"op": "replace", "old": "sacked\u201d ", "new": "overrun "} in detail["diff"]
    assert "".join(op.get("text", op.get("new", "")) for op in detail["diff"]) == detail["text"]
    listed = client.get(f"/api/v1/documents/{document.id}/versions")
    assert [v["number"] for v in listed.get_json()] == [2, 1]
    assert listed.headers["X-Total-Count"] == "2"

    # And a third capture of the same page is recorded as unchanged, not duplicated
    third = capture(client, journalist, document.id)
    assert third.status_code == 200
    assert (third.get_json()["outcome"], third.get_json()["number"],
            third.get_json()["confirmations"]) == ("unchanged", 2, 1)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DocumentVersion)) == 2

    # And each capture is in the change log
    revisions = db.session.scalars(sa.select(Revision).where(
        Revision.entity_type == "document_versions").order_by(Revision.id)).all()
    assert [r.action.value for r in revisions] == ["create", "create", "update"]
    assert revisions[0].reason == f"captured {site.url('/story')}"
    assert "text" not in revisions[0].after and "warc" not in revisions[0].after
    assert revisions[-1].after["confirmations"] == 1


def test_the_warc_reads_back_with_its_digests(client, journalist, site):
    site.pages["/story"] = Page(article(SACKED), headers={"X-Served-By": "test"})
    document = make_document(journalist, site.url("/story"))
    version = capture(client, journalist, document.id).get_json()

    archive = client.get(version["archive"])

    assert archive.status_code == 200 and archive.mimetype == "application/warc"
    records = []
    for record in ArchiveIterator(io.BytesIO(archive.data), check_digests="raise"):
        content = record.content_stream().read()
        records.append((record.rec_type, record, content))
        assert record.digest_checker.passed is not False
        assert not record.digest_checker.problems
    assert [r[0] for r in records] == ["warcinfo", "response", "request"]
    response = records[1][1]
    assert response.rec_headers.get_header("WARC-Target-URI") == site.url("/story")
    assert response.rec_headers.get_header("WARC-IP-Address") == "127.0.0.1"
    assert response.rec_headers.get_header("WARC-Payload-Digest").startswith("sha1:")
    assert response.http_headers.get_statuscode() == "200"
    assert response.http_headers.get_header("X-Served-By") == "test"
    assert hashlib.sha256(records[1][2]).hexdigest() == version["raw_sha256"]
    request = records[2][1]
    assert request.http_headers.get_header("User-Agent").startswith("Counterclaim/")
    # the stored bytes are the gzipped records; the endpoint serves them unzipped
    stored = db.session.scalar(sa.select(DocumentVersion.warc))
    assert len(stored) == version["warc_size"] and gzip.decompress(stored) == archive.data
    assert client.get(version["archive"],
                      headers={"If-None-Match": archive.headers["ETag"]}).status_code == 304


def test_a_page_that_disappears_is_gone_and_quotes_keep_their_version(client, journalist,
                                                                        site):
    site.pages["/story"] = Page(article(SACKED))
    document = make_document(journalist, site.url("/story"))
    capture(client, journalist, document.id)
    quote_id = quote_on(journalist, document, "could be sacked")

    del site.pages["/story"]  # the site answers 404
    gone = capture(client, journalist, document.id)
    assert gone.status_code == 201
    body = gone.get_json()
    assert (body["change"], body["http_status"], body["text_sha256"]) == ("gone", 404, None)
    assert body["archive"]  # the 404 itself is kept
    quote = client.get(f"/api/v1/quotes/{quote_id}").get_json()
    assert (quote["integrity"], quote["checked_version"]) == ("verbatim", 1)
    assert "sacked" in client.get(f"/api/v1/documents/{document.id}").get_json()["text"]

    site.pages["/story"] = Page(b"", status=410)
    again = capture(client, journalist, document.id)
    assert (again.status_code, again.get_json()["outcome"]) == (200, "unchanged")

    site.pages["/story"] = Page(article(SACKED))
    back = capture(client, journalist, document.id)
    assert (back.status_code, back.get_json()["change"], back.get_json()["number"]) == (
        201, "back", 3)


def test_a_host_that_no_longer_exists_is_gone(client, journalist):
    document = make_document(journalist, "http://counterclaim-no-such-host.invalid/story")
    response = capture(client, journalist, document.id)
    assert response.status_code == 201
    body = response.get_json()
    assert (body["change"], body["http_status"], body["archive"]) == ("gone", None, None)
    assert "does not resolve" in body["note"]


def test_redirects_are_followed_and_recorded(client, journalist, site):
    site.pages["/old"] = Page(b"", status=301, headers={"Location": "/moved"})
    site.pages["/moved"] = Page(b"", status=302, headers={"Location": site.url("/story")})
    site.pages["/story"] = Page(article(SACKED))
    document = make_document(journalist, site.url("/old"))

    version = capture(client, journalist, document.id).get_json()

    assert version["final_url"] == site.url("/story")
    assert version["redirects"] == [
        {"status": 301, "url": site.url("/old"), "location": "/moved"},
        {"status": 302, "url": site.url("/moved"), "location": site.url("/story")}]
    archive = client.get(version["archive"]).data
    responses = [r.rec_headers.get_header("WARC-Target-URI")
                 for r in ArchiveIterator(io.BytesIO(archive)) if r.rec_type == "response"]
    assert responses == [site.url("/old"), site.url("/moved"), site.url("/story")]


def test_redirects_to_internal_addresses_are_refused(client, journalist, site):
    site.pages["/story"] = Page(article(SACKED))
    targets = {
        "/to-loopback": (site.url("/story", host="localhost"), "loopback"),
        "/to-private": ("http://10.20.30.40/admin", "private"),
        "/to-metadata": ("http://169.254.169.254/latest/meta-data/", "link-local"),
        "/to-file": ("file:///etc/passwd", "Only http and https"),
    }
    for path, (target, reason) in targets.items():
        site.pages[path] = Page(b"", status=302, headers={"Location": target})
        document = make_document(journalist, site.url(path), title=path)
        response = capture(client, journalist, document.id)
        error = envelope_of(response, 422)
        assert reason in error["message"] and "url" in error["fields"], error
        expected = "capture_bad_url" if path == "/to-file" else "capture_refused_address"
        assert error["code"] == expected
    # nothing was fetched from the internal address (the page is on this very server)
    assert "/story" not in [path for path, _ in site.requests]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DocumentVersion)) == 0


def test_internal_addresses_are_refused_unless_allowed(client, journalist, site):
    site.pages["/story"] = Page(article(SACKED))
    document = make_document(journalist, site.url("/story", host="localhost"))
    refused = envelope_of(capture(client, journalist, document.id), 422)
    assert refused["code"] == "capture_refused_address"
    assert "localhost resolves to" in refused["message"] and "loopback" in refused["message"]

    current_app.config["CAPTURE_ALLOWED_HOSTS"] = "127.0.0.1, localhost"
    try:
        assert capture(client, journalist, document.id).status_code == 201
    finally:
        current_app.config["CAPTURE_ALLOWED_HOSTS"] = "127.0.0.1"


def test_a_slow_page_times_out(client, journalist, site):
    site.pages["/slow"] = Page(article(SACKED), delay=2.5)
    document = make_document(journalist, site.url("/slow"))
    current_app.config["CAPTURE_TIMEOUT"] = 1.0
    try:
        started = time.monotonic()
        response = capture(client, journalist, document.id)
        elapsed = time.monotonic() - started
    finally:
        current_app.config["CAPTURE_TIMEOUT"] = 3.0
    error = envelope_of(response, 504)
    assert error["code"] == "capture_timeout" and "1 s" in error["message"]
    assert elapsed < 2.0


def test_oversized_pages_are_refused_declared_or_not(client, journalist, site):
    huge = article("word " * 60_000)  # ~300 KB, over the tests' 256 KiB
    site.pages["/big"] = Page(huge)
    site.pages["/big-chunked"] = Page(huge, chunked=True)
    for path in ("/big", "/big-chunked"):
        document = make_document(journalist, site.url(path), title=path)
        error = envelope_of(capture(client, journalist, document.id), 422)
        assert error["code"] == "capture_too_large", error
        assert "262,144 bytes" in error["message"]


def test_types_it_cannot_read_are_named(client, journalist, site):
    site.pages["/report.pdf"] = Page(b"%PDF-1.4 ...", content_type="application/pdf")
    site.pages["/empty"] = Page(b"<html><body><script>app()</script></body></html>")
    site.pages["/forbidden"] = Page(b"no", status=403, content_type="text/plain")
    expected = {"/report.pdf": ("capture_unsupported_type", "application/pdf"),
                "/empty": ("capture_no_text", "no article text"),
                "/forbidden": ("capture_http_error", "403")}
    for path, (code, words) in expected.items():
        document = make_document(journalist, site.url(path), title=path)
        error = envelope_of(capture(client, journalist, document.id), 422)
        assert error["code"] == code and words in error["message"], error


def test_plain_text_and_gzipped_pages_are_read(client, journalist, site):
    site.pages["/statement.txt"] = Page(f"{SACKED}\n\n{DENIED}\n".encode(),
                                        content_type="text/plain; charset=utf-8")
    site.pages["/zipped"] = Page(article(SACKED), gzipped=True)
    plain = make_document(journalist, site.url("/statement.txt"), title="txt")
    zipped = make_document(journalist, site.url("/zipped"), title="gz")

    assert capture(client, journalist, plain.id).status_code == 201
    version = capture(client, journalist, zipped.id).get_json()

    assert client.get(f"/api/v1/documents/{plain.id}").get_json()["text"] == \
        f"{SACKED}\n\n{DENIED}"
    assert "sacked" in client.get(f"/api/v1/documents/{zipped.id}").get_json()["text"]
    # the raw bytes are the body as it came, still gzipped: the WARC's payload
    archive = client.get(version["archive"]).data
    payload, = [r.raw_stream.read() for r in ArchiveIterator(io.BytesIO(archive))
                if r.rec_type == "response"]
    assert gzip.decompress(payload) == article(SACKED)
    assert version["raw_sha256"] == hashlib.sha256(payload).hexdigest()


def test_the_site_sees_the_product_and_no_credentials(client, journalist, site):
    site.pages["/story"] = Page(article(SACKED))
    document = make_document(journalist, site.url("/story"))
    client.set_cookie("session", "secret-cookie")
    capture(client, journalist, document.id)
    (path, headers), = site.requests
    assert headers["User-Agent"].startswith("Counterclaim/")
    assert not {"Cookie", "Authorization"} & set(headers)


def test_urls_with_credentials_are_not_captured(client, journalist, site):
    document = make_document(journalist, site.url("/story").replace("//", "//jo:pw@"))
    error = envelope_of(capture(client, journalist, document.id), 422)
    assert error["code"] == "capture_bad_url" and "password" in error["message"]
    assert site.requests == []


def test_who_may_capture_and_see_versions(client, journalist, reader, editor, site):
    site.pages["/story"] = Page(article(SACKED))
    document = make_document(journalist, site.url("/story"))
    assert client.post(f"/api/v1/documents/{document.id}/captures").status_code == 401
    assert capture(client, reader, document.id).status_code == 403
    assert capture(client, journalist, document.id).status_code == 201
    assert client.get(f"/api/v1/documents/{document.id}/versions/1").status_code == 200
    envelope_of(client.get(f"/api/v1/documents/{document.id}/versions/9"), 404)
    envelope_of(client.get("/api/v1/documents/424242/versions"), 404)
    envelope_of(capture(client, journalist, 424242), 404)

    # a deleted document's versions are gone with it, except for editors who ask
    lifecycle.delete_record(document, actor=editor.user, reason="test")
    base = f"/api/v1/documents/{document.id}/versions"
    for url in (base, f"{base}/1", f"{base}/1/archive"):
        envelope_of(client.get(url), 404)
        assert client.get(url + "?include_deleted=true",
                          headers=editor.headers).status_code == 200
    envelope_of(capture(client, journalist, document.id), 404)


def test_a_document_without_a_url_or_warc_says_so(client, journalist):
    document = make_document(journalist, None, text="A pasted passage, sacked.")
    error = envelope_of(capture(client, journalist, document.id), 422)
    assert "no URL" in error["message"] and "url" in error["fields"]
    manual = client.get(f"/api/v1/documents/{document.id}/versions/1").get_json()
    assert (manual["kind"], manual["archive"]) == ("manual", None)
    error = envelope_of(client.get(f"/api/v1/documents/{document.id}/versions/1/archive"), 404)
    assert "pasted by hand" in error["message"]


def test_a_pasted_passage_then_a_capture_of_the_page(client, journalist, site):
    # Given a document whose passage was pasted by hand
    site.pages["/story"] = Page(article(SACKED, DENIED))
    document = make_document(journalist, site.url("/story"), text=SACKED)
    quote_id = quote_on(journalist, document, "could be sacked")

    # When the page is captured, then it is version 2, and the quote is checked there
    version = capture(client, journalist, document.id).get_json()
    assert (version["number"], version["change"]) == (2, "changed")
    quote = client.get(f"/api/v1/quotes/{quote_id}").get_json()
    assert (quote["integrity"], quote["checked_version"]) == ("verbatim", 2)

    # And pasting a passage by hand again is version 3
    patch = client.patch(f"/api/v1/documents/{document.id}", json={"text": OVERRUN},
                         headers={**journalist.headers, "If-Match": "*"})
    assert patch.status_code == 200
    listed = client.get(f"/api/v1/documents/{document.id}/versions").get_json()
    assert [(v["number"], v["kind"]) for v in listed] == [
        (3, "manual"), (2, "capture"), (1, "manual")]
    quote = client.get(f"/api/v1/quotes/{quote_id}").get_json()
    assert (quote["integrity"], quote["last_seen_version"]) == ("removed", 2)

    # And emptying the text is refused: versions are kept
    cleared = client.patch(f"/api/v1/documents/{document.id}", json={"text": ""},
                           headers={**journalist.headers, "If-Match": "*"})
    assert "text" in envelope_of(cleared, 422)["fields"]


def test_a_document_deleted_during_the_fetch_is_a_conflict(client, journalist, editor, site):
    site.pages["/story"] = Page(article(SACKED))
    document = make_document(journalist, site.url("/story"))
    document_id, editor_id = document.id, editor.user.id
    app = current_app._get_current_object()

    def delete_then_answer():
        # the site answers only after someone else deleted the document
        with app.app_context():
            lifecycle.delete_record(db.session.get(Document, document_id),
                                    actor=db.session.get(User, editor_id), reason="race")
            db.session.remove()
        return Page(article(SACKED))

    site.pages["/story"] = delete_then_answer
    response = capture(client, journalist, document_id)
    assert "deleted" in envelope_of(response, 409)["message"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DocumentVersion)) == 0
