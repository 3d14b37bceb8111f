"""wir's MCP server: claims as tools for agents (``pip install wir[mcp]``).

    wir-mcp [--registry PATH]        # or: python -m wir.mcp

It speaks MCP over stdio with the official ``mcp`` SDK. Tools: ``claim``, ``release``,
``heartbeat``, ``who``, ``list``, ``log``, ``history``, each with a JSON schema for its
arguments and its structured result. The server process owns the claims it makes: they
last while it runs (unless a claim asks for a lease, ``ttl``), are released when the client
disconnects, and end with the server if it dies. Keys stay in the server: no tool result
holds one. The registry is ``--registry``, else ``$WIR_REGISTRY``, else the default.
"""

from __future__ import annotations

import argparse
import sys


def main(argv: list[str] | None = None) -> int:
    """The ``wir-mcp`` command."""
    parser = argparse.ArgumentParser(prog="wir-mcp", description="wir's MCP server (stdio): claims as tools.")
    parser.add_argument("--registry", metavar="PATH",
                        help="the registry file or postgresql:// URL (default: $WIR_REGISTRY, else the default)")
    parser.add_argument("--label", metavar="TEXT", default="wir-mcp",
                        help="the label of claims that name none (default: wir-mcp)")
    arguments = parser.parse_args(argv)
    try:
        from ._server import serve
    except ImportError as missing:
        print(f"wir-mcp: {missing}; install the MCP extra: pip install 'wir[mcp]'", file=sys.stderr)
        return 1
    from .._errors import WirError
    try:
        serve(arguments.registry, arguments.label)
    except WirError as error:
        print(f"wir-mcp: {error}", file=sys.stderr)
        return 1
    return 0


__all__ = ["main"]
