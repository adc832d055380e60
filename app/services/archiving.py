"""What a capture keeps of a fetch: the exchange as WARC records (warcio), and the
article text (trafilatura for HTML; plain text as sent).

The WARC holds a warcinfo record, then for every hop (redirects included) the request
sent and the response received, its body exactly as it came (still gzip-encoded if it
came so; a chunked transfer is stored de-chunked, its header kept as
`X-Archive-Orig-Transfer-Encoding`). Each record is gzipped on its own (a .warc.gz);
the archive endpoint serves it unzipped, as application/warc.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import re
from email.message import Message

import trafilatura
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from app.services.fetching import CaptureFailed, Fetched, Hop, Settings, decoded_body

HTML_TYPES = {"text/html", "application/xhtml+xml"}
TEXT_TYPES = {"text/plain"}
_BLANK = re.compile(r"\n\s*\n+")


def media_type(hop: Hop) -> tuple[str, str | None]:
    """(media type, charset) of a response."""
    message = Message()
    message["content-type"] = hop.header("content-type") or "application/octet-stream"
    return message.get_content_type(), message.get_param("charset")


def extract_text(hop: Hop, settings: Settings, max_chars: int) -> str:
    """The article text of a response: paragraphs separated by blank lines.
    CaptureFailed for a type it cannot read, a page without text, or too much text."""
    kind, charset = media_type(hop)
    body = decoded_body(hop, settings)
    if kind in HTML_TYPES:
        text = trafilatura.extract(body, url=hop.url, include_comments=False,
                                   include_tables=True, favor_recall=True) or ""
    elif kind in TEXT_TYPES:
        text = body.decode(_codec(charset), errors="replace")
    else:
        raise CaptureFailed("unsupported_type", f"{hop.url} is {kind}; captures read HTML "
                                                "and plain text.")
    lines = [" ".join(line.split()) for line in text.replace("\r\n", "\n").split("\n")]
    text = "\n\n".join(line for line in lines if line)
    if not text:
        raise CaptureFailed("no_text", f"{hop.url} has no article text to keep (a page "
                                       "built by scripts, or an empty one).")
    if len(text) > max_chars:
        raise CaptureFailed("too_large", f"{hop.url} has {len(text):,} characters of text; "
                                         f"at most {max_chars:,} are kept.")
    return text


def _codec(charset: str | None) -> str:
    try:
        return io.TextIOWrapper(io.BytesIO(), encoding=charset or "utf-8").encoding
    except LookupError:
        return "utf-8"


def warc_bytes(fetched: Fetched, *, software: str) -> bytes:
    """Every hop of `fetched` as gzipped WARC records."""
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True, warc_version="1.1")
    writer.write_record(writer.create_warcinfo_record(
        "capture.warc.gz", {"software": software, "format": "WARC File Format 1.1",
                            "description": f"Capture of {fetched.url}"}))
    for hop in fetched.hops:
        date = hop.at.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        headers = [(k, v) if k.lower() != "transfer-encoding"
                   else ("X-Archive-Orig-Transfer-Encoding", v) for k, v in hop.headers]
        status_line = f"{hop.status} {hop.reason}".strip()
        warc_headers = {"WARC-Date": date}
        if hop.address:
            warc_headers["WARC-IP-Address"] = hop.address
        response = writer.create_warc_record(
            hop.url, "response", payload=io.BytesIO(hop.body), length=len(hop.body),
            http_headers=StatusAndHeaders(status_line, headers, protocol=hop.http_version),
            warc_headers_dict=warc_headers)
        path = hop.url.split("/", 3)[3] if hop.url.count("/") >= 3 else ""
        request = writer.create_warc_record(
            hop.url, "request",
            http_headers=StatusAndHeaders(f"GET /{path} HTTP/1.1", hop.request_headers,
                                          is_http_request=True),
            warc_headers_dict={"WARC-Date": date, "WARC-Concurrent-To":
                               response.rec_headers.get_header("WARC-Record-ID")})
        writer.write_record(response)
        writer.write_record(request)
    return out.getvalue()


def unzipped(warc: bytes) -> bytes:
    """A .warc.gz (one gzip member per record) as a plain WARC."""
    return gzip.decompress(warc)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
