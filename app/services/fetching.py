"""Fetching a document's URL safely, for a capture: httpcore (the HTTP client under
httpx) with a network backend that refuses internal addresses at connect time.

- Only http and https; no user:password in the URL; no cookies or credentials sent.
- Every connection — the first and each redirect's — goes to an address resolved and
  checked here: loopback, private, link-local, multicast, reserved and other non-public
  addresses are refused (`Refused`, naming the host, its address and why) unless the host
  is in CAPTURE_ALLOWED_HOSTS. The socket connects to the address that was checked, so a
  name that resolves differently a moment later (DNS rebinding) gains nothing.
- Redirects are followed (at most CAPTURE_MAX_REDIRECTS) and every hop is kept: the WARC
  holds each request and response.
- The whole fetch has one deadline (CAPTURE_TIMEOUT seconds); bodies larger than
  CAPTURE_MAX_BYTES (declared or as they arrive, and once decompressed) are refused.

A host that no longer exists is not a failure: `fetch` says so (`Fetched.vanished`), and
the capture records the document as gone.
"""

from __future__ import annotations

import ipaddress
import socket
import ssl
import time
import zlib
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urldefrag, urljoin, urlsplit

import httpcore

from app.models import utcnow
from app.services.errors import DomainError

REDIRECTS = {301, 302, 303, 307, 308}

# Why a capture failed: (HTTP status of the API's answer, what to call it).
FAILURES: dict[str, tuple[int, str]] = {
    "bad_url": (422, "not a URL that can be captured"),
    "refused_address": (422, "refused address"),
    "too_many_redirects": (422, "too many redirects"),
    "too_large": (422, "too large"),
    "unsupported_type": (422, "unsupported content type"),
    "no_text": (422, "no article text"),
    "http_error": (422, "HTTP error"),
    "timeout": (504, "timeout"),
    "tls_error": (502, "TLS error"),
    "connection_failed": (502, "connection failed"),
    "bad_response": (502, "malformed response"),
}


class CaptureFailed(DomainError):
    """A capture that could not be made; `reason` is a key of FAILURES, and the error
    code says it too (`capture_timeout`, `capture_refused_address`...)."""

    def __init__(self, reason: str, message: str):
        super().__init__(message, {"url": [message]})
        self.reason = reason
        self.status, _ = FAILURES[reason]
        self.code = f"capture_{reason}"

    @property
    def label(self) -> str:
        return FAILURES[self.reason][1]


class _HostNotFound(Exception):
    def __init__(self, host: str):
        super().__init__(host)
        self.host = host


@dataclass(frozen=True)
class Settings:
    user_agent: str
    timeout: float = 20.0
    max_bytes: int = 10 * 1024 * 1024
    max_redirects: int = 10
    allowed_hosts: frozenset[str] = frozenset()

    @classmethod
    def from_config(cls, config) -> Settings:
        hosts = config.get("CAPTURE_ALLOWED_HOSTS") or ""
        if isinstance(hosts, str):
            hosts = hosts.split(",")
        return cls(
            user_agent=config["CAPTURE_USER_AGENT"],
            timeout=float(config["CAPTURE_TIMEOUT"]),
            max_bytes=int(config["CAPTURE_MAX_BYTES"]),
            max_redirects=int(config["CAPTURE_MAX_REDIRECTS"]),
            allowed_hosts=frozenset(h.strip().lower().strip("[]") for h in hosts if h.strip()),
        )


@dataclass
class Hop:
    """One request and its response."""

    url: str
    request_headers: list[tuple[str, str]]
    status: int
    reason: str
    http_version: str
    headers: list[tuple[str, str]]
    body: bytes  # as received (still content-encoded, if it was)
    address: str | None
    at: datetime

    def header(self, name: str) -> str | None:
        name = name.lower()
        return next((v for k, v in self.headers if k.lower() == name), None)


@dataclass
class Fetched:
    url: str
    hops: list[Hop] = field(default_factory=list)
    vanished: bool = False  # the host name does not resolve any more

    @property
    def final(self) -> Hop:
        return self.hops[-1]

    @property
    def redirects(self) -> list[dict]:
        return [{"status": h.status, "url": h.url, "location": h.header("location")}
                for h in self.hops[:-1]]


