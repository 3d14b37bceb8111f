"""The web view's HTTP server: the page, its live updates, and windows of the registry, read-only.

Routes (GET and HEAD only; anything else is 405):

- ``/``: the page;
- ``/api/events``: server-sent events. Each ``update`` event is one JSON object with
  ``now_ms`` (this host's clock, for lease countdowns) and each part that changed since the
  last event: ``state`` (in flight and queued), ``log``, ``history`` (the last hour), ``error``
  ("" when the last read worked). The first event has every part;
- ``/api/window?from=MS&to=MS``: every part of a window (default: the last hour), as a report
  holds it.

Served on loopback, a request must name this server in its Host header: a web page elsewhere
cannot reach the registry through a DNS name rebound to 127.0.0.1.

Thread-safe: a thread per request (``ThreadingHTTPServer``); they share the Registry and the
Watcher, both thread-safe.
"""

from __future__ import annotations

import ipaddress
import json
import socket
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from .._errors import WirError
from .._registry import Registry
from . import _page, _snapshot
from ._location import shown
from ._times import now_ms
from ._watcher import Watcher

#: An idle event stream sends a comment this often, so proxies and browsers keep it open.
KEEPALIVE_SECONDS = 15.0
#: 9999-12-31T23:59:59.999Z: the last time a window may name.
_LAST_MS = 253_402_300_799_999


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def is_wildcard(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_unspecified
    except ValueError:
        return False


class Server(ThreadingHTTPServer):
    """Serves one registry's page on ``host``:``port`` (0: a free port)."""

    daemon_threads = True

    def __init__(self, registry: Registry, host: str = "127.0.0.1", port: int = 0, interval: float = 0.2):
        self.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.registry = registry
        self.host = host
        self.watcher = Watcher(registry, interval=interval)
        self.registry_name = shown(registry.path)
        try:
            super().__init__((host, port), Handler)
        except BaseException:
            self.watcher.stop()
            raise
        self.port = self.server_address[1]
        self.page = _page.render({"registry": self.registry_name,
                                  "live_window_ms": _snapshot.LIVE_WINDOW_MS}, live=True).encode()

    @property
    def url(self) -> str:
        """The page's URL (a wildcard address is shown as this host's loopback address)."""
        host = self.host
        if is_wildcard(host):
            host = "::1" if ":" in host else "127.0.0.1"
        return f"http://[{host}]:{self.port}/" if ":" in host else f"http://{host}:{self.port}/"

    def allowed_hosts(self) -> set[str] | None:
        """The Host headers a request may carry, or None for any (the server was widened)."""
        if not is_loopback(self.host):
            return None
        port = self.port
        return {f"127.0.0.1:{port}", f"localhost:{port}", f"[::1]:{port}", f"{self.host}:{port}"}

    def server_close(self) -> None:
        self.watcher.stop()
        super().server_close()


class Handler(BaseHTTPRequestHandler):
    server: Server
    server_version = "wir-ui"
    sys_version = ""

    def log_message(self, format: str, *args) -> None:     # quiet: the page is the output
        pass

    # ---- routing -----------------------------------------------------------

    def do_GET(self) -> None:
        allowed = self.server.allowed_hosts()
        if allowed is not None and (self.headers.get("Host") or "").lower() not in allowed:
            self._send_json(HTTPStatus.FORBIDDEN, {"error": "wir-ui: this server answers only to its own address"})
            return
        url = urlsplit(self.path)
        if url.path == "/":
            self._send(HTTPStatus.OK, "text/html; charset=utf-8", self.server.page,
                       {"Content-Security-Policy": _page.policy(live=True) + "; frame-ancestors 'none'"})
        elif url.path == "/api/events":
            self._events()
        elif url.path == "/api/window":
            self._window(parse_qs(url.query, keep_blank_values=True))
        else:
            self._send_json(HTTPStatus.NOT_FOUND, {"error": f"wir-ui: no such page: {url.path}"})

    def do_HEAD(self) -> None:
        self.do_GET()

    def _refuse(self) -> None:
        self._send_json(HTTPStatus.METHOD_NOT_ALLOWED, {"error": "wir-ui is read-only: GET and HEAD only"},
                        {"Allow": "GET, HEAD"})

    do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _refuse

    # ---- responses ----------------------------------------------------------

    def _headers(self, status: HTTPStatus, content_type: str, extra: dict[str, str] | None = None,
                 length: int | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        if length is not None:
            self.send_header("Content-Length", str(length))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("X-Frame-Options", "DENY")
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.end_headers()

    def _send(self, status: HTTPStatus, content_type: str, body: bytes, extra: dict[str, str] | None = None) -> None:
        self._headers(status, content_type, extra, len(body))
        if self.command != "HEAD":
            self.wfile.write(body)

    def _send_json(self, status: HTTPStatus, value: object, extra: dict[str, str] | None = None) -> None:
        self._send(status, "application/json", json.dumps(value).encode(), extra)

    def _window(self, query: dict[str, list[str]]) -> None:
        try:
            now = now_ms()
            to_ms = _integer(query, "to", now)
            from_ms = _integer(query, "from", to_ms - _snapshot.LIVE_WINDOW_MS)
            body = _snapshot.window(self.server.registry, from_ms, to_ms)
        except ValueError as error:
            self._send_json(HTTPStatus.BAD_REQUEST, {"error": f"wir-ui: {error}"})
        except WirError as error:
            self._send_json(HTTPStatus.SERVICE_UNAVAILABLE, {"error": f"wir-ui: {error}"})
        except Exception as error:          # a bug, said as such, instead of a dropped connection
            self._send_json(HTTPStatus.INTERNAL_SERVER_ERROR, {"error": f"wir-ui: {type(error).__name__}: {error}"})
        else:
            self._send_json(HTTPStatus.OK, body)

    def _events(self) -> None:
        self._headers(HTTPStatus.OK, "text/event-stream; charset=utf-8")
        if self.command == "HEAD":
            return
        watcher = self.server.watcher
        seen: dict[str, int] = {}
        try:
            self.wfile.write(b"retry: 1000\n\n")
            self.wfile.flush()
            with watcher.watching():
                while not watcher.stopped:
                    parts = watcher.changes(seen, KEEPALIVE_SECONDS)
                    if parts is None:
                        message = b": keepalive\n\n"
                    else:
                        fields = [f'"now_ms":{now_ms()}'] + [f'"{part}":{text}' for part, text in parts.items()]
                        message = b"event: update\ndata: {" + ",".join(fields).encode() + b"}\n\n"
                    self.wfile.write(message)
                    self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError, TimeoutError):
            pass                                            # the page went away


def _integer(query: dict[str, list[str]], name: str, default: int) -> int:
    values = query.get(name)
    if not values:
        return default
    try:
        value = int(values[-1])
    except ValueError:
        raise ValueError(f"{name}={values[-1]!r} is not a time in milliseconds since the epoch") from None
    if not 0 <= value <= _LAST_MS:
        raise ValueError(f"{name}={value} is out of range (milliseconds since the epoch, up to the year 9999)")
    return value
