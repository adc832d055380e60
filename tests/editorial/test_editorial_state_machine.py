"""The whole editorial state machine, as random sequences of requests by random roles.

Hypothesis drives create / edit / delete / restore / publish / correct / withdraw /
change-state requests through the API as anonymous callers, readers, journalists,
editors and admins, against the real database. A model (tests/editorial/model.py) says
what each request must answer under issue 10's rules and keeps track of what exists.
After every step, the invariants run as an anonymous reader on every surface
(tests/editorial/surfaces.py) and on the stored rows (tests/editorial/invariants.py):

- no draft, nothing deleted and nothing under a deleted parent is visible anywhere;
- every public page, feed and export answers 200 or 404, never 500;
- no published verdict on a deleted (or hidden) claim;
- no withdrawn verdict with a rating: ClaimReview 410, no JSON-LD, no rating in the
  API's JSON, the Atom feed or the CSV export;
- every change has a revision naming its actor, a refused request changes nothing;
- role refusals are 401 / 403.

Bounded and repeatable: derandomized, no example database. PROPERTY_EXAMPLES and
PROPERTY_STEPS change the budget; PROPERTY_SHRINK=1 shrinks a failure to its shortest
sequence (slow: every example is dozens of requests), otherwise the failing sequence is
printed as it ran.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from app.extensions import db
from app.models import Role
from tests.editorial.conftest import database_label, report
from tests.editorial.model import KINDS, Record
from tests.editorial.newsroom import Newsroom, empty_content
from tests.editorial.surfaces import Tally

EXAMPLES = int(os.environ.get("PROPERTY_EXAMPLES", "10"))
STEPS = int(os.environ.get("PROPERTY_STEPS", "15"))
SHRINK = os.environ.get("PROPERTY_SHRINK") == "1"
TRACE = os.environ.get("PROPERTY_TRACE") == "1"  # print every request and its answer

# Who makes each request: every role, weighted towards those who may write.
ROLES = st.sampled_from([Role.EDITOR, Role.JOURNALIST, Role.ADMIN, Role.EDITOR,
                         Role.JOURNALIST, None, Role.READER])
PICK = st.integers(min_value=0, max_value=999)  # which record, modulo how many there are
RATING = st.integers(min_value=1, max_value=5)
DISPUTE_STATES = st.sampled_from(["contested", "conceded", "corrected", "resolved",
                                  "unresolvable", "open"])


class EditorialCore(RuleBasedStateMachine):
    """Random requests by random roles; the Newsroom judges each answer, the invariant
    everything a reader could see. `setup` gives it the app's client and accounts."""

    client = None
    accounts: dict = {}
    user_ids: dict = {}
    tally = Tally()
    runs = {"examples": 0, "steps": 0}

    @classmethod
    def setup(cls, client, accounts: dict) -> None:
        cls.client, cls.accounts = client, accounts
        # read now: the accounts' objects are detached once the examples start
        cls.user_ids = {role: account.user.id for role, account in accounts.items()}
        cls.tally = Tally()
        cls.runs = {"examples": 0, "steps": 0}

    def __init__(self):
        super().__init__()
        db.session.remove()
        empty_content()  # each example starts from an empty newsroom
        self.newsroom = Newsroom(self.client, self.accounts, self.tally, trace=TRACE,
                                 user_ids=self.user_ids)
        self.model = self.newsroom.model
        self.runs["examples"] += 1
        if TRACE:
            print(f"example {self.runs['examples']}")

    def pick(self, kind: str, n: int) -> Record:
        return self.model.pick(kind, n)

    def step(self) -> Newsroom:
        self.runs["steps"] += 1
        return self.newsroom

    # -- creating -------------------------------------------------------------------------

    @initialize()
    def a_story(self):
        """Every example starts from a story, logged by a journalist: an event, two
        sources, a document, a dispute with two accounts, a quote of the first, the second
        denying those words, a draft verdict on the first."""
        newsroom = self.newsroom
        event = newsroom.create_event(Role.JOURNALIST)
        source = newsroom.create_source(Role.JOURNALIST)
        other = newsroom.create_source(Role.JOURNALIST)
        document = newsroom.create_document(Role.JOURNALIST)
        dispute = newsroom.create_dispute(Role.JOURNALIST, event, source)
        account = self.model.claims_of(dispute)[0]
        denial = newsroom.create_claim(Role.JOURNALIST, dispute, other)
        quote = newsroom.create_quote(Role.JOURNALIST, account, source, document)
        newsroom.create_link(Role.JOURNALIST, denial, account, scoped=quote)
        newsroom.draft_verdict(Role.JOURNALIST, account)

    @rule(role=ROLES, kind=st.sampled_from(["events", "sources", "documents"]))
    def create_record(self, role, kind):
        """An event, a source or a document."""
        getattr(self.step(), f"create_{kind[:-1]}")(role)

    @precondition(lambda self: self.model.has("events", "sources"))
    @rule(role=ROLES, event=PICK, claimant=PICK, with_claim=st.booleans())
    def create_dispute(self, role, event, claimant, with_claim):
        self.step().create_dispute(role, self.pick("events", event),
                                   self.pick("sources", claimant) if with_claim else None)

    @precondition(lambda self: self.model.has("disputes", "sources"))
    @rule(role=ROLES, dispute=PICK, claimant=PICK, document=st.none() | PICK)
    def create_claim(self, role, dispute, claimant, document):
        doc = (self.pick("documents", document)
               if document is not None and self.model.has("documents") else None)
        self.step().create_claim(role, self.pick("disputes", dispute),
                                 self.pick("sources", claimant), doc)

    @precondition(lambda self: self.model.has("claims", "sources", "documents"))
    @rule(role=ROLES, claim=PICK, speaker=PICK, document=PICK)
    def create_quote(self, role, claim, speaker, document):
        self.step().create_quote(role, self.pick("claims", claim),
                                 self.pick("sources", speaker), self.pick("documents", document))

    @precondition(lambda self: len(self.model.records["claims"]) >= 2)
    @rule(role=ROLES, claim=PICK, other=PICK, quote=st.none() | PICK)
    def create_link(self, role, claim, other, quote):
        other = self.pick("claims", other)
        quotes = sorted((q for q in self.model.records["quotes"].values() if q.claim == other.id),
                        key=lambda q: q.id)
        scoped = quotes[quote % len(quotes)] if quote is not None and quotes else None
        self.step().create_link(role, self.pick("claims", claim), other, scoped)

    @precondition(lambda self: self.model.has("claims"))
    @rule(role=ROLES, claim=PICK, rating=RATING)
    def draft_verdict(self, role, claim, rating):
        self.step().draft_verdict(role, self.pick("claims", claim), rating)

    # -- editing ----------------------------------------------------------------------------

    @rule(role=ROLES, what=st.sampled_from(["claim", "draft", "dispute state"]), n=PICK,
          value=RATING, state=DISPUTE_STATES)
    def edit(self, role, what, n, value, state):
        """Reword a claim, re-rate a draft, or move a dispute to another state."""
        kind = {"claim": "claims", "draft": "verdicts", "dispute state": "disputes"}[what]
        if not self.model.has(kind):
            return
        record = self.pick(kind, n)
        if what == "claim":
            self.step().edit_claim(role, record)
        elif what == "draft":
            self.step().edit_draft(role, record, value)
        else:
            self.step().change_dispute_state(role, record, state)

    # -- verdicts -----------------------------------------------------------------------------

    @precondition(lambda self: self.model.has("verdicts"))
    @rule(role=ROLES, verdict=PICK)
    def publish(self, role, verdict):
        self.step().publish(role, self.pick("verdicts", verdict))

    @precondition(lambda self: self.model.has("verdicts"))
    @rule(role=ROLES, verdict=PICK, rating=RATING)
    def correct(self, role, verdict, rating):
        self.step().correct(role, self.pick("verdicts", verdict), rating)

    @precondition(lambda self: self.model.has("verdicts"))
    @rule(role=ROLES, verdict=PICK)
    def withdraw(self, role, verdict):
        self.step().withdraw(role, self.pick("verdicts", verdict))

    # -- delete and restore -----------------------------------------------------------------

    @rule(role=ROLES, kind=PICK, record=PICK)
    def delete(self, role, kind, record):
        kinds = [k for k in KINDS if self.model.records[k]]
        self.step().delete(role, self.pick(kinds[kind % len(kinds)], record))

    @precondition(lambda self: any(r.deleted for r in self.model.all()))
    @rule(role=ROLES, record=PICK)
    def restore(self, role, record):
        deleted = sorted((r for r in self.model.all() if r.deleted),
                         key=lambda r: (r.kind, r.id))
        self.step().restore(role, deleted[record % len(deleted)])

    # -- after every step -------------------------------------------------------------------

    @invariant()
    def nothing_hidden_is_shown_and_every_rule_holds(self):
        # A refused request changed nothing (Newsroom.send checked that no revision was
        # written): what readers see was checked after the last change.
        if not self.newsroom.changed and self.runs["steps"]:
            return
        self.newsroom.check_invariants()

    def teardown(self):
        db.session.remove()


def test_the_editorial_rules_hold_whatever_anyone_does(app, reader, journalist, editor,
                                                        admin):
    # Given accounts of every role (kept across examples; the records are not)
    EditorialCore.setup(app.test_client(), {Role.READER: reader, Role.JOURNALIST: journalist,
                                            Role.EDITOR: editor, Role.ADMIN: admin})
    phases = [Phase.explicit, Phase.reuse, Phase.generate] + ([Phase.shrink] if SHRINK else [])
    try:
        # When random sequences of requests run; Then every invariant holds after each
        run_state_machine_as_test(EditorialCore, settings=settings(
            max_examples=EXAMPLES, stateful_step_count=STEPS, deadline=None,
            derandomize=True, database=None, phases=phases, print_blob=False,
            suppress_health_check=list(HealthCheck)))
    finally:
        tally, runs = EditorialCore.tally, EditorialCore.runs
        per_check = ", ".join(f"{name} {n}" for name, n in sorted(tally.calls.items()))
        report("property test (examples, steps, checks)",
               f"{database_label():10} {runs['examples']} examples, {runs['steps']} steps, "
               f"{tally.requests} reader requests, {tally.checks} single checks; "
               f"invariant runs: {per_check}")
