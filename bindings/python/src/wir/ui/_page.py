"""The page: one HTML document with its style and script inlined, for the server and the report.

The page's parts live in ``static/``: ``page.html`` (the markup, with ``{{...}}`` slots),
``style.css``, and the script in several files joined in ``SCRIPTS`` order. Data goes in a
``<script type="application/json">`` block (never run), with ``<``, ``>`` and ``&`` written as
``\\u003c``...: no text from the registry can close the block. The Content-Security-Policy
allows only this page's own script and style, by their SHA-256, so even markup that slipped
through would run nothing. The script builds every element with DOM calls and puts registry
text in text nodes only (``static/util.js``).

Thread-safe: the parts are read once and never changed.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import html
import json
import re
from importlib import resources
from typing import Any

SCRIPTS = ("util.js", "tree.js", "queue.js", "log.js", "timeline.js", "zoom.js", "app.js")


@functools.lru_cache(maxsize=None)
def _static(name: str) -> str:
    return resources.files(__package__).joinpath("static", name).read_text(encoding="utf-8")


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def json_for_script(value: Any) -> str:
    """``value`` as JSON that is safe inside a ``<script>`` element."""
    text = json.dumps(value, separators=(",", ":"))           # ensure_ascii: no U+2028 either
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


@functools.lru_cache(maxsize=None)
def _assets() -> tuple[str, str]:
    script = "(function () {\n'use strict';\n" + "\n".join(_static(name) for name in SCRIPTS) + "\n})();\n"
    return _static("style.css"), script


def policy(live: bool) -> str:
    """The Content-Security-Policy of the page: its own inline style and script, and for the
    live page, requests back to the server it came from."""
    style, script = _assets()
    rules = ["default-src 'none'", f"script-src {_sha256(script)}", f"style-src {_sha256(style)}",
             "img-src 'none'", "base-uri 'none'", "form-action 'none'"]
    if live:
        rules.append("connect-src 'self'")
    return "; ".join(rules)


def render(boot: dict[str, Any], live: bool) -> str:
    """The page. ``boot`` is what the script starts from: for the live page the registry's name;
    for a report, every part of the window as well."""
    style, script = _assets()
    title = boot.get("registry", "")
    slots = {
        "{{policy}}": html.escape(policy(live)),
        "{{title}}": html.escape(f"wir · {title}" if title else "wir"),
        "{{mode}}": "live" if live else "report",
        "{{style}}": style,
        "{{data}}": json_for_script(boot),
        "{{script}}": script,
    }
    template = _static("page.html")
    missing = [slot for slot in slots if slot not in template]
    if missing:
        raise RuntimeError(f"static/page.html has no {', '.join(missing)}")
    # One pass over the template: text put into a slot is never searched for slots.
    return re.sub(r"\{\{\w+\}\}", lambda match: slots.get(match.group(0), match.group(0)), template)
