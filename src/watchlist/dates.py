"""Dates as sanctions lists and banks write them: full, partial (``1964``, ``1964-05``) or ranges.

This is the only module that imports dateutil. A missing month or day is never filled in from
today's date (``dateutil.parser.parse("2012")`` would do that): a partial date keeps its
precision, and where a full date is needed (an as-of date) it means the first day of the
period it names, ``2024`` meaning 2024-01-01.

Days are UTC days. Where no as-of date is given, "today" is today's date in UTC
(:func:`today`), the clock of the audit record's timestamps: the day screened is the day of
the record, wherever the machine runs and whatever its local time zone. A timezone-aware
``datetime`` or timestamp string given as the as-of date means its UTC date
(``2024-06-01T01:30:00+02:00`` is 2024-05-31); a naive one means its own calendar date.
"""

from __future__ import annotations

import datetime as dt
import re

import attrs
from dateutil.parser import isoparse

from watchlist.errors import InputError

_PARTIAL_ISO = re.compile(r"(?P<year>\d{4})(?:-(?P<month>\d{2})(?:-(?P<day>\d{2}))?)?")


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
    match = _PARTIAL_ISO.fullmatch(value.strip())
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


def today() -> dt.date:
    """Today's date in UTC: the as-of date when none is given."""
    return dt.datetime.now(dt.UTC).date()


def _utc_date(moment: dt.datetime) -> dt.date:
    return moment.astimezone(dt.UTC).date() if moment.utcoffset() is not None else moment.date()


def to_date(value: str | dt.date | dt.datetime) -> dt.date:
    """An as-of date from a ``date``, a ``datetime`` or an ISO string.

    A partial string means the first day of the period it names (``2024-06`` is 2024-06-01);
    a timestamp with a time zone (a ``datetime`` or ``2024-06-01T01:30:00+02:00``) means its
    UTC date, 2024-05-31; one without, its own calendar date.
    """
    if isinstance(value, dt.datetime):
        return _utc_date(value)
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        msg = f"expected a date, a datetime or an ISO date string, got {type(value).__name__}"
        raise InputError(msg, field="as_of", value=value)
    text = value.strip()
    if _PARTIAL_ISO.fullmatch(text):
        try:
            return parse_partial_date(text).first_day
        except InputError as error:
            raise InputError(error.reason, field="as_of", value=value) from None
    if "T" in text:
        try:
            return _utc_date(isoparse(text))
        except ValueError:
            pass
    msg = f"expected an ISO date such as 2024, 2024-06 or 2024-06-01, got {value!r}"
    raise InputError(msg, field="as_of", value=value)
