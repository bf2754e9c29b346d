"""The ``watchlist`` command: a thin layer over the library.

Exit codes: 0 when nothing matched (or, for ``diff``, nothing changed), 1 when something
matched (or changed), 2 on a usage or data error (a :class:`~watchlist.errors.WatchlistError`:
one line on stderr), 3 on an internal or environment error (any other exception: a full disk,
a bug; one line on stderr, the traceback only with ``--debug``), 130 when interrupted (Ctrl-C,
SIGINT) and 143 when terminated (SIGTERM). An interrupted or terminated run stops its worker
processes and removes its unfinished output.
"""

from __future__ import annotations

import argparse
import contextlib
import signal
import sys
import traceback
from collections.abc import Iterator, Sequence
from types import FrameType

from watchlist.cli import check, decisions, diff, lists, rescreen, screen, timeline
from watchlist.errors import WatchlistError

EXIT_CLEAR = 0
EXIT_HITS = 1
EXIT_ERROR = 2
EXIT_INTERNAL = 3
EXIT_INTERRUPTED = 130
EXIT_TERMINATED = 128 + signal.SIGTERM

_EPILOG = """exit status:
  0    screened, nothing matched (diff: no changes)
  1    screened, at least one hit (diff: changes found); with --decisions, only hits that
       alert count: those a valid cleared decision covers do not
  2    usage or data error (unknown jurisdiction, date not covered, stale or bad list, bad input)
  3    internal or environment error (disk full, unreadable file, a bug; --debug shows why)
  130  interrupted (Ctrl-C); 143 terminated (SIGTERM): no output is left behind
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="watchlist",
        description="Screen names against sanctions and terrorist lists, per jurisdiction, "
        "as of a date.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--debug", action="store_true", help=_DEBUG_HELP)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in (check, screen, lists, diff, rescreen, timeline, decisions):
        module.register(commands, _EPILOG)
    for command in commands.choices.values():
        # Also after the command; SUPPRESS keeps a --debug given before it.
        command.add_argument(
            "--debug", action="store_true", default=argparse.SUPPRESS, help=_DEBUG_HELP
        )
    return parser


_DEBUG_HELP = "on an internal error, print the traceback as well"


class Terminated(BaseException):
    """Raised in the main thread on SIGTERM, so that a run cleans up as on Ctrl-C."""


def _terminate(_signal: int, _frame: FrameType | None) -> None:
    raise Terminated


@contextlib.contextmanager
def _terminable() -> Iterator[None]:
    """SIGTERM raises :class:`Terminated` while the block runs (in the main thread only)."""
    try:
        previous = signal.signal(signal.SIGTERM, _terminate)
    except ValueError:  # not the main thread: leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    debug: bool = args.debug
    try:
        with _terminable():
            code: int = args.run(args)
    except WatchlistError as error:
        if debug:
            traceback.print_exc()
        print(f"watchlist: error: {error}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("watchlist: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Terminated:
        print("watchlist: terminated", file=sys.stderr)
        return EXIT_TERMINATED
    except Exception as error:
        if debug:
            traceback.print_exc()
        hint = "" if debug else " (--debug shows the traceback)"
        print(f"watchlist: internal error: {_describe(error)}{hint}", file=sys.stderr)
        return EXIT_INTERNAL
    return code


def _describe(error: BaseException) -> str:
    """One line for an unexpected error: an OSError says what and where, anything else its
    type and message."""
    if isinstance(error, OSError) and error.strerror:
        where = f": {error.filename}" if error.filename else ""
        return f"{error.strerror}{where}"
    text = str(error).splitlines()[0] if str(error) else ""
    return f"{type(error).__name__}: {text}" if text else type(error).__name__
