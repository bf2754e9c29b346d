"""``watchlist decisions`` and ``--decisions`` on ``screen`` and ``rescreen``, run as real
commands in a subprocess: clearing hits from rows of the output, as an analyst would."""

from __future__ import annotations

import hashlib
import json
import subprocess
from pathlib import Path

from tests.cli.running import read_csv, run_watchlist

ROOT = Path(__file__).resolve().parents[2]
COUNTERPARTIES = ROOT / "lists" / "examples" / "counterparties.csv"
COLUMNS = (
    "--id-column", "id", "--kind-column", "kind", "--dob-column", "birth_date",
    "--nationality-column", "nationality",
)  # fmt: skip
SCREEN = ("-j", "KZ", "--as-of", "2024-06-01", *COLUMNS)


def _clear(row: dict[str, str], decisions: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return run_watchlist(
        "decisions", "add", decisions,
        "--customer-id", row["input_id"], "--list", row["list"], "--entry", row["entry_id"],
        "--customer-digest", row["customer_digest"], "--entry-digest", row["entry_digest"],
        "--outcome", "cleared", "--reason", "other date of birth, passport seen",
        "--by", "a.analyst", cwd=cwd,
    )  # fmt: skip


def test_a_run_whose_hits_are_all_cleared_exits_0_and_revoking_restores_the_alert(
    tmp_path: Path,
) -> None:
    first = run_watchlist("screen", COUNTERPARTIES, *SCREEN, "-o", "hits.csv", cwd=tmp_path)
    assert first.returncode == 1, first.stderr
    hits = read_csv(tmp_path / "hits.csv")
    assert hits
    assert {row["status"] for row in hits} == {"alert"}
    decisions = tmp_path / "decisions.jsonl"
    for row in hits:
        added = _clear(row, decisions, tmp_path)
        assert added.returncode == 0, added.stderr
    assert len(decisions.read_text(encoding="utf-8").splitlines()) == len(hits)

    again = run_watchlist(
        "screen", COUNTERPARTIES, *SCREEN, "-o", "rows.csv", "--per-row",
        "--decisions", decisions, cwd=tmp_path,
    )  # fmt: skip
    assert again.returncode == 0, again.stderr
    assert f"alerts: 0 in 0 rows; cleared by a decision: {len(hits)}" in again.stderr
    rows = read_csv(tmp_path / "rows.csv")
    cleared = [row for row in rows if row["outcome"] == "cleared"]
    assert {row["input_id"] for row in cleared} == {row["input_id"] for row in hits}
    assert all(row["status"] == "cleared" for row in cleared)
    assert all(row["decided_by"] == "a.analyst" for row in cleared)
    assert all(row["alert_count"] == "0" for row in rows)
    audit = json.loads((tmp_path / "rows.audit.json").read_text(encoding="utf-8"))
    assert audit["decisions"]["sha256"] == hashlib.sha256(decisions.read_bytes()).hexdigest()
    assert len(audit["decisions"]["applied"]) == len(hits)
    assert audit["decisions"]["cleared"] == len(hits)

    listed = run_watchlist("decisions", "list", decisions, cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    assert len(listed.stdout.splitlines()) == len(hits)

    row = hits[0]
    revoked = run_watchlist(
        "decisions", "revoke", decisions, "--customer-id", row["input_id"],
        "--list", row["list"], "--entry", row["entry_id"], "--reason", "cleared in error",
        "--by", "b.supervisor", cwd=tmp_path,
    )  # fmt: skip
    assert revoked.returncode == 0, revoked.stderr
    last = run_watchlist(
        "screen", COUNTERPARTIES, *SCREEN, "-o", "last.csv", "--decisions", decisions,
        cwd=tmp_path,
    )  # fmt: skip
    assert last.returncode == 1, last.stderr
    alerts = [r for r in read_csv(tmp_path / "last.csv") if r["status"] == "alert"]
    assert [(r["input_id"], r["entry_id"]) for r in alerts] == [(row["input_id"], row["entry_id"])]
    assert "revoked by b.supervisor" in alerts[0]["decision_lapsed"]


def test_a_run_without_decisions_reports_every_hit_as_an_alert(tmp_path: Path) -> None:
    result = run_watchlist("screen", COUNTERPARTIES, *SCREEN, "-o", "hits.jsonl", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert "alerts:" not in result.stderr
    records = [json.loads(line) for line in (tmp_path / "hits.jsonl").read_text().splitlines()]
    assert {record["status"] for record in records} == {"alert"}
    assert {record["decided_by"] for record in records} == {None}
    audit = json.loads((tmp_path / "hits.audit.json").read_text(encoding="utf-8"))
    assert "decisions" not in audit


def test_a_malformed_decisions_file_exits_2_naming_the_line(tmp_path: Path) -> None:
    decisions = tmp_path / "decisions.jsonl"
    decisions.write_text('{"version": 1, "outcome": "cleared"}\n', encoding="utf-8")
    result = run_watchlist(
        "screen", COUNTERPARTIES, *SCREEN, "-o", "hits.csv", "--decisions", decisions,
        cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 2
    assert f"{decisions}:1: missing field customer_id" in result.stderr
    assert not (tmp_path / "hits.csv").exists()
    listed = run_watchlist("decisions", "list", decisions, cwd=tmp_path)
    assert listed.returncode == 2
    assert ":1: missing field" in listed.stderr


def test_decisions_need_the_id_column(tmp_path: Path) -> None:
    decisions = tmp_path / "decisions.jsonl"
    decisions.write_text("", encoding="utf-8")
    result = run_watchlist(
        "screen", COUNTERPARTIES, "-j", "KZ", "--as-of", "2024-06-01", "-o", "hits.csv",
        "--decisions", decisions, cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 2
    assert "--id-column" in result.stderr


def test_a_decision_for_an_unknown_entry_is_a_warning(tmp_path: Path) -> None:
    decisions = tmp_path / "decisions.jsonl"
    row = {
        "input_id": "C001", "list": "un-sc-excerpt", "entry_id": "NO.SUCH",
        "customer_digest": "a" * 64, "entry_digest": "b" * 64,
    }  # fmt: skip
    added = _clear(row, decisions, tmp_path)
    assert added.returncode == 0, added.stderr
    assert "warning" in added.stderr
    assert "'NO.SUCH'" in added.stderr
    result = run_watchlist(
        "screen", COUNTERPARTIES, *SCREEN, "-o", "hits.csv", "--decisions", decisions,
        cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 1, result.stderr
    assert "watchlist: warning:" in result.stderr
    assert "'NO.SUCH'" in result.stderr
    audit = json.loads((tmp_path / "hits.audit.json").read_text(encoding="utf-8"))
    assert len(audit["decisions"]["warnings"]) == 1


def test_rescreen_applies_decisions_to_new_hits(tmp_path: Path) -> None:
    customers = tmp_path / "customers.csv"
    customers.write_text(
        "id,name,kind\nK1,Taliban,organization\nK2,John Smith,person\n", encoding="utf-8"
    )
    args = ("-j", "KZ", "--from", "2005-01-01", "--to", "2005-06-01", "--id-column", "id")
    first = run_watchlist("rescreen", customers, *args, "-o", "changes.csv", cwd=tmp_path)
    assert first.returncode == 1, first.stderr
    changes = read_csv(tmp_path / "changes.csv")
    assert [change["change"] for change in changes] == ["new"]
    decisions = tmp_path / "decisions.jsonl"
    assert _clear(changes[0], decisions, tmp_path).returncode == 0
    again = run_watchlist(
        "rescreen", customers, *args, "-o", "again.csv", "--decisions", decisions, cwd=tmp_path
    )
    assert again.returncode == 0, again.stderr
    assert "new hits cleared by a decision: 1" in again.stderr
    [change] = read_csv(tmp_path / "again.csv")
    assert change["status"] == "cleared"
    assert change["decided_by"] == "a.analyst"


def _add_from(output: str, *key: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return run_watchlist(
        "decisions", "add", "decisions.jsonl", "--from-output", output, *key,
        "--outcome", "cleared", "--reason", "passport seen", "--by", "a.analyst", cwd=cwd,
    )  # fmt: skip


def test_add_takes_the_digests_from_csv_or_json_lines_output(tmp_path: Path) -> None:
    for output in ("hits.csv", "hits.jsonl"):
        run = run_watchlist("screen", COUNTERPARTIES, *SCREEN, "-o", output, cwd=tmp_path)
        assert run.returncode == 1, run.stderr
    row = next(r for r in read_csv(tmp_path / "hits.csv") if r["input_id"] == "C006")
    key = ("--row", "C006", "--list", row["list"], "--entry", row["entry_id"])
    for output in ("hits.csv", "hits.jsonl"):
        added = _add_from(output, *key, cwd=tmp_path)
        assert added.returncode == 0, added.stderr
    lines = (tmp_path / "decisions.jsonl").read_text(encoding="utf-8").splitlines()
    for line in lines:
        decision = json.loads(line)
        assert decision["customer_id"] == "C006"
        assert decision["customer_digest"] == row["customer_digest"]
        assert decision["entry_digest"] == row["entry_digest"]
    again = run_watchlist(
        "screen", COUNTERPARTIES, *SCREEN, "-o", "again.csv", "--decisions", "decisions.jsonl",
        cwd=tmp_path,
    )  # fmt: skip
    assert again.returncode == 1, again.stderr
    assert "cleared by a decision: 1" in again.stderr
    cleared = [r for r in read_csv(tmp_path / "again.csv") if r["status"] == "cleared"]
    assert [(r["input_id"], r["entry_id"]) for r in cleared] == [("C006", row["entry_id"])]


def test_add_from_output_exits_2_naming_a_missing_or_ambiguous_hit(tmp_path: Path) -> None:
    header = "line,input_id,input_name,list,entry_id,customer_digest,entry_digest\n"
    (tmp_path / "hits.csv").write_text(
        header
        + f"2,C1,A,un,E1,{'a' * 64},{'b' * 64}\n"
        + f"3,C1,A,un,E2,{'a' * 64},{'c' * 64}\n"
        + f"4,C2,B,un,E1,{'d' * 64},{'b' * 64}\n"
        + f"5,C2,B,un,E1,{'e' * 64},{'b' * 64}\n",
        encoding="utf-8",
    )
    cases = {
        ("--row", "C9", "--list", "un", "--entry", "E1"): "no record has input_id 'C9'",
        ("--row", "C1", "--list", "un", "--entry", "E3"): "its hits: un E1, un E2",
        ("--row", "C2", "--list", "un", "--entry", "E1"): "different digests for input_id 'C2'",
    }
    for key, message in cases.items():
        added = _add_from("hits.csv", *key, cwd=tmp_path)
        assert added.returncode == 2, added.stderr
        assert message in added.stderr
    assert not (tmp_path / "decisions.jsonl").exists()
    both = run_watchlist(
        "decisions", "add", "decisions.jsonl", "--from-output", "hits.csv",
        "--customer-digest", "a" * 64, "--row", "C1", "--list", "un", "--entry", "E1",
        "--outcome", "cleared", "--reason", "x", cwd=tmp_path,
    )  # fmt: skip
    assert both.returncode == 2
    assert "not allowed with" in both.stderr
    ok = _add_from("hits.csv", "--row", "C1", "--list", "un", "--entry", "E2", cwd=tmp_path)
    assert ok.returncode == 0, ok.stderr
    assert json.loads((tmp_path / "decisions.jsonl").read_text())["entry_digest"] == "c" * 64
