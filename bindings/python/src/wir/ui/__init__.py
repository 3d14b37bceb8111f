"""wir's web view: what is stomping what, live in a browser, and a timeline to keep.

    wir-ui [--registry LOCATION] [--port N] [--host HOST]     # or: python -m wir.ui
    wir-ui --report FILE [--since 1h | --from TIME [--to TIME]]

Serves one read-only page on 127.0.0.1 (``--host`` widens it, with a warning) over the registry
``--registry`` names (a file or a ``postgresql://`` URL), else ``$WIR_REGISTRY``, else wir's
default. The first line printed is the page's URL. The page shows the claims in flight as a tree
of paths (holder, label, owners, token, lease countdown, sub-claims under their parents), the
queue (each waiter and whom it waits behind), the conflict log as it happens, and a timeline of
the last hour or a chosen window; it follows the registry within a fraction of a second.
``--report FILE`` writes that timeline of one window as a self-contained HTML file instead.

It never claims, releases, or shows a key: it reads wir's listings (docs/json.md) and nothing
else. Only the Python standard library is used.
"""

from __future__ import annotations

import argparse
import sys

from .._errors import WirError
from . import _report, _snapshot
from ._location import open_registry
from ._server import Server, is_loopback
from ._times import duration_ms, now_ms, time_ms


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="wir-ui", description="wir's web view: claims, the queue, the conflict log and a timeline, live.")
    parser.add_argument("--registry", metavar="LOCATION",
                        help="the registry file or postgresql:// URL (default: $WIR_REGISTRY, else wir's default)")
    parser.add_argument("--host", default="127.0.0.1",
                        help="the address to serve on (default: 127.0.0.1; any other lets others see the registry)")
    parser.add_argument("--port", type=_port, default=0, help="the port (default: a free one)")
    report = parser.add_argument_group("report", "write the timeline of one window to a file instead of serving")
    report.add_argument("--report", metavar="FILE", help="the HTML file to write (- for standard output)")
    report.add_argument("--since", metavar="DURATION", type=_argument(duration_ms),
                        help="the window: the last DURATION (30m, 1h, 1d; default 1h)")
    report.add_argument("--from", dest="from_ms", metavar="TIME", type=_argument(time_ms),
                        help="the window's start (ISO 8601: 2031-05-01T09:30, local time unless a zone is given)")
    report.add_argument("--to", dest="to_ms", metavar="TIME", type=_argument(time_ms),
                        help="the window's end (default: now)")
    return parser


def _argument(parse):
    def convert(text: str) -> int:
        try:
            return parse(text)
        except ValueError as error:
            raise argparse.ArgumentTypeError(str(error)) from None
    convert.__name__ = parse.__name__
    return convert


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{port} is not a port number (0-65535; 0 picks a free one)")
    return port


def main(argv: list[str] | None = None) -> int:
    """The ``wir-ui`` command. Returns the exit status: 0, 1 when the registry cannot be read
    or the server cannot start, 2 for bad arguments."""
    parser = _parser()
    arguments = parser.parse_args(argv)
    window_given = arguments.since is not None or arguments.from_ms is not None or arguments.to_ms is not None
    if arguments.report is None and window_given:
        parser.error("--since, --from and --to choose a report's window: use them with --report FILE")
    if arguments.since is not None and arguments.from_ms is not None:
        parser.error("--since and --from both give the window's start: use one")
    try:
        registry = open_registry(arguments.registry)
    except (FileNotFoundError, WirError) as error:
        print(f"wir-ui: {error}", file=sys.stderr)
        return 1
    with registry:
        if arguments.report is not None:
            return _write_report(parser, registry, arguments)
        return _serve(registry, arguments.host, arguments.port)


def _write_report(parser: argparse.ArgumentParser, registry, arguments) -> int:
    to_ms = arguments.to_ms if arguments.to_ms is not None else now_ms()
    from_ms = arguments.from_ms if arguments.from_ms is not None else to_ms - (arguments.since or 3_600_000)
    try:
        _snapshot.check_window(from_ms, to_ms)
    except ValueError as error:
        parser.error(str(error))
    try:
        text, window = _report.render(registry, from_ms, to_ms)
        _report.write(text, arguments.report)
    except (WirError, OSError) as error:
        print(f"wir-ui: {error}", file=sys.stderr)
        return 1
    if arguments.report != "-":
        print(f"wir-ui: wrote {arguments.report}: {len(window['history']['rows'])} ended claims, "
              f"{len(window['state']['claims'])} in flight, {len(window['log']['rows'])} conflict-log rows")
    return 0


def _serve(registry, host: str, port: int) -> int:
    try:
        server = Server(registry, host, port)
    except OSError as error:
        print(f"wir-ui: cannot serve on {host} port {port}: {error.strerror or error}", file=sys.stderr)
        return 1
    print(server.url, flush=True)
    if not is_loopback(host):
        print(f"wir-ui: warning: serving on {host}: anyone who can reach port {server.port} there sees every "
              "path, task, label and host name in the registry", file=sys.stderr, flush=True)
    try:
        server.serve_forever(poll_interval=0.5)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


__all__ = ["main", "Server"]
