"""``python -m wir.mcp``: the MCP server over stdio."""

import sys

from . import main

sys.exit(main())
