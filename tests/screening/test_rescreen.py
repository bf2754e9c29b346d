"""Delta re-screening equals the difference between two full screenings, scoring less."""

from __future__ import annotations

import datetime as dt
import tarfile
import warnings
from collections.abc import Iterator, Sequence
from pathlib import Path

import attrs
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from watchlist import (
    Decision,
    DecisionLog,
    Designation,
    Entry,
    HitStatus,
    ListInfo,
    ListVersion,
    Name,
    Party,
    Screener,
)
from watchlist.errors import (
    IncompleteListWarning,
    InputError,
    NoCoverageError,
    StaleListError,
    UnknownJurisdictionError,
    WatchlistError,
)
from watchlist.lists.formats import ofac_csv
from watchlist.lists.jurisdictions import AppliedList, Jurisdiction
from watchlist.model import EndReason, Hit
from watchlist.screening.decisions import customer_digest
from watchlist.screening.rescreen import ChangeKind, ChangeReason, Rescreening, plan, rescreen
from watchlist.testing import person_names, perturbed

DAILY = "ofac_sdn/daily/sdn_daily_2021-08-18_to_2024-05-03.tar.xz"
#: Daily copies around a rename (uid 23629, 2021-11-22) and 150 removals (2021-12-30).
DAILY_FILES = (
    "sdn_2021-11-18_1846.csv",
    "sdn_2021-11-22_1849.csv",
    "sdn_2021-12-22_1851.csv",
    "sdn_2021-12-30_1850.csv",
)
SNAPSHOTS = ("sdn_2022-11-23_1846.csv", "sdn_2022-11-30_1848.csv")


def _keys(hits: Sequence[Hit]) -> set[tuple[str, str]]:
    return {(hit.list_id, hit.entry_id) for hit in hits}


def _check_against_full_screenings(
    screener: Screener,
    result: Rescreening,
    jurisdiction: str,
    first: dt.date,
    second: dt.date,
    threshold: float | None = None,
) -> None:
    """``result`` is exactly H(second) - H(first) and H(first) - H(second), hit for hit."""
    before = screener.screen(result.query, jurisdiction=jurisdiction, as_of=first,
                             threshold=threshold, accept_stale=True).hits  # fmt: skip
    after = screener.screen(result.query, jurisdiction=jurisdiction, as_of=second,
                            threshold=threshold, accept_stale=True).hits  # fmt: skip
    assert {(c.list_id, c.entry_id) for c in result.new} == _keys(after) - _keys(before)
    assert {(c.list_id, c.entry_id) for c in result.cleared} == _keys(before) - _keys(after)
    for change in result.changes:
        full = after if change.kind is ChangeKind.NEW else before
        same_entry = [hit for hit in full if (hit.list_id, hit.entry_id) == change.key]
        # Full screening reports every matching record of the entry; the change reports the
        # best, which full screening reports too.
        assert change.hit in same_entry
        assert change.hit.score == max(hit.score for hit in same_entry)
        if change.kind is ChangeKind.NEW:
            assert change.score_to == change.hit.score
            # Scored on the first date exactly when the entry was in force in the jurisdiction.
            assert (change.score_from is None) == (
                change.reason in {ChangeReason.ADDED, ChangeReason.LIST_APPLIED}
            )
            assert change.ending is None
        else:
            assert change.score_from == change.hit.score
            assert (change.score_to is None) == (change.reason is not ChangeReason.CHANGED)
            assert change.ending is not None
            assert change.ending.date is not None
            assert first < change.ending.date <= second


# --- the curated lists: the Taliban in KZ, RU and the US -------------------------------------


@pytest.mark.parametrize("name", ["Taliban", "Талибан"])
def test_kz_clears_the_taliban_delisted_on_29_december_2023(screener: Screener, name: str) -> None:
    [result] = rescreen(screener, [name], jurisdiction="KZ",
                        from_date="2023-12-01", to_date="2024-01-31")  # fmt: skip
    [change] = result.changes
    assert (change.kind, change.reason) == (ChangeKind.CLEARED, ChangeReason.DELISTED)
    assert (change.list_id, change.entry_id) == ("kz-terrorist-organisations", "taliban")
    assert change.ending is not None
    assert change.ending.date == dt.date(2023, 12, 29)
    assert change.ending.reason == "delisted"
    assert change.designation.end == dt.date(2023, 12, 29)
    assert change.designation.basis
    assert change.score_to is None
    _check_against_full_screenings(
        screener, result, "KZ", dt.date(2023, 12, 1), dt.date(2024, 1, 31)
    )


