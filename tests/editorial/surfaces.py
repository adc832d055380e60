"""What an anonymous reader may see, surface by surface, checked against the model.

Each `check_*` function is one invariant of issue 10 over one kind of surface (API
lists, API records, the whole-dispute read, search, the revision log, pages, feeds and
exports). They read as a reader does — no token, no cookie — and raise an
AssertionError naming the surface, the path and the record when a rule is broken.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from xml.etree import ElementTree as ET

from tests.editorial.model import Model, Record

SEARCH_WORD = "walrus"  # every searchable record's text has it
RATING_LABELS = ("False", "Misleading", "Unsupported", "Mostly accurate", "Accurate")
ATOM = "{http://www.w3.org/2005/Atom}"
_LD_JSON = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)
_VERDICT_ANCHOR = re.compile(r"#verdict-(\d+)")
_VERDICT_PATH = re.compile(r"/verdicts/(\d+)(?:/|$)")

PAGES = ("/", "/disputes", "/verdicts", "/events", "/sources", "/documents",
         f"/search?q={SEARCH_WORD}")
FEEDS = ("/feeds/verdicts.atom", "/exports/verdicts.csv")
RECORD_PAGES = {"disputes": "/disputes/{}", "claims": "/claims/{}", "sources": "/sources/{}",
                "events": "/events/{}", "documents": "/documents/{}"}
LISTED = ("events", "disputes", "claims", "sources", "documents", "quotes", "links")


@dataclass
class Tally:
    """How much was checked: invariant functions run, single checks made, requests.
    With `found` set to a list, a failed check is noted there and checking goes on (to
    report every broken rule of a scenario); otherwise it raises at once."""

    calls: Counter = field(default_factory=Counter)
    checks: int = 0
    requests: int = 0
    found: list[str] | None = None


class Reader:
    """An anonymous reader over the Flask test client."""

    def __init__(self, client, tally: Tally):
        self.client = client
        self.tally = tally

    def get(self, path: str):
        self.tally.requests += 1
        response = self.client.get(path)
        # Never a 500, whatever state the records are in
        _check(self.tally, response.status_code < 500,
               f"anonymous GET {path} answered {response.status_code}: {_gist(response)}")
        return response

    def json(self, path: str):
        response = self.get(path)
        assert response.status_code == 200, (path, response.status_code, response.get_json())
        return response.get_json()


def _gist(response) -> str:
    """An error page's title, or the start of a JSON body."""
    text = response.get_data(as_text=True)
    if m := re.search(r"<title>(.*?)</title>", text, re.S):
        return m.group(1).strip()
    return text[:300]


def _check(tally: Tally, ok: bool, message: str) -> None:
    tally.checks += 1
    if not ok and tally.found is not None:
        tally.found.append(message)
        return
    assert ok, message


def _is(response, *statuses: int) -> bool:
    """The response has one of `statuses` — or is a 5xx, which Reader.get reported."""
    return response.status_code in statuses or response.status_code >= 500


def _ids(items: Iterable[dict]) -> set[int]:
    return {item["id"] for item in items}


def _diff(what: str, shown: set, expected: set) -> str:
    return (f"{what}: shows {sorted(shown - expected)} it must not, "
            f"misses {sorted(expected - shown)}")


# -- the API ------------------------------------------------------------------------------


def check_api_lists_show_exactly_the_public_records(reader: Reader, model: Model) -> None:
    """Every API list shows what a reader may see: nothing deleted, nothing under a
    deleted parent, no drafts — and everything else (a restore brings its children
    back)."""
    reader.tally.calls["api lists"] += 1
    for kind in LISTED:
        path = f"/api/v1/{kind}?per_page=100"
        shown = _ids(reader.json(path))
        _check(reader.tally, shown == model.public_ids(kind),
               _diff(f"anonymous GET {path}", shown, model.public_ids(kind)))
    feed = reader.json("/api/v1/verdicts?limit=100")
    _check(reader.tally, _ids(feed) == model.public_ids("verdicts"),
           _diff("anonymous GET /api/v1/verdicts (the feed)", _ids(feed),
                 model.public_ids("verdicts")))
    for item in feed:
        if (verdict := model.get("verdicts", item["id"])) is not None:
            check_verdict_json_rating(reader, verdict, item, "GET /api/v1/verdicts")


