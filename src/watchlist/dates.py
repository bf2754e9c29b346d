"""Dates as sanctions lists and banks write them: full, partial (``1964``, ``1964-05``) or ranges.

A missing month or day is never filled in: a partial date keeps its precision. As-of dates
(a full date, in UTC, defaulting to today) are :mod:`watchlist._rules`.
"""

from __future__ import annotations

import datetime as dt
import re

import attrs

from watchlist.errors import InputError

#: An ISO date to the year, the month or the day: ``1964``, ``1964-05``, ``1964-05-02``.
PARTIAL_ISO = re.compile(r"(?P<year>\d{4})(?:-(?P<month>\d{2})(?:-(?P<day>\d{2}))?)?")


@attrs.frozen(order=True)
class PartialDate:
    """A date known to the year, the month or the day, such as a date of birth ``1964-05``."""

    year: int = attrs.field(validator=[attrs.validators.ge(1), attrs.validators.le(9999)])
    month: int | None = attrs.field(default=None)
    day: int | None = attrs.field(default=None)

    def __attrs_post_init__(self) -> None:
        if self.day is not None and self.month is None:
            msg = "a day needs a month"
            raise InputError(msg, field="date", value=self)
        try:
            dt.date(self.year, self.month or 1, self.day or 1)
        except ValueError as error:
            msg = f"not a calendar date: {error}"
            raise InputError(msg, field="date", value=(self.year, self.month, self.day)) from None

    @property
    def first_day(self) -> dt.date:
        """The earliest day the partial date can mean."""
        return dt.date(self.year, self.month or 1, self.day or 1)

    @property
    def last_day(self) -> dt.date:
        """The latest day the partial date can mean."""
        if self.day is not None and self.month is not None:
            return dt.date(self.year, self.month, self.day)
        if self.month is not None:
            first_of_next = dt.date(self.year + self.month // 12, self.month % 12 + 1, 1)
            return first_of_next - dt.timedelta(days=1)
        return dt.date(self.year, 12, 31)

    def __str__(self) -> str:
        text = f"{self.year:04d}"
        if self.month is not None:
            text += f"-{self.month:02d}"
        if self.day is not None:
            text += f"-{self.day:02d}"
        return text


@attrs.frozen(order=True)
class DateRange:
    """A span of possible dates, such as a date of birth ``between 1966 and 1970``."""

    start: PartialDate
    end: PartialDate = attrs.field()

    @end.validator
    def _check_order(self, _attribute: object, end: PartialDate) -> None:
        if end.last_day < self.start.first_day:
            msg = f"range ends ({end}) before it starts ({self.start})"
            raise InputError(msg, field="date", value=self)

    @property
    def first_day(self) -> dt.date:
        return self.start.first_day

    @property
    def last_day(self) -> dt.date:
        return self.end.last_day

    def __str__(self) -> str:
        return f"{self.start}/{self.end}"


BirthDate = PartialDate | DateRange


def parse_partial_date(value: str | dt.date | PartialDate) -> PartialDate:
    """``1964``, ``1964-05`` or ``1964-05-02`` (or a ``date``) as a :class:`PartialDate`."""
    if isinstance(value, PartialDate):
        return value
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return PartialDate(value.year, value.month, value.day)
    match = PARTIAL_ISO.fullmatch(value.strip())
    if match is None:
        msg = f"expected an ISO date such as 1964, 1964-05 or 1964-05-02, got {value!r}"
        raise InputError(msg, field="date", value=value)
    month, day = match["month"], match["day"]
    return PartialDate(
        int(match["year"]),
        int(month) if month is not None else None,
        int(day) if day is not None else None,
    )


def parse_birth_date(value: str | dt.date | PartialDate | DateRange) -> BirthDate:
    """A partial date, or a range written ``1966/1970`` (ISO 8601 interval notation)."""
    if isinstance(value, DateRange):
        return value
    if isinstance(value, str) and "/" in value:
        start, _, end = value.partition("/")
        return DateRange(parse_partial_date(start), parse_partial_date(end))
    return parse_partial_date(value)