# -- addresses ---------------------------------------------------------------------------


def internal_reason(address: str) -> str | None:
    """Why an address is not a public one (None when it is)."""
    ip = ipaddress.ip_address(address.split("%")[0])
    if ip.version == 6 and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    for test, reason in (("is_loopback", "loopback"), ("is_link_local", "link-local"),
                         ("is_multicast", "multicast"), ("is_unspecified", "unspecified"),
                         ("is_private", "private"), ("is_reserved", "reserved")):
        if getattr(ip, test):
            return reason
    return None if ip.is_global else "not public"


class _Refused(Exception):
    def __init__(self, host: str, address: str, reason: str):
        super().__init__(f"{host} resolves to {address}, a {reason} address")
        self.host, self.address, self.reason = host, address, reason


def _resolve(host: str, port: int) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        if exc.errno in (socket.EAI_NONAME, getattr(socket, "EAI_NODATA", socket.EAI_NONAME)):
            raise _HostNotFound(host) from None
        raise httpcore.ConnectError(f"cannot resolve {host}: {exc}") from exc
    return list(dict.fromkeys(info[4][0] for info in infos))


class GuardedBackend(httpcore.SyncBackend):
    """httpcore's network backend, connecting only to addresses it has checked."""

    def __init__(self, allowed_hosts: frozenset[str]):
        self.allowed_hosts = allowed_hosts

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        addresses = _resolve(host, port)
        if host.lower() not in self.allowed_hosts:
            for address in addresses:
                reason = internal_reason(address)
                if reason:
                    raise _Refused(host, address, reason)
        failure: Exception | None = None
        for address in addresses:
            try:
                return super().connect_tcp(address, port, timeout, local_address,
                                           socket_options)
            except httpcore.ConnectError as exc:
                failure = exc
        raise failure or httpcore.ConnectError(f"no address for {host}")


# -- fetching ----------------------------------------------------------------------------


