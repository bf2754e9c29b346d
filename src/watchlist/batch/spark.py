"""Screening a Spark DataFrame of counterparties, for customer bases that outgrow one machine.

:func:`screen_dataframe` screens every row of a DataFrame as :meth:`Screener.screen_many
<watchlist.screening.screener.Screener.screen_many>` would, and returns the hits as a
DataFrame with the columns of ``watchlist screen``'s CSV output (:data:`COLUMNS`), plus ``error``.

How it runs: the jurisdiction, date, threshold, lists and columns are checked on the driver
before any Spark job starts, and raise as :meth:`Screener.screen_many` does. The screener is
pickled once on the driver and sent to the executors as a broadcast variable; each Python worker
process unpickles it the first time it needs it and keeps it for later tasks, so it is never
sent or rebuilt per row or per batch. Rows are screened in Arrow batches with ``mapInPandas``.

Row numbers: ``line`` is a row's 1-based position in ``df``, partition by partition, as Spark
orders it. Working it out costs one extra, cheap pass over ``df`` when :func:`screen_dataframe`
is called (a count per partition, run in the JVM). A DataFrame whose row order is not
deterministic (one read after a shuffle, say) may number its rows differently each time it is
computed: cache it first, or trace rows by ``id_col``.

Rows that cannot be screened are never dropped: each gives one row with its ``line``,
``input_id`` and ``input_name``, empty hit columns, and ``error`` saying why, in the words of
the batch rejects file: ``no name: the name column is empty``, ``bad value: ...`` (a date of
birth that is not a date, say), ``over-long field: ...``. Hits have an empty ``error``. So::

    hits = result.where(result.error.isNull())
    rejects = result.where(result.error.isNotNull())

Values are typed (``line`` a long, ``score`` a double rounded to 4 places, the rest strings), as
in the JSON Lines output: the spreadsheet-formula neutralisation of the CSV output is a concern
of whoever writes a CSV file from this DataFrame.

Needs the ``spark`` extra: ``pip install 'watchlist[spark]'``.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import pickle
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import attrs

try:
    import pandas as pd  # type: ignore[import-untyped]  # pandas ships no types
    from pyspark import Broadcast
    from pyspark.sql import DataFrame
    from pyspark.sql import functions as sql
    from pyspark.sql.types import DoubleType, LongType, StringType, StructField, StructType
except ImportError as error:  # pragma: no cover - depends on the installed extras
    msg = "watchlist.batch.spark needs the spark extra: pip install 'watchlist[spark]'"
    raise ImportError(msg) from error

from watchlist._rules import to_date
from watchlist.batch.columns import row_party
from watchlist.batch.reader import DEFAULT_MAX_FIELD_LENGTH, RejectReason
from watchlist.batch.schema import (
    DATAFRAME_COLUMNS,
    DECISION_COLUMNS,
    HIT_COLUMNS,
    NUMBER_COLUMNS,
    decision_record,
    hit_record,
    input_record,
)
from watchlist.errors import InputError
from watchlist.model import ListUse
from watchlist.screening.screener import Screener
from watchlist.screening.workers import pickled

#: Columns of the DataFrame :func:`screen_dataframe` returns (see the output schema).
COLUMNS = DATAFRAME_COLUMNS
_SPARK_TYPES = {int: LongType(), float: DoubleType()}
#: The schema of the DataFrame :func:`screen_dataframe` returns.
SCHEMA = StructType(
    [
        StructField(
            column,
            _SPARK_TYPES.get(NUMBER_COLUMNS.get(column, str), StringType()),
            nullable=True,
        )
        for column in COLUMNS
    ]
)
#: ``monotonically_increasing_id`` keeps a row's partition in its upper bits and the row's
#: position in the partition in its lower 33 bits.
_POSITION_BITS = 33
#: Names of the columns handed to the executors: the row's id, then the mapped columns.
_ROW = "row"
_FACTS = ("name", "input_id", "kind", "birth_date", "nationality")


def screen_dataframe(
    df: DataFrame,
    *,
    jurisdiction: str,
    as_of: str | dt.date | dt.datetime,
    name_col: str,
    id_col: str | None = None,
    kind_col: str | None = None,
    dob_col: str | None = None,
    nationality_col: str | None = None,
    screener: Screener | None = None,
    threshold: float | None = None,
    accept_stale: bool = False,
) -> DataFrame:
    """Screen every row of ``df``; a DataFrame of its hits, and of the rows it could not screen.

    ``name_col`` names the column holding the name to screen; ``id_col``, ``kind_col``,
    ``dob_col`` and ``nationality_col`` optionally name the columns holding the row's own id
    (reported as ``input_id``), its kind (``person``, ``organization``, ...), date of birth and
    nationalities (several may be separated by ``;``, ``,``, ``/`` or spaces). Columns of any
    type are read as their string form. Column names match exactly, else ignoring case.

    ``screener`` defaults to :meth:`Screener.default`, the shipped curated lists. An unknown
    jurisdiction, an uncovered date, a stale list (unless ``accept_stale``), a threshold
    outside (0, 1] or a column ``df`` lacks raises here, before any Spark job runs.

    One cheap Spark job runs here, counting ``df``'s rows per partition to number them; the
    screening itself is lazy, like any DataFrame's work: it happens when the result is written,
    collected or counted, and again at every further action. ``df`` must hold the same rows
    then as now. The result's rows come partition by partition in ``df``'s order, each row's
    hits best first.

    Decisions (:mod:`watchlist.screening.decisions`) are not applied here, and there is no
    parameter to pass them, so none is ignored silently: every hit row has ``status``
    ``alert``, failing closed, with the ``customer_digest`` and ``entry_digest`` an analyst
    clears it with (``watchlist decisions add``); apply a decisions file with
    ``watchlist screen --decisions`` or ``screen_file(..., decisions=...)``.
    """
    screener = Screener.default() if screener is None else screener
    day = to_date(as_of)
    threshold = screener.threshold if threshold is None else threshold
    # screen_many checks the threshold, jurisdiction, date and lists at once, before reading
    # any row: the same checks, in the same order, as a batch run.
    screener.screen_many(
        (), jurisdiction=jurisdiction, as_of=day, threshold=threshold, accept_stale=accept_stale
    )
    lists_used = screener.lists_for(jurisdiction, day, accept_stale=accept_stale)
    mapped = {
        "name": _column(df, name_col, "name_col"),
        "input_id": _column(df, id_col, "id_col"),
        "kind": _column(df, kind_col, "kind_col"),
        "birth_date": _column(df, dob_col, "dob_col"),
        "nationality": _column(df, nationality_col, "nationality_col"),
    }
    prepared = df.select(
        sql.monotonically_increasing_id().alias(_ROW),
        *(
            sql.lit(None).cast(StringType()).alias(fact)
            if column is None
            else sql.col(_quoted(column)).cast(StringType()).alias(fact)
            for fact, column in mapped.items()
        ),
    )
    pickled_screener = pickled(screener)
    task = _Task(
        screener=df.sparkSession.sparkContext.broadcast(pickled_screener),
        key=hashlib.sha256(pickled_screener).hexdigest(),
        jurisdiction=jurisdiction,
        as_of=day,
        threshold=threshold,
        accept_stale=accept_stale,
        lists_used={use.list_id: use for use in lists_used},
        first_lines=_first_lines(prepared),
        fields={
            fact: df.columns.index(column) + 1
            for fact, column in mapped.items()
            if column is not None
        },
    )
    return prepared.mapInPandas(functools.partial(_screen_batches, task=task), SCHEMA)


def _column(df: DataFrame, column: str | None, flag: str) -> str | None:
    """The column of ``df`` that ``column`` names: exactly, else ignoring case, as batch does."""
    if column is None:
        return None
    matches = [name for name in df.columns if name == column.strip()]
    if not matches:
        folded = column.strip().casefold()
        matches = [name for name in df.columns if name.casefold() == folded]
    if len(matches) == 1:
        return matches[0]
    problem = "no column" if not matches else "more than one column"
    msg = f"{problem} {column!r} in the DataFrame; its columns: {', '.join(df.columns)}"
    raise InputError(msg, field=flag, value=column)


def _quoted(column: str) -> str:
    # Backticks, so that a dot or a space in a column name is part of the name.
    return "`" + column.replace("`", "``") + "`"


def _first_lines(prepared: DataFrame) -> Mapping[int, int]:
    """The line of the first row of each non-empty partition of ``prepared``."""
    partition = sql.shiftright(sql.col(_ROW), _POSITION_BITS).alias("partition")
    counts = sorted(
        (row["partition"], row["count"]) for row in prepared.groupBy(partition).count().collect()
    )
    first_lines: dict[int, int] = {}
    line = 1
    for index, count in counts:
        first_lines[index] = line
        line += count
    return first_lines


@attrs.frozen
class _Task:
    """What an executor needs to screen its rows, sent with each task.

    It is small: the screener is only a handle on a broadcast variable, fetched once per
    executor.
    """

    screener: Broadcast[bytes]
    #: Identifies the pickled screener, so that a worker process unpickles it only once.
    key: str
    jurisdiction: str
    as_of: dt.date
    threshold: float
    accept_stale: bool
    lists_used: Mapping[str, ListUse]
    first_lines: Mapping[int, int]
    #: The 1-based position in the input of the column each mapped fact comes from.
    fields: Mapping[str, int]


#: The screener of this worker process, unpickled once from its broadcast, with its key.
_worker_screener: tuple[str, Screener] | None = None


def _screener(task: _Task) -> Screener:
    global _worker_screener
    if _worker_screener is None or _worker_screener[0] != task.key:
        # Only the newest screener is kept: a long-lived worker serving many runs holds one.
        _worker_screener = (task.key, pickle.loads(task.screener.value))
    return _worker_screener[1]


def _screen_batches(batches: Iterator[pd.DataFrame], *, task: _Task) -> Iterator[pd.DataFrame]:
    screener = _screener(task)
    for batch in batches:
        records: list[dict[str, Any]] = []
        for row, *cells in zip(
            batch[_ROW].tolist(), *(batch[fact].tolist() for fact in _FACTS), strict=True
        ):
            partition = row >> _POSITION_BITS
            line = task.first_lines[partition] + row - (partition << _POSITION_BITS)
            records.extend(_screen_row(screener, task, line, _cells(cells)))
        yield pd.DataFrame.from_records(records, columns=list(COLUMNS))


def _cells(values: Sequence[object]) -> dict[str, str]:
    return {
        fact: "" if value is None else str(value).strip()
        for fact, value in zip(_FACTS, values, strict=True)
    }


def _screen_row(
    screener: Screener, task: _Task, line: int, cells: Mapping[str, str]
) -> list[dict[str, Any]]:
    """The output records of one row: one per hit, or one saying why it was not screened."""
    row = input_record(line, cells["input_id"], cells["name"])
    rejection = _rejection(task, cells)
    if rejection is None:
        try:
            party = row_party(
                cells["name"],
                kind=cells["kind"],
                birth_date=cells["birth_date"],
                nationality=cells["nationality"],
            )
        except InputError as error:
            rejection = f"{RejectReason.BAD_VALUE}: {error}"
        else:
            result = screener.screen(
                party,
                jurisdiction=task.jurisdiction,
                as_of=task.as_of,
                threshold=task.threshold,
                accept_stale=task.accept_stale,
            )
            return [
                {
                    **row,
                    **hit_record(hit, task.lists_used),
                    **decision_record(hit, party),
                    "error": None,
                }
                for hit in result.hits
            ]
    return [
        {**row, **dict.fromkeys(HIT_COLUMNS), **dict.fromkeys(DECISION_COLUMNS), "error": rejection}
    ]


def _rejection(task: _Task, cells: Mapping[str, str]) -> str | None:
    """Why a row cannot be screened, in the words of the batch rejects file; None if it can."""
    for fact, field in task.fields.items():
        if len(cells[fact]) > DEFAULT_MAX_FIELD_LENGTH:
            detail = (
                f"field {field} has {len(cells[fact])} characters; "
                f"the limit is {DEFAULT_MAX_FIELD_LENGTH}"
            )
            return f"{RejectReason.OVERLONG_FIELD}: {detail}"
    if not cells["name"]:
        return f"{RejectReason.NO_NAME}: the name column is empty"
    return None