def check_verdict_json_rating(reader: Reader, verdict: Record, item: dict, where: str) -> None:
    """A withdrawn verdict's JSON carries no rating, but its withdrawal reason; a
    published one carries its current rating."""
    if verdict.state == "withdrawn":
        _check(reader.tally, item.get("rating_value") is None
               and item.get("rating_label") is None,
               f"{where}: withdrawn verdict {verdict.id} still carries a rating "
               f"({item.get('rating_value')!r}, {item.get('rating_label')!r})")
        _check(reader.tally, verdict.reason_token in json.dumps(item),
               f"{where}: withdrawn verdict {verdict.id} does not say why "
               f"(reason {verdict.reason_token!r} missing from {item})")
    elif verdict.state == "published":
        _check(reader.tally, item.get("rating_value") == verdict.rating,
               f"{where}: published verdict {verdict.id} rated {item.get('rating_value')!r}, "
               f"not {verdict.rating}")


def check_api_records_answer_as_readers_may_see_them(reader: Reader, model: Model) -> None:
    """GET /api/v1/{kind}/{id}: 200 for what a reader may see, 404 for the rest; the
    verdict's history and ClaimReview likewise (a withdrawn verdict's ClaimReview is
    410: no rating goes out); a source's track record counts only what readers see."""
    reader.tally.calls["api records"] += 1
    for record in model.all():
        if record.kind == "disputes":
            continue  # check_whole_dispute_reads
        path = f"/api/v1/{record.kind}/{record.id}"
        response = reader.get(path)
        want = 200 if model.public(record) else 404
        _check(reader.tally, _is(response, want),
               f"anonymous GET {path} answered {response.status_code}, want {want} "
               f"for {describe(model, record)}")
        if record.kind == "verdicts":
            _check_verdict_views(reader, model, record, path, response)
        if record.kind == "sources":
            _check_track_record(reader, model, record)


def _check_verdict_views(reader: Reader, model: Model, verdict: Record, path: str,
                         response) -> None:
    if response.status_code == 200:
        check_verdict_json_rating(reader, verdict, response.get_json(), f"GET {path}")
    history = reader.get(path + "/history")
    want = 200 if model.public(verdict) else 404
    _check(reader.tally, _is(history, want),
           f"anonymous GET {path}/history answered {history.status_code}, want {want} "
           f"for {describe(model, verdict)}")
    if history.status_code == 200:
        states = [v.get("state") for v in history.get_json()]
        _check(reader.tally, "draft" not in states,
               f"anonymous GET {path}/history shows a draft version: {states}")
    review = reader.get(path + "/claimreview")
    if not model.public(verdict):
        want = {404}
    elif verdict.state == "withdrawn":
        want = {410}  # gone: no rating goes out
    else:
        want = {200}
    _check(reader.tally, _is(review, *want),
           f"anonymous GET {path}/claimreview answered {review.status_code}, want "
           f"{sorted(want)} for {describe(model, verdict)}")
    if review.status_code == 410:
        body = review.get_json(force=True, silent=True) or {}
        _check(reader.tally, body.get("error", {}).get("status") == 410,
               f"GET {path}/claimreview: a 410 without the error envelope: {body}")
    if review.status_code == 200 and verdict.state == "published":
        rating = review.get_json(force=True)["reviewRating"]["ratingValue"]
        _check(reader.tally, rating == verdict.rating,
               f"GET {path}/claimreview rates {rating}, not {verdict.rating}")


