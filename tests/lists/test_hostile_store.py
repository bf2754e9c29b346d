"""A version store someone else has written to (issue 17, items 1 and 2).

Whoever can write the store decides what is screened against. watchlist 0.1 cached each
version as a pickle, so writing the cache ran code in every screener loading it; and a stored
list file edited after ``lists add`` was used silently, its digest never checked again.
"""

from __future__ import annotations

import datetime as dt
import os
import pickle
import stat
from pathlib import Path

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.strategies import entries
from watchlist import StoreError, StoreIntegrityError
from watchlist.dates import DateRange, PartialDate
from watchlist.lists import _cachefile
from watchlist.lists.store import Store
from watchlist.model import Coverage, Entry, Identifier, ListInfo, ListVersion, Rejection

UN_LIST = "un-sc-consolidated"
UN_FILE = ("un_sc", "consolidated_2015-03-16.xml")
UN_OTHER_DAYS = ("2015-03-13", "2015-03-27")


def _un_file(shared_data: Path, day: str | None = None) -> Path:
    if day is None:
        return shared_data.joinpath(*UN_FILE)
    return shared_data / "un_sc" / f"consolidated_{day}.xml"


class _Payload:
    """A pickle that, when loaded, creates the file ``marker``: code run by the loader."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, ...]:
        return (Path.touch, (self.marker,))


def _caches(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.name.startswith(("compiled-", "history-"))]


@pytest.mark.shared_data
@pytest.mark.parametrize("versions", [1, 2], ids=["lone-version", "history"])
def test_a_cache_replaced_by_a_pickle_runs_no_code(
    tmp_path: Path, shared_data: Path, versions: int
) -> None:
    root = tmp_path / "store"
    store = Store(root)
    store.add(UN_LIST, _un_file(shared_data))
    if versions == 2:
        store.add(UN_LIST, _un_file(shared_data, UN_OTHER_DAYS[0]))
    expected = store.load(UN_LIST)
    marker = tmp_path / "code-ran"
    payload = pickle.dumps(_Payload(marker))
    caches = _caches(root)
    assert caches
    for cache in caches:
        cache.write_bytes(payload)
    # Also under the names watchlist 0.1 gave its pickles.
    list_dir = root / UN_LIST
    key = caches[0].name.split("-", 1)[1].rsplit(".", 1)[0]
    for version_dir in list_dir.iterdir():
        if version_dir.is_dir():
            (version_dir / f"compiled-{key}.pickle").write_bytes(payload)
    (list_dir / f"history-{key}.pickle").write_bytes(payload)
    assert Store(root).load(UN_LIST) == expected
    assert not marker.exists()


@pytest.mark.shared_data
def test_the_cache_is_json(tmp_path: Path, shared_data: Path) -> None:
    store = Store(tmp_path)
    added = store.add(UN_LIST, _un_file(shared_data))
    [cache] = _caches(tmp_path)
    assert cache.suffix == ".json"
    versions, _stamps = _cachefile.decode(cache.read_bytes())
    assert versions == [added]


@settings(max_examples=40, deadline=None)
@given(st.lists(entries(), min_size=0, max_size=4), st.booleans())
def test_the_cache_holds_what_it_was_given(found: list[Entry], shared: bool) -> None:
    listed = [
        _with_id(entry, f"e{k}")  # distinct ids, as a list has
        for k, entry in enumerate(found)
    ]
    info = ListInfo(
        id="x",
        title="X",
        authority="A",
        jurisdiction="XX",
        coverage=Coverage.EXCERPT,
        coverage_start=dt.date(2001, 1, 1),
        max_age_days=3,
    )
    first = ListVersion(
        info=info,
        published="2024-01-01",
        digest="0" * 64,
        location="x.toml",
        entries=listed,
        rejected=[Rejection(reason="bad", record="r1", line=3)],
    )
    second = ListVersion(
        info=info,
        published="2024-02-01",
        digest="1" * 64,
        location="x.toml",
        entries=listed if shared else listed[:1],
    )
    versions, stamps = _cachefile.decode(_cachefile.encode([first, second], [[[1, 2]]]))
    assert versions == [first, second]
    assert stamps == [[[1, 2]]]
    if shared and listed:
        # An entry of two versions is one object, as it was when cached.
        assert versions[0].entries[0] is versions[1].entries[0]


def _with_id(entry: Entry, entry_id: str) -> Entry:
    birth: list[PartialDate | DateRange] = [
        PartialDate(1970),
        DateRange(start=PartialDate(1960), end=PartialDate(1965)),
    ]
    return attrs.evolve(
        entry,
        id=entry_id,
        birth_dates=birth,
        identifiers=[Identifier(kind="passport", value="P1", country="AF")],
        nationalities=["AF"],
    )


@pytest.mark.parametrize(
    "data",
    [b"", b"[]", b"{}", b'{"format": "watchlist-compiled-cache/2"}', b"\x80\x05garbage"],
    ids=["empty", "list", "object", "no-tables", "pickle"],
)
def test_an_unreadable_cache_raises_when_decoded(data: bytes) -> None:
    with pytest.raises(Exception):  # noqa: B017, PT011 (the store takes any as a miss)
        _cachefile.decode(data)


# Permissions: a store other users could write is refused, naming the path and the fix.


def _stored_un(tmp_path: Path, shared_data: Path) -> tuple[Store, Path]:
    root = tmp_path / "store"
    store = Store(root)
    added = store.add(UN_LIST, _un_file(shared_data))
    return store, Path(added.location)


def _writable_by_others(path: Path, bits: int) -> None:
    os.chmod(path, stat.S_IMODE(os.lstat(path).st_mode) | bits)


@pytest.mark.shared_data
@pytest.mark.parametrize("bits", [stat.S_IWGRP, stat.S_IWOTH], ids=["group", "others"])
@pytest.mark.parametrize("part", ["store", "list", "version", "files", "file", "metadata", "cache"])
def test_a_store_writable_by_others_is_refused(
    tmp_path: Path, shared_data: Path, part: str, bits: int
) -> None:
    store, main_file = _stored_un(tmp_path, shared_data)
    version_dir = main_file.parent.parent
    [cache] = _caches(store.path)
    path = {
        "store": store.path,
        "list": store.path / UN_LIST,
        "version": version_dir,
        "files": main_file.parent,
        "file": main_file,
        "metadata": version_dir / "version.json",
        "cache": cache,
    }[part]
    _writable_by_others(path, bits)
    with pytest.raises(StoreError) as caught:
        Store(store.path).load(UN_LIST)
    assert caught.value.path == path
    message = str(caught.value)
    assert str(path) in message
    assert "writable by" in message
    assert f"chmod -R go-w {path}" in message
    # The fix the message gives makes the store usable again.
    os.chmod(path, stat.S_IMODE(os.lstat(path).st_mode) & ~(stat.S_IWGRP | stat.S_IWOTH))
    assert Store(store.path).load(UN_LIST)


@pytest.mark.shared_data
def test_adding_to_a_store_writable_by_others_is_refused(tmp_path: Path, shared_data: Path) -> None:
    root = tmp_path / "store"
    root.mkdir()
    _writable_by_others(root, stat.S_IWOTH)
    with pytest.raises(StoreError, match="writable by other users"):
        Store(root).add(UN_LIST, _un_file(shared_data))
    assert list(root.iterdir()) == []


@pytest.mark.shared_data
def test_a_symbolic_link_inside_the_store_is_refused(tmp_path: Path, shared_data: Path) -> None:
    store, main_file = _stored_un(tmp_path, shared_data)
    elsewhere = tmp_path / "elsewhere.xml"
    elsewhere.write_bytes(main_file.read_bytes())
    os.chmod(main_file.parent, 0o755)
    main_file.unlink()
    main_file.symlink_to(elsewhere)
    with pytest.raises(StoreError, match="symbolic link") as caught:
        Store(store.path).load(UN_LIST)
    assert caught.value.path == main_file


@pytest.mark.shared_data
def test_a_store_written_under_a_loose_umask_is_private(tmp_path: Path, shared_data: Path) -> None:
    previous = os.umask(0)
    try:
        store, _main = _stored_un(tmp_path, shared_data)
    finally:
        os.umask(previous)
    for path in [store.path, *store.path.rglob("*")]:
        assert not os.lstat(path).st_mode & (stat.S_IWGRP | stat.S_IWOTH), path
    assert Store(store.path).load(UN_LIST)


# Integrity: a stored file changed since it was added is never screened against.


def _tamper(path: Path) -> None:
    os.chmod(path, 0o644)
    data = path.read_bytes()
    path.write_bytes(data.replace(b"Taliban", b"Tal1ban", 1))
    assert path.read_bytes() != data


@pytest.mark.shared_data
@pytest.mark.parametrize("cache", ["cached", "no-cache"])
def test_a_stored_file_changed_after_it_was_added_is_an_error(
    tmp_path: Path, shared_data: Path, cache: str
) -> None:
    store, main_file = _stored_un(tmp_path, shared_data)
    recorded = store.versions(UN_LIST)[0].digest
    if cache == "no-cache":
        for each in _caches(store.path):
            each.unlink()
    _tamper(main_file)
    with pytest.raises(StoreIntegrityError) as caught:
        Store(store.path).load(UN_LIST)
    error = caught.value
    assert error.path == main_file
    assert error.recorded == recorded
    assert error.actual != recorded
    assert str(main_file) in str(error)
    assert recorded in str(error)
    assert error.actual in str(error)


@pytest.mark.shared_data
def test_a_changed_file_in_a_history_is_an_error(tmp_path: Path, shared_data: Path) -> None:
    store = Store(tmp_path / "store")
    for day in (None, *UN_OTHER_DAYS):
        store.add(UN_LIST, _un_file(shared_data, day))
    store.load(UN_LIST)  # the history cache
    victim = Path(store.load(UN_LIST)[1].location)
    _tamper(victim)
    with pytest.raises(StoreIntegrityError) as caught:
        Store(store.path).load(UN_LIST)
    assert caught.value.path == victim


@pytest.mark.shared_data
def test_an_unchanged_file_touched_is_read_again_and_passes(
    tmp_path: Path, shared_data: Path
) -> None:
    store, main_file = _stored_un(tmp_path, shared_data)
    expected = store.load(UN_LIST)
    os.utime(main_file, ns=(0, 0))
    assert Store(store.path).load(UN_LIST) == expected


@pytest.mark.shared_data
def test_stored_files_are_read_only(tmp_path: Path, shared_data: Path) -> None:
    _store, main_file = _stored_un(tmp_path, shared_data)
    assert stat.S_IMODE(main_file.stat().st_mode) == 0o444
