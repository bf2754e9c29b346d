"""Decisions on hits: the false positives an analyst cleared, and the true matches confirmed.

A decision is keyed by the customer's identifier, the list and the entry id, and records the
customer's data and the entry's content as they were screened, each as a SHA-256
(:func:`customer_digest`, :attr:`~watchlist.model.Entry.content_digest`). It covers a later hit
only while both digests are the same and it has not expired; otherwise the hit alerts again
and says why the decision no longer applies (:attr:`~watchlist.model.Hit.lapsed`). So a
decision never hides a hit for another customer, another entry, or changed data on either
side.

Decisions are kept in a JSON Lines file, one decision a line, appended to and never
rewritten (:func:`append_decision`); the latest line for a key wins, and a line with the
outcome ``revoked`` withdraws the decision before it. A line looks like::

    {"version": 1, "customer_id": "C-1001", "customer_digest": "<sha256>",
     "list_id": "us-ofac-sdn", "entry_id": "6636", "entry_digest": "<sha256>",
     "outcome": "cleared", "decided_by": "a.analyst", "decided_at": "2026-12-07T09:00:00+00:00",
     "reason": "different date of birth, checked the passport", "expires": "2027-12-07"}

Reading is strict (:meth:`DecisionLog.load`): a line that is not a JSON object, an unknown
version, outcome or field, a missing field or a bad date raises
:class:`~watchlist.errors.DecisionFileError` naming the file and the line; no decision is
ever ignored silently.

``expires`` is the first day on which the decision no longer applies, compared with the
screening's as-of date, not with today: re-running a screening as of the same day with the
same decision file gives the same answer, whenever it is run.

``decided_at`` does not limit the as-of dates a decision applies to: a decision recorded on
2026-12-01 also clears a screening as of 2025-01-01, because what it decides is about the
customer's data and the entry's content, both digested, not about a day; the audit record
lists each decision applied with its ``decided_at`` (:meth:`DecisionLog.audit`), so a run
as of a day before a decision was made shows that it used it.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import json
import os
import warnings
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import attrs

from watchlist._rules import to_date
from watchlist.errors import DecisionFileError, DecisionWarning, InputError
from watchlist.matching.features import identifier_value
from watchlist.matching.normalize import normalize_name
from watchlist.model import Decision, DecisionOutcome, Hit, Party, ScreeningResult

if TYPE_CHECKING:
    from watchlist.lists.timeline import Timeline

#: The ``version`` every line of a decisions file carries.
FORMAT_VERSION = 1

_REQUIRED = (
    "customer_id",
    "list_id",
    "entry_id",
    "outcome",
    "decided_by",
    "decided_at",
    "reason",
)
#: Fields a ``cleared`` or ``confirmed`` decision needs beside :data:`_REQUIRED`.
_DIGESTS = ("customer_digest", "entry_digest")
_KNOWN = {"version", *_REQUIRED, *_DIGESTS, "expires"}

Key = tuple[str, str, str]


def customer_digest(party: Party) -> str:
    """SHA-256 (hex) of the customer's data as screened: its names, date of birth,
    nationalities and identifiers, normalised as the scorer normalises them.

    The names go through :func:`~watchlist.matching.normalize.normalize_name` and
    identifiers keep only their letters and digits, upper case, so that a change of case,
    spacing or punctuation does not reopen a decision, while a new date of birth, nationality,
    identifier or a different name does. The kind and the customer id are not part of it.
    """
    content = {
        "names": [normalize_name(name) for name in party.names],
        "birth_date": None if party.birth_date is None else str(party.birth_date),
        "nationalities": sorted(set(party.nationalities)),
        "identifiers": sorted(
            [identifier.kind, identifier_value(identifier), identifier.country or ""]
            for identifier in party.identifiers
        ),
    }
    text = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def decision_line(decision: Decision) -> str:
    """``decision`` as one line of a decisions file, with its line end."""
    record: dict[str, Any] = {
        "version": FORMAT_VERSION,
        "customer_id": decision.customer_id,
        "customer_digest": decision.customer_digest or None,
        "list_id": decision.list_id,
        "entry_id": decision.entry_id,
        "entry_digest": decision.entry_digest or None,
        "outcome": str(decision.outcome),
        "decided_by": decision.decided_by,
        "decided_at": decision.decided_at.isoformat(),
        "reason": decision.reason,
        "expires": None if decision.expires is None else decision.expires.isoformat(),
    }
    return json.dumps(record, ensure_ascii=False, separators=(", ", ": ")) + "\n"


def parse_line(text: str, *, path: Path | str, line: int) -> Decision:
    """One line of a decisions file as a :class:`~watchlist.model.Decision`; raises
    :class:`~watchlist.errors.DecisionFileError` naming ``path`` and ``line``."""
    try:
        record = json.loads(text)
    except json.JSONDecodeError as error:
        msg = f"not a JSON object: {error.msg} (a decisions file is JSON Lines)"
        raise DecisionFileError(msg, path=path, line=line) from None
    if not isinstance(record, dict):
        msg = f"not a JSON object but a {type(record).__name__} (a decisions file is JSON Lines)"
        raise DecisionFileError(msg, path=path, line=line)
    if record.get("version") != FORMAT_VERSION:
        msg = f"version must be {FORMAT_VERSION}, got {record.get('version')!r}"
        raise DecisionFileError(msg, path=path, line=line)
    unknown = sorted(set(record) - _KNOWN)
    if unknown:
        msg = f"unknown field {', '.join(unknown)}; known fields: {', '.join(sorted(_KNOWN))}"
        raise DecisionFileError(msg, path=path, line=line)
    outcome = record.get("outcome")
    if outcome not in {str(each) for each in DecisionOutcome}:
        known = ", ".join(str(each) for each in DecisionOutcome)
        msg = f"unknown outcome {outcome!r}; expected one of {known}"
        raise DecisionFileError(msg, path=path, line=line)
    needed = _REQUIRED if outcome == DecisionOutcome.REVOKED else (*_REQUIRED, *_DIGESTS)
    missing = [field for field in needed if record.get(field) in (None, "")]
    if missing:
        msg = f"missing field {', '.join(missing)}"
        raise DecisionFileError(msg, path=path, line=line)
    for field in (*_REQUIRED, *_DIGESTS, "expires"):
        if record.get(field) is not None and not isinstance(record[field], str):
            msg = f"{field} must be a string, got {record[field]!r}"
            raise DecisionFileError(msg, path=path, line=line)
    try:
        expires = None if record.get("expires") is None else to_date(record["expires"])
    except InputError as error:
        msg = f"expires: {error.reason}"
        raise DecisionFileError(msg, path=path, line=line) from None
    try:
        return Decision(
            customer_id=record["customer_id"],
            list_id=record["list_id"],
            entry_id=record["entry_id"],
            outcome=outcome,
            decided_by=record["decided_by"],
            decided_at=record["decided_at"],
            reason=record["reason"],
            customer_digest=record.get("customer_digest") or "",
            entry_digest=record.get("entry_digest") or "",
            expires=expires,
            line=line,
        )
    except InputError as error:
        raise DecisionFileError(str(error), path=path, line=line) from None


def _latest(decisions: Iterable[Decision] | Mapping[Key, Decision]) -> Mapping[Key, Decision]:
    """The latest of ``decisions`` (in file order) for each key; a mapping is taken as it is."""
    if isinstance(decisions, Mapping):
        decisions = decisions.values()
    latest: dict[Key, Decision] = {}
    for decision in decisions:
        latest[decision.key] = decision
    return MappingProxyType(latest)


@attrs.frozen
class DecisionLog:
    """The decisions of one file: the latest line for each (customer, list, entry) key.

    Pass it as ``decisions=`` to :meth:`~watchlist.Screener.screen`,
    :meth:`~watchlist.Screener.screen_many`, :func:`~watchlist.screen_file`,
    :func:`~watchlist.rescreen` and :func:`~watchlist.rescreen_file`.
    """

    #: The latest decision for each key, revocations included.
    latest: Mapping[Key, Decision] = attrs.field(converter=_latest)
    path: Path | None = None
    #: SHA-256 of the file as read, for the audit record.
    sha256: str = ""
    lines: int = 0

    @classmethod
    def load(cls, path: Path | str) -> DecisionLog:
        """Read a decisions file strictly; a missing file is an error, an empty one holds
        no decisions."""
        path = Path(path)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            msg = "no such decisions file (create one with `watchlist decisions add`)"
            raise DecisionFileError(msg, path=path) from None
        except IsADirectoryError:
            raise DecisionFileError("a directory, not a decisions file", path=path) from None
        decisions = []
        number = 0
        for number, raw in enumerate(data.splitlines(), start=1):
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                raise DecisionFileError("not UTF-8", path=path, line=number) from None
            if not text.strip():
                msg = "a blank line (a decisions file has one JSON object on each line)"
                raise DecisionFileError(msg, path=path, line=number)
            decisions.append(parse_line(text, path=path, line=number))
        return cls(
            latest=decisions, path=path, sha256=hashlib.sha256(data).hexdigest(), lines=number
        )

    @property
    def current(self) -> tuple[Decision, ...]:
        """The decisions in force: the latest per key, revoked ones left out, in file order."""
        return tuple(
            sorted(
                (d for d in self.latest.values() if d.outcome is not DecisionOutcome.REVOKED),
                key=lambda d: d.line,
            )
        )

    def review(self, hit: Hit, party: Party, as_of: dt.date) -> Hit:
        """``hit`` with the decision that covers it attached, or with why the latest decision
        on it no longer applies; unchanged when there is none (or the party has no customer
        id)."""
        if party.customer_id is None:
            return hit
        decision = self.latest.get((party.customer_id, hit.list_id, hit.entry_id))
        if decision is None:
            return hit
        lapsed = _lapsed(decision, hit, party, as_of)
        if lapsed is not None:
            return attrs.evolve(hit, decision=None, lapsed=lapsed)
        return attrs.evolve(hit, decision=decision, lapsed=None)

    def apply(self, result: ScreeningResult) -> ScreeningResult:
        """``result`` with every hit reviewed (:meth:`review`) as of its as-of date."""
        if result.query.customer_id is None or not result.hits:
            return result
        hits = [self.review(hit, result.query, result.as_of) for hit in result.hits]
        return attrs.evolve(result, hits=hits)

    def unknown_entries(self, known: Iterable[tuple[str, str]]) -> tuple[Decision, ...]:
        """The current decisions naming a (list id, entry id) not among ``known`` (see
        :func:`loaded_entries`)."""
        keys = set(known)
        return tuple(d for d in self.current if (d.list_id, d.entry_id) not in keys)

    def warn_unknown(self, known: Iterable[tuple[str, str]]) -> tuple[str, ...]:
        """Issue a :class:`~watchlist.errors.DecisionWarning` for each decision
        :meth:`unknown_entries` finds, and return their messages."""
        messages = tuple(
            f"{self.path or 'decisions'}:{d.line}: decision for {d.list_id} entry "
            f"{d.entry_id!r} (customer {d.customer_id}): no loaded list has that entry"
            for d in self.unknown_entries(known)
        )
        for message in messages:
            warnings.warn(message, DecisionWarning, stacklevel=2)
        return messages

    def audit(self, applied: Iterable[Decision]) -> dict[str, Any]:
        """The audit record's ``decisions``: the file, its SHA-256, and each decision applied."""
        unique = {d.key: d for d in applied}
        return {
            "path": None if self.path is None else str(self.path.resolve()),
            "sha256": self.sha256,
            "lines": self.lines,
            "applied": [
                {
                    "line": d.line,
                    "customer_id": d.customer_id,
                    "list_id": d.list_id,
                    "entry_id": d.entry_id,
                    "outcome": str(d.outcome),
                    "decided_by": d.decided_by,
                    "decided_at": d.decided_at.isoformat(),
                }
                for d in sorted(unique.values(), key=lambda d: d.line)
            ],
        }


