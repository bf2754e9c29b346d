"""Reading our own TOML files, with errors that name the file and the line."""

from __future__ import annotations

import hashlib
import re
import tomllib
from pathlib import Path
from typing import Any

from watchlist.errors import ListFormatError

_TOML_ERROR_LINE = re.compile(r"\(at line (\d+), column \d+\)")


def read_toml(path: Path) -> tuple[dict[str, Any], str, str]:
    """The parsed document, the file's text and its SHA-256 digest."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        msg = f"cannot read list file: {error.strerror or error}"
        raise ListFormatError(msg, path=path) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        msg = "not UTF-8 text"
        raise ListFormatError(msg, path=path, line=line) from None
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        found = _TOML_ERROR_LINE.search(str(error))
        msg = f"not valid TOML: {error}"
        raise ListFormatError(msg, path=path, line=int(found[1]) if found else None) from None
    return document, text, hashlib.sha256(raw).hexdigest()


def line_of_key(text: str, key: str, value: str) -> int | None:
    """The line where ``key = "value"`` first appears, to point errors at a record."""
    pattern = re.compile(rf"^\s*{re.escape(key)}\s*=\s*[\"']{re.escape(value)}[\"']", re.MULTILINE)
    found = pattern.search(text)
    return text.count("\n", 0, found.start()) + 1 if found else None