@pytest.mark.parametrize("name", ["Taliban", "Талибан"])
def test_ru_clears_the_taliban_suspended_on_17_april_2025(screener: Screener, name: str) -> None:
    [result] = rescreen(screener, [name], jurisdiction="RU",
                        from_date="2025-04-01", to_date="2025-06-01")  # fmt: skip
    [change] = result.changes
    assert (change.kind, change.reason) == (ChangeKind.CLEARED, ChangeReason.SUSPENDED)
    assert change.list_id == "ru-fsb-terrorist-organisations"
    assert change.ending is not None
    assert change.ending.date == dt.date(2025, 4, 17)
    assert change.ending.basis is not None
    assert "17 Apr 2025" in change.ending.basis
    _check_against_full_screenings(screener, result, "RU", dt.date(2025, 4, 1), dt.date(2025, 6, 1))


def test_the_us_changes_nothing_for_the_taliban(screener: Screener) -> None:
    results = list(rescreen(screener, ["Taliban", "Талибан"], jurisdiction="US",
                            from_date="2023-12-01", to_date="2024-01-31"))  # fmt: skip
    assert [result.changes for result in results] == [(), ()]
    # The Taliban is a hit on both dates: unchanged, so nothing to report.
    assert screener.screen("Taliban", jurisdiction="US", as_of="2024-01-31").is_hit


def test_results_come_in_input_order_with_their_query(screener: Screener) -> None:
    names: list[Party | str] = [
        "Ivan Petrov",
        "Taliban",
        Party(name="Талибан", kind="organization"),
    ]
    results = list(rescreen(screener, names, jurisdiction="KZ",
                            from_date="2023-12-01", to_date="2024-01-31"))  # fmt: skip
    assert [result.query.name for result in results] == ["Ivan Petrov", "Taliban", "Талибан"]
    assert [len(result.cleared) for result in results] == [0, 1, 1]
    assert results[0].lists_from == screener.lists_for("KZ", "2023-12-01")
    assert results[0].lists_to == screener.lists_for("KZ", "2024-01-31")


def test_only_changed_records_are_scored(screener: Screener) -> None:
    delta = plan(screener, jurisdiction="KZ", from_date="2023-12-01", to_date="2024-01-31")
    assert list(delta.candidates) == [("kz-terrorist-organisations", "taliban")]
    assert delta.records_scored == 1
    assert delta.records_in_force > 1


# --- failing closed ----------------------------------------------------------------------


class _Counting:
    def __init__(self, names: Sequence[str]) -> None:
        self.names = names
        self.taken = 0

    def __iter__(self) -> Iterator[str]:
        for name in self.names:
            self.taken += 1
            yield name


@pytest.mark.parametrize(
    ("jurisdiction", "first", "second", "error"),
    [
        ("XX", "2023-12-01", "2024-01-31", UnknownJurisdictionError),
        ("KZ", "1990-01-01", "2024-01-31", NoCoverageError),
        ("KZ", "2023-12-01", "2099-01-01", StaleListError),
        ("KZ", "2024-01-31", "2023-12-01", InputError),
    ],
)
def test_it_fails_closed_before_reading_a_party(
    screener: Screener, jurisdiction: str, first: str, second: str, error: type[Exception]
) -> None:
    parties = _Counting(["Taliban"])
    with pytest.raises(error):
        rescreen(screener, parties, jurisdiction=jurisdiction, from_date=first, to_date=second)
    assert parties.taken == 0


def test_a_stale_date_is_accepted_when_asked(screener: Screener) -> None:
    [result] = rescreen(screener, ["Taliban"], jurisdiction="KZ", from_date="2023-12-01",
                        to_date="2099-01-01", accept_stale=True)  # fmt: skip
    assert [str(change.reason) for change in result.changes] == ["delisted"]


def test_a_blank_name_raises_at_its_row(screener: Screener) -> None:
    results = rescreen(screener, ["Taliban", " "], jurisdiction="KZ",
                       from_date="2023-12-01", to_date="2024-01-31")  # fmt: skip
    assert next(results).cleared
    with pytest.raises(InputError, match="empty"):
        next(results)


