from __future__ import annotations

import datetime as dt
import json
import multiprocessing
from pathlib import Path

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.screening.test_screener import screener_over
from tests.strategies import customer_ids, decision_times, entries, entry_changes, names
from watchlist import (
    Decision,
    DecisionFileError,
    DecisionLog,
    DecisionOutcome,
    Designation,
    Entry,
    HitStatus,
    Party,
)
from watchlist.screening.decisions import (
    append_decision,
    customer_digest,
    decision_line,
    loaded_entries,
)

AS_OF = dt.date(2026, 6, 1)
ALWAYS = [Designation(start="2000-01-01", basis="test")]
LIST = "xx-list"


def _entry(entry_id: str, name: str) -> Entry:
    return Entry(id=entry_id, kind="person", names=[name], designations=ALWAYS)


def _cleared(
    party: Party, entry: Entry, *, outcome: str = "cleared", expires: str | None = None
) -> Decision:
    assert party.customer_id is not None
    return Decision(
        customer_id=party.customer_id,
        list_id=LIST,
        entry_id=entry.id,
        outcome=outcome,
        decided_by="a.analyst",
        decided_at="2026-01-02T10:00:00+00:00",
        reason="other date of birth",
        customer_digest=customer_digest(party),
        entry_digest=entry.content_digest,
        expires=expires,
        line=1,
    )


def _log(*decisions: Decision) -> DecisionLog:
    return DecisionLog(latest=decisions)


@given(
    entry=entries(),
    customer=customer_ids,
    other=customer_ids,
    data=st.data(),
    decided_at=decision_times(),
)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_a_decision_never_hides_a_hit_for_another_customer_entry_or_content(
    entry: Entry, customer: str, other: str, data: st.DataObject, decided_at: dt.datetime
) -> None:
    entry = attrs.evolve(entry, designations=ALWAYS)
    name = entry.names[0].value
    party = Party(name=name, customer_id=customer)
    decision = attrs.evolve(_cleared(party, entry), decided_at=decided_at)
    log = _log(decision)
    screener = screener_over(entry)
    result = screener.screen(party, jurisdiction="XX", as_of=AS_OF, decisions=log)
    assert result.hits
    assert all(hit.status is HitStatus.CLEARED for hit in result.hits)
    assert result.hits[0].decision == decision
    assert result.alerts == ()
    # Another customer with the same name: the decision is not theirs.
    if other != customer:
        someone = Party(name=name, customer_id=other)
        result = screener.screen(someone, jurisdiction="XX", as_of=AS_OF, decisions=log)
        assert result.hits
        assert all(hit.status is HitStatus.ALERT for hit in result.hits)
    # Another entry of the same name: the decision is not about it.
    twin = attrs.evolve(entry, id=entry.id + "-twin")
    result = screener_over(entry, twin).screen(party, jurisdiction="XX", as_of=AS_OF, decisions=log)
    statuses = {hit.entry_id: hit.status for hit in result.hits}
    assert statuses[twin.id] is HitStatus.ALERT
    assert statuses[entry.id] is HitStatus.CLEARED
    # The entry's content changed: the hit alerts again, saying why.
    changed = data.draw(entry_changes(entry))
    assert changed.content_digest != entry.content_digest
    result = screener_over(changed).screen(party, jurisdiction="XX", as_of=AS_OF, decisions=log)
    for hit in result.hits:
        assert hit.status is HitStatus.ALERT
        assert hit.lapsed is not None
        assert "entry changed" in hit.lapsed


