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
with its outcome (``clear``, ``hit`` or ``error``). In CSV output every cell that starts with
``=``, ``+``, ``-``, ``@``, a tab or a carriage return is prefixed with ``'`` so that a
spreadsheet shows it as text instead of running it as a formula. Output, rejects and the audit
record (JSON: parameters, list versions and digests, counts, times) are written to temporary
files beside their destinations and renamed into place only when the run completes.

All of this but the screening is :class:`FileRun`, on which :func:`screen_file` and
:func:`watchlist.rescreen.rescreen_file` are built.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import datetime as dt
import enum
import hashlib
import importlib.metadata
import io
import json
import os
import tempfile
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

import attrs

from watchlist.errors import InputError
from watchlist.model import Hit, Identifier, ListUse, Party, ScreeningResult
from watchlist.screening import Screener

#: Fields longer than this many characters are rejected: no name is that long, and a cell of
#: megabytes is a broken export, not a counterparty.
DEFAULT_MAX_FIELD_LENGTH = 4096
#: Lines longer than this many bytes (or, for UTF-16, characters) are rejected unread, so that
#: one line without an end cannot exhaust memory.
MAX_LINE_LENGTH = 1 << 20
#: A line that runs on past this many bytes (characters) without a line end stops the run: the
#: input is not a delimited text file (``/dev/zero``, a binary), and skipping to the end of
#: the line could take forever.
MAX_UNENDED_LINE = 64 * MAX_LINE_LENGTH
#: A quoted field may hold line breaks, but a quote still open after this many lines is taken
#: for a broken quote rather than a long cell.
MAX_RECORD_LINES = 16
#: Bytes read to detect the encoding.
SAMPLE_SIZE = 1 << 16
#: Delimiters recognised when none is given, most likely first when counts tie.
DELIMITERS = (",", ";", "\t", "|")
#: Cell prefixes that make a spreadsheet evaluate a cell (formula injection, OWASP).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
#: Characters of a raw line, an input id or an input name kept in the output and rejects.
RAW_TEXT_LIMIT = 1000
#: Rows between calls of the progress callback.
PROGRESS_EVERY = 1000

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
#: Columns of the default output: one row per hit.
PER_HIT_COLUMNS = (*INPUT_COLUMNS, *HIT_COLUMNS)
#: Columns of the ``per_row`` CSV output: one row per input row, with its best hit.
PER_ROW_COLUMNS = (*INPUT_COLUMNS, "outcome", "hit_count", *HIT_COLUMNS, "error")
REJECT_COLUMNS = ("line", "reason", "detail", "raw")


class RejectReason(enum.StrEnum):
    """Why an input row was not screened."""

    NO_NAME = "no name"
    BROKEN_QUOTING = "broken quoting"
    OVERLONG_FIELD = "over-long field"
    OVERLONG_LINE = "over-long line"
    UNDECODABLE = "undecodable bytes"
    FIELD_COUNT = "wrong number of fields"
    BAD_VALUE = "bad value"


