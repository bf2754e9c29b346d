"""Options and output shared by the commands."""

from __future__ import annotations

import argparse
import textwrap
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import cast

from watchlist._rules import to_date
from watchlist.batch.columns import ColumnMap
from watchlist.batch.reader import DEFAULT_MAX_FIELD_LENGTH
from watchlist.batch.schema import OutputFormat
from watchlist.errors import InputError
from watchlist.lists.loading import shipped_lists_dir
from watchlist.lists.store import Store
from watchlist.model import ListUse
from watchlist.screening.screener import Screener, default_index_cache_path


def add_screening_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-j", "--jurisdiction", required=True, help="jurisdiction code, e.g. RU, KZ, US, UN"
    )
    parser.add_argument(
        "--as-of",
        type=parse_date,
        default=None,
        metavar="DATE",
        help="screen against the lists as they stood on DATE (2024, 2024-06 or 2024-06-01; "
        "default: today)",
    )
    add_list_options(parser)
    add_index_cache_options(parser)
    parser.add_argument(
        "--threshold",
        type=float,
        default=None,
        help="minimum score for a hit, in (0, 1] (default: the scorer's documented default)",
    )
    parser.add_argument(
        "--accept-stale",
        action="store_true",
        help="screen even when a list is older than its maximum age (recorded as such)",
    )


def add_list_options(parser: argparse.ArgumentParser, *, store_default: str = "none") -> None:
    """``--lists``, ``--store`` and ``--jurisdictions``: where the lists come from."""
    parser.add_argument(
        "--lists",
        metavar="DIR",
        default=None,
        help="directory of curated lists with jurisdictions.toml (default: the shipped lists)",
    )
    parser.add_argument(
        "--store",
        metavar="DIR",
        default=None,
        help="also use every list version recorded in this version store "
        f"(default: {store_default})",
    )
    parser.add_argument(
        "--jurisdictions",
        metavar="FILE",
        default=None,
        help="read the jurisdictions from FILE instead, e.g. a bank's own naming official "
        "list ids such as us-ofac-sdn (default: jurisdictions.toml beside the lists)",
    )


def add_index_cache_options(parser: argparse.ArgumentParser) -> None:
    """``--index-cache DIR`` and ``--no-index-cache``: where the candidate index is kept."""
    cache = parser.add_mutually_exclusive_group()
    cache.add_argument(
        "--index-cache",
        metavar="DIR",
        default=None,
        help="keep the candidate index in DIR between runs, verified when loaded and built "
        "again when it cannot be used (default: $WATCHLIST_INDEX_CACHE, else "
        "$XDG_CACHE_HOME/watchlist/index, else ~/.cache/watchlist/index)",
    )
    cache.add_argument(
        "--no-index-cache",
        action="store_true",
        help="build the candidate index in memory, reading and writing no cache",
    )


def parse_date(text: str) -> object:
    """An argparse ``type`` for dates: a bad date is a usage error."""
    try:
        return to_date(text)
    except InputError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def load_screener(args: argparse.Namespace, *, store: Store | None = None) -> Screener:
    """The screener the options describe; ``store`` is used when ``--store`` is not given."""
    if args.store is not None:
        store = Store(args.store)
    threshold = getattr(args, "threshold", None)
    return Screener.from_directory(
        shipped_lists_dir() if args.lists is None else args.lists,
        threshold=threshold,
        store=store,
        jurisdictions=args.jurisdictions,
        index_cache=_index_cache(args),
    )


def _index_cache(args: argparse.Namespace) -> Path | None:
    """The index cache the options name: by default the per-user one (a command without
    the options, none)."""
    if not hasattr(args, "no_index_cache") or args.no_index_cache:
        return None
    if args.index_cache is not None:
        return Path(args.index_cache)
    return default_index_cache_path()


def describe_lists(lists_used: Iterable[ListUse]) -> list[str]:
    return [
        f"  {use.list_id} ({use.coverage}) published {use.published.isoformat()} "
        f"sha256:{use.digest}"
        for use in lists_used
    ]