def test_the_customers_data_changing_reopens_the_decision_but_not_its_spelling() -> None:
    entry = _entry("e1", "Mohammed Ali Khan")
    party = Party(
        name="Mohammed Ali Khan", birth_date="1970-05-01", nationalities=["PK"], customer_id="C1"
    )
    log = _log(_cleared(party, entry))
    screener = screener_over(entry)
    respelt = Party(
        name="  MOHAMMED  ali khan ",
        birth_date="1970-05-01",
        nationalities=["pk"],
        customer_id="C1",
    )
    assert customer_digest(respelt) == customer_digest(party)
    result = screener.screen(respelt, jurisdiction="XX", as_of=AS_OF, decisions=log)
    assert [hit.status for hit in result.hits] == [HitStatus.CLEARED]
    moved = attrs.evolve(party, birth_date="1971-05-01")
    result = screener.screen(moved, jurisdiction="XX", as_of=AS_OF, decisions=log)
    assert [hit.status for hit in result.hits] == [HitStatus.ALERT]
    assert result.hits[0].lapsed is not None
    assert "customer's data changed" in result.hits[0].lapsed


def test_remarks_and_sources_do_not_change_an_entrys_digest() -> None:
    entry = _entry("e1", "Mohammed Ali Khan")
    reworded = attrs.evolve(entry, remarks="re-worded remark", sources=["https://example.org"])
    assert reworded.content_digest == entry.content_digest
    assert attrs.evolve(entry, kind="organization").content_digest != entry.content_digest


def test_revoking_restores_the_alert_and_says_so(tmp_path: Path) -> None:
    entry = _entry("e1", "Mohammed Ali Khan")
    party = Party(name="Mohammed Ali Khan", customer_id="C1")
    path = tmp_path / "decisions.jsonl"
    append_decision(path, _cleared(party, entry))
    screener = screener_over(entry)
    result = screener.screen(
        party, jurisdiction="XX", as_of=AS_OF, decisions=DecisionLog.load(path)
    )
    assert [hit.status for hit in result.hits] == [HitStatus.CLEARED]
    revocation = Decision(
        customer_id="C1",
        list_id=LIST,
        entry_id="e1",
        outcome="revoked",
        decided_by="b.supervisor",
        decided_at="2026-02-01T09:00:00Z",
        reason="cleared by mistake",
    )
    append_decision(path, revocation)
    log = DecisionLog.load(path)
    assert log.lines == 2
    assert log.current == ()
    result = screener.screen(party, jurisdiction="XX", as_of=AS_OF, decisions=log)
    assert [hit.status for hit in result.hits] == [HitStatus.ALERT]
    assert result.hits[0].lapsed is not None
    assert "revoked" in result.hits[0].lapsed


def test_the_latest_line_for_a_key_wins(tmp_path: Path) -> None:
    entry = _entry("e1", "Mohammed Ali Khan")
    party = Party(name="Mohammed Ali Khan", customer_id="C1")
    path = tmp_path / "decisions.jsonl"
    append_decision(path, _cleared(party, entry))
    append_decision(path, _cleared(party, entry, outcome="confirmed"))
    log = DecisionLog.load(path)
    assert [d.outcome for d in log.current] == [DecisionOutcome.CONFIRMED]
    result = screener_over(entry).screen(party, jurisdiction="XX", as_of=AS_OF, decisions=log)
    # A confirmed match keeps alerting, with the decision attached.
    assert [hit.status for hit in result.hits] == [HitStatus.ALERT]
    assert result.hits[0].decision is not None
    assert result.hits[0].decision.line == 2


def test_a_decision_expires_on_its_day_as_of_the_screening() -> None:
    entry = _entry("e1", "Mohammed Ali Khan")
    party = Party(name="Mohammed Ali Khan", customer_id="C1")
    log = _log(_cleared(party, entry, expires="2026-06-01"))
    screener = screener_over(entry)
    before = screener.screen(party, jurisdiction="XX", as_of="2026-05-31", decisions=log)
    on = screener.screen(party, jurisdiction="XX", as_of="2026-06-01", decisions=log)
    assert [hit.status for hit in before.hits] == [HitStatus.CLEARED]
    assert [hit.status for hit in on.hits] == [HitStatus.ALERT]
    assert on.hits[0].lapsed is not None
    assert "expired on 2026-06-01" in on.hits[0].lapsed


