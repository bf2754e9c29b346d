"""``watchlist lists``: the lists available, their versions, coverage and age.

``watchlist lists add LIST_ID FILE --published DATE`` records a version in the store;
``watchlist lists update`` downloads the official lists into it from their publishers;
``watchlist lists status`` says, per jurisdiction, whether screening today would fail closed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import Any

import attrs

from watchlist._rules import as_of_day, jurisdiction_code
from watchlist.cli._common import add_list_options, parse_date
from watchlist.lists.formats import curated
from watchlist.lists.jurisdictions import Jurisdiction, load_jurisdictions
from watchlist.lists.loading import JURISDICTIONS_FILE, shipped_lists_dir
from watchlist.lists.registry import OFFICIAL_LISTS
from watchlist.lists.store import Store, default_store_path
from watchlist.lists.update import (
    DEFAULT_RETRIES,
    DEFAULT_TIMEOUT,
    SOURCES_ENV,
    JurisdictionLists,
    ListState,
    ListStatus,
    list_status,
    shipped_source_names,
    update_lists,
)
from watchlist.model import Coverage, ListInfo

_LIST_IDS = ", ".join([*OFFICIAL_LISTS, "opensanctions-<dataset>"])


def register(commands: Any, epilog: str) -> None:
    parser = commands.add_parser(
        "lists",
        help="show the lists, their versions, coverage and age; add a version",
        description="Show every list available (the curated lists and the version store): "
        "its versions, coverage and age in days. 'lists add' records a new version.",
        epilog=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_list_options(parser, store_default=f"the per-user store, {default_store_path()}")
    parser.add_argument(
        "--as-of",
        type=parse_date,
        default=None,
        metavar="DATE",
        help="count ages as of DATE (default: today)",
    )
    parser.set_defaults(run=run_show)
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    add = actions.add_parser(
        "add",
        help="record a list file as a version in the store",
        description="Record FILE as a version of LIST_ID in the version store: copied in, "
        "named by its SHA-256, with its publication date. Adding the same file again "
        "changes nothing. A file of the wrong format for the list is refused. "
        f"List ids: {_LIST_IDS}.",
        epilog=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add.add_argument("list_id", metavar="LIST_ID", help=f"the list: {_LIST_IDS}")
    add.add_argument(
        "file",
        metavar="FILE",
        help="the list file (for an OFAC CSV set, sdn.csv or cons_prim.csv, with its "
        "companion files beside it)",
    )
    add.add_argument(
        "--published",
        type=parse_date,
        default=None,
        metavar="DATE",
        help="the publication date; required for the OFAC CSV set, which states none",
    )
    add.add_argument(
        "--store",
        dest="add_store",
        metavar="DIR",
        default=None,
        help=f"the version store (default: {default_store_path()})",
    )
    add.add_argument(
        "--allow-empty",
        action="store_true",
        help="accept a file with no entries (never real for the official lists)",
    )
    add.set_defaults(run=run_add)
    _register_update(actions)
    _register_status(actions)


def _register_update(actions: Any) -> None:
    sources = ", ".join(shipped_source_names())
    update = actions.add_parser(
        "update",
        help="download the official lists from their publishers into the store",
        description="Download each official list from its publisher, verify it (https only, "
        "size limit, format sniffed and parsed, publication date read from the file, no "
        "sudden shrink, not older than the stored one) and record it in the version store. "
        "A refused download changes nothing: the last good version stays in use. "
        f"Sources: {sources}.",
        epilog="exit status:\n  0    every list stored, or unchanged\n  2    a list was "
        "refused (the others are still updated), or a usage error\n  3    an internal or "
        "environment error (--debug shows why)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    update.add_argument(
        "--source",
        dest="sources",
        action="extend",
        nargs="+",
        metavar="NAME",
        default=None,
        help=f"update only these lists (default: all of {sources})",
    )
    update.add_argument(
        "--store",
        dest="update_store",
        metavar="DIR",
        default=None,
        help=f"the version store (default: {default_store_path()})",
    )
    update.add_argument(
        "--force",
        action="store_true",
        help="store a version even if it has far fewer entries than the last, or is older "
        "than it (never one that fails to download, parse or verify)",
    )
    update.add_argument(
        "--sources",
        dest="sources_file",
        metavar="FILE",
        default=None,
        help="a TOML file of sources laid over the shipped ones, e.g. a bank's mirror "
        f"(default: ${SOURCES_ENV} when set)",
    )
    update.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT,
        metavar="SECONDS",
        help=f"per request (default: {DEFAULT_TIMEOUT:g})",
    )
    update.add_argument(
        "--retries",
        type=int,
        default=DEFAULT_RETRIES,
        metavar="N",
        help=f"tries again after a timeout, a dropped connection or HTTP 5xx, with "
        f"exponential backoff (default: {DEFAULT_RETRIES})",
    )
    update.set_defaults(run=run_update)


def _register_status(actions: Any) -> None:
    status = actions.add_parser(
        "status",
        help="per jurisdiction: the list versions screening would use, their age, and "
        "whether screening would fail closed",
        description="For each jurisdiction and each list it applies on the day: the newest "
        "version, its publication date, its age against the list's maximum age, and whether "
        "screening would fail closed (a list missing, stale or not covering the day), with "
        "the command that fixes it.",
        epilog="exit status:\n  0    screening would run in every jurisdiction shown\n"
        "  1    it would fail closed in at least one\n  2    a usage or data error",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    status.add_argument(
        "-j",
        "--jurisdiction",
        dest="status_jurisdictions",
        action="append",
        default=None,
        metavar="CODE",
        help="only this jurisdiction (repeat for several)",
    )
    status.add_argument(
        "--store",
        dest="status_store",
        metavar="DIR",
        default=None,
        help=f"the version store (default: {default_store_path()})",
    )
    status.add_argument(
        "--as-of",
        dest="status_as_of",
        type=parse_date,
        default=None,
        metavar="DATE",
        help="the day screening would be for (default: today)",
    )
    status.set_defaults(run=run_status)


def run_update(args: argparse.Namespace) -> int:
    store_dir = args.update_store or args.store
    store = Store.default() if store_dir is None else Store(store_dir)
    results = update_lists(
        store,
        sources=args.sources,
        config=args.sources_file,
        force=args.force,
        timeout=args.timeout,
        retries=args.retries,
    )
    for result in results:
        if result.ok:
            print(result.describe())
        else:
            print(f"watchlist: {result.describe()}", file=sys.stderr)
    counts = {
        status: sum(1 for result in results if result.status == status)
        for status in ("added", "unchanged", "refused")
    }
    print(
        f"{counts['added']} added, {counts['unchanged']} unchanged, {counts['refused']} "
        f"refused; store {store.path}",
        file=sys.stderr,
    )
    return 0 if all(result.ok for result in results) else 2


def run_status(args: argparse.Namespace) -> int:
    lists_dir = shipped_lists_dir() if args.lists is None else Path(args.lists)
    store_dir = args.status_store or args.store
    store = Store.default() if store_dir is None else Store(store_dir)
    jurisdictions = load_jurisdictions(
        lists_dir / JURISDICTIONS_FILE if args.jurisdictions is None else args.jurisdictions
    )
    if args.status_jurisdictions:
        wanted = {jurisdiction_code(code) for code in args.status_jurisdictions}
        if unknown := sorted(wanted - set(jurisdictions)):
            from watchlist.errors import UnknownJurisdictionError

            raise UnknownJurisdictionError(unknown[0], jurisdictions)
        jurisdictions = {code: jurisdictions[code] for code in wanted}
    day = args.status_as_of or args.as_of
    rows = list_status(store, jurisdictions, lists_dir=lists_dir, day=day)
    print("\n".join(line for row in rows for line in _status_lines(row)))
    return 1 if any(row.fails_closed for row in rows) else 0


def _status_lines(row: JurisdictionLists) -> list[str]:
    verdict = (
        "screening FAILS CLOSED" if row.fails_closed else "screening can run"
    ) + f" on {row.day.isoformat()}"
    lines = [f"{row.code} ({row.name}): {verdict}"]
    if not row.lists:
        lines.append("  no list applies on that day")
    lines.extend(f"  {_status_line(each)}" for each in row.lists)
    return lines


def _status_line(each: ListStatus) -> str:
    if each.state is ListState.MISSING:
        return f"{each.list_id}: MISSING, no version loaded; fix: {each.fix}"
    age = (
        f"age {each.age_days} of {each.max_age_days} days"
        if each.age_days is not None and each.age_days >= 0
        else "published after the day"
    )
    text = (
        f"{each.list_id}: {each.state.value.upper() if each.fails_closed else each.state.value}, "
        f"published {each.published}, {age} ({each.origin}, sha256:{each.digest})"
    )
    if each.state is ListState.NOT_COVERED:
        text += "; the day is before the list's coverage starts"
    if each.fix:
        text += f"; fix: {each.fix}"
    return text


def run_add(args: argparse.Namespace) -> int:
    store_dir = args.add_store or args.store
    store = Store.default() if store_dir is None else Store(store_dir)
    before = {version.digest for version in store.versions(args.list_id)}
    version = store.add(
        args.list_id, args.file, published=args.published, allow_empty=args.allow_empty
    )
    done = "already stored" if version.digest in before else "added"
    kept = (
        " (the date first recorded for this content is kept)"
        if args.published is not None and args.published != version.published
        else ""
    )
    print(
        f"{done}: {args.list_id} published {version.published.isoformat()}{kept}, "
        f"{len(version.entries)} entries, sha256:{version.digest} in {store.path}"
    )
    return 0


@attrs.frozen
class _Row:
    info: ListInfo
    origin: str
    #: (published, digest, where) of each version, oldest first.
    versions: tuple[tuple[dt.date, str, str], ...]


def run_show(args: argparse.Namespace) -> int:
    day = as_of_day(args.as_of)
    lists_dir = shipped_lists_dir() if args.lists is None else Path(args.lists)
    rows = _curated_rows(lists_dir)
    store = Store.default() if args.store is None else Store(args.store)
    rows.extend(_store_rows(store))
    jurisdictions = load_jurisdictions(
        lists_dir / JURISDICTIONS_FILE if args.jurisdictions is None else args.jurisdictions
    )
    print("\n".join(_render(rows, jurisdictions, day)))
    return 0


def _curated_rows(lists_dir: Path) -> list[_Row]:
    rows = []
    for file in sorted(lists_dir.glob("*.toml")):
        if file.name == JURISDICTIONS_FILE:
            continue
        version = curated.parse(file)
        rows.append(
            _Row(
                info=version.info,
                origin=f"curated, {lists_dir}",
                versions=((version.published, version.digest, file.name),),
            )
        )
    return rows


def _store_rows(store: Store) -> list[_Row]:
    rows = []
    for list_id in store.lists():
        versions = store.versions(list_id)
        newest = versions[-1]
        info = ListInfo(
            id=list_id,
            title=newest.title,
            authority="",
            jurisdiction="",
            coverage=newest.coverage,
            coverage_start=min(version.coverage_start for version in versions),
            max_age_days=newest.max_age_days,
        )
        rows.append(
            _Row(
                info=info,
                origin=f"store, {store.path}",
                versions=tuple(
                    (
                        version.published,
                        version.digest,
                        ", ".join(
                            file.name
                            if file.name == file.original
                            else f"{file.name} (from {file.original})"
                            for file in version.files
                        )
                        + f"; {version.entries} entries",
                    )
                    for version in versions
                ),
            )
        )
    return rows


def _render(rows: list[_Row], jurisdictions: dict[str, Jurisdiction], today: dt.date) -> list[str]:
    if not rows:
        return ["no lists"]
    lines = []
    for row in sorted(rows, key=lambda row: row.info.id):
        info = row.info
        newest = row.versions[-1][0]
        age = (today - newest).days
        stale = f", STALE (usable {info.max_age_days} days)" if age > info.max_age_days else ""
        when = f"age {age} days{stale}" if age >= 0 else f"published after {today.isoformat()}"
        excerpt = " (excerpt: results say so)" if info.coverage is Coverage.EXCERPT else ""
        applied = sorted(
            code
            for code, jurisdiction in jurisdictions.items()
            if any(applied.list_id == info.id for applied in jurisdiction.lists)
        )
        lines.extend(
            [
                f"{info.id}: {info.title} [{row.origin}]",
                f"  coverage {info.coverage}{excerpt} from {info.coverage_start.isoformat()}; "
                f"{len(row.versions)} version(s), newest {newest.isoformat()}, " + when,
                f"  applied by: {', '.join(applied) or '(no jurisdiction)'}",
            ]
        )
        lines.extend(
            f"    {published.isoformat()}  sha256:{digest}  {where}"
            for published, digest, where in row.versions
        )
    return lines
