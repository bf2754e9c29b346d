"""The official lists watchlist knows, the formats each is published in, and format detection.

List ids are stable: they appear in ``jurisdictions.toml``, in the version store and in every
:class:`~watchlist.model.ScreeningResult`, so they never change once published here.

========================  ====================================  =================================
list id                   list                                  formats (reader module)
========================  ====================================  =================================
``us-ofac-sdn``           OFAC Specially Designated Nationals   legacy CSV set ``sdn.csv`` with
                          and Blocked Persons (SDN) list        ``add.csv``, ``alt.csv``,
                                                                ``sdn_comments.csv``
                                                                (``ofac_csv``); legacy XML
                                                                ``sdn.xml`` (``ofac_xml``);
                                                                ``SDN_ADVANCED.XML``
                                                                (``ofac_advanced``)
``us-ofac-consolidated``  OFAC Consolidated (non-SDN) list      CSV set ``cons_prim.csv`` with
                                                                ``cons_add.csv``,
                                                                ``cons_alt.csv``,
                                                                ``cons_comments.csv``
                                                                (``ofac_csv``); legacy XML
                                                                ``consolidated.xml``
                                                                (``ofac_xml``); advanced XML
                                                                (``ofac_advanced``)
``un-sc-consolidated``    UN Security Council Consolidated      XML (``un_xml``)
                          List
``un-sc-1988``            the UN 1988 (Taliban) committee's     XML (``un_xml``)
                          own list
``un-sc-1267-legacy``     the UN 1267 committee's old AQList    XML (``un_xml``)
``eu-fsf``                EU Financial Sanctions Files          FSF XML 1.1 (``eu_xml``)
``gb-uksl``               UK Sanctions List (FCDO)              CSV (``uk_csv``)
``gb-ofsi``               UK OFSI Consolidated List (retired)   ``ConList.csv`` (``uk_csv``)
``opensanctions-<name>``  an OpenSanctions dataset              FollowTheMoney JSON lines
                                                                (``ftm_json``)
========================  ====================================  =================================

Our curated lists (TOML, ``lists/``) keep the ids their files declare, and a curated file may
be stored as a version of the list it names.

A file's format is found from its name and a sniff of its first bytes (the XML root element,
the first CSV line), so that a file given for the wrong list is refused before it is read:
:func:`read` raises :class:`~watchlist.errors.ListFormatError` for, say, a UN XML file
given as ``us-ofac-sdn``. The OFAC CSV set carries no publication date, so ``published``
must be given for it; the other formats state their date in the file.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import importlib
import itertools
import operator
import re
import tempfile
import warnings
from collections.abc import Callable, Generator, Iterable
from pathlib import Path
from typing import Any, Literal, cast

import attrs

from watchlist.errors import IncompleteListWarning, ListFormatError
from watchlist.model import Entry, ListVersion

#: How many bytes of a file are read to recognise its format.
SNIFF_BYTES = 4096


class Format(enum.StrEnum):
    """A file format watchlist can read; the value names it in the store's metadata."""

    OFAC_CSV = "ofac-csv"
    OFAC_XML = "ofac-xml"
    OFAC_ADVANCED = "ofac-advanced-xml"
    UN_XML = "un-xml"
    EU_XML = "eu-fsf-xml"
    UKSL_CSV = "uksl-csv"
    OFSI_CSV = "ofsi-csv"
    FTM_JSON = "ftm-json"
    CURATED = "curated-toml"


@attrs.frozen
class FormatInfo:
    """How to read one format, and what to call it in messages."""

    title: str
    #: The module under ``watchlist.lists.formats`` that reads it.
    reader: str
    #: Whether the file states its own publication date.
    dated: bool


FORMATS: dict[Format, FormatInfo] = {
    Format.OFAC_CSV: FormatInfo("OFAC legacy CSV set (sdn.csv / cons_prim.csv)", "ofac_csv", False),
    Format.OFAC_XML: FormatInfo("OFAC legacy XML (sdn.xml / consolidated.xml)", "ofac_xml", True),
    Format.OFAC_ADVANCED: FormatInfo("OFAC Advanced XML (SDN_ADVANCED.XML)", "ofac_advanced", True),
    Format.UN_XML: FormatInfo("UN Security Council consolidated XML", "un_xml", True),
    Format.EU_XML: FormatInfo("EU FSF XML", "eu_xml", True),
    Format.UKSL_CSV: FormatInfo("UK Sanctions List CSV", "uk_csv", True),
    Format.OFSI_CSV: FormatInfo("OFSI ConList CSV", "uk_csv", True),
    Format.FTM_JSON: FormatInfo("OpenSanctions FollowTheMoney JSON lines", "ftm_json", True),
    Format.CURATED: FormatInfo("watchlist curated TOML", "curated", True),
}


