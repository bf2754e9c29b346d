"""Our curated lists: TOML files in ``lists/``, each entry citing its sources.

The schema is documented in ``lists/README.md``. The reader is strict: a missing required
key, an unknown key (a typo such as ``end_reson`` must not silently drop an end date), a bad
date or a duplicate id is a :class:`~watchlist.errors.ListFormatError` naming file and line.
Every fact must cite where it came from: an entry's ``sources`` is a non-empty list of
non-empty strings, and a designation's ``basis`` and ``source`` (and, with an end, its
``end_basis`` and ``end_source``) are non-empty strings; otherwise the error names the entry.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from watchlist.errors import InputError, ListFormatError
from watchlist.lists._toml import line_of_key, read_toml
from watchlist.model import Designation, Entry, ListInfo, ListVersion

_LIST_REQUIRED = frozenset(
    {"id", "title", "authority", "jurisdiction", "coverage", "coverage_start", "published",
     "max_age_days"}
)  # fmt: skip
_LIST_OPTIONAL = frozenset({"source", "notes"})
_ENTRY_REQUIRED = frozenset({"id", "kind", "names", "sources", "designations"})
_ENTRY_OPTIONAL = frozenset(
    {"programmes", "birth_dates", "nationalities", "identifiers", "remarks", "notes"}
)
_DESIGNATION_REQUIRED = frozenset({"start", "basis", "source"})
_DESIGNATION_OPTIONAL = frozenset({"end", "end_reason", "end_basis", "end_source", "notes"})
_END_KEYS = ("end_reason", "end_basis", "end_source")


def parse(path: Path | str) -> ListVersion:
    """Read one curated list file."""
    path = Path(path)
    document, text, digest = read_toml(path)
    header = document.get("list")
    if not isinstance(header, dict):
        msg = "missing the [list] table"
        raise ListFormatError(msg, path=path)
    _check_keys(header, _LIST_REQUIRED, _LIST_OPTIONAL, "[list]", path=path, line=None)
    try:
        info = ListInfo(
            id=header["id"],
            title=header["title"],
            authority=header["authority"],
            jurisdiction=header["jurisdiction"],
            coverage=header["coverage"],
            coverage_start=_date(header["coverage_start"], "coverage_start"),
            max_age_days=header["max_age_days"],
            source=header.get("source"),
        )
        published = _date(header["published"], "published")
    except (InputError, ValueError, TypeError) as error:
        msg = f"bad [list] table: {error}"
        line = line_of_key(text, "id", str(header["id"]))
        raise ListFormatError(msg, path=path, line=line) from None
    raw_entries = document.get("entries", [])
    if not isinstance(raw_entries, list) or not raw_entries:
        msg = "a curated list needs at least one [[entries]] table"
        raise ListFormatError(msg, path=path)
    entries: list[Entry] = []
    seen: set[str] = set()
    for raw in raw_entries:
        entry_id = str(raw.get("id", "?"))
        line = line_of_key(text, "id", entry_id)
        if entry_id in seen:
            msg = f"duplicate entry id {entry_id!r}"
            raise ListFormatError(msg, path=path, line=line, record=entry_id)
        seen.add(entry_id)
        entries.append(_entry(raw, path=path, line=line))
    return ListVersion(
        info=info, published=published, digest=digest, location=str(path), entries=entries
    )


def _entry(raw: Mapping[str, Any], *, path: Path, line: int | None) -> Entry:
    record = str(raw.get("id", "?"))
    _check_keys(raw, _ENTRY_REQUIRED, _ENTRY_OPTIONAL, "entry", path=path, line=line, record=record)
    sources = raw["sources"]
    if (
        not isinstance(sources, list)
        or not sources
        or not all(isinstance(item, str) and item.strip() for item in sources)
    ):
        msg = f"entry {record!r}: sources must be a non-empty list of non-empty strings"
        raise ListFormatError(msg, path=path, line=line, record=record)
    designations = raw["designations"]
    if not isinstance(designations, list) or not designations:
        msg = "an entry needs at least one [[entries.designations]] table"
        raise ListFormatError(msg, path=path, line=line, record=record)
    try:
        return Entry(
            id=record,
            kind=raw["kind"],
            names=raw["names"],
            programmes=raw.get("programmes"),
            birth_dates=raw.get("birth_dates"),
            nationalities=raw.get("nationalities"),
            identifiers=raw.get("identifiers"),
            remarks=raw.get("remarks"),
            sources=sources,
            designations=[
                _designation(item, path=path, line=line, record=record) for item in designations
            ],
        )
    except (InputError, TypeError, ValueError) as error:
        if isinstance(error, ListFormatError):
            raise
        msg = f"bad entry: {error}"
        raise ListFormatError(msg, path=path, line=line, record=record) from None


def _designation(
    raw: Mapping[str, Any], *, path: Path, line: int | None, record: str
) -> Designation:
    where = "designation"
    _check_keys(raw, _DESIGNATION_REQUIRED, _DESIGNATION_OPTIONAL, where, path=path, line=line,
                record=record)  # fmt: skip
    if "end" in raw and any(key not in raw for key in _END_KEYS):
        msg = f"a designation with an end needs {', '.join(_END_KEYS)}"
        raise ListFormatError(msg, path=path, line=line, record=record)
    cited = ("basis", "source", "end_basis", "end_source") if "end" in raw else ("basis", "source")
    for key in cited:
        value = raw[key]
        if not isinstance(value, str) or not value.strip():
            msg = f"entry {record!r}: designation {key} must be a non-empty string, got {value!r}"
            raise ListFormatError(msg, path=path, line=line, record=record)
    return Designation(
        start=_date(raw["start"], "start"),
        basis=raw["basis"],
        source=raw["source"],
        end=_date(raw["end"], "end") if "end" in raw else None,
        end_reason=raw.get("end_reason"),
        end_basis=raw.get("end_basis"),
        end_source=raw.get("end_source"),
    )


def _date(value: object, field: str) -> dt.date:
    """TOML dates only: a quoted string could hide a typo such as ``"2025-4-17"``."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    msg = f"{field} must be a TOML date such as 2025-04-17 (unquoted), got {value!r}"
    raise InputError(msg, field=field, value=value)


def _check_keys(
    raw: Mapping[str, Any],
    required: frozenset[str],
    optional: frozenset[str],
    what: str,
    *,
    path: Path,
    line: int | None,
    record: str | None = None,
) -> None:
    if missing := sorted(required - raw.keys()):
        msg = f"{what} is missing {', '.join(missing)}"
        raise ListFormatError(msg, path=path, line=line, record=record)
    if unknown := sorted(raw.keys() - required - optional):
        msg = f"{what} has unknown keys {', '.join(unknown)}"
        raise ListFormatError(msg, path=path, line=line, record=record)
