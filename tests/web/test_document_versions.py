"""Pages of evidence that changed: the document's versions with their diffs, a capture
button for journalists, and quotes whose source changed said in plain words."""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from app.models import DocumentVersion, SourceKind
from app.services import disputes as dispute_service
from app.services import documents as document_service
from app.services import events as event_service
from app.services import sources as source_service
from tests.sites import Page, article
from tests.web.conftest import csrf_token, sign_in, text

SACKED = "Biden warned Zelensky that Kyiv could be \u201csacked\u201d, a Ukrainian source said."
OVERRUN = "Biden warned Zelensky that Kyiv could be overrun, a Ukrainian source said."


def test_a_stealth_edit_is_shown_on_the_dispute_document_and_version_pages(
        client, journalist, site):
    # Given CNN's report, captured, and a dispute quoting its word "sacked"
    actor = journalist.user
    site.pages["/story"] = Page(article(SACKED))
    cnn = source_service.create_source(actor=actor, slug="cnn", name="CNN",
                                       kind=SourceKind.OUTLET)
    anonymous = source_service.create_source(actor=actor, slug="ua", name="A Ukrainian source",
                                             kind=SourceKind.ANONYMOUS)
    document = document_service.create_document(actor=actor, title="CNN: the call",
                                                url=site.url("/story"), publisher_id=cnn.id)
    event = event_service.create_event(actor=actor, slug="call", title="The call")
    dispute = dispute_service.log_dispute(
        actor=actor, event_id=event.id, slug="sacked", question="Was 'sacked' said?",
        claims=[{"claimant_id": anonymous.id, "statement": "Kyiv could be sacked.",
                 "kind": "attributed_quote", "sourcing_level": "anonymous",
                 "attributions": [{"source_id": cnn.id}],
                 "quotes": [{"speaker_id": anonymous.id, "document_id": document.id,
                             "exact": "sacked"}]}])
    sign_in(client, journalist)
    page = client.get(f"/documents/{document.id}")
    assert "Capture the page now" in text(page)
    token = csrf_token(client, f"/documents/{document.id}")

    # When a journalist captures it, CNN changes the word, and it is captured again
    first = client.post(f"/documents/{document.id}/capture", data={"csrf_token": token})
    assert first.status_code == 302
    site.pages["/story"] = Page(article(OVERRUN))
    second = client.post(f"/documents/{document.id}/capture", data={"csrf_token": token},
                         follow_redirects=True)

    # Then the document page lists both versions, when each was captured, and the diff
    shown = text(second)
    assert "Captured as version 2 (changed)." in shown
    assert "Version 2 Changed Captured" in shown and "Version 1 First Captured" in shown
    assert "HTTP 200" in shown and "WARC" in shown
    assert "Changes against version 1" in shown and "sacked”, overrun," in shown

    # And the dispute page says it in plain words, with a link to both versions
    changed_at = db.session.scalar(sa.select(DocumentVersion.captured_at).where(
        DocumentVersion.document_id == document.id, DocumentVersion.number == 2))
    dispute_page = text(client.get(f"/disputes/{dispute.id}"))
    assert (f"CNN changed this report on {changed_at.strftime('%-d %b %Y')}: the words "
            "“sacked” no longer appear — see both versions") in dispute_page
    assert "Removed" in dispute_page
    claim_page = text(client.get(f"/claims/{dispute.claims[0].id}"))
    assert "CNN changed this report on" in claim_page
    raw = client.get(f"/disputes/{dispute.id}").get_data(as_text=True)
    both = f"/documents/{document.id}/versions/2?against=1"
    assert both in raw
    version_page = text(client.get(both))
    assert "What changed since version 1" in version_page
    assert "Text of version 2" in version_page and "overrun" in version_page


def test_readers_see_versions_but_no_capture_button(client, journalist, site):
    site.pages["/story"] = Page(article(SACKED))
    document = document_service.create_document(actor=journalist.user, title="Report",
                                                url=site.url("/story"), text=SACKED)
    page = text(client.get(f"/documents/{document.id}"))
    assert "Capture the page now" not in page
    assert "Version 1 First Pasted by hand" in page
    refused = client.post(f"/documents/{document.id}/capture")
    assert refused.status_code in (302, 400, 401, 403)
    assert site.requests == []
