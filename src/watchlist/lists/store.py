"""The version store: every published version of the official lists a bank has recorded.

A bank must be able to show which version of a list it screened against on a given day, so
each file it loads is kept, unchanged, with its publication date. The store is a directory
(by default ``$WATCHLIST_STORE``, else ``$XDG_DATA_HOME/watchlist/store``, else
``~/.local/share/watchlist/store``)::

    STORE/                             writable by its owner only (see below)
      us-ofac-sdn/
        <sha256>/                      one version, named by its content digest
          version.json                 list id, published, digest, format, files, added-at
          files/sdn.csv, alt.csv, ...  the source file(s), byte for byte, read-only
          compiled-<watchlist version>-<fp>.json  the parsed version (a cache, lone versions)
        history-<watchlist version>-<fp>-<key>.json  all its versions parsed (a cache)

A version is content-addressed: its digest is the SHA-256 of its file (for an OFAC CSV set,
of the lines ``name\\0sha256\\n`` of its files, main file first, as the reader computes it),
so adding the same file twice changes nothing and keeps the first publication date recorded.
Writes are atomic: a version is assembled in a temporary directory inside the store and moved
into place with one ``os.replace``, so an interrupted write leaves no half-written version.

Every time a version is read from its files, the digest of the bytes read is checked against
the one recorded: a stored file changed since it was added is a
:class:`~watchlist.errors.StoreIntegrityError` naming it, never screened against.

The compiled cache holds the parsed :class:`~watchlist.model.ListVersion` as JSON, keyed by
the digest and the watchlist version (with ``fp``, a fingerprint of the value classes'
fields), so a reload skips parsing. JSON cannot run code when it is read, as the pickle of
watchlist 0.1 could. A list with several versions is cached as a whole history, keyed by all
its digests, so that records unchanged between versions are held once (see
:func:`watchlist.lists.registry.read_versions`). A cache records the size, times and inode
of the files it was made from, and is used only while they are unchanged; otherwise, and when
it cannot be read, it is a miss: the version is parsed again from its files (and their digest
checked), never taken on trust.

Since whoever can write the store decides what is screened against, the store refuses (with a
:class:`~watchlist.errors.StoreError` naming the path and the ``chmod`` that fixes it) to
read or add to a store, or any directory or file in it, writable by its group or by others,
and refuses symbolic links inside it. It creates what it writes with such modes, whatever
the umask.

A day has one version of a list: a different file given the publication date of a stored
version is refused (the timeline could not order the two).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import importlib.metadata
import json
import os
import shlex
import shutil
import stat
import sys
import tempfile
import time
import warnings
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, TypeGuard

import attrs

from watchlist.lists import _cachefile

if sys.platform != "win32":
    import fcntl
from watchlist._rules import to_date
from watchlist.errors import (
    IncompleteListWarning,
    InputError,
    ListFormatError,
    ListNotFoundError,
    StoreError,
    StoreIntegrityError,
)
from watchlist.lists import registry
from watchlist.lists._support import combined_digest, file_digest
from watchlist.model import Coverage, ListVersion

METADATA = "version.json"
FILES = "files"
_TEMP_PREFIX = ".tmp-"
_CACHE_PREFIX = "compiled-"
_HISTORY_PREFIX = "history-"
_CACHE_SUFFIX = ".json"
_LOCK = ".lock"
_LOCK_POLL_SECONDS = 0.05


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
    fields = repr(
        [(cls.__name__, [f.name for f in attrs.fields(cls)]) for cls in _cachefile.CLASSES]
    )
    fingerprint = hashlib.sha256(fields.encode()).hexdigest()[:12]
    return f"{importlib.metadata.version('watchlist')}-{fingerprint}"


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
    #: How long :meth:`add` waits for another process adding to the store, in seconds.
    lock_timeout: float = attrs.field(default=600.0, kw_only=True)

    @classmethod
    def default(cls) -> Store:
        return cls(default_store_path())

    def lists(self) -> list[str]:
        """The ids of the lists with at least one stored version, sorted."""
        if not self.path.is_dir():
            return []
        _check_private(self.path)
        return sorted(
            child.name
            for child in self.path.iterdir()
            if child.is_dir() and not child.name.startswith(".") and self._version_dirs(child)
        )

    def versions(self, list_id: str) -> list[StoredVersion]:
        """The stored versions of ``list_id``, oldest publication first."""
        _check_private(self.path)
        _check_private(self.path / list_id, inside=True)
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

        The file must be in a format of that list (see :mod:`watchlist.lists.registry`);
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

        The files are read with :func:`~watchlist.lists.registry.read_versions`, so a long
        history (say, daily copies of the SDN) is read in seconds. Each version is written
        atomically on its own: should one fail, those before it stay recorded.

        Writers take turns: the store is locked (``STORE/.lock``) from the moment the stored
        versions are looked at until the last is written, so a second process adding to the
        store at the same time waits for the first (up to ``lock_timeout`` seconds, then a
        :class:`~watchlist.errors.StoreError`) and then sees what the first wrote: the same
        content is the stored version, a different file for the same day is refused.
        """
        incoming = [
            self._incoming(list_id, Path(file), None if day is None else to_date(day))
            for file, day in files
        ]
        with self._locked():
            return self._add_incoming(list_id, incoming, allow_empty=allow_empty)

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        """The store's writer lock, held while the block runs (an advisory ``flock``)."""
        self.path.mkdir(mode=0o700, parents=True, exist_ok=True)
        _check_private(self.path)
        lock_path = self.path / _LOCK
        _check_private(lock_path, inside=True)
        if sys.platform == "win32":  # pragma: no cover (a bank's servers run Linux)
            yield
            return
        descriptor = os.open(lock_path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        try:
            deadline = time.monotonic() + self.lock_timeout
            while True:
                try:
                    fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        msg = (
                            f"another process has been adding to the version store for over "
                            f"{self.lock_timeout:g} seconds (it holds {lock_path}); "
                            "try again when it has finished"
                        )
                        raise StoreError(msg, path=self.path) from None
                    time.sleep(_LOCK_POLL_SECONDS)
            yield
        finally:
            # Closing the descriptor releases the lock.
            os.close(descriptor)

    def _add_incoming(
        self, list_id: str, incoming: list[_Incoming], *, allow_empty: bool
    ) -> list[ListVersion]:
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
        with contextlib.closing(parsed):
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
        # Modes are explicit, whatever the umask: the store refuses to read what other users
        # could write.
        self.path.mkdir(mode=0o700, parents=True, exist_ok=True)
        _check_private(self.path)
        temporary = Path(tempfile.mkdtemp(prefix=_TEMP_PREFIX, dir=self.path))
        try:
            (temporary / FILES).mkdir(mode=0o755)
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
            existing.parent.mkdir(mode=0o755, exist_ok=True)
            _check_private(existing.parent, inside=True)
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
            self._write_cache(stored, located, _stamps(stored))
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
        stamps = _stamps(stored)
        cached = self._read_cache(stored, stamps)
        if cached is not None:
            return cached
        with warnings.catch_warnings():
            # The warning about an incomplete set was shown when the version was added.
            warnings.simplefilter("ignore", IncompleteListWarning)
            version = registry.read(
                stored.list_id, stored.main_file, published=stored.published, allow_empty=True
            )
        _check_digest(version, stored)
        located = _located(version, stored)
        if len(self._version_dirs(stored.path.parent)) == 1:
            self._write_cache(stored, located, stamps)
        return located

    def _load_history(self, list_id: str, stored: list[StoredVersion]) -> list[ListVersion]:
        """Several versions, read so that they share unchanged records, and cached together.

        Cached one by one, 300 versions of the SDN would each load their own copy of every
        entry; cached together, each shared entry is one row of the cache.
        """
        key = hashlib.sha256(
            "".join(f"{each.digest} {each.published}\n" for each in stored).encode()
        ).hexdigest()[:24]
        cache = self.path / list_id / f"{_HISTORY_PREFIX}{_cache_key()}-{key}{_CACHE_SUFFIX}"
        stamps = [_stamps(each) for each in stored]
        cached = _read_cache_file(cache, stamps)
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
            versions = []
            with contextlib.closing(parsed):
                for version, each in zip(parsed, stored, strict=True):
                    _check_digest(version, each)
                    versions.append(_located(version, each))
        # The history supersedes older histories and the caches of single versions (and the
        # pickles of watchlist 0.1, never read).
        outdated = [
            *cache.parent.glob(f"{_HISTORY_PREFIX}*"),
            *cache.parent.glob(f"*/{_CACHE_PREFIX}*"),
        ]
        for path in outdated:
            with contextlib.suppress(OSError):
                path.unlink()
        # A cache that cannot be written (read-only store) only costs a parse next time.
        with contextlib.suppress(OSError):
            _write_bytes(cache, _cachefile.encode(versions, stamps))
        return versions

    def _cache_path(self, stored: StoredVersion) -> Path:
        return stored.path / f"{_CACHE_PREFIX}{_cache_key()}{_CACHE_SUFFIX}"

    def _read_cache(self, stored: StoredVersion, stamps: list[list[int]]) -> ListVersion | None:
        cached = _read_cache_file(self._cache_path(stored), [stamps])
        if isinstance(cached, list) and len(cached) == 1 and _is_cached(cached[0], stored):
            return cached[0]
        return None

    def _write_cache(
        self, stored: StoredVersion, version: ListVersion, stamps: list[list[int]]
    ) -> None:
        data = _cachefile.encode([version], [stamps])
        for legacy in stored.path.glob(f"{_CACHE_PREFIX}*.pickle"):
            with contextlib.suppress(OSError):
                legacy.unlink()
        # A cache that cannot be written (read-only store) only costs a parse next time.
        with contextlib.suppress(OSError):
            _write_bytes(self._cache_path(stored), data)

    def _version_dirs(self, list_dir: Path) -> list[Path]:
        if not list_dir.is_dir():
            return []
        return sorted(child for child in list_dir.iterdir() if (child / METADATA).is_file())

    def _read_metadata(self, version_dir: Path) -> StoredVersion:
        path = version_dir / METADATA
        _check_private(version_dir, inside=True)
        _check_private(path, inside=True)
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            stored = StoredVersion(**raw, path=version_dir)
        except (OSError, ValueError, TypeError, InputError) as error:
            msg = f"unreadable version metadata in the store: {error}"
            raise ListFormatError(msg, path=path) from None
        _check_private(version_dir / FILES, inside=True)
        for each in stored.files:
            _check_private(version_dir / FILES / each.name, inside=True)
        return stored


def _check_private(path: Path, *, inside: bool = False) -> None:
    """Refuse a store whose lists other users could change.

    ``path`` (the store, or with ``inside`` a directory or file in it) must not be writable
    by its group or by others, and nothing inside the store may be a symbolic link (which
    would put what is screened against outside the store's permissions). An absent path
    passes: the caller finds it missing.
    """
    try:
        status = os.lstat(path) if inside else os.stat(path)
    except FileNotFoundError:
        return
    except OSError as error:
        msg = f"cannot examine this part of the version store: {error.strerror or error}"
        raise StoreError(msg, path=path) from None
    if stat.S_ISLNK(status.st_mode):
        msg = (
            "a symbolic link inside the version store; the store holds its files itself: "
            "replace the link by the file or directory it points to"
        )
        raise StoreError(msg, path=path)
    writers = [
        who
        for who, bit in (("its group", stat.S_IWGRP), ("other users", stat.S_IWOTH))
        if status.st_mode & bit
    ]
    if writers:
        msg = (
            f"the version store is writable by {' and '.join(writers)} "
            f"(mode {stat.filemode(status.st_mode)}), who could change the lists screened "
            f"against; make it private: chmod -R go-w {shlex.quote(str(path))}"
        )
        raise StoreError(msg, path=path)


def _stamps(stored: StoredVersion) -> list[list[int]]:
    """What the file system says of each stored file (size, times, inode): a cache written
    for other stamps is not used, so a file changed since is read, and its digest checked."""
    stamps = []
    for each in stored.files:
        try:
            status = os.stat(stored.path / FILES / each.name)
        except OSError:
            return []
        stamps.append([status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino])
    return stamps


def _check_digest(version: ListVersion, stored: StoredVersion) -> None:
    """Refuse a stored version whose files no longer have the digest recorded for them.

    ``version`` was just parsed from the stored files, and its reader computed the digest of
    the bytes it read, so checking costs nothing unless they differ; then each file's own
    digest says which one changed.
    """
    if version.digest == stored.digest:
        return
    for each in stored.files:
        path = stored.path / FILES / each.name
        actual = file_digest(path)
        if actual != each.sha256:
            raise StoreIntegrityError(path=path, recorded=each.sha256, actual=actual)
    # Every recorded file is intact, so the set itself changed (a companion file added).
    raise StoreIntegrityError(
        path=stored.path / FILES, recorded=stored.digest, actual=version.digest
    )


def _read_cache_file(path: Path, stamps: list[list[list[int]]]) -> object:
    """A cache file's content, or None when it is absent, unreadable or written for files
    other than those stored now (other ``stamps``)."""
    _check_private(path, inside=True)
    try:
        data = path.read_bytes()
    except OSError:
        return None
    try:
        content, cached_stamps = _cachefile.decode(data)
    except Exception:
        # Whatever makes a cache unreadable (truncation, garbage, a class renamed since),
        # it is a miss: the version is parsed again, never taken from a broken cache.
        return None
    return content if cached_stamps == stamps else None


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
        # A stored file is never written again.
        os.chmod(target, 0o444)
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
