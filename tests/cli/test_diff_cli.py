"""``watchlist diff TARGET --from D1 --to D2``, run in-process."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from watchlist.cli import main
from watchlist.errors import IncompleteListWarning
from watchlist.lists.store import Store


@pytest.fixture(autouse=True)
def default_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test gets its own (absent) per-user default store."""
    store = tmp_path / "default-store"
    monkeypatch.setenv("WATCHLIST_STORE", str(store))
    return store


def test_kz_diff_shows_the_taliban_delisted(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["diff", "KZ", "--from", "2023-12-01", "--to", "2024-01-31"])
    out = capsys.readouterr().out
    assert code == 1
    assert out.splitlines()[:3] == [
        "KZ: 2023-12-01 -> 2024-01-31 (kz-terrorist-organisations, un-sc-excerpt)",
        "0 added, 1 removed, 0 changed",
        "- kz-terrorist-organisations / taliban: Движение «Талибан»",
    ]
    assert out.splitlines()[3].startswith("    delisted on 2023-12-29: Removal from the national")


def test_kz_diff_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    arguments = ["diff", "kz", "--from", "2023-12-01", "--to", "2024-01-31", "--format", "json"]
    assert main(arguments) == 1
    first = capsys.readouterr().out
    assert main(arguments) == 1
    assert capsys.readouterr().out == first
    document = json.loads(first)
    assert document["target"] == "KZ"
    assert document["summary"] == {"added": 0, "removed": 1, "changed": 0}
    assert document["removed"][0]["entry_id"] == "taliban"
    assert document["removed"][0]["ending"]["reason"] == "delisted"


def test_no_change_exits_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    output = tmp_path / "diff.json"
    code = main(["diff", "KZ", "--from", "2024-02-01", "--to", "2024-03-01", "--format", "json",
                 "-o", str(output)])  # fmt: skip
    assert code == 0
    assert capsys.readouterr().out == ""
    assert json.loads(output.read_text(encoding="utf-8"))["summary"] == {
        "added": 0, "removed": 0, "changed": 0
    }  # fmt: skip


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["diff", "XX", "--from", "2024-01-01", "--to", "2024-02-01"], "list 'XX'"),
        (["diff", "KZ", "--from", "2024-02-01", "--to", "2024-01-01"], "before the first"),
        (["diff", "KZ", "--from", "1990-01-01", "--to", "2024-01-01"], "applies no list on"),
        (
            ["diff", "kz-terrorist-organisations", "--from", "2000-01-01", "--to", "2024-01-01"],
            "does not cover 2000-01-01",
        ),
    ],
)
def test_errors_exit_2(
    arguments: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(arguments) == 2
    err = capsys.readouterr().err
    assert err.startswith("watchlist: error: ")
    assert message in err


def test_a_missing_date_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["diff", "KZ", "--from", "2023-12-01"])
    assert caught.value.code == 2
    assert "--to" in capsys.readouterr().err


@pytest.fixture(scope="module")
def sdn_store(tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> Path:
    store = Store(tmp_path_factory.mktemp("store"))
    for day in ("2022-11-23", "2022-11-30"):
        path = next((shared_data / "ofac_sdn" / "snapshots").glob(f"sdn_{day}_*.csv"))
        with pytest.warns(IncompleteListWarning):
            store.add("us-ofac-sdn", path, published=day)
    return store.path


@pytest.mark.shared_data
def test_a_list_in_the_store(sdn_store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["diff", "us-ofac-sdn", "--from", "2022-11-23", "--to", "2022-11-30",
                 "--store", str(sdn_store)])  # fmt: skip
    out = capsys.readouterr().out
    assert code == 1
    assert "+ us-ofac-sdn / 40096: DEROJI, Mufti Hazrat" in out
    assert "0 removed" in out


@pytest.mark.shared_data
def test_the_default_store_is_used(
    sdn_store: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("WATCHLIST_STORE", str(sdn_store))
    code = main(["diff", "us-ofac-sdn", "--from", "2022-11-23", "--to", "2022-11-30",
                 "--format", "json"])  # fmt: skip
    assert code == 1
    added = json.loads(capsys.readouterr().out)["added"]
    assert {"list_id": "us-ofac-sdn", "entry_id": "40096", "name": "DEROJI, Mufti Hazrat"} in added


@pytest.mark.shared_data
def test_a_stale_date_needs_accept_stale(
    sdn_store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    arguments = ["diff", "us-ofac-sdn", "--from", "2022-11-23", "--to", "2023-06-01",
                 "--store", str(sdn_store)]  # fmt: skip
    assert main(arguments) == 2
    assert "is stale for 2023-06-01" in capsys.readouterr().err
    assert main([*arguments, "--accept-stale"]) == 1
