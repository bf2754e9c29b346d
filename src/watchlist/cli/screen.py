"""``watchlist screen INPUT.csv``: screen every row of a delimited file, in constant memory."""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from typing import IO, Any

from watchlist._rules import as_of_day
from watchlist.batch.reader import Progress
from watchlist.batch.run import BatchSummary, screen_file
from watchlist.batch.schema import PER_HIT_COLUMNS, PER_ROW_COLUMNS
from watchlist.cli._common import (
    add_decisions_option,
    add_input_options,
    add_screening_options,
    column_map,
    columns_text,
    describe_lists,
    load_screener,
    output_format,
)
from watchlist.errors import DecisionWarning

_DESCRIPTION = """\
Screen every row of a delimited file (CSV) against the lists a jurisdiction applies on a date.

The input streams through in constant memory; its encoding (UTF-8 with or without BOM, UTF-16,
cp1251, latin-1) and delimiter (, ; tab |) are detected unless given. Map the columns that hold
the name and, if present, the row id, kind, date of birth, nationality and identifiers; columns
not mapped are not used.

Output (CSV or JSON Lines): by default one record per hit, with the columns
{per_hit}
With --per-row, one record per input row with its outcome (clear, hit, cleared: every hit
covered by a cleared decision, or error); in CSV the best hit and how many there were, with
the columns
{per_row}
and in JSON Lines every hit, in "hits". "line" is the input line the row starts on. In CSV,
cells starting with = + - @ (or a tab or carriage return) are prefixed with ' so that
spreadsheets do not run them as formulas.

Every input row is accounted for: rows read = rows screened + rows rejected. A row that cannot
be screened (no name, broken quoting, over-long field or line, undecodable bytes, wrong number
of fields, a bad value such as a date of birth) goes to the rejects file with its line, reason
and raw text, and the run goes on. Output, rejects and an audit record (OUT.audit.json:
parameters, list versions and digests, counts, input digest, start and end times) are written
under temporary names and renamed into place only when the run completes. A summary goes to
stderr, with a progress bar when stderr is a terminal.

With --decisions FILE (see `watchlist decisions`), each hit is checked against the decisions
recorded for the row's id (--id-column is then required): "status" is cleared when a valid
cleared decision covers it ("decided_by", "decision_reason"), otherwise alert, with
"decision_lapsed" saying why an earlier decision no longer applies. The summary counts alerts
and cleared hits apart, and the audit record gets the file's SHA-256 and the decisions applied.
"""

_EXIT_NOTE = """
  For screen, 2 also means that some rows were rejected and none of the others hit: the
  rejected rows were not screened (see the rejects file). Hits take precedence: 1.
  With --decisions, only hits that alert count: a run whose hits are all cleared exits 0.
"""


