"""``watchlist.update_lists``: downloads verified before they are stored, offline.

Every download comes from the publisher fixture on 127.0.0.1 (tests/publisher.py), serving the
real files in ../shared/data; each case ends in a stored good version or a clear refusal, with
the last good version intact.
"""

from __future__ import annotations

import datetime as dt
import tomllib
import urllib.parse
from collections.abc import Mapping
from pathlib import Path
from typing import TypedDict, Unpack

import pytest

from tests import publisher as serve
from tests.publisher import Publisher
from watchlist import Store, UpdateError, update_lists
from watchlist.lists.update import (
    PUBLISHERS_FILE,
    ListState,
    UpdateResult,
    UpdateStatus,
    list_status,
    load_sources,
    user_agent,
)

pytestmark = pytest.mark.shared_data

UN_2018 = "un_sc/consolidated_2018-10-29.xml"  # 1,093 entries
UN_2026 = "un_sc/consolidated_2026-02-27.xml"  # 1,003 entries
UN_2015 = "un_sc/consolidated_2015-03-27.xml"
SDN_2024 = "ofac_sdn/snapshots/sdn_2024-05-03_1843.csv"  # 14,965 entries
SDN_2021 = "ofac_sdn/snapshots/sdn_2021-08-18_0939.csv"  # 9,083 entries


class _Options(TypedDict, total=False):
    """Keyword arguments of update_lists beside the store, sources and config."""

    force: bool
    timeout: float
    retries: int
    backoff: float


FAST: _Options = {"timeout": 2.0, "retries": 2, "backoff": 0.0}


def _config(tmp_path: Path, **tables: Mapping[str, object]) -> Path:
    """A sources file (a mirror configuration) laid over the shipped one."""
    lines = []
    for list_id, table in tables.items():
        lines.append(f"[sources.{list_id}]")
        for key, value in table.items():
            if isinstance(value, bool):
                lines.append(f"{key} = {'true' if value else 'false'}")
            elif isinstance(value, int | float):
                lines.append(f"{key} = {value}")
            elif isinstance(value, list):
                files = ", ".join(f'{{ name = "{n}", url = "{u}" }}' for n, u in value)
                lines.append(f"{key} = [{files}]")
            else:
                lines.append(f'{key} = "{value}"')
    path = tmp_path / "sources.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _un(tmp_path: Path, url: str, **extra: object) -> Path:
    return _config(tmp_path, **{"un-sc-consolidated": {"url": url, "allow_http": True, **extra}})


def _update(store: Store, config: Path, list_id: str, **options: Unpack[_Options]) -> UpdateResult:
    merged: _Options = {**FAST, **options}
    [result] = update_lists(store, sources=[list_id], config=config, **merged)
    return result


def _stored(store: Store, list_id: str) -> list[tuple[dt.date, str, int]]:
    return [(each.published, each.digest, each.entries) for each in store.versions(list_id)]


def _seed_un(tmp_path: Path, publisher: Publisher, shared_data: Path, store: Store) -> None:
    url = publisher.route("seed.xml", serve.file(shared_data / UN_2018))
    assert _update(store, _un(tmp_path, url), "un-sc-consolidated").status is UpdateStatus.ADDED


def _intact(store: Store, list_id: str, before: list[tuple[dt.date, str, int]]) -> None:
    """The last good version is still the one stored, and still reads (its digest checked)."""
    assert _stored(store, list_id) == before
    [version] = store.load(list_id)
    assert version.digest == before[-1][1]


# The shipped sources.


def test_the_shipped_sources_are_https_with_their_reference() -> None:
    document = tomllib.loads(PUBLISHERS_FILE.read_text(encoding="utf-8"))
    sources = load_sources()
    assert set(sources) == {
        "us-ofac-sdn",
        "us-ofac-consolidated",
        "un-sc-consolidated",
        "eu-fsf",
        "gb-uksl",
    }
    assert set(document["sources"]) == set(sources)
    for source in sources.values():
        assert source.reference.startswith("https://")
        assert not source.allow_http
        for each in source.files:
            assert urllib.parse.urlsplit(each.url).scheme == "https", each.url
    assert "gb-ofsi" not in sources  # retired on 28 Jan 2026


