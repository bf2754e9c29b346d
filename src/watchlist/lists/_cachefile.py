"""The version store's compiled cache: parsed list versions as JSON, which cannot run code.

watchlist 0.1 cached a pickle, and anyone able to write the cache ran code in every screener
that loaded it (issue 17). JSON only ever builds data: here, objects of the fixed classes
below, through their slots. A forged cache can at worst hold wrong data, which is why the
store also refuses to be writable by other users (see :mod:`watchlist.lists.store`).

The document is columnar, so that a reload of the full SDN (tens of thousands of objects)
stays in the tenths of a second. Each class has a table: for each field, its column of
values and the column's kind, one of

    ``raw``        JSON's own values (str, int, float, bool, None)
    ``date``       a date as its proleptic ordinal, or None
    ``enum:E``     a member of the E-th enum as its value, or None
    ``strs``       a tuple of raw values, as a list
    ``ref:C``      an object of the C-th class as its row number, or None
    ``refs:C``     a tuple of objects of the C-th class, as a list of row numbers
    ``refs``       a tuple of objects of several classes, as ``row * 16 + C``

The tables come in an order in which a table refers only to tables before it, and an object
met twice (an entry unchanged between two versions of a history) is one row, so a history
holds it once in memory too. A reload rebuilds each object from its field values, setting
its slots directly (attrs' constructors would cost about half as much again), with the cycle
collector paused, since the many new objects would otherwise trigger it for nothing.
"""

from __future__ import annotations

import datetime as dt
import enum
import gc
import json
from collections.abc import Callable
from typing import Any, cast

import attrs

from watchlist.dates import DateRange, PartialDate
from watchlist.model import (
    AliasStrength,
    Coverage,
    Designation,
    EndReason,
    EntityKind,
    Entry,
    Identifier,
    ListInfo,
    ListVersion,
    Name,
    Rejection,
)

FORMAT = "watchlist-compiled-cache/2"
#: The classes a cache can hold, each after every class its fields can hold.
CLASSES: tuple[type, ...] = (
    PartialDate, DateRange, Name, Identifier, Designation, Rejection, Entry, ListInfo, ListVersion
)  # fmt: skip
ENUMS: tuple[type[enum.Enum], ...] = (EntityKind, AliasStrength, EndReason, Coverage)
_CLASS_CODES = {cls: code for code, cls in enumerate(CLASSES)}
_ENUM_CODES = {cls: code for code, cls in enumerate(ENUMS)}
_FIELDS: dict[type, tuple[str, ...]] = {
    cls: tuple(field.name for field in attrs.fields(cls)) for cls in CLASSES
}
_SETTERS: dict[type, tuple[Callable[[object, object], None], ...]] = {
    cls: tuple(cls.__dict__[name].__set__ for name in _FIELDS[cls]) for cls in CLASSES
}
_RAW = (str, int, float, bool)
#: Row numbers of mixed-class references carry their class in the low bits.
_CLASS_BITS = 4
assert len(CLASSES) <= 1 << _CLASS_BITS


class _Encoder:
    def __init__(self) -> None:
        self.rows: dict[type, list[tuple[object, ...]]] = {cls: [] for cls in CLASSES}
        self._row_of: dict[int, tuple[type, int]] = {}
        # Each object is kept alive while encoding, so that its id() stays its own.
        self._kept: list[object] = []

    def add(self, value: object) -> tuple[type, int]:
        """The class and row of ``value``, adding its row (and its objects' rows) if new."""
        found = self._row_of.get(id(value))
        if found is not None:
            return found
        cls = type(value)
        if cls not in _CLASS_CODES:
            msg = f"the compiled cache cannot hold a {cls.__name__}"
            raise TypeError(msg)
        row = tuple(getattr(value, name) for name in _FIELDS[cls])
        for item in row:
            if type(item) in _CLASS_CODES:
                self.add(item)
            elif type(item) is tuple:
                for each in item:
                    if type(each) in _CLASS_CODES:
                        self.add(each)
        rows = self.rows[cls]
        found = self._row_of[id(value)] = (cls, len(rows))
        rows.append(row)
        self._kept.append(value)
        return found

    def table(self, cls: type) -> dict[str, Any]:
        rows = self.rows[cls]
        names = _FIELDS[cls]
        columns = [[row[k] for row in rows] for k in range(len(names))]
        kinds, encoded = [], []
        for name, column in zip(names, columns, strict=True):
            kind = _kind_of(column, cls, name)
            kinds.append(kind)
            encoded.append(self._encode_column(kind, column))
        return {"class": cls.__name__, "fields": list(names), "kinds": kinds, "columns": encoded}

    def _ref(self, value: object) -> int:
        cls, row = self._row_of[id(value)]
        return row << _CLASS_BITS | _CLASS_CODES[cls]

    def _encode_column(self, kind: str, column: list[Any]) -> list[Any]:
        if kind == "raw":
            return column
        if kind == "date":
            return [None if value is None else value.toordinal() for value in column]
        if kind.startswith("enum:"):
            return [None if value is None else value.value for value in column]
        if kind == "strs":
            return [list(value) for value in column]
        if kind.startswith("ref:"):
            return [None if value is None else self._row_of[id(value)][1] for value in column]
        if kind.startswith("refs:"):
            return [[self._row_of[id(each)][1] for each in value] for value in column]
        return [[self._ref(each) for each in value] for value in column]


