"""Fixtures shared by every test module."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.publisher import Publisher, serving
from watchlist import Screener

PROJECT_ROOT = Path(__file__).resolve().parents[1]
#: The real official list files, read-only, beside the project (see ../shared/data/README.md).
SHARED_DATA = PROJECT_ROOT.parent / "shared" / "data"
LISTS = PROJECT_ROOT / "lists"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The folder of real official list files; its absence is a failure, never a skip."""
    if not (SHARED_DATA / "README.md").is_file():
        pytest.fail(f"the real list files are missing: expected them in {SHARED_DATA}")
    return SHARED_DATA


@pytest.fixture(scope="session")
def screener() -> Screener:
    """A screener over the shipped curated lists."""
    return Screener.default()


@pytest.fixture
def publisher(monkeypatch: pytest.MonkeyPatch) -> Iterator[Publisher]:
    """A publisher's web server on 127.0.0.1 (tests/publisher.py); no proxy is in the way."""
    for name in ("http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)
    monkeypatch.delenv("WATCHLIST_SOURCES", raising=False)
    yield from serving()


@pytest.fixture(autouse=True)
def index_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The per-user index cache (the command's default) in a temporary directory, never the
    user's own, for every test; shared by the tests of one process, as a user's is."""
    directory = tmp_path_factory.getbasetemp() / "index-cache"
    monkeypatch.setenv("WATCHLIST_INDEX_CACHE", str(directory))
    return directory