# --- each reason, on a small history -----------------------------------------------------

_INFO = ListInfo(id="snapshots", title="Snapshots", authority="test", jurisdiction="XX",
                 coverage="complete", coverage_start="2020-01-01", max_age_days=100)  # fmt: skip


def _snapshots(*versions: tuple[str, dict[str, str]]) -> list[ListVersion]:
    return [
        ListVersion(info=_INFO, published=day, digest=day, location=f"snapshots-{day}",
                    entries=[Entry(id=key, kind="person", names=[name])
                             for key, name in entries.items()])
        for day, entries in versions
    ]  # fmt: skip


def test_an_amended_name_is_a_changed_hit_new_for_one_name_cleared_for_the_other() -> None:
    versions = _snapshots(
        ("2020-01-10", {"e0": "Amir Khan Haqqani", "e1": "Olga Petrova"}),
        ("2020-02-10", {"e0": "Sergei Ivanov", "e1": "Olga Petrova"}),
    )
    policy = AppliedList("snapshots", "2020-01-01", "policy", "test")
    screener = Screener.from_versions(versions, {"XX": Jurisdiction("XX", "X", [policy])})
    first, second = dt.date(2020, 1, 20), dt.date(2020, 2, 20)
    old, new, same = rescreen(screener, ["Amir Khan Haqqani", "Sergei Ivanov", "Olga Petrova"],
                              jurisdiction="XX", from_date=first, to_date=second)  # fmt: skip
    [cleared] = old.changes
    assert (cleared.kind, cleared.reason, cleared.entry_id) == ("cleared", "changed", "e0")
    assert cleared.hit.entry.primary_name.value == "Amir Khan Haqqani"
    assert cleared.score_to is not None
    assert cleared.ending is not None
    assert (cleared.ending.date, cleared.ending.reason) == (dt.date(2020, 2, 10), "superseded")
    [appeared] = new.changes
    assert (appeared.kind, appeared.reason) == ("new", "changed")
    assert appeared.score_to is not None
    assert appeared.score_to > 0.98
    assert same.changes == ()
    for result in (old, new, same):
        _check_against_full_screenings(screener, result, "XX", first, second)


def test_a_list_the_jurisdiction_stops_or_starts_applying() -> None:
    versions = _snapshots(("2020-01-10", {"e0": "Amir Khan Haqqani"}))
    stops = AppliedList("snapshots", "2020-01-01", "policy", "test", end="2020-02-01")
    starts = AppliedList("snapshots", "2020-02-01", "policy", "test")
    other = AppliedList("other", "2020-01-01", "policy", "test")
    other_list = attrs.evolve(versions[0], info=attrs.evolve(_INFO, id="other"), entries=[])
    jurisdictions = {
        "STOPS": Jurisdiction("STOPS", "stops", [stops, other]),
        "STARTS": Jurisdiction("STARTS", "starts", [starts, other]),
    }
    screener = Screener.from_versions([*versions, other_list], jurisdictions)
    first, second = dt.date(2020, 1, 20), dt.date(2020, 2, 20)
    for code, kind, reason in (("STOPS", "cleared", "list-not-applied"),
                               ("STARTS", "new", "list-applied")):  # fmt: skip
        [result] = rescreen(screener, ["Amir Khan Haqqani"], jurisdiction=code,
                            from_date=first, to_date=second)  # fmt: skip
        [change] = result.changes
        assert (change.kind, change.reason) == (kind, reason)
        _check_against_full_screenings(screener, result, code, first, second)
    [stopped] = next(rescreen(screener, ["Amir Khan Haqqani"], jurisdiction="STOPS",
                              from_date=first, to_date=second)).changes  # fmt: skip
    assert stopped.ending is not None
    assert stopped.ending.date == dt.date(2020, 2, 1)


# --- random list histories ----------------------------------------------------------------

START = dt.date(2020, 1, 1)
SPAN = 120
_days = st.integers(0, SPAN).map(lambda offset: START + dt.timedelta(days=offset))
_REASONS = [EndReason.DELISTED, EndReason.SUSPENDED, EndReason.EXPIRED]


