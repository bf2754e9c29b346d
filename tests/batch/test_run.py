"""watchlist.batch.run: reading any delimited file row by row, accounting for every row."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import PROJECT_ROOT
from watchlist import (
    Decision,
    DecisionWarning,
    InputError,
    Screener,
    StaleListError,
    UnknownJurisdictionError,
)
from watchlist.batch.columns import ColumnMap
from watchlist.batch.reader import Progress, RejectReason, detect_delimiter, detect_encoding
from watchlist.batch.run import BatchSummary, FileRun, screen_file, sidecar_paths
from watchlist.batch.schema import (
    INPUT_COLUMNS,
    PER_HIT_COLUMNS,
    PER_ROW_COLUMNS,
    input_record,
    neutralise,
)
from watchlist.screening.decisions import append_decision

BATCH = PROJECT_ROOT / "tests" / "data" / "batch"
RU_NAMES = [
    "Талибан",
    "Имарат Кавказ",
    "Анна Петрова",
    "Исламское государство",
    "Иван Иванович Сидоров",
]
AS_OF = dt.date(2024, 6, 1)
MESSY_COLUMNS = ColumnMap(
    name="name", id="id", kind="kind", birth_date="birth_date", nationality="nationality"
)
#: What each row of messy.csv is, by the line it starts on.
MESSY_REJECTED = {
    5: "no name",
    6: "broken quoting",
    12: "bad value",
    13: "wrong number of fields",
    14: "over-long field",
    15: "undecodable bytes",
    18: "broken quoting",
}
#: The rejected rows counted by reason, as the summary and the audit record give them.
MESSY_REJECTED_BY_REASON = {
    "bad value": 1,
    "broken quoting": 2,
    "no name": 1,
    "over-long field": 1,
    "undecodable bytes": 1,
    "wrong number of fields": 1,
}
#: The lines of the rows that are screened; those named here are listed names exactly (hits)
#: or ordinary names (clear), whatever the scorer's fine print.
MESSY_SCREENED = {2: "hit", 3: "clear", 7: "hit", 8: None, 9: "hit", 10: "hit", 11: "hit"}
MESSY_SCREENED |= {17: None, 19: "hit", 20: "clear"}


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


def _screen(
    screener: Screener, source: Path, tmp_path: Path, **options: object
) -> tuple[BatchSummary, Path]:
    output = tmp_path / "out.csv"
    options.setdefault("jurisdiction", "RU")
    options.setdefault("as_of", AS_OF)
    summary = screen_file(screener, source, output, **options)  # type: ignore[arg-type]
    return summary, output


@pytest.mark.parametrize(
    ("fixture", "encoding", "delimiter"),
    [
        ("ru-utf8-bom.csv", "utf-8-sig", ","),
        ("ru-utf16.csv", "utf-16", ","),
        ("ru-utf16le-nobom.csv", "utf-16-le", ","),
        ("ru-cp1251-semicolon.csv", "cp1251", ";"),
        ("latin1-semicolon.csv", "latin-1", ";"),
        ("tab.tsv", "utf-8", "\t"),
        ("messy.csv", "utf-8", ","),
    ],
)
def test_encoding_and_delimiter_are_detected(
    screener: Screener, tmp_path: Path, fixture: str, encoding: str, delimiter: str
) -> None:
    assert detect_encoding((BATCH / fixture).read_bytes()) == encoding
    summary, _ = _screen(screener, BATCH / fixture, tmp_path, columns=ColumnMap(id="id"))
    assert (summary.encoding, summary.delimiter) == (encoding, delimiter)


@pytest.mark.parametrize(
    "fixture",
    ["ru-utf8-bom.csv", "ru-utf16.csv", "ru-utf16le-nobom.csv", "ru-cp1251-semicolon.csv"],
)
def test_every_encoding_reads_the_same_names(
    screener: Screener, tmp_path: Path, fixture: str
) -> None:
    summary, output = _screen(
        screener, BATCH / fixture, tmp_path, columns=ColumnMap(id="id"), per_row=True
    )
    rows = _read_csv(output)
    assert [row["input_name"] for row in rows] == RU_NAMES
    assert [row["input_id"] for row in rows] == ["R1", "R2", "R3", "R4", "R5"]
    assert [row["outcome"] for row in rows] == ["hit", "hit", "clear", "hit", "clear"]
    assert summary.rows_read == summary.rows_screened == 5


def test_latin1_names_are_read_as_written(screener: Screener, tmp_path: Path) -> None:
    _, output = _screen(screener, BATCH / "latin1-semicolon.csv", tmp_path, per_row=True)
    assert [row["input_name"] for row in _read_csv(output)] == [
        "José García López",
        "Al-Qaïda",
        "François Müller",
        "Société Générale",
    ]


def test_detect_encoding_tells_cp1251_from_latin1() -> None:
    assert detect_encoding("Талибан;Имарат Кавказ\n".encode("cp1251")) == "cp1251"
    assert detect_encoding("José;Müller;Société\n".encode("latin-1")) == "latin-1"
    assert detect_encoding("Талибан\n".encode()) == "utf-8"
    assert detect_encoding(b"plain ascii\n") == "utf-8"


def test_a_sample_cut_inside_a_character_is_still_utf8() -> None:
    assert detect_encoding("Талибан".encode()[:-1]) == "utf-8"


def test_detect_delimiter() -> None:
    assert detect_delimiter("id;name;kind\n") == ";"
    assert detect_delimiter("id\tname\n") == "\t"
    assert detect_delimiter("id,name\n") == ","
    assert detect_delimiter("name\n") == ","
    assert detect_delimiter("id|name|note, with a comma\n") == "|"


@pytest.mark.parametrize(
    ("cell", "safe"),
    [
        ("=HYPERLINK(1)", "'=HYPERLINK(1)"),
        ("+7 701 000", "'+7 701 000"),
        ("-Taliban", "'-Taliban"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("Taliban", "Taliban"),
        ("", ""),
        ("a=b", "a=b"),
    ],
)
def test_neutralise(cell: str, safe: str) -> None:
    assert neutralise(cell) == safe


def test_messy_file_every_row_accounted_for(screener: Screener, tmp_path: Path) -> None:
    summary, output = _screen(
        screener, BATCH / "messy.csv", tmp_path, columns=MESSY_COLUMNS, per_row=True
    )
    assert summary.rows_read == summary.rows_screened + summary.rows_rejected == 17
    assert summary.rows_rejected == len(MESSY_REJECTED)
    assert summary.blank_lines == 1
    assert dict(summary.rejected_by_reason) == MESSY_REJECTED_BY_REASON
    rows = _read_csv(output)
    assert list(rows[0]) == list(PER_ROW_COLUMNS)
    assert [int(row["line"]) for row in rows] == sorted([*MESSY_REJECTED, *MESSY_SCREENED])
    for row in rows:
        line = int(row["line"])
        if line in MESSY_REJECTED:
            assert row["outcome"] == "error"
        else:
            assert row["outcome"] == MESSY_SCREENED[line] or (
                MESSY_SCREENED[line] is None and row["outcome"] in {"hit", "clear"}
            )
    rejects = _read_csv(summary.rejects_path)
    assert {int(row["line"]): row["reason"] for row in rejects} == MESSY_REJECTED
    assert summary.rows_with_hits == [row["outcome"] for row in rows].count("hit")


def test_a_quoted_line_break_in_an_unmapped_column_is_one_row(
    screener: Screener, tmp_path: Path
) -> None:
    _, output = _screen(
        screener, BATCH / "messy.csv", tmp_path, columns=MESSY_COLUMNS, per_row=True
    )
    (row,) = [row for row in _read_csv(output) if row["input_id"] == "M02"]
    assert (row["line"], row["input_name"], row["outcome"]) == ("3", "Анна Петрова", "clear")


def test_a_broken_quote_loses_only_its_own_line(screener: Screener, tmp_path: Path) -> None:
    summary, output = _screen(
        screener, BATCH / "messy.csv", tmp_path, columns=MESSY_COLUMNS, per_row=True
    )
    by_line = {row["line"]: row for row in _read_csv(output)}
    # Line 6 opens a quote it never closes; the rows on the lines after it are all there.
    assert by_line["6"]["outcome"] == "error"
    assert by_line["6"]["input_id"] == "M04"
    assert by_line["7"]["input_name"] == "Имарат Кавказ"
    assert by_line["8"]["input_id"] == "M06"
    (reject,) = [row for row in _read_csv(summary.rejects_path) if row["line"] == "6"]
    assert reject["raw"] == 'M04,"Al-Qaida,organization,,,'
    assert "does not close" in reject["detail"]


def test_csv_output_cells_are_neutralised(screener: Screener, tmp_path: Path) -> None:
    _, output = _screen(screener, BATCH / "messy.csv", tmp_path, columns=MESSY_COLUMNS)
    names = {row["input_id"]: row["input_name"] for row in _read_csv(output)}
    assert names["M07"] == "'+Taliban"
    assert names["M08"] == "'-Al-Qaida"
    assert names["M09"] == "'@Hizb ut-Tahrir"
    for row in _read_csv(output):
        assert not any(cell.startswith(("=", "+", "-", "@")) for cell in row.values())


def test_per_hit_output_has_one_row_per_hit(screener: Screener, tmp_path: Path) -> None:
    summary, output = _screen(screener, BATCH / "messy.csv", tmp_path, columns=MESSY_COLUMNS)
    rows = _read_csv(output)
    assert list(rows[0]) == list(PER_HIT_COLUMNS)
    assert len(rows) == summary.hits
    used = {use.list_id: use for use in summary.lists_used}
    for row in rows:
        use = used[row["list"]]
        assert row["list_version"] == use.published.isoformat()
        assert row["list_digest"] == use.digest
        assert float(row["score"]) >= screener.threshold
        assert row["explanation"]
        assert row["designation_basis"]
    taliban = [row for row in rows if row["input_id"] == "M01"]
    assert [(row["list"], row["entry_id"]) for row in taliban] == [
        ("ru-fsb-terrorist-organisations", "taliban")
    ]


def test_results_match_screening_one_by_one(screener: Screener, tmp_path: Path) -> None:
    source = PROJECT_ROOT / "lists" / "examples" / "counterparties.csv"
    _, output = _screen(screener, source, tmp_path, columns=ColumnMap(id="id"), jurisdiction="KZ")
    with source.open(encoding="utf-8", newline="") as file:
        names = {row["id"]: row["name"] for row in csv.DictReader(file)}
    expected = [
        (row_id, hit.entry_id)
        for row_id, name in names.items()
        for hit in screener.screen(name, jurisdiction="KZ", as_of=AS_OF).hits
    ]
    assert [(row["input_id"], row["entry_id"]) for row in _read_csv(output)] == expected


def test_jsonl_per_row_output(screener: Screener, tmp_path: Path) -> None:
    output = tmp_path / "out.jsonl"
    summary = screen_file(
        screener,
        BATCH / "messy.csv",
        output,
        jurisdiction="RU",
        as_of=AS_OF,
        columns=MESSY_COLUMNS,
        output_format="jsonl",
        per_row=True,
    )
    records = [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()]
    assert len(records) == summary.rows_read
    by_id = {record["input_id"]: record for record in records}
    assert by_id["M07"]["input_name"] == "+Taliban"  # JSON is not a spreadsheet: kept as is
    assert by_id["M01"]["outcome"] == "hit"
    assert by_id["M01"]["hits"][0]["entry_id"] == "taliban"
    assert by_id["M01"]["hits"][0]["score"] > 0.98
    assert by_id["M03"]["error"] == "no name: the name column is empty"
    assert by_id["M17"] == {
        "line": 20,
        "input_id": "M17",
        "input_name": "John Smith",
        "outcome": "clear",
        "hit_count": 0,
        "hits": [],
        "error": None,
        "alert_count": 0,
    }


def test_audit_record(screener: Screener, tmp_path: Path) -> None:
    summary, output = _screen(screener, BATCH / "messy.csv", tmp_path, columns=MESSY_COLUMNS)
    assert summary.audit_path == tmp_path / "out.audit.json"
    audit = json.loads(summary.audit_path.read_text(encoding="utf-8"))
    assert audit["parameters"]["jurisdiction"] == "RU"
    assert audit["parameters"]["as_of"] == "2024-06-01"
    assert audit["parameters"]["threshold"] == screener.threshold
    assert audit["parameters"]["scorer"] == screener.scorer.name
    assert audit["parameters"]["columns"]["birth_date"] == "birth_date"
    assert (
        audit["input"]["sha256"] == hashlib.sha256((BATCH / "messy.csv").read_bytes()).hexdigest()
    )
    assert audit["output"]["sha256"] == hashlib.sha256(output.read_bytes()).hexdigest()
    assert (
        audit["rejects"]["sha256"] == hashlib.sha256(summary.rejects_path.read_bytes()).hexdigest()
    )
    assert [(use["list_id"], use["digest"]) for use in audit["lists_used"]] == [
        (use.list_id, use.digest) for use in screener.lists_for("RU", AS_OF)
    ]
    counts = audit["counts"]
    assert counts["rows_read"] == counts["rows_screened"] + counts["rows_rejected"] == 17
    assert dt.datetime.fromisoformat(audit["started"]) <= dt.datetime.fromisoformat(
        audit["finished"]
    )
    assert audit["watchlist_version"]


def test_sidecar_paths() -> None:
    assert sidecar_paths("out/hits.csv") == (
        Path("out/hits.rejects.csv"),
        Path("out/hits.audit.json"),
    )


def test_nothing_is_written_when_the_run_fails(screener: Screener, tmp_path: Path) -> None:
    def interrupt(_progress: Progress) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        _screen(screener, BATCH / "messy.csv", tmp_path, on_progress=interrupt)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("options", "error"),
    [
        ({"jurisdiction": "XX"}, UnknownJurisdictionError),
        ({"as_of": dt.date(2030, 1, 1)}, StaleListError),
        ({"columns": ColumnMap(name="full_name")}, InputError),
        ({"columns": ColumnMap(id="customer_no")}, InputError),
        ({"encoding": "no-such-encoding"}, InputError),
        ({"delimiter": ";;"}, InputError),
    ],
)
def test_bad_parameters_raise_before_anything_is_written(
    screener: Screener, tmp_path: Path, options: dict[str, object], error: type[Exception]
) -> None:
    with pytest.raises(error):
        _screen(screener, BATCH / "messy.csv", tmp_path, **options)
    assert list(tmp_path.iterdir()) == []


def test_a_missing_column_error_lists_the_columns(screener: Screener, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="id, name, kind, birth_date, nationality, address"):
        _screen(screener, BATCH / "messy.csv", tmp_path, columns=ColumnMap(name="full_name"))


def test_column_names_match_case_insensitively(screener: Screener, tmp_path: Path) -> None:
    summary, _ = _screen(screener, BATCH / "tab.tsv", tmp_path, columns=ColumnMap(name="NAME"))
    assert summary.rows_screened == 2


def test_the_input_is_never_overwritten(screener: Screener, tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text("name\nTaliban\n", encoding="utf-8")
    with pytest.raises(InputError, match="overwrite"):
        screen_file(screener, source, source, jurisdiction="RU", as_of=AS_OF)


def test_an_over_long_line_is_rejected_and_reading_goes_on(
    screener: Screener, tmp_path: Path
) -> None:
    source = tmp_path / "in.csv"
    source.write_bytes(b"name\n" + b"x" * (2 << 20) + b"\nTaliban\n")
    summary, output = _screen(screener, source, tmp_path, per_row=True)
    assert summary.rejected_by_reason == {"over-long line": 1}
    assert [(row["line"], row["outcome"]) for row in _read_csv(output)] == [
        ("2", "error"),
        ("3", "hit"),
    ]


def test_identifier_columns_are_read(screener: Screener, tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text("name,passport\nTaliban,\nAl-Qaida,N123\n", encoding="utf-8")
    summary, _ = _screen(
        screener, source, tmp_path, columns=ColumnMap(identifiers=(("passport", "passport"),))
    )
    assert summary.rows_screened == 2
    assert summary.audit_path.is_file()


@pytest.mark.parametrize("per_row", [False, True])
def test_workers_give_the_same_output(screener: Screener, tmp_path: Path, per_row: bool) -> None:
    # Enough rows for several chunks in flight, with rejected rows between them.
    source = tmp_path / "in.csv"
    lines = (BATCH / "messy.csv").read_bytes().splitlines(keepends=True)
    source.write_bytes(b"".join([lines[0], *(lines[1:-1] * 60)]))
    results = {}
    for workers in (1, 2):
        folder = tmp_path / str(workers)
        folder.mkdir()
        summary, output = _screen(
            screener, source, folder, columns=MESSY_COLUMNS, per_row=per_row, workers=workers
        )
        results[workers] = (
            output.read_bytes(),
            summary.rejects_path.read_bytes(),
            summary.rows_read,
            summary.rows_rejected,
        )
    assert results[2] == results[1]
    assert results[1][2] == 16 * 60


_GOOD = st.sampled_from(["Taliban", "Анна Петрова", "John Smith", '"Haqqani, Sirajuddin"'])
_LINE = st.one_of(
    _GOOD.map(lambda name: ("good", f"{name},x")),
    st.just(("bad", ",x")),  # no name
    st.just(("bad", '"Al-Qaida,x')),  # a quote never closed
    st.just(("bad", "Taliban,x,y")),  # a field too many
    st.just(("bad", "Taliban\udcff,x")),  # stands for an undecodable byte
    st.just(("blank", "")),
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(lines=st.lists(_LINE, max_size=25))
def test_every_line_is_accounted_for(
    screener: Screener, tmp_path_factory: pytest.TempPathFactory, lines: list[tuple[str, str]]
) -> None:
    directory = tmp_path_factory.mktemp("rows")
    source = directory / "in.csv"
    body = "\n".join(["name,note", *(text for _kind, text in lines)]) + "\n"
    source.write_bytes(body.encode("utf-8", "surrogateescape"))
    summary, output = _screen(screener, source, directory, per_row=True, encoding="utf-8")
    kinds = [kind for kind, _text in lines]
    assert summary.rows_read == summary.rows_screened + summary.rows_rejected
    assert summary.rows_screened == kinds.count("good")
    assert summary.rows_rejected == kinds.count("bad")
    assert summary.blank_lines == kinds.count("blank")
    rows = _read_csv(output)
    expected = [
        (str(number), kind) for number, kind in enumerate(kinds, start=2) if kind != "blank"
    ]
    assert [(row["line"], "bad" if row["outcome"] == "error" else "good") for row in rows] == (
        expected
    )


def test_rejects_and_audit_can_go_elsewhere(screener: Screener, tmp_path: Path) -> None:
    (tmp_path / "review").mkdir()
    summary, output = _screen(
        screener,
        BATCH / "messy.csv",
        tmp_path,
        rejects_path=tmp_path / "review" / "bad-rows.csv",
        audit_path=tmp_path / "review" / "run.json",
    )
    assert sorted(path.name for path in tmp_path.iterdir()) == ["out.csv", "review"]
    assert len(_read_csv(tmp_path / "review" / "bad-rows.csv")) == summary.rows_rejected
    audit = json.loads((tmp_path / "review" / "run.json").read_text(encoding="utf-8"))
    assert audit["output"]["path"] == str(output.resolve())


def test_encoding_is_detected_past_the_first_kilobytes(screener: Screener, tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    text = "name,note\n" + "John Smith,ordinary\n" * 600 + "Талибан,listed\n"
    source.write_bytes(text.encode("cp1251"))
    summary, output = _screen(screener, source, tmp_path)
    assert summary.encoding == "cp1251"
    assert [row["input_name"] for row in _read_csv(output)] == ["Талибан"]


# --- FileRun: what screen_file and rescreen_file are built on ---------------------------------


def _copy_names(run: FileRun) -> list[int]:
    """Write the input columns of every screenable row; the lines of the rejected ones."""
    rejected = []
    for row in run.rows():
        assert (row.party is None) != (row.rejection is None)
        if row.party is not None:
            assert row.party.name == row.input_name
            run.write(input_record(row.line, row.input_id, row.input_name))
        else:
            rejected.append(row.line)
        run.row_done()
    return rejected


def test_file_run_yields_every_row_and_publishes_all_three_files(tmp_path: Path) -> None:
    output = tmp_path / "names.csv"
    run = FileRun(BATCH / "messy.csv", output, output_columns=INPUT_COLUMNS, columns=MESSY_COLUMNS)
    with run:
        rejected = _copy_names(run)
        # Until published, only temporary files exist, under hidden names.
        assert all(path.name.startswith(".") for path in tmp_path.iterdir())
        run.publish(
            parameters={"purpose": "test"},
            lists_used=["none"],
            counts={"rows_read": run.rows_read, "rows_rejected": run.rows_rejected},
        )
    assert rejected == sorted(MESSY_REJECTED)
    assert run.rows_read == 17
    assert run.blank_lines == 1
    assert run.rejected[RejectReason.BROKEN_QUOTING] == 2
    assert run.rejected_by_reason == MESSY_REJECTED_BY_REASON
    assert (run.encoding, run.delimiter) == ("utf-8", ",")
    assert sorted(path.name for path in tmp_path.iterdir()) == [
        "names.audit.json",
        "names.csv",
        "names.rejects.csv",
    ]
    rows = _read_csv(output)
    assert [int(row["line"]) for row in rows] == sorted(MESSY_SCREENED)
    names = {row["input_id"]: row["input_name"] for row in rows}
    assert names["M06"] == '\'=HYPERLINK("http://evil.example","Taliban")'
    assert {int(row["line"]): row["reason"] for row in _read_csv(run.rejects_path)} == (
        MESSY_REJECTED
    )
    audit = json.loads(run.audit_path.read_text(encoding="utf-8"))
    assert audit["parameters"] == {
        "purpose": "test",
        "max_field_length": 4096,
        "max_input_bytes": None,
        "columns": MESSY_COLUMNS.as_dict(),
    }
    assert audit["lists_used"] == ["none"]
    assert audit["counts"] == {"rows_read": 17, "rows_rejected": 7}
    assert audit["output"]["sha256"] == hashlib.sha256(output.read_bytes()).hexdigest()
    assert audit["started"] == run.started.isoformat()
    assert audit["finished"] == run.finished.isoformat()


def test_file_run_writes_csv_cells_as_text_and_json_lines_as_given(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text("name\nTaliban\n", encoding="utf-8")
    record = {"name": "=1+1", "score": 0.5, "note": None, "hits": [{"list": "un"}]}
    for output_format in ("csv", "jsonl"):
        output = tmp_path / f"out.{output_format}"
        with FileRun(
            source, output, output_columns=("name", "score", "note"), output_format=output_format
        ) as run:
            run.write(record)
            run.publish(parameters={}, lists_used=[], counts={})
    assert (tmp_path / "out.csv").read_bytes() == b"name,score,note\r\n'=1+1,0.5000,\r\n"
    assert json.loads((tmp_path / "out.jsonl").read_text(encoding="utf-8")) == record


def test_a_file_run_left_unpublished_writes_nothing(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text("name\nTaliban\n,\n", encoding="utf-8")

    def interrupted() -> None:
        with FileRun(source, tmp_path / "out.csv", output_columns=INPUT_COLUMNS) as run:
            _copy_names(run)
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        interrupted()
    assert [path.name for path in tmp_path.iterdir()] == ["in.csv"]


def test_a_file_run_checks_its_paths_when_created_and_reads_when_entered(
    tmp_path: Path,
) -> None:
    source = tmp_path / "in.csv"
    with pytest.raises(InputError, match="overwrite"):
        FileRun(source, source, output_columns=INPUT_COLUMNS)
    with pytest.raises(InputError, match="no directory"):
        FileRun(source, tmp_path / "missing" / "out.csv", output_columns=INPUT_COLUMNS)
    with pytest.raises(InputError, match="maximum field length"):
        FileRun(source, tmp_path / "out.csv", output_columns=INPUT_COLUMNS, max_field_length=0)
    run = FileRun(source, tmp_path / "out.csv", output_columns=INPUT_COLUMNS)
    with pytest.raises(InputError, match="cannot read"), run:
        pass
    assert list(tmp_path.iterdir()) == []


def test_a_file_run_reports_progress_every_thousand_rows_and_on_publishing(
    tmp_path: Path,
) -> None:
    source = tmp_path / "in.csv"
    source.write_text("name\n" + "John Smith\n" * 2500, encoding="utf-8")
    seen: list[Progress] = []
    with FileRun(
        source, tmp_path / "out.csv", output_columns=INPUT_COLUMNS, on_progress=seen.append
    ) as run:
        _copy_names(run)
        assert [progress.rows for progress in seen] == [1000, 2000]
        run.publish(parameters={}, lists_used=[], counts={})
    assert [progress.rows for progress in seen] == [1000, 2000, 2500]
    assert seen[-1].bytes_read == seen[-1].total_bytes == source.stat().st_size


#: The output columns before issue 18 (decisions): a run without decisions writes them as it
#: did, in the same order, the decision columns after them.
COLUMNS_BEFORE_DECISIONS = (
    "line", "input_id", "input_name", "list", "entry_id", "matched_name", "score",
    "explanation", "designation_basis", "list_version", "list_digest",
)  # fmt: skip


def test_the_columns_before_decisions_come_first_and_unchanged() -> None:
    assert PER_HIT_COLUMNS[: len(COLUMNS_BEFORE_DECISIONS)] == COLUMNS_BEFORE_DECISIONS
    per_row_before = (*INPUT_COLUMNS, "outcome", "hit_count", *COLUMNS_BEFORE_DECISIONS[3:])
    assert PER_ROW_COLUMNS[: len(per_row_before) + 1] == (*per_row_before, "error")


def _clear_every_hit(output: Path, decisions: Path) -> int:
    rows = [row for row in _read_csv(output) if row["entry_id"]]
    for row in rows:
        append_decision(
            decisions,
            Decision(
                customer_id=row["input_id"],
                list_id=row["list"],
                entry_id=row["entry_id"],
                outcome="cleared",
                decided_by="a.analyst",
                decided_at="2026-01-01T00:00:00Z",
                reason="false positive",
                customer_digest=row["customer_digest"],
                entry_digest=row["entry_digest"],
            ),
        )
    return len(rows)


@pytest.mark.parametrize("workers", [1, 2])
def test_decisions_clear_hits_in_the_output_summary_and_audit(
    screener: Screener, tmp_path: Path, workers: int
) -> None:
    source = PROJECT_ROOT / "lists" / "examples" / "counterparties.csv"
    columns = ColumnMap(id="id", kind="kind", birth_date="birth_date", nationality="nationality")
    plain = screen_file(
        screener, source, tmp_path / "plain.csv", jurisdiction="KZ", as_of=AS_OF, columns=columns
    )
    decisions = tmp_path / "decisions.jsonl"
    cleared = _clear_every_hit(tmp_path / "plain.csv", decisions)
    assert cleared == plain.hits == plain.alerts
    summary = screen_file(
        screener,
        source,
        tmp_path / "decided.csv",
        jurisdiction="KZ",
        as_of=AS_OF,
        columns=columns,
        decisions=decisions,
        workers=workers,
    )
    assert (summary.hits, summary.alerts, summary.cleared) == (plain.hits, 0, plain.hits)
    assert summary.rows_with_alerts == 0
    assert summary.rows_with_hits == plain.rows_with_hits
    before, after = _read_csv(tmp_path / "plain.csv"), _read_csv(tmp_path / "decided.csv")
    assert [row["status"] for row in after] == ["cleared"] * len(before)
    ignored = {"status", "decided_by", "decision_reason"}
    assert [{k: v for k, v in row.items() if k not in ignored} for row in after] == [
        {k: v for k, v in row.items() if k not in ignored} for row in before
    ]
    audit = json.loads((tmp_path / "decided.audit.json").read_text(encoding="utf-8"))
    assert audit["decisions"]["sha256"] == hashlib.sha256(decisions.read_bytes()).hexdigest()
    assert [d["line"] for d in audit["decisions"]["applied"]] == list(range(1, cleared + 1))
    assert "decisions" not in json.loads(
        (tmp_path / "plain.audit.json").read_text(encoding="utf-8")
    )


def test_decisions_need_an_id_column(screener: Screener, tmp_path: Path) -> None:
    decisions = tmp_path / "decisions.jsonl"
    decisions.write_text("", encoding="utf-8")
    with pytest.raises(InputError, match="id-column"):
        screen_file(
            screener,
            BATCH / "messy.csv",
            tmp_path / "out.csv",
            jurisdiction="RU",
            as_of=AS_OF,
            decisions=decisions,
        )
    assert not (tmp_path / "out.csv").exists()


def test_a_decision_for_an_unknown_entry_warns(screener: Screener, tmp_path: Path) -> None:
    decisions = tmp_path / "decisions.jsonl"
    append_decision(
        decisions,
        Decision(
            customer_id="M01",
            list_id="ru-fsb-terrorist-organisations",
            entry_id="no-such-entry",
            outcome="cleared",
            decided_by="a.analyst",
            decided_at="2026-01-01T00:00:00Z",
            reason="false positive",
            customer_digest="0" * 64,
            entry_digest="0" * 64,
        ),
    )
    with pytest.warns(DecisionWarning, match="no-such-entry"):
        summary = screen_file(
            screener,
            BATCH / "messy.csv",
            tmp_path / "out.csv",
            jurisdiction="RU",
            as_of=AS_OF,
            columns=MESSY_COLUMNS,
            decisions=decisions,
        )
    assert len(summary.warnings) == 1
    assert summary.alerts == summary.hits
