"""watchlist.batch.spark in Spark local mode: the same hits as screen_many and the batch output."""

from __future__ import annotations

import csv
import datetime as dt
import inspect
import json
import os
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, TypedDict

import pytest

# The spark extra is optional: without it these tests skip, rather than fail to import.
for _module in ("pyspark", "pandas", "pyarrow"):
    pytest.importorskip(_module, reason="the spark extra is not installed")

from pyspark import Broadcast
from pyspark.serializers import CloudPickleSerializer
from pyspark.sql import DataFrame, SparkSession

from tests.conftest import LISTS
from tests.test_scenario import TALIBAN_EXPECTED, TALIBAN_SPELLINGS
from watchlist import Screener
from watchlist.batch.columns import ColumnMap
from watchlist.batch.run import screen_file
from watchlist.batch.schema import PER_HIT_COLUMNS, decision_record, hit_record, input_record
from watchlist.batch.spark import COLUMNS, SCHEMA, screen_dataframe
from watchlist.errors import InputError, NoCoverageError, UnknownJurisdictionError
from watchlist.model import Party
from watchlist.screening.workers import pickled

COUNTERPARTIES = LISTS / "examples" / "counterparties.csv"
FACTS = ("id", "name", "kind", "birth_date", "nationality")
#: Real listed people and organisations as a bank's records might spell them, and real
#: ordinary names: some must hit, most must not.
MORE_NAMES = (
    ("M001", "Abdul Ghani Baradar", "person", "", "AF"),
    ("M002", "Мулла Барадар", "person", "", ""),
    ("M003", "Jalaluddin Haqqani", "person", "", ""),
    ("M004", "Islamic State of Iraq and the Levant", "organization", "", ""),
    ("M005", "ISIL", "organization", "", ""),
    ("M006", "Hizballah", "organization", "", "LB"),
    ("M007", "Aum Shinrikyo", "organization", "", "JP"),
    ("M008", "Osama bin Laden", "person", "1957", "SA"),
    ("M009", "Ayman al-Zawahiri", "person", "1951-06-19", "EG"),
    ("M010", "Gulbuddin Hekmatyar", "person", "", "AF"),
    ("M011", "Nurlan Abenov", "person", "1975-03-01", "KZ"),
    ("M012", "Ольга Смирнова", "person", "", "RU"),
    ("M013", "Caspian Shipping Holdings Ltd", "organization", "", "KZ"),
    ("M014", "Global Energy Capital JSC", "organization", "", ""),
    ("M015", "Omar Haddad", "person", "1988", "JO"),
)


class Scenario(TypedDict):
    """A jurisdiction and an as-of date, as keyword arguments."""

    jurisdiction: str
    as_of: dt.date


#: A jurisdiction and date for the tests that need one.
SCENARIO: Scenario = {"jurisdiction": "RU", "as_of": dt.date(2024, 6, 1)}


