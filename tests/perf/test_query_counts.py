"""No read costs more queries as the archive grows: every public list and detail, API
and page, runs the same number of statements for a record with many related rows as for
one with few (the dispute with the most accounts, the source with the most claims,
attributions, affiliates and quotes...), and for a full page of a list as for a short one.

Details compare, in the larger archive, the richest record of each kind with a modest
one that has the same kinds of related rows. The archives come from the benchmark's
generator (bench/generate.py): sources with parents, anonymous sources, quotes, links,
verdicts with corrections and withdrawals. Requests go past the public-read cache
(app/cache.py), to count what the views themselves run.
"""

from __future__ import annotations

from collections.abc import Iterable

import pytest
import sqlalchemy as sa

from app.cache import bump
from app.extensions import db
from bench.generate import Archive, Writer
from tests.dbutil import wipe
from tests.perf.sql import captured

SMALL, LARGE = 60, 900  # claims
MAX_QUERIES = 20  # whatever the archive: a constant, and a small one


def load_archive(claims: int) -> None:
    db.session.remove()
    wipe(db.engine, db.metadata)
    archive = Archive(claims, seed=claims)
    writer = Writer(db.engine)
    for batch in archive.batches(disputes_per_batch=20):
        writer.write(batch)
    writer.finish(archive.ids)
    with db.engine.begin() as conn:
        bump(conn)


def pick(*counts: str, richest: bool) -> int:
    """Among the records with the most kinds of related rows (each of `counts` is
    "SELECT id, count(*) ... GROUP BY id" for one kind), the one with the most rows, or
    the fewest: the two have the same features (links, appearances...) and differ only
    in how many rows each shows."""
    tally: dict[int, list[int]] = {}
    for i, sql in enumerate(counts):
        for record_id, n in db.session.execute(sa.text(sql)):
            if record_id is not None:
                tally.setdefault(record_id, [0] * len(counts))[i] = n
    kinds = max(sum(n > 0 for n in t) for t in tally.values())
    full = {r: sum(t) for r, t in tally.items() if sum(n > 0 for n in t) == kinds}
    return (max if richest else min)(sorted(full), key=full.get)


def records(richest: bool) -> dict[str, int]:
    def one(*counts: str) -> int:
        return pick(*counts, richest=richest)

    return {
        "dispute": one("SELECT dispute_id, count(*) FROM claims GROUP BY dispute_id",
                       "SELECT c.dispute_id, count(*) FROM links l JOIN claims c "
                       "ON c.id = l.from_claim_id GROUP BY c.dispute_id",
                       "SELECT c.dispute_id, count(*) FROM quotes q JOIN claims c "
                       "ON c.id = q.claim_id GROUP BY c.dispute_id"),
        "verdict": one("SELECT v.id, count(*) FROM verdicts v JOIN verdict_versions vv "
                       "ON vv.verdict_id = v.id WHERE v.state = 'published' GROUP BY v.id",
                       "SELECT v.id, count(*) FROM verdicts v JOIN claim_appearances a "
                       "ON a.claim_id = v.claim_id WHERE v.state = 'published' GROUP BY v.id",
                       "SELECT v.id, count(*) FROM verdicts v JOIN quotes q "
                       "ON q.claim_id = v.claim_id WHERE v.state = 'published' GROUP BY v.id"),
        "claim": one("SELECT claim_id, count(*) FROM quotes GROUP BY claim_id",
                     "SELECT from_claim_id, count(*) FROM links GROUP BY from_claim_id",
                     "SELECT to_claim_id, count(*) FROM links GROUP BY to_claim_id",
                     "SELECT claim_id, count(*) FROM verdicts WHERE state = 'published' "
                     "GROUP BY claim_id",
                     "SELECT claim_id, count(*) FROM claim_attributions GROUP BY claim_id",
                     "SELECT claim_id, count(*) FROM claim_appearances GROUP BY claim_id"),
        "source": one("SELECT claimant_id, count(*) FROM claims GROUP BY claimant_id",
                      "SELECT source_id, count(*) FROM claim_attributions GROUP BY source_id",
                      "SELECT parent_id, count(*) FROM sources GROUP BY parent_id",
                      "SELECT speaker_id, count(*) FROM quotes GROUP BY speaker_id"),
        "event": one("SELECT event_id, count(*) FROM disputes GROUP BY event_id"),
        "document": one(
            "SELECT document_id, count(*) FROM quotes GROUP BY document_id",
            "SELECT first_appearance_id, count(*) FROM claims GROUP BY first_appearance_id",
            "SELECT document_id, count(*) FROM claim_appearances GROUP BY document_id"),
        "quote": one("SELECT scope_quote_id, count(*) FROM links GROUP BY scope_quote_id"),
        "link": one("SELECT id, 1 FROM links WHERE scope = 'quote'"),
        "revision": one("SELECT id, 1 FROM revisions WHERE entity_type = 'claims'"),
    }


