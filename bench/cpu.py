"""CPU per request of the uncached read path, in-process (no server, no load generator).

    python -m bench.cpu --scale 100k                 # each endpoint, ms of CPU per request
    python -m bench.cpu --scale 100k --profile feed  # + cProfile of that endpoint
    python -m bench.cpu --scale 100k --where         # + the driver's and the template's part

The app runs with the production settings and its public-read cache off; each endpoint
is requested over its sampled paths (the same as `make bench`'s) through Flask's test
client, anonymously, and `time.process_time()` over the lot gives ms per request. Other
load on the machine barely moves CPU time (it is this process's own), so before/after
figures from one session compare.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import time

from bench import workload

ENDPOINTS = ("healthz", "verdict", "feed", "dispute", "search", "dispute_html")


def make_app(url: str):
    os.environ.setdefault("SECRET_KEY", "bench-cpu-" + "x" * 32)
    from app import create_app
    from config import ProductionConfig

    class Bench(ProductionConfig):
        SQLALCHEMY_DATABASE_URI = url
        READ_CACHE_MAX_BYTES = 0
        SESSION_COOKIE_SECURE = False
        PREFERRED_URL_SCHEME = "http"

    return create_app(Bench)


def paths(url: str) -> dict[str, list[str]]:
    found = workload.app_paths(workload.sample(url))
    found["healthz"] = ["/healthz"]
    return found


def measure(client, urls: list[str], n: int) -> tuple[float, float]:
    """ms of CPU and of wall time per request over `n` requests cycling through `urls`.
    On PostgreSQL the wall time includes the server's work (its own process), which
    this process's CPU time does not."""
    for u in urls[:5]:  # warm: statement caches, templates
        assert client.get(u).status_code == 200, u
    started, wall = time.process_time(), time.perf_counter()
    for i in range(n):
        client.get(urls[i % len(urls)])
    return ((time.process_time() - started) * 1000 / n,
            (time.perf_counter() - wall) * 1000 / n)


def where(app, client, found: dict[str, list[str]], keys: list[str], n: int) -> None:
    """CPU ms per request spent between the engine's before/after_cursor_execute events
    (the driver's own work: on SQLite the database's too, on PostgreSQL only the
    client's side) and between Flask's before_render_template and template_rendered
    signals (Jinja), with those listeners on; and the ceiling app (bench/ceiling.py)
    through the same test client, for what Flask and the client cost anyway."""
    import sqlalchemy as sa
    from flask import before_render_template, template_rendered

    from app.extensions import db
    from bench.ceiling import app as ceiling

    spent = {"driver": 0.0, "template": 0.0}
    started = {}

    def timer(name):
        def start(*args, **kwargs):
            started[name] = time.process_time()

        def stop(*args, **kwargs):
            spent[name] += time.process_time() - started[name]
        return start, stop

    with app.app_context():
        engine = db.engine
    start, stop = timer("driver")
    sa.event.listen(engine, "before_cursor_execute", start)
    sa.event.listen(engine, "after_cursor_execute", stop)
    start_t, stop_t = timer("template")
    before_render_template.connect(start_t, app, weak=False)
    template_rendered.connect(stop_t, app, weak=False)
    bare = ceiling.test_client()
    print(f"{'ceiling':14} {measure(bare, ['/'], n * 5)[0]:7.2f} ms CPU/request "
          "(bench/ceiling.py through the same test client)")
    for key in keys:
        spent.update(driver=0.0, template=0.0)
        cpu, _ = measure(client, found[key], n)
        made = n + 5  # measure's warm-up requests included
        print(f"{key:14} {cpu:7.2f} ms CPU/request: driver {spent['driver'] * 1000 / made:5.2f}"
              f" ms, templates {spent['template'] * 1000 / made:5.2f} ms", flush=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="100k", choices=("10k", "100k", "1m"))
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--only", default=",".join(ENDPOINTS))
    parser.add_argument("--profile", default=None, help="an endpoint to profile")
    parser.add_argument("--url", default=None, help="another database (PostgreSQL)")
    parser.add_argument("--where", action="store_true",
                        help="then, in a second pass, the part of each request spent in "
                             "the database driver and in rendering templates, and the "
                             "bare Flask ceiling's own CPU per request in-process")
    args = parser.parse_args(argv)
    url = args.url or workload.sqlite_archive(args.scale).url
    app = make_app(url)
    client = app.test_client()
    found = paths(url)
    for key in args.only.split(","):
        cpu, wall = measure(client, found[key], args.requests)
        print(f"{key:14} {cpu:7.2f} ms CPU/request {wall:7.2f} ms wall", flush=True)
    if args.where:
        where(app, client, found, args.only.split(","), args.requests)
    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        measure(client, found[args.profile], args.requests)
        profiler.disable()
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(45)
        print(out.getvalue())
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(30)
        print(out.getvalue())


if __name__ == "__main__":
    main()
