"""What the official-list readers share: digests, publication dates, rejections, country names.

Each reader takes ``errors="raise"`` (the first bad record is a
:class:`~watchlist.errors.ListFormatError`) or ``errors="collect"`` (bad records become
:class:`~watchlist.model.Rejection` entries of the version, and reading goes on). Problems with
the file as a whole (unreadable, malformed, of another format, without a publication date)
always raise.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from pathlib import Path
from typing import Literal

from watchlist._rules import to_date
from watchlist.errors import InputError, ListFormatError
from watchlist.model import Entry, Rejection

ErrorMode = Literal["raise", "collect"]


def file_digest(path: Path) -> str:
    """The SHA-256 of the file's bytes, in hex."""
    digest = hashlib.sha256()
    try:
        with path.open("rb") as stream:
            for block in iter(lambda: stream.read(1 << 20), b""):
                digest.update(block)
    except OSError as error:
        msg = f"cannot read list file: {error.strerror or error}"
        raise ListFormatError(msg, path=path) from None
    return digest.hexdigest()


def combined_digest(parts: Iterable[tuple[str, str]]) -> str:
    """One SHA-256 over several files, from ``(file name, hex SHA-256)`` pairs in a fixed order.

    A single file's digest is its own SHA-256, so a lone file has the digest ``sha256sum``
    prints. For several files it is the SHA-256 of the UTF-8 lines ``name\\0hexdigest\\n``.
    """
    parts = list(parts)
    if len(parts) == 1:
        return parts[0][1]
    text = "".join(f"{name}\0{digest}\n" for name, digest in parts)
    return hashlib.sha256(text.encode()).hexdigest()


def given_date(value: dt.date | str, *, path: Path, what: str = "published") -> dt.date:
    """A caller's or a file's date, or a ListFormatError naming the file."""
    try:
        return to_date(value)
    except InputError as error:
        msg = f"bad {what} date: {error.reason}"
        raise ListFormatError(msg, path=path) from None


def resolve_published(
    given: dt.date | str | None, stated: dt.date | None, *, path: Path, where: str
) -> dt.date:
    """The version's publication date: the file's own (``stated``), or the caller's.

    When both are known they must agree: a version is recorded under the date it states, so a
    caller's date that contradicts the file is an error rather than silently winning.
    """
    if given is None:
        if stated is None:
            msg = f"the file states no publication date ({where}); pass published= explicitly"
            raise ListFormatError(msg, path=path)
        return stated
    day = given_date(given, path=path)
    if stated is not None and stated != day:
        msg = f"the file states it was published {stated.isoformat()} ({where}), not {day}"
        raise ListFormatError(msg, path=path)
    return day


def line_of(path: Path, needle: str, occurrence: int = 1) -> int | None:
    """The number of the line of ``path`` holding the ``occurrence``-th line with ``needle``.

    Only called once a record has failed, so the extra pass costs nothing on good files.
    """
    if not needle:
        return None
    wanted = needle.encode("utf-8")
    seen = 0
    try:
        with path.open("rb") as stream:
            for number, line in enumerate(stream, start=1):
                if wanted in line:
                    seen += 1
                    if seen == occurrence:
                        return number
    except OSError:
        return None
    return None


class Rejections:
    """Raises or collects record-level errors, as the caller's ``errors`` mode asks."""

    def __init__(self, errors: ErrorMode) -> None:
        if errors not in ("raise", "collect"):
            msg = f"errors must be 'raise' or 'collect', got {errors!r}"
            raise InputError(msg, field="errors", value=errors)
        self._collect = errors == "collect"
        self.rejected: list[Rejection] = []

    def handle(self, error: ListFormatError) -> None:
        if not self._collect:
            raise error
        self.rejected.append(Rejection(reason=error.reason, record=error.record, line=error.line))


class UniqueEntries:
    """Entries in file order, refusing a second record with an id already seen."""

    def __init__(self, path: Path, rejections: Rejections) -> None:
        self._path = path
        self._rejections = rejections
        self._seen: dict[str, int] = {}
        self.entries: list[Entry] = []

    def add(self, entry: Entry, *, needle: str | None = None) -> None:
        """Keep ``entry`` unless its id was seen; ``needle`` finds its line for the error."""
        count = self._seen.get(entry.id, 0)
        self._seen[entry.id] = count + 1
        if count:
            msg = f"duplicate entry id {entry.id!r}"
            where = line_of(self._path, needle or entry.id, occurrence=count + 1)
            self._rejections.handle(
                ListFormatError(msg, path=self._path, line=where, record=entry.id)
            )
            return
        self.entries.append(entry)


def check_not_empty(entries: list[Entry], *, path: Path, allow_empty: bool) -> None:
    """An official list with no entry is never real: refuse it unless the caller allows it."""
    if not entries and not allow_empty:
        msg = "the list has no entries (pass allow_empty=True if an empty list is expected)"
        raise ListFormatError(msg, path=path)


def join_remarks(parts: Iterable[str | None]) -> str | None:
    """Remark sentences in order, one a line, or ``None`` when there are none."""
    text = "\n".join(part.strip() for part in parts if part and part.strip())
    return text or None
