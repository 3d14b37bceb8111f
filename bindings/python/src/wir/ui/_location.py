"""Which registry the web view reads, and how it names it on the page.

A PostgreSQL URL may carry a password (in its user part or as ``password=``): the page and
the report show the URL without it. A file path that does not exist is refused instead of
being created: the web view only reads, and a typo should not leave an empty registry behind.
Thread-safe (nothing here is shared).
"""

from __future__ import annotations

import os
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from .._registry import Registry

_URL = re.compile(r"postgres(?:ql)?://", re.IGNORECASE)


def is_url(location: str) -> bool:
    return bool(_URL.match(location))


def shown(location: str) -> str:
    """``location`` as the page shows it: a URL without its password."""
    if not is_url(location):
        return location
    try:
        parts = urlsplit(location)
        netloc = parts.netloc
        if "@" in netloc:
            user, _, host = netloc.rpartition("@")
            netloc = user.split(":", 1)[0] + "@" + host
        query = urlencode([(name, "***" if name.lower() == "password" else value)
                           for name, value in parse_qsl(parts.query, keep_blank_values=True)], safe="*")
        return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))
    except ValueError:
        return "postgresql://…"              # unparsable: show nothing that might be a secret


def open_registry(location: str | None) -> Registry:
    """Opens the registry at ``location`` (None: ``$WIR_REGISTRY``, else wir's default).

    Raises FileNotFoundError for a registry file that does not exist, and wir's errors
    (WirError) for one that cannot be opened.
    """
    location = location or os.environ.get("WIR_REGISTRY") or None
    if location is not None and not is_url(location) and not os.path.exists(location):
        raise FileNotFoundError(f"no registry at {location} (wir-ui only reads a registry; "
                                "it is created by the first claim)")
    return Registry(location)