API = "/api/v1"
API_LISTS = (*(f"{API}/{kind}?per_page=50" for kind in (
    "events", "disputes", "claims", "sources", "documents", "quotes", "links", "revisions")),
    f"{API}/verdicts?limit=50", f"{API}/ratings", f"{API}/search?q=troops")
PAGE_LISTS = ("/", "/disputes", "/events", "/sources", "/documents", "/verdicts", "/ratings",
              "/search?q=troops", "/feeds/verdicts.atom", "/exports/verdicts.csv")


def api_details(r: dict[str, int]) -> list[str]:
    return [f"{API}/disputes/{r['dispute']}", f"{API}/verdicts/{r['verdict']}",
            f"{API}/verdicts/{r['verdict']}/history",
            f"{API}/verdicts/{r['verdict']}/claimreview", f"{API}/claims/{r['claim']}",
            f"{API}/sources/{r['source']}", f"{API}/events/{r['event']}",
            f"{API}/documents/{r['document']}", f"{API}/quotes/{r['quote']}",
            f"{API}/links/{r['link']}", f"{API}/revisions/{r['revision']}"]


def page_details(r: dict[str, int]) -> list[str]:
    return [f"/disputes/{r['dispute']}", f"/verdicts/{r['verdict']}",
            f"/claims/{r['claim']}", f"/sources/{r['source']}", f"/events/{r['event']}",
            f"/documents/{r['document']}"]


def counts(client, paths: Iterable[str]) -> dict[str, int]:
    """Statements per path (the path's ids differ between archives: keyed by its shape)."""
    out = {}
    for path in paths:
        db.session.expunge_all()
        with captured(db.engine) as statements:
            response = client.get(path, follow_redirects=True)
        assert response.status_code == 200, (path, response.status_code)
        shape = "/".join("{id}" if part.isdigit() else part for part in path.split("/"))
        out[shape] = len(statements)
    return out


def compare(small: dict[str, int], large: dict[str, int], what: str) -> None:
    grew = {p: (small[p], large[p]) for p in small if large[p] != small[p]}
    assert not grew, f"queries ({what}) differ: {grew}"
    too_many = {p: n for p, n in large.items() if n > MAX_QUERIES}
    assert not too_many, too_many


@pytest.mark.parametrize("paths", [API_LISTS, PAGE_LISTS], ids=["api", "pages"])
def test_a_full_list_page_runs_as_many_queries_as_a_short_one(uncached, paths):
    load_archive(SMALL)
    small = counts(uncached, paths)
    load_archive(LARGE)
    compare(small, counts(uncached, paths), "small archive, 15x larger")


@pytest.mark.parametrize("paths", [api_details, page_details], ids=["api", "pages"])
def test_a_rich_record_runs_as_many_queries_as_a_modest_one(uncached, paths):
    load_archive(LARGE)
    modest = counts(uncached, paths(records(richest=False)))
    rich = counts(uncached, paths(records(richest=True)))
    compare(modest, rich, "modest record, richest record")
