"""``watchlist decisions add|list|revoke FILE``: the analysts' decisions on hits.

A decision is taken from a row of ``watchlist screen`` output (``--per-row`` or one record
per hit): the row's ``input_id``, ``customer_digest``, ``list``, ``entry_id`` and
``entry_digest`` say exactly which customer data and which entry content were cleared, so
that the decision stops applying when either changes. Pass the file to ``watchlist screen``
or ``watchlist rescreen`` with ``--decisions FILE``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import sys
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
    add.add_argument(
        "--customer-digest", required=True, metavar="SHA256",
        help="the row's customer_digest column",
    )  # fmt: skip
    add.add_argument(
        "--entry-digest", required=True, metavar="SHA256", help="the row's entry_digest column"
    )
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
        "--customer-id", required=True, metavar="ID", help="the row's input_id column"
    )
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


def run_add(args: argparse.Namespace) -> int:
    decision = _decision(
        args,
        DecisionOutcome(args.outcome),
        customer_digest=args.customer_digest,
        entry_digest=args.entry_digest,
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
