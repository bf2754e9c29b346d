"""``python -m watchlist``: the same as the ``watchlist`` command."""

import sys

from watchlist.cli import main

sys.exit(main())
