"""Capturing documents: fetch the URL (`fetching`), keep the exchange as WARC and the
article text (`archiving`), then store the version (`versions.record_capture`).

The fetch happens outside any database transaction — the request's read transaction
is ended first — and the version is written afterwards in a short unit of work that
looks at the document again under its lock. `recheck` captures every document that is
due, for cron: fetches run in a few threads, one host at a time per thread and never
two requests to one host at once, with a pause between them; the versions are written
by the calling thread as the fetches come back.
"""

from __future__ import annotations

import queue
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import urldefrag, urlsplit

import sqlalchemy as sa
from flask import current_app

from app.extensions import db
from app.models import Document, DocumentVersion, User, VersionKind, utcnow
from app.services import archiving, fetching, versions
from app.services.errors import Conflict, NotFound, ValidationError
from app.services.fetching import CaptureFailed, Settings
from app.services.policy import Action, Viewer, get_visible, require

SOFTWARE = "Counterclaim evidence capture (warcio)"
GONE_STATUSES = {404, 410}


def settings() -> Settings:
    return Settings.from_config(current_app.config)


def take(url: str, settings: Settings, *, max_chars: int) -> versions.Capture:
    """Fetch `url` and make what a version keeps of it; no database. CaptureFailed
    naming why it could not be had."""
    fetched = fetching.fetch(urldefrag(url).url, settings)
    at = utcnow()
    if fetched.vanished:
        host = urlsplit(url).hostname
        return versions.Capture(requested_url=url, captured_at=at, gone=True,
                                note=f"{host} does not resolve any more: the host is gone.")
    final = fetched.final
    warc = archiving.warc_bytes(fetched, software=SOFTWARE)
    common = {"requested_url": url, "captured_at": final.at, "final_url": final.url,
              "redirects": fetched.redirects or None, "http_status": final.status,
              "content_type": (final.header("content-type") or "")[:200] or None,
              "raw_sha256": archiving.sha256(final.body), "warc": warc}
    if final.status in GONE_STATUSES:
        return versions.Capture(gone=True, note=f"The page answers {final.status}: it is "
                                "gone.", **common)
    if not 200 <= final.status < 300:
        raise CaptureFailed("http_error", f"{final.url} answered {final.status} "
                                          f"{final.reason}".strip() + ".")
    text = archiving.extract_text(final, settings, max_chars)
    return versions.Capture(gone=False, text=text, **common)


def _max_chars() -> int:
    return Document.text.property.columns[0].info["max_length"]


def capture_document(document_id: int, *, actor: User, viewer: Viewer) -> versions.Captured:
    """Capture the document's URL now. Journalists and up; NotFound; ValidationError when
    it has no URL; CaptureFailed naming why the page could not be had (refused address,
    timeout, too large, TLS error, unsupported type...); Conflict when the document was
    deleted or its URL changed meanwhile. Commits."""
    require(actor, Action.LOG)
    document = get_visible(Document, document_id, viewer=viewer)
    if document.is_deleted:
        raise Conflict(f"Document {document_id} is deleted; restore it to capture it.")
    url = document.url
    if not url:
        raise ValidationError("This document has no URL to capture.",
                              {"url": ["no URL to capture"]})
    db.session.rollback()  # no transaction stays open while the network is waited on
    capture = take(url, settings(), max_chars=_max_chars())
    return versions.record_capture(document_id, capture, actor=actor,
                                   reason=f"captured {url}")


# -- recheck -----------------------------------------------------------------------------


@dataclass
class Failure:
    document_id: int
    url: str
    reason: str
    message: str


@dataclass
class RecheckReport:
    counts: Counter = field(default_factory=Counter)  # changed, unchanged, gone, failed
    failures: list[Failure] = field(default_factory=list)
    errors: list[Failure] = field(default_factory=list)  # ours, not the sites'

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def due_documents(older_than: timedelta, limit: int | None = None) -> list[tuple[int, str]]:
    """(id, url) of the live documents with a URL not captured within `older_than`,
    never-captured ones first, then the longest unseen."""
    seen = sa.func.max(sa.func.coalesce(DocumentVersion.confirmed_at,
                                        DocumentVersion.captured_at))
    last = (sa.select(DocumentVersion.document_id, seen.label("seen"))
            .where(DocumentVersion.kind == VersionKind.CAPTURE)
            .group_by(DocumentVersion.document_id).subquery())
    stmt = (sa.select(Document.id, Document.url)
            .outerjoin(last, last.c.document_id == Document.id)
            .where(Document.url.is_not(None), Document.deleted_at.is_(None),
                   sa.or_(last.c.seen.is_(None), last.c.seen < utcnow() - older_than))
            .order_by(last.c.seen.is_not(None), last.c.seen, Document.id))
    if limit is not None:
        stmt = stmt.limit(limit)
    return [(row.id, row.url) for row in db.session.execute(stmt)]


def recheck(*, older_than: timedelta, limit: int | None = None,
            progress: Callable[[int, str], None] | None = None,
            workers: int = 4) -> RecheckReport:
    """Capture every due document (see `due_documents`) as the system (no actor);
    a site's failure is counted and named, never raised. Commits each capture."""
    due = due_documents(older_than, limit)
    db.session.rollback()
    report = RecheckReport()
    if not due:
        return report
    config = settings()
    delay = float(current_app.config["CAPTURE_HOST_DELAY"])
    max_chars = _max_chars()
    by_host: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for document_id, url in due:
        by_host[(urlsplit(url).hostname or "").lower()].append((document_id, url))
    hosts: queue.Queue = queue.Queue()
    for host in sorted(by_host, key=lambda h: -len(by_host[h])):
        hosts.put(by_host[host])
    results: queue.Queue = queue.Queue()

    def work() -> None:
        while True:
            try:
                batch = hosts.get_nowait()
            except queue.Empty:
                return
            for i, (document_id, url) in enumerate(batch):
                if i:
                    time.sleep(delay)  # polite: one request at a time per host, spaced
                try:
                    results.put((document_id, url, take(url, config, max_chars=max_chars)))
                except Exception as exc:  # noqa: BLE001  (handed to the writing thread)
                    results.put((document_id, url, exc))

    threads = [threading.Thread(target=work, daemon=True)
               for _ in range(max(1, min(workers, len(by_host))))]
    for thread in threads:
        thread.start()
    for _ in due:
        document_id, url, outcome = results.get()
        report_one(report, document_id, url, outcome)
        if progress:
            progress(1, url)
    for thread in threads:
        thread.join()
    return report


def report_one(report: RecheckReport, document_id: int, url: str, outcome) -> None:
    if isinstance(outcome, CaptureFailed):
        report.counts["failed"] += 1
        report.failures.append(Failure(document_id, url, outcome.label, outcome.message))
        return
    if isinstance(outcome, Exception):
        report.counts["error"] += 1
        report.errors.append(Failure(document_id, url, type(outcome).__name__, str(outcome)))
        return
    try:
        captured = versions.record_capture(document_id, outcome, actor=None,
                                           reason="flask documents recheck")
    except (Conflict, NotFound) as exc:  # deleted, or its URL changed, meanwhile
        report.counts["skipped"] += 1
        report.failures.append(Failure(document_id, url, "skipped", exc.message))
        return
    outcome_name = captured.outcome
    report.counts["changed" if outcome_name in ("first", "changed", "back", "same")
                  else outcome_name] += 1
