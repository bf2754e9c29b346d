"""The candidate index's cache on disk: the same candidates, and never used when broken or
for other lists (issue 15)."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from tests.conftest import LISTS
from tests.strategies import names
from watchlist.lists.formats import curated
from watchlist.matching import FeatureScorer, _indexcache
from watchlist.matching.retrieval import CandidateIndex, IndexCache, cached_index
from watchlist.model import Entry, Party

Records = list[tuple[str, Entry]]
VERSIONS = [curated.parse(p) for p in sorted(LISTS.glob("*.toml")) if p.stem != "jurisdictions"]
RECORDS: Records = [(v.info.id, e) for v in VERSIONS for e in v.entries]
SCORER = FeatureScorer().for_records(RECORDS)
LISTED = tuple((v.info.id, (v.digest,)) for v in VERSIONS)


def index_in(directory: Path, records: Records = RECORDS, lists: object = LISTED) -> CandidateIndex:
    return cached_index(
        records,
        IndexCache(directory, lists),  # type: ignore[arg-type]
        commonness=SCORER.frequencies.commonness,
        calibration=SCORER.calibration.to_json(),
    )


@pytest.fixture(scope="module")
def saved(tmp_path_factory: pytest.TempPathFactory) -> tuple[CandidateIndex, CandidateIndex]:
    directory = tmp_path_factory.mktemp("index")
    built = index_in(directory)
    assert built.cached is not None
    loaded = index_in(directory)
    assert loaded.cached == built.cached
    return built, loaded


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(name=names)
def test_a_loaded_index_gives_the_candidates_of_the_built_one(
    saved: tuple[CandidateIndex, CandidateIndex], name: str
) -> None:
    built, loaded = saved
    for kind in ("person", "organization"):
        query = Party(name=name, kind=kind)
        assert loaded.lookup(query, 0.6) == built.lookup(query, 0.6)


def test_a_corrupt_or_truncated_cache_is_rebuilt_not_used(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    built = index_in(tmp_path)
    assert built.cached is not None
    path = Path(built.cached.path)
    array = next((path / "arrays").glob("_deletions.keys.npy"))
    os.chmod(array, 0o600)
    array.write_bytes(array.read_bytes()[:-8])
    with caplog.at_level(logging.WARNING, logger="watchlist.index"):
        again = index_in(tmp_path)
    assert "not used" in caplog.text
    query = Party(name="Taliban")
    assert again.lookup(query, 0.7) == built.lookup(query, 0.7)
    (path / "manifest.json").unlink()
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="watchlist.index"):
        index_in(tmp_path)
    assert "not used" in caplog.text


def test_a_cache_for_other_lists_is_not_used(tmp_path: Path) -> None:
    index_in(tmp_path)
    fewer = RECORDS[:-1]
    other = index_in(tmp_path, fewer)
    assert len(other.records) == len(fewer)
    assert len(list(tmp_path.glob("index-*"))) == 1
    other_lists = index_in(tmp_path, fewer, (("x", ("0" * 64,)),))
    assert len(other_lists.records) == len(fewer)
    assert len(list(tmp_path.glob("index-*"))) == 2


def test_lists_of_strings_are_stored_as_text_and_ends(tmp_path: Path) -> None:
    values = ["", "Талибан", "a\0b", "𝔘𝔫𝔦", "", "北京", "x"]
    writer = _indexcache._Writer(tmp_path)
    writer.strings("values", values)
    plain = [value for value in values if "\0" not in value]
    writer.strings("plain", plain)
    writer.strings("none", [])
    writer.strings("empty", [""])
    reader = _indexcache._Reader(tmp_path, {})
    assert reader.strings("values") == values
    assert reader.strings("plain") == plain
    assert reader.strings("none") == []
    assert reader.strings("empty") == [""]


def test_a_directory_keeps_the_caches_used_last(tmp_path: Path) -> None:
    def cache_of(number: int) -> Path:
        index = index_in(tmp_path, RECORDS, (("x", (f"{number:064d}",)),))
        assert index.cached is not None
        return Path(index.cached.path)

    first = cache_of(0)
    others = [cache_of(number) for number in range(1, _indexcache.KEEP)]
    os.utime(first, (1, 1))  # long unused, but loaded again now: marked used
    assert cache_of(0) == first
    abandoned = tmp_path / ".tmp-index-abandoned"
    abandoned.mkdir()
    os.utime(abandoned, (1, 1))
    newest = cache_of(_indexcache.KEEP)
    kept = {first, *others[1:], newest}
    assert len(kept) == _indexcache.KEEP
    assert set(tmp_path.iterdir()) == kept
