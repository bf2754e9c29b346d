"""Reading a delimited file of counterparties as rows, in constant memory, accounting for every row.

The input is read as raw lines, one at a time, so a file of any size streams through. Its
encoding (UTF-8 with or without a byte-order mark, UTF-16, cp1251, latin-1) and delimiter
(``,``, ``;``, tab or ``|``) are detected unless given. A row that cannot be screened is
*rejected* (a :class:`RowRejection`, with its :class:`RejectReason`). Rejection never stops
the run and never loses the rows after it: a quote left open on one line is given a few lines
to close, and if the record it makes is not a clean row, only that line is rejected and
reading resumes on the next. Blank lines are not rows; they are counted apart.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import enum
import hashlib
import io
from collections import deque
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import attrs

from watchlist.errors import InputError
from watchlist.model import Party

#: Fields longer than this many characters are rejected: no name is that long, and a cell of
#: megabytes is a broken export, not a counterparty.
DEFAULT_MAX_FIELD_LENGTH = 4096


#: Lines longer than this many bytes (or, for UTF-16, characters) are rejected unread, so that
#: one line without an end cannot exhaust memory.
MAX_LINE_LENGTH = 1 << 20


#: A line that runs on past this many bytes (characters) without a line end stops the run: the
#: input is not a delimited text file (``/dev/zero``, a binary), and skipping to the end of
#: the line could take forever.
MAX_UNENDED_LINE = 64 * MAX_LINE_LENGTH


#: A quoted field may hold line breaks, but a quote still open after this many lines is taken
#: for a broken quote rather than a long cell.
MAX_RECORD_LINES = 16


#: Bytes read to detect the encoding.
SAMPLE_SIZE = 1 << 16


#: Delimiters recognised when none is given, most likely first when counts tie.
DELIMITERS = (",", ";", "\t", "|")


#: Characters of a raw line, an input id or an input name kept in the output and rejects.
RAW_TEXT_LIMIT = 1000


@attrs.frozen
class Progress:
    """How far a run has got: rows done, and bytes of the input read out of its size."""

    rows: int
    bytes_read: int
    total_bytes: int


class RejectReason(enum.StrEnum):
    """Why an input row was not screened."""

    NO_NAME = "no name"
    BROKEN_QUOTING = "broken quoting"
    OVERLONG_FIELD = "over-long field"
    OVERLONG_LINE = "over-long line"
    UNDECODABLE = "undecodable bytes"
    FIELD_COUNT = "wrong number of fields"
    BAD_VALUE = "bad value"


@attrs.frozen
class RowRejection:
    """Why a row was not screened: a :class:`RejectReason` and what exactly was wrong."""

    reason: RejectReason
    detail: str


@attrs.frozen
class InputRow:
    """An input row: screenable (``party`` set) or rejected (``rejection`` set), never both.

    ``line`` is the line it starts on; ``input_id`` and ``input_name`` are the cells of the
    mapped id and name columns (empty when unmapped or unreadable); ``raw`` is its text.
    """

    line: int
    input_id: str
    input_name: str
    raw: str
    party: Party | None = None
    rejection: RowRejection | None = None


def detect_encoding(sample: bytes) -> str:
    """The encoding of a file that starts with ``sample``.

    A byte-order mark decides (UTF-8, UTF-16); without one, NUL bytes in alternate positions
    mean UTF-16; text that decodes as UTF-8 is UTF-8, even with a few invalid bytes among
    many valid multi-byte characters (those lines are rejected). Otherwise it is a single-byte
    encoding: cp1251 when its non-ASCII bytes come in runs (Cyrillic words are written
    entirely in them), latin-1 when they sit alone among ASCII letters (accented letters in
    Latin-script words).
    """
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    pairs = len(sample) // 2
    if pairs:
        odd_nuls = sample[1::2].count(0)
        even_nuls = sample[0::2].count(0)
        if odd_nuls > pairs * 0.3 and even_nuls < odd_nuls / 4:
            return "utf-16-le"
        if even_nuls > pairs * 0.3 and odd_nuls < even_nuls / 4:
            return "utf-16-be"
    # Incrementally, so that a sample cut inside a multi-byte character is still UTF-8.
    text = codecs.getincrementaldecoder("utf-8")(errors="replace").decode(sample, final=False)
    invalid = text.count("\ufffd")
    valid = sum(1 for char in text if char > "\x7f") - invalid
    if valid >= 2 * invalid:
        return "utf-8"
    high = [byte >= 0x80 for byte in sample]
    in_runs = sum(
        1
        for position, is_high in enumerate(high)
        if is_high
        and (
            (position > 0 and high[position - 1])
            or (position + 1 < len(high) and high[position + 1])
        )
    )
    return "cp1251" if in_runs * 2 > sum(high) else "latin-1"


def detect_delimiter(header: str) -> str:
    """The delimiter of a header line: the most frequent of ``,``, ``;``, tab and ``|``."""
    counts = {delimiter: header.count(delimiter) for delimiter in DELIMITERS}
    best = max(DELIMITERS, key=lambda delimiter: counts[delimiter])
    return best if counts[best] else ","


@attrs.frozen
class _Line:
    """One physical line: its text with its line ending, or why it could not be read."""

    number: int
    text: str
    problem: RowRejection | None = None


@attrs.frozen
class _Record:
    """One logical row: its fields, or why it could not be split into fields."""

    line: int
    raw: str
    fields: tuple[str, ...] = ()
    rejection: RowRejection | None = None


class _DigestingReader(io.RawIOBase):
    """A raw reader that hashes and counts every byte read through it."""

    def __init__(self, raw: io.FileIO, limit: int | None = None) -> None:
        self._raw = raw
        self._limit = limit
        self.digest = hashlib.sha256()
        self.bytes_read = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        count = self._raw.readinto(buffer) or 0
        self.digest.update(memoryview(buffer)[:count])
        self.bytes_read += count
        if self._limit is not None and self.bytes_read > self._limit:
            msg = (
                f"the input is larger than the maximum of {self._limit} bytes set "
                "(max_input_bytes, --max-input-bytes); nothing was written"
            )
            raise InputError(msg, field="input", value=self._raw.name)
        return count

    def close(self) -> None:
        self._raw.close()
        super().close()


class _InputFile:
    """An input file opened for streaming: its header, format, and a reader of its records."""

    def __init__(
        self, path: Path, digesting: _DigestingReader, lines: Iterator[_Line], encoding: str,
        delimiter: str | None,
    ) -> None:  # fmt: skip
        self.path = path
        self.total_bytes = path.stat().st_size
        self.encoding = encoding
        self.blank_lines = 0
        self.rows_read = 0
        self._digesting = digesting
        self._lines = lines
        self._replay: deque[_Line] = deque()
        first = self._next_line()
        while first is not None and first.problem is None and not first.text.strip():
            self.blank_lines += 1
            first = self._next_line()
        if first is None:
            msg = f"{path} is empty: no header row"
            raise InputError(msg, field="input")
        if first.problem is not None:
            msg = f"cannot read the header of {path}: {first.problem.detail}"
            raise InputError(msg, field="input")
        self.delimiter = delimiter or detect_delimiter(first.text)
        self._replay.append(first)
        header = self.next_record(width=None)
        if header is None or header.rejection is not None:
            reason = header.rejection.detail if header and header.rejection else "no header"
            msg = f"cannot read the header of {path}: {reason}"
            raise InputError(msg, field="input")
        self.header = tuple(column.strip() for column in header.fields)
        # Rows are counted as they are read, apart from what is done with them, so that the
        # summary can show that each was screened or rejected. The header is not a row.
        self.rows_read = 0

    @classmethod
    @contextlib.contextmanager
    def open(
        cls, path: Path, encoding: str | None, delimiter: str | None, limit: int | None = None
    ) -> Iterator[_InputFile]:
        if delimiter is not None and len(delimiter) != 1:
            msg = f"the delimiter must be one character, got {delimiter!r}"
            raise InputError(msg, field="delimiter", value=delimiter)
        try:
            raw = io.FileIO(path, "rb")
        except OSError as error:
            msg = f"cannot read {path}: {error.strerror or error}"
            raise InputError(msg, field="input") from None
        with contextlib.ExitStack() as stack:
            digesting = stack.enter_context(_DigestingReader(raw, limit))
            buffered = io.BufferedReader(digesting, buffer_size=SAMPLE_SIZE)
            sample = buffered.peek(SAMPLE_SIZE)[:SAMPLE_SIZE]
            encoding = _known_encoding(encoding) if encoding else detect_encoding(sample)
            if encoding == "utf-8-sig":  # read as UTF-8; the first line loses its mark
                lines = _byte_lines(buffered, "utf-8")
            elif "\n".encode(encoding) == b"\n":
                lines = _byte_lines(buffered, encoding)
            else:
                lines = _text_lines(buffered, encoding)
            yield cls(path, digesting, lines, encoding, delimiter)

    @property
    def bytes_read(self) -> int:
        return self._digesting.bytes_read

    def sha256(self) -> str:
        return self._digesting.digest.hexdigest()

    def progress(self, rows: int) -> Progress:
        return Progress(rows=rows, bytes_read=self.bytes_read, total_bytes=self.total_bytes)

    def _next_line(self) -> _Line | None:
        return self._replay.popleft() if self._replay else next(self._lines, None)

    def next_record(
        self, width: int | None, single_line_fields: Sequence[int] = ()
    ) -> _Record | None:
        """The next row, skipping blank lines; ``None`` at the end of the file.

        A record that spans lines is accepted only when it has ``width`` fields and none of
        ``single_line_fields`` holds a line break; otherwise its first line is rejected for
        broken quoting and the lines after it are read again as rows of their own.
        """
        while (first := self._next_line()) is not None:
            if first.problem is not None:
                self.rows_read += 1
                return _Record(line=first.number, raw=first.text, rejection=first.problem)
            if not first.text.strip():
                self.blank_lines += 1
                continue
            self.rows_read += 1
            return self._record_from(first, width, single_line_fields)
        return None

    def _record_from(
        self, first: _Line, width: int | None, single_line_fields: Sequence[int]
    ) -> _Record:
        group = [first]
        while True:
            parsed = _split([line.text for line in group], self.delimiter)
            if parsed is None:  # a quoted field is still open at the end of the group
                size = sum(len(line.text) for line in group)
                following = (
                    self._next_line()
                    if len(group) < MAX_RECORD_LINES and size < MAX_LINE_LENGTH
                    else None
                )
                if following is not None and following.problem is None:
                    group.append(following)
                    continue
                self._replay.extendleft(reversed([*group[1:], *filter(None, [following])]))
                return _broken_quote(first, "a quoted field opened on this line is never closed")
            if isinstance(parsed, str):
                self._replay.extendleft(reversed(group[1:]))
                if parsed.startswith("field larger than field limit"):
                    return _rejected(first, RejectReason.OVERLONG_FIELD, parsed)
                if len(group) > 1:
                    parsed = f"a quoted field opened on this line does not close cleanly: {parsed}"
                return _broken_quote(first, parsed)
            if len(group) > 1 and (
                (width is not None and len(parsed) != width)
                or any(
                    "\n" in parsed[index] or "\r" in parsed[index]
                    for index in single_line_fields
                    if index < len(parsed)
                )
            ):
                self._replay.extendleft(reversed(group[1:]))
                return _broken_quote(
                    first, "a quoted field opened on this line runs on into the next lines"
                )
            raw = "".join(line.text for line in group).rstrip("\r\n")
            return _Record(line=first.number, raw=raw, fields=tuple(parsed))


def _rejected(line: _Line, reason: RejectReason, detail: str) -> _Record:
    return _Record(
        line=line.number, raw=line.text.rstrip("\r\n"), rejection=RowRejection(reason, detail)
    )


def _broken_quote(line: _Line, detail: str) -> _Record:
    return _rejected(line, RejectReason.BROKEN_QUOTING, detail)


def _split(lines: list[str], delimiter: str) -> list[str] | str | None:
    """The fields of one record; ``None`` if a quote is still open; a message if malformed."""
    try:
        records = list(csv.reader(lines, delimiter=delimiter, strict=True))
    except csv.Error as error:
        return None if str(error) == "unexpected end of data" else str(error)
    if len(records) != 1:
        return "more than one record on these lines"
    return records[0]


def _known_encoding(name: str) -> str:
    try:
        return codecs.lookup(name).name
    except LookupError:
        msg = f"unknown encoding {name!r}"
        raise InputError(msg, field="encoding", value=name) from None


def _byte_lines(buffered: io.BufferedReader[Any], encoding: str) -> Iterator[_Line]:
    """Lines of a file in an ASCII-compatible encoding, each decoded on its own."""
    for number in _counter():
        chunk = buffered.readline(MAX_LINE_LENGTH + 1)
        if not chunk:
            return
        if len(chunk) > MAX_LINE_LENGTH and not chunk.endswith(b"\n"):
            head = _without_nul(chunk[:RAW_TEXT_LIMIT].decode(encoding, "backslashreplace"))
            skipped = len(chunk)
            while chunk and not chunk.endswith(b"\n"):
                chunk = buffered.readline(MAX_LINE_LENGTH)
                skipped = _skipping(number, skipped + len(chunk), "bytes")
            detail = f"the line is longer than {MAX_LINE_LENGTH} bytes"
            yield _Line(number, head, RowRejection(RejectReason.OVERLONG_LINE, detail))
            continue
        try:
            text = chunk.decode(encoding)
        except UnicodeDecodeError as error:
            bad = chunk[error.start : error.end]
            detail = f"byte {error.start + 1} of the line ({bad!r}) is not valid {encoding}"
            raw = _without_nul(chunk.decode(encoding, "backslashreplace").rstrip("\r\n"))
            yield _Line(number, raw, RowRejection(RejectReason.UNDECODABLE, detail))
            continue
        if number == 1:
            text = text.removeprefix("\ufeff")
        if "\x00" in text:
            yield _nul_line(number, text)
            continue
        yield _Line(number, text)


def _nul_line(number: int, text: str) -> _Line:
    """A line holding a NUL byte: never text a customer extract means, and never copied on."""
    detail = f"character {text.index(chr(0)) + 1} of the line is a NUL byte"
    return _Line(
        number, _without_nul(text.rstrip("\r\n")), RowRejection(RejectReason.UNDECODABLE, detail)
    )


def _without_nul(text: str) -> str:
    """The raw text of a rejected line, its NUL bytes written ``\\x00``.

    A rejected line's text goes to the rejects file (and, split leniently, its id and name to
    a per-row output): a NUL byte in it is never copied on.
    """
    return text.replace("\x00", "\\x00")


def _text_lines(buffered: io.BufferedReader[Any], encoding: str) -> Iterator[_Line]:
    """Lines of a file in a wide encoding (UTF-16), undecodable code units marked U+FFFD."""
    text_file = io.TextIOWrapper(buffered, encoding=encoding, errors="replace", newline="\n")
    for number in _counter():
        text = text_file.readline(MAX_LINE_LENGTH + 1)
        if not text:
            return
        if len(text) > MAX_LINE_LENGTH and not text.endswith("\n"):
            head = _without_nul(text[:RAW_TEXT_LIMIT])
            skipped = len(text)
            while text and not text.endswith("\n"):
                text = text_file.readline(MAX_LINE_LENGTH)
                skipped = _skipping(number, skipped + len(text), "characters")
            detail = f"the line is longer than {MAX_LINE_LENGTH} characters"
            yield _Line(number, head, RowRejection(RejectReason.OVERLONG_LINE, detail))
            continue
        if number == 1:
            text = text.removeprefix("\ufeff")
        if "\ufffd" in text:
            detail = f"the line holds bytes that are not valid {encoding}"
            raw = _without_nul(text.rstrip("\r\n"))
            yield _Line(number, raw, RowRejection(RejectReason.UNDECODABLE, detail))
            continue
        if "\x00" in text:
            yield _nul_line(number, text)
            continue
        yield _Line(number, text)


def _skipping(number: int, skipped: int, unit: str) -> int:
    """``skipped``, the length of an over-long line so far, unless it is past all reason."""
    if skipped > MAX_UNENDED_LINE:
        msg = (
            f"line {number} runs on for more than {MAX_UNENDED_LINE} {unit} without a line "
            "end: this is not a delimited text file"
        )
        raise InputError(msg, field="input", value=number)
    return skipped


def _counter() -> Iterator[int]:
    number = 0
    while True:
        number += 1
        yield number
