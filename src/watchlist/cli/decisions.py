"""``watchlist decisions add|list|revoke FILE``: the analysts' decisions on hits.

A decision is taken from a row of ``watchlist screen`` output (``--per-row`` or one record
per hit): the row's ``input_id``, ``customer_digest``, ``list``, ``entry_id`` and
``entry_digest`` say exactly which customer data and which entry content were cleared, so
that the decision stops applying when either changes. Pass the file to ``watchlist screen``
or ``watchlist rescreen`` with ``--decisions FILE``.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import getpass
import json
import sys
from pathlib import Path
from typing import Any

from watchlist.cli._common import add_list_options, parse_date
from watchlist.errors import InputError
from watchlist.lists.loading import load_directory, shipped_lists_dir
from watchlist.model import Decision, DecisionOutcome
from watchlist.screening.decisions import DecisionLog, append_decision

_DESCRIPTION = """\
Record, list and revoke decisions on hits in a decisions FILE (JSON Lines, one decision a
line, appended to and never rewritten; the latest line for a customer, list and entry wins).

  add     record a decision (cleared: a false positive; confirmed: a true match), with the
          digests from a row of `watchlist screen` output
  list    show the decisions in force
  revoke  withdraw the decision for a customer, list and entry (a new line)

A hit a valid cleared decision covers is reported as cleared by `watchlist screen --decisions
FILE`, and does not count towards the exit status; it alerts again, saying why, once the
entry's content or the customer's data changed (another digest) or the decision expired.
"""


def register(commands: Any, epilog: str) -> None:
    parser = commands.add_parser(
        "decisions",
        help="record, list or revoke analysts' decisions on hits",
        description=_DESCRIPTION,
        epilog=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = actions.add_parser(
        "add",
        help="record a decision on a hit",
        description="Append a decision to FILE (created if missing), taking the customer and "
        "entry digests from a row of `watchlist screen` output. Two `decisions add` at once "
        "take turns (the file is locked): neither line is lost. A decision for an entry that "
        "no loaded list has is recorded, with a warning.",
        epilog=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add.add_argument("file", metavar="FILE", help="the decisions file (JSON Lines)")
    _key_options(add)
    add.add_argument(
        "--outcome",
        required=True,
        choices=(str(DecisionOutcome.CLEARED), str(DecisionOutcome.CONFIRMED)),
        help="cleared (a false positive) or confirmed (a true match)",
    )
    source = add.add_mutually_exclusive_group(required=True)
    source.add_argument(
        "--from-output", metavar="OUT",
        help="take both digests from OUT, the `watchlist screen` output (CSV or JSON Lines): "
        "its record for --customer-id/--row and the hit --list and --entry name",
    )  # fmt: skip
    source.add_argument(
        "--customer-digest", metavar="SHA256",
        help="the row's customer_digest column (with --entry-digest, for scripts)",
    )  # fmt: skip
    add.add_argument("--entry-digest", metavar="SHA256", help="the row's entry_digest column")
    add.add_argument(
        "--expires",
        type=parse_date,
        default=None,
        metavar="DATE",
        help="the first day (of the screening's as-of date) on which it no longer applies",
    )
    _author_options(add)
    add_list_options(add)
    add.set_defaults(run=run_add)

    show = actions.add_parser(
        "list",
        help="show the decisions in force",
        description="Show the decisions in force in FILE (the latest line per customer, "
        "list and entry; revoked ones left out), one a line, tab-separated: line, customer, "
        "list, entry, outcome, by, at, expires, reason.",
        epilog=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    show.add_argument("file", metavar="FILE", help="the decisions file (JSON Lines)")
    show.set_defaults(run=run_list)

    revoke = actions.add_parser(
        "revoke",
        help="withdraw a decision",
        description="Append a revocation to FILE: the decision for the customer, list and "
        "entry no longer applies, and its hits alert again.",
        epilog=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    revoke.add_argument("file", metavar="FILE", help="the decisions file (JSON Lines)")
    _key_options(revoke)
    _author_options(revoke)
    revoke.set_defaults(run=run_revoke)


def _key_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--customer-id", "--row", dest="customer_id", required=True, metavar="ID",
        help="the row's input_id column",
    )  # fmt: skip
    parser.add_argument("--list", required=True, metavar="LIST_ID", help="the row's list column")
    parser.add_argument("--entry", required=True, metavar="ENTRY_ID", help="the row's entry_id")


def _author_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--reason", required=True, help="why: what the analyst checked")
    parser.add_argument(
        "--by",
        default=None,
        metavar="NAME",
        help="who decided (default: the login name, recorded as such)",
    )


def _decision(args: argparse.Namespace, outcome: DecisionOutcome, **digests: Any) -> Decision:
    return Decision(
        customer_id=args.customer_id,
        list_id=args.list,
        entry_id=args.entry,
        outcome=outcome,
        decided_by=args.by if args.by is not None else getpass.getuser(),
        decided_at=dt.datetime.now(dt.UTC).replace(microsecond=0),
        reason=args.reason,
        **digests,
    )


def _output_records(path: Path) -> list[dict[str, Any]]:
    """The records of ``watchlist screen`` output ``path``, CSV or JSON Lines (sniffed)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        msg = f"{path}: cannot read the screening output: {exc}"
        raise InputError(msg, field="from_output", value=str(path)) from exc
    if text.lstrip().startswith("{"):
        records: list[dict[str, Any]] = []
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                msg = f"{path}:{number}: not JSON Lines screening output: {exc}"
                raise InputError(msg, field="from_output", value=str(path)) from exc
            if not isinstance(record, dict):
                msg = f"{path}:{number}: not a JSON object"
                raise InputError(msg, field="from_output", value=str(path))
            records.append(record)
        return records
    return list(csv.DictReader(text.splitlines()))


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


