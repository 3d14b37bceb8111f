"""``python -m wir.ui``: the web view (see ``wir.ui``)."""

import sys

from . import main

sys.exit(main())
