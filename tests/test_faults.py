"""Faults: two writers at once, a full disk, a bad output path, an interrupt, a killed parent
(issue 17, items 5 to 7)."""

from __future__ import annotations

import multiprocessing
import warnings
from pathlib import Path

import pytest

from watchlist import ListFormatError, StoreError
from watchlist.store import Store

SDN = "us-ofac-sdn"
DAY = "2022-11-30"


def _snapshot(shared_data: Path, day: str) -> Path:
    return next((shared_data / "ofac_sdn" / "snapshots").glob(f"sdn_{day}_*.csv"))


def _add(store_dir: str, file: str, start: object, timeout: float) -> str:
    """Run in a child process: add ``file`` for DAY once ``start`` is set; say what happened."""
    start.wait()  # type: ignore[attr-defined]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            Store(store_dir, lock_timeout=timeout).add(SDN, file, published=DAY)
    except (ListFormatError, StoreError) as error:
        return f"{type(error).__name__}: {error}"
    return "added"


@pytest.mark.shared_data
def test_two_processes_adding_one_day_give_one_version_and_one_clear_refusal(
    tmp_path: Path, shared_data: Path
) -> None:
    files = [str(_snapshot(shared_data, day)) for day in ("2022-11-23", "2022-11-30")]
    context = multiprocessing.get_context("spawn")
    manager = context.Manager()
    start = manager.Event()
    with context.Pool(2) as pool:
        pending = [pool.apply_async(_add, (str(tmp_path), file, start, 600.0)) for file in files]
        start.set()
        outcomes = sorted(each.get(timeout=600) for each in pending)
    manager.shutdown()
    assert outcomes[1] == "added"
    assert outcomes[0].startswith("ListFormatError")
    assert f"a different version of {SDN} published {DAY} is already stored" in outcomes[0]
    [stored] = Store(tmp_path).versions(SDN)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert [version.digest for version in Store(tmp_path).load(SDN)] == [stored.digest]


@pytest.mark.shared_data
def test_a_writer_waits_for_the_lock_then_gives_up_clearly(
    tmp_path: Path, shared_data: Path
) -> None:
    store = Store(tmp_path)
    context = multiprocessing.get_context("spawn")
    manager = context.Manager()
    start = manager.Event()
    start.set()
    file = str(_snapshot(shared_data, DAY))
    with store._locked(), context.Pool(1) as pool:
        outcome = pool.apply(_add, (str(tmp_path), file, start, 0.5))
    manager.shutdown()
    assert outcome.startswith("StoreError")
    assert "another process has been adding to the version store" in outcome
    assert store.versions(SDN) == []
    # Once the lock is free, the same add goes through.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        store.add(SDN, file, published=DAY)
    assert len(store.versions(SDN)) == 1
