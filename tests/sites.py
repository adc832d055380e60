"""A real local web site for capture tests: an HTTP server in a thread on 127.0.0.1
(which the tests' CAPTURE_ALLOWED_HOSTS lets captures reach), serving whatever pages a
test puts up, and remembering every request it was sent."""

from __future__ import annotations

import gzip
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Page:
    body: bytes = b""
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before answering
    chunked: bool = False  # no Content-Length: the body streams in chunks
    gzipped: bool = False


def article(*paragraphs: str, title: str = "A report") -> bytes:
    """An HTML news page: navigation and footer around the article's paragraphs."""
    body = "".join(f"<p>{p}</p>\n" for p in paragraphs)
    return (f"<!doctype html><html><head><title>{title}</title></head><body>"
            f"<nav><a href='/'>Home</a> | <a href='/world'>World</a></nav>"
            f"<article><h1>{title}</h1>\n{body}</article>"
            f"<footer>Copyright 2022 The Outlet. All rights reserved.</footer>"
            f"</body></html>").encode()


class Site:
    def __init__(self) -> None:
        self.pages: dict[str, Page | Callable[[], Page]] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        # requests being answered at one time, by the Host they were sent to
        self.in_flight: dict[str, int] = {}
        self.most_at_once: dict[str, int] = {}
        lock = threading.Lock()
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):  # noqa: N802
                host = self.headers.get("Host", "").rsplit(":", 1)[0]
                with lock:
                    site.in_flight[host] = site.in_flight.get(host, 0) + 1
                    site.most_at_once[host] = max(site.most_at_once.get(host, 0),
                                                  site.in_flight[host])
                try:
                    self._answer()
                finally:
                    with lock:
                        site.in_flight[host] -= 1

            def _answer(self):
                site.requests.append((self.path, dict(self.headers.items())))
                page = site.pages.get(self.path)
                if callable(page):
                    page = page()
                if page is None:
                    page = Page(b"<html><body><p>Not here.</p></body></html>", status=404)
                if page.delay:
                    time.sleep(page.delay)
                body = gzip.compress(page.body) if page.gzipped else page.body
                self.send_response(page.status)
                self.send_header("Content-Type", page.content_type)
                if page.gzipped:
                    self.send_header("Content-Encoding", "gzip")
                for name, value in page.headers.items():
                    self.send_header(name, value)
                if page.chunked:
                    self.send_header("Transfer-Encoding", "chunked")
                else:
                    self.send_header("Content-Length", str(len(body)))
                self.send_header("Connection", "close")
                self.end_headers()
                try:
                    if page.chunked:
                        for start in range(0, len(body), 16_384):
                            chunk = body[start:start + 16_384]
                            self.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
                        self.wfile.write(b"0\r\n\r\n")
                    else:
                        self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (too large, too slow): as a real site sees it

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def __enter__(self) -> Site:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