def test_a_mirror_replaces_only_what_it_gives(tmp_path: Path) -> None:
    config = _config(tmp_path, **{"eu-fsf": {"url": "/srv/mirror/eu.xml", "max_bytes": 1000}})
    source = load_sources(config)["eu-fsf"]
    assert [(each.name, each.url) for each in source.files] == [
        ("eu-fsf.xml", "/srv/mirror/eu.xml")
    ]
    assert source.max_bytes == 1000
    assert source.reference == load_sources()["eu-fsf"].reference


def test_a_bad_sources_file_is_refused(tmp_path: Path) -> None:
    from watchlist import ListFormatError

    config = _config(tmp_path, **{"eu-fsf": {"urll": "x"}})
    with pytest.raises(ListFormatError, match="unknown keys urll"):
        load_sources(config)
    config = _config(tmp_path, **{"eu-fsf": {"format": "un-xml"}})
    with pytest.raises(ListFormatError, match="un-xml is not a format of eu-fsf"):
        load_sources(config)


def test_an_unknown_source_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(UpdateError, match="no source for gb-ofsi"):
        update_lists(Store(tmp_path / "store"), sources=["gb-ofsi"])


# Stored good versions.


def test_a_download_is_verified_and_stored(
    tmp_path: Path, publisher: Publisher, shared_data: Path
) -> None:
    url = publisher.route("consolidated.xml", serve.file(shared_data / UN_2026))
    store = Store(tmp_path / "store")
    result = _update(store, _un(tmp_path, url), "un-sc-consolidated")
    assert result.status is UpdateStatus.ADDED, result.describe()
    # The publication date is read from the file (dateGenerated), not taken from the clock.
    assert (result.published, result.entries) == (dt.date(2026, 2, 27), 1003)
    assert result.describe().startswith(
        "added: un-sc-consolidated published 2026-02-27, 1003 entries, sha256:"
    )
    [version] = store.versions("un-sc-consolidated")
    assert version.digest == result.digest
    assert version.files[0].original == "consolidated.xml"
    assert publisher.headers[0]["User-Agent"] == user_agent()
    assert user_agent().startswith("watchlist/")


def test_the_same_file_twice_is_one_version(
    tmp_path: Path, publisher: Publisher, shared_data: Path
) -> None:
    url = publisher.route("consolidated.xml", serve.file(shared_data / UN_2026))
    store = Store(tmp_path / "store")
    config = _un(tmp_path, url)
    first = _update(store, config, "un-sc-consolidated")
    second = _update(store, config, "un-sc-consolidated")
    assert (first.status, second.status) == (UpdateStatus.ADDED, UpdateStatus.UNCHANGED)
    assert second.digest == first.digest
    assert second.describe().startswith("unchanged (already stored): un-sc-consolidated")
    assert len(store.versions("un-sc-consolidated")) == 1


def test_a_newer_version_is_added_beside_the_last(
    tmp_path: Path, publisher: Publisher, shared_data: Path
) -> None:
    store = Store(tmp_path / "store")
    _seed_un(tmp_path, publisher, shared_data, store)
    url = publisher.route("consolidated.xml", serve.file(shared_data / UN_2026))
    result = _update(store, _un(tmp_path, url), "un-sc-consolidated")
    assert result.status is UpdateStatus.ADDED
    assert [each[0] for each in _stored(store, "un-sc-consolidated")] == [
        dt.date(2018, 10, 29),
        dt.date(2026, 2, 27),
    ]
    assert result.current is not None
    assert result.current.published == dt.date(2026, 2, 27)


def test_500_then_success_is_retried(
    tmp_path: Path, publisher: Publisher, shared_data: Path
) -> None:
    url = publisher.route(
        "consolidated.xml", serve.status(500), serve.status(503), serve.file(shared_data / UN_2026)
    )
    store = Store(tmp_path / "store")
    result = _update(store, _un(tmp_path, url), "un-sc-consolidated")
    assert result.status is UpdateStatus.ADDED, result.describe()
    assert publisher.hits["/consolidated.xml"] == 3


def test_a_truncated_body_is_retried(
    tmp_path: Path, publisher: Publisher, shared_data: Path
) -> None:
    url = publisher.route(
        "consolidated.xml",
        serve.truncated(shared_data / UN_2026),
        serve.file(shared_data / UN_2026),
    )
    store = Store(tmp_path / "store")
    result = _update(store, _un(tmp_path, url), "un-sc-consolidated")
    assert result.status is UpdateStatus.ADDED, result.describe()
    assert publisher.hits["/consolidated.xml"] == 2