def _check_track_record(reader: Reader, model: Model, source: Record) -> None:
    path = f"/api/v1/sources/{source.id}/track-record"
    response = reader.get(path)
    want = 404 if model.hidden(source) else 200
    _check(reader.tally, _is(response, want),
           f"anonymous GET {path} answered {response.status_code}, want {want}")
    if response.status_code != 200:
        return
    body = response.get_json()
    claims = [c for c in model.records["claims"].values()
              if c.claimant == source.id and model.public(c)]
    rated = [c for c in claims if any(v.state == "published" and model.public(v)
                                      for v in model.verdicts_of(c))]
    shown = (body["as_claimant"], body["rated"])
    _check(reader.tally, shown == (len(claims), len(rated)),
           f"GET {path}: (claims as claimant, rated) = {shown}, but readers see "
           f"{len(claims)} claims of it, {len(rated)} with a published verdict")


def check_whole_dispute_reads(reader: Reader, model: Model) -> None:
    """GET /api/v1/disputes/{id}: 404 when deleted; otherwise exactly the claims,
    quotes and links readers may see, and each claim's public verdict (no draft, no
    rating for a withdrawn one)."""
    reader.tally.calls["whole-dispute reads"] += 1
    for dispute in model.records["disputes"].values():
        path = f"/api/v1/disputes/{dispute.id}"
        response = reader.get(path)
        want = 200 if model.public(dispute) else 404
        _check(reader.tally, _is(response, want),
               f"anonymous GET {path} answered {response.status_code}, want {want}")
        if response.status_code != 200:
            continue
        body = response.get_json()
        claims = {c.id: c for c in model.claims_of(dispute) if model.public(c)}
        _check(reader.tally, _ids(body["claims"]) == set(claims),
               _diff(f"GET {path} claims", _ids(body["claims"]), set(claims)))
        for item in body["claims"]:
            claim = model.get("claims", item["id"])
            if claim is None:
                continue
            quotes = {q.id for q in model.records["quotes"].values()
                      if q.claim == claim.id and model.public(q)}
            _check(reader.tally, _ids(item["quotes"]) == quotes,
                   _diff(f"GET {path} quotes of claim {claim.id}", _ids(item["quotes"]),
                         quotes))
            _check_verdict_summary(reader, model, claim, item.get("verdict"), path)
        links = {k.id for k in model.records["links"].values() if model.public(k)
                 and ({k.from_claim, k.to_claim} & set(claims))}
        _check(reader.tally, _ids(body["links"]) == links,
               _diff(f"GET {path} links", _ids(body["links"]), links))


def _check_verdict_summary(reader: Reader, model: Model, claim: Record, summary, path) -> None:
    public = {v.id: v for v in model.verdicts_of(claim) if model.public(v)}
    if summary is None:
        _check(reader.tally, not public,
               f"GET {path}: claim {claim.id} shows no verdict, but {sorted(public)} are public")
        return
    _check(reader.tally, summary["id"] in public,
           f"GET {path}: claim {claim.id} shows verdict {summary['id']}, which readers may "
           f"not see (public: {sorted(public)})")
    if summary["id"] in public:
        check_verdict_json_rating(reader, public[summary["id"]], summary,
                                  f"GET {path} (claim {claim.id})")


def check_search_finds_only_public_records(reader: Reader, model: Model) -> None:
    """/api/v1/search finds every public dispute, claim, quote, source and document
    with the word, and nothing else."""
    reader.tally.calls["search"] += 1
    path = f"/api/v1/search?q={SEARCH_WORD}&limit=100"
    hits = {(hit["kind"] + "s", hit["id"]) for hit in reader.json(path)}
    expected = {(kind, i) for kind in ("disputes", "claims", "quotes", "sources",
                                       "documents")
                for i in model.public_ids(kind)}
    _check(reader.tally, hits == expected, _diff(f"anonymous GET {path}", hits, expected))


