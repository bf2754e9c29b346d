"""The one output schema: the columns and records of the CSV and JSON Lines output of
``screen_file`` and ``rescreen_file``, of the Spark DataFrame, and of the rejects file, and
the audit record's list versions.

A new column is added here, in its column tuple and in the record that fills it; every output
takes both from here. In CSV output every cell that starts with ``=``, ``+``, ``-``, ``@``, a
tab or a carriage return is prefixed with ``'`` (:func:`neutralise`) so that a spreadsheet
shows it as text instead of running it as a formula.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any, Literal

from watchlist.batch.reader import RAW_TEXT_LIMIT
from watchlist.model import Hit, ListUse, Party
from watchlist.screening.decisions import customer_digest
from watchlist.screening.rescreen import Change, ChangeKind, DeltaPlan

#: Cell prefixes that make a spreadsheet evaluate a cell (formula injection, OWASP).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


OutputFormat = Literal["csv", "jsonl"]


HIT_COLUMNS = (
    "list",
    "entry_id",
    "matched_name",
    "score",
    "explanation",
    "designation_basis",
    "list_version",
    "list_digest",
)


INPUT_COLUMNS = ("line", "input_id", "input_name")


#: Columns of a hit's review against recorded decisions: ``status`` is ``alert`` or
#: ``cleared``; the two digests are what ``watchlist decisions add`` records from the row;
#: ``decided_by`` and ``decision_reason`` name the decision that applies, and
#: ``decision_lapsed`` says why the latest decision on the hit no longer applies.
DECISION_COLUMNS = (
    "status",
    "entry_digest",
    "customer_digest",
    "decided_by",
    "decision_reason",
    "decision_lapsed",
)


#: Columns of the default output: one row per hit.
PER_HIT_COLUMNS = (*INPUT_COLUMNS, *HIT_COLUMNS, *DECISION_COLUMNS)


#: Columns of the ``per_row`` CSV output: one row per input row, with its best hit (its best
#: alerting hit, when it has one). ``outcome`` is ``clear``, ``hit``, ``cleared`` (every hit
#: covered by a ``cleared`` decision) or ``error``; ``alert_count`` counts the hits that alert.
PER_ROW_COLUMNS = (
    *INPUT_COLUMNS,
    "outcome",
    "hit_count",
    *HIT_COLUMNS,
    "error",
    "alert_count",
    *DECISION_COLUMNS,
)


REJECT_COLUMNS = ("line", "reason", "detail", "raw")


def neutralise(cell: str) -> str:
    """``cell`` made safe to open in a spreadsheet: a leading ``'`` when it could be a formula."""
    return "'" + cell if cell.startswith(FORMULA_PREFIXES) else cell


def input_record(line: int, input_id: str, input_name: str) -> dict[str, Any]:
    """The :data:`INPUT_COLUMNS` of an output record: long ids and names are cut short."""
    return {
        "line": line,
        "input_id": truncated(input_id),
        "input_name": truncated(input_name),
    }


def hit_record(hit: Hit, lists_used: Mapping[str, ListUse]) -> dict[str, Any]:
    """The :data:`HIT_COLUMNS` of an output record for ``hit``, before CSV cell formatting.

    ``lists_used`` maps each list id to the version the screening used (its publication date
    and digest are reported beside the hit).
    """
    use = lists_used[hit.list_id]
    return {
        "list": hit.list_id,
        "entry_id": hit.entry_id,
        "matched_name": hit.matched_name.value,
        "score": round(hit.score, 4),
        "explanation": hit.match.explanation,
        "designation_basis": hit.designation.basis,
        "list_version": use.published.isoformat(),
        "list_digest": use.digest,
    }


def decision_record(hit: Hit, party: Party) -> dict[str, Any]:
    """The :data:`DECISION_COLUMNS` of an output record for ``hit`` of ``party``."""
    decision = hit.decision
    return {
        "status": str(hit.status),
        "entry_digest": hit.entry.content_digest,
        "customer_digest": customer_digest(party),
        "decided_by": None if decision is None else decision.decided_by,
        "decision_reason": None if decision is None else decision.reason,
        "decision_lapsed": hit.lapsed,
    }


def truncated(text: str) -> str:
    """``text``, cut to :data:`RAW_TEXT_LIMIT` characters with a note when longer."""
    if len(text) <= RAW_TEXT_LIMIT:
        return text
    return f"{text[:RAW_TEXT_LIMIT]}... ({len(text)} characters)"


def cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.4f}"
    return str(value)


def safe_cells(cells: Iterator[str] | Sequence[str]) -> list[str]:
    return [neutralise(cell) for cell in cells]


#: Columns of the DataFrame :func:`~watchlist.batch.spark.screen_dataframe` returns: those of
#: the CSV output, then ``error`` (empty for a hit; why the row was not screened otherwise).
DATAFRAME_COLUMNS = (*PER_HIT_COLUMNS, "error")
#: The columns whose values are numbers, not text, in typed output (JSON Lines, Spark).
NUMBER_COLUMNS: dict[str, type] = {"line": int, "score": float}

#: Columns of :func:`~watchlist.batch.rescreen.rescreen_file`'s output: one row per change.
CHANGE_COLUMNS = (
    *INPUT_COLUMNS,
    "change",
    "reason",
    "list",
    "entry_id",
    "matched_name",
    "score_from",
    "score_to",
    "designation_basis",
    "designation_start",
    "end_date",
    "end_basis",
    "list_version_from",
    "list_digest_from",
    "list_version_to",
    "list_digest_to",
    *DECISION_COLUMNS,
)


def change_record(change: Change, delta: DeltaPlan, party: Party) -> dict[str, Any]:
    """The change columns of :data:`CHANGE_COLUMNS` (all but the input's) for ``change`` of
    ``party``. Decisions are reviewed for new hits only: a cleared change's ``status`` is
    empty."""
    uses_from = {use.list_id: use for use in delta.lists_from}
    uses_to = {use.list_id: use for use in delta.lists_to}
    use_from, use_to = uses_from.get(change.list_id), uses_to.get(change.list_id)
    ending = change.ending
    return {
        "change": str(change.kind),
        "reason": str(change.reason),
        "list": change.list_id,
        "entry_id": change.entry_id,
        "matched_name": change.hit.matched_name.value,
        "score_from": None if change.score_from is None else round(change.score_from, 4),
        "score_to": None if change.score_to is None else round(change.score_to, 4),
        "designation_basis": change.designation.basis,
        "designation_start": change.designation.start.isoformat(),
        "end_date": ending.date.isoformat() if ending and ending.date else None,
        "end_basis": ending.basis if ending else None,
        "list_version_from": use_from.published.isoformat() if use_from else None,
        "list_digest_from": use_from.digest if use_from else None,
        "list_version_to": use_to.published.isoformat() if use_to else None,
        "list_digest_to": use_to.digest if use_to else None,
        **decision_record(change.hit, party),
        **({"status": None} if change.kind is ChangeKind.CLEARED else {}),
    }
