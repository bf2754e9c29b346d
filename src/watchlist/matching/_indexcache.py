"""The candidate index's cache on disk: numpy arrays and JSON, never a pickle (issue 15).

A :class:`~watchlist.matching.retrieval.CandidateIndex` over the full SDN and UN lists takes
seconds to build; from this cache it loads in a fraction of one. Its arrays are ``.npy`` files
opened with ``mmap_mode="r"`` (``allow_pickle=False``), so every process that loads the same
cache (the worker processes of ``screen_many``) shares their pages through the page cache
instead of holding a copy each. Its long lists of strings (the words, the names, the joined
pairs of words) are arrays too: their UTF-8 text end to end and where each string ends, read
back with one decode and slicing, not a JSON parse of a million tokens; the rest (dictionaries
of small lists) is one JSON document. Neither can run code when read (see
:mod:`watchlist.lists._cachefile`, the precedent: watchlist 0.1's pickled list cache could,
issue 17).

A cache is a directory::

    index-<watchlist version>-<key>/
      arrays/<name>.npy       the index's arrays, each its own file; a list of strings as
                              <name>.text.npy (UTF-8) and <name>.ends.npy (character offsets)
      tables.json             its dictionaries and short lists
      manifest.json           written last: the format, the key, a fingerprint of the
                              records indexed and the SHA-256 of every other file

``key`` is the SHA-256 (shortened) of what determines the index: the lists' versions (each
list id with the digests of its versions, in order), the package version, the calibration
and a digest of the matching code and data files (normalisation, names, phonetic keys,
word alignment, the index itself; terms and variants), so that a change of any of them finds
no cache rather than a stale one. It is written into a temporary directory beside it and
renamed into place whole, so a reader sees a complete cache or none. Each list update makes a
new key, so a directory keeps only the ``KEEP`` caches used last (a load marks its cache used)
and removes the others when it writes one.

**Fail closed**: on load, the manifest must be present and of this format and key, every
file's digest must match it, the fingerprint of the records must be that of the records the
caller has, and the commonness of each listed word must be what the caller's scorer gives;
otherwise the cache is not used (a warning is logged) and the index is built again. A
directory writable by its group or by others is not used either: whoever can write it could
hide candidates (hence hits).
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import importlib.metadata
import importlib.resources
import itertools
import json
import logging
import math
import os
import shutil
import stat
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from watchlist.matching.features import identifier_value
from watchlist.model import Entry

if TYPE_CHECKING:
    from watchlist.matching.retrieval import CandidateIndex

FORMAT = "watchlist-index-cache/2"
MANIFEST = "manifest.json"
TABLES = "tables.json"
ARRAYS = "arrays"
_SEPARATOR = "\0"
PREFIX = "index-"
_TEMP_PREFIX = ".tmp-index-"
#: Caches kept in one directory: enough for the few sets of lists one account screens
#: against (and the previous versions, which a run that started before an update may load).
KEEP = 4
#: A temporary directory older than this is a write that never finished (its process died).
_ABANDONED_SECONDS = 24 * 3600
#: The files of the package whose content the index is derived from: a change to any of them
#: (a development install, the same version number) finds no cache.
_SOURCES = (
    "align.py", "calibration.json", "frequency.py", "names.py", "normalize.py", "phonetic.py",
    "retrieval.py", "_indexcache.py", "features.py", "terms.toml", "variants.toml",
)  # fmt: skip

log = logging.getLogger("watchlist.index")


class CacheMiss(Exception):
    """A cache that is absent, incomplete, corrupt or for other records: not used."""


def code_digest() -> str:
    """The SHA-256 of the matching code and data the index is derived from."""
    digest = hashlib.sha256()
    package = importlib.resources.files("watchlist.matching")
    for name in _SOURCES:
        digest.update(name.encode() + b"\0" + package.joinpath(name).read_bytes() + b"\0")
    return digest.hexdigest()


def cache_key(lists: Sequence[tuple[str, Sequence[str]]], calibration: object) -> str:
    """The key of the index over the versions ``lists`` (list id, version digests) for a
    scorer of ``calibration`` (any JSON value)."""
    document = {
        "format": FORMAT,
        "watchlist": importlib.metadata.version("watchlist"),
        "lists": [[list_id, list(digests)] for list_id, digests in lists],
        "calibration": calibration,
        "code": code_digest(),
    }
    text = json.dumps(document, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def cache_path(directory: Path, key: str) -> Path:
    return directory / f"{PREFIX}{importlib.metadata.version('watchlist')}-{key}"


def records_fingerprint(records: Iterable[tuple[str, Entry]]) -> str:
    """The SHA-256 of what the index reads of each record, in order: its list, entry id,
    kind, names and identifiers."""
    digest = hashlib.sha256()
    for list_id, entry in records:
        digest.update(
            json.dumps(
                [
                    list_id,
                    entry.id,
                    str(entry.kind),
                    [name.value for name in entry.names],
                    [identifier_value(identifier) for identifier in entry.identifiers],
                ],
                ensure_ascii=False,
            ).encode()
        )
    return digest.hexdigest()


# -- what is stored of an index --------------------------------------------------------------

#: Attributes of a CandidateIndex by how they are stored. Every attribute of an index must be
#: in one of these (or be rebuilt on load, see ``_REBUILT``): saving an index with another
#: is an error, so a new attribute cannot be silently left out of the cache.
_ARRAYS = (
    "_joined_lengths", "_spelling_names", "_spelling_weights", "_spelling_totals",
    "_spelling_commonness", "_organisation_ids", "_abjad_words",
)  # fmt: skip
_TABLES = ("_postings", "_pair_postings", "_pair_keys", "_abjad_pairs", "_pair_folds",
           "_by_first_letter", "_deletions")  # fmt: skip
_BY_ENDS = ("_joined_pairs", "_long_words_by_ends")
#: JSON values: lists of strings or numbers, dictionaries of lists.
_STRINGS = ("_words", "_name_values", "_long_words", "_long_readings")
_JSON_LISTS = ("_long_ids", "_long_lengths")
_JSON_DICTS_OF_LISTS = ("_by_canonical", "_by_fold", "_by_key", "_by_initials", "_by_single_word")
_JSON_DICTS_OF_TUPLES = ("_abjad_keys", "_by_identifier")
_REBUILT = (
    # From the records given on load, from the words, or the caches of a new index.
    "records", "_word_ids", "_tokens", "_organisations", "_edge_words", "_merges",
    "_concat_postings", "_word_postings", "_cached", "_long_read_differently",
)  # fmt: skip
_OTHER = ("_name_records", "_record_name_ids", "_unbounded_names", "_legal_forms",
          "_by_bigram", "_word_steps")  # fmt: skip
STORED = frozenset(
    _ARRAYS + _TABLES + _BY_ENDS + _STRINGS + _JSON_LISTS + _JSON_DICTS_OF_LISTS
    + _JSON_DICTS_OF_TUPLES + _OTHER
)  # fmt: skip
KNOWN = STORED | frozenset(_REBUILT)


class _Writer:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        (directory / ARRAYS).mkdir()
        self.tables: dict[str, Any] = {}

    def array(self, name: str, value: npt.NDArray[Any]) -> None:
        np.save(self.directory / ARRAYS / f"{name}.npy", np.ascontiguousarray(value))

    def ragged(self, name: str, parts: Sequence[npt.NDArray[Any]], dtype: type) -> None:
        lengths = np.array([len(part) for part in parts], np.int64)
        self.array(f"{name}.offsets", np.concatenate(([0], np.cumsum(lengths))))
        values = np.concatenate(parts) if parts else np.zeros(0, dtype)
        self.array(f"{name}.values", values.astype(dtype, copy=False))

    def strings(self, name: str, values: Sequence[str]) -> None:
        # Separated by NULs, so that most are read back by one split; each string's end (in
        # characters, separators included) gives the others, whatever they hold.
        text = _SEPARATOR.join(values)
        self.array(f"{name}.text", np.frombuffer(text.encode(), np.uint8))
        ends = np.cumsum([len(value) + 1 for value in values], dtype=np.int64) - 1
        self.array(f"{name}.ends", ends)


class _Reader:
    def __init__(self, directory: Path, tables: dict[str, Any]) -> None:
        self.directory = directory
        self.tables = tables

    def array(self, name: str) -> npt.NDArray[Any]:
        path = self.directory / ARRAYS / f"{name}.npy"
        loaded: npt.NDArray[Any] = np.load(path, mmap_mode="r", allow_pickle=False)
        # A plain array over the same mapping: a slice of an np.memmap is another memmap,
        # made through Python code (__array_finalize__), which the lookups would pay for.
        return loaded.view(np.ndarray)

    def ragged(self, name: str) -> list[npt.NDArray[Any]]:
        offsets = self.array(f"{name}.offsets").tolist()
        values = self.array(f"{name}.values")
        return [values[start:end] for start, end in itertools.pairwise(offsets)]

    def strings(self, name: str) -> list[str]:
        text = self.array(f"{name}.text").tobytes().decode()
        ends = self.array(f"{name}.ends").tolist()
        values = text.split(_SEPARATOR) if ends else []
        if len(values) == len(ends):
            return values
        # Some string holds a NUL itself.
        starts = [0, *(end + 1 for end in ends[:-1])]
        return [text[start:end] for start, end in zip(starts, ends, strict=True)]


def save(index: CandidateIndex, directory: Path, key: str, fingerprint: str) -> Path:
    """Write ``index`` as the cache ``key`` in ``directory`` (atomically); its path."""
    from watchlist.matching.retrieval import _ByEnds, _Table

    state = index.__dict__
    unknown = set(state) - KNOWN
    if unknown:
        msg = f"the index cache does not know how to store {sorted(unknown)}"
        raise TypeError(msg)
    target = cache_path(directory, key)
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    temporary = Path(tempfile.mkdtemp(prefix=_TEMP_PREFIX, dir=directory))
    try:
        writer = _Writer(temporary)
        tables = writer.tables
        for name in _ARRAYS:
            writer.array(name, state[name])
        for name in _TABLES:
            table = state[name]
            assert isinstance(table, _Table)
            writer.array(f"{name}.keys", table.keys)
            writer.array(f"{name}.starts", table._starts)
            for k, column in enumerate(table._columns):
                writer.array(f"{name}.{k}", column)
            tables[f"{name}.width"] = len(table._columns)
        for name in _BY_ENDS:
            by_ends = state[name]
            assert isinstance(by_ends, _ByEnds)
            tables[f"{name}.lengths"] = list(by_ends._lengths)
            for side, buckets in (("first", by_ends._by_first), ("last", by_ends._by_last)):
                letters = list(buckets)
                tables[f"{name}.{side}.letters"] = letters
                tables[f"{name}.{side}.counts"] = [len(buckets[letter][2]) for letter in letters]
                writer.strings(
                    f"{name}.{side}.texts",
                    [text for letter in letters for text in buckets[letter][2]],
                )
                writer.ragged(
                    f"{name}.{side}.signatures",
                    [buckets[letter][1] for letter in letters],
                    np.uint64,
                )
                writer.ragged(
                    f"{name}.{side}.numbers", [buckets[letter][3] for letter in letters], np.uint64
                )
        for name in _STRINGS:
            writer.strings(name, state[name])
        for name in _JSON_LISTS:
            tables[name] = list(state[name])
        for name in _JSON_DICTS_OF_LISTS + _JSON_DICTS_OF_TUPLES:
            tables[name] = {key_: list(value) for key_, value in state[name].items()}
        writer.ragged("_name_records", state["_name_records"], np.int32)
        tables["_record_name_ids"] = [list(each) for each in state["_record_name_ids"]]
        tables["_unbounded_names"] = sorted(state["_unbounded_names"])
        tables["_word_steps"] = state["_word_steps"]
        spellings, masks = state["_legal_forms"]
        writer.array("_legal_forms.0", spellings)
        writer.array("_legal_forms.1", masks)
        grams = list(state["_by_bigram"])
        tables["_by_bigram"] = [list(gram) for gram in grams]
        writer.ragged("_by_bigram", [state["_by_bigram"][gram] for gram in grams], np.int32)
        (temporary / TABLES).write_text(
            json.dumps(tables, ensure_ascii=False, separators=(",", ":")), encoding="utf-8"
        )
        files = {
            str(path.relative_to(temporary)): _file_digest(path)
            for path in sorted(temporary.rglob("*"))
            if path.is_file()
        }
        manifest = {"format": FORMAT, "key": key, "records": fingerprint, "files": files}
        # Written last: a cache without its manifest is incomplete, and never read.
        (temporary / MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
        for path in (temporary, *temporary.rglob("*")):
            os.chmod(path, 0o700 if path.is_dir() else 0o400)
        try:
            os.replace(temporary, target)
        except OSError:
            # Another process wrote the same cache first (a directory is not replaced when
            # it has files): theirs is as good as ours.
            if not (target / MANIFEST).is_file():
                raise
    finally:
        if temporary.exists():
            _remove(temporary)
    _prune(directory, target)
    return target


def _prune(directory: Path, written: Path) -> None:
    """Remove the caches of ``directory`` but the ``KEEP`` used last (``written`` among
    them), and abandoned temporary directories."""
    caches, now = [], time.time()
    for each in directory.iterdir():
        try:
            used = each.lstat().st_mtime
        except OSError:
            continue
        if each.name.startswith(PREFIX) and each != written:
            caches.append((used, each))
        elif each.name.startswith(_TEMP_PREFIX) and now - used > _ABANDONED_SECONDS:
            _remove(each)
    for _, each in sorted(caches, reverse=True)[KEEP - 1 :]:
        _remove(each)


def load(
    records: tuple[tuple[str, Entry], ...],
    path: Path,
    key: str,
    *,
    fingerprint: str | None = None,
    commonness: Callable[[str], float] | None = None,
) -> CandidateIndex:
    """The index cached at ``path`` for ``records``; :class:`CacheMiss` if it is absent,
    incomplete, corrupt, not private, or for another key, other records or other word
    commonness (``fingerprint``, if given, is that of ``records``, already computed)."""
    from watchlist.matching.retrieval import COMMONNESS_STEPS

    _check_private(path)
    try:
        manifest = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise CacheMiss(f"no complete cache at {path} ({error})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise CacheMiss(f"{path} is not an index cache of this format")
    if manifest.get("key") != key:
        raise CacheMiss(f"{path} is the cache of other lists or another scorer")
    if fingerprint is None:
        fingerprint = records_fingerprint(records)
    if manifest.get("records") != fingerprint:
        raise CacheMiss(f"{path} is the cache of other records")
    files = manifest.get("files")
    if not isinstance(files, dict):
        raise CacheMiss(f"{path}: a manifest without its files")
    present = {
        str(each.relative_to(path))
        for each in path.rglob("*")
        if each.is_file() and each.name != MANIFEST
    }
    if present != set(files):
        raise CacheMiss(f"{path}: files missing or added ({sorted(present ^ set(files))[:3]})")
    for name, digest in files.items():
        _check_private(path / name)
        if _file_digest(path / name) != digest:
            raise CacheMiss(f"{path / name} is not the file the cache was written with")
    try:
        with _no_collection():
            tables = json.loads((path / TABLES).read_text(encoding="utf-8"))
            index = _restore(records, _Reader(path, tables))
    except (OSError, ValueError, KeyError, TypeError, IndexError) as error:
        raise CacheMiss(f"{path} cannot be read ({type(error).__name__}: {error})") from None
    # The commonness steps were worked out by the building scorer: they must be this one's.
    steps = index._word_steps
    for canonical, step in steps.items():
        share = 0.0 if commonness is None else commonness(canonical)
        expected = min(COMMONNESS_STEPS, max(0, math.floor(share * COMMONNESS_STEPS)))
        if expected != step:
            raise CacheMiss(f"{path} weighs the words' commonness otherwise than this scorer")
    # Marked used, for _prune (nothing in a cache changes after it is written, so its
    # directory's time is free for this); a cache on a read-only disk is simply not marked.
    with contextlib.suppress(OSError):
        os.utime(path)
    return index


def _restore(records: tuple[tuple[str, Entry], ...], reader: _Reader) -> CandidateIndex:
    from watchlist.matching.retrieval import CandidateIndex, _ByEnds, _Table

    tables = reader.tables
    index = CandidateIndex.__new__(CandidateIndex)
    state: dict[str, Any] = {"records": records}
    for name in _ARRAYS:
        state[name] = reader.array(name)
    for name in _TABLES:
        table = _Table.__new__(_Table)
        table._building = []
        table.keys = reader.array(f"{name}.keys")
        table._starts = reader.array(f"{name}.starts")
        table._columns = [reader.array(f"{name}.{k}") for k in range(tables[f"{name}.width"])]
        state[name] = table
    for name in _BY_ENDS:
        by_ends = _ByEnds.__new__(_ByEnds)
        low, high = tables[f"{name}.lengths"]
        by_ends._lengths = (int(low), int(high))
        for side in ("first", "last"):
            letters = tables[f"{name}.{side}.letters"]
            every = reader.strings(f"{name}.{side}.texts")
            ends = list(itertools.accumulate(tables[f"{name}.{side}.counts"]))
            texts = [every[start:end] for start, end in zip([0, *ends], ends, strict=False)]
            signatures = reader.ragged(f"{name}.{side}.signatures")
            numbers = reader.ragged(f"{name}.{side}.numbers")
            buckets = {
                letter: (list(map(len, each)), signature, each, number)
                for letter, each, signature, number in zip(
                    letters, texts, signatures, numbers, strict=True
                )
            }
            setattr(by_ends, f"_by_{side}", buckets)
        state[name] = by_ends
    for name in _STRINGS:
        state[name] = reader.strings(name)
    for name in _JSON_LISTS:
        state[name] = tables[name]
    for name in _JSON_DICTS_OF_LISTS:
        state[name] = tables[name]
    for name in _JSON_DICTS_OF_TUPLES:
        state[name] = {key: tuple(value) for key, value in tables[name].items()}
    state["_name_records"] = reader.ragged("_name_records")
    state["_record_name_ids"] = [tuple(each) for each in tables["_record_name_ids"]]
    state["_unbounded_names"] = frozenset(tables["_unbounded_names"])
    state["_word_steps"] = tables["_word_steps"]
    state["_legal_forms"] = (
        reader.array("_legal_forms.0").astype(np.intp, copy=False),
        reader.array("_legal_forms.1"),
    )
    grams = [(gram, int(count)) for gram, count in tables["_by_bigram"]]
    state["_by_bigram"] = dict(zip(grams, reader.ragged("_by_bigram"), strict=True))
    if len(state["_record_name_ids"]) != len(records):
        raise ValueError("a cache of another number of records")
    index.__dict__.update(state)
    index._restore_derived()
    return index


@contextlib.contextmanager
def _no_collection() -> Iterator[None]:
    """The garbage collector paused: a load makes hundreds of thousands of lists and strings,
    none of them garbage, and each collection they would set off walks every object of the
    process (in a worker process, the whole screener): half of a load on the full lists."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _check_private(path: Path) -> None:
    """A cache (or file of it) others could write, or a link, is not used."""
    try:
        status = os.lstat(path)
    except FileNotFoundError:
        return
    if stat.S_ISLNK(status.st_mode):
        raise CacheMiss(f"{path} is a symbolic link")
    if status.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        raise CacheMiss(f"{path} is writable by its group or by others")


def _remove(path: Path) -> None:
    with contextlib.suppress(OSError):
        for each in (path, *path.rglob("*")):
            with contextlib.suppress(OSError):
                os.chmod(each, 0o700)
        shutil.rmtree(path)


def remove(path: Path) -> None:
    """Remove a cache that was found unusable, so that a new one can take its place."""
    _remove(path)


def private(directory: Path) -> bool:
    """Whether a cache may be kept in ``directory``: absent (it will be made private), or
    not writable by its group or others, and not a link."""
    try:
        _check_private(directory)
    except CacheMiss as miss:
        log.warning("the index cache is not kept in %s: %s", directory, miss)
        return False
    return True
