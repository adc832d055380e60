"""Full-text search across disputes, claims, quotes, sources and documents' text.

SQLite: FTS5 tables (porter stemming) kept in step by triggers; PostgreSQL: GIN
indexes on English tsvector expressions. Both made by migration 0002 (documents':
0010). The WHERE clauses below repeat the indexed expressions exactly, so the indexes
are used.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from app.extensions import db
from app.services import normalise
from app.services.errors import ValidationError

MAX_QUERY_LENGTH = 200
MAX_LIMIT = 100


@dataclass(frozen=True)
class SearchHit:
    kind: str  # dispute | claim | quote | source | document
    id: int
    title: str
    snippet: str
    rank: float  # higher is better; comparable within one search
    dispute_id: int | None


@dataclass(frozen=True)
class _Kind:
    table: str
    columns: tuple[str, ...]
    title: str
    dispute: str
    join: str = ""


# Deleted rows are left out by `t.deleted_at IS NULL` alone: a claim or quote of a
# deleted dispute is deleted with it (app/services/lifecycle.py).
KINDS: dict[str, _Kind] = {
    "dispute": _Kind("disputes", ("question", "summary"), "t.question", "t.id"),
    "claim": _Kind("claims", ("statement",), "t.statement", "t.dispute_id"),
    "quote": _Kind("quotes", ("exact",), "t.exact", "c.dispute_id",
                   "JOIN claims c ON c.id = t.claim_id"),
    "source": _Kind("sources", ("name", "title", "description"), "t.name", "NULL"),
    # documents' stored text (index: migration 0010)
    "document": _Kind("documents", ("title", "text"), "t.title", "NULL"),
}


def _pg_vector(columns: tuple[str, ...]) -> str:
    # Must stay identical to the index expression in migration 0002.
    joined = " || ' ' || ".join(f"coalesce({c}, '')" for c in columns)
    return f"to_tsvector('english', {joined})"


def _sqlite_sql(kind: _Kind) -> str:
    fts = f"{kind.table}_fts"
    return (
        f"SELECT t.id, -bm25({fts}) AS score, {kind.title} AS title, {kind.dispute} AS dispute_id,"
        f" snippet({fts}, -1, '', '', '…', 16) AS snippet"
        f" FROM {fts} JOIN {kind.table} t ON t.id = {fts}.rowid {kind.join}"
        f" WHERE {fts} MATCH :q AND t.deleted_at IS NULL"
        f" ORDER BY score DESC, t.id LIMIT :n"
    )


def _pg_sql(kind: _Kind, function: str = "websearch_to_tsquery") -> str:
    vector = _pg_vector(kind.columns)
    text = " || ' ' || ".join(f"coalesce(t.{c}, '')" for c in kind.columns)
    return (
        f"SELECT t.id, ts_rank({vector}, query) AS score, {kind.title} AS title,"
        f" {kind.dispute} AS dispute_id,"
        f" ts_headline('english', {text}, query,"
        f" 'StartSel=\"\", StopSel=\"\", MaxWords=24, MinWords=10') AS snippet"
        f" FROM {kind.table} t {kind.join}, {function}('english', :q) query"
        f" WHERE {vector} @@ query AND t.deleted_at IS NULL"
        f" ORDER BY score DESC, t.id LIMIT :n"
    )


def _fts5_query(q: str) -> str:
    """User words as quoted FTS5 terms, all required: no FTS5 syntax gets through. A
    name is looked for in all its spellings and aliases, a number in its formats
    (app/services/normalise.py: "Kiev" finds Kyiv, "Zelenskyy" Zelensky)."""
    return " AND ".join("(" + " OR ".join(f'"{" ".join(f)}"' for f in sorted(group)) + ")"
                    if len(group) > 1 else f'"{" ".join(next(iter(group)))}"'
                    for group in _word_groups(q))


def _word_groups(q: str) -> list[set[tuple[str, ...]]]:
    from app.services.matching import lexicon

    return [group for group in normalise.query_groups(q, lexicon()) if group]


def _pg_query(q: str) -> tuple[str, str]:
    """PostgreSQL: (the tsquery function, its argument) — websearch syntax as typed, or,
    when a word has other spellings, every spelling OR'd."""
    groups = _word_groups(q)
    if all(len(group) == 1 for group in groups):
        return "websearch_to_tsquery", q
    return "to_tsquery", " & ".join(
        "(" + " | ".join("(" + " <-> ".join(f) + ")" for f in sorted(group)) + ")"
        for group in groups)


def search(
    q: str, *, kinds: set[str] | None = None, limit: int = 20, offset: int = 0
) -> list[SearchHit]:
    """Ranked hits for the words in `q`, best first."""
    q = (q or "").strip()
    if not q:
        raise ValidationError("Give some words to search for.", {"q": ["required"]})
    if len(q) > MAX_QUERY_LENGTH:
        raise ValidationError("The search is too long.",
                              {"q": [f"at most {MAX_QUERY_LENGTH} characters"]})
    unknown = (kinds or set()) - set(KINDS)
    if unknown:
        raise ValidationError("Unknown kinds.", {"kind": [f"one of {', '.join(KINDS)}"]})
    limit = max(1, min(limit, MAX_LIMIT))
    offset = max(0, offset)
    sqlite = db.engine.dialect.name == "sqlite"
    function = "websearch_to_tsquery"
    if sqlite:
        term = _fts5_query(q)
    else:
        function, term = _pg_query(q)
    if not term:
        return []
    hits: list[SearchHit] = []
    for name, kind in KINDS.items():
        if kinds and name not in kinds:
            continue
        sql = _sqlite_sql(kind) if sqlite else _pg_sql(kind, function)
        rows = db.session.execute(sa.text(sql), {"q": term, "n": limit + offset})
        hits.extend(
            SearchHit(kind=name, id=row.id, title=row.title, snippet=row.snippet or row.title,
                      rank=float(row.score), dispute_id=row.dispute_id)
            for row in rows
        )
    order = list(KINDS)
    hits.sort(key=lambda h: (-h.rank, order.index(h.kind), h.id))
    return hits[offset : offset + limit]
