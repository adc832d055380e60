"""Checking what the rows refer to and what must be unique: against the file and the
database."""

from __future__ import annotations

from collections import defaultdict

import sqlalchemy as sa

from app.extensions import db
from app.services.interchange.export import MAX_ERRORS
from app.services.interchange.lines import _Rows, _TablePlan


def _duplicates(kind: str, plan: _TablePlan, values: list[tuple], numbers: list[int],
                seen: dict[str, set]) -> list[tuple[int, str, str]]:
    ids = [row[plan.id_index] for row in values]
    known = seen[kind]
    fresh = set(ids)
    if len(fresh) == len(ids) and known.isdisjoint(fresh):
        known |= fresh  # the usual case, at set speed
        return []
    found = []
    for number, row_id in zip(numbers, ids, strict=True):
        if row_id in known:
            found.append((number, "id", f"{kind} {row_id} appears twice in the file"))
        known.add(row_id)
    return found


def _check_references(plans: dict[str, _TablePlan], by_table: dict[str, _Rows],
                      errors: list) -> None:
    """Every foreign key points at a row in the file or already in the database, and no
    row of the file is already in the database."""
    file_ids = {name: {row[plans[name].id_index] for row in rows.values}
                for name, rows in by_table.items()}
    wanted: dict[str, set[int]] = defaultdict(set)
    for name, rows in by_table.items():
        for index, _, target in plans[name].references:
            wanted[target] |= {row[index] for row in rows.values}
    for target, ids in wanted.items():
        ids.discard(None)
        ids -= file_ids.get(target, set())
    in_db: dict[str, set[int]] = {}
    for name in set(wanted) | set(file_ids):
        table = plans[name].table
        ids = sorted(wanted.get(name, set()) | file_ids.get(name, set()))
        present: set[int] = set()
        if ids and db.session.execute(sa.select(table.c.id).limit(1)).first() is not None:
            for start in range(0, len(ids), 900):
                chunk = ids[start:start + 900]
                present |= set(db.session.execute(
                    sa.select(table.c.id).where(table.c.id.in_(chunk))).scalars())
        in_db[name] = present
    if not any(in_db.values()) and all(not ids for ids in wanted.values()):
        return  # nothing there yet, and every reference points inside the file
    for name, rows in by_table.items():
        plan = plans[name]
        for number, row in zip(rows.numbers, rows.values, strict=True):
            if len(errors) >= MAX_ERRORS:
                return
            if row[plan.id_index] in in_db.get(name, set()):
                errors.append((number, "id", f"{name} {row[plan.id_index]} already exists here"))
            for index, column, target in plan.references:
                value = row[index]
                if (value is None or value in file_ids.get(target, set())
                        or value in in_db.get(target, set())):
                    continue
                errors.append((number, column,
                               f"{target} {value} is neither in the file nor in the database"))


def _check_live_references(plans: dict[str, _TablePlan], by_table: dict[str, _Rows],
                           errors: list) -> None:
    """A live row (no `deleted_at`) of the file points at no deleted row, of the file or
    of the database: what deleting keeps true in the app (app/services/lifecycle.py)
    holds for what is imported too."""
    deleted_at = {name: plan.columns.index("deleted_at") for name, plan in plans.items()
                  if "deleted_at" in plan.columns}
    dead: dict[str, set[int]] = {
        name: {row[plans[name].id_index] for row in rows.values if row[deleted_at[name]]
               is not None}
        for name, rows in by_table.items() if name in deleted_at}
    in_file = {name: {row[plans[name].id_index] for row in rows.values}
               for name, rows in by_table.items()}
    wanted: dict[str, set[int]] = defaultdict(set)
    for name, rows in by_table.items():
        if name not in deleted_at:
            continue
        for index, _, target in plans[name].references:
            if target in deleted_at:
                wanted[target] |= {row[index] for row in rows.values
                                   if row[deleted_at[name]] is None and row[index] is not None}
    for target, ids in wanted.items():
        table = plans[target].table
        ids = sorted(ids - in_file.get(target, set()))
        for start in range(0, len(ids), 900):
            dead.setdefault(target, set()).update(db.session.execute(
                sa.select(table.c.id).where(table.c.id.in_(ids[start:start + 900]),
                                            table.c.deleted_at.is_not(None))).scalars())
    for name, rows in by_table.items():
        if name not in deleted_at:
            continue
        for number, row in zip(rows.numbers, rows.values, strict=True):
            if row[deleted_at[name]] is not None:
                continue
            for index, column, target in plans[name].references:
                if row[index] in dead.get(target, ()):
                    if len(errors) >= MAX_ERRORS:
                        return
                    errors.append((number, column, f"{target} {row[index]} is deleted, and "
                                   "a live record may not point at a deleted one"))


def _unique_keys(table: sa.Table) -> list[tuple[str, ...]]:
    """The column sets `table` holds unique, besides its id."""
    keys = [tuple(c.name for c in constraint.columns) for constraint in table.constraints
            if isinstance(constraint, sa.UniqueConstraint)]
    keys += [tuple(c.name for c in index.columns) for index in table.indexes if index.unique]
    return [key for key in dict.fromkeys(keys) if key != ("id",)]


def _check_unique(plans: dict[str, _TablePlan], by_table: dict[str, _Rows],
                  errors: list) -> None:
    """No two rows of the file, and no row of the file and one already in the database,
    share what must be unique (a slug, a URL, an email, a version number): named by
    line and field here rather than refused by the database at the insert."""
    for name, rows in by_table.items():
        plan = plans[name]
        for key in _unique_keys(plan.table):
            indexes = [plan.columns.index(column) for column in key]
            field = key[-1] if len(key) > 1 else key[0]
            first_line: dict[tuple, int] = {}
            for number, row in zip(rows.numbers, rows.values, strict=True):
                value = tuple(row[i] for i in indexes)
                if None in value:
                    continue  # NULLs never clash
                if value in first_line:
                    errors.append((number, field, f"{', '.join(map(str, value))} is "
                                   f"already used by line {first_line[value]} of the file"))
                    if len(errors) >= MAX_ERRORS:
                        return
                else:
                    first_line[value] = number
            _clashes_in_database(plan.table, key, first_line, field, errors)
            if len(errors) >= MAX_ERRORS:
                return


def _clashes_in_database(table: sa.Table, key: tuple[str, ...], lines: dict[tuple, int],
                         field: str, errors: list) -> None:
    if not lines or db.session.execute(sa.select(table.c.id).limit(1)).first() is None:
        return  # an empty table (the usual import) clashes with nothing
    columns = [table.c[column] for column in key]
    values = sorted(lines, key=repr)
    for start in range(0, len(values), 900):
        chunk = values[start:start + 900]
        # the first column narrows it down; the whole key is compared here
        found = db.session.execute(sa.select(*columns).where(
            columns[0].in_(sorted({v[0] for v in chunk}, key=repr)))).all()
        for existing in map(tuple, found):
            if existing in lines:
                errors.append((lines[existing], field, f"{', '.join(map(str, existing))} "
                               f"is already used by {table.name} in this database"))
                if len(errors) >= MAX_ERRORS:
                    return