@st.composite
def _designations(draw: st.DrawFn) -> tuple[Designation, ...]:
    found = []
    for _ in range(draw(st.integers(1, 2))):
        start = draw(_days)
        if draw(st.booleans()):
            found.append(Designation(start=start, basis=f"listed {start}"))
            continue
        end = start + dt.timedelta(days=draw(st.integers(1, SPAN)))
        reason = draw(st.sampled_from(_REASONS))
        found.append(Designation(start=start, basis=f"listed {start}", end=end,
                                 end_reason=reason, end_basis=f"{reason} {end}"))  # fmt: skip
    return tuple(found)


@st.composite
def _histories(draw: st.DrawFn, pool: Sequence[str]) -> list[ListVersion]:
    """Versions of two lists, one published as snapshots, one stating designations."""
    versions = []
    for list_id, stated in (("snapshots", False), ("stated", True)):
        info = ListInfo(
            id=list_id, title=list_id, authority="test", jurisdiction="XX", coverage="complete",
            coverage_start=START, max_age_days=draw(st.integers(10, SPAN)),
        )  # fmt: skip
        published = sorted(set(draw(st.lists(_days, min_size=1, max_size=4))))
        for day in published:
            listed = draw(st.sets(st.integers(0, 3), max_size=4))
            names = [draw(st.lists(st.sampled_from(pool), min_size=1, max_size=2)) for _ in listed]
            entries = [
                Entry(
                    id=f"e{number}",
                    kind="person",
                    names=[Name(name) for name in entry_names],
                    designations=draw(_designations()) if stated else (),
                )
                for number, entry_names in zip(sorted(listed), names, strict=True)
            ]
            versions.append(ListVersion(info=info, published=day, digest=f"{list_id}{day}{entries}",
                                        location=f"{list_id}-{day}", entries=entries))  # fmt: skip
    return versions


@st.composite
def _jurisdiction(draw: st.DrawFn) -> Jurisdiction:
    """XX applies the snapshot list throughout and the stated list for a while, maybe."""
    start = draw(_days)
    end = draw(st.none() | st.integers(1, SPAN).map(lambda days: start + dt.timedelta(days=days)))
    return Jurisdiction(
        code="XX",
        name="X",
        lists=[
            AppliedList("snapshots", START, "always", "test"),
            AppliedList("stated", start, "for a while", "test", end=end),
        ],
    )


def _first_failure(
    screener: Screener, name: str, days: Sequence[dt.date], stale: bool
) -> type[WatchlistError] | None:
    for day in days:
        try:
            screener.screen(name, jurisdiction="XX", as_of=day, accept_stale=stale)
        except WatchlistError as error:
            return type(error)
    return None


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_rescreening_equals_the_difference_of_two_full_screenings(data: st.DataObject) -> None:
    pool = data.draw(st.lists(person_names(), min_size=2, max_size=5, unique=True))
    screener = Screener.from_versions(
        data.draw(_histories(pool)), {"XX": data.draw(_jurisdiction())}
    )
    first, second = sorted(data.draw(st.lists(_days, min_size=2, max_size=2)))
    second += dt.timedelta(days=data.draw(st.integers(0, 30)))
    names = data.draw(st.lists(st.sampled_from(pool).flatmap(
        lambda name: st.just(name) | perturbed(name)), min_size=1, max_size=3))  # fmt: skip
    threshold = data.draw(st.none() | st.sampled_from([0.5, 0.75, 0.95]))
    stale = data.draw(st.booleans())
    failure = _first_failure(screener, names[0], (first, second), stale)
    if failure is not None:
        # Rescreening fails closed exactly as the first full screening to fail.
        event(failure.__name__)
        with pytest.raises(failure):
            rescreen(screener, names, jurisdiction="XX", from_date=first, to_date=second,
                     threshold=threshold, accept_stale=stale)  # fmt: skip
        return
    results = list(
        rescreen(
            screener, names, jurisdiction="XX", from_date=first, to_date=second,
            threshold=threshold, accept_stale=stale,
        )
    )  # fmt: skip
    event(f"{sum(len(result.changes) for result in results) > 0} changes")
    for result in results:
        for change in result.changes:
            event(f"{change.kind} {change.reason}")
        _check_against_full_screenings(screener, result, "XX", first, second, threshold)


# --- the real OFAC history -----------------------------------------------------------------


