"""``watchlist lists update`` and ``watchlist lists status``, and the EU and GB jurisdictions,
run in-process against the publisher fixture on 127.0.0.1 (no test reaches the internet)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import publisher as serve
from tests.conftest import PROJECT_ROOT
from tests.publisher import Publisher
from watchlist.cli import main

UK_FILE = PROJECT_ROOT / "tests" / "data" / "uk" / "uksl_2026-10-08.csv"
EU_FILE = PROJECT_ROOT / "tests" / "data" / "eu" / "fsf_2024-05-14.xml"
UN_2026 = "un_sc/consolidated_2026-02-27.xml"


@pytest.fixture(autouse=True)
def default_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test gets its own per-user default store, so no real one is read or written."""
    store = tmp_path / "default-store"
    monkeypatch.setenv("WATCHLIST_STORE", str(store))
    return store


def _mirror(tmp_path: Path, publisher: Publisher, shared_data: Path) -> Path:
    """A bank's sources file pointing every list used here at the local publisher."""
    urls = {
        "gb-uksl": publisher.route("uk.csv", serve.file(UK_FILE)),
        "eu-fsf": publisher.route("eu.xml", serve.file(EU_FILE)),
        "un-sc-consolidated": publisher.route("un.xml", serve.file(shared_data / UN_2026)),
        "us-ofac-sdn": publisher.url("missing/sdn.xml"),
    }
    path = tmp_path / "mirror.toml"
    path.write_text(
        "".join(
            f'[sources.{list_id}]\nurl = "{url}"\nallow_http = true\n\n'
            for list_id, url in urls.items()
        ),
        encoding="utf-8",
    )
    return path


def test_eu_and_gb_fail_closed_until_a_version_is_stored(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["check", "Ayrat Vakhitov", "-j", "EU", "--as-of", "2024-05-20"]) == 2
    error = capsys.readouterr().err
    assert "list 'eu-fsf' (applied by jurisdiction 'EU') is not loaded" in error
    assert "run `watchlist lists update --source eu-fsf`" in error
    assert main(["check", "Haji Khairullah", "-j", "GB", "--as-of", "2026-10-10"]) == 2
    assert "watchlist lists update --source gb-uksl" in capsys.readouterr().err
    assert main(["diff", "GB", "--from", "2026-10-01", "--to", "2026-10-10"]) == 2
    assert "watchlist lists update --source gb-uksl" in capsys.readouterr().err
    timeline = ["timeline", "Taliban", "-j", "GB", "--from", "2026-10-01", "--to", "2026-10-10"]
    assert main(timeline) == 2
    assert "watchlist lists update --source gb-uksl" in capsys.readouterr().err
    # The other jurisdictions are untouched.
    assert main(["check", "Taliban", "-j", "KZ", "--as-of", "2023-06-01"]) == 1


@pytest.mark.shared_data
def test_update_then_screen_in_gb_and_eu(
    tmp_path: Path, publisher: Publisher, shared_data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mirror = _mirror(tmp_path, publisher, shared_data)
    store = tmp_path / "store"
    arguments = ["lists", "update", "--source", "gb-uksl", "un-sc-consolidated", "eu-fsf",
                 "--store", str(store), "--sources", str(mirror), "--retries", "0"]  # fmt: skip
    assert main(arguments) == 0
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert [line.split(":")[0] for line in lines] == ["added", "added", "added"]
    assert lines[0].startswith("added: gb-uksl published 2026-10-08, ")
    assert "3 added, 0 unchanged, 0 refused" in captured.err
    assert main(arguments) == 0
    assert "0 added, 3 unchanged, 0 refused" in capsys.readouterr().err

    check = ["check", "Haji Khairullah Money Exchange", "-j", "GB", "--as-of", "2026-10-10",
             "--store", str(store), "--accept-stale"]  # fmt: skip
    assert main(check) == 1
    out = capsys.readouterr().out
    assert "gb-uksl" in out
    assert main(["check", "Ayrat Vakhitov", "-j", "EU", "--as-of", "2024-05-20",
                 "--store", str(store)]) == 1  # fmt: skip
    assert "eu-fsf" in capsys.readouterr().out

    assert (
        main(["lists", "status", "--store", str(store), "-j", "EU", "--as-of", "2024-05-20"]) == 0
    )
    out = capsys.readouterr().out
    assert out.startswith("EU (European Union): screening can run on 2024-05-20\n")
    assert "eu-fsf: current, published 2024-05-14, age 6 of 30 days (store, sha256:" in out
    assert (
        main(["lists", "status", "--store", str(store), "-j", "GB", "--as-of", "2026-12-06"]) == 1
    )
    out = capsys.readouterr().out
    assert out.startswith("GB (United Kingdom): screening FAILS CLOSED on 2026-12-06\n")
    assert "gb-uksl: STALE, published 2026-10-08, age 59 of 30 days" in out
    assert f"fix: watchlist lists update --source gb-uksl --store {store}" in out


@pytest.mark.shared_data
def test_a_refusal_exits_2_and_says_why(
    tmp_path: Path, publisher: Publisher, shared_data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mirror = _mirror(tmp_path, publisher, shared_data)
    store = tmp_path / "store"
    arguments = ["lists", "update", "--source", "us-ofac-sdn", "--source", "un-sc-consolidated",
                 "--store", str(store), "--sources", str(mirror), "--retries", "0"]  # fmt: skip
    assert main(arguments) == 2
    captured = capsys.readouterr()
    assert captured.out.startswith("added: un-sc-consolidated published 2026-02-27, 1003 entries")
    assert (
        f"watchlist: refused: us-ofac-sdn: refused the download from "
        f"{publisher.url('missing/sdn.xml')}: HTTP 404 Not Found; no version of it is stored, "
        "so screening against it fails closed"
    ) in captured.err
    assert "1 added, 0 unchanged, 1 refused" in captured.err


def test_status_of_an_empty_store(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = tmp_path / "store"
    assert main(["lists", "status", "--store", str(store), "--as-of", "2026-01-01"]) == 1
    out = capsys.readouterr().out
    assert "EU (European Union): screening FAILS CLOSED on 2026-01-01" in out
    assert f"eu-fsf: MISSING, no version loaded; fix: watchlist lists update --source eu-fsf " \
           f"--store {store}" in out  # fmt: skip
    assert "KZ (Republic of Kazakhstan): screening can run on 2026-01-01" in out
    assert main(["lists", "status", "-j", "kz", "--store", str(store)]) == 0
    assert main(["lists", "status", "-j", "XX", "--store", str(store)]) == 2
    assert "unknown jurisdiction 'XX'" in capsys.readouterr().err
