"""The few rules every layer shares, so that each is written once.

- **Dates in.** An as-of date is a ``date``, a ``datetime`` or an ISO string
  (:func:`to_date`); none given means today (:func:`as_of_day`). Days are UTC days: "today"
  is today's date in UTC (:func:`today`), the clock of the audit record's timestamps, so the
  day screened is the day of the record wherever the machine runs. A timezone-aware
  ``datetime`` or timestamp string means its UTC date (``2024-06-01T01:30:00+02:00`` is
  2024-05-31); a naive one, its own calendar date. A partial date string means the first day
  of the period it names (``2024-06`` is 2024-06-01); a missing month or day is never filled
  in from today's date, as ``dateutil.parser.parse("2012")`` would. This is the only module
  that imports dateutil.
- **Jurisdiction codes** are compared upper-case, without surrounding space
  (:func:`jurisdiction_code`).
- **Thresholds** are in (0, 1] (:func:`check_threshold`, :func:`threshold_or`).
"""

from __future__ import annotations

import datetime as dt

from dateutil.parser import isoparse

from watchlist.dates import PARTIAL_ISO, parse_partial_date
from watchlist.errors import InputError

#: What a caller may give as a date: a ``date``, a ``datetime`` or an ISO string.
DateInput = str | dt.date | dt.datetime


def today() -> dt.date:
    """Today's date in UTC: the as-of date when none is given."""
    return dt.datetime.now(dt.UTC).date()


def to_date(value: DateInput) -> dt.date:
    """An as-of date from a ``date``, a ``datetime`` or an ISO string (see the module)."""
    if isinstance(value, dt.datetime):
        return _utc_date(value)
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        msg = f"expected a date, a datetime or an ISO date string, got {type(value).__name__}"
        raise InputError(msg, field="as_of", value=value)
    text = value.strip()
    if PARTIAL_ISO.fullmatch(text):
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


def as_of_day(as_of: DateInput | None) -> dt.date:
    """The day a screening is as of: ``as_of`` as a date, or today (UTC) when it is None."""
    return today() if as_of is None else to_date(as_of)


def date_span(first: DateInput, last: DateInput) -> tuple[dt.date, dt.date]:
    """Two dates in order, as a comparison between them needs: the second before the first is
    an :class:`~watchlist.errors.InputError`."""
    start, end = to_date(first), to_date(last)
    if end < start:
        msg = f"the second date ({end}) is before the first ({start})"
        raise InputError(msg, field="to", value=end)
    return start, end


def _utc_date(moment: dt.datetime) -> dt.date:
    return moment.astimezone(dt.UTC).date() if moment.utcoffset() is not None else moment.date()


def jurisdiction_code(jurisdiction: str) -> str:
    """A jurisdiction code as configured: ``" kz "`` is ``KZ``."""
    return jurisdiction.strip().upper()


def check_threshold(threshold: float) -> float:
    """``threshold`` if it is in (0, 1]; otherwise an :class:`~watchlist.errors.InputError`."""
    if not 0.0 < threshold <= 1.0:
        msg = f"the threshold must be in (0, 1], got {threshold}"
        raise InputError(msg, field="threshold", value=threshold)
    return threshold


def threshold_or(default: float, threshold: float | None) -> float:
    """The threshold a call uses: its own, checked, or the screener's ``default``."""
    return default if threshold is None else check_threshold(threshold)