@pytest.fixture(scope="session")
def spark() -> Iterator[SparkSession]:
    """A small local Spark: two cores, two shuffle partitions, no UI, quiet logs."""
    # The Python workers must run this interpreter, which has watchlist installed.
    previous = {name: os.environ.get(name) for name in ("PYSPARK_PYTHON", "PYSPARK_DRIVER_PYTHON")}
    os.environ["PYSPARK_PYTHON"] = os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    session = (
        SparkSession.builder.master("local[2]")
        .appName("watchlist-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.default.parallelism", "2")
        .config("spark.driver.memory", "1g")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()
    for name, value in previous.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


def _counterparties() -> list[tuple[str, ...]]:
    with COUNTERPARTIES.open(encoding="utf-8", newline="") as file:
        return [tuple(row[fact] for fact in FACTS) for row in csv.DictReader(file)]


def _frame(spark: SparkSession, rows: Sequence[tuple[str | None, ...]]) -> DataFrame:
    schema = ", ".join(f"{fact} string" for fact in FACTS)
    return spark.createDataFrame(list(rows), schema)


def _screened(df: DataFrame, **options: Any) -> list[dict[str, Any]]:
    return [
        row.asDict()
        for row in screen_dataframe(
            df,
            name_col="name",
            id_col="id",
            kind_col="kind",
            dob_col="birth_date",
            nationality_col="nationality",
            **options,
        ).collect()
    ]


def _expected(
    screener: Screener,
    rows: Sequence[tuple[str, ...]],
    *,
    jurisdiction: str,
    as_of: str | dt.date,
    threshold: float | None = None,
) -> list[dict[str, Any]]:
    """The hit records of ``rows`` as screen_many finds them, numbered from 1."""
    parties = [
        Party(
            name=name,
            kind=kind or None,
            birth_date=birth_date or None,
            nationalities=nationality.split(),
        )
        for _id, name, kind, birth_date, nationality in rows
    ]
    uses = {use.list_id: use for use in screener.lists_for(jurisdiction, as_of)}
    results = screener.screen_many(
        parties, jurisdiction=jurisdiction, as_of=as_of, threshold=threshold
    )
    return [
        {
            **input_record(line, row[0], row[1]),
            **hit_record(hit, uses),
            **decision_record(hit, result.query),
            "error": None,
        }
        for line, (row, result) in enumerate(zip(rows, results, strict=True), start=1)
        for hit in result.hits
    ]


@pytest.mark.parametrize(("jurisdiction", "as_of"), [("RU", "2024-06-01"), ("US", "2025-06-01")])
def test_counterparties_as_screen_many(
    spark: SparkSession, screener: Screener, jurisdiction: str, as_of: str
) -> None:
    rows = _counterparties() + list(MORE_NAMES)
    found = _screened(_frame(spark, rows), jurisdiction=jurisdiction, as_of=as_of)
    expected = _expected(screener, rows, jurisdiction=jurisdiction, as_of=as_of)
    assert found == expected
    # Hits and clears both: the comparison is not vacuous.
    hit_lines = {record["line"] for record in found}
    assert 10 < len(hit_lines) < len(rows)


def test_a_threshold_is_applied_as_screen_many_applies_it(
    spark: SparkSession, screener: Screener
) -> None:
    rows = _counterparties()
    found = _screened(_frame(spark, rows), jurisdiction="KZ", as_of="2023-06-01", threshold=0.95)
    expected = _expected(screener, rows, jurisdiction="KZ", as_of="2023-06-01", threshold=0.95)
    assert found == expected
    assert all(record["score"] >= 0.95 for record in found)


def test_the_taliban_scenario_at_each_date_and_jurisdiction(
    spark: SparkSession, screener: Screener
) -> None:
    rows = [
        (f"T{number}", name, "organization", "", "")
        for number, name in enumerate(TALIBAN_SPELLINGS)
    ]
    df = _frame(spark, rows).cache()
    for jurisdiction, as_of in sorted(TALIBAN_EXPECTED):
        found = _screened(df, jurisdiction=jurisdiction, as_of=as_of)
        assert found == _expected(screener, rows, jurisdiction=jurisdiction, as_of=as_of)
        expected = TALIBAN_EXPECTED[jurisdiction, as_of]
        hits = {(record["list"], record["entry_id"]) for record in found}
        assert hits == (set() if expected is None else {expected}), (jurisdiction, as_of)
        if expected is not None:
            assert sorted({record["line"] for record in found}) == [1, 2, 3]


def test_the_same_records_as_the_batch_output(
    spark: SparkSession, screener: Screener, tmp_path: Path
) -> None:
    output = tmp_path / "hits.jsonl"
    options: Scenario = {"jurisdiction": "RU", "as_of": dt.date(2024, 6, 1)}
    columns = ColumnMap(
        name="name", id="id", kind="kind", birth_date="birth_date", nationality="nationality"
    )
    screen_file(screener, COUNTERPARTIES, output, columns=columns, output_format="jsonl", **options)
    batch = [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()]
    df = spark.read.csv(str(COUNTERPARTIES), header=True)
    found = _screened(df, **options)
    # The file's line numbers count its header; the DataFrame's count rows only.
    assert found == [{**record, "line": record["line"] - 1, "error": None} for record in batch]
    csv_output = tmp_path / "hits.csv"
    screen_file(screener, COUNTERPARTIES, csv_output, columns=columns, **options)
    with csv_output.open(encoding="utf-8", newline="") as file:
        header = next(csv.reader(file))
    assert (*header, "error") == COLUMNS == tuple(SCHEMA.fieldNames())
    assert tuple(header) == PER_HIT_COLUMNS


def test_rows_that_cannot_be_screened_are_reported_as_batch_rejects_them(
    spark: SparkSession, screener: Screener, tmp_path: Path
) -> None:
    rows: list[tuple[str, ...]] = [
        ("B1", "Taliban", "organization", "", ""),
        ("B2", "", "person", "", ""),
        ("B3", "   ", "person", "", ""),
        ("B4", "Sirajuddin Haqqani", "person", "not a date", "AF"),
        ("B5", "Anna Petrova", "person", "1985-06-12", "RU"),
        ("B6", "x" * 5000, "person", "", ""),
        ("B7", "Haqqani Network", "organization", "", ""),
    ]
    found = _screened(_frame(spark, [*rows, ("B8", None, None, None, None)]), **SCENARIO)
    errors = {record["input_id"]: record["error"] for record in found if record["error"]}
    # The batch command's per-row output says why each row was rejected, in the same words.
    source = tmp_path / "rows.csv"
    with source.open("w", encoding="utf-8", newline="") as file:
        csv.writer(file).writerows([FACTS, *rows])
    per_row = tmp_path / "rows.out.csv"
    columns = ColumnMap(
        name="name", id="id", kind="kind", birth_date="birth_date", nationality="nationality"
    )
    screen_file(screener, source, per_row, columns=columns, per_row=True, **SCENARIO)
    with per_row.open(encoding="utf-8", newline="") as file:
        batch_errors = {
            row["input_id"]: row["error"] for row in csv.DictReader(file) if row["error"]
        }
    assert {key: errors[key] for key in batch_errors} == batch_errors
    assert set(errors) == {"B2", "B3", "B4", "B6", "B8"}
    assert errors["B8"] == "no name: the name column is empty"
    assert errors["B4"].startswith("bad value: ")
    for record in found:
        if record["error"]:
            assert {record[column] for column in COLUMNS[3:-1]} == {None}
    # Every row is accounted for, and the others are screened as screen_many screens them.
    assert {record["line"] for record in found if record["error"]} == {2, 3, 4, 6, 8}
    screened = [row for row in rows if row[0] in {"B1", "B5", "B7"}]
    expected = _expected(screener, screened, **SCENARIO)
    lines = {1: 1, 2: 5, 3: 7}
    assert [record for record in found if not record["error"]] == [
        {**record, "line": lines[record["line"]]} for record in expected
    ]


def test_an_empty_dataframe_gives_an_empty_result(spark: SparkSession) -> None:
    result = screen_dataframe(_frame(spark, []), name_col="name", **SCENARIO)
    assert result.schema == SCHEMA
    assert result.collect() == []


def test_columns_of_any_type_are_read_as_their_text(spark: SparkSession) -> None:
    df = spark.createDataFrame(
        [(7, "Sirajuddin Haqqani", dt.date(1977, 1, 1))], "number int, name string, born date"
    )
    result = screen_dataframe(df, name_col="NAME", id_col="number", dob_col="born", **SCENARIO)
    (record,) = result.collect()
    assert (record.line, record.input_id, record.entry_id) == (1, "7", "TAi.144")


def _assert_no_job(spark: SparkSession, group: str) -> None:
    assert spark.sparkContext.statusTracker().getJobIdsForGroup(group) == []


@pytest.mark.parametrize(
    ("options", "error"),
    [
        (
            {"jurisdiction": "XX", "as_of": "2024-06-01", "name_col": "name"},
            UnknownJurisdictionError,
        ),
        ({"jurisdiction": "RU", "as_of": "1990-01-01", "name_col": "name"}, NoCoverageError),
        ({"jurisdiction": "RU", "as_of": "2024-06-01", "name_col": "full_name"}, InputError),
        (
            {"jurisdiction": "RU", "as_of": "2024-06-01", "name_col": "name", "id_col": "nope"},
            InputError,
        ),
        (
            {"jurisdiction": "RU", "as_of": "2024-06-01", "name_col": "name", "threshold": 1.5},
            InputError,
        ),
    ],
)
def test_fails_closed_on_the_driver_before_any_job(
    spark: SparkSession, options: dict[str, Any], error: type[Exception]
) -> None:
    df = _frame(spark, _counterparties())
    group = f"fail-closed-{sorted(options.items())}"
    spark.sparkContext.setJobGroup(group, "must not run")
    try:
        with pytest.raises(error):
            screen_dataframe(df, **options)
    finally:
        # None clears the property; pyspark's annotation allows text only.
        spark.sparkContext.setLocalProperty("spark.jobGroup.id", None)  # type: ignore[arg-type]
    _assert_no_job(spark, group)


def test_the_screener_travels_as_a_broadcast_not_in_each_task(
    spark: SparkSession, screener: Screener, monkeypatch: pytest.MonkeyPatch
) -> None:
    df = _frame(spark, _counterparties())
    sent: list[Any] = []
    map_in_pandas = type(df).mapInPandas

    def recording(self: DataFrame, func: Any, schema: Any, **options: Any) -> DataFrame:
        sent.append(func)
        return map_in_pandas(self, func, schema, **options)

    monkeypatch.setattr(type(df), "mapInPandas", recording)
    screen_dataframe(df, name_col="name", **SCENARIO)
    (func,) = sent
    assert isinstance(func.keywords["task"].screener, Broadcast)
    # What each task carries is a small fraction of the screener it screens with.
    task_size = len(CloudPickleSerializer().dumps(func))  # type: ignore[no-untyped-call]
    assert task_size * 10 < len(pickled(screener))


def test_screen_dataframe_takes_no_decisions_so_none_is_ignored_silently() -> None:
    # Spark applies no decisions: if screen_dataframe ever takes them it must apply them, and
    # this test, with the README's "Decisions are not applied on Spark", must change.
    assert "decisions" not in inspect.signature(screen_dataframe).parameters
    with pytest.raises(TypeError):
        screen_dataframe(None, name_col="name", decisions="decisions.jsonl", **SCENARIO)  # type: ignore[arg-type,call-arg]
