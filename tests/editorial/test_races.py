"""Two requests whose rules conflict, sent at the same instant to a live gunicorn with two
worker processes: one succeeds, the other gets a clear 4xx — never both, never a 5xx —
and what the database holds afterwards is what the winner did, and nothing else.

Each pair is raced ROUNDS times (RACE_ROUNDS in the environment to change it) on fresh
records made through the services (committed, so the server sees them). Each request
carries an If-Match read over HTTP just before the two threads meet at the barrier, and
goes over its own connection. After every round: the answers, the effects in the
database, the database invariants (tests/editorial/invariants.py) and the public pages.
The outcomes of every round are printed at the end of the run, per pair and database.

The rules are checked *inside* the writing transaction (row locks on PostgreSQL,
SQLite's writer lock taken first): a rule checked before it (or without a lock on the
row it is about) lets both requests pass their checks and both commit.
"""

from __future__ import annotations

import os
import threading
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
import requests
import sqlalchemy as sa

from app.extensions import db
from app.models import ClaimKind, Dispute, Revision, SourceKind, SourcingLevel
from app.services import claims, disputes, documents, lifecycle, verdicts
from app.services import events as event_service
from app.services import sources as source_service
from tests.conftest import Account
from tests.editorial.conftest import database_label, report
from tests.editorial.invariants import (
    DOC,
    EV,
    PUBLIC_PAGES,
    C,
    D,
    L,
    Q,
    S,
    V,
    database_violations,
)

ROUNDS = int(os.environ.get("RACE_ROUNDS", "12"))
# What the loser of a race may get: the rule it lost to (409), the record gone (404),
# the version it read gone (412), or the record it names gone (422).
LOSER = frozenset({404, 409, 412, 422})


# -- two requests at once ---------------------------------------------------------------


@dataclass(frozen=True)
class Call:
    label: str
    method: str
    path: str
    headers: dict[str, str]
    json: dict | None = None


