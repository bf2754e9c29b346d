"""``watchlist lists`` and ``watchlist lists add``, run in-process."""

from __future__ import annotations

from pathlib import Path

import pytest

from watchlist.cli import main
from watchlist.errors import IncompleteListWarning


@pytest.fixture(autouse=True)
def default_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test gets its own per-user default store, so no real one is read or written."""
    store = tmp_path / "default-store"
    monkeypatch.setenv("WATCHLIST_STORE", str(store))
    return store


def _snapshot(shared_data: Path, day: str) -> str:
    return str(next((shared_data / "ofac_sdn" / "snapshots").glob(f"sdn_{day}_*.csv")))


@pytest.mark.shared_data
def test_add_records_a_version_once(
    tmp_path: Path, shared_data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = tmp_path / "store"
    arguments = ["lists", "add", "us-ofac-sdn", _snapshot(shared_data, "2022-11-23"),
                 "--published", "2022-11-23", "--store", str(store)]  # fmt: skip
    with pytest.warns(IncompleteListWarning):
        assert main(arguments) == 0
    out = capsys.readouterr().out
    assert out.startswith("added: us-ofac-sdn published 2022-11-23, 11118 entries, sha256:")
    assert main(arguments) == 0
    assert capsys.readouterr().out.startswith("already stored: us-ofac-sdn published 2022-11-23,")
    assert main([*arguments[:5], "2022-12-01", *arguments[6:]]) == 0
    assert capsys.readouterr().out.startswith(
        "already stored: us-ofac-sdn published 2022-11-23 (the date first recorded for this "
        "content is kept)"
    )
    assert len(list(store.glob("us-ofac-sdn/*/version.json"))) == 1


@pytest.mark.shared_data
def test_add_uses_the_default_store(
    shared_data: Path, default_store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = shared_data / "un_sc" / "consolidated_2015-03-13.xml"
    assert main(["lists", "add", "un-sc-consolidated", str(path)]) == 0
    assert "published 2015-03-13" in capsys.readouterr().out
    assert len(list(default_store.glob("un-sc-consolidated/*/files/*.xml"))) == 1


@pytest.mark.shared_data
def test_a_file_of_the_wrong_format_is_refused(
    tmp_path: Path, shared_data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = shared_data / "un_sc" / "consolidated_2015-03-13.xml"
    code = main(["lists", "add", "us-ofac-sdn", str(path), "--published", "2015-03-13",
                 "--store", str(tmp_path / "store")])  # fmt: skip
    captured = capsys.readouterr()
    assert code == 2
    assert captured.out == ""
    assert captured.err.startswith("watchlist: error: ")
    assert "UN Security Council consolidated XML, not a format of us-ofac-sdn" in captured.err
    assert captured.err.count("\n") == 1
    assert not (tmp_path / "store").exists()


@pytest.mark.shared_data
def test_the_ofac_csv_needs_published(
    tmp_path: Path, shared_data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["lists", "add", "us-ofac-sdn", _snapshot(shared_data, "2022-11-23"),
                 "--store", str(tmp_path)])  # fmt: skip
    assert code == 2
    assert "states no publication date: give one (--published DATE)" in capsys.readouterr().err


def test_a_curated_list_can_be_stored(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    file = Path(__file__).resolve().parents[2] / "lists" / "kz-terrorist-organisations.toml"
    code = main(["lists", "add", "kz-terrorist-organisations", str(file), "--store", str(tmp_path)])
    assert code == 0
    assert "added: kz-terrorist-organisations published 2026-12-07" in capsys.readouterr().out


@pytest.mark.shared_data
def test_an_unknown_list_id_or_file_is_refused(
    tmp_path: Path, shared_data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = shared_data / "un_sc" / "consolidated_2015-03-13.xml"
    assert main(["lists", "add", "un-sc", str(path), "--store", str(tmp_path)]) == 2
    assert "unknown list id 'un-sc'; official list ids: us-ofac-sdn" in capsys.readouterr().err
    other = tmp_path / "note.txt"
    other.write_text("hello\n")
    assert main(["lists", "add", "us-ofac-sdn", str(other), "--store", str(tmp_path)]) == 2
    assert "not a list file watchlist can read" in capsys.readouterr().err


def test_a_bad_published_date_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["lists", "add", "us-ofac-sdn", "sdn.csv", "--published", "2022-13-45"])
    assert caught.value.code == 2
    assert "--published" in capsys.readouterr().err


def test_lists_shows_the_curated_lists(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lists", "--as-of", "2026-12-28"]) == 0
    out = capsys.readouterr().out
    assert "kz-terrorist-organisations: List of organisations recognised as terrorist" in out
    assert "coverage excerpt (excerpt: results say so) from 2004-10-15" in out
    assert "1 version(s), newest 2026-11-28, age 30 days" in out
    assert "applied by: KZ, RU, UN" in out
    assert main(["lists", "--as-of", "2026-01-01"]) == 0
    assert "newest 2026-11-28, published after 2026-01-01" in capsys.readouterr().out


@pytest.mark.shared_data
def test_lists_shows_the_store_with_versions_and_age(
    tmp_path: Path, shared_data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = tmp_path / "store"
    for day in ("2022-11-23", "2022-11-30"):
        with pytest.warns(IncompleteListWarning):
            main(["lists", "add", "us-ofac-sdn", _snapshot(shared_data, day),
                  "--published", day, "--store", str(store)])  # fmt: skip
    capsys.readouterr()
    assert main(["lists", "--store", str(store), "--as-of", "2022-12-05"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    start = lines.index(
        f"us-ofac-sdn: Specially Designated Nationals and Blocked Persons List [store, {store}]"
    )
    assert lines[start + 1] == (
        "  coverage complete from 2022-11-23; 2 version(s), newest 2022-11-30, age 5 days"
    )
    assert lines[start + 2] == "  applied by: (no jurisdiction)"
    assert lines[start + 3].startswith("    2022-11-23  sha256:")
    assert lines[start + 3].endswith("sdn.csv (from sdn_2022-11-23_1846.csv); 11118 entries")
    assert lines[start + 4].startswith("    2022-11-30  sha256:")
    assert main(["lists", "--store", str(store), "--as-of", "2023-01-01"]) == 0
    assert "age 32 days, STALE (usable 14 days)" in capsys.readouterr().out


BANK_JURISDICTIONS = """
[jurisdictions.BANK]
name = "A bank applying the OFAC SDN list"

  [[jurisdictions.BANK.lists]]
  list = "us-ofac-sdn"
  start = 2022-11-23
  basis = "The bank's sanctions policy"
  source = "https://example.com/policy"
