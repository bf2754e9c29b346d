"""``watchlist rescreen``, run as a real command in a subprocess on a small file of real names."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from tests.cli.running import read_csv, run_watchlist
from watchlist.batch.schema import CHANGE_COLUMNS

ROOT = Path(__file__).resolve().parents[2]
CUSTOMERS = ROOT / "tests" / "data" / "rescreen" / "customers.csv"
COLUMNS = ("--id-column", "id", "--kind-column", "kind", "--dob-column", "birth_date")


def test_kz_clears_the_taliban(tmp_path: Path) -> None:
    result = run_watchlist(
        "rescreen",
        CUSTOMERS,
        "-j",
        "KZ",
        "--from",
        "2023-12-01",
        "--to",
        "2024-01-31",
        "-o",
        "changes.csv",
        *COLUMNS,
        cwd=tmp_path,
    )
    assert result.returncode == 1, result.stderr
    assert result.stdout == ""
    assert "7 rows read: 6 re-screened (3 with changes: 0 new hits, 3 cleared), 1 rejected" in (
        result.stderr
    )
    with (tmp_path / "changes.csv").open(encoding="utf-8", newline="") as file:
        assert tuple(next(csv.reader(file))) == CHANGE_COLUMNS
    rows = read_csv(tmp_path / "changes.csv")
    # The formula-like name is written as text.
    assert [(row["line"], row["input_id"], row["input_name"]) for row in rows] == [
        ("2", "K1", "Taliban"),
        ("3", "K2", "Талибан"),
        ("5", "K4", "'=Taliban"),
    ]
    for row in rows:
        assert (row["change"], row["reason"], row["list"], row["entry_id"]) == (
            "cleared", "delisted", "kz-terrorist-organisations", "taliban",
        )  # fmt: skip
        assert (row["score_to"], row["end_date"]) == ("", "2023-12-29")
        assert float(row["score_from"]) > 0.98  # a listed name given whole
        assert row["designation_basis"].startswith("Supreme Court of the Republic of Kazakhstan")
        assert "29 Dec 2023" in row["end_basis"]
        assert row["list_digest_from"] == row["list_digest_to"] != ""
    [rejected] = read_csv(tmp_path / "changes.rejects.csv")
    assert (rejected["line"], rejected["reason"]) == ("6", "no name")
    audit = json.loads((tmp_path / "changes.audit.json").read_text(encoding="utf-8"))
    assert audit["parameters"]["from"] == "2023-12-01"
    assert audit["parameters"]["to"] == "2024-01-31"
    assert {use["list_id"] for use in audit["lists_used"]["from"]} == {
        "kz-terrorist-organisations",
        "un-sc-excerpt",
    }
    assert audit["counts"]["cleared"] == 3
    assert audit["counts"]["rows_read"] == 7
    assert audit["counts"]["records_scored_per_row"] == 1
    # Nothing is left under a temporary name.
    assert sorted(path.name for path in tmp_path.iterdir()) == [
        "changes.audit.json",
        "changes.csv",
        "changes.rejects.csv",
    ]


def test_ru_clears_the_taliban_as_suspended_in_json_lines(tmp_path: Path) -> None:
    result = run_watchlist(
        "rescreen",
        CUSTOMERS,
        "-j",
        "RU",
        "--from",
        "2025-04-01",
        "--to",
        "2025-06-01",
        "-o",
        "changes.jsonl",
        *COLUMNS,
        cwd=tmp_path,
    )
    assert result.returncode == 1, result.stderr
    records = [
        json.loads(line)
        for line in (tmp_path / "changes.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    assert [(r["input_name"], r["change"], r["reason"], r["end_date"]) for r in records] == [
        ("Taliban", "cleared", "suspended", "2025-04-17"),
        ("Талибан", "cleared", "suspended", "2025-04-17"),
        ("=Taliban", "cleared", "suspended", "2025-04-17"),
    ]
    assert records[0]["score_to"] is None


def test_nothing_changes_in_the_us(tmp_path: Path) -> None:
    clean = tmp_path / "clean.csv"
    lines = CUSTOMERS.read_text(encoding="utf-8").splitlines(keepends=True)
    clean.write_text("".join(line for line in lines if not line.startswith("K5,")), "utf-8")
    result = run_watchlist(
        "rescreen",
        clean,
        "-j",
        "US",
        "--from",
        "2023-12-01",
        "--to",
        "2024-01-31",
        "-o",
        "changes.csv",
        *COLUMNS,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert read_csv(tmp_path / "changes.csv") == []
    assert "6 rows read: 6 re-screened (0 with changes" in result.stderr


def test_a_cp1251_file_with_semicolons_is_read_as_the_same_rows(tmp_path: Path) -> None:
    text = CUSTOMERS.read_text(encoding="utf-8").replace(",", ";")
    legacy = tmp_path / "legacy.csv"
    legacy.write_bytes(text.encode("cp1251"))
    result = run_watchlist(
        "rescreen",
        legacy,
        "-j",
        "KZ",
        "--from",
        "2023-12-01",
        "--to",
        "2024-01-31",
        "-o",
        "changes.csv",
        *COLUMNS,
        cwd=tmp_path,
    )
    assert result.returncode == 1, result.stderr
    assert "input read as cp1251, delimiter ';'" in result.stderr
    assert [row["input_name"] for row in read_csv(tmp_path / "changes.csv")] == [
        "Taliban",
        "Талибан",
        "'=Taliban",
    ]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (("-j", "XX", "--from", "2023-12-01", "--to", "2024-01-31"), "XX"),
        (("-j", "KZ", "--from", "1990-01-01", "--to", "2024-01-31"), "1990-01-01"),
        (("-j", "KZ", "--from", "2024-01-31", "--to", "2023-12-01"), "before"),
        (("-j", "KZ", "--from", "2023-12-01", "--to", "2024-01-31", "--name-column", "nom"),
         "nom"),
    ],
)  # fmt: skip
def test_errors_exit_2_and_write_nothing(
    tmp_path: Path, arguments: tuple[str, ...], message: str
) -> None:
    result = run_watchlist("rescreen", CUSTOMERS, *arguments, "-o", "changes.csv", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("watchlist: error:")
    assert message in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_index_cache_flags(tmp_path: Path) -> None:
    args = ("rescreen", CUSTOMERS, "-j", "KZ", "--from", "2023-12-01", "--to", "2024-01-31")
    for flags in (["--index-cache", "mine"], ["--index-cache", "mine"], ["--no-index-cache"]):
        result = run_watchlist(*args, *COLUMNS, *flags, "-o", f"{flags[0][2:]}.csv", cwd=tmp_path)
        assert result.returncode == 1, result.stderr
    assert [each.name.startswith("index-") for each in (tmp_path / "mine").iterdir()] == [True]
    cached, uncached = tmp_path / "index-cache.csv", tmp_path / "no-index-cache.csv"
    assert cached.read_bytes() == uncached.read_bytes()
