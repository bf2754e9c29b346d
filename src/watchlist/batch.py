"""Screening a CSV file of counterparties, accounting for every row.

Every input row comes out as one output row: its own columns, then its outcome (``clear``,
``hit`` or ``error``) and the hits or the reason it could not be screened. A bad row never
stops the run and never vanishes.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import attrs

from watchlist.errors import InputError
from watchlist.model import ListUse, Party, ScreeningResult
from watchlist.screening import Screener

OUTCOME_COLUMNS = ("outcome", "hit_count", "best_score", "matches", "error", "lists_used")


@attrs.frozen
class BatchSummary:
    """What a batch run did with each row it read."""

    rows_read: int
    rows_screened: int
    rows_with_hits: int
    rows_rejected: int
    lists_used: tuple[ListUse, ...]


def screen_csv(
    screener: Screener,
    input_path: Path | str,
    output_path: Path | str,
    *,
    jurisdiction: str,
    as_of: dt.date,
    name_column: str,
    threshold: float | None = None,
    accept_stale: bool = False,
) -> BatchSummary:
    """Screen every row of ``input_path`` and write each with its outcome to ``output_path``.

    The output is written to a temporary file beside it and renamed only when complete.
    """
    lists_used = screener.lists_for(jurisdiction, as_of, accept_stale=accept_stale)
    described_lists = "; ".join(
        f"{use.list_id}@{use.published.isoformat()} sha256:{use.digest}" for use in lists_used
    )
    output_path = Path(output_path)
    counts = {"read": 0, "screened": 0, "hits": 0, "rejected": 0}
    with _open_csv(input_path) as (header, rows):
        if name_column not in header:
            msg = f"no column {name_column!r} in {input_path}; columns: {', '.join(header)}"
            raise InputError(msg, field="name_column", value=name_column)
        handle, temporary = tempfile.mkstemp(
            dir=output_path.parent, prefix=f".{output_path.name}.", suffix=".partial"
        )
        try:
            with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
                writer = csv.writer(out)
                writer.writerow([*header, *OUTCOME_COLUMNS])
                for row in rows:
                    counts["read"] += 1
                    cells = [row.get(column, "") or "" for column in header]
                    try:
                        result = screener.screen(
                            Party(name=row.get(name_column) or ""),
                            jurisdiction=jurisdiction,
                            as_of=as_of,
                            threshold=threshold,
                            accept_stale=accept_stale,
                        )
                    except InputError as error:
                        counts["rejected"] += 1
                        writer.writerow([*cells, "error", "", "", "", str(error), described_lists])
                        continue
                    counts["screened"] += 1
                    counts["hits"] += result.is_hit
                    writer.writerow([*cells, *_outcome(result), "", described_lists])
            os.replace(temporary, output_path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    return BatchSummary(
        rows_read=counts["read"],
        rows_screened=counts["screened"],
        rows_with_hits=counts["hits"],
        rows_rejected=counts["rejected"],
        lists_used=lists_used,
    )


def _outcome(result: ScreeningResult) -> list[str]:
    if not result.hits:
        return ["clear", "0", "", ""]
    matches = " | ".join(
        f"{hit.list_id}/{hit.entry_id}: {hit.matched_name.value} ({hit.score:.2f})"
        for hit in result.hits
    )
    return ["hit", str(len(result.hits)), f"{result.hits[0].score:.4f}", matches]


@contextlib.contextmanager
def _open_csv(path: Path | str) -> Iterator[tuple[list[str], Iterator[dict[str, str]]]]:
    """The header and a row iterator of a UTF-8 CSV file (a byte-order mark is allowed)."""
    try:
        file = Path(path).open(encoding="utf-8-sig", newline="")  # noqa: SIM115 - closed below
    except OSError as error:
        msg = f"cannot read {path}: {error.strerror or error}"
        raise InputError(msg, field="input") from None
    with file:
        reader = csv.DictReader(file)
        try:
            header = list(reader.fieldnames or [])
            if not header:
                msg = f"{path} is empty: no header row"
                raise InputError(msg, field="input")
            yield header, reader
        except (UnicodeDecodeError, csv.Error) as error:
            msg = f"cannot read {path} near line {reader.line_num}: {error}"
            raise InputError(msg, field="input") from None
