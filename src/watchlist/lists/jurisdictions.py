"""Which lists a jurisdiction applies, and from when to when (``lists/jurisdictions.toml``).

A jurisdiction applies its own national lists plus the international lists it implements,
each over a half-open interval ``start <= day < end``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path

import attrs

from watchlist._rules import to_date
from watchlist.errors import InputError, ListFormatError
from watchlist.lists._toml import read_toml


@attrs.frozen
class AppliedList:
    """One list a jurisdiction applies, over an interval, on a stated legal basis."""

    list_id: str
    start: dt.date = attrs.field(converter=to_date)
    basis: str
    source: str
    end: dt.date | None = attrs.field(default=None, converter=attrs.converters.optional(to_date))

    def covers(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or day < self.end)


def _applied_lists(values: Iterable[AppliedList]) -> tuple[AppliedList, ...]:
    return tuple(values)


@attrs.frozen
class Jurisdiction:
    """A country or body (``RU``, ``KZ``, ``US``, ``UN``) and the lists it applies."""

    code: str
    name: str
    lists: tuple[AppliedList, ...] = attrs.field(converter=_applied_lists)

    def lists_on(self, day: dt.date) -> tuple[AppliedList, ...]:
        return tuple(applied for applied in self.lists if applied.covers(day))


_APPLIED_KEYS = frozenset({"list", "start", "end", "basis", "source", "notes"})


def load_jurisdictions(path: Path | str) -> dict[str, Jurisdiction]:
    """Read ``jurisdictions.toml``; codes are upper-cased."""
    path = Path(path)
    document, text, _digest = read_toml(path)
    tables = document.get("jurisdictions")
    if not isinstance(tables, dict) or not tables:
        msg = "missing the [jurisdictions.CODE] tables"
        raise ListFormatError(msg, path=path)
    jurisdictions: dict[str, Jurisdiction] = {}
    for code, table in tables.items():
        line = _line_of_table(text, code)
        try:
            applied = []
            for item in table.get("lists", []):
                if unknown := sorted(item.keys() - _APPLIED_KEYS):
                    msg = f"unknown keys {', '.join(unknown)}"
                    raise InputError(msg, field="lists")
                applied.append(
                    AppliedList(
                        list_id=item["list"],
                        start=item["start"],
                        end=item.get("end"),
                        basis=item["basis"],
                        source=item["source"],
                    )
                )
            jurisdiction = Jurisdiction(code=code.upper(), name=table["name"], lists=applied)
        except (KeyError, TypeError, ValueError) as error:
            detail = f"missing key {error}" if isinstance(error, KeyError) else str(error)
            msg = f"bad jurisdiction {code!r}: {detail}"
            raise ListFormatError(msg, path=path, line=line, record=code) from None
        if not jurisdiction.lists:
            msg = f"jurisdiction {code!r} applies no list"
            raise ListFormatError(msg, path=path, line=line, record=code)
        jurisdictions[jurisdiction.code] = jurisdiction
    return jurisdictions


def _line_of_table(text: str, code: str) -> int | None:
    position = text.find(f"[jurisdictions.{code}]")
    return text.count("\n", 0, position) + 1 if position >= 0 else None
