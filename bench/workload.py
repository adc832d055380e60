"""The archives under test and the requests sent to them.

Each endpoint gets a list of request paths sampled from the archive (random published
verdicts, disputes of exactly 10 claims, searches for an event's name and one of its
topic words, feed pages reached by following the API's own `Link: rel="next"`), so a
load run spreads over many rows instead of hammering one cached row.
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urljoin

import sqlalchemy as sa

from bench import generate
from bench.load import fetch

OUT = Path(__file__).resolve().parent / "out"
API = "/api/v1"
FEED_PAGE = 50
SAMPLE = 100  # distinct paths per endpoint

# The endpoints, in report order: key -> label.
ENDPOINTS = {
    "verdict": "verdict detail",
    "feed": "verdict feed, page of 50",
    "feed_since": "feed with updated_since",
    "dispute": "dispute detail (10 claims)",
    "search": "search",
    "dispute_html": "dispute page (HTML)",
    "not_modified": "conditional GET -> 304",
}


@dataclass
class Archive:
    scale: str
    url: str
    rows: dict[str, int]
    seconds: float
    generated_now: bool

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())

    @property
    def rate(self) -> float:
        return self.total_rows / self.seconds if self.seconds else 0.0


def migrations_head() -> str:
    versions = Path(__file__).resolve().parent.parent / "migrations" / "versions"
    revisions = sorted(p.name for p in versions.glob("*.py"))
    return revisions[-1] if revisions else ""


def sqlite_archive(scale: str, fresh: bool = False, progress=print) -> Archive:
    """bench/out/archive-<scale>.sqlite, made again when missing, stale or `fresh`.

    A sidecar JSON remembers the generator version, the migration head and the import
    figures, so iterations at 1M do not regenerate millions of rows each time."""
    OUT.mkdir(exist_ok=True)
    db_path = OUT / f"archive-{scale}.sqlite"
    meta_path = OUT / f"archive-{scale}.json"
    url = f"sqlite:///{db_path}"
    stamp = {"generator": generate.GENERATOR_VERSION, "head": migrations_head()}
    if not fresh and db_path.exists() and meta_path.exists():
        meta = json.loads(meta_path.read_text())
        if meta.get("stamp") == stamp:
            return Archive(scale, url, meta["rows"], meta["seconds"], generated_now=False)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    progress(f"Generating the {scale} archive into {db_path.relative_to(OUT.parent.parent)}")
    generate.migrate(url)
    report = generate.generate(url, generate.SCALES[scale], progress=progress)
    meta_path.write_text(json.dumps({"stamp": stamp, "rows": report.rows,
                                     "seconds": report.write_seconds,
                                     "wall_seconds": report.seconds}, indent=1))
    return Archive(scale, url, report.rows, report.write_seconds, generated_now=True)


def postgres_archive(server_url: str, scale: str, progress=print) -> tuple[Archive, callable]:
    """A throw-away database on the server at BENCH_DATABASE_URL, and its dropper."""
    import uuid

    base = sa.make_url(server_url)
    if base.drivername in ("postgresql", "postgres"):
        base = base.set(drivername="postgresql+psycopg")
    name = f"cc_bench_{scale}_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    url = base.set(database=name).render_as_string(hide_password=False)
    try:
        progress(f"Generating the {scale} archive into PostgreSQL database {name}")
        generate.migrate(url)
        report = generate.generate(url, generate.SCALES[scale], progress=progress)
    except BaseException:
        drop()
        raise
    return Archive(scale, url, report.rows, report.write_seconds, generated_now=True), drop


# -- the requests --------------------------------------------------------------------


@dataclass
class Samples:
    verdict_ids: list[int]
    dispute_ids: list[int]  # disputes of exactly 10 claims
    searches: list[str]
    since: list[str]  # updated_since values, each with a full page after it
    extra: dict[str, list[str]] = field(default_factory=dict)


def sample(url: str, seed: int = 6) -> Samples:
    rnd = random.Random(seed)
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        public = [r for (r,) in conn.execute(sa.text(
            "SELECT id FROM verdicts WHERE state IN ('published', 'withdrawn') "
            "AND deleted_at IS NULL"))]
        tens = [r for (r,) in conn.execute(sa.text(
            "SELECT dispute_id FROM claims WHERE deleted_at IS NULL "
            "GROUP BY dispute_id HAVING count(*) = 10"))]
        titles = [r for (r,) in conn.execute(sa.text(
            "SELECT title FROM events ORDER BY id"))]
        # A consumer syncing "since its last sync": somewhere in the newest 5% of changes.
        n_public = len(public)
        recent = [r for (r,) in conn.execute(sa.text(
            "SELECT updated_at FROM verdicts WHERE state IN ('published', 'withdrawn') "
            "ORDER BY updated_at DESC, id DESC LIMIT :n"), {"n": max(n_public // 20, 400)})]
    engine.dispose()
    stamps = recent[FEED_PAGE * 2:]  # at least two full pages after each
    since = [_iso(s) for s in rnd.sample(stamps, min(SAMPLE, len(stamps)))]
    searches = []
    for title in rnd.sample(titles, min(SAMPLE, len(titles))):
        m = re.match(r"The (\w+) (\w+)", title)  # "The Varnhold troops border"
        if m:
            searches.append(f"{m.group(1)} {m.group(2)}")
    return Samples(verdict_ids=rnd.sample(public, min(SAMPLE, len(public))),
                   dispute_ids=rnd.sample(tens, min(SAMPLE, len(tens))),
                   searches=searches, since=since)


def _iso(value) -> str:
    """A UTC ISO-8601 timestamp from what the driver returned (text on SQLite)."""
    from datetime import UTC, datetime

    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat()


def app_paths(s: Samples) -> dict[str, list[str]]:
    """The request paths of each endpoint, before probing (304 gets its ETags later)."""
    q = lambda v: quote(v, safe="")  # noqa: E731
    return {
        "verdict": [f"{API}/verdicts/{i}" for i in s.verdict_ids],
        "feed": [f"{API}/verdicts?limit={FEED_PAGE}"],  # extended by following rel=next
        "feed_since": [f"{API}/verdicts?limit={FEED_PAGE}&updated_since={q(t)}"
                       for t in s.since],
        "dispute": [f"{API}/disputes/{i}" for i in s.dispute_ids],
        "search": [f"{API}/search?q={q(t)}" for t in s.searches],
        "dispute_html": [f"/disputes/{i}" for i in s.dispute_ids],
        "not_modified": [f"{API}/verdicts/{i}" for i in s.verdict_ids],
    }


def datasette_paths(db_name: str, s: Samples) -> dict[str, list[str]]:
    """Datasette's equivalents: a row page, and the table page of 50 in feed order —
    at its fastest (no facet suggestions, no facets, no count of the matching rows), and
    once with its defaults (facet suggestions and the count), which is what a visitor
    gets who did not know the switches."""
    page = (f"/{db_name}/verdicts.json?_size={FEED_PAGE}&_shape=objects"
            f"&state__in=published,withdrawn&_sort=updated_at")
    return {
        "row": [f"/{db_name}/verdicts/{i}.json?_shape=objects" for i in s.verdict_ids],
        # extended by following next_url
        "page": [page + "&_nosuggest=1&_nofacet=1&_nocount=1"],
        "page_suggest": [page],
    }


def follow_next(base_url: str, first: str, pages: int) -> list[str]:
    """`first` and the pages after it, by the server's own next links (API: Link header;
    Datasette: next_url), so cursors are real ones."""
    paths = [first]
    url = base_url + first
    for _ in range(pages - 1):
        answer = fetch(url)
        if answer.status != 200:
            break
        nxt = None
        link = answer.headers.get("Link", "")
        m = re.search(r'<([^>]+)>;\s*rel="next"', link)
        if m:
            nxt = m.group(1)
        elif answer.headers.get("Content-Type", "").startswith("application/json"):
            try:
                nxt = json.loads(answer.body).get("next_url")
            except (ValueError, AttributeError):
                nxt = None
        if not nxt:
            break
        url = urljoin(url, nxt)
        paths.append(url[len(base_url):] if url.startswith(base_url) else
                     re.sub(r"^https?://[^/]+", "", url))
    return paths
