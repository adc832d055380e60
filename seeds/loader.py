"""Load the seed data files into the database through the services.

Idempotent: sources and events are matched by slug, documents by title, disputes by
slug; anything already present is left as it is, so running `flask seed` twice leaves
the same rows. Every change goes through the services, so seeded records have their
revisions like any other.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import yaml

from app.extensions import db
from app.models import (
    Claim,
    Dispute,
    Document,
    Event,
    Link,
    Quote,
    Role,
    Source,
    User,
    Verdict,
    VerdictVersion,
)
from app.services import disputes as dispute_service
from app.services import documents as document_service
from app.services import events as event_service
from app.services import links as link_service
from app.services import sources as source_service
from app.services import users as user_service
from app.services import verdicts as verdict_service

SEED_DIR = Path(__file__).resolve().parent / "ukraine-2022-01"
DESK_EMAIL = "desk@counterclaim.invalid"


def _read(name: str) -> dict[str, Any]:
    with open(SEED_DIR / name, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def _when(value: Any) -> datetime | None:
    """YAML gives datetimes (naive or aware) and dates; the models want aware UTC."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    return datetime.fromisoformat(str(value))


def desk_user() -> User:
    """The editor account seeded records are attributed to (it has no password)."""
    user = user_service.find_user(DESK_EMAIL)
    if user is None:
        user = user_service.create_user(DESK_EMAIL, "Counterclaim desk", Role.EDITOR)
    return user