@dataclass(frozen=True)
class Answer:
    status: int | None  # None: no HTTP answer at all (connection reset, timeout)
    body: str

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def race(base_url: str, first: Call, second: Call) -> tuple[Answer, Answer]:
    """Send both calls at the same moment, each from its own thread and connection."""
    barrier = threading.Barrier(2)
    answers: list[Answer | None] = [None, None]

    def send(i: int, call: Call) -> None:
        with requests.Session() as http:
            prepared = http.prepare_request(requests.Request(
                call.method, base_url + call.path, headers=call.headers, json=call.json))
            barrier.wait(timeout=30)  # both requests are built: now fire together
            try:
                response = http.send(prepared, timeout=60)
                answers[i] = Answer(response.status_code, response.text[:500])
            except requests.RequestException as exc:
                answers[i] = Answer(None, repr(exc))

    threads = [threading.Thread(target=send, args=(i, call)) for i, call in
               enumerate((first, second))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert all(a is not None for a in answers), "a racing request never finished"
    return answers[0], answers[1]


# -- the rounds and their record ----------------------------------------------------------


@dataclass
class Round:
    """One round: the two calls, and a probe telling, from the database, whether each
    call's change is there: (first done, second done), compared with which answered 2xx.
    (`effects` replaces the comparison when the two calls make the same change.)"""

    first: Call
    second: Call
    done: Callable[[], tuple[bool, bool]] | None = None
    effects: Callable[[bool, bool], list[str]] | None = None

    def check_effects(self, first_ok: bool, second_ok: bool) -> list[str]:
        if self.effects is not None:
            return self.effects(first_ok, second_ok)
        done = self.done()
        if done == (first_ok, second_ok):
            return []
        return [f"in the database {self.first.label} done={done[0]}, "
                f"{self.second.label} done={done[1]}; but answered 2xx: "
                f"{first_ok} / {second_ok}"]


@dataclass
class RaceRecord:
    pair: str
    outcomes: Counter = field(default_factory=Counter)
    # what went wrong -> the rounds it was seen in (a broken invariant stays broken
    # in later rounds: it is listed once, at the round it appeared)
    problems: dict[str, list[int]] = field(default_factory=dict)

    def add(self, round_: int, problems: list[str]) -> None:
        for problem in problems:
            self.problems.setdefault(problem, []).append(round_)

    def describe(self) -> str:
        return "\n".join(
            f"round {rounds[0]}" + (f" (and {len(rounds) - 1} later)" if len(rounds) > 1 else "")
            + f": {problem}" for problem, rounds in self.problems.items())


class Racer:
    def __init__(self, server, editor):
        self.server = server
        self.editor = editor

    def etag(self, path: str) -> str:
        """The ETag an editor reads now (drafts and all), for If-Match."""
        response = requests.get(self.server.url + path, headers=self.editor.headers, timeout=30)
        assert response.status_code == 200, (path, response.status_code, response.text[:300])
        return response.headers["ETag"]

    def writes(self, path: str | None = None) -> dict[str, str]:
        headers = dict(self.editor.headers)
        if path is not None:
            headers["If-Match"] = self.etag(path)
        return headers

    def run(self, pair: str, make_round: Callable[[int], Round]) -> RaceRecord:
        record = RaceRecord(pair)
        for i in range(ROUNDS):
            round_ = make_round(i)
            a, b = race(self.server.url, round_.first, round_.second)
            record.outcomes[(a.status, b.status)] += 1
            record.add(i, self.judge(round_, a, b))
        tally = ", ".join(f"{round_.first.label} {first} / {round_.second.label} {second}: {n}"
                          for (first, second), n in sorted(record.outcomes.items(), key=str))
        verdict = "ok" if not record.problems else f"{len(record.problems)} problem(s)"
        report("races (tries per pair and database; outcomes first/second: count)",
               f"{database_label():10} {pair}: {ROUNDS} tries; {tally} -> {verdict}")
        return record

    def judge(self, round_: Round, a: Answer, b: Answer) -> list[str]:
        problems = []
        # Then exactly one wins; the loser is told why with a 4xx, never a 5xx
        if not (a.ok != b.ok and (b.status if a.ok else a.status) in LOSER):
            problems.append(f"answers {a.status} / {b.status} (want one 2xx and one of "
                            f"{sorted(LOSER)}): {a.body[:200]!r} / {b.body[:200]!r}")
        # And the database holds exactly the winner's change
        problems += round_.check_effects(a.ok, b.ok)
        problems += database_violations()  # the rows breaking it name the round's records
        for path in PUBLIC_PAGES:
            status = requests.get(self.server.url + path, timeout=30).status_code
            if status != 200:
                problems.append(f"GET {path} answered {status}")
        return problems


def assert_no_problems(record: RaceRecord) -> None:
    assert not record.problems, (
        f"{record.pair} on {database_label()}: {len(record.problems)} problem(s) in "
        f"{ROUNDS} rounds; outcomes {dict(record.outcomes)}\n" + record.describe())


# -- a small world made through the services (committed: the server sees it) -------------


def _scalar(stmt: sa.Select):
    with db.engine.connect() as conn:
        return conn.execute(stmt).scalar()


def _unique(word: str) -> str:
    return f"{word}-{uuid.uuid4().hex[:8]}"


@dataclass
class World:
    journalist: Account
    editor: Account
    event_id: int
    source_id: int
    document_id: int

    def dispute(self, claims: int = 1, event_id: int | None = None):
        """A dispute with `claims` accounts by the world's source (ids come back)."""
        dispute = disputes.log_dispute(
            actor=self.journalist.user, event_id=event_id or self.event_id,
            slug=_unique("race"), question="Was it said?",
            claims=[{"claimant_id": self.source_id, "statement": f"Account {i}.",
                     "kind": ClaimKind.FACTUAL_ASSERTION,
                     "sourcing_level": SourcingLevel.ON_RECORD} for i in range(claims)])
        return dispute.id, [c.id for c in dispute.claims]

    def draft(self, claim_id: int) -> int:
        return verdicts.draft_verdict(claim_id, 2, "Misleading.", actor=self.journalist.user).id

    def published(self, claim_id: int) -> int:
        verdict = verdicts.draft_verdict(claim_id, 2, "Misleading.", actor=self.journalist.user)
        return verdicts.publish(verdict, actor=self.editor.user).id


@pytest.fixture
def world(journalist, editor) -> World:
    actor = journalist.user
    event = event_service.create_event(actor=actor, slug=_unique("event"), title="The call")
    source = source_service.create_source(actor=actor, slug=_unique("source"),
                                          name="A reporter", kind=SourceKind.PERSON)
    document = documents.create_document(actor=actor, title="The report",
                                         url="https://example.org/report",
                                         text="He said the city could be sacked soon.")
    return World(journalist, editor, event.id, source.id, document.id)


@pytest.fixture
def racer(gunicorn_server, editor) -> Racer:
    return Racer(gunicorn_server, editor)


def _deleted(table, record_id: int) -> bool:
    return _scalar(sa.select(table.c.deleted_at.is_not(None)).where(table.c.id == record_id))


def _exists(condition) -> bool:
    """Whether a row matching `condition` (on one table's columns) was written."""
    return bool(_scalar(sa.select(sa.func.count()).where(condition)))


def _verdict_state(verdict_id: int) -> str:
    return _scalar(sa.select(V.c.state).where(V.c.id == verdict_id))


# -- the races ----------------------------------------------------------------------------


def test_delete_claim_races_publishing_its_draft(racer, world):
    def make_round(i: int) -> Round:
        # Given a claim with a draft verdict
        _, (claim_id, _) = world.dispute(claims=2)
        verdict_id = world.draft(claim_id)
        # When an editor deletes the claim while another publishes the draft
        return Round(
            Call("delete claim", "DELETE", f"/api/v1/claims/{claim_id}",
                 racer.writes(f"/api/v1/claims/{claim_id}")),
            Call("publish", "POST", f"/api/v1/verdicts/{verdict_id}/publish",
                 racer.writes(f"/api/v1/verdicts/{verdict_id}")),
            # Then either the claim is gone with an unpublished draft, or the verdict is
            # published on a live claim
            done=lambda: (_deleted(C, claim_id), _verdict_state(verdict_id) == "published"))

    assert_no_problems(racer.run("DELETE claim | publish its draft", make_round))


def test_delete_dispute_races_publishing_a_verdict_on_its_claim(racer, world):
    def make_round(i: int) -> Round:
        # Given a dispute whose claim has a draft verdict
        dispute_id, (claim_id,) = world.dispute()
        verdict_id = world.draft(claim_id)
        # When an editor deletes the dispute while another publishes the draft
        return Round(
            Call("delete dispute", "DELETE", f"/api/v1/disputes/{dispute_id}",
                 racer.writes(f"/api/v1/disputes/{dispute_id}")),
            Call("publish", "POST", f"/api/v1/verdicts/{verdict_id}/publish",
                 racer.writes(f"/api/v1/verdicts/{verdict_id}")),
            done=lambda: (_deleted(D, dispute_id),
                          _verdict_state(verdict_id) == "published"))

    assert_no_problems(racer.run("DELETE dispute | publish a verdict on its claim",
                                 make_round))


def test_delete_source_races_a_claim_naming_it(racer, world):
    dispute_id, _ = world.dispute()

    def make_round(i: int) -> Round:
        # Given a source nothing uses yet
        source_id = source_service.create_source(
            actor=world.journalist.user, slug=_unique("source"), name=f"Speaker {i}",
            kind=SourceKind.PERSON).id
        # When an editor deletes it while a claim naming it as claimant is logged
        claim = {"dispute_id": dispute_id, "claimant_id": source_id,
                 "statement": f"Claim {i}.", "kind": "factual_assertion",
                 "sourcing_level": "on_record"}
        return Round(
            Call("delete source", "DELETE", f"/api/v1/sources/{source_id}",
                 racer.writes(f"/api/v1/sources/{source_id}")),
            Call("log claim", "POST", "/api/v1/claims", racer.writes(), claim),
            done=lambda: (_deleted(S, source_id), _exists(C.c.claimant_id == source_id)))

    assert_no_problems(racer.run("DELETE source | POST claim naming it", make_round))


def test_delete_document_races_a_quote_citing_it(racer, world):
    _, (claim_id,) = world.dispute()

    def make_round(i: int) -> Round:
        # Given a document nothing cites yet
        document_id = documents.create_document(
            actor=world.journalist.user, title=f"Report {i}",
            url=f"https://example.org/{_unique('report')}",
            text="He said the city could be sacked soon.").id
        # When an editor deletes it while a quote citing it is added
        quote = {"claim_id": claim_id, "speaker_id": world.source_id,
                 "document_id": document_id, "exact": "could be sacked"}
        return Round(
            Call("delete document", "DELETE", f"/api/v1/documents/{document_id}",
                 racer.writes(f"/api/v1/documents/{document_id}")),
            Call("add quote", "POST", "/api/v1/quotes", racer.writes(), quote),
            done=lambda: (_deleted(DOC, document_id), _exists(Q.c.document_id == document_id)))

    assert_no_problems(racer.run("DELETE document | POST quote citing it", make_round))


def test_delete_quote_races_a_link_scoped_to_it(racer, world):
    def make_round(i: int) -> Round:
        # Given two accounts, the second with a quote no link is scoped to yet
        _, (denial, account) = world.dispute(claims=2)
        quote_id = _quote(world, account)
        # When an editor deletes the quote while a link about exactly those words is made
        link = {"from_claim_id": denial, "to_claim_id": account, "type": "denies",
                "scope": "quote", "scope_quote_id": quote_id}
        return Round(
            Call("delete quote", "DELETE", f"/api/v1/quotes/{quote_id}",
                 racer.writes(f"/api/v1/quotes/{quote_id}")),
            Call("link to quote", "POST", "/api/v1/links", racer.writes(), link),
            done=lambda: (_deleted(Q, quote_id), _exists(L.c.scope_quote_id == quote_id)))

    assert_no_problems(racer.run("DELETE quote | POST link scoped to it", make_round))


def _quote(world: World, claim_id: int) -> int:
    return claims.add_quote(claim_id, actor=world.journalist.user, speaker_id=world.source_id,
                            document_id=world.document_id, exact="could be sacked").id


def test_publish_races_publish_of_the_same_draft(racer, world):
    def make_round(i: int) -> Round:
        # Given a draft, read by two editors
        _, (claim_id,) = world.dispute()
        verdict_id = world.draft(claim_id)
        path = f"/api/v1/verdicts/{verdict_id}"
        # When both publish it at once
        call = Call("publish", "POST", path + "/publish", racer.writes(path))
        # Then it is published once: one version, one publishing revision
        return Round(call, Call("publish again", "POST", call.path, racer.writes(path)),
                     effects=lambda a_ok, b_ok: _published_once(verdict_id, a_ok + b_ok))

    assert_no_problems(racer.run("publish | publish the same draft", make_round))


def _published_once(verdict_id: int, successes: int) -> list[str]:
    R = Revision.__table__  # noqa: N806
    state = _verdict_state(verdict_id)
    versions = _scalar(sa.select(V.c.current_version).where(V.c.id == verdict_id))
    with db.engine.connect() as conn:
        changes = conn.execute(sa.select(R.c.after).where(
            R.c.entity_type == "verdicts", R.c.entity_id == verdict_id)).scalars().all()
    publications = sum(1 for after in changes if (after or {}).get("state") == "published")
    found = (state, versions, publications)
    want = ("published", 1, 1) if successes else ("draft", 1, 0)
    return [] if found == want else [f"verdict (state, versions, publishing revisions) is "
                                     f"{found}, want {want} after {successes} 2xx"]


def test_withdraw_races_a_correction(racer, world):
    def make_round(i: int) -> Round:
        # Given a published verdict, read by two editors
        _, (claim_id,) = world.dispute()
        verdict_id = world.published(claim_id)
        path = f"/api/v1/verdicts/{verdict_id}"
        # When one withdraws it while the other corrects it
        return Round(
            Call("withdraw", "POST", path + "/withdraw", racer.writes(path),
                 {"reason": "The source recanted."}),
            Call("correct", "POST", path + "/correct", racer.writes(path),
                 {"reason": "New evidence.", "rating_value": 3}),
            # Then exactly one new version: withdrawn, or published with the new rating
            done=lambda: _withdrawn_or_corrected(verdict_id))

    assert_no_problems(racer.run("withdraw | correct the same verdict", make_round))


def _withdrawn_or_corrected(verdict_id: int) -> tuple[bool, bool]:
    with db.engine.connect() as conn:
        state, version, rating = conn.execute(
            sa.select(V.c.state, V.c.current_version, V.c.rating_value)
            .where(V.c.id == verdict_id)).one()
    one_new_version = version == 2
    return (state == "withdrawn" and one_new_version,
            state == "published" and rating == 3 and one_new_version)


def test_delete_event_races_restoring_its_dispute(racer, world):
    def make_round(i: int) -> Round:
        # Given an event whose only dispute was deleted
        event_id = event_service.create_event(actor=world.journalist.user,
                                              slug=_unique("event"), title=f"Event {i}").id
        dispute_id, _ = world.dispute(event_id=event_id)
        lifecycle.delete_record(_dispute(dispute_id), actor=world.editor.user)
        # When an editor deletes the event while another restores the dispute
        return Round(
            Call("delete event", "DELETE", f"/api/v1/events/{event_id}",
                 racer.writes(f"/api/v1/events/{event_id}")),
            Call("restore dispute", "POST", f"/api/v1/disputes/{dispute_id}/restore",
                 racer.writes(), {"reason": "Deleted by mistake."}),
            # Then the event is gone with its dispute, or the dispute is back on a live
            # event — never a live dispute about a deleted event
            done=lambda: (_deleted(EV, event_id), not _deleted(D, dispute_id)))

    assert_no_problems(racer.run("DELETE event | restore its deleted dispute", make_round))


def _dispute(dispute_id: int) -> Dispute:
    return db.session.get(Dispute, dispute_id)
