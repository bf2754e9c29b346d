from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from watchlist.cli import main

TALIBAN = ["timeline", "Taliban", "-j", "RU,KZ,US,UN", "--from", "2000-01-01", "--to", "2026-11-28"]


def test_one_row_per_change(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(TALIBAN)
    out = capsys.readouterr().out.splitlines()
    assert code == 1
    assert out[0].startswith("'Taliban' in RU, KZ, US, UN from 2000-01-01 to 2026-11-28")
    rows = [line.split()[:4] for line in out[2:] if line[:4].isdigit()]
    assert rows == [
        ["2000-01-01", "RU", "(start)", "no"],
        ["2003-02-14", "RU", "designation", "hit"],
        ["2025-04-17", "RU", "suspension", "no"],
        ["2000-01-01", "KZ", "(start)", "no"],
        ["2005-03-15", "KZ", "designation", "hit"],
        ["2023-12-29", "KZ", "removal", "no"],
        ["2000-01-01", "US", "(start)", "hit"],
        ["2000-01-01", "UN", "(start)", "no"],
    ]
    text = "\n".join(out)
    assert "in force since 1999-07-04 (designation): Executive Order 13129" in text
    assert "sha256:" in text


def test_svg_is_written(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    picture = tmp_path / "taliban.svg"
    assert main([*TALIBAN, "--svg", str(picture)]) == 1
    root = ET.parse(picture).getroot()
    lanes = [g for g in root.iter("{http://www.w3.org/2000/svg}g") if g.get("class") == "lane"]
    assert len(lanes) == 4
    assert [p.name for p in tmp_path.iterdir()] == ["taliban.svg"]


def test_nothing_matched_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["timeline", "Ivan Petrov", "-j", "RU", "--to", "2026-11-28"]) == 0


def test_the_to_date_defaults_to_today(capsys: pytest.CaptureFixture[str]) -> None:
    main(["timeline", "Taliban", "-j", "US", "--to", "today", "--accept-stale"])
    first = capsys.readouterr().out.splitlines()[0]
    assert " to 20" in first


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["-j", "RU,XX"], "unknown jurisdiction 'XX'"),
        (["-j", "RU", "--from", "1990-01-01"], "applies no list on 1990-01-01"),
        (["-j", "RU", "--from", "2024-01-01", "--to", "2023-01-01"], "before it starts"),
    ],
)
def test_fails_closed_with_one_line(
    arguments: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["timeline", "Taliban", *arguments])
    err = capsys.readouterr().err
    assert code == 2
    assert message in err
    assert err.count("\n") == 1


def test_an_unwritable_svg_path_is_refused_before_any_work(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main([*TALIBAN, "--svg", str(tmp_path)])
    assert code == 2
    assert "is a directory" in capsys.readouterr().err
    code = main([*TALIBAN, "--svg", str(tmp_path / "missing" / "x.svg")])
    assert code == 2