class Loader:
    """Loads the seed files; counts what it created and what was already there (by
    kind), which is what `flask seed` reports — not what the database holds in all."""

    def __init__(self, progress: Callable[[str], None]):
        self.progress = progress
        self.actor = desk_user()
        self.sources: dict[str, Source] = {}
        self.documents: dict[str, Document] = {}
        self.events: dict[str, Event] = {}
        self.created: Counter[str] = Counter()
        self.present: Counter[str] = Counter()

    def _tally(self, kind: str, created: bool, count: int = 1) -> None:
        (self.created if created else self.present)[kind] += count

    def _step_done(self, kind: str) -> None:
        self.progress(f"  {kind}: {self.created[kind]} created, "
                      f"{self.present[kind]} already there")

    def source(self, slug: str) -> int:
        return self.sources[slug].id

    def load_sources(self) -> None:
        items = _read("sources.yaml")["sources"]
        for item in items:  # parents are listed before their children
            found = db.session.scalar(sa.select(Source).where(Source.slug == item["slug"]))
            self._tally("sources", found is None)
            if found is None:
                found = source_service.create_source(
                    actor=self.actor,
                    slug=item["slug"],
                    name=item["name"],
                    kind=item["kind"],
                    title=item.get("title", ""),
                    description=item.get("description", ""),
                    url=item.get("url"),
                    parent_id=self.source(item["parent"]) if item.get("parent") else None,
                )
            self.sources[item["slug"]] = found
        self._step_done("sources")

    def load_documents(self) -> None:
        items = _read("documents.yaml")["documents"]
        for item in items:
            title = " ".join(item["title"].split())
            found = db.session.scalar(sa.select(Document).where(Document.title == title))
            self._tally("documents", found is None)
            if found is None:
                found = document_service.create_document(
                    actor=self.actor,
                    title=title,
                    url=item.get("url"),
                    publisher_id=self.source(item["publisher"]) if item.get("publisher") else None,
                    published_at=_when(item.get("published_at")),
                    text=item.get("text", ""),
                )
            self.documents[item["key"]] = found
        self._step_done("documents")

    def load_events(self) -> None:
        items = _read("events.yaml")["events"]
        for item in items:
            found = db.session.scalar(sa.select(Event).where(Event.slug == item["slug"]))
            self._tally("events", found is None)
            if found is None:
                found = event_service.create_event(
                    actor=self.actor,
                    slug=item["slug"],
                    title=item["title"],
                    occurred_on=item.get("occurred_on"),
                    date_precision=item.get("date_precision", "day"),
                    summary=item.get("summary", "").strip(),
                )
            self.events[item["slug"]] = found
        self._step_done("events")

    def _claim_data(self, item: dict[str, Any]) -> dict[str, Any]:
        doc = self.documents
        return {
            "claimant_id": self.source(item["claimant"]),
            "statement": item["statement"].strip(),
            "kind": item["kind"],
            "sourcing_level": item["sourcing"],
            "independent_sources": item.get("independent_sources", 1),
            "stated_at": _when(item.get("stated_at")),
            "first_appearance_id": doc[item["first_appearance"]].id
            if item.get("first_appearance") else None,
            "attributions": [
                {"source_id": self.source(v["source"]), "relation": v.get("relation", "citing")}
                for v in item.get("via", [])
            ],
            "appearances": [{"document_id": doc[key].id} for key in item.get("appearances", [])],
            "quotes": [
                {
                    "speaker_id": self.source(q["speaker"]),
                    "document_id": doc[q["document"]].id if q.get("document") else None,
                    "exact": q["exact"].strip(),
                    "prefix": q.get("prefix", ""),
                    "suffix": q.get("suffix", ""),
                }
                for q in item.get("quotes", [])
            ],
        }

    def load_dispute(self, item: dict[str, Any]) -> bool:
        """Log the dispute with its accounts, links and verdicts, unless it is there."""
        if db.session.scalar(sa.select(Dispute.id).where(Dispute.slug == item["slug"])):
            self._tally("disputes", False)
            return False
        self._tally("disputes", True)
        self._tally("claims", True, len(item["claims"]))
        self._tally("quotes", True, sum(len(c.get("quotes", [])) for c in item["claims"]))
        self._tally("links", True, len(item.get("links", [])))
        self._tally("verdicts", True, len(item.get("verdicts", [])))
        dispute = dispute_service.log_dispute(
            actor=self.actor,
            event_id=self.events[item["event"]].id,
            slug=item["slug"],
            question=item["question"],
            summary=item.get("summary", "").strip(),
            state=item.get("state", "open"),
            claims=[self._claim_data(c) for c in item["claims"]],
        )
        claims: dict[str, Claim] = {}
        quotes: dict[str, Quote] = {}
        for spec, claim in zip(item["claims"], dispute.claims, strict=True):
            claims[spec["key"]] = claim
            for qspec, quote in zip(spec.get("quotes", []), claim.quotes, strict=True):
                quotes[qspec["key"]] = quote
        for link in item.get("links", []):
            link_service.link_claims(
                claims[link["from"]].id,
                claims[link["to"]].id,
                link["type"],
                actor=self.actor,
                scope="quote" if link.get("quote") else "claim",
                scope_quote_id=quotes[link["quote"]].id if link.get("quote") else None,
                note=link.get("note", ""),
            )
        for spec in item.get("verdicts", []):
            self._verdict(spec, claims)
        return True

    def _evidence(self, items: list[dict[str, Any]], claims: dict[str, Claim]) -> list[dict]:
        return [
            {
                "claim_id": claims[e["claim"]].id if e.get("claim") else None,
                "document_id": self.documents[e["document"]].id if e.get("document") else None,
                "stance": e["stance"],
                "note": e.get("note", ""),
            }
            for e in items
        ]

    def _verdict(self, spec: dict[str, Any], claims: dict[str, Claim]) -> None:
        first, *corrections = spec["versions"]
        verdict = verdict_service.draft_verdict(
            claims[spec["claim"]].id,
            first["rating"],
            first["rationale"].strip(),
            self._evidence(first.get("evidence", []), claims),
            actor=self.actor,
        )
        if spec.get("state", "published") == "draft":
            return
        # published when the seed file says (2022), not now
        verdict_service.publish(verdict, actor=self.actor,
                                published_at=_when(first.get("published")))
        for version in corrections:
            verdict_service.correct(
                verdict,
                actor=self.actor,
                published_at=_when(version.get("published")),
                reason=version["reason"].strip(),
                rating_value=version["rating"],
                rationale=version["rationale"].strip(),
                evidence=self._evidence(version.get("evidence", []), claims),
            )
        if spec.get("state") == "withdrawn":
            verdict_service.withdraw(verdict, actor=self.actor, reason=spec["withdraw_reason"])


def counts() -> dict[str, int]:
    tables = {
        "events": Event, "disputes": Dispute, "sources": Source, "documents": Document,
        "claims": Claim, "quotes": Quote, "links": Link, "verdicts": Verdict,
        "verdict versions": VerdictVersion,
    }
    return {
        name: db.session.scalar(sa.select(sa.func.count()).select_from(model))
        for name, model in tables.items()
    }


def load(progress: Callable[[str], None] = lambda msg: None) -> Loader:
    """Load every seed file; the loader says what it created and what was there."""
    progress(f"Seeding from {SEED_DIR.name}/")
    loader = Loader(progress)
    loader.load_sources()
    loader.load_documents()
    loader.load_events()
    items = _read("disputes.yaml")["disputes"]
    for item in items:
        created = loader.load_dispute(item)
        progress(f"  dispute {item['slug']}: {'created' if created else 'already there'}")
    return loader


def load_all(progress: Callable[[str], None] = lambda msg: None) -> dict[str, int]:
    """Load every seed file; returns the row counts afterwards."""
    load(progress)
    return counts()