def test_a_decision_made_after_the_as_of_date_applies_and_the_audit_shows_when() -> None:
    entry = _entry("e1", "Mohammed Ali Khan")
    party = Party(name="Mohammed Ali Khan", customer_id="C1")
    decision = _cleared(party, entry)  # decided 2026-01-02
    log = _log(decision)
    result = screener_over(entry).screen(
        party, jurisdiction="XX", as_of="2025-01-01", decisions=log
    )
    assert [hit.status for hit in result.hits] == [HitStatus.CLEARED]
    (applied,) = log.audit([decision])["applied"]
    assert applied["decided_at"] == "2026-01-02T10:00:00+00:00"


def test_a_party_without_a_customer_id_gets_no_decision() -> None:
    entry = _entry("e1", "Mohammed Ali Khan")
    log = _log(_cleared(Party(name="Mohammed Ali Khan", customer_id="C1"), entry))
    result = screener_over(entry).screen(
        "Mohammed Ali Khan", jurisdiction="XX", as_of=AS_OF, decisions=log
    )
    assert [hit.status for hit in result.hits] == [HitStatus.ALERT]
    assert result.hits[0].lapsed is None


def test_without_decisions_results_are_unchanged() -> None:
    entry = _entry("e1", "Mohammed Ali Khan")
    screener = screener_over(entry)
    party = Party(name="Mohammed Ali Khan", customer_id="C1")
    plain = screener.screen(party, jurisdiction="XX", as_of=AS_OF)
    empty = screener.screen(party, jurisdiction="XX", as_of=AS_OF, decisions=_log())
    assert plain == empty
    assert all(hit.decision is None and hit.lapsed is None for hit in plain.hits)
    assert Party(name="x") == Party(name="x", customer_id=None)


def test_screen_many_applies_decisions_in_worker_runs_too() -> None:
    entry = _entry("e1", "Mohammed Ali Khan")
    party = Party(name="Mohammed Ali Khan", customer_id="C1")
    log = _log(_cleared(party, entry))
    screener = screener_over(entry)
    rows = [party, attrs.evolve(party, customer_id="C2")] * 3
    one = list(screener.screen_many(rows, jurisdiction="XX", as_of=AS_OF, decisions=log, workers=1))
    two = list(screener.screen_many(rows, jurisdiction="XX", as_of=AS_OF, decisions=log, workers=2))
    assert one == two
    assert [result.hits[0].status for result in one] == [HitStatus.CLEARED, HitStatus.ALERT] * 3


