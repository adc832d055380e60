"""Fact-checks published by others, imported as theirs: `flask reviews import FILE`.

Reads what fact-checkers publish and aggregators hand out:

- schema.org ClaimReview JSON-LD: one object, a list of them, an `@graph`, or a
  schema.org `DataFeed` whose `dataFeedElement` items hold them (as fact-check data
  sets are published);
- the response of Google's Fact Check Tools `claims:search` API
  (`{"claims": [{"text", "claimant", "claimDate", "claimReview": [...]}]}`);
- JSON Lines: one of the above per line.

All or nothing: every record is checked first (with `ReviewSchema`, the API's rules),
and a file with a bad record changes nothing; each bad record is named by where it is
(`file:line 3`, `item dataFeedElement[2].item[0]`) and which field is wrong. Reviews are
identified by their URL: importing a review again updates it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from marshmallow import ValidationError as SchemaError

from app.extensions import db
from app.models import Review
from app.services.errors import ValidationError
from app.services.uow import transaction

MAX_ERRORS = 20  # named in the report; the count says how many more


@dataclass
class Found:
    where: str  # "reviews.jsonl:line 3 $", "search.json $.claims[0].claimReview[1]"
    data: dict[str, Any]  # the fields of a Review, before validation
    raw: dict[str, Any]


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


def _label(where: str) -> str:
    """Where a record is, for people: `file:line 3`, `file $.dataFeedElement[2].item`."""
    return where.removesuffix(" $")


def _text(value: Any) -> str:
    if isinstance(value, dict):
        value = value.get("name") or value.get("alternateName") or ""
    if isinstance(value, list):
        value = value[0] if value else ""
    return value.strip() if isinstance(value, str) else ""


def _date(value: Any, where: str, name: str, problems: list[str]) -> str | None:
    """An ISO 8601 date or date-time as a UTC date-time string (a date is its midnight)."""
    if value in (None, ""):
        return None
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        problems.append(f"{_label(where)}: {name}: not an ISO 8601 date ({value!r})")
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC).isoformat()


def _number(value: Any, where: str, name: str, problems: list[str]) -> float | None:
    if value in (None, ""):
        return None
    if isinstance(value, bool):
        problems.append(f"{_label(where)}: {name}: not a number ({value!r})")
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        problems.append(f"{_label(where)}: {name}: not a number ({value!r})")
        return None


def _language(value: Any) -> str | None:
    text = _text(value) if not isinstance(value, str) else value.strip()
    return text or None


def _from_claimreview(item: dict, where: str, problems: list[str]) -> Found:
    author = item.get("author") or item.get("publisher") or {}
    if isinstance(author, list):
        author = author[0] if author else {}
    reviewed = item.get("itemReviewed") or {}
    if isinstance(reviewed, list):
        reviewed = reviewed[0] if reviewed else {}
    rating = item.get("reviewRating") or {}
    if isinstance(rating, list):
        rating = rating[0] if rating else {}
    data = {
        "url": item.get("url"),
        "publisher": _text(author),
        "publisher_site": author.get("url", "") if isinstance(author, dict) else "",
        "title": _text(item.get("name") or item.get("headline") or ""),
        "claim_reviewed": item.get("claimReviewed"),
        "claimant": _text(reviewed.get("author") or "") if isinstance(reviewed, dict) else "",
        "claim_date": _date(reviewed.get("datePublished") if isinstance(reviewed, dict)
                            else None, where, "itemReviewed.datePublished", problems),
        "rating_text": _text(rating.get("alternateName") or rating.get("name") or "")
        if isinstance(rating, dict) else "",
        "rating_value": _number(rating.get("ratingValue") if isinstance(rating, dict) else None,
                                where, "reviewRating.ratingValue", problems),
        "best_rating": _number(rating.get("bestRating") if isinstance(rating, dict) else None,
                               where, "reviewRating.bestRating", problems),
        "worst_rating": _number(rating.get("worstRating") if isinstance(rating, dict) else None,
                                where, "reviewRating.worstRating", problems),
        "review_date": _date(item.get("datePublished"), where, "datePublished", problems),
        "language": _language(item.get("inLanguage")),
    }
    return Found(where, data, item)


def _from_google(claim: dict, review: dict, where: str, problems: list[str]) -> Found:
    publisher = review.get("publisher") or {}
    data = {
        "url": review.get("url"),
        "publisher": _text(publisher) if isinstance(publisher, dict) else "",
        "publisher_site": publisher.get("site", "") if isinstance(publisher, dict) else "",
        "title": review.get("title") or "",
        "claim_reviewed": claim.get("text"),
        "claimant": claim.get("claimant") or "",
        "claim_date": _date(claim.get("claimDate"), where, "claimDate", problems),
        "rating_text": review.get("textualRating") or "",
        "rating_value": None,
        "best_rating": None,
        "worst_rating": None,
        "review_date": _date(review.get("reviewDate"), where, "reviewDate", problems),
        "language": _language(review.get("languageCode")),
    }
    raw = {**claim, "claimReview": [review]}
    return Found(where, data, raw)


def _walk(node: Any, where: str, problems: list[str]) -> Iterator[Found]:
    """Every review in a JSON value of any of the shapes read (see the module docstring)."""
    if isinstance(node, list):
        for i, item in enumerate(node):
            yield from _walk(item, f"{where}[{i}]", problems)
        return
    if not isinstance(node, dict):
        problems.append(f"{_label(where)}: not a ClaimReview object")
        return
    kind = node.get("@type")
    kinds = set(kind) if isinstance(kind, list) else {kind}
    if "claims" in node and isinstance(node["claims"], list):
        for i, claim in enumerate(node["claims"]):
            at = f"{where}.claims[{i}]"
            if not isinstance(claim, dict) or not isinstance(claim.get("claimReview"), list):
                problems.append(f"{at}: claimReview: a list of reviews is required")
                continue
            for j, review in enumerate(claim["claimReview"]):
                if not isinstance(review, dict):
                    problems.append(f"{at}.claimReview[{j}]: not an object")
                    continue
                yield _from_google(claim, review, f"{at}.claimReview[{j}]", problems)
    elif "@graph" in node:
        yield from _walk(node["@graph"], f"{where}.@graph", problems)
    elif "DataFeed" in kinds or "dataFeedElement" in node:
        for i, element in enumerate(node.get("dataFeedElement") or []):
            at = f"{where}.dataFeedElement[{i}]"
            inner = element.get("item", element) if isinstance(element, dict) else element
            yield from _walk(inner, f"{at}.item" if inner is not element else at, problems)
    elif "ClaimReview" in kinds:
        yield _from_claimreview(node, where, problems)
    else:
        problems.append(f"{_label(where)}: @type: not a ClaimReview, DataFeed or "
                        "claims:search answer")


def read_file(path: str, name: str | None = None) -> tuple[list[Found], list[str]]:
    """The reviews in a file and the problems found reading it (nothing is written)."""
    name = name or path
    problems: list[str] = []
    found: list[Found] = []
    with open(path, encoding="utf-8-sig") as fh:
        text = fh.read()
    try:
        document = json.loads(text)
    except json.JSONDecodeError as whole_error:
        lines = [(n, line) for n, line in enumerate(text.splitlines(), 1) if line.strip()]
        if len(lines) < 2:  # not JSON Lines either: say where the JSON broke
            problems.append(f"{name}:line {whole_error.lineno}: not JSON ({whole_error.msg})")
            return [], problems
        for number, line in lines:
            where = f"{name}:line {number} $"
            try:
                value = json.loads(line)
            except json.JSONDecodeError as exc:
                problems.append(f"{_label(where)}: not JSON ({exc.msg})")
                continue
            found.extend(_walk(value, where, problems))
    else:
        found.extend(_walk(document, f"{name} $", problems))
    if not found and not problems:
        problems.append(f"{name}: no reviews found")
    return found, problems


def check(found: list[Found], default_language: str) -> tuple[list[dict], list[str]]:
    """Each record's fields as the API's ReviewSchema loads them, and the problems."""
    from app.schemas.known import ReviewSchema

    schema = ReviewSchema()
    loaded, problems = [], []
    for record in found:
        data = {k: v for k, v in record.data.items() if v is not None}
        data.setdefault("language", default_language)
        try:
            item = schema.load(data)
        except SchemaError as exc:
            for name, messages in sorted(exc.normalized_messages().items()):
                text = "; ".join(messages) if isinstance(messages, list) else str(messages)
                problems.append(f"{_label(record.where)}: {name}: {text}")
            continue
        item["raw"] = record.raw
        loaded.append(item)
    return loaded, problems


def import_reviews(records: list[dict], *, progress: Callable[[int], None] = lambda n: None
                   ) -> ImportReport:
    """Create or update (by URL) the checked `records` in one transaction. Admins (the
    CLI); commits."""
    report = ImportReport()
    by_url: dict[str, dict] = {}
    for record in records:
        by_url[record["url"]] = record  # the same review twice: the later one counts
    with transaction(actor=None, reason="flask reviews import"):
        existing = {}
        urls = list(by_url)
        for start in range(0, len(urls), 500):
            chunk = urls[start:start + 500]
            existing.update({r.url: r for r in db.session.scalars(
                sa.select(Review).where(Review.url.in_(chunk)))})
        for url, record in by_url.items():
            review = existing.get(url)
            if review is None:
                db.session.add(Review(**record))
                report.created += 1
            else:
                changed = False
                for key, value in record.items():
                    if getattr(review, key) != value:
                        setattr(review, key, value)
                        changed = True
                if changed:
                    report.updated += 1
                else:
                    report.unchanged += 1
            progress(1)
    return report


def import_file(path: str, *, default_language: str, name: str | None = None,
                progress: Callable[[int], None] = lambda n: None,
                on_checked: Callable[[int], None] = lambda n: None) -> ImportReport:
    """Read, check and import a file, all or nothing; ValidationError listing the bad
    records (the first MAX_ERRORS, and how many more) when any is bad."""
    found, problems = read_file(path, name)
    records, invalid = check(found, default_language)
    problems += invalid
    if problems:
        shown = problems[:MAX_ERRORS]
        more = len(problems) - len(shown)
        raise ValidationError(
            f"{len(problems)} problem(s); nothing was imported:\n  " + "\n  ".join(shown)
            + (f"\n  ... and {more} more" if more else ""),
            {"file": shown})
    on_checked(len(records))
    return import_reviews(records, progress=progress)