"""


@pytest.mark.shared_data
@pytest.mark.filterwarnings("ignore::watchlist.errors.IncompleteListWarning")
def test_check_screens_against_the_store_and_a_banks_jurisdictions(
    tmp_path: Path, shared_data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = tmp_path / "store"
    for day in ("2022-11-23", "2022-11-30"):
        main(["lists", "add", "us-ofac-sdn", _snapshot(shared_data, day),
              "--published", day, "--store", str(store)])  # fmt: skip
    jurisdictions = tmp_path / "bank.toml"
    jurisdictions.write_text(BANK_JURISDICTIONS, encoding="utf-8")
    capsys.readouterr()
    options = ["-j", "BANK", "--store", str(store), "--jurisdictions", str(jurisdictions)]
    assert main(["check", "DEROJI, Mufti Hazrat", "--as-of", "2022-11-30", *options]) == 1
    out = capsys.readouterr().out
    assert "us-ofac-sdn / 40096: DEROJI, Mufti Hazrat" in out
    assert "us-ofac-sdn (complete) published 2022-11-30 sha256:" in out
    assert main(["check", "DEROJI, Mufti Hazrat", "--as-of", "2022-11-29", *options]) == 0
    assert "us-ofac-sdn (complete) published 2022-11-23" in capsys.readouterr().out
