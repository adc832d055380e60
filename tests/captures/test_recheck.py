"""`flask documents recheck`: every due document captured, politely, with a summary;
a site's failure is reported, never the command's own exit status."""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app

from app.extensions import db
from app.models import DocumentVersion, VersionChange
from app.services import documents as document_service
from tests.sites import Page, article

SAID = "Biden warned Zelensky that Kyiv could be sacked once the ground freezes."


def versions_of(document_id: int) -> list[tuple[int, str]]:
    rows = db.session.execute(sa.select(DocumentVersion.number, DocumentVersion.change)
                              .where(DocumentVersion.document_id == document_id)
                              .order_by(DocumentVersion.number))
    return [(n, c.value) for n, c in rows]


def test_recheck_captures_what_is_due_and_summarises(cli, journalist, site):
    # Given documents whose pages change, stay, disappear, stall, and one without a URL
    site.pages.update({"/changes": Page(article(SAID)), "/stays": Page(article(SAID)),
                       "/goes": Page(article(SAID)), "/stalls": Page(article(SAID))})
    docs = {path: document_service.create_document(actor=journalist.user, title=path,
                                                   url=site.url(path)).id
            for path in ("/changes", "/stays", "/goes", "/stalls")}
    document_service.create_document(actor=journalist.user, title="no URL", text=SAID)
    first = cli.invoke(args=["documents", "recheck"])
    assert first.exit_code == 0, first.output
    assert "4 documents: 4 changed, 0 unchanged, 0 gone, 0 failed." in first.output

    site.pages["/changes"] = Page(article(SAID.replace("sacked", "overrun")))
    del site.pages["/goes"]
    site.pages["/stalls"] = Page(article(SAID), delay=2.0)
    current_app.config["CAPTURE_TIMEOUT"] = 0.5
    try:
        # When nothing is due yet, nothing is fetched
        assert "0 documents" in cli.invoke(args=["documents", "recheck"]).output
        # And when everything older than no time at all is rechecked
        result = cli.invoke(args=["documents", "recheck", "--older-than", "0"])
    finally:
        current_app.config["CAPTURE_TIMEOUT"] = 3.0

    # Then the summary counts each outcome and names the failure; the exit status is 0
    assert result.exit_code == 0, result.output
    assert "4 documents: 1 changed, 1 unchanged, 1 gone, 1 failed." in result.output
    assert f"timeout: document {docs['/stalls']} {site.url('/stalls')}" in result.output
    assert versions_of(docs["/changes"]) == [(1, "first"), (2, "changed")]
    assert versions_of(docs["/stays"]) == [(1, "first")]
    assert versions_of(docs["/goes"]) == [(1, "first"), (2, "gone")]
    assert versions_of(docs["/stalls"]) == [(1, "first")]
    confirmed = db.session.scalar(sa.select(DocumentVersion.confirmations).where(
        DocumentVersion.document_id == docs["/stays"]))
    assert confirmed == 1
    # Never two requests at once to one host
    assert site.most_at_once == {"127.0.0.1": 1}


def test_recheck_limit_takes_the_longest_unseen_first(cli, journalist, site):
    for path in ("/a", "/b", "/c"):
        site.pages[path] = Page(article(SAID + path))
    ids = [document_service.create_document(actor=journalist.user, title=p,
                                            url=site.url(p)).id for p in ("/a", "/b", "/c")]
    assert "2 documents: 2 changed" in cli.invoke(
        args=["documents", "recheck", "--limit", "2"]).output
    assert [bool(versions_of(i)) for i in ids] == [True, True, False]
    result = cli.invoke(args=["documents", "recheck", "--older-than", "0", "--limit", "1"])
    assert "1 documents: 1 changed" in result.output  # /c, never captured, first
    assert versions_of(ids[2]) == [(1, VersionChange.FIRST.value)]


def test_recheck_refuses_bad_options(cli):
    result = cli.invoke(args=["documents", "recheck", "--older-than", "-1"])
    assert result.exit_code == 2 and "older-than" in result.output


def test_recheck_exits_non_zero_on_its_own_errors(cli, journalist, site, monkeypatch):
    # (a third-party library breaking on a page is our error, not the site's)
    site.pages["/x"] = Page(article(SAID))
    document_service.create_document(actor=journalist.user, title="x", url=site.url("/x"))
    import trafilatura

    def broken(*args, **kwargs):
        raise RuntimeError("extractor broke")

    monkeypatch.setattr(trafilatura, "extract", broken)
    result = cli.invoke(args=["documents", "recheck"])
    assert result.exit_code == 1
    assert "1 documents: 0 changed, 0 unchanged, 0 gone, 0 failed, 1 errors." in result.output
