"""python -m bench.importrate: how fast `flask import` reads an export (issue 5).

The archive of `--scale` claims (bench/out/archive-<scale>.sqlite, made once by
generate.py, as for `make bench`) is exported with `flask export`, then imported with
`flask import` — the command itself, in a process of its own — into a freshly migrated
SQLite database, once per variant and round: the default (worker processes), `--workers
0` (the command's own process alone), and with `--baseline REV` the import of that git
revision (its tree unpacked under bench/out/, run with the same virtualenv). Prints
records, seconds (wall), records/s, CPU seconds of the command and its workers, the
command's own breakdown (checking lines, references, writing), and each variant's
ratio to the baseline. `--roundtrip` also exports the imported database and compares
it with the file byte for byte.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench import generate, workload
from bench.run import machine
from bench.workload import OUT

ROOT = Path(__file__).resolve().parent.parent


def log(message: str) -> None:
    print(message, flush=True)


def _env(url: str) -> dict[str, str]:
    return dict(os.environ, DATABASE_URL=url, FLASK_APP="wsgi", COUNTERCLAIM_ENV="development")


def _flask(args: list[str], url: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "flask", *args], env=_env(url), cwd=cwd,
                          capture_output=True, text=True, check=True)


def export_file(scale: str, fresh: bool) -> tuple[Path, int]:
    """bench/out/export-<scale>.ndjson, made again when the archive is newer."""
    archive = workload.sqlite_archive(scale, fresh=fresh, progress=log)
    db_path = Path(archive.url.removeprefix("sqlite:///"))
    path = OUT / f"export-{scale}.ndjson"
    if fresh or not path.exists() or path.stat().st_mtime < db_path.stat().st_mtime:
        log(f"Exporting the {scale} archive to {path.relative_to(ROOT)} (flask export)")
        started = time.perf_counter()
        _flask(["export", "-o", str(path)], archive.url)
        log(f"  {time.perf_counter() - started:.1f} s")
    with open(path, "rb") as fh:
        records = sum(1 for _ in fh) - 1  # the header is not a record
    return path, records


def baseline_tree(rev: str) -> Path:
    """The tree of git revision `rev`, unpacked once under bench/out/."""
    sha = subprocess.run(["git", "rev-parse", "--short", rev], cwd=ROOT, check=True,
                         capture_output=True, text=True).stdout.strip()
    tree = OUT / f"baseline-{sha}"
    if not (tree / "wsgi.py").exists():
        tree.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(["git", "archive", sha], cwd=ROOT, check=True,
                                 capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
    return tree


_DROP: list = []  # PostgreSQL databases made here, dropped at the end


def fresh_database(name: str, server: str | None = None) -> str:
    if server:
        import uuid

        import sqlalchemy as sa

        base = sa.make_url(server).set(drivername="postgresql+psycopg")
        database = f"cc_bench_{name}_{uuid.uuid4().hex[:8]}"
        admin = sa.create_engine(base, isolation_level="AUTOCOMMIT",
                                 poolclass=sa.pool.NullPool)
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{database}"'))

        def drop() -> None:
            with admin.connect() as conn:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))

        _DROP.append(drop)
        url = base.set(database=database).render_as_string(hide_password=False)
        generate.migrate(url)
        return url
    path = OUT / f"{name}.sqlite"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    url = f"sqlite:///{path}"
    generate.migrate(url)
    return url


def import_once(path: Path, records: int, workers: int | None, cwd: Path,
                server: str | None = None) -> dict:
    """One `flask import` into an empty migrated database (SQLite, or a throw-away one on
    the PostgreSQL `server`), timed from outside."""
    url = fresh_database("import", server)
    args = ["import", str(path)] + ([] if workers is None else ["--workers", str(workers)])
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = _flask(args, url, cwd=cwd)
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    imported = re.search(r"Imported (\d+) records", result.stdout)
    if not imported or int(imported.group(1)) != records:
        raise RuntimeError(f"flask import did not import {records} records:\n{result.stdout}")
    took = result.stdout.partition("Took ")[2].partition(": ")[2]
    steps = {step: float(s) for step, s in re.findall(r"(\w+) ([\d.]+) s", took)}
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"seconds": seconds, "rate": records / seconds, "cpu": cpu, "steps": steps,
            "url": url}


def roundtrip(url: str, path: Path) -> bool:
    again = OUT / "roundtrip.ndjson"
    _flask(["export", "-o", str(again)], url)
    same = _same_bytes(path, again)
    again.unlink()
    return same


def _same_bytes(a: Path, b: Path, block: int = 1 << 20) -> bool:
    with open(a, "rb") as x, open(b, "rb") as y:
        while True:
            one, two = x.read(block), y.read(block)
            if one != two:
                return False
            if not one:
                return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default=os.environ.get("SCALE") or "100k",
                        choices=list(generate.SCALES))
    parser.add_argument("--rounds", type=int, default=1, help="imports per variant (best kept)")
    parser.add_argument("--baseline", metavar="REV", default=os.environ.get("BASELINE"),
                        help="also time the import of this git revision (e.g. a0a287b)")
    parser.add_argument("--no-single", action="store_true",
                        help="skip the run with --workers 0")
    parser.add_argument("--roundtrip", action="store_true",
                        help="export the imported database and compare it with the file")
    parser.add_argument("--fresh", action="store_true", default=bool(os.environ.get("FRESH")),
                        help="regenerate the archive and its export")
    parser.add_argument("--postgres", default=os.environ.get("BENCH_DATABASE_URL") or None,
                        help="also import into a throw-away database on this PostgreSQL")
    args = parser.parse_args(argv)

    OUT.mkdir(exist_ok=True)
    path, records = export_file(args.scale, args.fresh)
    log(f"{path.relative_to(ROOT)}: {records:,} records, {path.stat().st_size / 1e6:,.0f} MB; "
        f"{machine()}; load average {os.getloadavg()[0]:.2f}")

    variants: list[tuple[str, int | None, Path, str | None]] = []
    if args.baseline:
        variants.append((f"baseline {args.baseline}", None, baseline_tree(args.baseline), None))
    variants.append(("this tree, default workers", None, ROOT, None))
    if not args.no_single:
        variants.append(("this tree, --workers 0", 0, ROOT, None))
    if args.postgres:
        if args.baseline:
            variants.append((f"baseline {args.baseline}, PostgreSQL", None,
                             baseline_tree(args.baseline), args.postgres))
        variants.append(("this tree, PostgreSQL", None, ROOT, args.postgres))

    results: dict[str, dict] = {}
    try:
        _import_all(variants, results, path, records, args.rounds)
    finally:
        for drop in _DROP:
            drop()
    _report(args, variants, results, path, records)
    return 0


def _import_all(variants, results, path, records, rounds) -> None:
    for label, workers, cwd, server in variants:
        runs = []
        for n in range(rounds):
            run = import_once(path, records, workers, cwd, server)
            runs.append(run)
            steps = ", ".join(f"{k} {v:.1f}" for k, v in run["steps"].items())
            log(f"  {label:28} round {n + 1}: {run['seconds']:6.1f} s  {run['rate']:>8,.0f} "
                f"records/s  CPU {run['cpu']:5.1f} s  ({steps or 'no breakdown'})")
        best = min(runs, key=lambda r: r["seconds"])
        best["median_seconds"] = statistics.median(r["seconds"] for r in runs)
        results[label] = best


def _report(args, variants, results, path, records) -> None:
    if args.roundtrip:
        last = results[variants[-1][0]]
        log(f"  round trip (export of the last import == the file): "
            f"{'identical' if roundtrip(last['url'], path) else 'DIFFERENT'}")

    log(f"\n{'variant':30} {'seconds':>8} {'records/s':>10} {'CPU s':>7}  vs baseline")
    base = results[variants[0][0]]["seconds"] if args.baseline else None
    pg_base = results.get(f"baseline {args.baseline}, PostgreSQL", {}).get("seconds")
    for label, result in results.items():
        against = pg_base if label.endswith("PostgreSQL") else base
        ratio = (f"{against / result['seconds']:.2f}x faster"
                 if against and not label.startswith("baseline") else "")
        log(f"{label:30} {result['seconds']:8.1f} {result['rate']:10,.0f} "
            f"{result['cpu']:7.1f}  {ratio}")
    target = results["this tree, default workers"]["seconds"]
    log(f"target: {records:,} records well under a minute (aim 30 s): {target:.1f} s — "
        f"{'met' if target <= 30 else 'NOT MET'}")
    out = OUT / f"importrate-{args.scale}-{time.strftime('%Y%m%dT%H%M%S')}.json"
    out.write_text(json.dumps({"scale": args.scale, "records": records,
                               "machine": machine(), "results": results}, indent=1))


if __name__ == "__main__":
    sys.exit(main())