def _line(**changes: object) -> str:
    entry = _entry("e1", "Mohammed Ali Khan")
    record = json.loads(decision_line(_cleared(Party(name="M", customer_id="C1"), entry)))
    record.update(changes)
    return json.dumps({key: value for key, value in record.items() if value != "<drop>"})


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "not a JSON object"),
        ('["a", "list"]', "not a JSON object but a list"),
        (_line(outcome="maybe"), "unknown outcome 'maybe'"),
        (_line(entry_id="<drop>"), "missing field entry_id"),
        (_line(reason=""), "missing field reason"),
        (_line(entry_digest="<drop>"), "missing field entry_digest"),
        (_line(expires="next year"), "expires"),
        (_line(decided_at="2026-01-02T10:00:00"), "UTC offset"),
        (_line(version=2), "version must be 1"),
        (_line(expiry="2027-01-01"), "unknown field expiry"),
        (_line(entry_digest="abc"), "SHA-256"),
        ("", "a blank line"),
    ],
)
def test_a_bad_line_is_an_error_naming_the_file_and_line(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "decisions.jsonl"
    path.write_text(_line() + "\n" + text + "\n" + _line() + "\n", encoding="utf-8")
    with pytest.raises(DecisionFileError, match=message) as caught:
        DecisionLog.load(path)
    assert caught.value.line == 2
    assert caught.value.path == path
    assert f"{path}:2: " in str(caught.value)


def test_a_file_that_is_not_json_lines_is_an_error_on_its_first_line(tmp_path: Path) -> None:
    path = tmp_path / "decisions.csv"
    path.write_text("customer_id,list_id\nC1,xx\n", encoding="utf-8")
    with pytest.raises(DecisionFileError, match="not a JSON object") as caught:
        DecisionLog.load(path)
    assert caught.value.line == 1
    whole = tmp_path / "decisions.json"
    whole.write_text(json.dumps([json.loads(_line())], indent=2), encoding="utf-8")
    with pytest.raises(DecisionFileError) as caught:
        DecisionLog.load(whole)
    assert caught.value.line == 1


def test_a_missing_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(DecisionFileError, match="no such decisions file"):
        DecisionLog.load(tmp_path / "none.jsonl")


def test_nothing_is_appended_to_a_malformed_file(tmp_path: Path) -> None:
    path = tmp_path / "decisions.jsonl"
    path.write_text("{oops\n", encoding="utf-8")
    entry = _entry("e1", "Mohammed Ali Khan")
    with pytest.raises(DecisionFileError):
        append_decision(path, _cleared(Party(name="M", customer_id="C1"), entry))
    assert path.read_text(encoding="utf-8") == "{oops\n"


def _add_many(path: str, worker: int, count: int) -> None:
    entry = _entry("e1", "Mohammed Ali Khan")
    for k in range(count):
        party = Party(name="Mohammed Ali Khan", customer_id=f"W{worker}-{k}")
        append_decision(path, attrs.evolve(_cleared(party, entry), reason="x" * 5000))


def test_concurrent_adds_from_two_processes_lose_no_line(tmp_path: Path) -> None:
    path = tmp_path / "decisions.jsonl"
    context = multiprocessing.get_context("spawn")
    processes = [context.Process(target=_add_many, args=(str(path), k, 40)) for k in range(2)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=120)
        assert process.exitcode == 0
    log = DecisionLog.load(path)
    assert log.lines == 80
    assert {d.customer_id for d in log.current} == {
        f"W{worker}-{k}" for worker in range(2) for k in range(40)
    }


def test_a_decision_for_an_unknown_entry_is_found() -> None:
    entry = _entry("e1", "Mohammed Ali Khan")
    party = Party(name="M", customer_id="C1")
    known, unknown = _cleared(party, entry), _cleared(party, _entry("nope", "Someone"))
    log = _log(known, attrs.evolve(unknown, line=2))
    screener = screener_over(entry)
    assert log.unknown_entries(loaded_entries(screener.timelines)) == (
        attrs.evolve(unknown, line=2),
    )
    with pytest.warns(UserWarning, match="'nope'.*no loaded list has that entry"):
        messages = log.warn_unknown(loaded_entries(screener.timelines))
    assert len(messages) == 1


@given(name=names, data=st.data(), year=st.integers(1930, 2005))
@settings(max_examples=100)
def test_the_customer_digest_ignores_spelling_noise_but_not_the_date_of_birth(
    name: str, data: st.DataObject, year: int
) -> None:
    party = Party(name=name, birth_date=str(year), nationalities=["kz"], customer_id="C1")
    words = name.split()
    noisy = "  ".join(
        word.upper() if data.draw(st.booleans(), label="upper") else word for word in words
    )
    same = Party(name=f" {noisy} ", birth_date=str(year), nationalities=["KZ"], customer_id="C9")
    assert customer_digest(same) == customer_digest(party)
    assert customer_digest(attrs.evolve(party, birth_date=str(year + 1))) != customer_digest(party)


def test_a_decision_log_can_be_evolved() -> None:
    entry = _entry("e1", "Mohammed Ali Khan")
    log = _log(_cleared(Party(name="M", customer_id="C1"), entry))
    assert attrs.evolve(log, sha256="x").latest == log.latest
