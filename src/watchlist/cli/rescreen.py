"""``watchlist rescreen INPUT.csv -j KZ --from D1 --to D2``: what list changes mean for a file.

Exit codes: 0 when no row's hits changed, 1 when some did, 2 on a usage or data error (and
when rows were rejected and no other row changed).
"""

from __future__ import annotations

import argparse
import sys
import warnings
from typing import Any

from watchlist.batch.rescreen import RescreenSummary, rescreen_file
from watchlist.batch.schema import CHANGE_COLUMNS
from watchlist.cli._common import (
    add_decisions_option,
    add_index_cache_options,
    add_input_options,
    add_list_options,
    column_map,
    columns_text,
    describe_lists,
    load_screener,
    output_format,
    parse_date,
)
from watchlist.cli.screen import ProgressBar
from watchlist.errors import DecisionWarning

_DESCRIPTION = """\
Re-screen every row of a delimited file (CSV) against what changed on the lists a jurisdiction
applies between two dates, and report each hit that is new on D2 or cleared since D1.

New hits: entries added, changed so that they now match, or on a list the jurisdiction started
applying. Cleared hits: entries delisted, suspended or expired, changed so that they no longer
match, or on a list the jurisdiction stopped applying. The result is exactly the difference
between screening the file on D1 and on D2, but each row is scored only against the entries
with a record in force on one date and not the other.

The input is read as by `watchlist screen` (same column options, encoding and delimiter
detection, rejects file, audit record, output renamed into place when complete). Output (CSV
or JSON Lines), one record per change, with the columns
{columns}
"change" is new or cleared; "reason" is added, changed, list-applied (new) or delisted,
suspended, expired, superseded, changed, list-not-applied (cleared); "end_date" and
"end_basis" say when and on what basis a cleared designation ended. Scores are the entry's
best on each date, empty where it was not in force.

With --decisions FILE (see `watchlist decisions`; --id-column is then required), each new hit
is checked against the decisions recorded for the row's id, as of D2: "status" is cleared when
a valid cleared decision covers it, otherwise alert, with "decision_lapsed" saying why an
earlier decision no longer applies. New hits cleared by a decision do not count towards the
exit status.
"""

_EPILOG = """exit status:
  0  re-screened, no hit appeared or cleared (with --decisions: none but new hits a
     decision clears)
  1  re-screened, at least one hit appeared or cleared
  2  usage or data error (unknown jurisdiction, date not covered, stale or bad list, bad
     input); also when rows were rejected and no other row changed
"""


def register(commands: Any, _epilog: str) -> None:
    parser = commands.add_parser(
        "rescreen",
        help="hits new or cleared in a CSV file between two dates",
        description=_DESCRIPTION.format(columns=columns_text(CHANGE_COLUMNS)),
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("input", metavar="INPUT.csv", help="delimited file with a header row")
    parser.add_argument(
        "-o", "--output", required=True, metavar="OUT", help="output file (CSV or JSON Lines)"
    )
    parser.add_argument(
        "-j", "--jurisdiction", required=True, help="jurisdiction code, e.g. RU, KZ, US, UN"
    )
    parser.add_argument(
        "--from",
        dest="from_date",
        type=parse_date,
        required=True,
        metavar="D1",
        help="the date of the last screening (2023-12-01; 2023-12 or 2023 mean their first day)",
    )
    parser.add_argument(
        "--to", dest="to_date", type=parse_date, required=True, metavar="D2",
        help="the date to re-screen as of, on or after D1",
    )  # fmt: skip
    add_input_options(parser)
    parser.add_argument(
        "--threshold",
        type=float,
        default=None,
        help="minimum score for a hit, in (0, 1] (default: the scorer's documented default)",
    )
    parser.add_argument(
        "--accept-stale",
        action="store_true",
        help="re-screen even when a list is older than its maximum age on a date",
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    add_decisions_option(parser)
    add_list_options(parser)
    add_index_cache_options(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    screener = load_screener(args)
    chosen_format = output_format(args)
    bar = ProgressBar(sys.stderr) if not args.quiet and sys.stderr.isatty() else None
    try:
        with warnings.catch_warnings():
            # Printed below, as one line each, rather than as Python prints warnings.
            warnings.simplefilter("ignore", DecisionWarning)
            summary = rescreen_file(
                screener,
                args.input,
                args.output,
                jurisdiction=args.jurisdiction,
                from_date=args.from_date,
                to_date=args.to_date,
                columns=column_map(args),
                output_format=chosen_format,
                rejects_path=args.rejects,
                encoding=args.encoding,
                delimiter=args.delimiter,
                threshold=args.threshold,
                accept_stale=args.accept_stale,
                max_field_length=args.max_field_length,
                max_input_bytes=args.max_input_bytes,
                on_progress=bar,
                decisions=args.decisions,
            )
    finally:
        if bar is not None:
            bar.clear()
    lines = _summary_lines(summary, chosen_format)
    if args.decisions is not None:
        lines.insert(
            2,
            f"  new hits cleared by a decision: {summary.new_cleared}; rows needing review: "
            f"{summary.rows_with_alerts}",
        )
    print("\n".join(lines), file=sys.stderr)
    for warning in summary.warnings:
        print(f"watchlist: warning: {warning}", file=sys.stderr)
    if summary.rows_with_alerts:
        return 1
    return 2 if summary.rows_rejected else 0


def _summary_lines(summary: RescreenSummary, format_name: str) -> list[str]:
    reasons = ", ".join(f"{count} {reason}" for reason, count in summary.rejected_by_reason.items())
    blank = f"; {summary.blank_lines} blank lines skipped" if summary.blank_lines else ""
    delimiter = "tab" if summary.delimiter == "\t" else summary.delimiter
    seconds = (summary.finished - summary.started).total_seconds()
    return [
        f"watchlist: {summary.rows_read} rows read: {summary.rows_screened} re-screened "
        f"({summary.rows_with_changes} with changes: {summary.new} new hits, "
        f"{summary.cleared} cleared), {summary.rows_rejected} rejected"
        f"{f' ({reasons})' if reasons else ''}{blank}",
        f"  each row scored against {summary.records_scored} changed entry records of "
        f"{summary.records_in_force} in force on either date",
        f"  input read as {summary.encoding}, delimiter {delimiter!r}, in {seconds:.1f} s",
        f"  wrote {summary.output_path} ({format_name}, one record per change)",
        f"  rejects: {summary.rejects_path}",
        f"  audit record: {summary.audit_path}",
        "lists used on the first date:",
        *describe_lists(summary.lists_from),
        "lists used on the second date:",
        *describe_lists(summary.lists_to),
    ]