def _ofac_version(path: Path) -> ListVersion:
    with warnings.catch_warnings():
        # The scraped copies are the main file alone, without aliases and addresses.
        warnings.simplefilter("ignore", IncompleteListWarning)
        return ofac_csv.parse(path, published=path.name.split("_")[1])


def _bank(start: str) -> dict[str, Jurisdiction]:
    policy = AppliedList("us-ofac-sdn", start, "The bank's sanctions policy", "https://example.com")
    return {"BANK": Jurisdiction(code="BANK", name="A bank", lists=[policy])}


@pytest.fixture(scope="module")
def daily_screener(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Screener:
    """A bank applying OFAC's SDN list, over four daily copies unpacked once from the archive."""
    target = tmp_path_factory.mktemp("ofac_daily")
    wanted = {f"./{name}" for name in DAILY_FILES}
    with tarfile.open(shared_data / DAILY) as archive:
        for member in archive:
            if member.name in wanted:
                archive.extract(member, target, filter="data")
                wanted.discard(member.name)
            if not wanted:
                break
    assert not wanted, f"missing from the archive: {sorted(wanted)}"
    versions = [_ofac_version(target / name) for name in DAILY_FILES]
    return Screener.from_versions(versions, _bank("2021-11-18"))


@pytest.mark.shared_data
def test_ofac_a_week_of_deroji(shared_data: Path) -> None:
    folder = shared_data / "ofac_sdn" / "snapshots"
    screener = Screener.from_versions(
        [_ofac_version(folder / name) for name in SNAPSHOTS], _bank("2022-11-23")
    )
    first, second = dt.date(2022, 11, 23), dt.date(2022, 11, 30)
    delta = plan(screener, jurisdiction="BANK", from_date=first, to_date=second)
    assert {entry_id for _, entry_id in delta.candidates} == {"40076", "40077", "40078", "40096"}
    names = ["DEROJI, Mufti Hazrat", "Hazrat Deroji", "Osama Mehmood", "Taliban", "Anna Schmidt"]
    results = list(rescreen(screener, names, jurisdiction="BANK", from_date=first,
                            to_date=second))  # fmt: skip
    [deroji] = results[0].changes
    assert (deroji.kind, deroji.reason, deroji.entry_id) == (ChangeKind.NEW, "added", "40096")
    assert deroji.designation.start == second
    assert deroji.score_from is None
    assert results[3].changes == results[4].changes == ()
    for result in results:
        _check_against_full_screenings(screener, result, "BANK", first, second)


@pytest.mark.shared_data
@pytest.mark.parametrize(
    ("first", "second"), [("2021-11-18", "2021-11-22"), ("2021-12-22", "2021-12-30")]
)
def test_ofac_daily_changes_equal_two_full_screenings(
    daily_screener: Screener, first: str, second: str
) -> None:
    day_1, day_2 = dt.date.fromisoformat(first), dt.date.fromisoformat(second)
    delta = plan(daily_screener, jurisdiction="BANK", from_date=day_1, to_date=day_2)
    # Parties: names of the entries that changed, a variation of one, and two that did not.
    changed = sorted({records[0].record.primary_name.value for records in
                      delta.candidates.values()})[:4]  # fmt: skip
    names = [*changed, " ".join(reversed(changed[0].replace(",", "").split())), "TALIBAN",
             "Maria Garcia"]  # fmt: skip
    results = list(rescreen(daily_screener, names, jurisdiction="BANK", from_date=day_1,
                            to_date=day_2))  # fmt: skip
    assert any(result.changes for result in results)
    for result in results:
        _check_against_full_screenings(daily_screener, result, "BANK", day_1, day_2)


@pytest.mark.shared_data
def test_ofac_removals_are_cleared_as_delisted(daily_screener: Screener) -> None:
    day_1, day_2 = dt.date(2021, 12, 22), dt.date(2021, 12, 30)
    delta = plan(daily_screener, jurisdiction="BANK", from_date=day_1, to_date=day_2)
    removed = next(
        records[0].record
        for records in delta.candidates.values()
        if records[0].on_to is None and len(records) == 1
    )
    [result] = rescreen(daily_screener, [removed.primary_name.value], jurisdiction="BANK",
                        from_date=day_1, to_date=day_2)  # fmt: skip
    [change] = [change for change in result.changes if change.entry_id == removed.id]
    assert (change.kind, change.reason) == (ChangeKind.CLEARED, ChangeReason.DELISTED)
    assert change.ending is not None
    assert change.ending.date == day_2


@pytest.mark.shared_data
def test_ofac_a_rename_is_scored_on_both_dates(daily_screener: Screener) -> None:
    day_1, day_2 = dt.date(2021, 11, 18), dt.date(2021, 11, 22)
    delta = plan(daily_screener, jurisdiction="BANK", from_date=day_1, to_date=day_2)
    records = delta.candidates["us-ofac-sdn", "23629"]
    assert [record.record.primary_name.value for record in records] == [
        "INAYATULLAH",
        "INAYATULLAH, Maulawi",
    ]
    [result] = rescreen(daily_screener, ["Inayatullah"], jurisdiction="BANK",
                        from_date=day_1, to_date=day_2, threshold=1.0)  # fmt: skip
    _check_against_full_screenings(daily_screener, result, "BANK", day_1, day_2, 1.0)


@pytest.mark.shared_data
@settings(max_examples=12, deadline=None)
@given(data=st.data())
def test_ofac_rescreening_equals_two_full_screenings_for_drawn_parties(
    daily_screener: Screener, data: st.DataObject
) -> None:
    first, second = data.draw(
        st.sampled_from(
            [
                (dt.date(2021, 11, 18), dt.date(2021, 11, 22)),
                (dt.date(2021, 12, 22), dt.date(2021, 12, 30)),
                (dt.date(2021, 11, 18), dt.date(2021, 12, 30)),
            ]
        )
    )
    delta = plan(daily_screener, jurisdiction="BANK", from_date=first, to_date=second)
    changed = sorted(
        {found.record.primary_name.value for records in delta.candidates.values()
         for found in records}
    )  # fmt: skip
    name = data.draw(st.sampled_from(changed).flatmap(lambda name: st.just(name) | perturbed(name)))
    [result] = rescreen(daily_screener, [name], jurisdiction="BANK", from_date=first,
                        to_date=second)  # fmt: skip
    event(f"{bool(result.changes)} changes")
    _check_against_full_screenings(daily_screener, result, "BANK", first, second)


def test_decisions_are_applied_to_new_hits_as_full_screening_applies_them() -> None:
    versions = _snapshots(
        ("2020-01-10", {"e0": "Amir Khan Haqqani"}),
        ("2020-02-10", {"e0": "Sergei Ivanov"}),
    )
    policy = AppliedList("snapshots", "2020-01-01", "policy", "test")
    screener = Screener.from_versions(versions, {"XX": Jurisdiction("XX", "X", [policy])})
    first, second = dt.date(2020, 1, 20), dt.date(2020, 2, 20)
    party = Party(name="Sergei Ivanov", customer_id="C1")
    [hit] = screener.screen(party, jurisdiction="XX", as_of=second).hits
    decision = Decision(
        customer_id="C1",
        list_id="snapshots",
        entry_id="e0",
        outcome="cleared",
        decided_by="a.analyst",
        decided_at="2020-02-15T12:00:00Z",
        reason="another Sergei Ivanov",
        customer_digest=customer_digest(party),
        entry_digest=hit.entry.content_digest,
    )
    log = DecisionLog(latest=[decision])
    other = attrs.evolve(party, customer_id="C2")
    mine, theirs = rescreen(screener, [party, other], jurisdiction="XX", from_date=first,
                            to_date=second, decisions=log)  # fmt: skip
    [appeared] = mine.changes
    assert appeared.kind is ChangeKind.NEW
    assert appeared.hit.status is HitStatus.CLEARED
    assert not appeared.alerts
    assert mine.alerts == ()
    [alerting] = theirs.alerts
    assert alerting.hit.status is HitStatus.ALERT
    full = screener.screen(party, jurisdiction="XX", as_of=second, decisions=log)
    assert [h.status for h in full.hits] == [appeared.hit.status]
    # A decision on other content of the entry does not clear it, and says why.
    stale = DecisionLog(latest=[attrs.evolve(decision, entry_digest="f" * 64)])
    [again] = next(
        rescreen(screener, [party], jurisdiction="XX", from_date=first, to_date=second,
                 decisions=stale)
    ).changes  # fmt: skip
    assert again.alerts
    assert again.hit.lapsed is not None
    assert "entry changed" in again.hit.lapsed
