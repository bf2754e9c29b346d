from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tests.conftest import LISTS
from watchlist import ListFormatError, ListNotFoundError, Screener
from watchlist.lists.jurisdictions import load_jurisdictions


def test_the_shipped_jurisdictions() -> None:
    jurisdictions = load_jurisdictions(LISTS / "jurisdictions.toml")
    assert {"RU", "KZ", "US", "UN"} <= set(jurisdictions)
    on = dt.date(2024, 6, 1)
    assert {a.list_id for a in jurisdictions["RU"].lists_on(on)} == {
        "ru-fsb-terrorist-organisations",
        "un-sc-excerpt",
    }
    assert {a.list_id for a in jurisdictions["KZ"].lists_on(on)} == {
        "kz-terrorist-organisations",
        "un-sc-excerpt",
    }
    assert {a.list_id for a in jurisdictions["US"].lists_on(on)} == {
        "us-state-fto",
        "us-ofac-sdn-excerpt",
    }
    assert {a.list_id for a in jurisdictions["UN"].lists_on(on)} == {"un-sc-excerpt"}
    for jurisdiction in jurisdictions.values():
        for applied in jurisdiction.lists:
            assert applied.basis
            assert applied.source


def test_a_jurisdiction_naming_a_list_that_is_not_loaded(tmp_path: Path) -> None:
    for path in LISTS.glob("*.toml"):
        (tmp_path / path.name).write_bytes(path.read_bytes())
    (tmp_path / "kz-terrorist-organisations.toml").unlink()
    with pytest.raises(ListNotFoundError) as caught:
        Screener.from_directory(tmp_path)
    assert caught.value.list_id == "kz-terrorist-organisations"
    assert caught.value.needed_by == "KZ"


def test_a_bad_jurisdictions_file_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "jurisdictions.toml"
    path.write_text(
        '[jurisdictions.XX]\nname = "X"\n\n[jurisdictions.YY]\nname = "Y"\n'
        '  [[jurisdictions.YY.lists]]\n  list = "a"\n  start = 2001-01-01\n',
        encoding="utf-8",
    )
    with pytest.raises(ListFormatError) as caught:
        load_jurisdictions(path)
    assert caught.value.line == 1
    assert "applies no list" in str(caught.value)
    path.write_text(
        path.read_text().replace(
            'name = "X"\n',
            'name = "X"\n  [[jurisdictions.XX.lists]]\n  list = "b"\n'
            '  start = 2001-01-01\n  basis = "b"\n  source = "s"\n',
        )
    )
    with pytest.raises(ListFormatError, match="missing key 'basis'") as caught:
        load_jurisdictions(path)
    assert caught.value.line == 9
