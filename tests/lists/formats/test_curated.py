from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import LISTS
from watchlist import ListFormatError
from watchlist.lists.formats import curated

VALID = """\
[list]
id = "xx-test"
title = "Test list"
authority = "Test authority"
jurisdiction = "XX"
coverage = "excerpt"
coverage_start = 2000-01-01
published = 2026-11-28
max_age_days = 30

[[entries]]
id = "one"
kind = "organization"
names = ["Первая организация", { value = "First Organisation", strength = "weak" }]
sources = ["https://example.org/one"]
  [[entries.designations]]
  start = 2001-02-03
  basis = "Decision 1"
  source = "https://example.org/decision-1"
  end = 2005-01-01
  end_reason = "delisted"
  end_basis = "Decision 2"
  end_source = "https://example.org/decision-2"
"""


def write(tmp_path: Path, text: str | bytes) -> Path:
    path = tmp_path / "list.toml"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def test_a_valid_file(tmp_path: Path) -> None:
    version = curated.parse(write(tmp_path, VALID))
    assert version.info.id == "xx-test"
    assert version.info.coverage == "excerpt"
    assert version.published == dt.date(2026, 11, 28)
    (entry,) = version.entries
    assert [name.strength for name in entry.names] == ["primary", "weak"]
    assert entry.names[0].script == "Cyrl"
    (designation,) = entry.designations
    assert designation.end == dt.date(2005, 1, 1)
    assert designation.end_reason == "delisted"
    assert len(version.digest) == 64


@pytest.mark.parametrize(
    ("edit", "message", "line"),
    [
        (lambda t: t.replace('id = "xx-test"', 'id = "xx-test'), "not valid TOML", 2),
        (lambda t: t.replace('kind = "organization"\n', ""), "missing kind", 12),
        (lambda t: t.replace("end_reason =", "end_reson ="), "end_reson", 12),
        (lambda t: t.replace("start = 2001-02-03", 'start = "2001-2-3"'), "TOML date", 12),
        (lambda t: t.replace("end = 2005-01-01", "end = 2000-01-01"), "on or before", 12),
        (
            lambda t: t.replace('end_reason = "delisted"', 'end_reason = "forgotten"'),
            "forgotten",
            12,
        ),
        (lambda t: t.replace('kind = "organization"', 'kind = "planet"'), "unknown kind", 12),
        (lambda t: t.replace('  end_basis = "Decision 2"\n', ""), "needs end_reason", 12),
        (lambda t: t + t[t.index("[[entries]]") :], "duplicate entry id 'one'", 12),
        (lambda t: t.replace("max_age_days = 30", "max_age_days = -1"), "bad [list]", 2),
    ],
)
def test_malformed_files_name_their_path_and_line(
    tmp_path: Path, edit: Callable[[str], str], message: str, line: int
) -> None:
    path = write(tmp_path, edit(VALID))
    with pytest.raises(ListFormatError) as caught:
        curated.parse(path)
    assert message in str(caught.value)
    assert caught.value.path == path
    assert caught.value.line == line
    assert str(path) in str(caught.value)


def test_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ListFormatError, match="cannot read"):
        curated.parse(tmp_path / "absent.toml")


def test_a_file_that_is_not_utf8(tmp_path: Path) -> None:
    path = write(
        tmp_path, VALID.encode("utf-8").replace("Первая".encode(), "Первая".encode("cp1251"))
    )
    with pytest.raises(ListFormatError, match="not UTF-8") as caught:
        curated.parse(path)
    assert caught.value.line == 14


def test_a_list_without_entries(tmp_path: Path) -> None:
    path = write(tmp_path, VALID[: VALID.index("[[entries]]")])
    with pytest.raises(ListFormatError, match="at least one"):
        curated.parse(path)


SHIPPED_LISTS = sorted(path for path in LISTS.glob("*.toml") if path.name != "jurisdictions.toml")


@pytest.mark.parametrize("path", SHIPPED_LISTS, ids=lambda path: path.name)
def test_every_shipped_list_parses_and_cites_its_sources(path: Path) -> None:
    version = curated.parse(path)
    assert version.entries
    for entry in version.entries:
        assert entry.sources, entry.id
        for designation in entry.designations:
            assert designation.source, entry.id
            assert designation.basis, entry.id
            if designation.end is not None:
                assert designation.end_basis, entry.id
                assert designation.end_source, entry.id


SECOND = """
[[entries]]
id = "two"
kind = "organization"
names = ["Вторая организация"]
sources = ["https://example.org/two"]
  [[entries.designations]]
  start = 2002-03-04
  basis = "Decision 3"
  source = "https://example.org/decision-3"
"""


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda t: t.replace('  basis = "Decision 3"\n', ""), "designation is missing basis"),
        (lambda t: t.replace('basis = "Decision 3"', 'basis = ""'), "basis must be a non-empty"),
        (lambda t: t.replace('basis = "Decision 3"', 'basis = "  "'), "basis must be a non-empty"),
        (lambda t: t.replace('basis = "Decision 3"', "basis = 3"), "basis must be a non-empty"),
        (lambda t: t.replace('sources = ["https://example.org/two"]\n', ""), "missing sources"),
        (lambda t: t.replace('["https://example.org/two"]', "[]"), "sources must be"),
        (lambda t: t.replace('["https://example.org/two"]', '[""]'), "sources must be"),
        (lambda t: t.replace('["https://example.org/two"]', '"x"'), "sources must be"),
        (lambda t: t.replace("  start = 2002-03-04\n", ""), "designation is missing start"),
        (
            lambda t: t.replace('source = "https://example.org/decision-3"', 'source = ""'),
            "source must be a non-empty",
        ),
        (
            lambda t: t.replace(
                'source = "https://example.org/decision-3"',
                'source = "s"\n  end = 2003-01-01\n  end_reason = "delisted"\n'
                '  end_basis = ""\n  end_source = "s"',
            ),
            "end_basis must be a non-empty",
        ),
    ],
    ids=[
        "no-basis",
        "empty-basis",
        "blank-basis",
        "basis-not-text",
        "no-sources",
        "empty-sources",
        "blank-source-item",
        "sources-not-a-list",
        "no-decision-date",
        "empty-designation-source",
        "empty-end-basis",
    ],
)
def test_an_entry_without_its_citations_fails_naming_file_and_entry(
    tmp_path: Path, edit: Callable[[str], str], message: str
) -> None:
    """Issue 20: a curated entry missing its basis, sources or decision date is not loaded."""
    text = VALID + SECOND
    assert curated.parse(write(tmp_path, text)).entries[1].id == "two"
    path = write(tmp_path, edit(text))
    with pytest.raises(ListFormatError) as caught:
        curated.parse(path)
    assert message in str(caught.value)
    assert caught.value.path == path
    assert caught.value.record == "two"
    assert str(path) in str(caught.value)
    assert "(record two)" in str(caught.value)
    assert caught.value.line == edit(text).splitlines().index('id = "two"') + 1
