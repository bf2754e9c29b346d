"""What OFAC's three formats share: list descriptions, country names, dates and identifiers.

OFAC writes countries as English short names of its own (``Korea, North``, ``Burma``,
``Congo, Democratic Republic of the``) and dates as ``17 Apr 1979``, ``Apr 1979`` or ``1979``,
with ``circa`` and ranges (``1966 to 1970``). These helpers turn them into ISO alpha-2 codes
and :mod:`watchlist.dates` values. Whatever they cannot read confidently they return as
``None``: the reader then keeps the text in the entry's remarks and adds no structured value,
so nothing is guessed and nothing is dropped.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path

from watchlist.countries import country_code
from watchlist.dates import BirthDate, DateRange, PartialDate
from watchlist.errors import InputError, ListFormatError
from watchlist.model import AliasStrength, Coverage, Identifier, ListInfo, Name

SDN_ID = "us-ofac-sdn"
CONSOLIDATED_ID = "us-ofac-consolidated"
#: OFAC updates its lists several times a month; a copy older than two weeks is stale.
MAX_AGE_DAYS = 14
_AUTHORITY = "U.S. Department of the Treasury, Office of Foreign Assets Control"
_TITLES = {
    SDN_ID: "Specially Designated Nationals and Blocked Persons List",
    CONSOLIDATED_ID: "Consolidated Sanctions List (non-SDN lists)",
}
_SOURCES = {
    SDN_ID: "https://sanctionslistservice.ofac.treas.gov/",
    CONSOLIDATED_ID: "https://sanctionslistservice.ofac.treas.gov/",
}


_ASCII_LETTER = re.compile("[A-Za-z]")


def name(value: str, strength: AliasStrength) -> Name:
    """A :class:`Name`; ASCII names (nearly all of OFAC's) skip the per-letter script census."""
    if value.isascii():
        return Name(value, strength, "Latn" if _ASCII_LETTER.search(value) else "Zyyy")
    return Name(value, strength)


def list_info(list_id: str, published: dt.date) -> ListInfo:
    """The description of an OFAC list whose version was published on ``published``.

    Each version covers the list from its own publication date; a timeline of versions
    covers the list from its oldest version.
    """
    return ListInfo(
        id=list_id,
        title=_TITLES[list_id],
        authority=_AUTHORITY,
        jurisdiction="US",
        coverage=Coverage.COMPLETE,
        coverage_start=published,
        max_age_days=MAX_AGE_DAYS,
        source=_SOURCES[list_id],
    )


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        msg = f"cannot read list file: {error.strerror or error}"
        raise ListFormatError(msg, path=path) from None


_MONTHS = {
    name: number
    for number, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}
_DATE = r"(?:(\d{1,2}) )?(?:([A-Za-z]{3}) )?(\d{4})"
_DATE_RE = re.compile(_DATE)
_BIRTH_RE = re.compile(rf"(?:circa )?{_DATE}(?:(?: to |-){_DATE})?")


def _partial(day: str | None, month: str | None, year: str) -> PartialDate | None:
    month_number = _MONTHS.get(month.lower()) if month else None
    if month is not None and month_number is None:
        return None
    try:
        return PartialDate(int(year), month_number, int(day) if day else None)
    except InputError:
        return None


def parse_date(text: str | None) -> PartialDate | None:
    """``17 Apr 1979``, ``Apr 1979`` or ``1979`` as a partial date; None if it is none of these."""
    if not text:
        return None
    match = _DATE_RE.fullmatch(text.strip())
    return _partial(*match.groups()) if match else None


def parse_birth_date(text: str) -> BirthDate | None:
    """A date of birth as OFAC writes it, ``circa`` and ranges included; None if unreadable.

    ``circa 1951`` becomes the year 1951 (the word stays in the remarks); ``1966 to 1970``
    and ``circa 1964-1966`` become a :class:`~watchlist.dates.DateRange`.
    """
    match = _BIRTH_RE.fullmatch(text.strip())
    if match is None:
        return None
    day, month, year, end_day, end_month, end_year = match.groups()
    start = _partial(day, month, year)
    if start is None or end_year is None:
        return start
    end = _partial(end_day, end_month, end_year)
    if end is None:
        return None
    try:
        return DateRange(start, end)
    except InputError:
        return None


# Document types, as OFAC names them, that identify a party, by the kind this library uses
# (see lists/README.md). Types that do not identify (websites, e-mail addresses, phone
# numbers, sanctions notes) stay in the remarks only.
ID_KINDS = {
    "Passport": "passport",
    "Diplomatic Passport": "passport",
    "National ID No.": "national_id",
    "Cedula No.": "national_id",
    "D.N.I.": "national_id",
    "C.U.I.P.": "national_id",
    "C.U.R.P.": "national_id",
    "CURP #": "national_id",
    "SSN": "national_id",
    "Personal ID Card": "national_id",
    "Identification Number": "national_id",
    "National Foreign ID Number": "national_id",
    "Birth Certificate Number": "national_id",
    "Tax ID No.": "tax_id",
    "NIT #": "tax_id",
    "RUC #": "tax_id",
    "RIF #": "tax_id",
    "R.F.C.": "tax_id",
    "V.A.T. Number": "tax_id",
    "Vessel Registration Identification": "imo",
    "Registration Number": "registration",
    "Registration ID": "registration",
    "Business Registration Number": "registration",
    "Business Registration Document #": "registration",
    "Company Number": "registration",
    "UK Company Number": "registration",
    "Commercial Registry Number": "registration",
    "Public Registration Number": "registration",
    "Government Gazette Number": "registration",
    "Legal Entity Number": "registration",
    "Unified Social Credit Code (USCC)": "registration",
    "Chamber of Commerce Number": "registration",
    "Central Registration System Number": "registration",
    "Trade License No.": "registration",
    "C.R. No.": "registration",
    "Folio Mercantil No.": "registration",
    "Matricula Mercantil No": "registration",
    "Economic Register Number (CBLS)": "registration",
}
_IMO_RE = re.compile(r"IMO (\d{7})")
_ID_REST_RE = re.compile(
    r"(?P<value>.*?)(?: \((?P<country>[^()]*)\))?(?: issued [^()]*?)?(?: expires [^()]*?)?"
)


def identifier(kind: str, number: str, country: str | None = None) -> Identifier | None:
    """A typed identifier; an IMO number written ``IMO 9187629`` under any type is an IMO."""
    number = number.strip()
    if not number:
        return None
    imo = _IMO_RE.fullmatch(number)
    if imo is not None:
        return Identifier("imo", imo[1])
    return Identifier(kind, number, country_code(country))


def identifier_from_text(kind: str, text: str) -> Identifier | None:
    """``AM5421691 (Pakistan) expires 11 Aug 2013`` as an identifier of ``kind``."""
    match = _ID_REST_RE.fullmatch(text)
    if match is None:
        return None
    return identifier(kind, match["value"], match["country"])