def _kind_of(column: list[Any], cls: type, name: str) -> str:
    """The kind of a column (see the module docstring), or a TypeError if it has none."""
    kinds = set()
    for value in column:
        kind = type(value)
        if value is None:
            continue
        if kind in _RAW:
            kinds.add("raw")
        elif kind is dt.date:
            kinds.add("date")
        elif kind in _ENUM_CODES:
            kinds.add(f"enum:{_ENUM_CODES[kind]}")
        elif kind in _CLASS_CODES:
            kinds.add(f"ref:{_CLASS_CODES[kind]}")
        elif kind is tuple:
            for each in value:
                if type(each) in _RAW:
                    kinds.add("strs")
                elif type(each) in _CLASS_CODES:
                    kinds.add(f"refs:{_CLASS_CODES[type(each)]}")
                else:
                    kinds.add("?")
            if not value:
                kinds.add("tuple")
        else:
            kinds.add("?")
    tuples = {kind for kind in kinds if kind.startswith("refs:")}
    if len(tuples) > 1:
        kinds = (kinds - tuples) | {"refs"}
    if len(kinds) > 1 and "tuple" in kinds:
        kinds.discard("tuple")
    if kinds == {"tuple"}:
        kinds = {"strs"}
    if not kinds:
        kinds = {"raw"}
    if len(kinds) != 1 or "?" in kinds:
        msg = f"the compiled cache cannot hold {cls.__name__}.{name} ({sorted(kinds)})"
        raise TypeError(msg)
    [found] = kinds
    if found.startswith("refs") and None in column:
        msg = f"the compiled cache cannot hold {cls.__name__}.{name} (None for a tuple)"
        raise TypeError(msg)
    return found


def encode(versions: list[ListVersion], stamps: object) -> bytes:
    """The cache document of ``versions``; ``stamps`` (any JSON value) is kept beside them."""
    encoder = _Encoder()
    roots = [encoder.add(version)[1] for version in versions]
    document = {
        "format": FORMAT,
        "stamps": stamps,
        "tables": [encoder.table(cls) for cls in CLASSES],
        "versions": roots,
    }
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def decode(data: bytes) -> tuple[list[ListVersion], object]:
    """The versions of a cache document and its stamps; raises (anything) on a document it
    cannot read."""
    document = json.loads(data)
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        msg = "not a compiled cache of this format"
        raise ValueError(msg)
    tables: list[list[object]] = []
    collecting = gc.isenabled()
    gc.disable()
    try:
        for cls, table in zip(CLASSES, document["tables"], strict=True):
            if table["class"] != cls.__name__ or tuple(table["fields"]) != _FIELDS[cls]:
                msg = f"the cache's table of {table['class']} is not of this version"
                raise ValueError(msg)
            columns = [
                _decode_column(kind, column, tables)
                for kind, column in zip(table["kinds"], table["columns"], strict=True)
            ]
            tables.append(_build(cls, columns))
        versions = list(map(tables[_CLASS_CODES[ListVersion]].__getitem__, document["versions"]))
        if not all(type(version) is ListVersion for version in versions):
            raise ValueError("not list versions")
        return cast(list[ListVersion], versions), document["stamps"]
    finally:
        if collecting:
            gc.enable()


def _decode_column(kind: str, column: list[Any], tables: list[list[object]]) -> list[Any]:
    if kind == "raw":
        if not all(value is None or type(value) in _RAW for value in column):
            raise ValueError("not raw values")
        return column
    if kind == "date":
        fromordinal = dt.date.fromordinal
        return [None if value is None else fromordinal(value) for value in column]
    if kind == "strs":
        return list(map(tuple, column))
    label, _, code = kind.partition(":")
    if label == "enum":
        member = ENUMS[int(code)]
        return [None if value is None else member(value) for value in column]
    if label == "ref":
        row = tables[int(code)].__getitem__
        return [None if value is None else row(value) for value in column]
    if label == "refs" and code:
        row = tables[int(code)].__getitem__
        return [tuple(map(row, value)) for value in column]
    if kind == "refs":
        mask = (1 << _CLASS_BITS) - 1
        return [tuple(tables[ref & mask][ref >> _CLASS_BITS] for ref in value) for value in column]
    msg = f"unknown column kind {kind!r}"
    raise ValueError(msg)


def _build(cls: type, columns: list[list[Any]]) -> list[object]:
    setters = _SETTERS[cls]
    new = object.__new__
    objects: list[object] = []
    append = objects.append
    for row in zip(*columns, strict=True):
        instance: object = new(cls)
        for setter, value in zip(setters, row):  # noqa: B905 (a row has a value per field)
            setter(instance, value)
        append(instance)
    return objects