def loaded_entries(timelines: Mapping[str, Timeline]) -> set[tuple[str, str]]:
    """Every (list id, entry id) of ``timelines`` (a screener's ``timelines``)."""
    return {
        (list_id, record.id)
        for list_id, timeline in timelines.items()
        for record in timeline.records
    }


def _lapsed(decision: Decision, hit: Hit, party: Party, as_of: dt.date) -> str | None:
    """Why ``decision`` does not cover ``hit`` of ``party`` on ``as_of``, or ``None``."""
    made = f"{decision.outcome} by {decision.decided_by} on {decision.decided_at.date()}"
    where = f" (decisions line {decision.line})" if decision.line else ""
    if decision.outcome is DecisionOutcome.REVOKED:
        return (
            f"the decision was revoked by {decision.decided_by} on "
            f"{decision.decided_at.date()}{where}: {decision.reason}"
        )
    entry_digest = hit.entry.content_digest
    if decision.entry_digest != entry_digest:
        return (
            f"the listed entry changed since it was {made}{where} "
            f"(content digest {decision.entry_digest[:12]}, now {entry_digest[:12]})"
        )
    party_digest = customer_digest(party)
    if decision.customer_digest != party_digest:
        return (
            f"the customer's data changed since it was {made}{where} "
            f"(customer digest {decision.customer_digest[:12]}, now {party_digest[:12]})"
        )
    if decision.expires is not None and as_of >= decision.expires:
        return f"the decision ({made}{where}) expired on {decision.expires.isoformat()}"
    return None