def check_public_revisions_show_no_hidden_record(reader: Reader, model: Model) -> None:
    """The revision log a reader sees has nothing of a deleted record, of a record
    under a deleted parent, or of a draft."""
    reader.tally.calls["public revisions"] += 1
    page = 1
    while True:
        path = f"/api/v1/revisions?per_page=100&page={page}"
        response = reader.get(path)
        assert response.status_code == 200, (path, response.status_code)
        for revision in response.get_json():
            record = model.get(revision["entity_type"], revision["entity_id"]) \
                if revision["entity_type"] in model.records else None
            _check(reader.tally, record is None or model.public(record),
                   f"anonymous GET {path} shows revision {revision['id']} "
                   f"({revision['action']}) of {record and describe(model, record)}")
        if 'rel="next"' not in response.headers.get("Link", ""):
            break
        page += 1


# -- pages, feeds and exports --------------------------------------------------------------


def check_pages(reader: Reader, model: Model) -> None:
    """Every public page answers 200 (a record's page 404 when readers may not see the
    record), shows nothing of a hidden record or a draft, and embeds ClaimReview JSON-LD
    only for published verdicts — for every published one on its claim's page."""
    reader.tally.calls["pages"] += 1
    secrets = model.secret_tokens()
    paths = [(path, 200) for path in PAGES]
    for kind, pattern in RECORD_PAGES.items():
        paths += [(pattern.format(r.id), 200 if model.public(r) else 404)
                  for r in model.records[kind].values()]
    for path, want in paths:
        response = reader.get(path)
        _check(reader.tally, _is(response, want),
               f"anonymous GET {path} answered {response.status_code}, want {want}")
        if response.status_code != 200:
            continue
        html = response.get_data(as_text=True)
        _check_no_secrets(reader, model, path, html, secrets)
        reviewed = _check_json_ld(reader, model, path, html)
        if path.startswith("/claims/"):
            claim = model.get("claims", int(path.rsplit("/", 1)[1]))
            published = {v.id for v in model.verdicts_of(claim)
                         if v.state == "published" and model.public(v)}
            _check(reader.tally, published <= reviewed,
                   f"GET {path} embeds no ClaimReview for published verdict(s) "
                   f"{sorted(published - reviewed)}")


def _check_no_secrets(reader: Reader, model: Model, where: str, text: str,
                      secrets: dict[str, Record]) -> None:
    for token in sorted(set(re.findall(r"tk\d+q", text))):
        _check(reader.tally, token not in secrets,
               f"anonymous GET {where} shows {token!r} of "
               f"{token in secrets and describe(model, secrets[token])}")
    reader.tally.checks += 1


def _check_json_ld(reader: Reader, model: Model, path: str, html: str) -> set[int]:
    """The verdicts the page's ClaimReview JSON-LD is about; each must be published."""
    reviewed = set()
    for block in _LD_JSON.findall(html):
        data = json.loads(block)
        for review in data if isinstance(data, list) else [data]:
            if review.get("@type") != "ClaimReview":
                continue
            m = _VERDICT_ANCHOR.search(review.get("url", ""))
            verdict = model.get("verdicts", int(m.group(1))) if m else None
            _check(reader.tally, verdict is not None and verdict.state == "published"
                   and model.public(verdict),
                   f"GET {path} embeds ClaimReview JSON-LD (rating "
                   f"{review.get('reviewRating', {}).get('ratingValue')!r}) for "
                   f"{verdict and describe(model, verdict) or review.get('url')}")
            if verdict is not None:
                reviewed.add(verdict.id)
    return reviewed