def test_429_waits_as_retry_after_asks(
    tmp_path: Path, publisher: Publisher, shared_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    waits: list[float] = []
    # Patched where the updater looks it up: patching time.sleep itself would also catch
    # the test server's threads still trickling a body out from an earlier test.
    monkeypatch.setattr("watchlist.lists.update.sleep", waits.append)
    url = publisher.route(
        "consolidated.xml", serve.status(429, retry_after="7"), serve.file(shared_data / UN_2026)
    )
    result = _update(Store(tmp_path / "store"), _un(tmp_path, url), "un-sc-consolidated")
    assert result.status is UpdateStatus.ADDED, result.describe()
    assert waits == [7.0]


def test_backoff_doubles(
    tmp_path: Path, publisher: Publisher, monkeypatch: pytest.MonkeyPatch
) -> None:
    waits: list[float] = []
    # Patched where the updater looks it up: patching time.sleep itself would also catch
    # the test server's threads still trickling a body out from an earlier test.
    monkeypatch.setattr("watchlist.lists.update.sleep", waits.append)
    url = publisher.route("consolidated.xml", serve.status(503))
    result = _update(
        Store(tmp_path / "store"), _un(tmp_path, url), "un-sc-consolidated", retries=3, backoff=1.5
    )
    _refused(result, "HTTP 503", "(tried 4 times)")
    assert waits == [1.5, 3.0, 6.0]


def test_a_missing_local_mirror_file_is_refused(tmp_path: Path) -> None:
    config = _un(tmp_path, str(tmp_path / "nowhere.xml"))
    result = _update(Store(tmp_path / "store"), config, "un-sc-consolidated")
    _refused(result, f"the mirror file {tmp_path / 'nowhere.xml'} does not exist")


def test_a_local_mirror(tmp_path: Path, shared_data: Path) -> None:
    store = Store(tmp_path / "store")
    config = _un(tmp_path, str(shared_data / UN_2026))
    result = _update(store, config, "un-sc-consolidated")
    assert result.status is UpdateStatus.ADDED
    assert result.published == dt.date(2026, 2, 27)


def test_the_ofac_csv_set_is_dated_by_last_modified(
    tmp_path: Path, publisher: Publisher, shared_data: Path
) -> None:
    files = [
        (name, publisher.route(name, serve.file(shared_data / "ofac_sdn/2021-07" / name,
                                                last_modified="2021-07-07")))
        for name in ("sdn.csv", "alt.csv", "add.csv", "sdn_comments.csv")
    ]  # fmt: skip
    config = _config(
        tmp_path, **{"us-ofac-sdn": {"format": "ofac-csv", "files": files, "allow_http": True}}
    )
    store = Store(tmp_path / "store")
    result = _update(store, config, "us-ofac-sdn")
    assert result.status is UpdateStatus.ADDED, result.describe()
    assert (result.published, result.entries) == (dt.date(2021, 7, 7), 8976)
    [version] = store.versions("us-ofac-sdn")
    assert sorted(each.name for each in version.files) == [
        "add.csv",
        "alt.csv",
        "sdn.csv",
        "sdn_comments.csv",
    ]


def test_the_ofac_legacy_xml_is_dated_by_the_file(
    tmp_path: Path, publisher: Publisher, shared_data: Path
) -> None:
    path = shared_data / "ofac_consolidated_nonsdn/2018-04/consolidated.xml"
    url = publisher.route("consolidated.xml", serve.file(path, last_modified="2020-01-01"))
    config = _config(tmp_path, **{"us-ofac-consolidated": {"url": url, "allow_http": True}})
    result = _update(Store(tmp_path / "store"), config, "us-ofac-consolidated")
    assert result.status is UpdateStatus.ADDED, result.describe()
    assert (result.published, result.entries) == (dt.date(2018, 4, 6), 639)


def test_proxy_variables_are_honoured(
    tmp_path: Path, publisher: Publisher, shared_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The publisher fixture stands in for the proxy: the request for a host that does not
    # exist reaches it with the absolute URL, as a proxy receives it.
    publisher.route("consolidated.xml", serve.file(shared_data / UN_2026))
    monkeypatch.setenv("http_proxy", publisher.base)
    monkeypatch.delenv("no_proxy", raising=False)
    monkeypatch.delenv("NO_PROXY", raising=False)
    url = "http://publisher.invalid/consolidated.xml"
    result = _update(Store(tmp_path / "store"), _un(tmp_path, url), "un-sc-consolidated")
    assert result.status is UpdateStatus.ADDED, result.describe()
    assert publisher.paths == [url]


# Refusals: each leaves the last good version in place.


def _refused(result: UpdateResult, *fragments: str) -> None:
    assert result.status is UpdateStatus.REFUSED
    assert result.error is not None
    for fragment in fragments:
        assert fragment in str(result.error), str(result.error)


def test_404_is_refused_at_once(tmp_path: Path, publisher: Publisher, shared_data: Path) -> None:
    store = Store(tmp_path / "store")
    _seed_un(tmp_path, publisher, shared_data, store)
    before = _stored(store, "un-sc-consolidated")
    url = publisher.url("gone.xml")
    result = _update(store, _un(tmp_path, url), "un-sc-consolidated")
    _refused(result, "un-sc-consolidated: refused the download from", "HTTP 404")
    assert publisher.hits["/gone.xml"] == 1  # not retried
    assert result.describe().endswith(
        f"the last good version stays: published 2018-10-29, 1093 entries, sha256:{before[0][1]}"
    )
    _intact(store, "un-sc-consolidated", before)


def test_500_every_time_is_refused_after_the_retries(
    tmp_path: Path, publisher: Publisher, shared_data: Path
) -> None:
    store = Store(tmp_path / "store")
    _seed_un(tmp_path, publisher, shared_data, store)
    before = _stored(store, "un-sc-consolidated")
    url = publisher.route("consolidated.xml", serve.status(500))
    result = _update(store, _un(tmp_path, url), "un-sc-consolidated")
    _refused(result, "HTTP 500", "(tried 3 times)")
    assert publisher.hits["/consolidated.xml"] == 3
    _intact(store, "un-sc-consolidated", before)


def test_a_body_truncated_every_time_is_refused(
    tmp_path: Path, publisher: Publisher, shared_data: Path
) -> None:
    store = Store(tmp_path / "store")
    _seed_un(tmp_path, publisher, shared_data, store)
    before = _stored(store, "un-sc-consolidated")
    url = publisher.route("consolidated.xml", serve.truncated(shared_data / UN_2026))
    result = _update(store, _un(tmp_path, url), "un-sc-consolidated")
    _refused(result, "truncated download: the connection closed after", "(tried 3 times)")
    _intact(store, "un-sc-consolidated", before)


def test_a_truncated_file_is_refused_by_its_reader(
    tmp_path: Path, publisher: Publisher, shared_data: Path
) -> None:
    # The whole of a file cut short at the source: the transfer is complete, the XML is not.
    cut = tmp_path / "cut.xml"
    data = (shared_data / UN_2026).read_bytes()
    cut.write_bytes(data[: len(data) // 2])
    store = Store(tmp_path / "store")
    _seed_un(tmp_path, publisher, shared_data, store)
    before = _stored(store, "un-sc-consolidated")
    url = publisher.route("consolidated.xml", serve.file(cut))
    result = _update(store, _un(tmp_path, url), "un-sc-consolidated")
    _refused(result, "the file does not parse as UN Security Council consolidated XML")
    _intact(store, "un-sc-consolidated", before)


def test_an_html_error_page_with_status_200_is_refused(
    tmp_path: Path, publisher: Publisher, shared_data: Path
) -> None:
    store = Store(tmp_path / "store")
    _seed_un(tmp_path, publisher, shared_data, store)
    before = _stored(store, "un-sc-consolidated")
    url = publisher.route("consolidated.xml", serve.html_error_page())
    result = _update(store, _un(tmp_path, url), "un-sc-consolidated")
    _refused(result, "the server sent an HTML page, not the list file")
    _intact(store, "un-sc-consolidated", before)


def test_a_file_of_another_list_is_refused(
    tmp_path: Path, publisher: Publisher, shared_data: Path
) -> None:
    store = Store(tmp_path / "store")
    url = publisher.route("consolidated.xml", serve.file(shared_data / SDN_2021))
    result = _update(store, _un(tmp_path, url), "un-sc-consolidated")
    _refused(result, "not a file of this list", "OFAC legacy CSV set")
    assert store.versions("un-sc-consolidated") == []


def test_a_slow_server_times_out(tmp_path: Path, publisher: Publisher, shared_data: Path) -> None:
    store = Store(tmp_path / "store")
    _seed_un(tmp_path, publisher, shared_data, store)
    before = _stored(store, "un-sc-consolidated")
    url = publisher.route("consolidated.xml", serve.slow(1.5))
    result = _update(store, _un(tmp_path, url), "un-sc-consolidated", timeout=0.2, retries=1)
    _refused(result, "timed out after 0.2 seconds", "(tried 2 times)")
    _intact(store, "un-sc-consolidated", before)


def test_a_body_trickling_past_the_timeout_is_refused(
    tmp_path: Path, publisher: Publisher, shared_data: Path
) -> None:
    # Each read brings a few bytes in time, but the whole body does not come within it.
    url = publisher.route("consolidated.xml", serve.trickle(shared_data / UN_2026, seconds=0.6))
    store = Store(tmp_path / "store")
    result = _update(store, _un(tmp_path, url), "un-sc-consolidated", timeout=0.3, retries=0)
    _refused(result, "timed out after 0.3 seconds")
    assert store.versions("un-sc-consolidated") == []


def test_a_file_over_the_size_limit_is_refused(
    tmp_path: Path, publisher: Publisher, shared_data: Path
) -> None:
    url = publisher.route("consolidated.xml", serve.file(shared_data / UN_2026))
    store = Store(tmp_path / "store")
    result = _update(store, _un(tmp_path, url, max_bytes=100_000), "un-sc-consolidated")
    _refused(result, "above the limit of 100000 bytes (max_bytes)")
    assert publisher.hits["/consolidated.xml"] == 1  # not retried
    assert store.versions("un-sc-consolidated") == []


def test_a_redirect_to_http_is_refused(
    tmp_path: Path, publisher: Publisher, shared_data: Path
) -> None:
    store = Store(tmp_path / "store")
    _seed_un(tmp_path, publisher, shared_data, store)
    before = _stored(store, "un-sc-consolidated")
    target = publisher.route("plain.xml", serve.file(shared_data / UN_2026))
    url = publisher.route("consolidated.xml", serve.redirect(target))
    result = _update(store, _un(tmp_path, url), "un-sc-consolidated")
    _refused(result, f"the server redirected (HTTP 302) to {target}, which is not https")
    assert publisher.hits["/plain.xml"] == 0
    _intact(store, "un-sc-consolidated", before)


def test_plain_http_needs_an_explicit_allowance(
    tmp_path: Path, publisher: Publisher, shared_data: Path
) -> None:
    url = publisher.route("consolidated.xml", serve.file(shared_data / UN_2026))
    config = _config(tmp_path, **{"un-sc-consolidated": {"url": url}})
    result = _update(Store(tmp_path / "store"), config, "un-sc-consolidated")
    _refused(result, "not https", "allow_http = true")
    assert publisher.hits["/consolidated.xml"] == 0


@pytest.mark.filterwarnings("ignore::watchlist.IncompleteListWarning")
def test_a_file_much_smaller_than_the_last_is_refused_unless_forced(
    tmp_path: Path, publisher: Publisher, shared_data: Path
) -> None:
    def config(path: str, day: str) -> Path:
        url = publisher.route(f"{day}/sdn.csv", serve.file(shared_data / path, last_modified=day))
        files = [("sdn.csv", url)]
        table = {"format": "ofac-csv", "files": files, "allow_http": True}
        return _config(tmp_path, **{"us-ofac-sdn": table})

    store = Store(tmp_path / "store")
    assert _update(store, config(SDN_2024, "2024-05-03"), "us-ofac-sdn").ok
    before = _stored(store, "us-ofac-sdn")
    # A later download with 9,083 entries where the last had 14,965: 39% fewer.
    shrunk = config(SDN_2021, "2024-05-10")
    result = _update(store, shrunk, "us-ofac-sdn")
    _refused(
        result,
        "the file has 9083 entries, 39% fewer than the 14965 of the newest stored version "
        "(published 2024-05-03)",
        "--force",
    )
    _intact(store, "us-ofac-sdn", before)
    forced = _update(store, shrunk, "us-ofac-sdn", force=True)
    assert forced.status is UpdateStatus.ADDED
    assert [each[2] for each in _stored(store, "us-ofac-sdn")] == [14965, 9083]


def test_a_version_older_than_the_stored_one_is_refused_unless_forced(
    tmp_path: Path, publisher: Publisher, shared_data: Path
) -> None:
    store = Store(tmp_path / "store")
    _seed_un(tmp_path, publisher, shared_data, store)
    before = _stored(store, "un-sc-consolidated")
    url = publisher.route("consolidated.xml", serve.file(shared_data / UN_2015))
    config = _un(tmp_path, url)
    result = _update(store, config, "un-sc-consolidated")
    _refused(
        result,
        "the file was published 2015-03-27, before the newest stored version (2018-10-29",
        "stale mirror",
    )
    _intact(store, "un-sc-consolidated", before)
    assert _update(store, config, "un-sc-consolidated", force=True).status is UpdateStatus.ADDED


@pytest.mark.filterwarnings("ignore::watchlist.IncompleteListWarning")
def test_a_second_version_the_same_day_is_refused_by_the_store(
    tmp_path: Path, publisher: Publisher, shared_data: Path
) -> None:
    # OFAC may publish twice a day; the store holds one version of a day, so the second is
    # refused (and stored with the next day's, if still current), never mixed with the first.
    def config(path: str, name: str) -> Path:
        url = publisher.route(name, serve.file(shared_data / path, last_modified="2022-11-30"))
        table = {"format": "ofac-csv", "files": [("sdn.csv", url)], "allow_http": True}
        return _config(tmp_path, **{"us-ofac-sdn": table})

    store = Store(tmp_path / "store")
    assert _update(store, config("ofac_sdn/snapshots/sdn_2022-11-23_1846.csv", "a.csv"),
                   "us-ofac-sdn").ok  # fmt: skip
    before = _stored(store, "us-ofac-sdn")
    second = _update(store, config("ofac_sdn/snapshots/sdn_2022-11-30_1848.csv", "b.csv"),
                     "us-ofac-sdn")  # fmt: skip
    _refused(
        second,
        "a different version of us-ofac-sdn published 2022-11-30 is already stored",
        "publishes twice in a day",
    )
    _intact(store, "us-ofac-sdn", before)


def test_a_csv_set_without_a_date_is_refused(
    tmp_path: Path, publisher: Publisher, shared_data: Path
) -> None:
    url = publisher.route("sdn.csv", serve.file(shared_data / SDN_2021))
    table = {"format": "ofac-csv", "files": [("sdn.csv", url)], "allow_http": True}
    result = _update(Store(tmp_path / "store"), _config(tmp_path, **{"us-ofac-sdn": table}),
                     "us-ofac-sdn")  # fmt: skip
    _refused(result, "states no publication date", "no Last-Modified header")


def test_a_refusal_does_not_stop_the_other_lists(
    tmp_path: Path, publisher: Publisher, shared_data: Path
) -> None:
    un = publisher.route("un.xml", serve.file(shared_data / UN_2026))
    config = _config(
        tmp_path,
        **{
            "un-sc-consolidated": {"url": un, "allow_http": True},
            "eu-fsf": {"url": publisher.url("missing.xml"), "allow_http": True},
        },
    )
    store = Store(tmp_path / "store")
    results = update_lists(
        store,
        sources=["eu-fsf", "un-sc-consolidated"],
        config=config,
        **FAST,
    )
    assert [each.status for each in results] == [UpdateStatus.REFUSED, UpdateStatus.ADDED]
    assert (
        results[0]
        .describe()
        .endswith("no version of it is stored, so screening against it fails closed")
    )


# Status.


def test_status_says_where_screening_would_fail_closed(
    tmp_path: Path, publisher: Publisher, shared_data: Path
) -> None:
    store = Store(tmp_path / "store")
    day = dt.date(2026, 3, 1)
    before = {row.code: row for row in list_status(store, day=day)}
    assert before["GB"].fails_closed
    assert {each.list_id: each.state for each in before["GB"].lists} == {
        "gb-uksl": ListState.MISSING,
        "un-sc-consolidated": ListState.MISSING,
    }
    assert before["GB"].lists[1].fix == (
        f"watchlist lists update --source un-sc-consolidated --store {store.path}"
    )
    assert not before["US"].fails_closed
    url = publisher.route("un.xml", serve.file(shared_data / UN_2026))
    assert _update(store, _un(tmp_path, url), "un-sc-consolidated").ok
    after = {row.code: row for row in list_status(store, day=day)}
    [uksl, un] = after["GB"].lists
    assert uksl.state is ListState.MISSING
    assert (un.state, un.origin, un.published, un.age_days) == (
        ListState.CURRENT,
        "store",
        dt.date(2026, 2, 27),
        2,
    )
    late = {row.code: row for row in list_status(store, day=dt.date(2026, 12, 6))}
    un_late = late["GB"].lists[1]
    assert un_late.state is ListState.STALE
    assert un_late.fix is not None
    assert un_late.fix.startswith("watchlist lists update")