@attrs.frozen
class OfficialList:
    """One official list: its stable id, what it is, and the formats it is published in."""

    id: str
    title: str
    formats: tuple[Format, ...]


_OPENSANCTIONS_PREFIX = "opensanctions-"
_DATASET = re.compile(r"[a-z0-9][a-z0-9_]*")

OFFICIAL_LISTS: dict[str, OfficialList] = {
    official.id: official
    for official in (
        OfficialList(
            "us-ofac-sdn",
            "OFAC Specially Designated Nationals and Blocked Persons list",
            (Format.OFAC_CSV, Format.OFAC_XML, Format.OFAC_ADVANCED),
        ),
        OfficialList(
            "us-ofac-consolidated",
            "OFAC Consolidated Sanctions List (non-SDN)",
            (Format.OFAC_CSV, Format.OFAC_XML, Format.OFAC_ADVANCED),
        ),
        OfficialList(
            "un-sc-consolidated", "UN Security Council Consolidated List", (Format.UN_XML,)
        ),
        OfficialList("un-sc-1988", "UN 1988 Sanctions Committee (Taliban) list", (Format.UN_XML,)),
        OfficialList(
            "un-sc-1267-legacy", "UN 1267 Committee AQList (legacy format)", (Format.UN_XML,)
        ),
        OfficialList("eu-fsf", "EU Financial Sanctions Files", (Format.EU_XML,)),
        OfficialList("gb-uksl", "UK Sanctions List", (Format.UKSL_CSV,)),
        OfficialList("gb-ofsi", "OFSI Consolidated List (retired)", (Format.OFSI_CSV,)),
    )
}

#: The companion files of an OFAC CSV set, by the name of its main file, in the order the
#: reader's digest takes them (main first).
_OFAC_COMPANIONS = {
    "sdn.csv": ("alt.csv", "add.csv", "sdn_comments.csv"),
    "cons_prim.csv": ("cons_alt.csv", "cons_add.csv", "cons_comments.csv"),
}
_OFAC_MAIN_NAMES = {"us-ofac-sdn": "sdn.csv", "us-ofac-consolidated": "cons_prim.csv"}
_OFAC_COMPANION_NAMES = frozenset(name for names in _OFAC_COMPANIONS.values() for name in names)
_OFAC_ROW = re.compile(rb'^\s*\d+\s*,\s*"')
_XML_ROOT = re.compile(rb"<([A-Za-z_][\w.\-]*:)?([A-Za-z_][\w.\-]*)[\s>/]")
_XML_SKIP = re.compile(rb"\s*(<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>)", re.DOTALL)


def official_list(list_id: str) -> OfficialList:
    """The official list with this id; ``opensanctions-<dataset>`` for any dataset name."""
    if list_id in OFFICIAL_LISTS:
        return OFFICIAL_LISTS[list_id]
    dataset = list_id.removeprefix(_OPENSANCTIONS_PREFIX)
    if dataset != list_id and _DATASET.fullmatch(dataset):
        return OfficialList(list_id, f"OpenSanctions dataset {dataset}", (Format.FTM_JSON,))
    known = ", ".join([*OFFICIAL_LISTS, f"{_OPENSANCTIONS_PREFIX}<dataset>"])
    msg = f"unknown list id {list_id!r}; official list ids: {known}"
    raise ListFormatError(msg)


def detect_format(path: Path | str) -> Format:
    """The format of a list file, from its name and its first bytes.

    Raises :class:`~watchlist.errors.ListFormatError` when the file cannot be read or is of
    no format watchlist knows.
    """
    path = Path(path)
    try:
        with path.open("rb") as stream:
            head = stream.read(SNIFF_BYTES)
    except OSError as error:
        msg = f"cannot read list file: {error.strerror or error}"
        raise ListFormatError(msg, path=path) from None
    head = head.removeprefix(b"\xef\xbb\xbf")
    found = _sniff(path.name.lower(), head)
    if found is None:
        msg = (
            "not a list file watchlist can read ("
            + ", ".join(info.title for info in FORMATS.values())
            + ")"
        )
        raise ListFormatError(msg, path=path)
    return found


