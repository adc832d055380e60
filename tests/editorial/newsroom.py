"""A newsroom at work through the API, every answer judged by the model.

`Newsroom` makes the requests (as any role: None is an anonymous caller), asks the
model (model.py) what each must answer, and keeps the model in step with what
succeeded. Around every request it checks what issue 10 asks of every change: a refused
request writes nothing, and a change is in the revision log naming its actor. The
property test drives it at random; the scenario tests (test_rules.py) by hand.

`check_invariants` runs every reader-side check (surfaces.py) and the database
invariants (invariants.py); `problems` runs them all and collects what fails.
"""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from app.models import Claim, Revision, Role
from tests.dbutil import MIGRATION_DATA
from tests.editorial.invariants import database_violations
from tests.editorial.model import EDITOR_DOES, JOURNALIST_DOES, Model, Record, refusal
from tests.editorial.surfaces import (
    SEARCH_WORD,
    Reader,
    Tally,
    check_api_lists_show_exactly_the_public_records,
    check_api_records_answer_as_readers_may_see_them,
    check_feed_and_export,
    check_pages,
    check_public_revisions_show_no_hidden_record,
    check_search_finds_only_public_records,
    check_whole_dispute_reads,
)

READER_CHECKS = (
    check_api_lists_show_exactly_the_public_records,
    check_api_records_answer_as_readers_may_see_them,
    check_whole_dispute_reads,
    check_search_finds_only_public_records,
    check_public_revisions_show_no_hidden_record,
    check_feed_and_export,
    check_pages,
)
# The token's last-used time is bookkeeping, noted on any authenticated request, refused
# or not; users and tokens are not the newsroom's records.
NOT_CONTENT = ("users", "api_tokens")
# Tables emptied between examples; the accounts (and their hashed passwords) stay.
KEEP = MIGRATION_DATA | {"users", "api_tokens"}


def empty_content() -> None:
    """Every editorial record and revision gone, the accounts kept. (DELETE, not
    TRUNCATE: for a few rows it is many times faster on PostgreSQL.)"""
    tables = [t for t in reversed(db.metadata.sorted_tables) if t.name not in KEEP]
    with db.engine.begin() as conn:
        for table in tables:
            conn.execute(table.delete())
        # as tests.dbutil.wipe: answers cached before are stale
        conn.exec_driver_sql("UPDATE content_generation SET value = value + 1")


