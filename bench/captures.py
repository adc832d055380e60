"""What a capture costs: time per capture of a typical news page, and storage per version.

    python -m bench.captures [--rounds 10]

A typical page, made locally (no network here): the seed article (shared/seed-article.txt,
~28 KB of text) as paragraphs inside ~65 KB of the markup, inline scripts and navigation
a news site wraps around an article, served by a local HTTP server; each round captures
it into a fresh SQLite database (the tests' config: 256 KiB cap) through the app's own
service (fetch, WARC, extraction, the version written and the document's quotes
checked). The page changes every other round, so half the captures store a new version
and half confirm the last one.
Prints the median and 90th percentile time per capture and per step, and the bytes kept
per version (gzipped WARC, text, raw body).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

SEED = Path(__file__).resolve().parent.parent.parent / "shared" / "seed-article.txt"


def typical_page(article: str, variant: int) -> bytes:
    paragraphs = [p.strip() for p in article.split("\n") if p.strip()]
    paragraphs[12] += f" (Updated {variant} times.)" if variant else ""
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    script = "<script>window.dataLayer=window.dataLayer||[];" + "x=1;" * 9000 + "</script>"
    nav = "<nav>" + "".join(f"<a href='/s{i}'>Section {i}</a>" for i in range(400)) + "</nav>"
    rail = "<aside>" + "".join(f"<a href='/a{i}'><h3>Related story {i}</h3></a>"
                               for i in range(300)) + "</aside>"
    return (f"<!doctype html><html><head><title>Putin splits NATO</title>{script}</head>"
            f"<body>{nav}<article><h1>Putin splits NATO and cuts out Biden</h1>{body}"
            f"</article>{rail}<footer>{'Terms. Privacy. ' * 200}</footer></body></html>"
            ).encode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()

    from flask_migrate import upgrade

    from app import create_app
    from app.extensions import db
    from app.models import DocumentVersion, Role
    from app.services import captures, documents, users, versions
    from config import TestingConfig
    from tests.sites import Page, Site

    article = SEED.read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory() as tmp, Site() as site:
        class Config(TestingConfig):
            SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp}/bench.db"

        app = create_app(Config)
        with app.app_context():
            upgrade()
            user = users.create_user("bench@example.org", "Bench", Role.JOURNALIST)
            document = documents.create_document(actor=user, title="Typical",
                                                 url=site.url("/typical"))
            totals, fetches, writes = [], [], []
            settings = captures.settings()
            for round_ in range(args.rounds):
                site.pages["/typical"] = Page(typical_page(article, round_ // 2))
                started = time.perf_counter()
                capture = captures.take(document.url, settings, max_chars=200_000)
                fetched = time.perf_counter()
                versions.record_capture(document.id, capture, actor=user)
                done = time.perf_counter()
                totals.append(done - started)
                fetches.append(fetched - started)
                writes.append(done - fetched)
            rows = db.session.execute(
                db.select(DocumentVersion.warc_size, DocumentVersion.text,
                          DocumentVersion.raw_sha256)).all()
            page = typical_page(article, 0)

    def ms(values):
        values = sorted(values)
        return (f"median {statistics.median(values) * 1000:.0f} ms, "
                f"p90 {values[int(len(values) * 0.9) - 1] * 1000:.0f} ms")

    print(f"typical page: {len(page):,} bytes of HTML, {len(article):,} characters of "
          f"article; {args.rounds} captures, {len(rows)} versions stored")
    print(f"capture, end to end: {ms(totals)}")
    print(f"  fetch + WARC + text extraction: {ms(fetches)}")
    print(f"  version written, quotes checked: {ms(writes)}")
    for warc_size, text, _ in rows[:1]:
        print(f"per version: WARC {warc_size:,} bytes gzipped (raw body {len(page):,}); "
              f"text {len(text.encode()):,} bytes; ~{warc_size + 2 * len(text.encode()):,} "
              "bytes in all (the text is kept twice while it is the newest: the version "
              "and the document's copy)")


if __name__ == "__main__":
    main()
