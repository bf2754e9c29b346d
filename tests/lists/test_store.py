"""The version store: content addressing, atomic writes, the compiled cache, the Screener."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import PROJECT_ROOT
from watchlist import Screener
from watchlist.errors import IncompleteListWarning, ListFormatError, ListNotFoundError
from watchlist.lists import registry
from watchlist.lists.store import Store, default_store_path
from watchlist.model import ListVersion

SNAPSHOTS = ("ofac_sdn", "snapshots")


def _tree(root: Path) -> list[str]:
    return sorted(str(path.relative_to(root)) for path in root.rglob("*"))


def _snapshot(shared_data: Path, day: str) -> Path:
    return next((shared_data.joinpath(*SNAPSHOTS)).glob(f"sdn_{day}_*.csv"))


def _add_snapshot(store: Store, shared_data: Path, day: str) -> ListVersion:
    with pytest.warns(IncompleteListWarning):
        return store.add("us-ofac-sdn", _snapshot(shared_data, day), published=day)


@pytest.fixture(scope="module")
def sdn_store(tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> Store:
    """A store holding the SDN as published 2022-11-23 and 2022-11-30 (lone sdn.csv files)."""
    store = Store(tmp_path_factory.mktemp("store"))
    for day in ("2022-11-23", "2022-11-30"):
        _add_snapshot(store, shared_data, day)
    return store


@pytest.mark.shared_data
def test_a_version_is_stored_by_its_digest_with_its_metadata(
    tmp_path: Path, shared_data: Path
) -> None:
    source = _snapshot(shared_data, "2022-11-23")
    store = Store(tmp_path / "store")
    version = _add_snapshot(store, shared_data, "2022-11-23")
    digest = hashlib.sha256(source.read_bytes()).hexdigest()
    assert version.digest == digest
    assert version.published == dt.date(2022, 11, 23)
    version_dir = tmp_path / "store" / "us-ofac-sdn" / digest
    assert (version_dir / "files" / "sdn.csv").read_bytes() == source.read_bytes()
    assert version.location == str(version_dir / "files" / "sdn.csv")
    metadata = json.loads((version_dir / "version.json").read_text())
    assert metadata["list_id"] == "us-ofac-sdn"
    assert metadata["published"] == "2022-11-23"
    assert metadata["digest"] == digest
    assert metadata["format"] == "ofac-csv"
    assert metadata["files"] == [{"name": "sdn.csv", "original": source.name, "sha256": digest}]
    assert metadata["entries"] == 11118
    assert dt.datetime.fromisoformat(metadata["added_at"]).tzinfo is not None
    [stored] = store.versions("us-ofac-sdn")
    assert (stored.digest, stored.published, stored.main_file) == (
        digest,
        dt.date(2022, 11, 23),
        version_dir / "files" / "sdn.csv",
    )


@pytest.mark.shared_data
def test_adding_the_same_file_twice_changes_nothing(tmp_path: Path, shared_data: Path) -> None:
    store = Store(tmp_path)
    first = _add_snapshot(store, shared_data, "2022-11-23")
    tree = _tree(tmp_path)
    metadata = next(tmp_path.rglob("version.json")).read_bytes()
    again = store.add("us-ofac-sdn", _snapshot(shared_data, "2022-11-23"), published="2022-12-01")
    assert again == first
    assert again.published == dt.date(2022, 11, 23)
    assert _tree(tmp_path) == tree
    assert next(tmp_path.rglob("version.json")).read_bytes() == metadata


@pytest.mark.shared_data
def test_an_ofac_set_is_stored_whole(tmp_path: Path, shared_data: Path) -> None:
    store = Store(tmp_path)
    main = shared_data / "ofac_sdn" / "2021-07" / "sdn.csv"
    version = store.add("us-ofac-sdn", main, published=dt.date(2021, 7, 7))
    [stored] = store.versions("us-ofac-sdn")
    assert [file.name for file in stored.files] == [
        "sdn.csv", "alt.csv", "add.csv", "sdn_comments.csv"
    ]  # fmt: skip
    for file in stored.files:
        assert (stored.path / "files" / file.name).read_bytes() == (
            main.with_name(file.original).read_bytes()
        )
    # The store's address is the digest the reader gives the set, as results report it.
    assert stored.digest == version.digest
    assert stored.path.name == version.digest
    assert len(version.entries) == 8976


@pytest.mark.shared_data
def test_a_file_of_the_wrong_format_writes_nothing(tmp_path: Path, shared_data: Path) -> None:
    store = Store(tmp_path / "store")
    with pytest.raises(ListFormatError, match="not a format of us-ofac-sdn"):
        store.add("us-ofac-sdn", shared_data / "un_sc" / "consolidated_2015-03-13.xml")
    assert not (tmp_path / "store").exists()
    assert store.lists() == []


@pytest.mark.shared_data
def test_an_interrupted_write_leaves_no_half_written_version(
    tmp_path: Path, shared_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import watchlist.lists.store

    copies: list[str] = []
    real_copy = watchlist.lists.store._copy

    def copy_then_fail(source: Path, target: Path) -> None:
        real_copy(source, target)
        copies.append(target.name)
        if len(copies) == 2:
            msg = "disk full"
            raise OSError(msg)

    monkeypatch.setattr(watchlist.lists.store, "_copy", copy_then_fail)
    store = Store(tmp_path)
    main = shared_data / "ofac_sdn" / "2021-07" / "sdn.csv"
    with pytest.raises(OSError, match="disk full"):
        store.add("us-ofac-sdn", main, published="2021-07-07")
    assert copies == ["sdn.csv", "alt.csv"]
    assert store.versions("us-ofac-sdn") == []
    assert store.lists() == []
    # No temporary directory and no partial copy is left behind.
    assert [path for path in tmp_path.rglob("*") if path.is_file() and path.name != ".lock"] == []
    monkeypatch.setattr(watchlist.lists.store, "_copy", real_copy)
    version = store.add("us-ofac-sdn", main, published="2021-07-07")
    assert [stored.digest for stored in store.versions("us-ofac-sdn")] == [version.digest]


@pytest.mark.shared_data
def test_a_failure_writing_the_metadata_leaves_no_version(
    tmp_path: Path, shared_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import watchlist.lists.store

    def fail(_path: Path, _text: str) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(watchlist.lists.store, "_write_text", fail)
    with pytest.raises(KeyboardInterrupt):
        Store(tmp_path).add(
            "un-sc-consolidated", shared_data / "un_sc" / "consolidated_2015-03-13.xml"
        )
    assert [path for path in tmp_path.rglob("*") if path.is_file() and path.name != ".lock"] == []


@pytest.mark.shared_data
def test_versions_lists_and_load(sdn_store: Store) -> None:
    assert sdn_store.lists() == ["us-ofac-sdn"]
    stored = sdn_store.versions("us-ofac-sdn")
    assert [each.published for each in stored] == [dt.date(2022, 11, 23), dt.date(2022, 11, 30)]
    loaded = sdn_store.load("us-ofac-sdn")
    assert [version.published for version in loaded] == [each.published for each in stored]
    assert [version.digest for version in loaded] == [each.digest for each in stored]
    assert [len(version.entries) for version in loaded] == [11118, 11122]
    with pytest.raises(ListNotFoundError, match="eu-fsf"):
        sdn_store.load("eu-fsf")
    assert sdn_store.versions("eu-fsf") == []


def _counting_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:

    calls: list[str] = []
    real_read: Callable[..., ListVersion] = registry.read

    def counting(list_id: str, path: Path, **options: Any) -> ListVersion:
        calls.append(list_id)
        return real_read(list_id, path, **options)

    monkeypatch.setattr(registry, "read", counting)
    return calls


@pytest.mark.shared_data
def test_a_reload_comes_from_the_compiled_cache(
    tmp_path: Path, shared_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = shared_data / "un_sc" / "consolidated_2015-03-16.xml"
    store = Store(tmp_path)
    added = store.add("un-sc-consolidated", path)
    calls = _counting_reads(monkeypatch)
    assert Store(tmp_path).load("un-sc-consolidated") == [added]
    assert calls == []
    assert len(list(tmp_path.rglob("compiled-*.json"))) == 1


@pytest.mark.shared_data
@pytest.mark.parametrize(
    "damage",
    [
        lambda data: b"not a cache at all",
        lambda data: data[: len(data) // 2],
        lambda data: b"",
        lambda data: data.replace(b"un-sc-consolidated", b"un-sc-consolidatex"),
    ],
    ids=["garbage", "truncated", "empty", "another-list"],
)
def test_a_corrupt_cache_is_a_miss_never_data(
    tmp_path: Path,
    shared_data: Path,
    monkeypatch: pytest.MonkeyPatch,
    damage: Callable[[bytes], bytes],
) -> None:
    store = Store(tmp_path)
    added = store.add("un-sc-consolidated", shared_data / "un_sc" / "consolidated_2015-03-16.xml")
    [cache] = tmp_path.rglob("compiled-*.json")
    cache.write_bytes(damage(cache.read_bytes()))
    calls = _counting_reads(monkeypatch)
    assert store.load("un-sc-consolidated") == [added]
    assert calls == ["un-sc-consolidated"]
    # The cache was rewritten, so the next load is cached again.
    assert store.load("un-sc-consolidated") == [added]
    assert calls == ["un-sc-consolidated"]


def test_the_default_store_is_per_user(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("WATCHLIST_STORE", str(tmp_path / "mine"))
    assert default_store_path() == tmp_path / "mine"
    assert Store.default().path == tmp_path / "mine"
    monkeypatch.delenv("WATCHLIST_STORE")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert default_store_path() == tmp_path / "data" / "watchlist" / "store"
    monkeypatch.delenv("XDG_DATA_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_store_path() == tmp_path / "home" / ".local" / "share" / "watchlist" / "store"


def test_an_absent_store_is_empty(tmp_path: Path) -> None:
    store = Store(tmp_path / "nowhere")
    assert store.lists() == []
    assert store.load_all() == []
    assert not (tmp_path / "nowhere").exists()


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
def test_a_screener_over_the_store_and_a_banks_jurisdictions(
    sdn_store: Store, tmp_path: Path
) -> None:
    jurisdictions = tmp_path / "bank.toml"
    jurisdictions.write_text(BANK_JURISDICTIONS, encoding="utf-8")
    screener = Screener.from_directory(
        PROJECT_ROOT / "lists",
        store=sdn_store.path,
        jurisdictions=jurisdictions,
    )
    assert set(screener.jurisdictions) == {"BANK"}
    assert "kz-terrorist-organisations" in screener.timelines
    before = screener.screen("DEROJI, Mufti Hazrat", jurisdiction="BANK", as_of="2022-11-29")
    after = screener.screen("DEROJI, Mufti Hazrat", jurisdiction="BANK", as_of="2022-11-30")
    assert "40096" not in [hit.entry_id for hit in before.hits]
    assert "40096" in [hit.entry_id for hit in after.hits]
    [used] = after.lists_used
    newest = sdn_store.versions("us-ofac-sdn")[-1]
    assert (used.list_id, used.published, used.digest) == (
        "us-ofac-sdn",
        dt.date(2022, 11, 30),
        newest.digest,
    )
    [used_before] = before.lists_used
    assert used_before.published == dt.date(2022, 11, 23)


def test_the_default_screener_uses_no_store(
    sdn_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WATCHLIST_STORE", str(sdn_store.path))
    screener = Screener.default()
    assert "us-ofac-sdn" not in screener.timelines


@pytest.mark.shared_data
def test_several_versions_are_cached_as_one_history(
    tmp_path: Path, shared_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:

    store = Store(tmp_path)
    for day in ("2015-03-13", "2015-03-16"):
        store.add("un-sc-consolidated", shared_data / "un_sc" / f"consolidated_{day}.xml")
    calls: list[int] = []
    real = registry.read_versions

    def counting(list_id: str, files: Any, **options: Any) -> Any:
        calls.append(len(files))
        return real(list_id, files, **options)

    monkeypatch.setattr(registry, "read_versions", counting)
    first = store.load("un-sc-consolidated")
    assert calls == [2]
    [history] = tmp_path.glob("un-sc-consolidated/history-*.json")
    assert Store(tmp_path).load("un-sc-consolidated") == first
    assert calls == [2]
    history.write_bytes(b"\x80\x05garbage")
    assert store.load("un-sc-consolidated") == first
    assert calls == [2, 2]
    # A third version makes a new history and removes the old one.
    store.add("un-sc-consolidated", shared_data / "un_sc" / "consolidated_2015-03-27.xml")
    assert [version.published for version in store.load("un-sc-consolidated")] == [
        dt.date(2015, 3, 13), dt.date(2015, 3, 16), dt.date(2015, 3, 27)
    ]  # fmt: skip
    # Adding reads the new file; loading reads the three as a new history.
    assert calls == [2, 2, 1, 3]
    assert len(list(tmp_path.glob("un-sc-consolidated/history-*.json"))) == 1
    # Only a lone version has a cache of its own; a history replaces it.
    assert list(tmp_path.rglob("compiled-*.json")) == []


@pytest.mark.shared_data
def test_a_day_has_one_version_of_a_list(tmp_path: Path, shared_data: Path) -> None:
    store = Store(tmp_path)
    _add_snapshot(store, shared_data, "2022-11-23")
    with (
        pytest.warns(IncompleteListWarning),
        pytest.raises(
            ListFormatError, match="a different version of us-ofac-sdn published 2022-11-23"
        ),
    ):
        store.add("us-ofac-sdn", _snapshot(shared_data, "2022-11-30"), published="2022-11-23")
    assert len(store.versions("us-ofac-sdn")) == 1


@pytest.mark.shared_data
@pytest.mark.filterwarnings("ignore::watchlist.errors.IncompleteListWarning")
def test_add_many_records_a_history(tmp_path: Path, shared_data: Path) -> None:
    store = Store(tmp_path)
    days = ("2021-08-18", "2022-11-23", "2022-11-30")
    files = [(_snapshot(shared_data, day), day) for day in days]
    versions = store.add_many("us-ofac-sdn", [*files, files[0]])
    assert [version.published.isoformat() for version in versions] == [*days, days[0]]
    assert versions[3] == versions[0]
    stored = store.versions("us-ofac-sdn")
    assert [each.published.isoformat() for each in stored] == list(days)
    assert [each.digest for each in stored] == [version.digest for version in versions[:3]]
    # Unchanged records are one object across the versions, in the store's history too.
    loaded = Store(tmp_path).load("us-ofac-sdn")
    assert loaded == versions[:3]
    first = {entry.id: entry for entry in loaded[1].entries}
    assert sum(entry is first.get(entry.id) for entry in loaded[2].entries) > 11000
    assert store.add_many("us-ofac-sdn", files) == versions[:3]
