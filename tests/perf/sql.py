"""What the app sends to the database, and how the database plans it: helpers for the
guards in this folder (query counts and EXPLAIN, never timings)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event


@dataclass(frozen=True)
class Statement:
    sql: str
    parameters: Any

    @property
    def is_select(self) -> bool:
        return self.sql.lstrip().upper().startswith(("SELECT", "WITH"))


@contextmanager
def captured(engine: sa.Engine) -> Iterator[list[Statement]]:
    """Every statement the engine executes inside the block, with its parameters."""
    statements: list[Statement] = []

    def before(conn, cursor, statement, parameters, context, executemany):
        statements.append(Statement(statement, parameters))

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", before)


def explain(engine: sa.Engine, statement: Statement) -> Plan:
    """The database's plan for `statement`, with its real parameters.

    PostgreSQL plans a near-empty test table with sequential scans whatever indexes
    exist, so the plan is taken with `enable_seqscan = off` (in a transaction rolled
    back at once): the question asked is "can this query use the index?", which is
    what breaks when a WHERE clause stops matching an index's expression or columns."""
    with engine.connect() as conn, conn.begin() as tx:
        if engine.dialect.name == "postgresql":
            conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
            (raw,) = conn.exec_driver_sql(
                "EXPLAIN (FORMAT JSON) " + statement.sql, statement.parameters).one()
            plan = Plan.from_postgresql(raw if isinstance(raw, list) else json.loads(raw))
        else:
            rows = conn.exec_driver_sql(
                "EXPLAIN QUERY PLAN " + statement.sql, statement.parameters).all()
            plan = Plan([row[-1] for row in rows])
        tx.rollback()
    return plan


@dataclass
class Plan:
    """The plan's nodes as one line each: "Index Scan ix_verdicts_feed on verdicts cond
    (...)" (PostgreSQL) or SQLite's own "SEARCH t USING INDEX ix_... (...)" lines."""

    lines: list[str]

    @classmethod
    def from_postgresql(cls, doc: list[dict]) -> Plan:
        lines: list[str] = []

        def walk(node: dict) -> None:
            parts = [node["Node Type"]]
            if "Index Name" in node:
                parts.append(node["Index Name"])
            if "Relation Name" in node:
                parts.append(f"on {node['Relation Name']}")
            if "Index Cond" in node:
                parts.append(f"cond {node['Index Cond']}")
            lines.append(" ".join(parts))
            for child in node.get("Plans", []):
                walk(child)

        walk(doc[0]["Plan"])
        return cls(lines)

    def uses_index(self, name: str) -> bool:
        return any(re.search(rf"\b{re.escape(name)}\b", line) for line in self.lines)

    def scans(self, table: str) -> list[str]:
        """Lines that read `table` whole (PostgreSQL Seq Scan, SQLite SCAN without index)."""
        return [line for line in self.lines
                if re.match(rf"(Seq Scan on {table}\b|SCAN {table}\b(?!.*INDEX))", line)]

    def __str__(self) -> str:
        return "\n".join(self.lines)
