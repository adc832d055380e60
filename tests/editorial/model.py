"""A model of what the editorial core holds, and of what each request must answer.

Written from issue 10's rules, not from the code: who may do what, what a reader may
see (nothing deleted, nothing under a deleted parent, no drafts), which transitions are
allowed, what a delete or restore is refused for. The property test
(test_editorial_state_machine.py) makes the requests, asks the model what the answer
must be, and keeps the model in step with what succeeded.

Where the rules leave a choice (is a source used only by a claim of a *deleted* dispute
still "in use"?), the model accepts either answer and follows the server; the
invariants then judge the outcome (no live record may point at a deleted one).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from app.models import Role

# The API's collections, which are also the revision log's entity types (table names).
KINDS = ("events", "sources", "documents", "disputes", "claims", "quotes", "links",
         "verdicts")

# The least role for each kind of change (the README's role table).
JOURNALIST_DOES = Role.JOURNALIST  # log and edit records; draft, edit and delete drafts
EDITOR_DOES = Role.EDITOR  # publish, correct, withdraw, change state, delete, restore

_RANK = {None: 0, Role.READER: 1, Role.JOURNALIST: 2, Role.EDITOR: 3, Role.ADMIN: 4}


def refusal(role: Role | None, least: Role) -> set[int] | None:
    """{401} for an anonymous caller, {403} for a role below `least`, else None."""
    if role is None:
        return {401}
    if _RANK[role] < _RANK[least]:
        return {403}
    return None


@dataclass
class Record:
    kind: str
    id: int
    token: str  # a word only this record's text contains: finds it on any surface
    deleted: bool = False
    # what it belongs to or points at
    event: int | None = None
    dispute: int | None = None
    claim: int | None = None
    claimant: int | None = None
    first_appearance: int | None = None
    speaker: int | None = None
    document: int | None = None
    from_claim: int | None = None
    to_claim: int | None = None
    scope_quote: int | None = None
    dispute_state: str = "open"
    # verdicts
    state: str | None = None
    rating: int | None = None
    reason_token: str | None = None  # the withdrawal's reason

    def __str__(self) -> str:
        flags = " deleted" if self.deleted else ""
        flags += f" {self.state}" if self.state else ""
        return f"{self.kind[:-1]} {self.id}{flags}"


@dataclass
class Model:
    records: dict[str, dict[int, Record]] = field(
        default_factory=lambda: {kind: {} for kind in KINDS})

    # -- what exists ---------------------------------------------------------------------

    def add(self, record: Record) -> Record:
        self.records[record.kind][record.id] = record
        return record

    def get(self, kind: str, record_id: int | None) -> Record | None:
        return None if record_id is None else self.records[kind].get(record_id)

    def all(self, kind: str | None = None) -> list[Record]:
        kinds = (kind,) if kind else KINDS
        return [r for k in kinds for r in self.records[k].values()]

    def pick(self, kind: str, n: int) -> Record:
        """The n-th record of a kind (modulo how many there are): stable for shrinking."""
        records = sorted(self.records[kind].values(), key=lambda r: r.id)
        return records[n % len(records)]

    def has(self, *kinds: str) -> bool:
        return all(self.records[k] for k in kinds)

    # -- who sees what -------------------------------------------------------------------

    def hidden(self, record: Record | None) -> bool:
        """Deleted, or under something deleted: gone for readers, and for writers."""
        if record is None or record.deleted:
            return True
        match record.kind:
            case "claims":
                return self.hidden(self.get("disputes", record.dispute))
            case "quotes" | "verdicts":
                return self.hidden(self.get("claims", record.claim))
            case "links":
                return (self.hidden(self.get("claims", record.from_claim))
                        or self.hidden(self.get("claims", record.to_claim)))
        return False

    def public(self, record: Record) -> bool:
        """What an anonymous reader may see: not hidden, and no draft."""
        return not self.hidden(record) and record.state != "draft"

    def public_ids(self, kind: str) -> set[int]:
        return {r.id for r in self.records[kind].values() if self.public(r)}

    def secret_tokens(self) -> dict[str, Record]:
        """token -> record, for everything a reader must not see anywhere."""
        return {r.token: r for r in self.all() if not self.public(r)}

    def claims_of(self, dispute: Record) -> list[Record]:
        return [c for c in self.records["claims"].values() if c.dispute == dispute.id]

    def verdicts_of(self, claim: Record) -> list[Record]:
        return [v for v in self.records["verdicts"].values() if v.claim == claim.id]

    def active_verdict(self, claim: Record) -> Record | None:
        """The claim's verdict that is not withdrawn (a claim has at most one)."""
        return next((v for v in self.verdicts_of(claim)
                     if not v.deleted and v.state in ("draft", "published")), None)

    def published_verdict_on(self, claims: list[Record]) -> bool:
        ids = {c.id for c in claims}
        return any(v.claim in ids and v.state == "published" and not v.deleted
                   for v in self.records["verdicts"].values())

    # -- what a delete is refused for ----------------------------------------------------

    def users_of(self, record: Record) -> list[Record]:
        """The records that use `record` as a reference (not those it is the parent of:
        children go with their parent)."""
        match record.kind:
            case "events":
                return [d for d in self.records["disputes"].values()
                        if d.event == record.id]
            case "sources":
                return ([c for c in self.records["claims"].values()
                         if c.claimant == record.id]
                        + [q for q in self.records["quotes"].values()
                           if q.speaker == record.id])
            case "documents":
                return ([c for c in self.records["claims"].values()
                         if c.first_appearance == record.id]
                        + [q for q in self.records["quotes"].values()
                           if q.document == record.id])
            case "quotes":
                return [k for k in self.records["links"].values()
                        if k.scope_quote == record.id]
        return []

    def delete_answers(self, record: Record) -> set[int]:
        """What DELETE answers an editor (the role is checked before)."""
        if self.hidden(record):
            return {404}
        if record.kind == "verdicts":
            return {409} if record.state != "draft" else {204}
        if record.kind == "claims" and self.published_verdict_on([record]):
            return {409}  # withdraw it first
        if record.kind == "disputes" and self.published_verdict_on(self.claims_of(record)):
            return {409}
        users = self.users_of(record)
        if any(not self.hidden(u) for u in users):
            return {409}  # still used by a live record
        if any(not u.deleted for u in users):
            return {204, 409}  # used only under a deleted parent: the rules leave it open
        return {204}

    # -- what a restore is refused for ---------------------------------------------------

    def _points_at_deleted(self, record: Record) -> bool:
        """Whether what `record` belongs to or points at is deleted (or gone with its
        own parent)."""
        refs = {
            "disputes": [("events", record.event)],
            "claims": [("disputes", record.dispute), ("sources", record.claimant),
                       ("documents", record.first_appearance)],
            "quotes": [("claims", record.claim), ("sources", record.speaker),
                       ("documents", record.document)],
            "links": [("claims", record.from_claim), ("claims", record.to_claim),
                      ("quotes", record.scope_quote)],
            "verdicts": [("claims", record.claim)],
        }.get(record.kind, [])
        return any(ref is not None and self.hidden(self.get(kind, ref)) for kind, ref in refs)

    def _would_bring_back_broken(self, record: Record) -> bool:
        """Whether restoring `record` would bring back, with it, a child that points at
        a deleted record (a claim of the dispute naming a deleted claimant...)."""
        children = []
        if record.kind == "disputes":
            children = [c for c in self.claims_of(record) if not c.deleted]
        if record.kind in ("disputes", "claims"):
            claims = {c.id for c in children} | ({record.id} if record.kind == "claims"
                                                else set())
            children += [q for q in self.records["quotes"].values()
                         if q.claim in claims and not q.deleted]
        was = record.deleted
        record.deleted = False  # as if restored
        try:
            return any(self._points_at_deleted(c) for c in children)
        finally:
            record.deleted = was

    def restore_answers(self, record: Record) -> set[int]:
        """What POST .../restore answers an editor."""
        if not record.deleted:
            return {409}
        if self._points_at_deleted(record):
            return {409}
        if record.kind == "verdicts" and (other := self.active_verdict(
                self.get("claims", record.claim))) is not None and other is not record:
            return {200, 409}  # two current verdicts on one claim: the rules leave it open
        if self._would_bring_back_broken(record):
            return {200, 409}  # refused, or the invariants catch what came back
        return {200}
