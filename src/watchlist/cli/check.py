"""``watchlist check NAME``: screen one name and explain each hit."""

from __future__ import annotations

import argparse
from typing import Any

from watchlist._rules import as_of_day
from watchlist.cli._common import add_screening_options, describe_lists, load_screener
from watchlist.model import Hit, ScreeningResult


def register(commands: Any, epilog: str) -> None:
    parser = commands.add_parser(
        "check",
        help="screen one name and explain each hit",
        description="Screen one name against the lists a jurisdiction applies on a date.",
        epilog=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("name", metavar="NAME", help="the name to screen, in any script")
    add_screening_options(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    screener = load_screener(args)
    result = screener.screen(
        args.name,
        jurisdiction=args.jurisdiction,
        as_of=as_of_day(args.as_of),
        accept_stale=args.accept_stale,
    )
    print("\n".join(render(result)))
    return 1 if result.is_hit else 0


def render(result: ScreeningResult) -> list[str]:
    lines = [
        f"{result.query.name!r} in {result.jurisdiction} as of {result.as_of.isoformat()} "
        f"(threshold {result.threshold:.2f}, scorer {result.scorer})",
        "lists used:",
        *describe_lists(result.lists_used),
    ]
    if not result.hits:
        lines.append(f"no hits: nothing on these {len(result.lists_used)} list versions matched")
        return lines
    lines.append(f"{len(result.hits)} hit(s):")
    for hit in result.hits:
        lines.extend(_render_hit(hit))
    return lines


def _render_hit(hit: Hit) -> list[str]:
    designation = hit.designation
    until = (
        f" until {designation.end.isoformat()} ({designation.end_reason})"
        if designation.end
        else ""
    )
    return [
        f"  HIT {hit.score:.2f}  {hit.list_id} / {hit.entry_id}: {hit.entry.primary_name.value}",
        f"      matched name: {hit.matched_name.value} ({hit.matched_name.strength})",
        f"      in force since {designation.start.isoformat()}{until}: {designation.basis}",
        f"      why: {hit.match.explanation}",
    ]
