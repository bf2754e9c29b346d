"""``watchlist screen``, run as a real command in a subprocess on small files of real names."""

from __future__ import annotations

import io
import json
import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.running import read_csv, run_watchlist
from watchlist.batch.reader import Progress
from watchlist.cli.screen import ProgressBar

ROOT = Path(__file__).resolve().parents[2]
COUNTERPARTIES = ROOT / "lists" / "examples" / "counterparties.csv"
BATCH = ROOT / "tests" / "data" / "batch"


def _counts(stderr: str) -> tuple[int, int, int, int]:
    found = re.search(
        r"(\d+) rows read: (\d+) screened \((\d+) with hits, \d+ hits\), (\d+) rejected", stderr
    )
    assert found, stderr
    read, screened, with_hits, rejected = (int(group) for group in found.groups())
    return read, screened, with_hits, rejected


def test_the_main_job(tmp_path: Path) -> None:
    result = run_watchlist(
        "screen", COUNTERPARTIES, "-j", "KZ", "--as-of", "2024-06-01", "-o", "screened.csv",
        "--name-column", "name", cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 1, result.stderr
    assert result.stdout == ""
    read, screened, with_hits, rejected = _counts(result.stderr)
    assert (read, screened, rejected) == (30, 30, 0)
    assert with_hits > 0
    rows = read_csv(tmp_path / "screened.csv")
    assert len({row["line"] for row in rows}) == with_hits
    assert {row["input_name"] for row in rows} >= {"Sirajuddin Haqqani", "Al-Qaeda"}
    assert sorted(path.name for path in tmp_path.iterdir()) == [
        "screened.audit.json",
        "screened.csv",
        "screened.rejects.csv",
    ]
    assert "\r" not in result.stderr  # no progress bar: stderr is not a terminal


def test_messy_file_every_row_accounted_for(tmp_path: Path) -> None:
    result = run_watchlist(
        "screen", BATCH / "messy.csv", "-j", "RU", "--as-of", "2024-06-01", "-o", "out.csv",
        "--id-column", "id", "--kind-column", "kind", "--dob-column", "birth_date",
        "--nationality-column", "nationality", "--per-row", cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 1, result.stderr
    read, screened, _with_hits, rejected = _counts(result.stderr)
    assert read == screened + rejected == 17
    assert rejected == 7
    for reason in ("no name", "broken quoting", "over-long field", "undecodable bytes"):
        assert reason in result.stderr
    rows = read_csv(tmp_path / "out.csv")
    assert len(rows) == read
    assert sum(row["outcome"] == "error" for row in rows) == rejected
    rejects = read_csv(tmp_path / "out.rejects.csv")
    assert len(rejects) == rejected
    assert {row["reason"] for row in rejects} == {
        "no name",
        "broken quoting",
        "bad value",
        "wrong number of fields",
        "over-long field",
        "undecodable bytes",
    }
    # Rows after the broken ones are all screened, their formula-like names neutralised.
    names = {row["input_id"]: row["input_name"] for row in rows}
    assert names["M05"] == "Имарат Кавказ"
    assert names["M06"].startswith("'=HYPERLINK(")
    assert names["M07"] == "'+Taliban"
    assert names["M17"] == "John Smith"


@pytest.mark.parametrize(
    ("fixture", "encoding"),
    [
        ("ru-utf8-bom.csv", "utf-8-sig"),
        ("ru-utf16.csv", "utf-16"),
        ("ru-cp1251-semicolon.csv", "cp1251"),
    ],
)
def test_encodings(tmp_path: Path, fixture: str, encoding: str) -> None:
    result = run_watchlist(
        "screen", BATCH / fixture, "-j", "RU", "--as-of", "2024-06-01", "-o", "out.csv",
        "--id-column", "id", cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 1, result.stderr
    rows = read_csv(tmp_path / "out.csv")
    assert {row["input_name"] for row in rows} == {
        "Талибан",
        "Имарат Кавказ",
        "Исламское государство",
    }
    audit = json.loads((tmp_path / "out.audit.json").read_text(encoding="utf-8"))
    assert audit["input"]["encoding"] == encoding


def test_encoding_and_delimiter_flags(tmp_path: Path) -> None:
    # Read as latin-1 on purpose, a cp1251 file turns into nonsense, but every row is read.
    result = run_watchlist(
        "screen", BATCH / "ru-cp1251-semicolon.csv", "-j", "RU", "--as-of", "2024-06-01",
        "-o", "out.csv", "--encoding", "latin-1", "--delimiter", ";", "--per-row", cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert _counts(result.stderr) == (5, 5, 0, 0)
    rows = read_csv(tmp_path / "out.csv")
    assert rows[0]["input_name"] == "Талибан".encode("cp1251").decode("latin-1")


def test_jsonl_output(tmp_path: Path) -> None:
    result = run_watchlist(
        "screen", BATCH / "tab.tsv", "-j", "RU", "--as-of", "2024-06-01", "-o", "out.jsonl",
        "--id-column", "id", "--per-row", cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 1, result.stderr
    records = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert [(record["input_id"], record["outcome"]) for record in records] == [
        ("T1", "hit"),
        ("T2", "clear"),
    ]
    assert records[0]["hits"][0]["list"] == "ru-fsb-terrorist-organisations"


def test_exit_0_when_nothing_matched(tmp_path: Path) -> None:
    source = tmp_path / "clear.csv"
    source.write_text("name\nAnna Petrova\nJohn Smith\nMaria Garcia Lopez\n", encoding="utf-8")
    result = run_watchlist(
        "screen", source, "-j", "RU", "--as-of", "2024-06-01", "-o", "out.csv", cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert _counts(result.stderr) == (3, 3, 0, 0)
    assert read_csv(tmp_path / "out.csv") == []


def test_exit_2_when_rows_were_rejected_and_none_hit(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text("name,kind\nAnna Petrova,person\n,person\n", encoding="utf-8")
    result = run_watchlist(
        "screen", source, "-j", "RU", "--as-of", "2024-06-01", "-o", "out.csv", cwd=tmp_path
    )
    assert result.returncode == 2, result.stderr
    assert _counts(result.stderr) == (2, 1, 0, 1)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-j", "XX", "--as-of", "2024-06-01"], "unknown jurisdiction"),
        (["-j", "RU", "--as-of", "2024-06-01", "--name-column", "full_name"], "no column"),
        (["-j", "RU", "--as-of", "1990-01-01"], "applies no list"),
        (["-j", "RU", "--as-of", "2024-06-01", "--delimiter", "::"], "one character"),
    ],
)
def test_exit_2_on_usage_or_data_errors(tmp_path: Path, args: list[str], message: str) -> None:
    result = run_watchlist("screen", COUNTERPARTIES, "-o", "out.csv", *args, cwd=tmp_path)
    assert result.returncode == 2
    assert message in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_help_documents_exit_codes_and_columns(tmp_path: Path) -> None:
    result = run_watchlist("screen", "--help", cwd=tmp_path)
    assert result.returncode == 0
    for text in ("exit status", "--name-column", "--identifier-column", "--per-row", "rejects"):
        assert text in result.stdout


def test_workers(tmp_path: Path) -> None:
    result = run_watchlist(
        "screen", COUNTERPARTIES, "-j", "US", "--as-of", "2026-01-15", "-o", "out.csv",
        "--workers", "2", "--id-column", "id", cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 1, result.stderr
    sequential = run_watchlist(
        "screen", COUNTERPARTIES, "-j", "US", "--as-of", "2026-01-15", "-o", "seq.csv",
        "--id-column", "id", cwd=tmp_path,
    )  # fmt: skip
    assert (tmp_path / "out.csv").read_bytes() == (tmp_path / "seq.csv").read_bytes()
    assert _counts(result.stderr) == _counts(sequential.stderr)


def _stderr_on_a_terminal(*args: str | Path, cwd: Path) -> str:
    """Run the command with stderr on a pseudo-terminal; what it wrote there."""
    controller, terminal = pty.openpty()
    with os.fdopen(controller, "rb", buffering=0) as reader:
        process = subprocess.Popen(
            [sys.executable, "-m", "watchlist", *map(str, args)],
            stdout=subprocess.DEVNULL,
            stderr=terminal,
            cwd=cwd,
        )
        os.close(terminal)  # the child holds it now; reading ends when the child closes it
        chunks = []
        while True:
            try:
                chunk = reader.read(65536)
            except OSError:  # EIO: the terminal side is closed, everything has been read
                break
            if not chunk:
                break
            chunks.append(chunk)
    assert process.wait() == 1
    return b"".join(chunks).decode("utf-8")


def test_progress_bar_on_a_terminal_and_not_with_quiet(tmp_path: Path) -> None:
    args: list[str | Path] = [
        "screen",
        COUNTERPARTIES,
        "-j",
        "KZ",
        "--as-of",
        "2024-06-01",
        "-o",
        "out.csv",
    ]
    shown = _stderr_on_a_terminal(*args, cwd=tmp_path)
    assert "rows/s" in shown
    assert "30 rows read" in shown
    quiet = _stderr_on_a_terminal(*args, "--quiet", cwd=tmp_path)
    assert "rows/s" not in quiet
    assert "30 rows read" in quiet


def test_progress_bar_rendering() -> None:
    stream = io.StringIO()
    bar = ProgressBar(stream, interval=0.0)
    assert bar.render(Progress(rows=5000, bytes_read=250, total_bytes=1000), elapsed=10.0) == (
        "[######..................]  25%  5,000 rows  500 rows/s  ETA 0:00:30"
    )
    bar(Progress(rows=10, bytes_read=10, total_bytes=10))
    bar.clear()
    drawn = stream.getvalue()
    assert drawn.startswith("\r[########################] 100%  10 rows")
    assert drawn.endswith("\r\x1b[K")


def test_index_cache_flags(tmp_path: Path, index_cache: Path) -> None:
    """The index is kept in --index-cache DIR, by default in the per-user cache (here the
    tests' own, $WATCHLIST_INDEX_CACHE), and nowhere with --no-index-cache: the same output."""
    args = ("screen", COUNTERPARTIES, "-j", "KZ", "--as-of", "2024-06-01", "--id-column", "id")
    outputs: dict[str, bytes] = {}
    for flags in (["--no-index-cache"], ["--index-cache", "mine"], ["--index-cache", "mine"], []):
        output = f"out-{len(outputs)}.csv"
        result = run_watchlist(*args, *flags, "--workers", "2", "-o", output, cwd=tmp_path)
        assert result.returncode == 1, result.stderr
        assert "not used" not in result.stderr
        outputs[output] = (tmp_path / output).read_bytes()
    assert len(set(outputs.values())) == 1
    assert [each.name.startswith("index-") for each in (tmp_path / "mine").iterdir()] == [True]
    assert any(each.name.startswith("index-") for each in index_cache.iterdir())
    both = run_watchlist(
        *args, "--index-cache", "x", "--no-index-cache", "-o", "o.csv", cwd=tmp_path
    )
    assert both.returncode == 2
    assert "not allowed with argument" in both.stderr
