"""``watchlist timeline NAME -j RU,KZ,US,UN``: where and since when a name hits.

Prints one row per change of status (with the status at the start of the range first), and
with ``--svg FILE`` draws the picture: one lane per jurisdiction.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from watchlist._rules import today
from watchlist.cli._common import (
    add_index_cache_options,
    add_list_options,
    load_screener,
    parse_date,
)
from watchlist.errors import InputError
from watchlist.screening.status import StatusTimeline
from watchlist.screening.status_svg import render_svg

_EPILOG = """exit status:
  0  nothing matched on any day of the range, in any jurisdiction
  1  the name hits somewhere on some day of the range
  2  usage or data error (unknown jurisdiction, a day of the range not covered, stale list)
  3  internal or environment error (a file that cannot be written, a bug)
"""

DEFAULT_FROM = dt.date(2000, 1, 1)


def register(commands: Any, _epilog: str) -> None:
    parser = commands.add_parser(
        "timeline",
        help="where and since when a name hits, across jurisdictions",
        description="Show where and since when a name hits: per jurisdiction the periods in "
        "which it is listed, and each change (designation, suspension, removal, relisting, "
        "amendment, a list starting or stopping to apply) with its legal basis. Worked out "
        "from the lists' designations and versions, not by screening every day.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("name", metavar="NAME", help="the name to look up, in any script")
    parser.add_argument(
        "-j",
        "--jurisdiction",
        dest="codes",
        required=True,
        type=_codes,
        metavar="CODES",
        help="jurisdiction codes separated by commas, e.g. RU,KZ,US,UN (one lane each)",
    )
    parser.add_argument(
        "--from",
        dest="from_date",
        type=parse_date,
        default=DEFAULT_FROM,
        metavar="D1",
        help=f"the first day (default: {DEFAULT_FROM.isoformat()})",
    )
    parser.add_argument(
        "--to",
        dest="to_date",
        type=_to_date,
        default=None,
        metavar="D2",
        help="the last day, included (default: today)",
    )
    parser.add_argument(
        "--svg", metavar="FILE", default=None, help="also draw the picture to FILE as SVG"
    )
    parser.add_argument(
        "--threshold",
        type=float,
        default=None,
        help="minimum score for a hit, in (0, 1] (default: the scorer's documented default)",
    )
    parser.add_argument(
        "--accept-stale",
        action="store_true",
        help="go on even when a list is older than its maximum age at the end of the range",
    )
    add_list_options(parser)
    add_index_cache_options(parser)
    parser.set_defaults(run=run)


def _codes(text: str) -> list[str]:
    codes = [code.strip() for code in text.split(",") if code.strip()]
    if not codes:
        msg = f"expected jurisdiction codes such as RU,KZ,US,UN, got {text!r}"
        raise argparse.ArgumentTypeError(msg)
    return codes


def _to_date(text: str) -> object:
    return today() if text.strip().lower() == "today" else parse_date(text)


def run(args: argparse.Namespace) -> int:
    if args.svg is not None:
        _check_output(Path(args.svg))
    screener = load_screener(args)
    timeline = screener.timeline(
        args.name,
        jurisdictions=args.codes,
        start=args.from_date,
        end=args.to_date,
        threshold=args.threshold,
        accept_stale=args.accept_stale,
    )
    if args.svg is not None:
        _write(Path(args.svg), render_svg(timeline))
    sys.stdout.write("".join(f"{line}\n" for line in render(timeline)))
    return 1 if timeline.is_hit else 0


def _check_output(path: Path) -> None:
    """Refuse, before any work, a path the picture cannot be written to."""
    if path.is_dir():
        msg = f"cannot write {path}: it is a directory"
    elif path.exists() and not path.is_file():
        msg = f"cannot write {path}: it exists and is not a regular file"
    elif not path.parent.is_dir():
        msg = f"cannot write {path}: no directory {path.parent}"
    elif not os.access(path.parent, os.W_OK | os.X_OK):
        msg = f"cannot write {path}: the directory {path.parent} is not writable"
    else:
        return
    raise InputError(msg, field="svg", value=str(path))


def _write(path: Path, text: str) -> None:
    """Write under a temporary name beside ``path``, then rename: never half a picture."""
    handle, temporary = tempfile.mkstemp(
        dir=path.parent, prefix=f".{path.name}.", suffix=".partial"
    )
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    finally:
        Path(temporary).unlink(missing_ok=True)


def render(timeline: StatusTimeline) -> list[str]:
    """The table: per jurisdiction, its status on the first day, then one row per change."""
    rows = [("DATE", "J", "EVENT", "STATUS", "LIST / ENTRY", "BASIS")]
    for lane in timeline.jurisdictions:
        in_force = lane.hits_on(timeline.start)
        if not in_force:
            rows.append((timeline.start.isoformat(), lane.code, "(start)", "no hit", "", ""))
        for period in in_force:
            rows.append(
                (
                    timeline.start.isoformat(),
                    lane.code,
                    "(start)",
                    "hit",
                    f"{period.list_id} / {period.entry_id}",
                    f"in force since {period.opened.day.isoformat()} ({period.opened.event}): "
                    f"{period.opened.basis}",
                )
            )
        for change in lane.changes:
            if change.day == timeline.start and change.entry_hit_after:
                continue  # already the start row
            rows.append(
                (
                    change.day.isoformat(),
                    lane.code,
                    str(change.event),
                    "hit" if change.hit_after else "no hit",
                    f"{change.list_id} / {change.entry_id}",
                    change.basis,
                )
            )
    widths = [max(len(row[k]) for row in rows) for k in range(5)]
    lines = [
        f"{timeline.query.name!r} in {', '.join(lane.code for lane in timeline.jurisdictions)} "
        f"from {timeline.start.isoformat()} to {timeline.end.isoformat()} "
        f"(threshold {timeline.threshold:.2f}, scorer {timeline.scorer})",
    ]
    lines.extend(
        (
            "  ".join(cell.ljust(width) for cell, width in zip(row[:5], widths, strict=True))
            + f"  {row[5]}"
        ).rstrip()
        for row in rows
    )
    lines.append("lists used:")
    lines.extend(
        f"  {use.list_id} ({use.coverage}) published {use.published.isoformat()} "
        f"sha256:{use.digest}"
        for use in timeline.lists_used
    )
    return lines
