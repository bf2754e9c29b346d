"""The version store: every published version of the official lists a bank has recorded.

A bank must be able to show which version of a list it screened against on a given day, so
each file it loads is kept, unchanged, with its publication date. The store is a directory
(by default ``$WATCHLIST_STORE``, else ``$XDG_DATA_HOME/watchlist/store``, else
``~/.local/share/watchlist/store``)::

    STORE/
      us-ofac-sdn/
        <sha256>/                      one version, named by its content digest
          version.json                 list id, published, digest, format, files, added-at
          files/sdn.csv, alt.csv, ...  the source file(s), byte for byte
          compiled-<watchlist version>-<fp>.pickle  the parsed version (a cache, lone versions)
        history-<watchlist version>-<fp>-<key>.pickle  all its versions parsed (a cache)

A version is content-addressed: its digest is the SHA-256 of its file (for an OFAC CSV set,
of the lines ``name\\0sha256\\n`` of its files, main file first, as the reader computes it),
so adding the same file twice changes nothing and keeps the first publication date recorded.
Writes are atomic: a version is assembled in a temporary directory inside the store and moved
into place with one ``os.replace``, so an interrupted write leaves no half-written version.

The compiled cache holds the parsed :class:`~watchlist.model.ListVersion` as a pickle, keyed
by the digest and the watchlist version (with ``fp``, a fingerprint of the value classes'
fields), so a reload skips parsing. A list with several versions is cached as a whole
history, keyed by all its digests, so that records unchanged between versions are held once
(see :func:`watchlist.sources.registry.read_versions`). A cache file that cannot be read is a
cache miss: the version is parsed again from its files, never taken on trust. The cache is a
pickle, so the store directory must be writable only by those trusted to run code as the
user, as with any per-user data directory.

A day has one version of a list: a different file given the publication date of a stored
version is refused (the timeline could not order the two).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import gc
import hashlib
import importlib.metadata
import io
import json
import os
import pickle
import shutil
import tempfile
import warnings
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeGuard

import attrs

from watchlist.dates import DateRange, PartialDate, to_date
from watchlist.errors import IncompleteListWarning, InputError, ListFormatError, ListNotFoundError
from watchlist.model import (
    Coverage,
    Designation,
    Entry,
    Identifier,
    ListInfo,
    ListVersion,
    Name,
    Rejection,
)
from watchlist.sources import registry
from watchlist.sources._support import combined_digest, file_digest

METADATA = "version.json"
FILES = "files"
_TEMP_PREFIX = ".tmp-"
_CACHE_PREFIX = "compiled-"
_HISTORY_PREFIX = "history-"


def default_store_path() -> Path:
    """The per-user store: ``$WATCHLIST_STORE``, else the XDG data directory."""
    if configured := os.environ.get("WATCHLIST_STORE"):
        return Path(configured).expanduser()
    data_home = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data_home).expanduser() / "watchlist" / "store"


@functools.cache
def _cache_key() -> str:
    """The watchlist version, and a fingerprint of the value classes' fields.

    The fingerprint guards against a development install whose classes changed under the
    same version number: such a cache is simply not found.
    """
    fields = repr([(cls.__name__, [f.name for f in attrs.fields(cls)]) for cls in _CACHED])
    fingerprint = hashlib.sha256(fields.encode()).hexdigest()[:12]
    return f"{importlib.metadata.version('watchlist')}-{fingerprint}"


# The compiled cache rebuilds each value object from a tuple of its field values, setting its
# slots directly: attrs' own unpickling costs about half as much again, and the full SDN must
# reload in well under a second. The cycle collector is paused while loading, since the
# hundred thousand new objects would otherwise trigger it many times for nothing.
_CACHED = (
    ListVersion, ListInfo, Rejection, Entry, Name, Identifier, Designation, PartialDate, DateRange
)  # fmt: skip
_SETTERS: dict[type, tuple[Callable[[object, object], None], ...]] = {
    cls: tuple(cls.__dict__[field.name].__set__ for field in attrs.fields(cls)) for cls in _CACHED
}


def _restore(cls: type, values: tuple[object, ...]) -> object:
    instance: object = object.__new__(cls)
    for setter, value in zip(_SETTERS[cls], values, strict=True):
        setter(instance, value)
    return instance


class _Pickler(pickle.Pickler):
    def reducer_override(self, obj: Any) -> Any:
        cls = type(obj)
        if cls in _SETTERS:
            return _restore, (cls, tuple(getattr(obj, f.name) for f in attrs.fields(cls)))
        return NotImplemented


def _pickle(version: ListVersion | list[ListVersion]) -> bytes:
    buffer = io.BytesIO()
    _Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(version)
    return buffer.getvalue()


def _unpickle(data: bytes) -> object:
    collecting = gc.isenabled()
    gc.disable()
    try:
        # The store's own cache (see the module docstring on trust).
        return pickle.loads(data)
    finally:
        if collecting:
            gc.enable()


@attrs.frozen
class StoredFile:
    """One file of a stored version: its name in the store, its original name, its digest."""

    name: str
    original: str
    sha256: str


def _stored_files(values: Any) -> tuple[StoredFile, ...]:
    return tuple(
        value if isinstance(value, StoredFile) else StoredFile(**value) for value in values
    )


@attrs.frozen
class StoredVersion:
    """What the store records of one version, read from its ``version.json``."""

    list_id: str
    published: dt.date = attrs.field(converter=to_date)
    digest: str
    format: registry.Format = attrs.field(converter=registry.Format)
    files: tuple[StoredFile, ...] = attrs.field(converter=_stored_files)
    added_at: str
    title: str
    coverage: Coverage = attrs.field(converter=Coverage)
    coverage_start: dt.date = attrs.field(converter=to_date)
    max_age_days: int
    entries: int
    #: The directory holding the version.
    path: Path = attrs.field(converter=Path)

    @property
    def main_file(self) -> Path:
        return self.path / FILES / self.files[0].name

    def to_json(self) -> dict[str, Any]:
        return {
            "list_id": self.list_id,
            "published": self.published.isoformat(),
            "digest": self.digest,
            "format": self.format.value,
            "files": [attrs.asdict(each) for each in self.files],
            "added_at": self.added_at,
            "title": self.title,
            "coverage": self.coverage.value,
            "coverage_start": self.coverage_start.isoformat(),
            "max_age_days": self.max_age_days,
            "entries": self.entries,
        }


def _expanded(value: Path | str) -> Path:
    return Path(value).expanduser()


@attrs.frozen
class _Incoming:
    """A file about to be stored: its format, its files by stored name, and their digests."""

    file: Path
    published: dt.date | None
    format: registry.Format
    sources: dict[str, Path]
    digests: dict[str, str]
    digest: str


@attrs.frozen
class Store:
    """A directory of list versions; it is created by the first :meth:`add`."""

    path: Path = attrs.field(converter=_expanded)

    @classmethod
    def default(cls) -> Store:
        return cls(default_store_path())

    def lists(self) -> list[str]:
        """The ids of the lists with at least one stored version, sorted."""
        if not self.path.is_dir():
            return []
        return sorted(
            child.name
            for child in self.path.iterdir()
            if child.is_dir() and not child.name.startswith(".") and self._version_dirs(child)
        )

    def versions(self, list_id: str) -> list[StoredVersion]:
        """The stored versions of ``list_id``, oldest publication first."""
        found = [self._read_metadata(each) for each in self._version_dirs(self.path / list_id)]
        return sorted(found, key=lambda version: (version.published, version.digest))

    def add(
        self,
        list_id: str,
        file: Path | str,
        published: str | dt.date | None = None,
        *,
        allow_empty: bool = False,
    ) -> ListVersion:
        """Record ``file`` as a version of ``list_id``, and return it parsed.

        The file must be in a format of that list (see :mod:`watchlist.sources.registry`);
        an OFAC CSV set is stored whole, with the companion files found beside its main file.
        If the same content is already stored, nothing changes and the stored version is
        returned, with the publication date first recorded for it. A different version with
        the same publication date is refused: a day has one version of a list.
        """
        [version] = self.add_many(list_id, [(file, published)], allow_empty=allow_empty)
        return version

    def add_many(
        self,
        list_id: str,
        files: Iterable[tuple[Path | str, str | dt.date | None]],
        *,
        allow_empty: bool = False,
    ) -> list[ListVersion]:
        """Record several ``(file, published)`` versions of one list, as :meth:`add` does.

        The files are read with :func:`~watchlist.sources.registry.read_versions`, so a long
        history (say, daily copies of the SDN) is read in seconds. Each version is written
        atomically on its own: should one fail, those before it stay recorded.
        """
        incoming = [
            self._incoming(list_id, Path(file), None if day is None else to_date(day))
            for file, day in files
        ]
        results: dict[int, ListVersion] = {}
        first_of: dict[str, int] = {}
        to_read: list[int] = []
        for position, each in enumerate(incoming):
            if each.digest in first_of:
                continue
            first_of[each.digest] = position
            existing = self.path / list_id / each.digest
            if (existing / METADATA).is_file():
                results[position] = self._load(self._read_metadata(existing))
            else:
                to_read.append(position)
        parsed = registry.read_versions(
            list_id,
            [(incoming[position].file, incoming[position].published) for position in to_read],
            allow_empty=allow_empty,
        )
        days = {version.published: version.digest for version in self.versions(list_id)}
        for position, version in zip(to_read, parsed, strict=True):
            each = incoming[position]
            other = days.get(version.published)
            if other is not None and other != each.digest:
                msg = (
                    f"a different version of {list_id} published {version.published} is "
                    f"already stored (sha256:{other}); a day has one version of a list"
                )
                raise ListFormatError(msg, path=each.file)
            results[position] = self._commit(list_id, each, version)
            days[version.published] = each.digest
        # The same content given twice in one call is one version.
        return [results[first_of[each.digest]] for each in incoming]

    def _incoming(self, list_id: str, file: Path, published: dt.date | None) -> _Incoming:
        found = registry.check_format(list_id, file)
        sources = {registry.main_file_name(list_id, file, found): file}
        sources.update(registry.companions(file, found))
        digests = {name: file_digest(path) for name, path in sources.items()}
        return _Incoming(
            file=file,
            published=published,
            format=found,
            sources=sources,
            digests=digests,
            digest=combined_digest(digests.items()),
        )

    def _commit(self, list_id: str, each: _Incoming, version: ListVersion) -> ListVersion:
        """Write one parsed version into the store, atomically."""
        existing = self.path / list_id / each.digest
        self.path.mkdir(parents=True, exist_ok=True)
        temporary = Path(tempfile.mkdtemp(prefix=_TEMP_PREFIX, dir=self.path))
        try:
            (temporary / FILES).mkdir()
            for name, source in each.sources.items():
                _copy(source, temporary / FILES / name)
            copied = {name: file_digest(temporary / FILES / name) for name in each.sources}
            if copied != each.digests:
                msg = "the file changed while it was being stored; add it again"
                raise ListFormatError(msg, path=each.file)
            stored = StoredVersion(
                list_id=list_id,
                published=version.published,
                digest=each.digest,
                format=each.format,
                files=[
                    StoredFile(name=name, original=source.name, sha256=each.digests[name])
                    for name, source in each.sources.items()
                ],
                added_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                title=version.info.title,
                coverage=version.info.coverage,
                coverage_start=version.info.coverage_start,
                max_age_days=version.info.max_age_days,
                entries=len(version.entries),
                path=existing,
            )
            _write_text(temporary / METADATA, json.dumps(stored.to_json(), indent=2) + "\n")
            existing.parent.mkdir(exist_ok=True)
            try:
                os.replace(temporary, existing)
            except OSError:
                # Another process stored the same content first: its version is complete.
                if not (existing / METADATA).is_file():
                    raise
                return self._load(self._read_metadata(existing))
        finally:
            shutil.rmtree(temporary, ignore_errors=True)
        located = _located(version, stored)
        if len(self._version_dirs(self.path / list_id)) == 1:
            # A list of several versions is loaded, and cached, as a history instead.
            self._write_cache(stored, located)
        return located

    def load(self, list_id: str) -> list[ListVersion]:
        """Every stored version of ``list_id``, parsed (from the compiled cache when it can)."""
        versions = self.versions(list_id)
        if not versions:
            raise ListNotFoundError(list_id, self.lists())
        if len(versions) == 1:
            return [self._load(versions[0])]
        return self._load_history(list_id, versions)

    def load_all(self) -> list[ListVersion]:
        """Every stored version of every list."""
        return [version for list_id in self.lists() for version in self.load(list_id)]

    def _load(self, stored: StoredVersion) -> ListVersion:
        cached = self._read_cache(stored)
        if cached is not None:
            return cached
        with warnings.catch_warnings():
            # The warning about an incomplete set was shown when the version was added.
            warnings.simplefilter("ignore", IncompleteListWarning)
            version = registry.read(
                stored.list_id, stored.main_file, published=stored.published, allow_empty=True
            )
        located = _located(version, stored)
        if len(self._version_dirs(stored.path.parent)) == 1:
            self._write_cache(stored, located)
        return located

    def _load_history(self, list_id: str, stored: list[StoredVersion]) -> list[ListVersion]:
        """Several versions, read so that they share unchanged records, and cached together.

        Cached one by one, 300 versions of the SDN would each unpickle their own copy of
        every entry; cached together, pickle keeps each shared entry once.
        """
        key = hashlib.sha256(
            "".join(f"{each.digest} {each.published}\n" for each in stored).encode()
        ).hexdigest()[:24]
        cache = self.path / list_id / f"{_HISTORY_PREFIX}{_cache_key()}-{key}.pickle"
        cached = _read_pickle(cache)
        if (
            isinstance(cached, list)
            and len(cached) == len(stored)
            and all(_is_cached(version, each) for version, each in zip(cached, stored, strict=True))
        ):
            return cached
        with warnings.catch_warnings():
            # The warning about an incomplete set was shown when each version was added.
            warnings.simplefilter("ignore", IncompleteListWarning)
            parsed = registry.read_versions(
                list_id, [(each.main_file, each.published) for each in stored], allow_empty=True
            )
            versions = [
                _located(version, each) for version, each in zip(parsed, stored, strict=True)
            ]
        # The history supersedes older histories and the caches of single versions.
        outdated = [
            *cache.parent.glob(f"{_HISTORY_PREFIX}*.pickle"),
            *cache.parent.glob(f"*/{_CACHE_PREFIX}*.pickle"),
        ]
        for path in outdated:
            with contextlib.suppress(OSError):
                path.unlink()
        # A cache that cannot be written (read-only store) only costs a parse next time.
        with contextlib.suppress(OSError):
            _write_bytes(cache, _pickle(versions))
        return versions

    def _cache_path(self, stored: StoredVersion) -> Path:
        return stored.path / f"{_CACHE_PREFIX}{_cache_key()}.pickle"

    def _read_cache(self, stored: StoredVersion) -> ListVersion | None:
        version = _read_pickle(self._cache_path(stored))
        return version if _is_cached(version, stored) else None

    def _write_cache(self, stored: StoredVersion, version: ListVersion) -> None:
        data = _pickle(version)
        # A cache that cannot be written (read-only store) only costs a parse next time.
        with contextlib.suppress(OSError):
            _write_bytes(self._cache_path(stored), data)

    def _version_dirs(self, list_dir: Path) -> list[Path]:
        if not list_dir.is_dir():
            return []
        return sorted(child for child in list_dir.iterdir() if (child / METADATA).is_file())

    def _read_metadata(self, version_dir: Path) -> StoredVersion:
        path = version_dir / METADATA
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            return StoredVersion(**raw, path=version_dir)
        except (OSError, ValueError, TypeError, InputError) as error:
            msg = f"unreadable version metadata in the store: {error}"
            raise ListFormatError(msg, path=path) from None


def _read_pickle(path: Path) -> object:
    """A cache file's content, or None when it is absent or unreadable."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    try:
        return _unpickle(data)
    except Exception:
        # Whatever makes a cache unreadable (truncation, garbage, a class renamed since),
        # it is a miss: the version is parsed again, never taken from a broken cache.
        return None


def _is_cached(version: object, stored: StoredVersion) -> TypeGuard[ListVersion]:
    """Whether ``version`` is the cached parse of ``stored`` (and not of another file)."""
    return (
        isinstance(version, ListVersion)
        and version.info.id == stored.list_id
        and version.published == stored.published
        and version.location == str(stored.main_file)
    )


def _located(version: ListVersion, stored: StoredVersion) -> ListVersion:
    """The version as the store holds it: read from the stored copy, with the stored date."""
    return attrs.evolve(version, location=str(stored.main_file), published=stored.published)


def _copy(source: Path, target: Path) -> None:
    try:
        shutil.copyfile(source, target)
    except OSError as error:
        msg = f"cannot copy the list file into the store: {error.strerror or error}"
        raise ListFormatError(msg, path=source) from None


def _write_text(path: Path, text: str) -> None:
    _write_bytes(path, text.encode("utf-8"))


def _write_bytes(path: Path, data: bytes) -> None:
    """Write ``path`` whole or not at all: a temporary file beside it, then ``os.replace``."""
    descriptor, temporary = tempfile.mkstemp(prefix=_TEMP_PREFIX, dir=path.parent)
    try:
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(data)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