def register(commands: Any, epilog: str) -> None:
    parser = commands.add_parser(
        "screen",
        help="screen every row of a CSV file",
        description=_DESCRIPTION.format(
            per_hit=columns_text(PER_HIT_COLUMNS), per_row=columns_text(PER_ROW_COLUMNS)
        ),
        epilog=epilog + _EXIT_NOTE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("input", metavar="INPUT.csv", help="delimited file with a header row")
    parser.add_argument(
        "-o", "--output", required=True, metavar="OUT", help="output file (CSV or JSON Lines)"
    )
    parser.add_argument(
        "--per-row",
        action="store_true",
        help="one output record per input row with its outcome, instead of one per hit",
    )
    add_input_options(parser)
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        metavar="N",
        help="screen in N processes (default: 1)",
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    add_decisions_option(parser)
    add_screening_options(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    screener = load_screener(args)
    chosen_format = output_format(args)
    bar = ProgressBar(sys.stderr) if not args.quiet and sys.stderr.isatty() else None
    try:
        with warnings.catch_warnings():
            # Printed below, as one line each, rather than as Python prints warnings.
            warnings.simplefilter("ignore", DecisionWarning)
            summary = screen_file(
                screener,
                args.input,
                args.output,
                jurisdiction=args.jurisdiction,
                as_of=as_of_day(args.as_of),
                columns=column_map(args),
                output_format=chosen_format,
                per_row=args.per_row,
                rejects_path=args.rejects,
                encoding=args.encoding,
                delimiter=args.delimiter,
                accept_stale=args.accept_stale,
                workers=args.workers,
                max_field_length=args.max_field_length,
                max_input_bytes=args.max_input_bytes,
                on_progress=bar,
                decisions=args.decisions,
            )
    finally:
        if bar is not None:
            bar.clear()
    print(
        "\n".join(
            _summary_lines(
                summary, chosen_format, args.per_row, decisions=args.decisions is not None
            )
        ),
        file=sys.stderr,
    )
    for warning in summary.warnings:
        print(f"watchlist: warning: {warning}", file=sys.stderr)
    if not summary.rows_read:
        print(
            f"watchlist: warning: {args.input} has no rows after its header: nothing was screened",
            file=sys.stderr,
        )
    if summary.rows_with_alerts:
        return 1
    return 2 if summary.rows_rejected else 0


def _summary_lines(
    summary: BatchSummary, format_name: str, per_row: bool, *, decisions: bool = False
) -> list[str]:
    reasons = ", ".join(f"{count} {reason}" for reason, count in summary.rejected_by_reason.items())
    blank = f"; {summary.blank_lines} blank lines skipped" if summary.blank_lines else ""
    delimiter = "tab" if summary.delimiter == "\t" else summary.delimiter
    seconds = (summary.finished - summary.started).total_seconds()
    return [
        f"watchlist: {summary.rows_read} rows read: {summary.rows_screened} screened "
        f"({summary.rows_with_hits} with hits, {summary.hits} hits), "
        f"{summary.rows_rejected} rejected{f' ({reasons})' if reasons else ''}{blank}",
        *(
            [
                f"  alerts: {summary.alerts} in {summary.rows_with_alerts} rows; cleared by a "
                f"decision: {summary.cleared}"
            ]
            if decisions
            else []
        ),
        f"  input read as {summary.encoding}, delimiter {delimiter!r}, in {seconds:.1f} s",
        f"  wrote {summary.output_path} ({format_name}, one record per "
        f"{'input row' if per_row else 'hit'})",
        f"  rejects: {summary.rejects_path}",
        f"  audit record: {summary.audit_path}",
        "lists used:",
        *describe_lists(summary.lists_used),
    ]


class ProgressBar:
    """A one-line progress bar: share of the input read, rows, rows per second and ETA.

    Redrawn at most every ``interval`` seconds, in place (carriage return), on ``stream``.
    """

    WIDTH = 24

    def __init__(self, stream: IO[str], interval: float = 0.25) -> None:
        self._stream = stream
        self._interval = interval
        self._start = time.monotonic()
        self._last = 0.0
        self._drawn = False

    def __call__(self, progress: Progress) -> None:
        now = time.monotonic()
        if now - self._last < self._interval:
            return
        self._last = now
        self._stream.write("\r" + self.render(progress, now - self._start))
        self._stream.flush()
        self._drawn = True

    def render(self, progress: Progress, elapsed: float) -> str:
        share = min(progress.bytes_read / progress.total_bytes, 1.0) if progress.total_bytes else 1
        filled = int(share * self.WIDTH)
        rate = progress.rows / elapsed if elapsed > 0 else 0.0
        if 0 < share < 1:
            remaining = int(elapsed * (1 - share) / share)
            eta = f"ETA {remaining // 3600}:{remaining % 3600 // 60:02d}:{remaining % 60:02d}"
        else:
            eta = "ETA -:--:--"
        return (
            f"[{'#' * filled}{'.' * (self.WIDTH - filled)}] {share:4.0%}  "
            f"{progress.rows:,} rows  {rate:,.0f} rows/s  {eta}"
        )

    def clear(self) -> None:
        if self._drawn:
            self._stream.write("\r\x1b[K")
            self._stream.flush()
