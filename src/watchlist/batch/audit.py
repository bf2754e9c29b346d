"""The audit record of a batch run: what was screened, with which parameters and list
versions, what came of each row, and the SHA-256 of every file read and written.

It is written last, beside the output, and its presence says the run completed; see
:meth:`watchlist.batch.run.FileRun.publish`.
"""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import json
from collections.abc import Mapping
from typing import Any, TextIO

from watchlist.model import ListUse


def list_use_record(use: ListUse) -> dict[str, str]:
    """A list version as the audit record reports it."""
    return {
        "list_id": use.list_id,
        "title": use.title,
        "published": use.published.isoformat(),
        "digest": use.digest,
        "coverage": str(use.coverage),
        "location": use.location,
    }


def write_audit(
    file: TextIO,
    *,
    started: dt.datetime,
    finished: dt.datetime,
    parameters: Mapping[str, Any],
    input_file: Mapping[str, Any],
    lists_used: Any,
    counts: Mapping[str, Any],
    output: Mapping[str, str],
    rejects: Mapping[str, str],
    decisions: Mapping[str, Any] | None = None,
) -> None:
    """Write the audit record to ``file``, as indented JSON (values as given).

    ``decisions`` (the decisions file's path and SHA-256, the decisions applied, the alerts
    and cleared hits) is recorded only when the run applied decisions, so that the record
    of a run without them is as it always was.
    """
    record = {
        "watchlist_version": importlib.metadata.version("watchlist"),
        "started": started.isoformat(),
        "finished": finished.isoformat(),
        "parameters": dict(parameters),
        "input": dict(input_file),
        "lists_used": lists_used,
        "counts": dict(counts),
        "output": dict(output),
        "rejects": dict(rejects),
    }
    if decisions is not None:
        record["decisions"] = dict(decisions)
    json.dump(record, file, ensure_ascii=False, indent=2)
    file.write("\n")
