"""Delta re-screening of a delimited file: :func:`rescreen_file`, on the reading, rejects,
formula-safe output and audit record of :func:`watchlist.batch.run.screen_file` (both run on
:class:`~watchlist.batch.run.FileRun`), with the changes of
:func:`watchlist.screening.rescreen.rescreen_one` as its records."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from pathlib import Path

import attrs

from watchlist._rules import DateInput, threshold_or
from watchlist.batch.audit import list_use_record
from watchlist.batch.columns import ColumnMap
from watchlist.batch.reader import DEFAULT_MAX_FIELD_LENGTH, Progress
from watchlist.batch.run import FileRun
from watchlist.batch.schema import (
    CHANGE_COLUMNS,
    OutputFormat,
    change_record,
    input_record,
)
from watchlist.errors import InputError
from watchlist.model import Decision, ListUse
from watchlist.screening.decisions import DecisionLog, decisions_or_none, loaded_entries
from watchlist.screening.rescreen import plan, rescreen_one
from watchlist.screening.screener import Screener


@attrs.frozen
class RescreenSummary:
    """What a file re-screening did with each row it read, and where it wrote the results."""

    rows_read: int
    rows_screened: int
    rows_with_changes: int
    new: int
    cleared: int
    rows_rejected: int
    rejected_by_reason: Mapping[str, int]
    blank_lines: int
    encoding: str
    delimiter: str
    lists_from: tuple[ListUse, ...]
    lists_to: tuple[ListUse, ...]
    #: Entry records each row was scored against, and records in force on either date.
    records_scored: int
    records_in_force: int
    output_path: Path
    rejects_path: Path
    audit_path: Path
    started: dt.datetime
    finished: dt.datetime
    #: New hits a valid ``cleared`` decision covers, and the rows with a change that needs
    #: an analyst (every change but those): ``rows_with_alerts <= rows_with_changes``.
    new_cleared: int = 0
    rows_with_alerts: int = 0
    warnings: tuple[str, ...] = ()


def rescreen_file(
    screener: Screener,
    input_path: Path | str,
    output_path: Path | str,
    *,
    jurisdiction: str,
    from_date: DateInput,
    to_date: DateInput,
    columns: ColumnMap | None = None,
    output_format: OutputFormat = "csv",
    rejects_path: Path | str | None = None,
    audit_path: Path | str | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    threshold: float | None = None,
    accept_stale: bool = False,
    max_field_length: int = DEFAULT_MAX_FIELD_LENGTH,
    max_input_bytes: int | None = None,
    on_progress: Callable[[Progress], None] | None = None,
    decisions: DecisionLog | Path | str | None = None,
) -> RescreenSummary:
    """Re-screen every row of ``input_path``; write one record per change to ``output_path``.

    The input is read as :func:`watchlist.batch.run.screen_file` reads it (encoding and delimiter
    detected, columns mapped, bad rows rejected to the rejects file, never raised), and the
    output, rejects and audit record are written under temporary names and renamed into place
    when the run completes. The jurisdiction and both dates are checked before the input is
    read. Rows read = rows re-screened + rows rejected.

    ``decisions`` are applied to the new hits as :func:`~watchlist.batch.run.screen_file`
    applies them (``columns.id`` required), as of ``to_date``.
    """
    run = FileRun(
        input_path,
        output_path,
        output_columns=CHANGE_COLUMNS,
        output_format=output_format,
        columns=columns,
        rejects_path=rejects_path,
        audit_path=audit_path,
        encoding=encoding,
        delimiter=delimiter,
        max_field_length=max_field_length,
        max_input_bytes=max_input_bytes,
        on_progress=on_progress,
    )
    delta = plan(
        screener,
        jurisdiction=jurisdiction,
        from_date=from_date,
        to_date=to_date,
        accept_stale=accept_stale,
    )
    threshold = threshold_or(screener.threshold, threshold)
    log = decisions_or_none(decisions)
    if log is not None and run.columns.id is None:
        msg = "decisions are keyed by the customer's id: map its column (--id-column)"
        raise InputError(msg, field="id_column", value=None)
    notes = () if log is None else log.warn_unknown(loaded_entries(screener.timelines))
    screened = with_changes = new = cleared = new_cleared = with_alerts = 0
    applied: list[Decision] = []
    with run:
        for row in run.rows():
            if row.party is not None:
                result = rescreen_one(screener, delta, row.party, threshold, log)
                screened += 1
                with_changes += result.is_hit
                with_alerts += bool(result.alerts)
                new += len(result.new)
                cleared += len(result.cleared)
                new_cleared += len(result.changes) - len(result.alerts)
                applied.extend(c.hit.decision for c in result.new if c.hit.decision is not None)
                head = input_record(row.line, row.input_id, row.input_name)
                for change in result.changes:
                    run.write({**head, **change_record(change, delta, result.query)})
            run.row_done()
        run.publish(
            parameters={
                "jurisdiction": delta.jurisdiction,
                "from": delta.from_date.isoformat(),
                "to": delta.to_date.isoformat(),
                "threshold": threshold,
                "scorer": screener.scorer.name,
                "accept_stale": accept_stale,
                "format": output_format,
            },
            lists_used={
                "from": [list_use_record(use) for use in delta.lists_from],
                "to": [list_use_record(use) for use in delta.lists_to],
            },
            counts={
                "rows_read": run.rows_read,
                "rows_screened": screened,
                "rows_rejected": run.rows_rejected,
                "rejected_by_reason": run.rejected_by_reason,
                "blank_lines": run.blank_lines,
                "rows_with_changes": with_changes,
                "new": new,
                "cleared": cleared,
                "records_scored_per_row": delta.records_scored,
                "records_in_force": delta.records_in_force,
            },
            decisions=None
            if log is None
            else {
                **log.audit(applied),
                "new_cleared": new_cleared,
                "rows_with_alerts": with_alerts,
                "warnings": list(notes),
            },
        )
    return RescreenSummary(
        rows_read=run.rows_read,
        rows_screened=screened,
        rows_with_changes=with_changes,
        new=new,
        cleared=cleared,
        rows_rejected=run.rows_rejected,
        rejected_by_reason=run.rejected_by_reason,
        blank_lines=run.blank_lines,
        encoding=run.encoding,
        delimiter=run.delimiter,
        lists_from=delta.lists_from,
        lists_to=delta.lists_to,
        records_scored=delta.records_scored,
        records_in_force=delta.records_in_force,
        output_path=run.output_path,
        rejects_path=run.rejects_path,
        audit_path=run.audit_path,
        started=run.started,
        finished=run.finished,
        new_cleared=new_cleared,
        rows_with_alerts=with_alerts,
        warnings=notes,
    )
