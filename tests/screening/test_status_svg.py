"""The status picture: well-formed SVG, one lane per jurisdiction, each change labelled."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

from watchlist import Screener
from watchlist.screening.status_svg import SVG_NAMESPACE, render_svg

NS = {"svg": SVG_NAMESPACE}
FIRST, LAST = dt.date(2000, 1, 1), dt.date(2026, 11, 28)


def _picture(screener: Screener, query: str, codes: list[str]) -> ET.Element:
    timeline = screener.timeline(query, jurisdictions=codes, start=FIRST, end=LAST)
    text = render_svg(timeline)
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    root = ET.fromstring(text.encode("utf-8"))  # well-formed, or this raises
    assert root.tag == f"{{{SVG_NAMESPACE}}}svg"
    return root


def _lanes(root: ET.Element) -> list[ET.Element]:
    return [g for g in root.iterfind(".//svg:g", NS) if g.get("class") == "lane"]


def _text(element: ET.Element) -> str:
    return " ".join("".join(t.itertext()) for t in element.iterfind(".//svg:text", NS))


def test_one_lane_per_jurisdiction_in_the_order_asked(screener: Screener) -> None:
    root = _picture(screener, "Taliban", ["RU", "KZ", "US", "UN"])
    lanes = _lanes(root)
    assert [lane.get("data-jurisdiction") for lane in lanes] == ["RU", "KZ", "US", "UN"]
    bars = {
        lane.get("data-jurisdiction"): [
            r for r in lane.iterfind(".//svg:rect", NS) if r.get("class") == "period"
        ]
        for lane in lanes
    }
    assert {code: len(found) for code, found in bars.items()} == {
        "RU": 1,
        "KZ": 1,
        "US": 1,
        "UN": 0,
    }
    # The RU bar ends where the ban was suspended, before the KZ bar's start is to its right.
    ru, kz = float(bars["RU"][0].get("x", "")), float(bars["KZ"][0].get("x", ""))
    assert ru < kz


def test_each_change_is_marked_and_labelled_with_its_basis(screener: Screener) -> None:
    lanes = {
        lane.get("data-jurisdiction"): lane
        for lane in _lanes(_picture(screener, "Талибан", ["RU", "KZ", "US", "UN"]))
    }
    ru = _text(lanes["RU"])
    assert "2003-02-14 designation: Supreme Court of the Russian Federation" in ru
    assert "2025-04-17 suspension: Supreme Court of the Russian Federation, ruling" in ru
    kz = _text(lanes["KZ"])
    assert "2023-12-29 removal: Removal from the national list" in kz
    us = _text(lanes["US"])
    assert "since 1999-07-04 (designation): Executive Order 13129" in us
    assert "no hit from 2000-01-01 to 2026-11-28" in _text(lanes["UN"])
    marks = [
        line.get("data-event", "")
        for lane in lanes.values()
        for line in lane.iterfind(".//svg:line", NS)
        if line.get("class") == "change"
    ]
    assert sorted(marks) == ["designation", "designation", "designation", "removal", "suspension"]


def test_names_and_bases_in_any_script_are_escaped() -> None:
    screener = Screener.default()
    root = _picture(screener, '<Taliban & "co">', ["RU"])
    assert '<Taliban & "co">' in "".join(root.itertext())


def test_the_readme_shows_the_committed_taliban_picture() -> None:
    from tests.conftest import PROJECT_ROOT

    picture = PROJECT_ROOT / "docs" / "taliban-timeline.svg"
    assert "](docs/taliban-timeline.svg)" in (PROJECT_ROOT / "README.md").read_text("utf-8")
    lanes = _lanes(ET.parse(picture).getroot())
    assert [lane.get("data-jurisdiction") for lane in lanes] == ["RU", "KZ", "US", "UN"]
