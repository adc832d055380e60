"""When the database goes away, requests get a 503 (JSON under /api, a page elsewhere)
and the app recovers by itself when it comes back."""

from __future__ import annotations

import contextlib
import socket
import threading

import pytest
import sqlalchemy as sa

from app import create_app
from config import TestingConfig
from tests.dbutil import server_url


class TcpProxy:
    """A real TCP hop between the app and PostgreSQL that can be cut and restored."""

    def __init__(self, target_host: str, target_port: int):
        self.target = (target_host, target_port)
        self.listener: socket.socket | None = None
        self.port = 0
        self.conns: list[socket.socket] = []

    def start(self) -> None:
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", self.port))
        self.port = self.listener.getsockname()[1]
        self.listener.listen()
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            self.conns += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)

    def cut(self) -> None:
        """The database 'goes away': no new connections, existing ones dropped."""
        # shutdown() wakes the thread blocked in accept(); close() alone would not
        with contextlib.suppress(OSError):
            self.listener.shutdown(socket.SHUT_RDWR)
        self.listener.close()
        for conn in self.conns:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
                conn.close()
        self.conns.clear()


def test_unreachable_database_gives_503_not_500():
    class Unreachable(TestingConfig):
        SQLALCHEMY_DATABASE_URI = "postgresql+psycopg://nobody@127.0.0.1:1/none"
        SQLALCHEMY_ENGINE_OPTIONS = {"connect_args": {"connect_timeout": 1}}

    client = create_app(Unreachable).test_client()
    page = client.get("/feeds/verdicts.atom")
    assert page.status_code == 503 and page.mimetype == "text/html"
    assert b"not reachable" in page.data and page.headers["Retry-After"]


@pytest.mark.skipif(server_url() is None, reason="needs a PostgreSQL server (TEST_DATABASE_URL)")
def test_recovers_by_itself_when_the_database_returns(database_url, app):
    url = sa.make_url(database_url)
    proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432)
    proxy.start()

    class ThroughProxy(TestingConfig):
        SQLALCHEMY_DATABASE_URI = url.set(host="127.0.0.1", port=proxy.port).render_as_string(
            hide_password=False)
        SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True,
                                     "connect_args": {"connect_timeout": 2}}

    faulty = create_app(ThroughProxy)
    client = faulty.test_client()
    try:
        assert client.get("/feeds/verdicts.atom").status_code == 200

        proxy.cut()
        down = client.get("/feeds/verdicts.atom")
        assert down.status_code == 503
        assert client.get("/healthz").status_code == 503

        proxy.start()  # same port: the database is back
        assert client.get("/feeds/verdicts.atom").status_code == 200
        assert client.get("/healthz").get_json()["status"] == "ok"
    finally:
        proxy.cut()
        with faulty.app_context():
            from app.extensions import db

            db.engine.dispose()
