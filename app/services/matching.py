"""Has this been checked before? Known claims like a given text: our claims and the
fact-checks imported from other publishers, best first, scored 0-1.

Lexical, on normalised text (app/services/normalise.py), without a language model: no
network and nothing to download at run time, small, fast, and every score explainable
by the words two texts share once names, numbers, tense and reporting verbs are read
the same way.

1. Candidates come from the full-text indexes (SQLite FTS5, PostgreSQL tsvector/GIN),
   never a scan: the text's canonical words, each looked for in every way it may be
   written (Kyiv or Kiev, "100,000" or "100k", troops or soldiers), first all together,
   then two at a time, then one, until CANDIDATES rows are found.
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
from app.models import Alias, Claim, RatingLevel, Review, Verdict, VerdictState
from app.models.known import LANGUAGE_PATTERN
from app.services import normalise
from app.services.errors import ValidationError
from app.services.policy import ANONYMOUS, Viewer, shows_rating

THRESHOLD = 0.5  # from here a candidate is a `match`: see tests/matching/
CANDIDATES = 200  # rows read from the indexes per kind, at most
MAX_TERMS = 6  # canonical words of the text looked up in the indexes
PAIR_LIMIT = 60  # rows per two-word index query
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


_SOURCES = {
    # kind -> (table, text column, extra filter)
    "claim": ("claims", "statement", "t.deleted_at IS NULL"),
    "review": ("reviews", "claim_reviewed", "1 = 1"),
}


def _candidate_ids(kind: str, terms: list[set[tuple[str, ...]]], language: str | None,
                   exclude: set[int]) -> list[int]:
    table, column, live = _SOURCES[kind]
    sqlite = db.engine.dialect.name == "sqlite"
    lang = "" if language is None else " AND t.language = :lang"
    if sqlite:
        sql = (f"SELECT t.id FROM {table}_fts JOIN {table} t ON t.id = {table}_fts.rowid"
               f" WHERE {table}_fts MATCH :q AND {live}{lang}"
               f" ORDER BY {table}_fts.rowid DESC LIMIT :n")
    else:
        sql = (f"SELECT t.id FROM {table} t WHERE to_tsvector('english', coalesce({column}, ''))"
               f" @@ to_tsquery('english', :q) AND {live}{lang} LIMIT :n")
    build = _fts5 if sqlite else _tsquery
    found: dict[int, None] = {}

    def run(parts, limit):
        params = {"q": build(list(parts)), "n": limit}
        if language is not None:
            params["lang"] = language
        for (row_id,) in db.session.execute(sa.text(sql), params):
            if row_id not in exclude:
                found.setdefault(row_id, None)

    if not terms:
        return []
    if len(terms) == 1:
        run(terms, CANDIDATES)
        return list(found)
    run(terms, CANDIDATES)  # all the words: the closest repeats
    for group in (*itertools.combinations(terms, 2), *([t] for t in terms)):
        if len(found) >= CANDIDATES:
            break
        run(group, PAIR_LIMIT)  # two words in common, then one (the rarest first)
    return list(found)[:CANDIDATES]


def _claims(ids: list[int], viewer: Viewer) -> list[Candidate]:
    if not ids:
        return []
    rows = db.session.execute(
        sa.select(Claim.id, Claim.statement, Claim.language, Claim.dispute_id)
        .where(Claim.id.in_(ids), Claim.deleted_at.is_(None))).all()
    # The rating shown is a published verdict's (never a draft's, nor a withdrawn one's).
    verdicts = {v.claim_id: v for v in db.session.execute(
        sa.select(Verdict.id, Verdict.claim_id, Verdict.state, Verdict.rating_value,
                  RatingLevel.label)
        .join(RatingLevel, RatingLevel.value == Verdict.rating_value)
        .where(Verdict.claim_id.in_(ids), Verdict.state == VerdictState.PUBLISHED,
               Verdict.deleted_at.is_(None))
        .order_by(Verdict.id)).all() if shows_rating(v.state)}
    out = []
    for row in rows:
        v = verdicts.get(row.id)
        out.append(Candidate(
            "claim", row.id, row.statement, row.language, dispute_id=row.dispute_id,
            rating_value=v.rating_value if v else None, rating_label=v.label if v else None,
            rating_url=_verdict_url(row.id, v.id) if v else None,
            verdict_id=v.id if v else None))
    return out


def _verdict_url(claim_id: int, verdict_id: int) -> str | None:
    from flask import has_request_context, url_for

    if not has_request_context():
        return None
    return url_for("web.claim", claim_id=claim_id, _external=True,
                   _anchor=f"verdict-{verdict_id}")


def _reviews(ids: list[int]) -> list[Candidate]:
    if not ids:
        return []
    rows = db.session.execute(sa.select(Review).where(Review.id.in_(ids))).scalars()
    return [Candidate("review", r.id, r.claim_reviewed, r.language, publisher=r.publisher,
                      url=r.url, rating_value=r.rating_value,
                      rating_label=r.rating_text or None, rating_url=r.url)
            for r in rows]


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
    if "claim" in kinds:
        candidates += _claims(_candidate_ids("claim", terms, language, exclude), viewer)
    if "review" in kinds:
        candidates += _reviews(_candidate_ids("review", terms, language, set()))
    scored = [Match(c, score(query, _reading(c.text, c.language, lex))) for c in candidates]
    scored.sort(key=lambda m: (-m.score, m.candidate.kind, m.candidate.id))
    return scored[:limit]
