"""Generate a realistic Counterclaim archive by bulk insert into a migrated database.

The archive grows the way a newsroom's does: by more events, each with its own
disputes (2–30 competing accounts), sources, documents with short stored passages and
their SHA-256, quotes cut from those passages (most verbatim, some altered), typed links
between the accounts, and verdicts with their versions (published, corrected, withdrawn,
drafts) and evidence. Each event has a proper name of its own ("Varnhold"), so a search
for it finds about as many rows at 1M claims as at 10k; timestamps spread over four
years and verdict corrections keep arriving, so `updated_since` means something.

Rows are made with a seeded PRNG (same scale → same archive) and written per batch of
disputes with the driver's own bulk path: `executemany` on SQLite (its FTS5 triggers
index every row as it lands, as in production) and `COPY` on PostgreSQL. The schema
comes from the migrations only.

    python -m bench.generate --scale 10k --url sqlite:///bench/out/archive-10k.sqlite
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import io
import json
import random
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

SCALES = {"1k": 1_000, "10k": 10_000, "100k": 100_000, "1m": 1_000_000}
GENERATOR_VERSION = 3  # bump when the rows change (archives are remade)


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


START = datetime(2022, 11, 1, tzinfo=UTC)
SPAN = timedelta(days=4 * 365)
NOW = START + SPAN  # nothing in the archive is dated later

COMMON = _words(
    "troops border invasion warned officials president minister sanctions talks call "
    "embassy spokesman statement report intelligence estimate military forces attack "
    "ground freezes capital denied confirmed briefing reporters interview according "
    "security council weapons aid allies pipeline gas energy prices election ballots "
    "count fraud court ruling judge vaccine trial study data figures percent million "
    "billion budget deficit tax plan jobs unemployment wages inflation climate emissions "
    "target summit agreement treaty negotiators ceasefire refugees crossing shelter "
    "hospital strike protest police arrested charged investigation documents leaked memo "
    "email recording transcript video footage photo satellite images analysts experts "
    "said claimed insisted suggested admitted corrected retracted quoted anonymous source "
    "familiar conversation people officials government agency company shares market bank "
    "loan debt default rescue deal merger contract"
)
SYLLABLES = _words(
    "var nhol dra kest mor vin tal bra sor len qui dax fen gor hul jas kor lum nar pel "
    "rov sul tir ulm vex wen yor zan bel cor"
)
FIRST = _words(
    "Anna Boris Clara Dmytro Elena Farid Greta Hugo Irina Jonas Katya Lars Maria Nadia "
    "Oleg Petra Ravi Sofia Taras Uma Viktor Wanda Yulia Zoran"
)
LAST = _words(
    "Horne Kovalenko Smith Novak Weber Rossi Silva Tanaka Okafor Jensen Moreau Costa "
    "Ivanova Brandt Haddad Lindqvist Marsh Petrov Quinn Reyes"
)
ANON = ("a Ukrainian source", "two people familiar with the conversation",
        "a senior administration official", "a person briefed on the call",
        "officials speaking on condition of anonymity", "a diplomat in the region")
RELATIONS = ("citing", "quoting", "citing", "citing", "retweeting")
LINK_TYPES = ("denies", "contradicts", "supports", "corroborates", "corrects",
              "retracts", "repeats", "narrows")
DISPUTE_STATES = ("open", "contested", "conceded", "corrected", "resolved", "unresolvable")
CLAIM_KINDS = ("attributed_quote", "factual_assertion", "numeric_figure",
               "characterisation", "denial")


def proper_name(n: int) -> str:
    """A distinct pronounceable name per integer: Varnhol, Drakest, ..."""
    parts = []
    n += len(SYLLABLES) ** 2  # at least three syllables
    while n:
        n, r = divmod(n, len(SYLLABLES))
        parts.append(SYLLABLES[r])
    return "".join(parts).capitalize()


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# -- the tables, in insert order ----------------------------------------------------------

COLUMNS: dict[str, tuple[str, ...]] = {
    "users": ("id", "email", "name", "role", "password_hash", "active", "created_at",
              "updated_at", "lock_version"),
    "sources": ("id", "slug", "name", "kind", "title", "description", "url", "parent_id",
                "created_at", "updated_at", "lock_version"),
    "events": ("id", "slug", "title", "occurred_on", "date_precision", "summary",
               "created_at", "updated_at", "lock_version"),
    "disputes": ("id", "event_id", "slug", "question", "summary", "state", "created_at",
                 "updated_at", "lock_version"),
    "documents": ("id", "url", "title", "publisher_id", "published_at", "text", "text_sha256",
                  "created_at", "updated_at", "lock_version"),
    "claims": ("id", "dispute_id", "position", "claimant_id", "statement", "kind",
               "sourcing_level", "independent_sources", "stated_at", "stated_precision",
               "first_appearance_id", "created_at", "updated_at", "lock_version"),
    "claim_attributions": ("id", "claim_id", "position", "source_id", "relation"),
    "claim_appearances": ("id", "claim_id", "document_id", "note"),
    "quotes": ("id", "claim_id", "speaker_id", "document_id", "exact", "prefix", "suffix",
               "integrity", "closest_match", "diff", "checked_at", "checked_sha256",
               "created_at", "updated_at", "lock_version"),
    "links": ("id", "from_claim_id", "to_claim_id", "type", "scope", "scope_quote_id", "note",
              "created_at", "updated_at", "lock_version"),
    "verdicts": ("id", "claim_id", "author_id", "state", "rating_value", "rationale",
                 "current_version", "published_at", "created_at", "updated_at",
                 "lock_version"),
    "verdict_versions": ("id", "verdict_id", "number", "state", "rating_value", "rationale",
                         "reason", "author_id", "created_at", "published_at"),
    "verdict_evidence": ("id", "version_id", "claim_id", "document_id", "stance", "note"),
    "revisions": ("id", "entity_type", "entity_id", "action", "actor_id", "at", "reason",
                  "before", "after"),
}
DATETIME_COLUMNS = {"created_at", "updated_at", "published_at", "stated_at", "checked_at", "at"}
JSON_COLUMNS = {"diff", "before", "after"}


@dataclass
class Batch:
    rows: dict[str, list[tuple]] = field(default_factory=lambda: {t: [] for t in COLUMNS})

    def add(self, table: str, row: tuple) -> None:
        self.rows[table].append(row)

    def __len__(self) -> int:
        return sum(len(r) for r in self.rows.values())


class Ids:
    def __init__(self) -> None:
        self.last: dict[str, int] = dict.fromkeys(COLUMNS, 0)

    def next(self, table: str) -> int:
        self.last[table] += 1
        return self.last[table]


# -- the archive ------------------------------------------------------------------------


class Archive:
    """Yields batches of rows for `claims` claims; deterministic for a given seed."""

    USERS = 40

    def __init__(self, claims: int, seed: int = 6) -> None:
        self.target = claims
        self.rnd = random.Random(seed)
        self.ids = Ids()
        self.n_sources = max(300, claims // 20)
        self.events_made = 0

    # sources: institutions first, so people and anonymous sources can name a parent
    def people_and_sources(self) -> Batch:
        rnd, b = self.rnd, Batch()
        for i in range(1, self.USERS + 1):
            role = "editor" if i % 4 == 0 else "journalist"
            at = START - timedelta(days=30)
            b.add("users", (self.ids.next("users"), f"staff{i}@newsroom.example",
                            f"{FIRST[i % len(FIRST)]} {LAST[i % len(LAST)]}", role, None, True,
                            at, at, 1))
        institutions = max(60, self.n_sources // 5)
        self.outlets: list[int] = []
        self.institutions: list[int] = []
        self.people: list[int] = []
        self.anonymous: list[int] = []
        for i in range(self.n_sources):
            sid = self.ids.next("sources")
            at = START + SPAN * (i / self.n_sources) * 0.5
            parent = None
            description = ""
            title = ""
            if i < institutions:
                kind = ("outlet", "organisation", "government_body")[i % 3]
                name = f"{proper_name(1_000_000 + i)} {('News', 'Institute', 'Ministry')[i % 3]}"
                if kind == "outlet":
                    self.outlets.append(sid)
                else:
                    self.institutions.append(sid)
                if kind == "government_body" and i > 10 and rnd.random() < 0.3:
                    parent = rnd.choice(self.institutions[:-1] or [None])
            elif rnd.random() < 0.14:
                kind = "anonymous"
                description = rnd.choice(ANON)
                name = description.capitalize() + f" ({proper_name(2_000_000 + i)})"
                self.anonymous.append(sid)
            elif rnd.random() < 0.04:
                kind = "document"
                name = f"The {proper_name(3_000_000 + i)} memo"
            else:
                kind = "person"
                name = f"{rnd.choice(FIRST)} {proper_name(4_000_000 + i)}"
                title = rnd.choice(("spokeswoman", "spokesman", "minister", "reporter",
                                    "analyst", "senator", "general", "ambassador", ""))
                if rnd.random() < 0.5:
                    parent = rnd.choice(self.institutions + self.outlets)
                self.people.append(sid)
            url = None if kind == "anonymous" else f"https://sources.example/{sid}"
            b.add("sources", (sid, f"source-{sid}", name, kind, title, description, url, parent,
                              at, at, 1))
        return b

    def batches(self, disputes_per_batch: int = 500) -> Iterator[Batch]:
        yield self.people_and_sources()
        made = 0
        while made < self.target:
            batch = Batch()
            for _ in range(disputes_per_batch):
                if made >= self.target:
                    break
                made += self._event(batch, self.target - made)
            yield batch

    def _when(self) -> datetime:
        # Archive time grows with the archive; a little jitter keeps ties rare.
        frac = self.ids.last["claims"] / self.target
        return START + SPAN * (0.99 * frac) + timedelta(seconds=self.rnd.random() * 600)

    def _event(self, b: Batch, remaining: int) -> int:
        """One event with 1–4 disputes; returns the claims it made."""
        rnd = self.rnd
        eid = self.ids.next("events")
        token = proper_name(eid)
        topic = rnd.sample(COMMON, 6)
        at = self._when()
        b.add("events", (eid, f"event-{eid}", f"The {token} {topic[0]} {topic[1]}",
                         (at - timedelta(days=rnd.randint(0, 20))).date(),
                         rnd.choice(("day", "day", "month", "approximate")),
                         f"What happened at {token}: {' '.join(topic)}.", at, at, 1))
        made = 0
        for _ in range(rnd.randint(1, 4)):
            size = min(30, 2 + int(rnd.expovariate(1 / 6)))
            size = max(2, min(size, remaining - made)) if remaining - made >= 2 else 2
            self._dispute(b, eid, token, topic, size)
            made += size
            if made >= remaining:
                break
        return made

    def _sentence(self, token: str, topic: list[str], words: int) -> str:
        rnd = self.rnd
        body = rnd.choices(COMMON, k=words - 3) + rnd.sample(topic, 2) + [token]
        rnd.shuffle(body)
        return " ".join(body).capitalize() + "."

    def _dispute(self, b: Batch, eid: int, token: str, topic: list[str], size: int) -> None:
        rnd, ids = self.rnd, self.ids
        did = ids.next("disputes")
        created = self._when()
        updated = min(NOW, created + timedelta(days=rnd.expovariate(1 / 20)))
        b.add("disputes", (did, eid, f"dispute-{did}",
                           f"Did {token} {' '.join(rnd.sample(topic, 3))}?",
                           self._sentence(token, topic, 20), rnd.choice(DISPUTE_STATES),
                           created, updated, 1))
        self._revision(b, "disputes", did, created, {"question": f"dispute {did}"})

        # The documents the accounts appear in: short stored passages with their hash.
        docs: list[tuple[int, str, str]] = []  # (id, text, sha)
        for _ in range(max(1, size // 2 + rnd.randint(0, 1))):
            doc_id = ids.next("documents")
            text = " ".join(self._sentence(token, topic, rnd.randint(14, 24)) for _ in range(3))
            digest = sha256(text)
            published = created - timedelta(hours=rnd.random() * 48)
            publisher = rnd.choice(self.outlets)
            b.add("documents", (doc_id, f"https://news{publisher}.example/{doc_id}",
                                f"{token}: {' '.join(rnd.sample(topic, 3))}", publisher,
                                published, text, digest, created, created, 1))
            docs.append((doc_id, text, digest))

        claims: list[tuple[int, int, list[int]]] = []  # (id, claimant, quote ids)
        for position in range(size):
            cid = ids.next("claims")
            anonymous = rnd.random() < 0.25
            claimant = rnd.choice(self.anonymous if anonymous else self.people)
            doc_id, text, digest = rnd.choice(docs)
            level = "anonymous" if anonymous else rnd.choice(
                ("on_record", "on_record", "on_background", "documentary"))
            kind = "denial" if position and rnd.random() < 0.2 else rnd.choice(CLAIM_KINDS)
            c_at = created + timedelta(minutes=rnd.randint(0, 60 * 24 * 3))
            b.add("claims", (cid, did, position, claimant, self._sentence(token, topic, 16),
                             kind, level, rnd.randint(1, 3) if not anonymous else 1,
                             c_at - timedelta(hours=rnd.randint(0, 72)),
                             rnd.choice(("day", "day", "day", "month", "approximate")),
                             doc_id, c_at, c_at, 1))
            self._revision(b, "claims", cid, c_at, {"dispute_id": did, "position": position})
            if anonymous:  # outlet <- the anonymous source it cites
                b.add("claim_attributions", (ids.next("claim_attributions"), cid, 0,
                                             rnd.choice(self.outlets), "citing"))
                b.add("claim_attributions", (ids.next("claim_attributions"), cid, 1, claimant,
                                             rnd.choice(RELATIONS)))
            elif rnd.random() < 0.2:
                b.add("claim_attributions", (ids.next("claim_attributions"), cid, 0,
                                             rnd.choice(self.outlets), "quoting"))
            if len(docs) > 1 and rnd.random() < 0.3:
                other = rnd.choice([d for d in docs if d[0] != doc_id])
                b.add("claim_appearances", (ids.next("claim_appearances"), cid, other[0],
                                            "repeated"))
            quotes = []
            for _ in range(rnd.choice((0, 1, 1, 1, 2, 2))):
                quotes.append(self._quote(b, cid, claimant, doc_id, text, digest, c_at))
            claims.append((cid, claimant, quotes))

        # Links: each later account answers an earlier one; some scoped to one quote.
        for i in range(1, size):
            src = claims[i][0]
            target = claims[rnd.randrange(i)]
            scoped = target[2] and rnd.random() < 0.3
            link_type = rnd.choice(LINK_TYPES)
            l_at = created + timedelta(hours=rnd.randint(1, 96))
            b.add("links", (ids.next("links"), src, target[0], link_type,
                            "quote" if scoped else "claim",
                            rnd.choice(target[2]) if scoped else None,
                            f"{link_type} the account" if rnd.random() < 0.5 else "",
                            l_at, l_at, 1))

        for cid, _, _ in claims:
            if rnd.random() < 0.5:
                self._verdict(b, cid, created, claims, docs)

    def _quote(self, b, cid, speaker, doc_id, text, digest, at) -> int:
        rnd = self.rnd
        qid = self.ids.next("quotes")
        words = text.split()
        start = rnd.randrange(0, max(1, len(words) - 6))
        n = rnd.randint(2, 6)
        exact = " ".join(words[start:start + n])
        prefix = " ".join(words[max(0, start - 4):start])
        suffix = " ".join(words[start + n:start + n + 4])
        roll = rnd.random()
        closest = diff = checked = checked_sha = None
        if roll < 0.7:
            integrity, checked, checked_sha = "verbatim", at, digest
        elif roll < 0.8:
            integrity, checked, checked_sha = "altered", at, digest
            closest = exact
            altered = rnd.choice(COMMON)
            exact = exact.rsplit(" ", 1)[0] + " " + altered
            diff = [{"op": "equal", "text": closest.rsplit(" ", 1)[0]},
                    {"op": "replace", "quoted": altered, "source": closest.rsplit(" ", 1)[-1]}]
        elif roll < 0.85:
            integrity, checked, checked_sha = "not_found", at, digest
            exact = " ".join(rnd.sample(COMMON, 4))
        else:
            integrity = "unchecked"
        b.add("quotes", (qid, cid, speaker, doc_id, exact, prefix, suffix, integrity, closest,
                         diff, checked, checked_sha, at, at, 1))
        return qid

    def _verdict(self, b, cid, created, claims, docs) -> None:
        rnd, ids = self.rnd, self.ids
        vid = ids.next("verdicts")
        author = rnd.randint(1, self.USERS)
        roll = rnd.random()
        state = "draft" if roll < 0.15 else "withdrawn" if roll < 0.22 else "published"
        corrections = 0 if state == "draft" else (rnd.choice((1, 1, 2)) if rnd.random() < 0.2
                                                  else 0)
        rating = rnd.randint(1, 5)
        rationale = f"Rated on the evidence: {' '.join(rnd.sample(COMMON, 12))}."
        at = min(NOW, created + timedelta(days=rnd.expovariate(1 / 5)))
        first_published = None if state == "draft" else at
        versions = [("draft" if state == "draft" else "published", rating, rationale, "", at,
                     first_published)]
        for n in range(corrections):
            # Corrections arrive later, some long after (they keep the feed moving).
            at = min(NOW, at + timedelta(days=rnd.expovariate(1 / 90)))
            rating = max(1, min(5, rating + rnd.choice((-1, 1))))
            versions.append(("published", rating, rationale + f" Corrected ({n + 1}).",
                             "New evidence on the figures.", at, at))
        if state == "withdrawn":
            at = min(NOW, at + timedelta(days=rnd.expovariate(1 / 60)))
            versions.append(("withdrawn", rating, versions[-1][2],
                             "The claim was misattributed; verdict withdrawn.", at, at))
        last = versions[-1]
        b.add("verdicts", (vid, cid, author, state, last[1], last[2], len(versions),
                           first_published, versions[0][4], last[4], len(versions)))
        for number, (v_state, v_rating, v_rationale, reason, v_at, v_pub) in enumerate(
                versions, 1):
            vvid = ids.next("verdict_versions")
            b.add("verdict_versions", (vvid, vid, number, v_state, v_rating, v_rationale,
                                       reason, author, v_at, v_pub))
            self._revision(b, "verdict_versions", vvid, v_at,
                           {"verdict_id": vid, "number": number, "state": v_state})
            for _ in range(rnd.randint(1, 3)):
                if rnd.random() < 0.5:
                    other = rnd.choice(claims)[0]
                    target = (other, None) if other != cid else (None, rnd.choice(docs)[0])
                else:
                    target = (None, rnd.choice(docs)[0])
                b.add("verdict_evidence", (ids.next("verdict_evidence"), vvid, *target,
                                           rnd.choice(("supports", "refutes")), ""))

    def _revision(self, b: Batch, entity: str, entity_id: int, at: datetime,
                  after: dict[str, Any]) -> None:
        b.add("revisions", (self.ids.next("revisions"), entity, entity_id, "create",
                            self.rnd.randint(1, self.USERS), at, "", None, after))


# -- writing ----------------------------------------------------------------------------


def _sqlite_value(name: str) -> Callable[[Any], Any]:
    if name in DATETIME_COLUMNS:
        # The exact text SQLAlchemy's SQLite DateTime writes (naive UTC, microseconds),
        # so range comparisons in the app's queries order these rows correctly.
        return lambda v: None if v is None else v.astimezone(UTC).isoformat(
            " ", "microseconds")[:26]
    if name in JSON_COLUMNS:
        return lambda v: None if v is None else json.dumps(v)
    return lambda v: v.isoformat() if isinstance(v, date) else v


def _pg_value(name: str) -> Callable[[Any], Any]:
    if name in JSON_COLUMNS:
        return lambda v: None if v is None else json.dumps(v)
    return lambda v: v


class Writer:
    """Bulk-writes batches through the DB-API connection of a SQLAlchemy engine."""

    def __init__(self, engine) -> None:
        self.engine = engine
        self.dialect = engine.dialect.name
        self.raw = engine.raw_connection()
        self.conn = self.raw.driver_connection
        value = _sqlite_value if self.dialect == "sqlite" else _pg_value
        self.converters = {t: [value(c) for c in cols] for t, cols in COLUMNS.items()}
        self.seconds = dict.fromkeys([*COLUMNS, "(commit)"], 0.0)
        self.plain = {t: all(c not in DATETIME_COLUMNS | JSON_COLUMNS for c in cols)
                      for t, cols in COLUMNS.items()}
        self.triggers: list[tuple[str, str]] = []
        if self.dialect == "sqlite":
            self.conn.execute("PRAGMA synchronous=OFF")
            self.conn.execute("PRAGMA cache_size=-200000")
            # FTS5 indexes a bulk load an order of magnitude faster in one 'rebuild' than
            # row by row through the triggers: set the migration's triggers aside (their
            # SQL verbatim), load, rebuild, put them back.
            self.triggers = self.conn.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").fetchall()
            for name, _ in self.triggers:
                self.conn.execute(f"DROP TRIGGER {name}")
            self.conn.commit()
        else:
            # As pg_restore --disable-triggers does: the rows are consistent by
            # construction, so the per-row foreign-key triggers are skipped during the
            # load (needs a superuser; without one the load just runs slower).
            with self.conn.cursor() as cur:
                try:
                    cur.execute("SET session_replication_role = replica")
                    self.conn.commit()
                except Exception:
                    self.conn.rollback()

    def _rows(self, table: str, rows: list[tuple]) -> Iterable[tuple]:
        if self.plain[table] and self.dialect == "sqlite":
            return rows
        conv = self.converters[table]
        return (tuple(f(v) for f, v in zip(conv, row, strict=True)) for row in rows)

    def write(self, batch: Batch) -> None:
        if self.dialect == "sqlite":
            cur = self.conn.cursor()
            for table, rows in batch.rows.items():
                if rows:
                    cols = COLUMNS[table]
                    sql = (f"INSERT INTO {table} ({', '.join(cols)}) "
                           f"VALUES ({', '.join('?' * len(cols))})")
                    values = list(self._rows(table, rows))  # Python's share, not timed
                    started = time.perf_counter()
                    cur.executemany(sql, values)
                    self.seconds[table] += time.perf_counter() - started
            started = time.perf_counter()
            self.conn.commit()
            self.seconds["(commit)"] += time.perf_counter() - started
        else:
            with self.conn.cursor() as cur:
                for table, rows in batch.rows.items():
                    if rows:
                        cols = ", ".join(COLUMNS[table])
                        values = list(self._rows(table, rows))
                        started = time.perf_counter()
                        with cur.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                            for row in values:
                                copy.write_row(row)
                        self.seconds[table] += time.perf_counter() - started
            started = time.perf_counter()
            self.conn.commit()
            self.seconds["(commit)"] += time.perf_counter() - started

    def finish(self, ids: Ids) -> None:
        if self.dialect == "sqlite":
            started = time.perf_counter()
            fts = [name for (name,) in self.conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND sql LIKE 'CREATE VIRTUAL TABLE%USING fts5%'")]
            for name in fts:
                self.conn.execute(f"INSERT INTO {name}({name}) VALUES ('rebuild')")
            for _, sql in self.triggers:
                self.conn.execute(sql)
            self.conn.commit()
            for name in fts:  # raises if the index and its table disagree
                self.conn.execute(f"INSERT INTO {name}({name}) VALUES ('integrity-check')")
            self.conn.commit()
            self.seconds["(full-text index)"] = time.perf_counter() - started
            self.conn.execute("PRAGMA synchronous=NORMAL")
            self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        else:
            started = time.perf_counter()
            with self.conn.cursor() as cur:
                for table in COLUMNS:  # the app inserts after us: move the sequences on
                    cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                f"GREATEST({ids.last[table]}, 1))")
            self.conn.commit()
            self.conn.autocommit = True
            with self.conn.cursor() as cur:
                cur.execute("RESET session_replication_role")  # the connection goes back
                cur.execute("VACUUM ANALYZE")                  # to the pool: FKs back on
            self.conn.autocommit = False
            self.seconds["(analyze)"] = time.perf_counter() - started
        self.raw.close()


@dataclass
class Report:
    claims: int
    rows: dict[str, int]
    seconds: float  # wall time, making the rows in Python included
    write_seconds: float  # time in the database: bulk inserts, full-text index, ANALYZE

    @property
    def total(self) -> int:
        return sum(self.rows.values())

    @property
    def rate(self) -> float:
        """The import rate: rows per second of database time."""
        return self.total / self.write_seconds if self.write_seconds else 0.0


def migrate(url: str) -> None:
    """A freshly migrated schema: `flask db upgrade`, run in-process."""
    from flask_migrate import upgrade

    from app import create_app
    from app.extensions import db
    from config import ProductionConfig

    class BenchConfig(ProductionConfig):
        SQLALCHEMY_DATABASE_URI = url

        @classmethod
        def validate(cls) -> None:  # no secrets are needed to migrate
            pass

    app = create_app(BenchConfig)
    chatter = io.StringIO()  # alembic's INFO lines; shown only when the upgrade fails
    with app.app_context():
        try:
            with contextlib.redirect_stderr(chatter):
                upgrade()
        except BaseException:
            sys.stderr.write(chatter.getvalue())
            raise
        finally:
            db.session.remove()
            db.engine.dispose()


def generate(url: str, claims: int, progress: Callable[[str], None] = print) -> Report:
    """Fill the migrated database at `url` with an archive of `claims` claims."""
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    if engine.dialect.name == "sqlite":  # the app's PRAGMAs (FKs on, WAL) apply here too
        import app.extensions  # noqa: F401
    archive = Archive(claims)
    writer = Writer(engine)
    counts = dict.fromkeys(COLUMNS, 0)
    started = time.perf_counter()
    next_report = 0.0
    for batch in archive.batches():
        writer.write(batch)
        for table, rows in batch.rows.items():
            counts[table] += len(rows)
        elapsed = time.perf_counter() - started
        if elapsed >= next_report:
            progress(f"  {counts['claims']:>9,} / {claims:,} claims, "
                     f"{sum(counts.values()):>10,} rows, {elapsed:6.1f} s")
            next_report = elapsed + 10
    writer.finish(archive.ids)
    seconds = time.perf_counter() - started
    engine.dispose()
    return Report(claims=counts["claims"], rows=counts, seconds=seconds,
                  write_seconds=sum(writer.seconds.values()))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="10k", choices=SCALES)
    parser.add_argument("--url", required=True, help="an empty database (it is migrated)")
    args = parser.parse_args(argv)
    migrate(args.url)
    report = generate(args.url, SCALES[args.scale])
    print(f"{report.total:,} rows in {report.seconds:.1f} s ({report.write_seconds:.1f} s in "
          f"the database): {report.rate:,.0f} rows/s")
    for table, n in report.rows.items():
        print(f"  {table:20} {n:>10,}")


if __name__ == "__main__":
    main()