def _sniff(name: str, head: bytes) -> Format | None:
    stripped = head.lstrip()
    if stripped.startswith(b"<"):
        return _xml_format(_xml_root(stripped))
    if stripped.startswith(b"{"):
        return Format.FTM_JSON if b'"schema"' in head else None
    if name.endswith(".toml"):
        return Format.CURATED if re.search(rb"^\[list\]", head, re.MULTILINE) else None
    if not stripped.strip(b"\x1a") and name.endswith(".csv") and name.startswith(("sdn", "cons")):
        # An empty OFAC main file: the reader says the list is empty, more helpfully than
        # "unknown format" would.
        return Format.OFAC_CSV
    first_line = stripped.split(b"\n", 1)[0].strip()
    if first_line.lower().startswith(b"report date"):
        return Format.UKSL_CSV
    if first_line.startswith((b"Last Updated,", b"Name 6,")):
        return Format.OFSI_CSV
    if _OFAC_ROW.match(first_line):
        return Format.OFAC_CSV
    if name in _OFAC_COMPANION_NAMES and re.match(rb"\d+,", first_line):
        # Recognised so that the error can say which file to give instead.
        return Format.OFAC_CSV
    return None


def _xml_root(head: bytes) -> bytes:
    position = 0
    while skipped := _XML_SKIP.match(head, position):
        position = skipped.end()
    root = _XML_ROOT.match(head, head.find(b"<", position))
    return root.group(2) if root else b""


def _xml_format(root: bytes) -> Format | None:
    return {
        b"sdnList": Format.OFAC_XML,
        b"Sanctions": Format.OFAC_ADVANCED,
        b"CONSOLIDATED_LIST": Format.UN_XML,
        b"export": Format.EU_XML,
    }.get(root)


def check_format(list_id: str, path: Path | str) -> Format:
    """The format of ``path``, after checking that it is a format ``list_id`` is published in.

    An OFAC CSV file must also be the main file of the right set: ``sdn.csv`` (or a name
    starting ``sdn``) for ``us-ofac-sdn``, ``cons_prim.csv`` for ``us-ofac-consolidated``;
    a companion file (``alt.csv``, ``add.csv``...) on its own is refused.
    """
    path = Path(path)
    found = detect_format(path)
    if found is Format.CURATED:
        return found
    official = official_list(list_id)
    if found not in official.formats:
        expected = "; ".join(FORMATS[each].title for each in official.formats)
        msg = (
            f"this file is {FORMATS[found].title}, not a format of {list_id} "
            f"({official.title}): expected {expected}"
        )
        raise ListFormatError(msg, path=path)
    if found is Format.OFAC_CSV:
        _check_ofac_name(list_id, path)
    return found


def _check_ofac_name(list_id: str, path: Path) -> None:
    name = path.name.lower()
    if name in _OFAC_COMPANION_NAMES:
        msg = (
            f"{path.name} is a companion file of an OFAC CSV set; give the set's main file "
            f"({_OFAC_MAIN_NAMES[list_id]}) with its companions beside it"
        )
        raise ListFormatError(msg, path=path)
    is_consolidated = name.startswith("cons")
    if is_consolidated != (list_id == "us-ofac-consolidated"):
        other = "us-ofac-consolidated" if is_consolidated else "us-ofac-sdn"
        msg = (
            f"{path.name} is the main file of the {other} CSV set, not of {list_id} "
            f"(expected {_OFAC_MAIN_NAMES[list_id]})"
        )
        raise ListFormatError(msg, path=path)


def main_file_name(list_id: str, path: Path | str, found: Format) -> str:
    """The name a file is stored under: an OFAC CSV main file gets its set's canonical name,
    so that the reader finds its companions beside it; other files keep their own name."""
    if found is Format.OFAC_CSV:
        return _OFAC_MAIN_NAMES[list_id]
    return Path(path).name


def companions(path: Path | str, found: Format) -> dict[str, Path]:
    """The companion files beside an OFAC CSV main file that exist, by name, in digest order."""
    path = Path(path)
    if found is not Format.OFAC_CSV:
        return {}
    set_name = "cons_prim.csv" if path.name.lower().startswith("cons") else "sdn.csv"
    found_files: dict[str, Path] = {}
    for name in _OFAC_COMPANIONS[set_name]:
        candidate = path.with_name(name)
        if candidate.is_file():
            found_files[name] = candidate
    return found_files


Errors = Literal["raise", "collect"]


def reader(found: Format) -> Callable[..., ListVersion]:
    """The ``parse`` function of the module that reads ``found``."""
    module_name = f"watchlist.lists.formats.{FORMATS[found].reader}"
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        if error.name != module_name:
            raise
        msg = f"no reader for {FORMATS[found].title} is installed ({module_name})"
        raise ListFormatError(msg) from None
    return cast(Callable[..., ListVersion], module.parse)