class Newsroom:
    def __init__(self, client, accounts: dict, tally: Tally | None = None,
                 trace: bool = False, user_ids: dict | None = None):
        self.client = client
        self.accounts = accounts  # Role -> tests.conftest.Account
        self.user_ids = user_ids or {role: a.user.id for role, a in accounts.items()}
        self.tally = tally or Tally()
        self.reader = Reader(client, self.tally)
        self.model = Model()
        self.trace = trace
        self.serial = 0
        self.journal: list[str] = []  # every request made, for failure messages
        self.requests = 0
        self.changed = False  # whether the last request changed anything

    # -- requests ---------------------------------------------------------------------------

    def token(self) -> str:
        """A word no other text has: finds the record's text on any surface."""
        self.serial += 1
        return f"tk{self.serial}q"

    def headers(self, role: Role | None, record: Record | None = None) -> dict[str, str]:
        headers = dict(self.accounts[role].headers) if role is not None else {}
        if record is not None:
            # If-Match: the version stored now (what a fresh GET's ETag says)
            table = sa.table(record.kind, sa.column("id"), sa.column("lock_version"))
            with db.engine.connect() as conn:
                version = conn.execute(sa.select(table.c.lock_version)
                                       .where(table.c.id == record.id)).scalar()
            headers["If-Match"] = f'"{version}"'
        return headers

    def send(self, role: Role | None, method: str, path: str, expected: set[int], *,
             record: Record | None = None, body: dict | None = None):
        """Make the request as `role`; its answer must be one of `expected`, and when
        refused it must have written nothing."""
        self.requests += 1
        before, self._top = self._revisions()
        response = self.client.open(path, method=method, json=body,
                                    headers=self.headers(role, record))
        who = role.value if role else "anonymous"
        self.journal.append(f"{who} {method} {path} -> {response.status_code}")
        if self.trace:
            print(f"  {self.journal[-1]}")
        self.tally.checks += 1
        assert response.status_code in expected, (
            f"{who} {method} {path} {body or ''} answered {response.status_code}, want "
            f"{sorted(expected)}: {response.get_data(as_text=True)[:400]}{self.so_far()}")
        self.changed = response.status_code < 300
        if not self.changed:
            self.tally.checks += 1
            after, _ = self._revisions()
            assert after == before, (
                f"{who} {method} {path} was refused ({response.status_code}) but wrote "
                f"{after - before} revision(s){self.so_far()}")
        return response

    def so_far(self) -> str:
        return "\n\nrequests so far:\n  " + "\n  ".join(self.journal)

    def _revisions(self) -> tuple[int, int]:
        with db.engine.connect() as conn:
            count, top = conn.execute(
                sa.select(sa.func.count(), sa.func.max(Revision.id))
                .where(Revision.entity_type.not_in(NOT_CONTENT))).one()
        return count, top or 0

    def logged(self, role: Role, record: Record, action: str) -> None:
        """The change just made to `record` is in the revision log (as staff read it),
        naming its actor."""
        path = f"/api/v1/revisions?entity_type={record.kind}&entity_id={record.id}"
        response = self.client.get(path, headers=self.accounts[Role.ADMIN].headers)
        assert response.status_code == 200, (path, response.status_code)
        new = [r for r in response.get_json() if r["id"] > self._top]
        actor = self.user_ids[role]
        self.tally.checks += 1
        self.tally.calls["revision names its actor"] += 1
        assert any(r["action"] == action and (r.get("actor") or {}).get("id") == actor
                   for r in new), (
            f"{role.value} changed {record} ({action}) but the log has no such revision "
            f"by user {actor}: {[(r['action'], r.get('actor')) for r in new]}{self.so_far()}")

    def _created(self, role, response, record: Record) -> Record | None:
        if response.status_code != 201:
            return None
        record.id = response.get_json()["id"]
        self.model.add(record)
        self.logged(role, record, "create")
        return record

    # -- creating ---------------------------------------------------------------------------

    def create_event(self, role: Role | None) -> Record | None:
        tok = self.token()
        response = self.send(role, "POST", "/api/v1/events",
                             refusal(role, JOURNALIST_DOES) or {201},
                             body={"slug": f"event-{tok}", "title": f"Event {tok}"})
        return self._created(role, response, Record("events", 0, tok))

    def create_source(self, role: Role | None) -> Record | None:
        tok = self.token()
        response = self.send(role, "POST", "/api/v1/sources",
                             refusal(role, JOURNALIST_DOES) or {201},
                             body={"slug": f"source-{tok}", "kind": "person",
                                   "name": f"Speaker {SEARCH_WORD} {tok}"})
        return self._created(role, response, Record("sources", 0, tok))

    def create_document(self, role: Role | None) -> Record | None:
        tok = self.token()
        response = self.send(role, "POST", "/api/v1/documents",
                             refusal(role, JOURNALIST_DOES) or {201},
                             body={"title": f"Report {tok}", "url": f"https://example.org/{tok}",
                                   "text": f"The {SEARCH_WORD} said the city could be sacked."})
        return self._created(role, response, Record("documents", 0, tok))

    @staticmethod
    def _claim_body(claimant: Record, tok: str) -> dict:
        return {"claimant_id": claimant.id, "statement": f"The {SEARCH_WORD} claims {tok}.",
                "kind": "factual_assertion", "sourcing_level": "on_record"}

    def create_dispute(self, role: Role | None, event: Record,
                       claimant: Record | None = None) -> Record | None:
        """A dispute about `event`, with one account by `claimant` when given."""
        tok, claim_tok = self.token(), self.token()
        body = {"event_id": event.id, "slug": f"dispute-{tok}",
                "question": f"Did the {SEARCH_WORD} say it {tok}?"}
        if claimant is not None:
            body["claims"] = [self._claim_body(claimant, claim_tok)]
        refused = event.deleted or (claimant is not None and claimant.deleted)
        response = self.send(role, "POST", "/api/v1/disputes",
                             refusal(role, JOURNALIST_DOES) or ({422} if refused else {201}),
                             body=body)
        dispute = self._created(role, response, Record("disputes", 0, tok, event=event.id))
        if dispute is not None and claimant is not None:
            with db.engine.connect() as conn:
                claim_id = conn.execute(sa.select(Claim.__table__.c.id).where(
                    Claim.__table__.c.dispute_id == dispute.id)).scalar_one()
            self.model.add(Record("claims", claim_id, claim_tok, dispute=dispute.id,
                                  claimant=claimant.id))
        return dispute

    def create_claim(self, role: Role | None, dispute: Record, claimant: Record,
                     first_appearance: Record | None = None) -> Record | None:
        tok = self.token()
        body = {**self._claim_body(claimant, tok), "dispute_id": dispute.id,
                "first_appearance_id": first_appearance and first_appearance.id}
        refused = (self.model.hidden(dispute) or claimant.deleted
                   or (first_appearance is not None and first_appearance.deleted))
        response = self.send(role, "POST", "/api/v1/claims",
                             refusal(role, JOURNALIST_DOES) or ({422} if refused else {201}),
                             body=body)
        return self._created(role, response, Record(
            "claims", 0, tok, dispute=dispute.id, claimant=claimant.id,
            first_appearance=first_appearance and first_appearance.id))

    def create_quote(self, role: Role | None, claim: Record, speaker: Record,
                     document: Record) -> Record | None:
        tok = self.token()
        refused = self.model.hidden(claim) or speaker.deleted or document.deleted
        response = self.send(
            role, "POST", "/api/v1/quotes",
            refusal(role, JOURNALIST_DOES) or ({422} if refused else {201}),
            body={"claim_id": claim.id, "speaker_id": speaker.id, "document_id": document.id,
                  "exact": f"{SEARCH_WORD} {tok}"})
        return self._created(role, response, Record("quotes", 0, tok, claim=claim.id,
                                                    speaker=speaker.id, document=document.id))

    def create_link(self, role: Role | None, claim: Record, other: Record,
                    scoped: Record | None = None) -> Record | None:
        """`claim` denies `other` (or, with `scoped`, those words of `other`)."""
        tok = self.token()
        body = {"from_claim_id": claim.id, "to_claim_id": other.id, "type": "denies",
                "note": f"Note {tok}"}
        if scoped is not None:
            body.update(scope="quote", scope_quote_id=scoped.id)
        refused = (claim.id == other.id or self.model.hidden(claim) or self.model.hidden(other)
                   or (scoped is not None and self.model.hidden(scoped)))
        response = self.send(role, "POST", "/api/v1/links",
                             refusal(role, JOURNALIST_DOES) or ({422} if refused else {201}),
                             body=body)
        return self._created(role, response, Record(
            "links", 0, tok, from_claim=claim.id, to_claim=other.id,
            scope_quote=scoped and scoped.id))

    def draft_verdict(self, role: Role | None, claim: Record, rating: int = 2) -> Record | None:
        tok = self.token()
        if self.model.hidden(claim):
            expected = {422}  # claim_id names a claim that is gone
        elif self.model.active_verdict(claim) is not None:
            expected = {409}  # correct (or withdraw) that one instead
        else:
            expected = {201}
        response = self.send(role, "POST", "/api/v1/verdicts",
                             refusal(role, JOURNALIST_DOES) or expected,
                             body={"claim_id": claim.id, "rating_value": rating,
                                   "rationale": f"Rationale {tok}.", "evidence": []})
        return self._created(role, response, Record("verdicts", 0, tok, claim=claim.id,
                                                    state="draft", rating=rating))

    # -- editing ----------------------------------------------------------------------------

    def edit_claim(self, role: Role | None, claim: Record):
        expected = refusal(role, JOURNALIST_DOES) or (
            {404} if self.model.hidden(claim) else {200})
        self.serial += 1  # a new wording each time: an edit that changes nothing logs nothing
        statement = f"The {SEARCH_WORD} now claims {claim.token} (edit {self.serial})."
        response = self.send(role, "PATCH", f"/api/v1/claims/{claim.id}", expected,
                             record=claim, body={"statement": statement})
        if response.status_code == 200:
            self.logged(role, claim, "update")
        return response

    def edit_draft(self, role: Role | None, verdict: Record, rating: int):
        if rating == verdict.rating:  # a change, so that it is logged
            rating = rating % 5 + 1
        expected = refusal(role, JOURNALIST_DOES) or (
            {404} if self.model.hidden(verdict) else
            {409} if verdict.state != "draft" else {200})
        response = self.send(role, "PATCH", f"/api/v1/verdicts/{verdict.id}", expected,
                             record=verdict, body={"rating_value": rating})
        if response.status_code == 200:
            verdict.rating = rating
            self.logged(role, verdict, "update")
        return response

    def change_dispute_state(self, role: Role | None, dispute: Record, state: str):
        if state == dispute.dispute_state:  # a change, so that it is logged
            state = "contested" if state != "contested" else "resolved"
        expected = refusal(role, EDITOR_DOES) or (
            {404} if self.model.hidden(dispute) else {200})
        response = self.send(role, "POST", f"/api/v1/disputes/{dispute.id}/state", expected,
                             record=dispute, body={"state": state, "reason": "Moved on."})
        if response.status_code == 200:
            dispute.dispute_state = state
            self.logged(role, dispute, "update")
        return response

    # -- verdicts: publish, correct, withdraw -------------------------------------------------

    def _verdict_move(self, role, verdict: Record, move: str, allowed_from: str,
                      body: dict | None = None):
        expected = refusal(role, EDITOR_DOES) or (
            {404} if self.model.hidden(verdict) else
            {409} if verdict.state != allowed_from else {200})
        return self.send(role, "POST", f"/api/v1/verdicts/{verdict.id}/{move}", expected,
                         record=verdict, body=body)

    def publish(self, role: Role | None, verdict: Record):
        response = self._verdict_move(role, verdict, "publish", "draft")
        if response.status_code == 200:
            verdict.state = "published"
            self.logged(role, verdict, "update")
        return response

    def correct(self, role: Role | None, verdict: Record, rating: int):
        body = {"reason": f"Corrected {self.token()}.", "rating_value": rating}
        response = self._verdict_move(role, verdict, "correct", "published", body)
        if response.status_code == 200:
            verdict.rating = rating
            self.logged(role, verdict, "update")
        return response

    def withdraw(self, role: Role | None, verdict: Record):
        reason = f"withdrawn-{self.token()}"
        response = self._verdict_move(role, verdict, "withdraw", "published",
                                      {"reason": f"The source recanted: {reason}."})
        if response.status_code == 200:
            verdict.state, verdict.reason_token = "withdrawn", reason
            self.logged(role, verdict, "update")
        return response

    # -- delete and restore -----------------------------------------------------------------

    def delete(self, role: Role | None, record: Record):
        # A draft is its drafter's work (journalists and up); anything else is public, and
        # deleting it is an editor's call.
        least = JOURNALIST_DOES if record.kind == "verdicts" else EDITOR_DOES
        expected = refusal(role, least) or self.model.delete_answers(record)
        response = self.send(role, "DELETE", f"/api/v1/{record.kind}/{record.id}", expected,
                             record=record)
        if response.status_code == 204:
            record.deleted = True
            self.logged(role, record, "delete")
        return response

    def restore(self, role: Role | None, record: Record):
        expected = refusal(role, EDITOR_DOES) or self.model.restore_answers(record)
        response = self.send(role, "POST", f"/api/v1/{record.kind}/{record.id}/restore",
                             expected, record=record, body={"reason": "Deleted by mistake."})
        if response.status_code == 200:
            record.deleted = False
            self.logged(role, record, "restore")
        return response

    # -- what a reader sees, and what the database holds ----------------------------------

    def check_invariants(self) -> None:
        """Every invariant; the first broken one fails, naming itself."""
        self.tally.calls["database invariants"] += 1
        self.tally.checks += 1
        violations = database_violations()
        assert not violations, ("the database breaks the rules: " + "; ".join(violations)
                                + self.so_far())
        for check in READER_CHECKS:
            try:
                check(self.reader, self.model)
            except AssertionError as exc:
                raise AssertionError(f"{check.__name__}: {exc}{self.so_far()}") from None

    def problems(self) -> list[str]:
        """Every broken invariant, each check going on past what it found broken."""
        found = [f"the database breaks the rules: {v}" for v in database_violations()]
        self.tally.found = []
        try:
            for check in READER_CHECKS:
                try:
                    check(self.reader, self.model)
                except AssertionError as exc:  # a check that could not go on
                    self.tally.found.append(str(exc))
                found += [f"{check.__name__}: {m}" for m in self.tally.found]
                self.tally.found.clear()
        finally:
            self.tally.found = None
        return found
