from __future__ import annotations

import subprocess
import sys

import pytest

from watchlist.cli import main


def test_a_hit_is_explained(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["check", "Талибан", "-j", "RU", "--as-of", "2024-06-01"])
    out = capsys.readouterr().out
    assert code == 1
    assert "HIT 0.99  ru-fsb-terrorist-organisations / taliban" in out
    assert "until 2025-04-17 (suspended)" in out
    assert "Supreme Court" in out
    assert "why: name 1.00" in out
    assert "sha256:" in out


def test_no_hit_says_against_which_list_versions(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["check", "Taliban", "-j", "RU", "--as-of", "2025-06-01"])
    out = capsys.readouterr().out
    assert code == 0
    assert "no hits" in out
    assert "ru-fsb-terrorist-organisations (complete) published" in out
    assert "un-sc-excerpt (excerpt) published" in out


def test_an_unknown_jurisdiction_is_a_one_line_error(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["check", "Taliban", "-j", "XX", "--as-of", "2025-06-01"])
    captured = capsys.readouterr()
    assert code == 2
    assert captured.err.startswith("watchlist: error: unknown jurisdiction 'XX'")
    assert captured.err.count("\n") == 1


def test_a_malformed_date_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["check", "Taliban", "-j", "RU", "--as-of", "2025-13-01"])
    assert caught.value.code == 2
    assert "as_of" in capsys.readouterr().err


def test_the_installed_command_runs() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "watchlist", "check", "Sirajuddin Haqqani", "-j", "KZ",
         "--as-of", "2024-06-01"],
        capture_output=True,
        text=True,
        check=False,
    )  # fmt: skip
    assert completed.returncode == 1, completed.stderr
    assert "un-sc-excerpt / TAi.144" in completed.stdout