def read(
    list_id: str,
    path: Path | str,
    *,
    published: dt.date | None = None,
    allow_empty: bool = False,
    errors: Errors = "raise",
) -> ListVersion:
    """Read ``path`` as a version of ``list_id``, refusing a file of another list's format.

    ``published`` is required for the OFAC CSV set, which states no date; for the other
    formats it is passed to the reader (which checks it against the file's own date).
    """
    path = Path(path)
    found = check_format(list_id, path)
    info = FORMATS[found]
    if not info.dated and published is None:
        msg = f"{info.title} states no publication date: give one (--published DATE)"
        raise ListFormatError(msg, path=path)
    parse = reader(found)
    options: dict[str, Any] = {}
    if found is not Format.CURATED:
        options = {"published": published, "allow_empty": allow_empty, "errors": errors}
    version = parse(path, **options)
    if found is Format.CURATED and published is not None and version.published != published:
        msg = f"the file states it was published {version.published}, not {published}"
        raise ListFormatError(msg, path=path)
    if version.info.id != list_id:
        msg = f"this file holds list {version.info.id!r}, not {list_id!r}"
        raise ListFormatError(msg, path=path)
    return version


def read_versions(
    list_id: str,
    files: Iterable[tuple[Path | str, dt.date | None]],
    *,
    allow_empty: bool = False,
) -> Generator[ListVersion, None, None]:
    """Read many versions of one list, each ``(path, published)``, one after another.

    Each version is what :func:`read` returns. Successive versions of a list repeat most of
    their records, so for lone OFAC CSV main files (such as scraped daily copies of
    ``sdn.csv``) a record whose bytes were already read in an earlier version is not parsed
    again: the versions share that :class:`~watchlist.model.Entry`. Three hundred daily
    versions of the SDN then read in seconds rather than minutes, and sit in memory about
    once. Whenever the shortcut cannot vouch for a file (a duplicate id, a record it cannot
    place, an empty file), the file is read in full, with the full reader's errors.
    """
    memo: dict[bytes, Entry] = {}
    with tempfile.TemporaryDirectory(prefix="watchlist-") as scratch:
        for file, published in files:
            path = Path(file)
            found = check_format(list_id, path)
            shared = None
            if found is Format.OFAC_CSV and published is not None and not companions(path, found):
                shared = _read_sharing(list_id, path, published, memo, Path(scratch))
            yield shared or read(list_id, path, published=published, allow_empty=allow_empty)


def _read_sharing(
    list_id: str, path: Path, published: dt.date, memo: dict[bytes, Entry], scratch: Path
) -> ListVersion | None:
    """A lone OFAC CSV file read by parsing only the records not seen before, or None."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    records = _csv_records(data.removesuffix(b"\x1a"))
    new = list(dict.fromkeys(record for record in records if record not in memo))
    # The reader names the list after the file: a name starting "cons" is the consolidated.
    part = scratch / ("cons_part.csv" if list_id == "us-ofac-consolidated" else "part.csv")
    part.write_bytes(b"".join(record + b"\r\n" for record in new))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", IncompleteListWarning)
            parsed = reader(Format.OFAC_CSV)(part, published=published, allow_empty=True)
    except ListFormatError:
        return None
    by_id = {entry.id: entry for entry in parsed.entries}
    for record in new:
        entry = by_id.get(record.partition(b",")[0].strip().decode("ascii", "replace"))
        if entry is None:
            return None
        memo[record] = entry
    entries = list(map(memo.__getitem__, records))
    if not entries or len(set(map(_ENTRY_ID, entries))) != len(entries):
        return None
    warnings.warn(
        f"{path}: read without companion files; missing: strong aliases (alt), "
        "addresses (add), long remarks (comments)",
        IncompleteListWarning,
        stacklevel=4,
    )
    return ListVersion(
        info=parsed.info,
        published=published,
        digest=hashlib.sha256(data).hexdigest(),
        location=str(path),
        entries=entries,
    )


_ENTRY_ID = operator.attrgetter("id")


def _csv_records(data: bytes) -> list[bytes]:
    """The records of a headerless CSV file, as bytes without line ends.

    A line with an odd number of quotes opens a quoted field that continues on the next.
    """
    if data.count(b"\r") == data.count(b"\r\n"):
        lines = data.splitlines()
        quotes = map(bytes.count, lines, itertools.repeat(b'"'))
        if not any(map(operator.mod, quotes, itertools.repeat(2))):
            # No quoted field runs over a line end (the usual case): one record per line.
            return list(filter(bytes.strip, lines))
    records: list[bytes] = []
    pending = b""
    for line in data.split(b"\n"):
        line = line.removesuffix(b"\r")
        pending = pending + b"\r\n" + line if pending else line
        if pending.count(b'"') % 2 == 0:
            if pending.strip():
                records.append(pending)
            pending = b""
    if pending.strip():
        records.append(pending)
    return records
