"""Which input column holds which fact (:class:`ColumnMap`), and a row's cells as the
:class:`~watchlist.model.Party` screened, or the reason it cannot be."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import attrs

from watchlist.batch.reader import (
    InputRow,
    RejectReason,
    RowRejection,
    _Record,
)
from watchlist.errors import InputError
from watchlist.model import Identifier, Party


def _pairs(values: Iterable[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    return tuple((kind, column) for kind, column in values)


@attrs.frozen
class ColumnMap:
    """Which input columns hold what. Only ``name`` is required; unmapped facts are not used.

    ``identifiers`` pairs an identifier kind (``passport``, ``national id``, ``imo``) with the
    column holding it. ``nationality`` cells may list several countries, separated by ``;``,
    ``,``, ``/`` or spaces.
    """

    name: str = "name"
    id: str | None = None
    kind: str | None = None
    birth_date: str | None = None
    nationality: str | None = None
    identifiers: tuple[tuple[str, str], ...] = attrs.field(default=(), converter=_pairs)

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "id": self.id,
            "kind": self.kind,
            "birth_date": self.birth_date,
            "nationality": self.nationality,
            "identifiers": [{"kind": kind, "column": column} for kind, column in self.identifiers],
        }


@attrs.frozen
class _Fields:
    """The column map resolved to positions in the header."""

    width: int
    name: int
    id: int | None
    kind: int | None
    birth_date: int | None
    nationality: int | None
    identifiers: tuple[tuple[str, int], ...]

    @property
    def mapped(self) -> tuple[int, ...]:
        optional = (self.id, self.kind, self.birth_date, self.nationality)
        return (
            self.name,
            *(index for index in optional if index is not None),
            *(index for _kind, index in self.identifiers),
        )


def _resolve(columns: ColumnMap, header: Sequence[str], path: Path) -> _Fields:
    def position(column: str | None, flag: str) -> int | None:
        if column is None:
            return None
        matches = [index for index, name in enumerate(header) if name == column.strip()]
        if not matches:
            folded = column.strip().casefold()
            matches = [index for index, name in enumerate(header) if name.casefold() == folded]
        if len(matches) == 1:
            return matches[0]
        problem = "no column" if not matches else "more than one column"
        msg = f"{problem} {column!r} in {path}; its columns: {', '.join(header)}"
        raise InputError(msg, field=flag, value=column)

    name = position(columns.name, "name_column")
    assert name is not None
    return _Fields(
        width=len(header),
        name=name,
        id=position(columns.id, "id_column"),
        kind=position(columns.kind, "kind_column"),
        birth_date=position(columns.birth_date, "dob_column"),
        nationality=position(columns.nationality, "nationality_column"),
        identifiers=tuple(
            (kind, index)
            for kind, column in columns.identifiers
            if (index := position(column, "identifier_column")) is not None
        ),
    )


def _row(record: _Record, fields: _Fields, max_field_length: int, delimiter: str) -> InputRow:
    # A record that could not be split still gets its id and name if a lenient reading of its
    # line finds them, so that a rejected row can be traced in the output.
    cells = record.fields or _lenient_split(record.raw, delimiter)

    def cell(index: int | None) -> str:
        return cells[index].strip() if index is not None and index < len(cells) else ""

    row = InputRow(
        line=record.line, input_id=cell(fields.id), input_name=cell(fields.name), raw=record.raw
    )
    rejection = record.rejection or _check_cells(cells, fields, max_field_length)
    if rejection is None:
        try:
            party = row_party(
                row.input_name,
                kind=cell(fields.kind),
                birth_date=cell(fields.birth_date),
                nationality=cell(fields.nationality),
                identifiers=[(kind, cell(index)) for kind, index in fields.identifiers],
                customer_id=row.input_id or None,
            )
        except InputError as error:
            rejection = RowRejection(RejectReason.BAD_VALUE, str(error))
        else:
            return attrs.evolve(row, party=party)
    return attrs.evolve(row, rejection=rejection)


def row_party(
    name: str,
    *,
    kind: str = "",
    birth_date: str = "",
    nationality: str = "",
    identifiers: Iterable[tuple[str, str]] = (),
    customer_id: str | None = None,
) -> Party:
    """The party an input row describes, from its cells; a blank cell is a fact not known.

    ``nationality`` may list several countries, separated by ``;``, ``,``, ``/`` or spaces;
    ``identifiers`` pairs an identifier kind with its cell; ``customer_id`` is the row's id
    (what decisions on its hits are keyed by). Raises
    :class:`~watchlist.errors.InputError` for a blank name or a bad value.
    """
    return Party(
        name=name,
        kind=kind or None,
        birth_date=birth_date or None,
        nationalities=nationality.replace(";", " ").replace(",", " ").replace("/", " ").split(),
        identifiers=[Identifier(kind=each, value=value) for each, value in identifiers if value],
        customer_id=customer_id,
    )


def _lenient_split(raw: str, delimiter: str) -> tuple[str, ...]:
    try:
        return tuple(next(csv.reader([raw], delimiter=delimiter), []))
    except csv.Error:
        return ()


def _check_cells(
    cells: tuple[str, ...], fields: _Fields, max_field_length: int
) -> RowRejection | None:
    if len(cells) != fields.width:
        detail = f"expected {fields.width} fields as in the header, found {len(cells)}"
        return RowRejection(RejectReason.FIELD_COUNT, detail)
    for index, value in enumerate(cells):
        if len(value) > max_field_length:
            detail = (
                f"field {index + 1} has {len(value)} characters; the limit is {max_field_length}"
            )
            return RowRejection(RejectReason.OVERLONG_FIELD, detail)
    if not cells[fields.name].strip():
        return RowRejection(RejectReason.NO_NAME, "the name column is empty")
    return None
