"""A publisher on 127.0.0.1 for the update tests: it serves files and misbehaves on cue.

No test reaches the internet: the sources are pointed at this server by a sources file
(a mirror configuration, which is also what allows its plain http).
"""

from __future__ import annotations

import datetime as dt
import email.utils
import http.server
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, cast

#: What the server does for a path: called with the request handler.
Behaviour = Callable[["_Handler"], None]


class Publisher:
    """A threaded HTTP server with a route per path; each request is counted and recorded."""

    def __init__(self) -> None:
        self.routes: dict[str, Behaviour | list[Behaviour]] = {}
        self.hits: Counter[str] = Counter()
        self.headers: list[dict[str, str]] = []
        self.paths: list[str] = []
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.publisher = self
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        # Bound to ("127.0.0.1", 0): an IPv4 address, so the host is text.
        host, port = cast("tuple[str, int]", self._server.server_address[:2])
        return f"http://{host}:{port}"

    def url(self, path: str) -> str:
        return f"{self.base}/{path.lstrip('/')}"

    def route(self, path: str, *behaviours: Behaviour) -> str:
        """Serve ``path`` by ``behaviours`` in turn, the last one for every later request."""
        self.routes["/" + path.lstrip("/")] = list(behaviours)
        return self.url(path)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _behaviour(self, path: str) -> Behaviour | None:
        found = self.routes.get(path)
        if found is None:
            return None
        if isinstance(found, list):
            return found.pop(0) if len(found) > 1 else found[0]
        return found


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    publisher: Publisher

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that gave up (the timeout tests) leaves a broken pipe: not a failure.
        pass


class _Handler(http.server.BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        publisher = self.server.publisher
        publisher.hits[self.path] += 1
        publisher.paths.append(self.path)
        publisher.headers.append(dict(self.headers.items()))
        key = self.path if self.path.startswith("/") else "/" + self.path.split("/", 3)[-1]
        behaviour = publisher._behaviour(key)
        if behaviour is None:
            status(404)(self)
        else:
            behaviour(self)

    def log_message(self, format: str, *args: Any) -> None:
        pass


def _send(
    handler: _Handler,
    code: int,
    body: bytes,
    *,
    content_type: str = "application/octet-stream",
    length: int | None = None,
    last_modified: str | None = None,
    extra: dict[str, str] | None = None,
) -> None:
    handler.send_response(code)
    handler.send_header("Content-Type", content_type)
    handler.send_header("Content-Length", str(len(body) if length is None else length))
    if last_modified is not None:
        handler.send_header("Last-Modified", _http_date(last_modified))
    for name, value in (extra or {}).items():
        handler.send_header(name, value)
    handler.send_header("Connection", "close")
    handler.end_headers()
    handler.wfile.write(body)
    handler.wfile.flush()
    handler.close_connection = True


def _http_date(day: str) -> str:
    noon = dt.datetime.fromisoformat(day).replace(hour=12, tzinfo=dt.UTC)
    return email.utils.format_datetime(noon, usegmt=True)


def file(path: Path, *, last_modified: str | None = None) -> Behaviour:
    """200 with the file's bytes (read when served, so a read-only file stays untouched)."""

    def serve(handler: _Handler) -> None:
        _send(handler, 200, path.read_bytes(), last_modified=last_modified)

    return serve


def status(code: int, *, retry_after: str | None = None) -> Behaviour:
    def serve(handler: _Handler) -> None:
        extra = {"Retry-After": retry_after} if retry_after is not None else None
        _send(handler, code, f"error {code}\n".encode(), content_type="text/plain", extra=extra)

    return serve


def html_error_page() -> Behaviour:
    """Status 200 with an HTML page where the list should be (a portal's error page)."""

    def serve(handler: _Handler) -> None:
        page = (
            b"<!DOCTYPE html>\n<html><head><title>Service unavailable</title></head>"
            b"<body><h1>We are sorry</h1><p>The file is temporarily unavailable.</p></body></html>"
        )
        _send(handler, 200, page, content_type="text/html; charset=utf-8")

    return serve


def truncated(path: Path, *, keep: float = 0.5) -> Behaviour:
    """Announce the whole file, send part of it, and close the connection."""

    def serve(handler: _Handler) -> None:
        data = path.read_bytes()
        _send(handler, 200, data[: int(len(data) * keep)], length=len(data))

    return serve


def slow(seconds: float) -> Behaviour:
    """Say nothing for ``seconds`` (longer than the client's timeout), then give up."""

    def serve(handler: _Handler) -> None:
        time.sleep(seconds)
        handler.close_connection = True

    return serve


def trickle(path: Path, *, seconds: float) -> Behaviour:
    """Send the headers at once, then the body a little at a time over ``seconds`` or more."""

    def serve(handler: _Handler) -> None:
        data = path.read_bytes()
        handler.send_response(200)
        handler.send_header("Content-Length", str(len(data)))
        handler.send_header("Connection", "close")
        handler.end_headers()
        step = 0.02
        deadline = time.monotonic() + seconds * 4
        for start in range(0, len(data), 64):
            handler.wfile.write(data[start : start + 64])
            handler.wfile.flush()
            time.sleep(step)
            if time.monotonic() > deadline:
                break
        handler.close_connection = True

    return serve


def redirect(location: str, *, code: int = 302) -> Behaviour:
    def serve(handler: _Handler) -> None:
        _send(handler, code, b"", extra={"Location": location})

    return serve


def serving() -> Iterator[Publisher]:
    publisher = Publisher()
    publisher.start()
    try:
        yield publisher
    finally:
        publisher.stop()