def _pairs(values: Iterable[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    return tuple((kind, column) for kind, column in values)


@attrs.frozen
class ColumnMap:
    """Which input columns hold what. Only ``name`` is required; unmapped facts are not used.

    ``identifiers`` pairs an identifier kind (``passport``, ``national id``, ``imo``) with the
    column holding it. ``nationality`` cells may list several countries, separated by ``;``,
    ``,``, ``/`` or spaces.
    """

    name: str = "name"
    id: str | None = None
    kind: str | None = None
    birth_date: str | None = None
    nationality: str | None = None
    identifiers: tuple[tuple[str, str], ...] = attrs.field(default=(), converter=_pairs)

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "id": self.id,
            "kind": self.kind,
            "birth_date": self.birth_date,
            "nationality": self.nationality,
            "identifiers": [{"kind": kind, "column": column} for kind, column in self.identifiers],
        }


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


@attrs.frozen
class Progress:
    """How far a run has got: rows done, and bytes of the input read out of its size."""

    rows: int
    bytes_read: int
    total_bytes: int


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
) -> BatchSummary:
    """Screen every row of ``input_path``; write hits (or every row) to ``output_path``.

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
    with run:
        screening = _Screening(run, output_format, per_row, lists_used)
        results = screener.screen_many(
            screening.parties(),
            jurisdiction=jurisdiction,
            as_of=as_of,
            threshold=threshold,
            accept_stale=accept_stale,
            workers=workers,
        )
        for result in results:
            screening.write_result(result)
        screening.finish()
        run.publish(
            parameters={
                "jurisdiction": jurisdiction.strip().upper(),
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
    )


# --- one run over a file --------------------------------------------------------------------


@attrs.frozen
class Rejection:
    """Why a row was not screened: a :class:`RejectReason` and what exactly was wrong."""

    reason: RejectReason
    detail: str


@attrs.frozen
class InputRow:
    """An input row: screenable (``party`` set) or rejected (``rejection`` set), never both.

    ``line`` is the line it starts on; ``input_id`` and ``input_name`` are the cells of the
    mapped id and name columns (empty when unmapped or unreadable); ``raw`` is its text.
    """

    line: int
    input_id: str
    input_name: str
    raw: str
    party: Party | None = None
    rejection: Rejection | None = None


class FileRun:
    """One run over a delimited file: every row read, and its output, rejects and audit record.

    :func:`screen_file` and :func:`watchlist.rescreen.rescreen_file` are built on it.
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
                    _safe_cells(
                        [
                            str(row.line),
                            str(row.rejection.reason),
                            row.rejection.detail,
                            _truncated(row.raw),
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
            _safe_cells([_cell(record[column]) for column in self.output_columns])
        )

    def row_done(self) -> None:
        """Count one more row screened or rejected, its output written.

        ``on_progress`` hears every :data:`PROGRESS_EVERY` rows, and once more on publishing.
        """
        self._rows_done += 1
        if self._on_progress is not None and self._rows_done % PROGRESS_EVERY == 0:
            self._on_progress(self._source.progress(self._rows_done))

    def publish(
        self, *, parameters: Mapping[str, Any], lists_used: Any, counts: Mapping[str, Any]
    ) -> None:
        """Complete the run: write the audit record, then rename the files into place.

        The audit record holds the caller's ``parameters`` (with ``max_field_length``,
        ``max_input_bytes`` and ``columns`` added), ``lists_used`` and ``counts`` as given
        (JSON values), and the input's, output's and rejects file's paths and SHA-256
        digests. It goes in last: its presence says the run completed.
        """
        if self._on_progress is not None:
            self._on_progress(self._source.progress(self._rows_done))
        self.finished = _now()
        self._output.complete()
        self._rejects.complete()
        audit = {
            "watchlist_version": importlib.metadata.version("watchlist"),
            "started": self.started.isoformat(),
            "finished": self.finished.isoformat(),
            "parameters": {
                **parameters,
                "max_field_length": self.max_field_length,
                "max_input_bytes": self.max_input_bytes,
                "columns": self.columns.as_dict(),
            },
            "input": {
                "path": str(self.input_path.resolve()),
                "bytes": self._source.bytes_read,
                "sha256": self._source.sha256(),
                "encoding": self.encoding,
                "delimiter": self.delimiter,
            },
            "lists_used": lists_used,
            "counts": dict(counts),
            "output": {"path": str(self.output_path.resolve()), "sha256": self._output.sha256},
            "rejects": {"path": str(self.rejects_path.resolve()), "sha256": self._rejects.sha256},
        }
        json.dump(audit, self._audit.file, ensure_ascii=False, indent=2)
        self._audit.file.write("\n")
        self._audit.complete()
        self._output.commit()
        self._rejects.commit()
        self._audit.commit()


def detect_encoding(sample: bytes) -> str:
    """The encoding of a file that starts with ``sample``.

    A byte-order mark decides (UTF-8, UTF-16); without one, NUL bytes in alternate positions
    mean UTF-16; text that decodes as UTF-8 is UTF-8, even with a few invalid bytes among
    many valid multi-byte characters (those lines are rejected). Otherwise it is a single-byte
    encoding: cp1251 when its non-ASCII bytes come in runs (Cyrillic words are written
    entirely in them), latin-1 when they sit alone among ASCII letters (accented letters in
    Latin-script words).
    """
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    pairs = len(sample) // 2
    if pairs:
        odd_nuls = sample[1::2].count(0)
        even_nuls = sample[0::2].count(0)
        if odd_nuls > pairs * 0.3 and even_nuls < odd_nuls / 4:
            return "utf-16-le"
        if even_nuls > pairs * 0.3 and odd_nuls < even_nuls / 4:
            return "utf-16-be"
    # Incrementally, so that a sample cut inside a multi-byte character is still UTF-8.
    text = codecs.getincrementaldecoder("utf-8")(errors="replace").decode(sample, final=False)
    invalid = text.count("\ufffd")
    valid = sum(1 for char in text if char > "\x7f") - invalid
    if valid >= 2 * invalid:
        return "utf-8"
    high = [byte >= 0x80 for byte in sample]
    in_runs = sum(
        1
        for position, is_high in enumerate(high)
        if is_high
        and (
            (position > 0 and high[position - 1])
            or (position + 1 < len(high) and high[position + 1])
        )
    )
    return "cp1251" if in_runs * 2 > sum(high) else "latin-1"


def detect_delimiter(header: str) -> str:
    """The delimiter of a header line: the most frequent of ``,``, ``;``, tab and ``|``."""
    counts = {delimiter: header.count(delimiter) for delimiter in DELIMITERS}
    best = max(DELIMITERS, key=lambda delimiter: counts[delimiter])
    return best if counts[best] else ","


def neutralise(cell: str) -> str:
    """``cell`` made safe to open in a spreadsheet: a leading ``'`` when it could be a formula."""
    return "'" + cell if cell.startswith(FORMULA_PREFIXES) else cell


# --- reading ------------------------------------------------------------------------------


@attrs.frozen
class _Line:
    """One physical line: its text with its line ending, or why it could not be read."""

    number: int
    text: str
    problem: Rejection | None = None


@attrs.frozen
class _Record:
    """One logical row: its fields, or why it could not be split into fields."""

    line: int
    raw: str
    fields: tuple[str, ...] = ()
    rejection: Rejection | None = None


class _DigestingReader(io.RawIOBase):
    """A raw reader that hashes and counts every byte read through it."""

    def __init__(self, raw: io.FileIO, limit: int | None = None) -> None:
        self._raw = raw
        self._limit = limit
        self.digest = hashlib.sha256()
        self.bytes_read = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        count = self._raw.readinto(buffer) or 0
        self.digest.update(memoryview(buffer)[:count])
        self.bytes_read += count
        if self._limit is not None and self.bytes_read > self._limit:
            msg = (
                f"the input is larger than the maximum of {self._limit} bytes set "
                "(max_input_bytes, --max-input-bytes); nothing was written"
            )
            raise InputError(msg, field="input", value=self._raw.name)
        return count

    def close(self) -> None:
        self._raw.close()
        super().close()


class _InputFile:
    """An input file opened for streaming: its header, format, and a reader of its records."""

    def __init__(
        self, path: Path, digesting: _DigestingReader, lines: Iterator[_Line], encoding: str,
        delimiter: str | None,
    ) -> None:  # fmt: skip
        self.path = path
        self.total_bytes = path.stat().st_size
        self.encoding = encoding
        self.blank_lines = 0
        self.rows_read = 0
        self._digesting = digesting
        self._lines = lines
        self._replay: deque[_Line] = deque()
        first = self._next_line()
        while first is not None and first.problem is None and not first.text.strip():
            self.blank_lines += 1
            first = self._next_line()
        if first is None:
            msg = f"{path} is empty: no header row"
            raise InputError(msg, field="input")
        if first.problem is not None:
            msg = f"cannot read the header of {path}: {first.problem.detail}"
            raise InputError(msg, field="input")
        self.delimiter = delimiter or detect_delimiter(first.text)
        self._replay.append(first)
        header = self.next_record(width=None)
        if header is None or header.rejection is not None:
            reason = header.rejection.detail if header and header.rejection else "no header"
            msg = f"cannot read the header of {path}: {reason}"
            raise InputError(msg, field="input")
        self.header = tuple(column.strip() for column in header.fields)
        # Rows are counted as they are read, apart from what is done with them, so that the
        # summary can show that each was screened or rejected. The header is not a row.
        self.rows_read = 0

    @classmethod
    @contextlib.contextmanager
    def open(
        cls, path: Path, encoding: str | None, delimiter: str | None, limit: int | None = None
    ) -> Iterator[_InputFile]:
        if delimiter is not None and len(delimiter) != 1:
            msg = f"the delimiter must be one character, got {delimiter!r}"
            raise InputError(msg, field="delimiter", value=delimiter)
        try:
            raw = io.FileIO(path, "rb")
        except OSError as error:
            msg = f"cannot read {path}: {error.strerror or error}"
            raise InputError(msg, field="input") from None
        with contextlib.ExitStack() as stack:
            digesting = stack.enter_context(_DigestingReader(raw, limit))
            buffered = io.BufferedReader(digesting, buffer_size=SAMPLE_SIZE)
            sample = buffered.peek(SAMPLE_SIZE)[:SAMPLE_SIZE]
            encoding = _known_encoding(encoding) if encoding else detect_encoding(sample)
            if encoding == "utf-8-sig":  # read as UTF-8; the first line loses its mark
                lines = _byte_lines(buffered, "utf-8")
            elif "\n".encode(encoding) == b"\n":
                lines = _byte_lines(buffered, encoding)
            else:
                lines = _text_lines(buffered, encoding)
            yield cls(path, digesting, lines, encoding, delimiter)

    @property
    def bytes_read(self) -> int:
        return self._digesting.bytes_read

    def sha256(self) -> str:
        return self._digesting.digest.hexdigest()

    def progress(self, rows: int) -> Progress:
        return Progress(rows=rows, bytes_read=self.bytes_read, total_bytes=self.total_bytes)

    def _next_line(self) -> _Line | None:
        return self._replay.popleft() if self._replay else next(self._lines, None)

    def next_record(
        self, width: int | None, single_line_fields: Sequence[int] = ()
    ) -> _Record | None:
        """The next row, skipping blank lines; ``None`` at the end of the file.

        A record that spans lines is accepted only when it has ``width`` fields and none of
        ``single_line_fields`` holds a line break; otherwise its first line is rejected for
        broken quoting and the lines after it are read again as rows of their own.
        """
        while (first := self._next_line()) is not None:
            if first.problem is not None:
                self.rows_read += 1
                return _Record(line=first.number, raw=first.text, rejection=first.problem)
            if not first.text.strip():
                self.blank_lines += 1
                continue
            self.rows_read += 1
            return self._record_from(first, width, single_line_fields)
        return None

    def _record_from(
        self, first: _Line, width: int | None, single_line_fields: Sequence[int]
    ) -> _Record:
        group = [first]
        while True:
            parsed = _split([line.text for line in group], self.delimiter)
            if parsed is None:  # a quoted field is still open at the end of the group
                size = sum(len(line.text) for line in group)
                following = (
                    self._next_line()
                    if len(group) < MAX_RECORD_LINES and size < MAX_LINE_LENGTH
                    else None
                )
                if following is not None and following.problem is None:
                    group.append(following)
                    continue
                self._replay.extendleft(reversed([*group[1:], *filter(None, [following])]))
                return _broken_quote(first, "a quoted field opened on this line is never closed")
            if isinstance(parsed, str):
                self._replay.extendleft(reversed(group[1:]))
                if parsed.startswith("field larger than field limit"):
                    return _rejected(first, RejectReason.OVERLONG_FIELD, parsed)
                if len(group) > 1:
                    parsed = f"a quoted field opened on this line does not close cleanly: {parsed}"
                return _broken_quote(first, parsed)
            if len(group) > 1 and (
                (width is not None and len(parsed) != width)
                or any(
                    "\n" in parsed[index] or "\r" in parsed[index]
                    for index in single_line_fields
                    if index < len(parsed)
                )
            ):
                self._replay.extendleft(reversed(group[1:]))
                return _broken_quote(
                    first, "a quoted field opened on this line runs on into the next lines"
                )
            raw = "".join(line.text for line in group).rstrip("\r\n")
            return _Record(line=first.number, raw=raw, fields=tuple(parsed))


def _rejected(line: _Line, reason: RejectReason, detail: str) -> _Record:
    return _Record(
        line=line.number, raw=line.text.rstrip("\r\n"), rejection=Rejection(reason, detail)
    )


def _broken_quote(line: _Line, detail: str) -> _Record:
    return _rejected(line, RejectReason.BROKEN_QUOTING, detail)


def _split(lines: list[str], delimiter: str) -> list[str] | str | None:
    """The fields of one record; ``None`` if a quote is still open; a message if malformed."""
    try:
        records = list(csv.reader(lines, delimiter=delimiter, strict=True))
    except csv.Error as error:
        return None if str(error) == "unexpected end of data" else str(error)
    if len(records) != 1:
        return "more than one record on these lines"
    return records[0]


def _known_encoding(name: str) -> str:
    try:
        return codecs.lookup(name).name
    except LookupError:
        msg = f"unknown encoding {name!r}"
        raise InputError(msg, field="encoding", value=name) from None


def _byte_lines(buffered: io.BufferedReader[Any], encoding: str) -> Iterator[_Line]:
    """Lines of a file in an ASCII-compatible encoding, each decoded on its own."""
    for number in _counter():
        chunk = buffered.readline(MAX_LINE_LENGTH + 1)
        if not chunk:
            return
        if len(chunk) > MAX_LINE_LENGTH and not chunk.endswith(b"\n"):
            head = _without_nul(chunk[:RAW_TEXT_LIMIT].decode(encoding, "backslashreplace"))
            skipped = len(chunk)
            while chunk and not chunk.endswith(b"\n"):
                chunk = buffered.readline(MAX_LINE_LENGTH)
                skipped = _skipping(number, skipped + len(chunk), "bytes")
            detail = f"the line is longer than {MAX_LINE_LENGTH} bytes"
            yield _Line(number, head, Rejection(RejectReason.OVERLONG_LINE, detail))
            continue
        try:
            text = chunk.decode(encoding)
        except UnicodeDecodeError as error:
            bad = chunk[error.start : error.end]
            detail = f"byte {error.start + 1} of the line ({bad!r}) is not valid {encoding}"
            raw = _without_nul(chunk.decode(encoding, "backslashreplace").rstrip("\r\n"))
            yield _Line(number, raw, Rejection(RejectReason.UNDECODABLE, detail))
            continue
        if number == 1:
            text = text.removeprefix("\ufeff")
        if "\x00" in text:
            yield _nul_line(number, text)
            continue
        yield _Line(number, text)


def _nul_line(number: int, text: str) -> _Line:
    """A line holding a NUL byte: never text a customer extract means, and never copied on."""
    detail = f"character {text.index(chr(0)) + 1} of the line is a NUL byte"
    return _Line(
        number, _without_nul(text.rstrip("\r\n")), Rejection(RejectReason.UNDECODABLE, detail)
    )


def _without_nul(text: str) -> str:
    """The raw text of a rejected line, its NUL bytes written ``\\x00``.

    A rejected line's text goes to the rejects file (and, split leniently, its id and name to
    a per-row output): a NUL byte in it is never copied on.
    """
    return text.replace("\x00", "\\x00")


def _text_lines(buffered: io.BufferedReader[Any], encoding: str) -> Iterator[_Line]:
    """Lines of a file in a wide encoding (UTF-16), undecodable code units marked U+FFFD."""
    text_file = io.TextIOWrapper(buffered, encoding=encoding, errors="replace", newline="\n")
    for number in _counter():
        text = text_file.readline(MAX_LINE_LENGTH + 1)
        if not text:
            return
        if len(text) > MAX_LINE_LENGTH and not text.endswith("\n"):
            head = _without_nul(text[:RAW_TEXT_LIMIT])
            skipped = len(text)
            while text and not text.endswith("\n"):
                text = text_file.readline(MAX_LINE_LENGTH)
                skipped = _skipping(number, skipped + len(text), "characters")
            detail = f"the line is longer than {MAX_LINE_LENGTH} characters"
            yield _Line(number, head, Rejection(RejectReason.OVERLONG_LINE, detail))
            continue
        if number == 1:
            text = text.removeprefix("\ufeff")
        if "\ufffd" in text:
            detail = f"the line holds bytes that are not valid {encoding}"
            raw = _without_nul(text.rstrip("\r\n"))
            yield _Line(number, raw, Rejection(RejectReason.UNDECODABLE, detail))
            continue
        if "\x00" in text:
            yield _nul_line(number, text)
            continue
        yield _Line(number, text)


def _skipping(number: int, skipped: int, unit: str) -> int:
    """``skipped``, the length of an over-long line so far, unless it is past all reason."""
    if skipped > MAX_UNENDED_LINE:
        msg = (
            f"line {number} runs on for more than {MAX_UNENDED_LINE} {unit} without a line "
            "end: this is not a delimited text file"
        )
        raise InputError(msg, field="input", value=number)
    return skipped


def _counter() -> Iterator[int]:
    number = 0
    while True:
        number += 1
        yield number


# --- rows to parties --------------------------------------------------------------------


@attrs.frozen
class _Fields:
    """The column map resolved to positions in the header."""

    width: int
    name: int
    id: int | None
    kind: int | None
    birth_date: int | None
    nationality: int | None
    identifiers: tuple[tuple[str, int], ...]

    @property
    def mapped(self) -> tuple[int, ...]:
        optional = (self.id, self.kind, self.birth_date, self.nationality)
        return (
            self.name,
            *(index for index in optional if index is not None),
            *(index for _kind, index in self.identifiers),
        )


def _resolve(columns: ColumnMap, header: Sequence[str], path: Path) -> _Fields:
    def position(column: str | None, flag: str) -> int | None:
        if column is None:
            return None
        matches = [index for index, name in enumerate(header) if name == column.strip()]
        if not matches:
            folded = column.strip().casefold()
            matches = [index for index, name in enumerate(header) if name.casefold() == folded]
        if len(matches) == 1:
            return matches[0]
        problem = "no column" if not matches else "more than one column"
        msg = f"{problem} {column!r} in {path}; its columns: {', '.join(header)}"
        raise InputError(msg, field=flag, value=column)

    name = position(columns.name, "name_column")
    assert name is not None
    return _Fields(
        width=len(header),
        name=name,
        id=position(columns.id, "id_column"),
        kind=position(columns.kind, "kind_column"),
        birth_date=position(columns.birth_date, "dob_column"),
        nationality=position(columns.nationality, "nationality_column"),
        identifiers=tuple(
            (kind, index)
            for kind, column in columns.identifiers
            if (index := position(column, "identifier_column")) is not None
        ),
    )


def _row(record: _Record, fields: _Fields, max_field_length: int, delimiter: str) -> InputRow:
    # A record that could not be split still gets its id and name if a lenient reading of its
    # line finds them, so that a rejected row can be traced in the output.
    cells = record.fields or _lenient_split(record.raw, delimiter)

    def cell(index: int | None) -> str:
        return cells[index].strip() if index is not None and index < len(cells) else ""

    row = InputRow(
        line=record.line, input_id=cell(fields.id), input_name=cell(fields.name), raw=record.raw
    )
    rejection = record.rejection or _check_cells(cells, fields, max_field_length)
    if rejection is None:
        try:
            party = row_party(
                row.input_name,
                kind=cell(fields.kind),
                birth_date=cell(fields.birth_date),
                nationality=cell(fields.nationality),
                identifiers=[(kind, cell(index)) for kind, index in fields.identifiers],
            )
        except InputError as error:
            rejection = Rejection(RejectReason.BAD_VALUE, str(error))
        else:
            return attrs.evolve(row, party=party)
    return attrs.evolve(row, rejection=rejection)


def row_party(
    name: str,
    *,
    kind: str = "",
    birth_date: str = "",
    nationality: str = "",
    identifiers: Iterable[tuple[str, str]] = (),
) -> Party:
    """The party an input row describes, from its cells; a blank cell is a fact not known.

    ``nationality`` may list several countries, separated by ``;``, ``,``, ``/`` or spaces;
    ``identifiers`` pairs an identifier kind with its cell. Raises
    :class:`~watchlist.errors.InputError` for a blank name or a bad value.
    """
    return Party(
        name=name,
        kind=kind or None,
        birth_date=birth_date or None,
        nationalities=nationality.replace(";", " ").replace(",", " ").replace("/", " ").split(),
        identifiers=[Identifier(kind=each, value=value) for each, value in identifiers if value],
    )


def _lenient_split(raw: str, delimiter: str) -> tuple[str, ...]:
    try:
        return tuple(next(csv.reader([raw], delimiter=delimiter), []))
    except csv.Error:
        return ()


def _check_cells(
    cells: tuple[str, ...], fields: _Fields, max_field_length: int
) -> Rejection | None:
    if len(cells) != fields.width:
        detail = f"expected {fields.width} fields as in the header, found {len(cells)}"
        return Rejection(RejectReason.FIELD_COUNT, detail)
    for index, value in enumerate(cells):
        if len(value) > max_field_length:
            detail = (
                f"field {index + 1} has {len(value)} characters; the limit is {max_field_length}"
            )
            return Rejection(RejectReason.OVERLONG_FIELD, detail)
    if not cells[fields.name].strip():
        return Rejection(RejectReason.NO_NAME, "the name column is empty")
    return None


# --- writing ------------------------------------------------------------------------------


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
        head = input_record(row.line, row.input_id, row.input_name)
        hits = [hit_record(hit, self.uses) for hit in result.hits]
        if not self.per_row:
            for hit in hits:
                self.run.write({**head, **hit})
        else:
            outcome = {"outcome": "hit" if hits else "clear", "hit_count": len(hits)}
            if self.csv:
                best = hits[0] if hits else dict.fromkeys(HIT_COLUMNS, "")
                self.run.write({**head, **outcome, **best, "error": ""})
            else:
                self.run.write({**head, **outcome, "hits": hits, "error": None})
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
            self.run.write({**head, **outcome, **dict.fromkeys(HIT_COLUMNS, ""), "error": error})
        else:
            self.run.write({**head, **outcome, "hits": [], "error": error})
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


def input_record(line: int, input_id: str, input_name: str) -> dict[str, Any]:
    """The :data:`INPUT_COLUMNS` of an output record: long ids and names are cut short."""
    return {
        "line": line,
        "input_id": _truncated(input_id),
        "input_name": _truncated(input_name),
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


def _truncated(text: str) -> str:
    """``text``, cut to :data:`RAW_TEXT_LIMIT` characters with a note when longer."""
    if len(text) <= RAW_TEXT_LIMIT:
        return text
    return f"{text[:RAW_TEXT_LIMIT]}... ({len(text)} characters)"


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.4f}"
    return str(value)


def _safe_cells(cells: Iterator[str] | Sequence[str]) -> list[str]:
    return [neutralise(cell) for cell in cells]


def list_use_record(use: ListUse) -> dict[str, str]:
    """A list version as the audit record reports it."""
    return {
        "list_id": use.list_id,
        "title": use.title,
        "published": use.published.isoformat(),
        "digest": use.digest,
        "coverage": str(use.coverage),
        "location": use.location,
    }


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
