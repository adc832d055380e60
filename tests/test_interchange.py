"""Export → import → export is identical; a bad or interrupted import writes nothing."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from app import create_app
from app.extensions import db
from app.models import Claim, Quote, Revision, Source, VerdictEvidence
from app.services import claims as claim_service
from app.services import events as event_service
from app.services import lifecycle
from app.services import sources as source_service
from app.services.interchange import ImportRefused, export_lines, import_lines
from config import TestingConfig
from seeds.loader import counts
from tests.dbutil import throwaway_database, wipe


@pytest.fixture(scope="module")
def other_app(tmp_path_factory):
    """A second, empty, migrated database: where an export is imported."""
    with throwaway_database(tmp_path_factory.mktemp("other"), "other") as url:
        class Other(TestingConfig):
            SQLALCHEMY_DATABASE_URI = url

        app = create_app(Other)
        with app.app_context():
            upgrade()
        yield app
        with app.app_context():
            db.engine.dispose()


@pytest.fixture
def other(other_app):
    yield other_app
    with other_app.app_context():
        db.session.remove()
        wipe(db.engine, db.metadata)


def test_export_import_export_is_identical(seeded, other, editor):
    # Given a seeded database with history (edits, a soft delete, a correction)

    # (an account no verdict rests on, so that it may be deleted)
    cited = sa.select(VerdictEvidence.claim_id).where(VerdictEvidence.claim_id.is_not(None))
    claim = db.session.scalars(sa.select(Claim).where(~Claim.verdicts.any(),
                                                      Claim.id.not_in(cited))
                               .order_by(Claim.id)).first()
    claim_service.update_claim(claim, {"statement": "Edited ‘statement’ — with “quotes”."},
                               actor=editor.user)
    lifecycle.delete_record(claim, actor=editor.user, reason="test")
    claim_id = claim.id  # read here: inside the other app, `claim` would load from there
    first = list(export_lines())
    source_counts = counts()

    # When it is imported into an empty database and exported again
    with other.app_context():
        report = import_lines(first)
        assert report.counts["claims"] == source_counts["claims"] + 1  # with the deleted one
        second = list(export_lines())
        # the imported database keeps working: new rows get fresh ids
        assert counts() == source_counts
        deleted = db.session.execute(
            sa.select(Claim).execution_options(include_deleted=True).where(Claim.id == claim_id)
        ).scalar_one()
        assert deleted.is_deleted

    # Then the two exports are the same, line for line
    assert second == first
    assert not any("password_hash" in line or "token_hash" in line for line in first)


def test_new_rows_after_import_get_fresh_ids(seeded, other, journalist):
    lines = list(export_lines())
    with other.app_context():
        import_lines(lines)
        from app.services.users import create_user

        actor = create_user("new@example.org", "New", "journalist")
        event = event_service.create_event(actor=actor, slug="after-import",
                                           title="After the import")
        # the imported rows are searchable, and the search index still follows new rows
        from app.services.search import search

        assert any(h.kind == "dispute" for h in search("sacked"))
        source_service.create_source(actor=actor, slug="zanzibar", name="Zanzibar Gazette",
                                     kind="outlet")
        assert [h.title for h in search("zanzibar")] == ["Zanzibar Gazette"]
        assert event.id > max(json.loads(line)["id"] for line in lines
                              if json.loads(line)["_type"] == "events")


def test_bad_lines_are_named_and_nothing_is_written(seeded, other):
    lines = list(export_lines())
    claim_line = next(i for i, line in enumerate(lines) if '"_type": "claims"' in line)
    broken = json.loads(lines[claim_line])
    broken["sourcing_level"] = "rumour"
    broken["surprise"] = 1
    lines[claim_line] = json.dumps(broken)
    lines.insert(3, "{not json")

    with other.app_context():
        with pytest.raises(ImportRefused) as err:
            import_lines(lines)
        fields = {(n, f) for n, f, _ in err.value.errors}
        assert (4, "line") in fields
        assert (claim_line + 2, "sourcing_level") in fields
        assert (claim_line + 2, "surprise") in fields
        assert counts()["claims"] == 0 and db.session.scalar(
            sa.select(sa.func.count()).select_from(Revision)) == 0


def test_dangling_references_and_duplicates_are_refused(seeded, other):
    lines = [line for line in export_lines() if '"_type": "sources"' not in line]
    with other.app_context():
        with pytest.raises(ImportRefused) as err:
            import_lines(lines)
        assert any(f == "claimant_id" and "sources" in m for _, f, m in err.value.errors)
        assert counts()["claims"] == 0

    # importing into a database that already holds the rows is refused too
    with pytest.raises(ImportRefused) as err:
        import_lines(list(export_lines()))
    assert "already exists" in err.value.errors[0][2]


def test_a_live_record_pointing_at_a_deleted_one_is_refused(seeded, other):
    # Given an export where a dispute is deleted but its accounts were left live (what
    # the app never leaves: they go with it), and a live claim's claimant deleted
    lines = list(export_lines())
    dispute_line = _line_of(lines, "disputes")
    dispute = json.loads(lines[dispute_line])
    dispute["deleted_at"] = "2026-12-01T10:00:00+00:00"
    lines[dispute_line] = json.dumps(dispute)
    # When it is imported, then it is refused, naming the lines, and nothing is written
    with other.app_context():
        with pytest.raises(ImportRefused) as err:
            import_lines(lines)
        named = [(f, m) for _, f, m in err.value.errors]
        assert ("dispute_id", f"disputes {dispute['id']} is deleted, and a live record may "
                "not point at a deleted one") in named
        assert counts()["claims"] == 0


def _line_of(lines: list[str], kind: str, index: int = 0) -> int:
    return [i for i, line in enumerate(lines) if f'"_type": "{kind}"' in line][index]


def test_what_must_be_unique_is_named_by_line(seeded, other):
    # Given an export where a second event takes the first one's slug
    lines = list(export_lines())
    first, second = _line_of(lines, "events", 0), _line_of(lines, "events", 1)
    event = json.loads(lines[second])
    event["slug"] = json.loads(lines[first])["slug"]
    lines[second] = json.dumps(event)

    with other.app_context():
        # When it is imported, then the clash is named by line and field, nothing written
        with pytest.raises(ImportRefused) as err:
            import_lines(lines)
        assert err.value.errors == [(second + 1, "slug", f"{event['slug']} is already used "
                                     f"by line {first + 1} of the file")]
        assert counts()["events"] == 0

    # and so is a source whose slug a source already in the database has
    exported = list(export_lines())
    source = json.loads(exported[_line_of(exported, "sources")])
    source.update(id=999_999, parent_id=None)
    with other.app_context():
        import_lines(exported)
        with pytest.raises(ImportRefused) as err:
            import_lines([exported[0], json.dumps(source)])
        assert err.value.errors == [(2, "slug", f"{source['slug']} is already used by "
                                     "sources in this database")]
        assert db.session.get(Source, 999_999) is None


def test_a_database_rule_the_checks_miss_is_a_refusal_not_a_crash(seeded, other):
    # Given a source that names itself as its parent (a CHECK constraint of the table)
    lines = list(export_lines())
    index = _line_of(lines, "sources")
    source = json.loads(lines[index])
    source["parent_id"] = source["id"]
    lines[index] = json.dumps(source)

    with other.app_context():
        # When it is imported, then it is refused as a whole and nothing is written
        with pytest.raises(ImportRefused) as err:
            import_lines(lines)
        assert "refused" in err.value.message and "not_own_parent" in err.value.message
        assert counts()["sources"] == 0 and counts()["claims"] == 0


def test_header_is_required(other):
    with pytest.raises(ImportRefused):
        import_lines(['{"_type": "events", "id": 1}'])
    with pytest.raises(ImportRefused):
        import_lines([])


def test_cli_export_and_import(seeded, cli, other, tmp_path):
    path = tmp_path / "export.ndjson"
    result = cli.invoke(args=["export", "-o", str(path)])
    assert result.exit_code == 0, result.output
    runner = other.test_cli_runner()
    # (the CLI runs in the current app context: make it the other app's)
    with other.app_context():
        result = runner.invoke(args=["import", str(path)])
        assert result.exit_code == 0, result.output
        assert f"{seeded['claims']} claims" in result.output
        assert "Took " in result.output and "writing" in result.output  # how long each step took
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Quote)) == 15
        again = runner.invoke(args=["import", "--workers", "0", str(path)])
        assert again.exit_code != 0 and "nothing was written" in again.output
        negative = runner.invoke(args=["import", "--workers", "-1", str(path)])
        assert negative.exit_code == 2 and "--workers" in negative.output


def test_cli_import_shows_each_step_on_a_terminal(seeded, other, tmp_path):
    from tests.test_cli import run_flask

    path = tmp_path / "export.ndjson"
    path.write_text("".join(line + "\n" for line in export_lines()))
    url = other.config["SQLALCHEMY_DATABASE_URI"]
    code, shown = run_flask(["import", "--workers", "0", str(path)], url, terminal=True)
    assert code == 0, shown
    # one bar per step, each to its end, in order
    steps = ["Checking lines", "Checking references", "Writing"]
    assert all(f"{step}  [" in shown for step in steps), shown[-2000:]
    assert [shown.index(step) for step in steps] == sorted(shown.index(s) for s in steps)
    assert shown.count("100%") >= 3
    with other.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Quote)) == 15


def _wait_until_writing(url: str, proc, timeout: float = 60.0) -> bool:
    """True once the import process is inside its insert transaction."""
    import time

    sqlite = url.startswith("sqlite")
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool,
                              connect_args={"timeout": 0} if sqlite else {})
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            if sqlite:
                # SQLite has one writer: if we cannot take the write lock, the import has it
                with engine.connect() as conn:
                    conn.exec_driver_sql("PRAGMA busy_timeout = 0")
                    try:
                        conn.exec_driver_sql("BEGIN IMMEDIATE")
                        conn.exec_driver_sql("ROLLBACK")
                    except sa.exc.OperationalError:
                        return True
            else:
                with engine.connect() as conn:
                    busy = conn.execute(sa.text(
                        "SELECT count(*) FROM pg_stat_activity WHERE datname = :db"
                        " AND (query ILIKE 'INSERT INTO events%'"
                        " OR query ILIKE 'COPY \"events\"%')"),
                        {"db": sa.make_url(url).database}).scalar()
                if busy:
                    return True
            time.sleep(0.05)
    finally:
        engine.dispose()
    return False


def _bulk_events_file(path, head: list[str], *, first_id: int, count: int = 300_000,
                      tail: str = ""):
    """`head` (export lines), then `count` events from id `first_id`, then `tail`."""
    event = {"_type": "events", "date_precision": "day", "occurred_on": None,
             "summary": "bulk", "created_at": "2022-01-27T00:00:00+00:00",
             "updated_at": "2022-01-27T00:00:00+00:00", "lock_version": 1,
             "deleted_at": None}
    with open(path, "w") as fh:
        fh.writelines(line + "\n" for line in head)
        for n in range(first_id, first_id + count):
            fh.write(json.dumps(dict(event, id=n, slug=f"bulk-{n}", title=f"E{n}")) + "\n")
        fh.write(tail)
    return path


def test_an_import_killed_halfway_changes_nothing(seeded, database_url, tmp_path):
    import os
    import signal
    import subprocess
    import sys

    # Given a large file: the seeded export plus 300,000 more events
    path = _bulk_events_file(tmp_path / "big.ndjson", list(export_lines()), first_id=1000)
    db.session.remove()  # end this session's transaction before emptying the tables
    wipe(db.engine, db.metadata)
    before = counts()

    # When `flask import` is killed while it writes
    env = dict(os.environ, DATABASE_URL=database_url, FLASK_APP="wsgi",
               COUNTERCLAIM_ENV="development")
    proc = subprocess.Popen([sys.executable, "-m", "flask", "import", str(path)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        assert _wait_until_writing(database_url, proc), proc.stderr.read()[-2000:]
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL

    # Then the database is as it was, search index and its triggers included
    db.session.remove()
    assert counts() == before
    if db.engine.dialect.name == "sqlite":
        with db.engine.connect() as conn:
            triggers = conn.exec_driver_sql(
                "SELECT count(*) FROM sqlite_master WHERE type = 'trigger'").scalar()
            indexes = conn.exec_driver_sql(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
                " AND sql LIKE 'CREATE VIRTUAL TABLE%fts5%'").scalar()
            assert indexes >= 5 and triggers == 3 * indexes  # 3 per full-text table
            assert conn.exec_driver_sql(
                "INSERT INTO claims_fts(claims_fts) VALUES ('integrity-check')") is not None
    assert db.session.execute(sa.text("SELECT count(*) FROM events")).scalar() == 0


def _refused(lines, **options) -> list[tuple[int, str, str]]:
    with pytest.raises(ImportRefused) as err:
        import_lines(lines, **options)
    return err.value.errors


def test_worker_processes_name_the_same_lines_as_one_process(seeded, other):
    # Given an export broken here and there, across many chunks of 7 lines
    lines = list(export_lines())
    lines.insert(20, "{not json")
    claims = [i for i, line in enumerate(lines) if '"_type": "claims"' in line]
    broken = {claims[0]: {"sourcing_level": "rumour"},  # a column's enum
              claims[1]: {"statement": ""},  # the API schema's minimum length
              claims[-1]: {"surprise": 1}}  # an unknown field
    for index, change in broken.items():
        lines[index] = json.dumps(dict(json.loads(lines[index]), **change))
    lines.append(lines[1])  # the first event again, in the last chunk: an id twice
    assert len(lines) > 10 * 7

    with other.app_context():
        # When it is imported by worker processes, and in this process alone
        parallel = _refused(lines, workers=2, chunk_lines=7)
        alone = _refused(lines, workers=0)
        assert counts()["claims"] == 0

    # Then both name the same lines and fields, first ones first
    assert parallel == alone
    assert [(n, f) for n, f, _ in alone] == [
        (21, "line"), (claims[0] + 1, "sourcing_level"), (claims[0] + 1, "sourcing_level"),
        (claims[1] + 1, "statement"), (claims[-1] + 1, "surprise"), (len(lines), "id")]
    assert "appears twice" in alone[-1][2]


def test_worker_processes_stop_at_the_first_errors(seeded, other):
    # Given an export where every row carries a field the import does not know
    header, *rows = export_lines()
    lines = [header] + [line[:-1] + ', "surprise": 1}' for line in rows]
    assert len(rows) > 50

    with other.app_context():
        # When it is imported by worker processes, chunk by chunk
        parallel = _refused(lines, workers=2, chunk_lines=3)

    # Then the errors are those of the first lines, as many as one process reports
    assert [(n, f) for n, f, _ in parallel] == [(n, "surprise") for n in range(2, 22)]
    with other.app_context():
        assert parallel == _refused(lines, workers=0)


def test_worker_processes_import_the_same_rows(seeded, other):
    lines = list(export_lines())
    with other.app_context():
        report = import_lines(lines, workers=2, chunk_lines=5)
        assert report.total == len(lines) - 1
        assert list(export_lines()) == lines


@pytest.mark.parametrize("text", [
    "2022-01-27T10:00:00.367009+00:00", "2022-01-27T10:00:00+00:00",
    "2022-01-27T12:00:00.367009+02:00", "2022-01-27T10:00:00,367009+00:00",
    "2022-W04-4T10:00:00.367009+00:00", "0001-01-01T00:00:00.000001+00:00",
    "9999-12-31T23:59:59.999999+00:00", "2024-02-29T23:59:59.500000-05:00",
])
def test_a_timestamp_is_sent_as_sqlalchemy_would_send_it(text):
    import datetime as dt

    from app.models import Claim
    from app.services.interchange import _checker

    column = Claim.__table__.c.created_at
    bind = column.type._cached_bind_processor(db.engine.dialect)
    assert _checker(column, bind)(text) == bind(dt.datetime.fromisoformat(text))


def _alive(pid: int) -> bool:
    from pathlib import Path

    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state not in ("Z", "X")  # a zombie has ended, whoever reaps it


@pytest.mark.skipif(not __import__("os").path.exists("/proc/self/stat"), reason="needs /proc")
def test_the_workers_of_a_killed_import_end_too(database_url, tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import time
    from pathlib import Path

    # Given a long file (which ends badly: nothing could be written if it ran to the end)
    path = _bulk_events_file(tmp_path / "long.ndjson", [next(iter(export_lines()))],
                             first_id=1, tail="{not json\n")
    env = dict(os.environ, DATABASE_URL=database_url, FLASK_APP="wsgi",
               COUNTERCLAIM_ENV="development")
    proc = subprocess.Popen([sys.executable, "-m", "flask", "import", "--workers", "2",
                             str(path)], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children")
    workers: set[int] = set()
    deadline = time.monotonic() + 60
    try:
        while len(workers) < 2 and proc.poll() is None and time.monotonic() < deadline:
            workers = {int(pid) for pid in children.read_text().split()}
            time.sleep(0.02)
        assert len(workers) == 2, "the import started no worker processes"

        # When the import is killed while its workers check lines
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait(timeout=30)

    # Then its workers end by themselves, soon
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(pid) for pid in workers)


def test_captured_versions_and_their_warc_travel(client, journalist, site, other):
    # Given a document captured twice (two versions, each with its WARC bytes)
    from app.models import DocumentVersion
    from app.services import documents as document_service
    from tests.sites import Page, article

    site.pages["/story"] = Page(article("Kyiv could be sacked, a source said."))
    document = document_service.create_document(actor=journalist.user, title="CNN",
                                                url=site.url("/story"))
    post = f"/api/v1/documents/{document.id}/captures"
    assert client.post(post, headers=journalist.headers).status_code == 201
    site.pages["/story"] = Page(article("Kyiv could be overrun, a source said."))
    assert client.post(post, headers=journalist.headers).status_code == 201
    warcs = list(db.session.scalars(sa.select(DocumentVersion.warc)
                                    .order_by(DocumentVersion.id)))
    first = list(export_lines())

    # When it is exported and imported elsewhere
    with other.app_context():
        import_lines(first)
        second = list(export_lines())
        copied = list(db.session.scalars(sa.select(DocumentVersion.warc)
                                         .order_by(DocumentVersion.id)))

    # Then the versions and their WARC records are there, byte for byte
    assert second == first
    assert copied == warcs and all(warcs)
    assert sum('"_type": "document_versions"' in line for line in first) == 2
