"""Running the ``watchlist`` command in a subprocess, as a user does, and reading its CSV."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path


def run_watchlist(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    """``python -m watchlist ARGS`` in ``cwd``, its output captured; never raises on failure."""
    return subprocess.run(
        [sys.executable, "-m", "watchlist", *map(str, args)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=cwd,
        check=False,
    )


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))
