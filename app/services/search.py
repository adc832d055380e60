"""Full-text search across disputes, claims, quotes, sources and documents' text.

SQLite: FTS5 tables (porter stemming) kept in step by triggers; PostgreSQL: GIN
indexes on English tsvector expressions. Both made by migration 0002 (documents':
0010). The WHERE clauses below repeat the indexed expressions exactly, so the indexes
are used.

One statement per search: each kind's best hits (a subquery of its own, ranked and
cut there), all kinds together by UNION ALL, and one more row carrying the generation
of the aliases table (app/cache_keys.py: every committed write to it moves its key on;
a write the app cannot name moves `content_generation`). The words are looked for in
the spellings of the lexicon (shipped names + stored aliases) this process last read
from that database, kept with that generation: when the statement reports another
one, the lexicon is read again and the search made again with it — so the next search
after an alias is committed uses it, in every worker, and a search costs no read of
the aliases table.

SQLite, large indexes: a query of single words is ranked without bm25()'s count of
each word's rows in the whole table (app/services/bm25.py), in two statements.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache

import sqlalchemy as sa

from app import cache_keys
from app.extensions import db
from app.reads.rows import read as read_rows
from app.services import bm25, normalise
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


# (typed: PostgreSQL would read a bare NULL of a subquery as text, which a UNION of
# integers refuses)
_NO_DISPUTE = "CAST(NULL AS INTEGER)"

# Deleted rows are left out by `t.deleted_at IS NULL` alone: a claim or quote of a
# deleted dispute is deleted with it (app/services/lifecycle.py).
KINDS: dict[str, _Kind] = {
    "dispute": _Kind("disputes", ("question", "summary"), "t.question", "t.id"),
    "claim": _Kind("claims", ("statement",), "t.statement", "t.dispute_id"),
    "quote": _Kind("quotes", ("exact",), "t.exact", "c.dispute_id",
                   "JOIN claims c ON c.id = t.claim_id"),
    "source": _Kind("sources", ("name", "title", "description"), "t.name", _NO_DISPUTE),
    # documents' stored text (index: migration 0010)
    "document": _Kind("documents", ("title", "text"), "t.title", _NO_DISPUTE),
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


# The generation the lexicon depends on, as one more row of the search (kind "aliases":
# `id` content_generation, `dispute_id` the aliases key; 0 before its first write).
_GENERATION_ROW = (
    "SELECT 'aliases' AS kind, (SELECT value FROM content_generation WHERE id = 1) AS id,"
    " NULL AS score, NULL AS title,"
    " coalesce((SELECT generation FROM cache_keys WHERE key = 'aliases'), 0) AS dispute_id,"
    " NULL AS snippet")


_GENERATION = sa.text(
    "SELECT (SELECT value FROM content_generation WHERE id = 1),"
    " coalesce((SELECT generation FROM cache_keys WHERE key = 'aliases'), 0)")


@lru_cache(maxsize=64)
def _statement(dialect: str, names: tuple[str, ...], function: str) -> sa.TextClause:
    """The kinds `names`, each ranked and cut in its own subquery, and the generation
    (SQLite: and each kind's index averages, for its size)."""
    parts = []
    for name in names:
        kind = KINDS[name]
        sql = _sqlite_sql(kind) if dialect == "sqlite" else _pg_sql(kind, function)
        parts.append(f"SELECT '{name}' AS kind, * FROM ({sql}) AS {name}_hits")
        if dialect == "sqlite":
            parts.append(f"SELECT '{name}:index', NULL, NULL, NULL, NULL,"
                         f" (SELECT block FROM {kind.table}_fts_data WHERE id = 1)")
    return sa.text(" UNION ALL ".join([*parts, _GENERATION_ROW]))


def _fts5_query(q: str, lexicon: normalise.Lexicon | None = None) -> str:
    """User words as quoted FTS5 terms, all required: no FTS5 syntax gets through. A
    name is looked for in all its spellings and aliases, a number in its formats
    (app/services/normalise.py: "Kiev" finds Kyiv, "Zelenskyy" Zelensky)."""
    return " AND ".join("(" + " OR ".join(f'"{" ".join(f)}"' for f in sorted(group)) + ")"
                    if len(group) > 1 else f'"{" ".join(next(iter(group)))}"'
                    for group in _word_groups(q, lexicon))


def _word_groups(q: str, lexicon: normalise.Lexicon | None = None
                 ) -> list[set[tuple[str, ...]]]:
    if lexicon is None:
        lexicon = _read_lexicon()[1]
    return [group for group in normalise.query_groups(q, lexicon) if group]


def _pg_query(q: str, lexicon: normalise.Lexicon | None = None) -> tuple[str, str]:
    """PostgreSQL: (the tsquery function, its argument) — websearch syntax as typed, or,
    when a word has other spellings, every spelling OR'd."""
    groups = _word_groups(q, lexicon)
    if all(len(group) == 1 for group in groups):
        return "websearch_to_tsquery", q
    return "to_tsquery", " & ".join(
        "(" + " | ".join("(" + " <-> ".join(f) + ")" for f in sorted(group)) + ")"
        for group in groups)


@lru_cache(maxsize=2048)
def _terms(q: str, sqlite: bool, lexicon: normalise.Lexicon
           ) -> tuple[str, str, tuple[str, ...] | None]:
    """(tsquery function, the query, its phrases when each is one word — SQLite only:
    then app/services/bm25.py ranks) for `q` read with `lexicon`. Kept per lexicon:
    searches repeat, and reading a query's names and numbers is not free."""
    if not sqlite:
        return (*_pg_query(q, lexicon), None)
    groups = _word_groups(q, lexicon)
    # FTS5 numbers the phrases as they come in the query: _fts5_query's order
    phrases = [" ".join(f) for group in groups for f in sorted(group)]
    single = all(_ONE_WORD.fullmatch(p) for p in phrases)
    return "websearch_to_tsquery", _fts5_query(q, lexicon), tuple(phrases) if single else None


_ONE_WORD = re.compile(r"[^\W_]+")  # one token for FTS5's unicode61 as well


# Per database (an app's engine): the (generation, lexicon) this process last read.
_LEXICON: dict[sa.Engine, tuple[tuple[int, int], normalise.Lexicon]] = {}


def _read_lexicon() -> tuple[tuple[int, int], normalise.Lexicon]:
    """The lexicon now (shipped names and the stored aliases), with its generation (read
    first: the lexicon is never older than its label)."""
    from app.services.matching import lexicon

    generation = tuple(db.session.execute(_GENERATION).one())
    found = (generation, lexicon())
    if not cache_keys.pending(db.session(), "aliases"):  # committed aliases only
        _LEXICON[db.engine] = found
    return found


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
    dialect = db.engine.dialect.name
    names = tuple(name for name in KINDS if not kinds or name in kinds)
    session = db.session()
    if session.autoflush:  # what this transaction wrote is searched too, as it was
        session.flush()
    known = _LEXICON.get(db.engine)
    if known is None or cache_keys.pending(session, "aliases"):
        known = _read_lexicon()
    while True:
        generation, lexicon = known
        function, term, words = _terms(q, dialect == "sqlite", lexicon)
        if not term:
            return []
        if words is None or not any(_ROWS.get((db.engine, name), 0) >= bm25.LARGE
                                    for name in names):
            # a statement built once per set of kinds: run as a read model's
            # (app/reads/rows.py), on the session's connection while it writes
            rows = read_rows(_statement(dialect, names, function),
                             {"q": term, "n": limit + offset})
            now = next((row.id, row.dispute_id) for row in rows if row.kind == "aliases")
            for row in rows:
                if row.kind.endswith(":index"):
                    name = row.kind.removesuffix(":index")
                    _ROWS[db.engine, name] = bm25.averages(row.snippet,
                                                           len(KINDS[name].columns))[0]
            rows = [(row.kind, row.id, float(row.score), row.title, row.dispute_id,
                     row.snippet) for row in rows if row.kind != "aliases"
                    and not row.kind.endswith(":index")]
        else:
            rows, now = _ranked_here(names, term, words, limit + offset)
        if now == generation:
            break
        known = _read_lexicon()  # an alias was written since: search with it
        if _terms(q, dialect == "sqlite", known[1]) == (function, term, words):
            break  # (the same words either way)
    hits = [SearchHit(kind=kind, id=id_, title=title, snippet=snippet or title, rank=rank,
                      dispute_id=dispute_id)
            for kind, id_, rank, title, dispute_id, snippet in rows]
    order = {name: i for i, name in enumerate(KINDS)}
    hits.sort(key=lambda h: (-h.rank, order[h.kind], h.id))
    return hits[offset : offset + limit]


# -- SQLite, a query of single words: ranked here (app/services/bm25.py) ---------------

# Rows in each kind's index, as last read (SQLite): a search ranks here only where an
# index is past bm25.LARGE rows; below that, bm25()'s own count is the cheaper.
_ROWS: dict[tuple[sa.Engine, str], int] = {}


@lru_cache(maxsize=64)
def _matches_statement(names: tuple[str, ...]) -> sa.TextClause:
    """Every kind's matches (up to one past bm25.CANDIDATES) with each one's size, each
    kind's index averages and table generation, and the aliases' generation."""
    parts = []
    for name in names:
        kind = KINDS[name]
        fts = f"{kind.table}_fts"
        parts.append(
            f"SELECT * FROM (SELECT '{name}' AS kind, t.id AS id, {kind.title} AS title,"
            f" {kind.dispute} AS dispute_id, d.sz AS data"
            f" FROM {fts} JOIN {kind.table} t ON t.id = {fts}.rowid {kind.join}"
            f" JOIN {fts}_docsize d ON d.id = {fts}.rowid"
            f" WHERE {fts} MATCH :q AND t.deleted_at IS NULL"
            f" LIMIT {bm25.CANDIDATES + 1}) AS {name}_matches")
        parts.append(
            f"SELECT '{name}:index' AS kind,"
            f" coalesce((SELECT generation FROM cache_keys WHERE key = '{kind.table}'), 0),"
            f" NULL, NULL, (SELECT block FROM {fts}_data WHERE id = 1)")
    parts.append("SELECT 'aliases', (SELECT value FROM content_generation WHERE id = 1), NULL,"
                 " coalesce((SELECT generation FROM cache_keys WHERE key = 'aliases'), 0),"
                 " NULL")
    return sa.text(" UNION ALL ".join(parts))


def _ranked_here(names: tuple[str, ...], term: str, words: tuple[str, ...], n: int
                 ) -> tuple[list[tuple], tuple[int, int]]:
    """Each kind's best `n` hits as (kind, id, rank, title, dispute_id, snippet), and the
    aliases' generation. Two statements: the matches, then — for the kinds with any —
    how often each word occurs in each match, their snippets, the document frequencies
    not known at this generation, and bm25()'s own ranking for kinds with too many."""
    matches: dict[str, list] = {}
    index: dict[str, tuple[int, bytes | None]] = {}
    now = (0, 0)
    for row in read_rows(_matches_statement(names), {"q": term}):
        if row.kind == "aliases":
            now = (row.id, row.dispute_id)
        elif row.kind.endswith(":index"):
            index[row.kind.removesuffix(":index")] = (row.id, row.data)
        else:
            matches.setdefault(row.kind, []).append(row)
    if not matches:
        return [], now
    distinct = list(dict.fromkeys(words))
    params: dict[str, object] = {"q": term, "n": n}
    params.update({f"w{j}": f'"{word}"' for j, word in enumerate(distinct)})
    parts, frequencies = [], {}
    for name, rows in matches.items():
        kind = KINDS[name]
        fts = f"{kind.table}_fts"
        _ROWS[db.engine, name] = bm25.averages(index[name][1], len(kind.columns))[0]
        if len(rows) > bm25.CANDIDATES or _ROWS[db.engine, name] < bm25.LARGE:
            parts.append(f"SELECT * FROM (SELECT '{name}' AS kind, 'ranked' AS part, * FROM"
                         f" ({_sqlite_sql(kind)}))")
            continue
        ids = [row.id for row in rows]
        params.update({f"ids_{name}": json.dumps(ids), f"lo_{name}": min(ids),
                       f"hi_{name}": max(ids)})
        # one walk of the word's rows between the first match and the last (a list of
        # rowids would start the query again at each one); the list then picks them
        among = (f"{fts} MATCH :%s AND {fts}.rowid BETWEEN :lo_{name} AND :hi_{name}"
                 f" AND +{fts}.rowid IN (SELECT value FROM json_each(:ids_{name}))")
        marks = " || ".join(f"coalesce(highlight({fts}, {i}, char(1), ''), '')"
                            for i in range(len(kind.columns)))
        for j, word in enumerate(distinct):
            parts.append(f"SELECT '{name}', 'w{j}', rowid, NULL, NULL, NULL, {marks}"
                         f" FROM {fts} WHERE {among % f'w{j}'}")
            known = bm25.known_frequency((db.engine, kind.table),
                                         (now[0], index[name][0]), word)
            if known is None:
                parts.append(f"SELECT '{name}', 'df{j}', NULL, NULL, NULL, NULL,"
                             f" (SELECT count(*) FROM {fts} WHERE {fts} MATCH :w{j})")
            else:
                frequencies[name, j] = known
        parts.append(f"SELECT '{name}', 'snippet', rowid, NULL, NULL, NULL,"
                     f" snippet({fts}, -1, '', '', '…', 16) FROM {fts} WHERE {among % 'q'}")
    found: list[tuple] = []
    counts: dict[tuple[str, int, int], int] = {}
    snippets: dict[tuple[str, int], str] = {}
    for kind_, part, id_, score, title, dispute_id, text in db.session.execute(
            sa.text(" UNION ALL ".join(parts)), params):
        if part == "ranked":
            found.append((kind_, id_, float(score), title, dispute_id, text))
        elif part == "snippet":
            snippets[kind_, id_] = text
        elif part.startswith("df"):
            j = int(part[2:])
            frequencies[kind_, j] = int(text)
            bm25.keep_frequency((db.engine, KINDS[kind_].table), (now[0], index[kind_][0]),
                                distinct[j], int(text))
        else:
            counts[kind_, int(part[1:]), id_] = text.count(bm25.MARK)
    at = {word: j for j, word in enumerate(distinct)}
    for name, rows in matches.items():
        if len(rows) > bm25.CANDIDATES or _ROWS[db.engine, name] < bm25.LARGE:
            continue
        total, avgdl = bm25.averages(index[name][1], len(KINDS[name].columns))
        idfs = [bm25.idf(total, frequencies[name, at[word]]) for word in words]
        scored = sorted(
            ((bm25.score(idfs, [float(counts.get((name, at[word], row.id), 0))
                                for word in words], bm25.row_size(row.data), avgdl), row)
             for row in rows), key=lambda pair: (-pair[0], pair[1].id))
        found.extend((name, row.id, rank, row.title, row.dispute_id,
                      snippets.get((name, row.id)))
                     for rank, row in scored[:n])
    return found, now
