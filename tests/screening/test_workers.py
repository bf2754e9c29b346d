"""Screener.screen_many: streaming, ordered, identical to screening one by one; and sharing a
Screener between threads."""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import os
import tempfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.conftest import PROJECT_ROOT
from tests.scorers import ScoresEveryRecord
from watchlist import (
    InputError,
    NoCoverageError,
    Party,
    Screener,
    ScreeningResult,
    UnknownJurisdictionError,
)
from watchlist.matching.retrieval import IndexedRetrieval
from watchlist.screening.workers import pickled

COUNTERPARTIES = PROJECT_ROOT / "lists" / "examples" / "counterparties.csv"
#: (jurisdiction, as of) pairs the shipped lists cover, before and after the 2024-2025 changes.
SETTINGS = [("KZ", "2023-06-01"), ("KZ", "2024-06-01"), ("RU", "2025-06-01"), ("US", "2026-01-15")]


def _parties() -> list[Party]:
    with COUNTERPARTIES.open(encoding="utf-8", newline="") as file:
        return [
            Party(
                name=row["name"],
                kind=row["kind"],
                birth_date=row["birth_date"] or None,
                nationalities=row["nationality"],
            )
            for row in csv.DictReader(file)
        ]


def _one_by_one(
    screener: Screener, rows: list[Party] | list[str], jurisdiction: str, as_of: str
) -> list[ScreeningResult]:
    return [screener.screen(row, jurisdiction=jurisdiction, as_of=as_of) for row in rows]


@pytest.mark.parametrize(("jurisdiction", "as_of"), SETTINGS)
def test_screen_many_equals_screening_one_by_one(
    screener: Screener, jurisdiction: str, as_of: str
) -> None:
    parties = _parties()
    expected = _one_by_one(screener, parties, jurisdiction, as_of)
    results = list(screener.screen_many(parties, jurisdiction=jurisdiction, as_of=as_of))
    assert results == expected
    assert any(result.is_hit for result in results)
    assert any(not result.is_hit for result in results)


@pytest.mark.parametrize(("jurisdiction", "as_of"), SETTINGS)
def test_screen_many_scoring_every_record_equals_screening_one_by_one(
    screener: Screener, jurisdiction: str, as_of: str
) -> None:
    """A run works out the records in force once, for every row: the results are those of
    screening one by one, and the index's."""
    every = Screener(
        timelines=screener.timelines,
        jurisdictions=screener.jurisdictions,
        scorer=ScoresEveryRecord(),
    )
    parties = _parties()
    expected = _one_by_one(every, parties, jurisdiction, as_of)
    results = list(every.screen_many(parties, jurisdiction=jurisdiction, as_of=as_of))
    assert results == expected
    assert results == _one_by_one(screener, parties, jurisdiction, as_of)


def test_screen_many_accepts_plain_names(screener: Screener) -> None:
    names = [party.name for party in _parties()]
    results = list(screener.screen_many(iter(names), jurisdiction="KZ", as_of="2024-06-01"))
    assert [result.query.name for result in results] == names
    assert results == _one_by_one(screener, names, "KZ", "2024-06-01")


def test_screen_many_in_two_processes_equals_sequential(screener: Screener) -> None:
    # Several chunks' worth of rows, so that order across chunks and workers is exercised.
    parties = _parties() * 20
    sequential = list(screener.screen_many(parties, jurisdiction="RU", as_of="2025-06-01"))
    parallel = list(screener.screen_many(parties, jurisdiction="RU", as_of="2025-06-01", workers=2))
    assert parallel == sequential
    assert [result.query for result in parallel] == parties


