from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from watchlist import DateRange, InputError, PartialDate
from watchlist._rules import to_date, today
from watchlist.dates import parse_birth_date, parse_partial_date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024", dt.date(2024, 1, 1)),
        ("2024-06", dt.date(2024, 6, 1)),
        ("2024-06-01", dt.date(2024, 6, 1)),
        (" 2024-06-01 ", dt.date(2024, 6, 1)),
        ("2024-06-01T23:30:00+02:00", dt.date(2024, 6, 1)),
    ],
)
def test_as_of_strings(text: str, expected: dt.date) -> None:
    assert to_date(text) == expected


def test_as_of_dates_and_datetimes() -> None:
    assert to_date(dt.date(2024, 6, 1)) == dt.date(2024, 6, 1)
    assert to_date(dt.datetime(2024, 6, 1, 12, 0)) == dt.date(2024, 6, 1)


def test_a_timezone_aware_as_of_means_its_utc_date() -> None:
    almaty = dt.timezone(dt.timedelta(hours=5))
    washington = dt.timezone(dt.timedelta(hours=-4))
    assert to_date(dt.datetime(2024, 6, 1, 1, 30, tzinfo=almaty)) == dt.date(2024, 5, 31)
    assert to_date(dt.datetime(2024, 5, 31, 22, 0, tzinfo=washington)) == dt.date(2024, 6, 1)
    assert to_date("2024-06-01T01:30:00+02:00") == dt.date(2024, 5, 31)
    assert to_date("2024-06-01T01:30:00Z") == dt.date(2024, 6, 1)


def test_today_is_the_utc_date() -> None:
    before = dt.datetime.now(dt.UTC).date()
    assert today() in (before, dt.datetime.now(dt.UTC).date())


@given(st.integers(min_value=1, max_value=9999))
def test_a_bare_year_is_never_filled_from_today(year: int) -> None:
    assert to_date(f"{year:04d}") == dt.date(year, 1, 1)
    assert parse_partial_date(f"{year:04d}") == PartialDate(year)


@pytest.mark.parametrize(
    "text", ["", "yesterday", "2024-13-01", "2024-02-30", "01.06.2024", "24-06-01", "2024/06/01"]
)
def test_malformed_as_of_dates_are_input_errors(text: str) -> None:
    with pytest.raises(InputError) as caught:
        to_date(text)
    assert caught.value.field == "as_of"


def test_partial_dates_keep_their_precision() -> None:
    month = parse_partial_date("1964-05")
    assert (month.year, month.month, month.day) == (1964, 5, None)
    assert month.first_day == dt.date(1964, 5, 1)
    assert month.last_day == dt.date(1964, 5, 31)
    assert str(month) == "1964-05"
    assert parse_partial_date("1964").last_day == dt.date(1964, 12, 31)
    assert parse_partial_date("2024-12").last_day == dt.date(2024, 12, 31)


def test_birth_date_ranges() -> None:
    span = parse_birth_date("1966/1970")
    assert span == DateRange(PartialDate(1966), PartialDate(1970))
    assert (span.first_day, span.last_day) == (dt.date(1966, 1, 1), dt.date(1970, 12, 31))
    with pytest.raises(InputError):
        parse_birth_date("1970/1966")


def test_a_day_without_a_month_is_rejected() -> None:
    with pytest.raises(InputError):
        PartialDate(1970, None, 3)