def check_feed_and_export(reader: Reader, model: Model) -> None:
    """The Atom feed and the CSV export: only public verdicts (nothing of a hidden one);
    a withdrawn verdict shows its withdrawal with the reason, and no rating at all."""
    reader.tally.calls["feed and export"] += 1
    secrets = model.secret_tokens()
    atom = reader.get("/feeds/verdicts.atom")
    _check(reader.tally, _is(atom, 200), f"Atom feed answered {atom.status_code}")
    csv_response = reader.get("/exports/verdicts.csv")
    _check(reader.tally, _is(csv_response, 200),
           f"CSV export answered {csv_response.status_code}")
    if atom.status_code != 200 or csv_response.status_code != 200:
        return
    text = atom.get_data(as_text=True)
    _check_no_secrets(reader, model, "/feeds/verdicts.atom", text, secrets)
    entries: dict[int, list[dict]] = {}
    for entry in ET.fromstring(atom.get_data()).iter(f"{ATOM}entry"):
        hrefs = [link.get("href", "") for link in entry.iter(f"{ATOM}link")]
        m = (next(filter(None, (_VERDICT_ANCHOR.search(h) for h in hrefs)), None)
             or _VERDICT_PATH.search(entry.findtext(f"{ATOM}id", "")))
        _check(reader.tally, m is not None, f"Atom entry names no verdict: {hrefs}")
        if m is None:
            continue
        entries.setdefault(int(m.group(1)), []).append({
            "title": entry.findtext(f"{ATOM}title", ""),
            "summary": entry.findtext(f"{ATOM}summary", "") or "",
            "terms": [c.get("term", "") for c in entry.iter(f"{ATOM}category")],
            "labels": [c.get("label") for c in entry.iter(f"{ATOM}category")
                       if c.get("label")],
        })
    rows: dict[int, list[dict]] = {}
    body = csv_response.get_data(as_text=True)
    _check_no_secrets(reader, model, "/exports/verdicts.csv", body, secrets)
    for row in csv.DictReader(io.StringIO(body)):
        rows.setdefault(int(row["verdict_id"]), []).append(row)

    for where, shown in (("Atom feed", entries), ("CSV export", rows)):
        extra = {v for v in shown if v not in model.public_ids("verdicts")}
        _check(reader.tally, not extra,
               f"{where} shows verdicts readers may not see: "
               f"{[describe(model, model.get('verdicts', v)) for v in extra]}")
        missing = model.public_ids("verdicts") - set(shown)
        _check(reader.tally, not missing, f"{where} misses public verdicts {sorted(missing)}")
    for verdict in model.records["verdicts"].values():
        if verdict.state != "withdrawn" or not model.public(verdict):
            continue
        _check_withdrawal_in_atom(reader, verdict, entries.get(verdict.id, []))
        _check_withdrawal_in_csv(reader, verdict, rows.get(verdict.id, []))


def _check_withdrawal_in_atom(reader: Reader, verdict: Record, entries: list[dict]) -> None:
    rated = [e["title"] for e in entries
             if any(t.startswith("rating-") for t in e["terms"]) or e["labels"]
             or e["title"].startswith(RATING_LABELS) or e["title"].startswith("Corrected to")]
    _check(reader.tally, not rated,
           f"Atom feed still rates withdrawn verdict {verdict.id}: {rated}")
    _check(reader.tally, any("withdrawn" in e["terms"] and verdict.reason_token in e["summary"]
                             for e in entries),
           f"Atom feed has no withdrawal entry with its reason for verdict {verdict.id}: "
           f"{entries}")


def _check_withdrawal_in_csv(reader: Reader, verdict: Record, rows: list[dict]) -> None:
    rated = [(r["version"], r["rating_value"], r["rating_label"]) for r in rows
             if r["rating_value"] or r["rating_label"]]
    _check(reader.tally, not rated,
           f"CSV export still rates withdrawn verdict {verdict.id}: {rated}")
    _check(reader.tally, any(r["state"] == "withdrawn" and verdict.reason_token in r["reason"]
                             for r in rows),
           f"CSV export has no withdrawal row with its reason for verdict {verdict.id}")


# -- descriptions for failure messages ------------------------------------------------------


def describe(model: Model, record: Record) -> str:
    """A record and why it is hidden: "claim 3 (dispute 2 deleted)"."""
    parents = {"claims": [("disputes", record.dispute)],
               "quotes": [("claims", record.claim)], "verdicts": [("claims", record.claim)],
               "links": [("claims", record.from_claim), ("claims", record.to_claim)]}
    reasons = []
    for kind, ref in parents.get(record.kind, []):
        parent = model.get(kind, ref)
        if parent is not None and model.hidden(parent):
            reasons.append(describe(model, parent))
    return str(record) + (f" (under {', '.join(reasons)})" if reasons else "")
