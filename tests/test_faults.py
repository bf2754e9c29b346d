"""Faults: two writers at once, a full disk, a bad output path, an interrupt, a killed parent
(issue 17, items 5 to 7)."""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import time
import warnings
from pathlib import Path

import pytest

from watchlist import ListFormatError, StoreError
from watchlist.lists.store import Store

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


# Exit codes and messages (item 6): 2 for a watchlist error, 3 for anything else, one line.

ROOT = Path(__file__).resolve().parents[1]
COUNTERPARTIES = ROOT / "lists" / "examples" / "counterparties.csv"
SCREEN = ["screen", str(COUNTERPARTIES), "-j", "KZ", "--as-of", "2024-06-01", "--quiet"]


def _main(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    from watchlist.cli import main

    code = main(list(args))
    return code, capsys.readouterr().err


def _no_screening(monkeypatch: pytest.MonkeyPatch) -> None:
    from watchlist.screening.screener import Screener

    def refuse(*_args: object, **_options: object) -> object:
        raise AssertionError("screened before the output path was checked")

    monkeypatch.setattr(Screener, "screen_many", refuse)


def test_an_output_path_that_is_a_directory_is_refused_before_screening(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "out.csv").mkdir()
    _no_screening(monkeypatch)
    code, err = _main(capsys, *SCREEN, "-o", str(tmp_path / "out.csv"))
    assert code == 2
    assert err.strip().splitlines() == [
        f"watchlist: error: output: cannot write {tmp_path / 'out.csv'}: it is a directory"
    ]
    assert sorted(path.name for path in tmp_path.iterdir()) == ["out.csv"]


def test_an_output_that_is_not_a_regular_file_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    fifo = tmp_path / "out.csv"
    os.mkfifo(fifo)
    _no_screening(monkeypatch)
    code, err = _main(capsys, *SCREEN, "-o", str(fifo))
    assert code == 2
    assert "not a regular file" in err


def test_a_full_disk_is_exit_3_with_one_line_and_no_partial_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno

    from watchlist.batch import run as batch

    def full(self: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(tmp_path / "out.csv"))

    monkeypatch.setattr(batch._Staged, "complete", full)
    code, err = _main(capsys, *SCREEN, "-o", str(tmp_path / "out.csv"))
    assert code == 3
    assert err.strip().splitlines() == [
        f"watchlist: internal error: No space left on device: {tmp_path / 'out.csv'} "
        "(--debug shows the traceback)"
    ]
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("where", ["before", "after"])
def test_a_bug_is_exit_3_and_debug_shows_the_traceback(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    from watchlist.cli import check

    def broken(_result: object) -> list[str]:
        raise RuntimeError("boom\nsecond line")

    monkeypatch.setattr(check, "render", broken)
    args = ["check", "Taliban", "-j", "KZ", "--as-of", "2023-06-01"]
    code, err = _main(capsys, *args)
    assert code == 3
    assert err.strip().splitlines() == [
        "watchlist: internal error: RuntimeError: boom (--debug shows the traceback)"
    ]
    debug = ["--debug", *args] if where == "before" else [*args, "--debug"]
    code, err = _main(capsys, *debug)
    assert code == 3
    assert "Traceback (most recent call last)" in err
    assert err.strip().splitlines()[-1] == "watchlist: internal error: RuntimeError: boom"


def test_a_watchlist_error_is_exit_2_in_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    code, err = _main(capsys, "check", "Taliban", "-j", "Mars", "--as-of", "2023-06-01")
    assert code == 2
    assert len(err.strip().splitlines()) == 1
    assert err.startswith("watchlist: error: unknown jurisdiction 'Mars'")


def test_an_interrupt_is_exit_130_and_leaves_no_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from watchlist.batch import run as batch

    real = batch._Screening.write_result
    calls = []

    def interrupted(self: object, result: object) -> None:
        calls.append(result)
        if len(calls) == 3:
            raise KeyboardInterrupt
        real(self, result)  # type: ignore[arg-type]

    monkeypatch.setattr(batch._Screening, "write_result", interrupted)
    code, err = _main(capsys, *SCREEN, "-o", str(tmp_path / "out.csv"))
    assert code == 130
    assert err.strip().splitlines() == ["watchlist: interrupted"]
    assert list(tmp_path.iterdir()) == []


def test_a_deeply_nested_ftm_file_is_a_list_format_error(tmp_path: Path) -> None:
    from watchlist.lists.formats import ftm_json

    path = tmp_path / "entities.ftm.json"
    path.write_text('{"id": "x", "schema": "Person"}\n' + "[" * 200_000 + "]" * 200_000 + "\n")
    with pytest.raises(ListFormatError, match="nested too deeply") as caught:
        ftm_json.parse(path, published="2024-01-01")
    assert caught.value.line == 2


# Workers and signals (item 7): no worker outlives its parent; an interrupt is exit 130.


def _children(pid: int) -> set[int]:
    found = set()
    for stat_file in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat_file.read_text()
        except OSError:
            continue
        fields = text.rpartition(")")[2].split()
        if int(fields[1]) == pid:
            found.add(int(stat_file.parent.name))
    return found


def _alive(pid: int) -> bool:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return text.rpartition(")")[2].split()[0] != "Z"


def _big_input(tmp_path: Path, rows: int = 40_000) -> Path:
    names = [
        line.split(",")[1] for line in COUNTERPARTIES.read_text(encoding="utf-8").splitlines()[1:]
    ]
    path = tmp_path / "many.csv"
    with path.open("w", encoding="utf-8") as file:
        file.write("id,name\n")
        for k in range(rows):
            file.write(f"{k},{names[k % len(names)]} {k}\n")
    return path


def _start_screening(tmp_path: Path) -> tuple[subprocess.Popen[str], set[int]]:
    """A ``screen --workers 2`` run in its own session, once both workers are busy."""
    source = _big_input(tmp_path)
    command = [
        sys.executable, "-m", "watchlist", "screen", str(source), "-j", "KZ",
        "--as-of", "2024-06-01", "-o", str(tmp_path / "out.csv"), "--workers", "2", "--quiet",
    ]  # fmt: skip
    process = subprocess.Popen(
        command, stderr=subprocess.PIPE, text=True, start_new_session=True, cwd=tmp_path
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        children = _children(process.pid)
        if len(children) >= 3 and list(tmp_path.glob(".out.csv.*.partial")):
            # Two workers and the resource tracker; give the workers a chunk to work on.
            time.sleep(1.0)
            return process, _children(process.pid)
        assert process.poll() is None, process.communicate()[1]
        time.sleep(0.1)
    process.kill()
    pytest.fail("the workers did not start")


def _gone(pids: set[int], seconds: float = 15) -> set[int]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and any(map(_alive, pids)):
        time.sleep(0.1)
    return {pid for pid in pids if _alive(pid)}


def _outputs(tmp_path: Path) -> list[str]:
    return sorted(path.name for path in tmp_path.iterdir() if path.name != "many.csv")


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_ctrl_c_is_exit_130_one_line_no_output_and_no_workers_left(tmp_path: Path) -> None:
    process, children = _start_screening(tmp_path)
    os.killpg(process.pid, signal.SIGINT)  # as Ctrl-C does: every process of the group
    _, err = process.communicate(timeout=120)
    assert process.returncode == 130, err
    assert err.strip().splitlines() == ["watchlist: interrupted"]
    assert _outputs(tmp_path) == []
    assert _gone(children) == set()


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_sigterm_is_exit_143_no_output_and_no_workers_left(tmp_path: Path) -> None:
    process, children = _start_screening(tmp_path)
    process.terminate()
    _, err = process.communicate(timeout=120)
    assert process.returncode == 143, err
    assert err.strip().splitlines() == ["watchlist: terminated"]
    assert _outputs(tmp_path) == []
    assert _gone(children) == set()


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_workers_die_with_a_killed_parent(tmp_path: Path) -> None:
    process, children = _start_screening(tmp_path)
    process.kill()
    process.communicate(timeout=60)
    # The workers and the resource tracker all end, without anyone stopping them.
    assert _gone(children) == set()
