"""Screening a delimited file of counterparties, in constant memory, accounting for every row.

The input is read as raw lines, one at a time, so a file of any size streams through. Its
encoding (UTF-8 with or without a byte-order mark, UTF-16, cp1251, latin-1) and delimiter
(``,``, ``;``, tab or ``|``) are detected unless given. A row that cannot be screened is
*rejected*: written to the rejects file with its line number, the reason and its raw text.
Rejection never stops the run and never loses the rows after it: a quote left open on one
line is given a few lines to close, and if the record it makes is not a clean row, only that
line is rejected and reading resumes on the next. So::

    rows read = rows screened + rows rejected

Reasons for rejection: ``no name``, ``broken quoting``, ``over-long field``, ``over-long line``,
``undecodable bytes``, ``wrong number of fields``, ``bad value`` (say a date of birth that is
not a date). Blank lines are not rows; they are counted apart.

The output is CSV or JSON Lines, one record per hit, or with ``per_row`` one per input row
with its outcome (``clear``, ``hit``, ``cleared`` when every hit is covered by a ``cleared``
decision, or ``error``). In CSV output every cell that starts with
``=``, ``+``, ``-``, ``@``, a tab or a carriage return is prefixed with ``'`` so that a
spreadsheet shows it as text instead of running it as a formula. Output, rejects and the audit
record (JSON: parameters, list versions and digests, counts, times) are written to temporary
files beside their destinations and renamed into place only when the run completes.

All of this but the screening is :class:`FileRun`, on which :func:`screen_file` and
:func:`watchlist.batch.rescreen.rescreen_file` are built.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import hashlib
import json
import os
import tempfile
from collections import Counter, deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

from watchlist._rules import jurisdiction_code
from watchlist.batch.audit import list_use_record, write_audit
from watchlist.batch.columns import ColumnMap, _resolve, _row
from watchlist.batch.reader import (
    DEFAULT_MAX_FIELD_LENGTH,
    InputRow,
    Progress,
    RejectReason,
    _InputFile,
)
from watchlist.batch.schema import (
    DECISION_COLUMNS,
    HIT_COLUMNS,
    PER_HIT_COLUMNS,
    PER_ROW_COLUMNS,
    REJECT_COLUMNS,
    OutputFormat,
    cell_text,
    decision_record,
    hit_record,
    input_record,
    safe_cells,
    truncated,
)
from watchlist.errors import InputError
from watchlist.model import Decision, ListUse, Party, ScreeningResult
from watchlist.screening.decisions import DecisionLog, decisions_or_none, loaded_entries
from watchlist.screening.screener import Screener

#: Rows between calls of the progress callback.
PROGRESS_EVERY = 1000


@attrs.frozen
class BatchSummary:
    """What a batch run did with each row it read, and where it wrote the results."""

    rows_read: int
    rows_screened: int
    rows_with_hits: int
    hits: int
    rows_rejected: int
    #: Rejected rows by :class:`RejectReason` value.
    rejected_by_reason: Mapping[str, int]
    blank_lines: int
    encoding: str
    delimiter: str
    lists_used: tuple[ListUse, ...]
    output_path: Path
    rejects_path: Path
    audit_path: Path
    started: dt.datetime
    finished: dt.datetime
    #: Hits that alert (every hit but those a valid ``cleared`` decision covers), the rows
    #: with such hits, and the hits cleared by a decision: ``hits = alerts + cleared``.
    alerts: int = 0
    rows_with_alerts: int = 0
    cleared: int = 0
    #: Warnings of the run, such as decisions naming an entry no loaded list has.
    warnings: tuple[str, ...] = ()


def sidecar_paths(output_path: Path | str) -> tuple[Path, Path]:
    """The default rejects file and audit record beside ``output_path``.

    ``hits.csv`` gets ``hits.rejects.csv`` and ``hits.audit.json``.
    """
    output_path = Path(output_path)
    stem = output_path.stem if output_path.suffix else output_path.name
    return (
        output_path.with_name(f"{stem}.rejects.csv"),
        output_path.with_name(f"{stem}.audit.json"),
    )


def screen_file(
    screener: Screener,
    input_path: Path | str,
    output_path: Path | str,
    *,
    jurisdiction: str,
    as_of: dt.date,
    columns: ColumnMap | None = None,
    output_format: OutputFormat = "csv",
    per_row: bool = False,
    rejects_path: Path | str | None = None,
    audit_path: Path | str | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    threshold: float | None = None,
    accept_stale: bool = False,
    workers: int = 1,
    max_field_length: int = DEFAULT_MAX_FIELD_LENGTH,
    max_input_bytes: int | None = None,
    on_progress: Callable[[Progress], None] | None = None,
    decisions: DecisionLog | Path | str | None = None,
) -> BatchSummary:
    """Screen every row of ``input_path``; write hits (or every row) to ``output_path``.

    ``decisions`` (a :class:`~watchlist.screening.decisions.DecisionLog` or its file) are
    applied to each row's hits by the row's id (``columns.id``, required with decisions): a
    hit a valid ``cleared`` decision covers is written with the status ``cleared`` and
    counted apart from the alerts; the audit record gets the file's SHA-256 and the decisions
    applied. A decision naming an entry no loaded list has is a warning
    (:class:`~watchlist.errors.DecisionWarning`, and in the summary and audit record).

    The jurisdiction, date and lists are checked before the input is read: an unknown
    jurisdiction, an uncovered date or a stale list raises, and nothing is written. So does an
    unreadable input, a header without the mapped columns, or an unknown encoding. Once
    reading has begun, a bad row is rejected, never raised.
    """
    run = FileRun(
        input_path,
        output_path,
        output_columns=PER_ROW_COLUMNS if per_row else PER_HIT_COLUMNS,
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
    threshold = screener.threshold if threshold is None else threshold
    lists_used = screener.lists_for(jurisdiction, as_of, accept_stale=accept_stale)
    log = decisions_or_none(decisions)
    if log is not None and run.columns.id is None:
        msg = "decisions are keyed by the customer's id: map its column (--id-column)"
        raise InputError(msg, field="id_column", value=None)
    notes = () if log is None else log.warn_unknown(loaded_entries(screener.timelines))
    with run:
        screening = _Screening(run, output_format, per_row, lists_used)
        results = screener.screen_many(
            screening.parties(),
            jurisdiction=jurisdiction,
            as_of=as_of,
            threshold=threshold,
            accept_stale=accept_stale,
            workers=workers,
            decisions=log,
        )
        for result in results:
            screening.write_result(result)
        screening.finish()
        run.publish(
            parameters={
                "jurisdiction": jurisdiction_code(jurisdiction),
                "as_of": as_of.isoformat(),
                "threshold": threshold,
                "scorer": screener.scorer.name,
                "accept_stale": accept_stale,
                "format": output_format,
                "per_row": per_row,
                "workers": workers,
            },
            lists_used=[list_use_record(use) for use in lists_used],
            counts={
                "rows_read": run.rows_read,
                "rows_screened": screening.screened,
                "rows_with_hits": screening.with_hits,
                "hits": screening.hits,
                "rows_rejected": run.rows_rejected,
                "rejected_by_reason": run.rejected_by_reason,
                "blank_lines": run.blank_lines,
            },
            decisions=None
            if log is None
            else {
                **log.audit(screening.applied),
                "alerts": screening.alerts,
                "rows_with_alerts": screening.rows_with_alerts,
                "cleared": screening.cleared,
                "warnings": list(notes),
            },
        )
    return BatchSummary(
        rows_read=run.rows_read,
        rows_screened=screening.screened,
        rows_with_hits=screening.with_hits,
        hits=screening.hits,
        rows_rejected=run.rows_rejected,
        rejected_by_reason=run.rejected_by_reason,
        blank_lines=run.blank_lines,
        encoding=run.encoding,
        delimiter=run.delimiter,
        lists_used=lists_used,
        output_path=run.output_path,
        rejects_path=run.rejects_path,
        audit_path=run.audit_path,
        started=run.started,
        finished=run.finished,
        alerts=screening.alerts,
        rows_with_alerts=screening.rows_with_alerts,
        cleared=screening.cleared,
        warnings=notes,
    )


class FileRun:
    """One run over a delimited file: every row read, and its output, rejects and audit record.

    :func:`screen_file` and :func:`watchlist.batch.rescreen.rescreen_file` are built on it.
    Creating it checks the paths (the rejects file and audit record default to
    :func:`sidecar_paths`) and ``max_field_length``, raising
    :class:`~watchlist.errors.InputError` before anything is read or written, so that a caller
    can check its own parameters in between. Entering it opens the input (encoding and
    delimiter detected unless given), finds the ``columns`` in its header, and starts the
    output, rejects and audit files under temporary names beside their destinations. Then:

    - :meth:`rows` yields every row in input order; a rejected row is written to the rejects
      file and counted as it is yielded;
    - :meth:`write` writes one output record: a CSV row of ``output_columns`` with every cell
      :func:`neutralise`-d, or a JSON line;
    - :meth:`row_done` counts a row whose output is written, for ``on_progress``;
    - :meth:`publish` writes the audit record and renames the three files into place.

    Leaving it without publishing (an error, an interrupt) removes the temporary files, so a
    run that does not complete writes nothing. For example::

        with FileRun("in.csv", "names.csv", output_columns=INPUT_COLUMNS) as run:
            for row in run.rows():
                if row.party is not None:
                    run.write(input_record(row.line, row.input_id, row.input_name))
                run.row_done()
            run.publish(parameters={}, lists_used=[], counts={"rows_read": run.rows_read})
    """

    #: When :meth:`publish` was called.
    finished: dt.datetime

    def __init__(
        self,
        input_path: Path | str,
        output_path: Path | str,
        *,
        output_columns: Sequence[str],
        output_format: OutputFormat = "csv",
        columns: ColumnMap | None = None,
        rejects_path: Path | str | None = None,
        audit_path: Path | str | None = None,
        encoding: str | None = None,
        delimiter: str | None = None,
        max_field_length: int = DEFAULT_MAX_FIELD_LENGTH,
        max_input_bytes: int | None = None,
        on_progress: Callable[[Progress], None] | None = None,
    ) -> None:
        self.started = _now()
        self.input_path = Path(input_path)
        self.output_path = Path(output_path)
        default_rejects, default_audit = sidecar_paths(self.output_path)
        self.rejects_path = Path(rejects_path) if rejects_path is not None else default_rejects
        self.audit_path = Path(audit_path) if audit_path is not None else default_audit
        _check_paths(self.input_path, self.output_path, self.rejects_path, self.audit_path)
        if max_field_length < 1:
            msg = f"the maximum field length must be at least 1, got {max_field_length}"
            raise InputError(msg, field="max_field_length", value=max_field_length)
        if max_input_bytes is not None and max_input_bytes < 1:
            msg = f"the maximum input size must be at least 1 byte, got {max_input_bytes}"
            raise InputError(msg, field="max_input_bytes", value=max_input_bytes)
        self.max_input_bytes = max_input_bytes
        self.output_columns = tuple(output_columns)
        self.output_format = output_format
        self.columns = columns or ColumnMap()
        self.max_field_length = max_field_length
        self.rejected: Counter[RejectReason] = Counter()
        self._encoding = encoding
        self._delimiter = delimiter
        self._on_progress = on_progress
        self._rows_done = 0

    def __enter__(self) -> FileRun:
        with contextlib.ExitStack() as stack:
            self._source = stack.enter_context(
                _InputFile.open(
                    self.input_path, self._encoding, self._delimiter, self.max_input_bytes
                )
            )
            self._fields = _resolve(self.columns, self._source.header, self.input_path)
            mode = self.input_path.stat().st_mode & 0o666
            self._output = stack.enter_context(_Staged(self.output_path, mode))
            self._rejects = stack.enter_context(_Staged(self.rejects_path, mode))
            self._audit = stack.enter_context(_Staged(self.audit_path, mode))
            self._rejects_csv = csv.writer(self._rejects.file)
            self._rejects_csv.writerow(REJECT_COLUMNS)
            self._output_csv = (
                csv.writer(self._output.file) if self.output_format == "csv" else None
            )
            if self._output_csv is not None:
                self._output_csv.writerow(self.output_columns)
            self._stack = stack.pop_all()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stack.close()

    @property
    def encoding(self) -> str:
        return self._source.encoding

    @property
    def delimiter(self) -> str:
        return self._source.delimiter

    @property
    def rows_read(self) -> int:
        """Rows read so far: the header and blank lines are not rows."""
        return self._source.rows_read

    @property
    def blank_lines(self) -> int:
        return self._source.blank_lines

    @property
    def rows_rejected(self) -> int:
        return self.rejected.total()

    @property
    def rejected_by_reason(self) -> dict[str, int]:
        """Rejected rows by :class:`RejectReason` value, in order of the values."""
        return {str(reason): count for reason, count in sorted(self.rejected.items())}

    def rows(self) -> Iterator[InputRow]:
        """Every row of the input in order, rejected ones already written to the rejects file."""
        single_line = self._fields.mapped
        while (record := self._source.next_record(self._fields.width, single_line)) is not None:
            row = _row(record, self._fields, self.max_field_length, self._source.delimiter)
            if row.rejection is not None:
                self.rejected[row.rejection.reason] += 1
                self._rejects_csv.writerow(
                    safe_cells(
                        [
                            str(row.line),
                            str(row.rejection.reason),
                            row.rejection.detail,
                            truncated(row.raw),
                        ]
                    )
                )
            yield row

    def write(self, record: Mapping[str, Any]) -> None:
        """Write one output record: its ``output_columns`` as a CSV row, or it as a JSON line.

        CSV cells are text (``None`` empty, a float to four decimals), neutralised.
        """
        if self._output_csv is None:
            self._output.file.write(json.dumps(record, ensure_ascii=False) + "\n")
            return
        self._output_csv.writerow(
            safe_cells([cell_text(record[column]) for column in self.output_columns])
        )

    def row_done(self) -> None:
        """Count one more row screened or rejected, its output written.

        ``on_progress`` hears every :data:`PROGRESS_EVERY` rows, and once more on publishing.
        """
        self._rows_done += 1
        if self._on_progress is not None and self._rows_done % PROGRESS_EVERY == 0:
            self._on_progress(self._source.progress(self._rows_done))

    def publish(
        self,
        *,
        parameters: Mapping[str, Any],
        lists_used: Any,
        counts: Mapping[str, Any],
        decisions: Mapping[str, Any] | None = None,
    ) -> None:
        """Complete the run: write the audit record, then rename the files into place.

        The audit record holds the caller's ``parameters`` (with ``max_field_length``,
        ``max_input_bytes`` and ``columns`` added), ``lists_used`` and ``counts`` as given
        (JSON values), and the input's, output's and rejects file's paths and SHA-256
        digests; with ``decisions``, those too (the decisions file and the decisions
        applied). It goes in last: its presence says the run completed.
        """
        if self._on_progress is not None:
            self._on_progress(self._source.progress(self._rows_done))
        self.finished = _now()
        self._output.complete()
        self._rejects.complete()
        write_audit(
            self._audit.file,
            started=self.started,
            finished=self.finished,
            parameters={
                **parameters,
                "max_field_length": self.max_field_length,
                "max_input_bytes": self.max_input_bytes,
                "columns": self.columns.as_dict(),
            },
            input_file={
                "path": str(self.input_path.resolve()),
                "bytes": self._source.bytes_read,
                "sha256": self._source.sha256(),
                "encoding": self.encoding,
                "delimiter": self.delimiter,
            },
            lists_used=lists_used,
            counts=counts,
            output={"path": str(self.output_path.resolve()), "sha256": self._output.sha256},
            rejects={"path": str(self.rejects_path.resolve()), "sha256": self._rejects.sha256},
            decisions=decisions,
        )
        self._audit.complete()
        self._output.commit()
        self._rejects.commit()
        self._audit.commit()


class _Screening:
    """Screening results written in input order, so that every row read is written once.

    A rejected row goes to the rejects file as soon as it is read, which is input order. In
    the per-row output it must come after the rows before it, whose results may still be
    in flight in worker processes: until then it waits in ``pending``, without its raw text.
    With one worker nothing is ever in flight when a row is read, so nothing waits.
    """

    def __init__(
        self,
        run: FileRun,
        output_format: OutputFormat,
        per_row: bool,
        lists_used: Sequence[ListUse],
    ) -> None:
        self.run = run
        self.csv = output_format == "csv"
        self.per_row = per_row
        self.uses = {use.list_id: use for use in lists_used}
        self.screened = 0
        self.with_hits = 0
        self.hits = 0
        self.alerts = 0
        self.rows_with_alerts = 0
        self.cleared = 0
        #: The decisions that covered a hit, for the audit record.
        self.applied: list[Decision] = []
        #: Rows read whose output is not yet written, in input order.
        self.pending: deque[InputRow] = deque()

    def parties(self) -> Iterator[Party]:
        """The parties to screen, in input order; rejected rows are dealt with on the way."""
        for row in self.run.rows():
            if row.party is not None:
                self.pending.append(row)
                yield row.party
            elif not self.per_row:
                self.run.row_done()
            elif self.pending:
                self.pending.append(attrs.evolve(row, raw=""))
            else:
                self._write_rejected(row)

    def write_result(self, result: ScreeningResult) -> None:
        """Write the result of the oldest row in flight, after the rejected rows before it."""
        while (row := self.pending.popleft()).party is None:
            self._write_rejected(row)
        self.screened += 1
        self.with_hits += result.is_hit
        self.hits += len(result.hits)
        alerts = len(result.alerts)
        self.alerts += alerts
        self.rows_with_alerts += alerts > 0
        self.cleared += len(result.hits) - alerts
        self.applied.extend(hit.decision for hit in result.hits if hit.decision is not None)
        head = input_record(row.line, row.input_id, row.input_name)
        hits = [
            {**hit_record(hit, self.uses), **decision_record(hit, result.query)}
            for hit in result.hits
        ]
        if not self.per_row:
            for hit in hits:
                self.run.write({**head, **hit})
        else:
            outcome = {
                "outcome": "hit" if alerts else "cleared" if hits else "clear",
                "hit_count": len(hits),
            }
            if self.csv:
                alerting = [hit for hit in hits if hit["status"] == "alert"]
                empty = dict.fromkeys((*HIT_COLUMNS, *DECISION_COLUMNS), "")
                best = (alerting or hits or [empty])[0]
                self.run.write({**head, **outcome, **best, "error": "", "alert_count": alerts})
            else:
                self.run.write(
                    {**head, **outcome, "hits": hits, "error": None, "alert_count": alerts}
                )
        self.run.row_done()

    def finish(self) -> None:
        """Write the rejected rows after the last screened one."""
        while self.pending:
            self._write_rejected(self.pending.popleft())

    def _write_rejected(self, row: InputRow) -> None:
        assert row.rejection is not None
        head = input_record(row.line, row.input_id, row.input_name)
        outcome = {"outcome": "error", "hit_count": 0}
        error = f"{row.rejection.reason}: {row.rejection.detail}"
        if self.csv:
            empty = dict.fromkeys((*HIT_COLUMNS, *DECISION_COLUMNS), "")
            self.run.write({**head, **outcome, **empty, "error": error, "alert_count": 0})
        else:
            self.run.write({**head, **outcome, "hits": [], "error": error, "alert_count": 0})
        self.run.row_done()


class _Staged:
    """A text file written beside ``path`` under a temporary name, renamed in by ``commit``.

    It gets the permissions ``mode``: the input's, since it holds the input's data.

    Leaving the context without committing removes the temporary file.
    """

    def __init__(self, path: Path, mode: int) -> None:
        self.path = path
        try:
            handle, temporary = tempfile.mkstemp(
                dir=path.parent, prefix=f".{path.name}.", suffix=".partial"
            )
        except OSError as error:
            msg = f"cannot write beside {path}: {error.strerror or error}"
            raise InputError(msg, field="output", value=str(path)) from None
        self.temporary = Path(temporary)
        os.chmod(handle, mode)
        self.file = os.fdopen(handle, "w", encoding="utf-8", newline="")
        self.sha256 = ""

    def __enter__(self) -> _Staged:
        return self

    def complete(self) -> None:
        """Close the file and record its digest; it is renamed in by :meth:`commit`."""
        self.file.close()
        digest = hashlib.sha256()
        with self.temporary.open("rb") as written:
            for block in iter(lambda: written.read(1 << 20), b""):
                digest.update(block)
        self.sha256 = digest.hexdigest()

    def commit(self) -> None:
        os.replace(self.temporary, self.path)

    def __exit__(self, *exc_info: object) -> None:
        self.file.close()
        self.temporary.unlink(missing_ok=True)


def _check_paths(input_path: Path, *outputs: Path) -> None:
    written = [path.resolve() for path in outputs]
    if len(set(written)) != len(written):
        msg = "the output, rejects and audit files must be different files"
        raise InputError(msg, field="output", value=[str(path) for path in outputs])
    if input_path.resolve() in written:
        msg = f"refusing to overwrite the input {input_path} with output"
        raise InputError(msg, field="output", value=str(input_path))
    for path in outputs:
        if not path.parent.is_dir():
            msg = f"cannot write {path}: no directory {path.parent}"
            raise InputError(msg, field="output", value=str(path))
        if path.is_dir():
            msg = f"cannot write {path}: it is a directory"
            raise InputError(msg, field="output", value=str(path))
        if path.exists() and not path.is_file():
            # A device or a pipe would be replaced by the finished file, not written to.
            msg = f"cannot write {path}: it exists and is not a regular file"
            raise InputError(msg, field="output", value=str(path))
        if not os.access(path.parent, os.W_OK | os.X_OK):
            msg = f"cannot write {path}: the directory {path.parent} is not writable"
            raise InputError(msg, field="output", value=str(path))


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)