def test_screen_many_in_processes_can_be_abandoned_early(
    screener: Screener, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    parties = _parties() * 20
    results = screener.screen_many(parties, jurisdiction="KZ", as_of="2024-06-01", workers=2)
    first = list(itertools.islice(results, 5))
    # The workers read the screener, and the index's cache written for the run (this screener
    # has none of its own), from a private directory, there while they run.
    (directory,) = tmp_path.iterdir()
    assert sorted(each.name for each in directory.iterdir()) == ["index", "screener.pickle"]
    results.close()  # type: ignore[attr-defined]
    assert first == _one_by_one(screener, parties[:5], "KZ", "2024-06-01")
    assert list(tmp_path.iterdir()) == []


class _Counting:
    """An iterable that records how many rows were taken from it."""

    def __init__(self, rows: list[Party]) -> None:
        self.rows = rows
        self.taken = 0

    def __iter__(self) -> Iterator[Party]:
        for row in self.rows:
            self.taken += 1
            yield row


def test_screen_many_streams(screener: Screener) -> None:
    rows = _Counting(_parties())
    results = screener.screen_many(rows, jurisdiction="KZ", as_of="2024-06-01")
    assert rows.taken == 0
    next(results)
    assert rows.taken == 1
    next(results)
    assert rows.taken == 2


def test_screen_many_checks_coverage_before_reading_a_row(screener: Screener) -> None:
    rows = _Counting(_parties())
    with pytest.raises(UnknownJurisdictionError):
        screener.screen_many(rows, jurisdiction="XX", as_of="2024-06-01")
    with pytest.raises(NoCoverageError):
        screener.screen_many(rows, jurisdiction="KZ", as_of="1990-01-01")
    assert rows.taken == 0


def test_screen_many_rejects_a_bad_worker_count(screener: Screener) -> None:
    with pytest.raises(InputError, match="workers"):
        screener.screen_many(["Taliban"], jurisdiction="KZ", as_of="2024-06-01", workers=0)


@pytest.mark.parametrize("workers", [1, 2])
def test_a_blank_name_raises_at_its_row(screener: Screener, workers: int) -> None:
    names = ["Taliban", "Al-Qaida", "  ", "Haqqani Network"]
    results = screener.screen_many(names, jurisdiction="KZ", as_of="2024-06-01", workers=workers)
    received: list[ScreeningResult] = []
    with pytest.raises(InputError, match="empty"):
        received.extend(results)
    assert received == _one_by_one(screener, names[:2], "KZ", "2024-06-01")


def test_as_of_is_recorded_as_a_date(screener: Screener) -> None:
    (result,) = screener.screen_many(["Taliban"], jurisdiction="RU", as_of="2024-06-01")
    assert result.as_of == dt.date(2024, 6, 1)


def test_one_screener_serves_many_threads_at_once() -> None:
    screener = Screener.default()
    parties = _parties()
    # Each of 16 threads screens every name, starting at a different one, in one of the settings.
    tasks = [
        (parties[start:] + parties[:start], *SETTINGS[start % len(SETTINGS)]) for start in range(16)
    ]
    sequential = [_one_by_one(screener, *task) for task in tasks]
    with ThreadPoolExecutor(max_workers=16) as pool:
        concurrent = list(pool.map(lambda task: _one_by_one(screener, *task), tasks))
    assert concurrent == sequential


# -- the index from its cache on disk (issue 15) ----------------------------------------------


def test_workers_load_the_index_from_the_cache_not_the_pickle(
    screener: Screener, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cached = Screener.default(index_cache=tmp_path / "cache")
    parties = _parties() * 20
    sequential = list(screener.screen_many(parties, jurisdiction="KZ", as_of="2024-06-01"))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    results = cached.screen_many(parties, jurisdiction="KZ", as_of="2024-06-01", workers=2)
    first = next(results)
    # The screener's own cache serves: none is written for the run, and its pickle is a
    # fraction of the whole screener's.
    (directory,) = (each for each in tmp_path.iterdir() if each.name != "cache")
    assert [each.name for each in directory.iterdir()] == ["screener.pickle"]
    assert (directory / "screener.pickle").stat().st_size < len(pickled(cached)) / 2
    assert [first, *results] == sequential


def test_a_worker_builds_the_index_again_when_its_cache_cannot_be_used(
    screener: Screener, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    cached = Screener.default(index_cache=tmp_path)
    retrieval = cached._retrieval
    assert isinstance(retrieval, IndexedRetrieval)
    assert retrieval.index.cached is not None
    # Changed after the parent built its screener, before the workers load it.
    array = next(Path(retrieval.index.cached.path, "arrays").glob("*.npy"))
    os.chmod(array, 0o600)
    array.write_bytes(array.read_bytes()[:-1] + b"\x01")
    parties = _parties() * 20
    parallel = list(cached.screen_many(parties, jurisdiction="RU", as_of="2024-06-01", workers=2))
    assert parallel == list(screener.screen_many(parties, jurisdiction="RU", as_of="2024-06-01"))
    assert "the index cache is not used, the index is built again" in capfd.readouterr().err