def digests_from_output(
    path: Path | str, customer_id: str, list_id: str, entry_id: str
) -> tuple[str, str]:
    """The (customer digest, entry digest) of the one hit of ``path``'s output for customer
    ``customer_id`` on ``list_id`` entry ``entry_id``; an :class:`InputError` naming what is
    missing or ambiguous otherwise."""
    path = Path(path)
    records = _output_records(path)
    if records and not {"input_id", "customer_digest", "entry_digest"} <= set(records[0]):
        msg = (
            f"{path}: not `watchlist screen` output with decision columns "
            "(input_id, customer_digest, entry_digest)"
        )
        raise InputError(msg, field="from_output", value=str(path))
    rows = [r for r in records if _text(r.get("input_id")) == customer_id.strip()]
    if not rows:
        msg = f"{path}: no record has input_id {customer_id!r}"
        raise InputError(msg, field="row", value=customer_id)
    hits = [r for r in rows if _text(r.get("entry_digest"))]
    if not hits:
        msg = f"{path}: the record for input_id {customer_id!r} has no hit"
        raise InputError(msg, field="row", value=customer_id)
    chosen = [
        r
        for r in hits
        if _text(r.get("list")) == list_id.strip() and _text(r.get("entry_id")) == entry_id.strip()
    ]
    if not chosen:
        found = ", ".join(
            sorted({f"{_text(r.get('list'))} {_text(r.get('entry_id'))}" for r in hits})
        )
        msg = (
            f"{path}: input_id {customer_id!r} has no hit on {list_id} entry {entry_id!r} "
            f"(its hits: {found})"
        )
        raise InputError(msg, field="entry", value=[customer_id, list_id, entry_id])
    pairs = {(_text(r.get("customer_digest")), _text(r.get("entry_digest"))) for r in chosen}
    if len(pairs) > 1:
        msg = (
            f"{path}: {len(chosen)} records with different digests for input_id "
            f"{customer_id!r} on {list_id} entry {entry_id!r} (the id is not unique in the "
            "input); give --customer-digest and --entry-digest"
        )
        raise InputError(msg, field="row", value=customer_id)
    ((customer, entry),) = pairs
    if not customer:
        msg = f"{path}: the record for input_id {customer_id!r} has no customer_digest"
        raise InputError(msg, field="row", value=customer_id)
    return customer, entry


def run_add(args: argparse.Namespace) -> int:
    if args.from_output is not None:
        if args.entry_digest is not None:
            msg = "--entry-digest goes with --customer-digest, not with --from-output"
            raise InputError(msg, field="entry_digest", value=args.entry_digest)
        customer, entry = digests_from_output(
            args.from_output, args.customer_id, args.list, args.entry
        )
    else:
        if args.entry_digest is None:
            msg = "--customer-digest needs --entry-digest"
            raise InputError(msg, field="entry_digest", value=None)
        customer, entry = args.customer_digest, args.entry_digest
    decision = _decision(
        args,
        DecisionOutcome(args.outcome),
        customer_digest=customer,
        entry_digest=entry,
        expires=args.expires,
    )
    versions, _jurisdictions = load_directory(
        shipped_lists_dir() if args.lists is None else args.lists,
        store=args.store,
        jurisdictions=args.jurisdictions,
    )
    append_decision(args.file, decision)
    known = {(version.info.id, entry.id) for version in versions for entry in version.entries}
    if (decision.list_id, decision.entry_id) not in known:
        print(
            f"watchlist: warning: {args.file}: no loaded list has {decision.list_id} entry "
            f"{decision.entry_id!r}; the decision was recorded but cannot apply to those lists",
            file=sys.stderr,
        )
    print(
        f"recorded: {decision.customer_id} {decision.list_id} {decision.entry_id} "
        f"{decision.outcome} by {decision.decided_by}",
        file=sys.stderr,
    )
    return 0


def run_revoke(args: argparse.Namespace) -> int:
    log = DecisionLog.load(args.file)
    key = (args.customer_id.strip(), args.list.strip(), args.entry.strip())
    previous = log.latest.get(key)
    if previous is None or previous.outcome is DecisionOutcome.REVOKED:
        msg = f"no decision in force for customer {key[0]}, list {key[1]}, entry {key[2]}"
        raise InputError(msg, field="revoke", value=list(key))
    decision = _decision(args, DecisionOutcome.REVOKED)
    append_decision(args.file, decision)
    print(
        f"revoked: {decision.customer_id} {decision.list_id} {decision.entry_id} "
        f"(line {previous.line}) by {decision.decided_by}",
        file=sys.stderr,
    )
    return 0


def run_list(args: argparse.Namespace) -> int:
    log = DecisionLog.load(args.file)
    for d in log.current:
        fields = (
            str(d.line),
            d.customer_id,
            d.list_id,
            d.entry_id,
            str(d.outcome),
            d.decided_by,
            d.decided_at.isoformat(),
            d.expires.isoformat() if d.expires else "",
            d.reason,
        )
        print("\t".join(field.replace("\t", " ").replace("\n", " ") for field in fields))
    print(
        f"{len(log.current)} decisions in force, {log.lines} lines, sha256:{log.sha256}",
        file=sys.stderr,
    )
    return 0
