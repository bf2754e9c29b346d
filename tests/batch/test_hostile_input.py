"""Hostile or careless input to the library: values of the wrong type, names with nothing in them.

Issue 17, item 4: a query was ``str()``-converted, so ``screen(None)`` screened the name "None"
and ``jurisdiction=None`` raised ``AttributeError``.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import PROJECT_ROOT
from watchlist import Entry, InputError, Party, Screener, UnknownJurisdictionError, compare

NOT_A_QUERY = [None, b"Taliban", ["Taliban"], ("Taliban",), 5, {"name": "Taliban"}]


def _ids(value: object) -> str:
    return type(value).__name__


@pytest.mark.parametrize("query", NOT_A_QUERY, ids=_ids)
def test_screen_takes_a_name_or_a_party_only(screener: Screener, query: object) -> None:
    with pytest.raises(TypeError, match=type(query).__name__):
        screener.screen(query, jurisdiction="KZ", as_of="2023-06-01")  # type: ignore[arg-type]


@pytest.mark.parametrize("query", NOT_A_QUERY, ids=_ids)
def test_screen_many_takes_names_or_parties_only(screener: Screener, query: object) -> None:
    rows = ["Taliban", query]
    results = screener.screen_many(
        rows,  # type: ignore[arg-type]
        jurisdiction="KZ",
        as_of="2023-06-01",
    )
    assert next(results).hits
    with pytest.raises(TypeError, match=type(query).__name__):
        next(results)


@pytest.mark.parametrize("jurisdiction", [None, 7, b"KZ"], ids=_ids)
def test_a_jurisdiction_that_is_not_a_code_is_unknown(
    screener: Screener, jurisdiction: object
) -> None:
    calls: list[Callable[[], object]] = [
        lambda: screener.screen(
            "Taliban",
            jurisdiction=jurisdiction,  # type: ignore[arg-type]
            as_of="2023-06-01",
        ),
        lambda: screener.screen_many(
            ["Taliban"],
            jurisdiction=jurisdiction,  # type: ignore[arg-type]
            as_of="2023-06-01",
        ),
        lambda: screener.lists_for(jurisdiction, "2023-06-01"),  # type: ignore[arg-type]
    ]
    for call in calls:
        with pytest.raises(UnknownJurisdictionError) as caught:
            call()
        assert caught.value.jurisdiction == jurisdiction
        assert "KZ" in caught.value.known


@pytest.mark.parametrize("value", NOT_A_QUERY, ids=_ids)
def test_compare_takes_names_parties_or_entries_only(value: object) -> None:
    with pytest.raises(TypeError, match=f"query is .*{type(value).__name__}"):
        compare(value, "Taliban")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=f"candidate is .*{type(value).__name__}"):
        compare("Taliban", value)  # type: ignore[arg-type]


def test_compare_still_takes_its_three_kinds() -> None:
    entry = Entry(id="x", kind="organization", names=["Taliban"])
    for query in ("Taliban", Party(name="Taliban"), entry):
        assert compare(query, entry).score > 0.98
        assert compare(entry, query).score > 0.98


@pytest.mark.parametrize("name", ["", "   ", "\t\n"])
def test_an_empty_name_is_an_input_error(screener: Screener, name: str) -> None:
    with pytest.raises(InputError, match="empty"):
        compare(name, "Taliban")
    with pytest.raises(InputError, match="empty"):
        screener.screen(name, jurisdiction="KZ", as_of="2023-06-01")


@pytest.mark.parametrize("name", ["!!!", "-.-", "«»", "()"])
def test_a_name_of_punctuation_only_scores_zero_and_says_why(screener: Screener, name: str) -> None:
    match = compare(name, "Taliban")
    assert match.score == 0.0
    assert "nothing left to compare" in match.explanation
    assert screener.screen(name, jurisdiction="KZ", as_of="2023-06-01").hits == ()


# Unbounded reads (item 8): an input without line ends, or larger than allowed, stops the run.

ROOT = PROJECT_ROOT


def _screen(tmp_path: Path, source: Path | str, *options: str) -> subprocess.CompletedProcess[str]:
    command = [
        sys.executable, "-m", "watchlist", "screen", str(source), "-j", "KZ",
        "--as-of", "2024-06-01", "-o", str(tmp_path / "out.csv"), "--quiet", *options,
    ]  # fmt: skip
    return subprocess.run(
        command, capture_output=True, text=True, timeout=120, cwd=tmp_path, check=False
    )


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_an_endless_line_stops_the_run_instead_of_hanging(tmp_path: Path) -> None:
    result = _screen(tmp_path, "/dev/zero")
    assert result.returncode == 2, result.stderr
    [line] = result.stderr.strip().splitlines()
    assert "line 1 runs on for more than" in line
    assert "without a line end" in line
    assert list(tmp_path.iterdir()) == []


def test_an_input_larger_than_the_maximum_is_refused(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text("name\n" + "Al-Qaida\n" * 2000, encoding="utf-8")
    result = _screen(tmp_path, source, "--max-input-bytes", "5000")
    assert result.returncode == 2, result.stderr
    [line] = result.stderr.strip().splitlines()
    assert "larger than the maximum of 5000 bytes" in line
    assert sorted(path.name for path in tmp_path.iterdir()) == ["in.csv"]
    # Within the maximum, the same file is screened.
    assert _screen(tmp_path, source, "--max-input-bytes", "100000").returncode == 1


def test_the_maximum_input_size_is_checked(tmp_path: Path) -> None:
    from watchlist.batch.run import FileRun
    from watchlist.batch.schema import INPUT_COLUMNS

    source = tmp_path / "in.csv"
    source.write_text("name\nx\n", encoding="utf-8")
    with pytest.raises(InputError, match="max_input_bytes"):
        FileRun(source, tmp_path / "out.csv", output_columns=INPUT_COLUMNS, max_input_bytes=0)


# Item 10: an input without rows says so; NUL bytes are never copied into the output.


def test_a_header_only_input_says_nothing_was_screened(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text("id,name\n", encoding="utf-8")
    result = _screen(tmp_path, source)
    assert result.returncode == 0, result.stderr
    assert f"{source} has no rows after its header: nothing was screened" in result.stderr


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
def test_a_row_with_a_nul_byte_is_rejected_not_copied(tmp_path: Path, encoding: str) -> None:
    source = tmp_path / "in.csv"
    source.write_text("id,name\n1,Al-Qaida\n2,Al-\x00Qaida\n", encoding=encoding)
    result = _screen(tmp_path, source, "--per-row", "--id-column", "id")
    assert result.returncode == 1, result.stderr
    for written in tmp_path.glob("out*"):
        assert b"\x00" not in written.read_bytes(), written
    rejects = (tmp_path / "out.rejects.csv").read_text(encoding="utf-8")
    assert "undecodable bytes" in rejects
    assert "is a NUL byte" in rejects


def test_a_nul_byte_in_a_line_rejected_for_another_reason_is_not_copied(tmp_path: Path) -> None:
    # Undecodable bytes and an over-long line were rejected before the NUL check, their raw
    # text (and the id and name split from it for --per-row) copied on with the NUL in it.
    source = tmp_path / "in.csv"
    overlong = b"3,AB\x00" + b"x" * (1 << 20) + b"\n"
    source.write_bytes(b"id,name\n1,Al-Qaida\n2,Al-\x00\xffQaida\n" + overlong)
    result = _screen(tmp_path, source, "--per-row", "--id-column", "id", "--encoding", "utf-8")
    assert result.returncode == 1, result.stderr
    for written in tmp_path.glob("out*"):
        assert b"\x00" not in written.read_bytes(), written
    rejects = (tmp_path / "out.rejects.csv").read_text(encoding="utf-8")
    assert "Al-\\x00\\xffQaida" in rejects
    assert "3,AB\\x00xxx" in rejects


# Evasion (item 9): leetspeak and bidirectional overrides were missed; identifiers stay exact.


@pytest.mark.parametrize(
    "query",
    ["T4l1b4n", "7AL1BAN", "\u202enabilaT\u202c", "Tali\u200bban", "\u202eTaliban"],
    ids=["leet", "leet-upper", "rlo-reversed", "zero-width-space", "rlo-stored-order"],
)
def test_an_evasive_spelling_of_taliban_hits_in_the_us(screener: Screener, query: str) -> None:
    result = screener.screen(query, jurisdiction="US", as_of="2024-06-01")
    assert any(hit.matched_name.value.casefold() == "taliban" for hit in result.hits)


def test_a_listed_name_under_a_right_to_left_override_hits(screener: Screener) -> None:
    result = screener.screen("Al-\u202eadiaQ\u202c", jurisdiction="US", as_of="2024-06-01")
    assert {hit.entry_id for hit in result.hits} >= {"al-qaida"}


def test_identifiers_are_never_read_as_leetspeak() -> None:
    from watchlist import Identifier

    entry = Entry(
        id="x", kind="person", names=["Ivan Petrov"],
        identifiers=[Identifier("passport", "SO1234")],
    )  # fmt: skip
    for value in ("5O1234", "S01234"):
        party = Party(
            name="Ivan Petrov", kind="person", identifiers=[Identifier("passport", value)]
        )
        match = compare(party, entry)
        assert "passport numbers differ" in match.explanation
        assert match.score < compare("Ivan Petrov", entry).score
