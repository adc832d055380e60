"""Has this been checked before? Known claims like a given text: our claims and the
fact-checks imported from other publishers, best first, scored 0-1.

Lexical, on normalised text (app/services/normalise.py), without a language model: no
network and nothing to download at run time, small, fast, and every score explainable
by the words two texts share once names, numbers, tense and reporting verbs are read
the same way.

1. Candidates come from the full-text indexes (SQLite FTS5, PostgreSQL tsvector/GIN),
   never a scan: the text's canonical words, each looked for in every way it may be
   written (Kyiv or Kiev, "100,000" or "100k", troops or soldiers). How many rows hold
   each word is counted first (up to COUNT_CAP); then come the rows holding the rarest
   word when it is rare, or any two of the three rarest, newest first, CANDIDATES at
   most. (A text of one or two words: rows holding any of them.)
2. Each candidate is scored in Python: the weighted overlap of canonical words (names
   and numbers weigh more) blended with RapidFuzz's token-set ratio, then penalised when
   one text denies what the other asserts, the numbers differ, or no name is shared.
3. `match` is true from THRESHOLD; tests/matching/ measures success@1, success@5 and
   the false-match rate at it on a labelled set.

Readers never see a deleted claim or a draft verdict here (app/services/policy.py);
matching stays within one language unless the caller asks for `any`.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import sqlalchemy as sa
from rapidfuzz import fuzz

from app.extensions import db
from app.models import Alias
from app.models.known import LANGUAGE_PATTERN
from app.services import normalise
from app.services.errors import ValidationError
from app.services.policy import ANONYMOUS, Viewer, shows_rating, verdict_states

# From here a candidate is a `match`. On the labelled set (tests/matching/) the right
# claims scored far above the best-scoring non-repeats; this sits between the two.
THRESHOLD = 0.65
CANDIDATES = 120  # rows read from the indexes per kind, at most
MAX_TERMS = 6  # canonical words of the text looked up in the indexes
COUNT_CAP = 2000  # rows counted per word to tell rare words from common ones
MAX_TEXT = 2000
MAX_LIMIT = 50
ANY = "any"

NEGATION_PENALTY = 0.45
NUMBER_PENALTY = 0.45  # numbers on both sides, none in common
NUMBER_PARTIAL_PENALTY = 0.75  # some numbers in common, not all
NAME_PENALTY = 0.6  # names on both sides, none in common
NAME_WEIGHT = 1.6
NUMBER_WEIGHT = 1.8


@dataclass(frozen=True)
class Candidate:
    kind: str  # claim | review
    id: int
    text: str
    language: str
    dispute_id: int | None = None
    publisher: str | None = None
    url: str | None = None
    rating_value: float | None = None
    rating_label: str | None = None
    rating_url: str | None = None
    verdict_id: int | None = None


@dataclass(frozen=True)
class Match:
    candidate: Candidate
    score: float

    @property
    def is_match(self) -> bool:
        return self.score >= THRESHOLD

    def as_dict(self) -> dict[str, Any]:
        c = self.candidate
        rating = None
        if c.rating_label is not None:
            rating = {"value": c.rating_value, "label": c.rating_label, "url": c.rating_url}
        body: dict[str, Any] = {"kind": c.kind, "id": c.id, "score": round(self.score, 3),
                                "match": self.is_match, "language": c.language}
        if c.kind == "claim":
            body.update(statement=c.text, dispute_id=c.dispute_id, verdict=rating,
                        verdict_id=c.verdict_id)
        else:
            body.update(claim_reviewed=c.text, publisher=c.publisher, url=c.url,
                        rating=rating)
        return body


# -- the lexicon: shipped names and the aliases stored in the database ------------------


@lru_cache(maxsize=8)
def _lexicon_of(pairs: tuple[tuple[str, str], ...]) -> normalise.Lexicon:
    return normalise.shipped_lexicon().with_aliases(list(pairs))


def lexicon() -> normalise.Lexicon:
    """The shipped names with the aliases stored now (a small table, read each time so a
    new alias counts at once)."""
    pairs = tuple((name, alias) for name, alias in db.session.execute(
        sa.select(Alias.name, Alias.alias).order_by(Alias.id)))
    return _lexicon_of(pairs) if pairs else normalise.shipped_lexicon()


# -- scoring ------------------------------------------------------------------------------


def _weight(token: str, reading: normalise.Reading) -> float:
    if token in reading.numbers:
        return NUMBER_WEIGHT
    if token in reading.names:
        return NAME_WEIGHT
    return 1.0


def score(query: normalise.Reading, other: normalise.Reading) -> float:
    """How alike two readings are, 0-1 (see the module docstring)."""
    q, o = set(query.tokens), set(other.tokens)
    if not q or not o:
        return 0.0
    wq = sum(_weight(t, query) for t in q)
    wo = sum(_weight(t, other) for t in o)
    common = sum(_weight(t, query) for t in q & o)
    dice = 2 * common / (wq + wo)
    cover = common / min(wq, wo)  # a short text wholly inside a longer one
    lexical = 0.65 * dice + 0.35 * cover
    fuzzy = fuzz.token_set_ratio(" ".join(sorted(q)), " ".join(sorted(o))) / 100
    value = 0.8 * lexical + 0.2 * fuzzy
    shared = q & o
    if (query.negated & shared) != (other.negated & shared):
        value *= NEGATION_PENALTY  # one denies what the other asserts
    if query.names and other.names and not query.names & other.names:
        value *= NAME_PENALTY  # about someone or somewhere else
    if query.numbers and other.numbers and query.numbers != other.numbers:
        value *= NUMBER_PARTIAL_PENALTY if query.numbers & other.numbers else NUMBER_PENALTY
    return max(0.0, min(1.0, value))


@lru_cache(maxsize=50_000)
def _reading(text: str, language: str, lex: normalise.Lexicon) -> normalise.Reading:
    return normalise.read(text, language=language, lexicon=lex)


# -- candidates from the indexes -----------------------------------------------------------


def _terms(reading: normalise.Reading, lex: normalise.Lexicon) -> list[set[tuple[str, ...]]]:
    """The text's words to look up, the likely rarest first (numbers, then names, then
    longer words), each as the set of ways it may be written."""
    seen: list[str] = []
    for token in reading.tokens:
        if token not in seen:
            seen.append(token)

    def rarity(token: str) -> tuple[int, int]:
        kind = 0 if token in reading.numbers else 1 if token in reading.names else 2
        return (kind, -len(token))

    chosen = sorted(seen, key=rarity)[:MAX_TERMS]
    terms = []
    for token in chosen:
        forms = {f for f in normalise.search_forms(token, reading, lex)
                 if all(re.fullmatch(r"\w+", w) for w in f)}
        if forms:
            terms.append(forms)
    return terms


def _fts5(term_sets: list[set[tuple[str, ...]]]) -> str:
    groups = ["(" + " OR ".join(f'"{" ".join(f)}"' for f in sorted(forms)) + ")"
              for forms in term_sets]
    return " AND ".join(groups)


def _tsquery(term_sets: list[set[tuple[str, ...]]]) -> str:
    groups = ["(" + " | ".join("(" + " <-> ".join(f) + ")" for f in sorted(forms)) + ")"
              for forms in term_sets]
    return " & ".join(groups)


# What each kind reads with its candidates, in the one query that finds them: ours with
# the published verdict's rating (never a draft's or a withdrawn one's; a claim has at
# most one verdict that is not withdrawn), theirs with their rating.
_SELECT = {
    "claim": (
        "SELECT t.id, t.statement AS text, t.language, t.dispute_id, v.id AS verdict_id,"
        " v.rating_value, r.label AS rating_label, NULL AS publisher, NULL AS url"
        " FROM {source} JOIN claims t ON t.id = {rowid}"
        # (the state as text: the claim's verdicts are found by claim_id, not by state)
        " LEFT JOIN verdicts v ON v.claim_id = t.id"
        " AND CAST(v.state AS VARCHAR(20)) IN ({rated}) AND v.deleted_at IS NULL"
        " LEFT JOIN rating_scale r ON r.value = v.rating_value"
        " WHERE {match} AND t.deleted_at IS NULL{lang}"),
    "review": (
        "SELECT t.id, t.claim_reviewed AS text, t.language, NULL AS dispute_id,"
        " NULL AS verdict_id, t.rating_value, t.rating_text AS rating_label,"
        " t.publisher, t.url"
        " FROM {source} JOIN reviews t ON t.id = {rowid} WHERE {match}{lang}"),
}
_COLUMN = {"claim": "statement", "review": "claim_reviewed"}


def _counts(kinds: tuple[str, ...], terms: list[set[tuple[str, ...]]]
            ) -> dict[str, list[int]]:
    """How many rows of each kind hold each word, counted up to COUNT_CAP: one statement
    for all of them."""
    sqlite = db.engine.dialect.name == "sqlite"
    build = _fts5 if sqlite else _tsquery
    parts = []
    for kind in kinds:
        table = "claims" if kind == "claim" else "reviews"
        for i in range(len(terms)):
            if sqlite:
                parts.append(f"(SELECT count(*) FROM (SELECT 1 FROM {table}_fts WHERE "
                             f"{table}_fts MATCH :q{i} LIMIT :cap))")
            else:
                parts.append(
                    f"(SELECT count(*) FROM (SELECT 1 FROM {table} t WHERE to_tsvector("
                    f"'english', coalesce(t.{_COLUMN[kind]}, '')) @@ to_tsquery("
                    f"'english', :q{i}) LIMIT :cap) s_{kind}_{i})")
    params: dict[str, Any] = {f"q{i}": build([t]) for i, t in enumerate(terms)}
    params["cap"] = COUNT_CAP
    row = list(db.session.execute(sa.text("SELECT " + ", ".join(parts)), params).one())
    n = len(terms)
    return {kind: row[k * n:(k + 1) * n] for k, kind in enumerate(kinds)}


def _query(terms: list[set[tuple[str, ...]]], counts: list[int], sqlite: bool) -> str:
    """The candidates' full-text query, from the words' counts: the rarest word alone
    when few rows hold it, and any two of the three rarest (any one of one or two)."""
    build = _fts5 if sqlite else _tsquery
    ranked = [t for _, _, t in sorted(zip(counts, range(len(terms)), terms, strict=True))]
    if len(ranked) <= 2:
        parts = [build([t]) for t in ranked]
    else:
        parts = [build([ranked[0]])] if min(counts) <= CANDIDATES else []
        parts += ["(" + build(list(pair)) + ")"
                  for pair in itertools.combinations(ranked[:3], 2)]
    return (" OR " if sqlite else " | ").join(parts)


def _candidates(kind: str, terms: list[set[tuple[str, ...]]], counts: list[int],
                language: str | None, exclude: set[int]) -> list[Candidate]:
    """Up to CANDIDATES rows of `kind` from its full-text index, newest first, in one
    query whatever the text (so a page costs the same): the rows holding the words that
    `counts` (from `_counts`) says are rare."""
    if not terms:
        return []
    sqlite = db.engine.dialect.name == "sqlite"
    table = "claims" if kind == "claim" else "reviews"
    if sqlite:
        source, rowid = f"{table}_fts", f"{table}_fts.rowid"
        match = f"{table}_fts MATCH :q"
        order = f" ORDER BY {table}_fts.rowid DESC LIMIT :n"
    else:
        # (the same expression as the GIN index of migrations 0002 and 0008)
        source, rowid = "(SELECT 1) AS one", "t.id"
        match = (f"to_tsvector('english', coalesce(t.{_COLUMN[kind]}, ''))"
                 " @@ to_tsquery('english', :q)")
        order = " LIMIT :n"
    # Whoever asks, the rating shown is one a reader may see (the policy's answer).
    rated = ", ".join(f"'{state.value}'" for state in verdict_states(ANONYMOUS)
                      if shows_rating(state))
    sql = _SELECT[kind].format(source=source, rowid=rowid, match=match, rated=rated,
                               lang="" if language is None else " AND t.language = :lang")
    params: dict[str, Any] = {"q": _query(terms, counts, sqlite), "n": CANDIDATES}
    if language is not None:
        params["lang"] = language
    rows = db.session.execute(sa.text(sql + order), params)
    out = []
    for row in rows:
        if row.id in exclude:
            continue
        rated_row = row.rating_label is not None
        url = row.url if kind == "review" else (
            _verdict_url(row.id, row.verdict_id) if row.verdict_id else None)
        out.append(Candidate(
            kind, row.id, row.text, row.language, dispute_id=row.dispute_id,
            publisher=row.publisher, url=row.url, rating_value=row.rating_value,
            rating_label=row.rating_label if rated_row else None, rating_url=url,
            verdict_id=row.verdict_id))
    return out


def _verdict_url(claim_id: int, verdict_id: int) -> str | None:
    from flask import has_request_context, url_for

    if not has_request_context():
        return None
    return url_for("web.claim", claim_id=claim_id, _external=True,
                   _anchor=f"verdict-{verdict_id}")


# -- the use case ----------------------------------------------------------------------------


def check_language(language: str | None, field: str = "language") -> str | None:
    """A BCP-47 tag as given, `any` as None; ValidationError naming `field` otherwise."""
    if language is None or language == ANY:
        return None
    if not re.fullmatch(LANGUAGE_PATTERN, language) or len(language) > 35:
        raise ValidationError("Not a language tag.",
                              {field: ["a BCP-47 language tag such as en or pt-BR, or 'any'"]})
    return language


def find_matches(text: str, *, viewer: Viewer = ANONYMOUS, limit: int = 10,
                 language: str | None = "", kinds: tuple[str, ...] = ("claim", "review"),
                 exclude_claim_ids: set[int] | None = None) -> list[Match]:
    """Known claims and imported reviews like `text`, best first, at most `limit`.
    `language`: a BCP-47 tag (default: DEFAULT_LANGUAGE), or `any`. ValidationError
    naming `text`, `limit` or `language`. Reads only."""
    from flask import current_app

    text = (text or "").strip()
    if not text:
        raise ValidationError("Give the claim's words.", {"text": ["required"]})
    if len(text) > MAX_TEXT:
        raise ValidationError("The text is too long.",
                              {"text": [f"at most {MAX_TEXT} characters"]})
    if not 1 <= limit <= MAX_LIMIT:
        raise ValidationError("Bad limit.", {"limit": [f"from 1 to {MAX_LIMIT}"]})
    if language == "":
        language = current_app.config.get("DEFAULT_LANGUAGE", "en")
    language = check_language(language)
    lex = lexicon()
    query = _reading(text, language or "en", lex)
    terms = _terms(query, lex)
    exclude = exclude_claim_ids or set()
    candidates: list[Candidate] = []
    asked = tuple(k for k in ("claim", "review") if k in kinds)
    counts = _counts(asked, terms) if terms else {}
    for kind in asked:
        candidates += _candidates(kind, terms, counts.get(kind, []), language,
                                  exclude if kind == "claim" else set())
    scored = [Match(c, score(query, _reading(c.text, c.language, lex))) for c in candidates]
    scored.sort(key=lambda m: (-m.score, m.candidate.kind, m.candidate.id))
    return scored[:limit]