def add_input_options(parser: argparse.ArgumentParser) -> None:
    """The options of the commands that read a delimited file: format, rejects, columns, reading."""
    parser.add_argument(
        "--format",
        choices=("csv", "jsonl"),
        default=None,
        help="output format (default: jsonl when OUT ends in .jsonl, otherwise csv)",
    )
    parser.add_argument(
        "--rejects",
        metavar="FILE",
        default=None,
        help="CSV file for rejected rows (default: OUT's name with .rejects.csv, beside it)",
    )
    columns = parser.add_argument_group("input columns (names as in the header row)")
    columns.add_argument(
        "--name-column", default="name", metavar="COL", help="the name (default: name)"
    )
    columns.add_argument("--id-column", metavar="COL", help="a row id, copied to the output")
    columns.add_argument(
        "--kind-column", metavar="COL", help="person, organization, vessel, aircraft"
    )
    columns.add_argument(
        "--dob-column", metavar="COL", help="date of birth (1964, 1964-05 or 1964-05-02)"
    )
    columns.add_argument(
        "--nationality-column",
        metavar="COL",
        help="nationality country codes, several separated by ; , / or spaces",
    )
    columns.add_argument(
        "--identifier-column",
        action="append",
        default=[],
        type=_identifier_column,
        metavar="[KIND=]COL",
        help="an identifier (passport, national id, imo ...); KIND defaults to the column name; "
        "repeat for several",
    )
    reading = parser.add_argument_group("reading the input")
    reading.add_argument(
        "--encoding", default=None, help="input encoding, e.g. utf-8, utf-16, cp1251, latin-1"
    )
    reading.add_argument(
        "--delimiter",
        type=_delimiter,
        default=None,
        help="field delimiter: one character, or 'tab' (default: detected from the header)",
    )
    reading.add_argument(
        "--max-field-length",
        type=int,
        default=DEFAULT_MAX_FIELD_LENGTH,
        metavar="N",
        help=f"reject rows with a field longer than N characters (default: "
        f"{DEFAULT_MAX_FIELD_LENGTH})",
    )
    reading.add_argument(
        "--max-input-bytes",
        type=int,
        default=None,
        metavar="N",
        help="stop, writing nothing, if the input is larger than N bytes (default: no limit; "
        "a line without an end is refused past 64 MiB in any case)",
    )


def columns_text(names: Sequence[str]) -> str:
    return textwrap.fill(", ".join(names), width=94, initial_indent="  ", subsequent_indent="  ")


def _identifier_column(text: str) -> tuple[str, str]:
    kind, separator, column = text.partition("=")
    if not separator:
        column = kind
    if not kind.strip() or not column.strip():
        msg = f"expected KIND=COLUMN or COLUMN, got {text!r}"
        raise argparse.ArgumentTypeError(msg)
    return kind.strip(), column.strip()


def _delimiter(text: str) -> str:
    named = {"tab": "\t", "\\t": "\t", "comma": ",", "semicolon": ";", "pipe": "|"}
    delimiter = named.get(text.lower(), text)
    if len(delimiter) != 1:
        msg = f"expected one character or 'tab', got {text!r}"
        raise argparse.ArgumentTypeError(msg)
    return delimiter


def output_format(args: argparse.Namespace) -> OutputFormat:
    """The output format asked for, or the one the output file's name implies."""
    if args.format is not None:
        return cast(OutputFormat, args.format)
    return "jsonl" if Path(args.output).suffix.lower() in {".jsonl", ".ndjson"} else "csv"


def column_map(args: argparse.Namespace) -> ColumnMap:
    """The input columns the options name."""
    return ColumnMap(
        name=args.name_column,
        id=args.id_column,
        kind=args.kind_column,
        birth_date=args.dob_column,
        nationality=args.nationality_column,
        identifiers=args.identifier_column,
    )


def add_decisions_option(parser: argparse.ArgumentParser) -> None:
    """``--decisions FILE``: the analysts' decisions to apply to hits."""
    parser.add_argument(
        "--decisions",
        metavar="FILE",
        default=None,
        help="apply the decisions recorded in FILE (see `watchlist decisions`) by the row's id "
        "(--id-column): a hit a valid cleared decision covers is reported as cleared and does "
        "not count towards the exit status",
    )