def append_decision(path: Path | str, decision: Decision) -> None:
    """Append ``decision`` to the decisions file at ``path`` (created if missing).

    The file is locked (``flock``) for the append, and the line goes in with one ``write``
    and an ``fsync``: two processes adding at once both get their line, whole. The file
    already there is read under the lock first, so that nothing is appended to a file
    that is not a valid decisions file.
    """
    path = Path(path)
    data = decision_line(decision).encode("utf-8")
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        try:
            existing = path.read_bytes()
            if existing:
                DecisionLog.load(path)
            if existing and not existing.endswith(b"\n"):
                msg = "the last line has no line end: the file was not written by watchlist"
                raise DecisionFileError(msg, path=path, line=existing.count(b"\n") + 1)
            written = os.write(descriptor, data)
            if written != len(data):
                msg = f"wrote {written} of {len(data)} bytes of the decision"
                raise OSError(msg)
            os.fsync(descriptor)
        finally:
            fcntl.flock(descriptor, fcntl.LOCK_UN)
    finally:
        os.close(descriptor)


def decisions_or_none(decisions: DecisionLog | Path | str | None) -> DecisionLog | None:
    """A decisions argument as given: a :class:`DecisionLog`, or the path of its file."""
    if decisions is None or isinstance(decisions, DecisionLog):
        return decisions
    return DecisionLog.load(decisions)