def check_url(url: str) -> tuple[str, str, int]:
    """(scheme, host, port) of a URL that may be fetched; CaptureFailed otherwise."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise CaptureFailed("bad_url", f"{url!r} is not a valid URL.") from None
    if parts.scheme not in ("http", "https"):
        raise CaptureFailed("bad_url", f"Only http and https URLs are captured, not "
                                       f"{parts.scheme or 'a URL without a scheme'}: {url}")
    if parts.username is not None or parts.password is not None:
        raise CaptureFailed("bad_url", "URLs with a user name or password are not captured "
                                       "(no credentials are ever sent).")
    if not parts.hostname:
        raise CaptureFailed("bad_url", f"{url} has no host.")
    return parts.scheme, parts.hostname, port or (443 if parts.scheme == "https" else 80)


def _request_headers(url: str, settings: Settings) -> list[tuple[str, str]]:
    scheme, host, port = check_url(url)
    default = 443 if scheme == "https" else 80
    name = f"[{host}]" if ":" in host else host
    return [("Host", name if port == default else f"{name}:{port}"),
            ("User-Agent", settings.user_agent),
            ("Accept", "text/html,application/xhtml+xml,text/plain;q=0.9,*/*;q=0.1"),
            ("Accept-Encoding", "gzip, deflate"),
            ("Connection", "close")]


def fetch(url: str, settings: Settings) -> Fetched:
    """GET `url`, following redirects; every hop kept. CaptureFailed naming why it could
    not be had (a vanished host is not a failure: `vanished`)."""
    deadline = time.monotonic() + settings.timeout
    fetched = Fetched(url)
    current = url
    with httpcore.ConnectionPool(network_backend=GuardedBackend(settings.allowed_hosts),
                                 ssl_context=ssl.create_default_context(),
                                 max_connections=1, retries=0) as pool:
        while True:
            headers = _request_headers(current, settings)
            try:
                hop = _get(pool, current, headers, deadline, settings)
            except _HostNotFound:
                fetched.vanished = True
                return fetched
            except _Refused as exc:
                via = f" (redirected from {fetched.hops[-1].url})" if fetched.hops else ""
                raise CaptureFailed(
                    "refused_address",
                    f"Refused: {exc}{via}. Only public addresses are captured; "
                    "CAPTURE_ALLOWED_HOSTS lists exceptions.") from None
            fetched.hops.append(hop)
            location = hop.header("location")
            if hop.status not in REDIRECTS or not location:
                return fetched
            if len(fetched.hops) > settings.max_redirects:
                raise CaptureFailed("too_many_redirects",
                                    f"More than {settings.max_redirects} redirects from {url}.")
            current = urldefrag(urljoin(current, location.strip())).url
            check_url(current)


def _get(pool, url: str, headers: list[tuple[str, str]], deadline: float,
         settings: Settings) -> Hop:
    def remaining() -> float:
        left = deadline - time.monotonic()
        if left <= 0:
            raise CaptureFailed("timeout", f"{url} took longer than {settings.timeout:g} s.")
        return left

    at = utcnow()
    left = remaining()
    timeouts = {"connect": left, "read": left, "write": left, "pool": left}
    try:
        with pool.stream("GET", url, headers=headers,
                         extensions={"timeout": timeouts}) as response:
            declared = _header(response.headers, "content-length")
            if declared and declared.isdigit() and int(declared) > settings.max_bytes:
                raise _too_large(url, settings)
            body = bytearray()
            for chunk in response.iter_stream():
                body += chunk
                if len(body) > settings.max_bytes:
                    raise _too_large(url, settings)
                remaining()
            stream = response.extensions.get("network_stream")
            peer = stream.get_extra_info("server_addr") if stream is not None else None
            return Hop(
                url=url, request_headers=headers, status=response.status,
                reason=response.extensions.get("reason_phrase", b"").decode("latin-1"),
                http_version=response.extensions.get("http_version", b"HTTP/1.1")
                .decode("ascii"),
                headers=[(k.decode("latin-1"), v.decode("latin-1"))
                         for k, v in response.headers],
                body=bytes(body), address=peer[0] if peer else None, at=at)
    except httpcore.TimeoutException:
        raise CaptureFailed("timeout", f"{url} did not answer within "
                                       f"{settings.timeout:g} s.") from None
    except httpcore.ConnectError as exc:
        if isinstance(exc.__cause__, ssl.SSLError) or "SSL" in str(exc) or "certificate" in \
                str(exc):
            raise CaptureFailed("tls_error", f"TLS failed for {url}: {exc}") from None
        raise CaptureFailed("connection_failed", f"Could not connect to {url}: "
                                                 f"{exc or 'connection refused'}") from None
    except (httpcore.ProtocolError, httpcore.NetworkError) as exc:
        raise CaptureFailed("bad_response", f"{url} sent a broken response: {exc}") from None


def _header(headers, name: str) -> str | None:
    target = name.encode()
    return next((v.decode("latin-1") for k, v in headers if k.lower() == target), None)


def _too_large(url: str, settings: Settings) -> CaptureFailed:
    return CaptureFailed("too_large", f"{url} is larger than "
                                      f"{settings.max_bytes:,} bytes (CAPTURE_MAX_BYTES).")


def decoded_body(hop: Hop, settings: Settings) -> bytes:
    """The body without its Content-Encoding (gzip, deflate), at most max_bytes."""
    encoding = (hop.header("content-encoding") or "identity").strip().lower()
    if encoding in ("", "identity"):
        return hop.body
    if encoding not in ("gzip", "x-gzip", "deflate"):
        raise CaptureFailed("unsupported_type", f"{hop.url} is sent as {encoding}, "
                                                "which is not decoded here.")
    wbits = zlib.MAX_WBITS | 16 if "gzip" in encoding else zlib.MAX_WBITS
    try:
        decoder = zlib.decompressobj(wbits)
        body = decoder.decompress(hop.body, settings.max_bytes + 1)
    except zlib.error as exc:
        raise CaptureFailed("bad_response", f"{hop.url}: broken {encoding} body ({exc}).") \
            from None
    if len(body) > settings.max_bytes:
        raise _too_large(hop.url, settings)
    return body
