"""Updates from the publishers: ``watchlist lists update`` and ``watchlist lists status``.

:func:`update_lists` downloads each official list from its publisher (the URLs are in
``publishers.toml`` beside this module, each with the publisher's page as its reference; a
bank's own file of the same shape overrides them, say to point at a mirror), verifies it, and
records it in the version store (:class:`~watchlist.lists.store.Store`). Nothing is stored until
every check has passed, so a failed or suspicious download never replaces the last good
version:

1. **Transport**: https only, redirects included (a configured mirror may be a local path, or
   an http URL with ``allow_http = true``); the TLS certificate is verified; a size limit per
   file (``max_bytes``), checked against ``Content-Length`` and while reading; a body shorter
   than its ``Content-Length`` is a truncated download. Each request has a timeout (per socket
   operation and for the whole body); connection errors, timeouts, truncated bodies, HTTP 5xx,
   408 and 429 are retried with exponential backoff. Proxies come from the standard variables
   (``https_proxy``, ``http_proxy``, ``no_proxy``), which urllib honours. Requests say who
   they are (:func:`user_agent`).
2. **Content**: an HTML page (a publisher's error or login page, even with status 200) is
   refused as such; the file's format is sniffed and must be the source's; the file is parsed
   by its reader (a truncated or malformed file fails there); its publication date is read
   from the file (for the OFAC CSV set, which states none, from the ``Last-Modified`` header);
   a date after tomorrow is refused.
3. **Against the store**: the same content as a stored version changes nothing (idempotent);
   a version published before the newest stored one (a stale mirror or cache) and a version
   with far fewer entries than the newest stored one (fewer than ``min_entries_ratio`` of
   them, 75% by default) are refused unless ``force``. The store itself refuses a different
   file for a day it already holds.

The store then writes the version atomically under its SHA-256 (see :mod:`watchlist.lists.store`).

Why the standard library's urllib rather than httpx or urllib3: the downloads are a handful of
plain GETs a day; urllib verifies certificates with the system's trust store, honours the
proxy variables, follows redirects through a handler we can restrict to https, and adds no
dependency (and no supply-chain exposure) to a library that banks install on screening hosts.
What it lacks (retries, a whole-body deadline, a size cap) is a few lines here.

:func:`list_status` says, per jurisdiction and list, which version screening would use today,
its age against the list's maximum age, and whether screening would fail closed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import email.utils
import enum
import functools
import importlib.metadata
import os
import ssl
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import warnings
from collections.abc import Callable, Iterable, Mapping
from email.message import Message
from http.client import HTTPException, HTTPMessage
from pathlib import Path
from time import sleep
from typing import IO, Any

import attrs

from watchlist._rules import as_of_day
from watchlist.errors import (
    IncompleteListWarning,
    ListFormatError,
    UpdateError,
    WatchlistError,
)
from watchlist.lists import registry
from watchlist.lists._toml import read_toml
from watchlist.lists.formats import curated
from watchlist.lists.jurisdictions import Jurisdiction, load_jurisdictions
from watchlist.lists.loading import JURISDICTIONS_FILE, shipped_lists_dir
from watchlist.lists.store import Store, StoredVersion
from watchlist.model import ListVersion

#: The shipped list of sources.
PUBLISHERS_FILE = Path(__file__).with_name("publishers.toml")
#: The environment variable naming a bank's own sources file (as ``--sources FILE``).
SOURCES_ENV = "WATCHLIST_SOURCES"
DEFAULT_MAX_BYTES = 256 * 1024 * 1024
DEFAULT_MIN_ENTRIES_RATIO = 0.75
DEFAULT_TIMEOUT = 60.0
DEFAULT_RETRIES = 3
DEFAULT_BACKOFF = 2.0
#: The longest wait between attempts, whatever the backoff or a ``Retry-After`` asks.
MAX_BACKOFF = 300.0
_CHUNK = 1 << 16
_MAX_REDIRECTS = 5
_HTML_STARTS = (b"<!doctype html", b"<html", b"<head", b"<body")


@functools.cache
def user_agent() -> str:
    """What requests say they are: ``watchlist/VERSION (...) Python-urllib/X.Y``.

    Worked out on first use, not at import: reading the package metadata costs more than the
    rest of this module, which every worker process imports.
    """
    return (
        f"watchlist/{importlib.metadata.version('watchlist')} (sanctions screening; list "
        f"updater) Python-urllib/{sys.version_info.major}.{sys.version_info.minor}"
    )


@attrs.frozen
class SourceFile:
    """One file of a source: the name it is stored under and where it is downloaded from."""

    name: str
    #: An https URL, an http URL (with ``allow_http``), a ``file:`` URL or a local path.
    url: str


def _source_files(values: Iterable[SourceFile]) -> tuple[SourceFile, ...]:
    return tuple(values)


@attrs.frozen
class Source:
    """Where one official list is downloaded from, and how it is checked."""

    list_id: str
    title: str
    publisher: str
    #: The publisher's page for the list: the authority on where the files are.
    reference: str
    format: registry.Format = attrs.field(converter=registry.Format)
    #: The files, the list's main file first.
    files: tuple[SourceFile, ...] = attrs.field(converter=_source_files)
    max_bytes: int = DEFAULT_MAX_BYTES
    min_entries_ratio: float = DEFAULT_MIN_ENTRIES_RATIO
    allow_http: bool = False


_SOURCE_KEYS = frozenset(
    {
        "title",
        "publisher",
        "reference",
        "format",
        "files",
        "url",
        "max_bytes",
        "min_entries_ratio",
        "allow_http",
    }
)


def load_sources(config: Path | str | None = None) -> dict[str, Source]:
    """The shipped sources, with ``config`` (a TOML file of the same shape) laid over them.

    Without ``config``, ``$WATCHLIST_SOURCES`` is used when set. A table in ``config``
    replaces the keys it gives for that list: ``url`` alone replaces the main file's URL of a
    one-file source (a mirror); ``files`` replaces them all. A table for a list the shipped
    file lacks must give ``format`` and ``files`` (or ``url``) and name an official list id.
    """
    tables = _read_tables(PUBLISHERS_FILE)
    if config is None and (configured := os.environ.get(SOURCES_ENV)):
        config = configured
    if config is not None:
        path = Path(config).expanduser()
        for list_id, table in _read_tables(path).items():
            merged = dict(tables.get(list_id, {}))
            if "url" in table and "files" not in table:
                first = (merged.get("files") or [{}])[0]
                name = first.get("name") or _name_from_url(str(table["url"]))
                merged["files"] = [{"name": name, "url": table["url"]}]
            merged.update({key: value for key, value in table.items() if key != "url"})
            tables[list_id] = merged
    return {list_id: _source(list_id, table, config) for list_id, table in tables.items()}


def shipped_source_names() -> list[str]:
    """The list ids the shipped ``publishers.toml`` has a source for."""
    return list(_read_tables(PUBLISHERS_FILE))


def _read_tables(path: Path) -> dict[str, dict[str, Any]]:
    document, _text, _digest = read_toml(path)
    tables = document.get("sources")
    if not isinstance(tables, dict):
        msg = "missing the [sources.LIST_ID] tables"
        raise ListFormatError(msg, path=path)
    for list_id, table in tables.items():
        if not isinstance(table, dict):
            msg = f"[sources.{list_id}] is not a table"
            raise ListFormatError(msg, path=path, record=list_id)
        if unknown := sorted(table.keys() - _SOURCE_KEYS):
            msg = f"unknown keys {', '.join(unknown)} (known: {', '.join(sorted(_SOURCE_KEYS))})"
            raise ListFormatError(msg, path=path, record=list_id)
    return {list_id: dict(table) for list_id, table in tables.items()}


def _source(list_id: str, table: Mapping[str, Any], config: Path | str | None) -> Source:
    where = config if config is not None else PUBLISHERS_FILE
    try:
        official = registry.official_list(list_id)
        files = [
            SourceFile(name=str(each["name"]), url=str(each["url"])) for each in table["files"]
        ]
        if not files:
            msg = "no files"
            raise ValueError(msg)
        for each in files:
            if Path(each.name).name != each.name or each.name.startswith("."):
                msg = f"a file name must be a plain name, not {each.name!r}"
                raise ValueError(msg)
        source = Source(
            list_id=list_id,
            title=str(table.get("title", official.title)),
            publisher=str(table.get("publisher", "")),
            reference=str(table.get("reference", "")),
            format=table["format"],
            files=files,
            max_bytes=int(table.get("max_bytes", DEFAULT_MAX_BYTES)),
            min_entries_ratio=float(table.get("min_entries_ratio", DEFAULT_MIN_ENTRIES_RATIO)),
            allow_http=bool(table.get("allow_http", False)),
        )
    except (KeyError, TypeError, ValueError) as error:
        detail = f"missing key {error}" if isinstance(error, KeyError) else str(error)
        msg = f"bad source {list_id!r}: {detail}"
        raise ListFormatError(msg, path=where, record=list_id) from None
    if source.format not in official.formats:
        msg = f"bad source {list_id!r}: {source.format} is not a format of {list_id}"
        raise ListFormatError(msg, path=where, record=list_id)
    if source.max_bytes <= 0 or not 0.0 <= source.min_entries_ratio <= 1.0:
        msg = f"bad source {list_id!r}: max_bytes must be positive, min_entries_ratio in [0, 1]"
        raise ListFormatError(msg, path=where, record=list_id)
    return source


def _name_from_url(url: str) -> str:
    name = Path(urllib.parse.urlsplit(url).path).name
    return name or "download"


class UpdateStatus(enum.StrEnum):
    """What an update did with one list."""

    ADDED = "added"
    UNCHANGED = "unchanged"
    REFUSED = "refused"


@attrs.frozen
class UpdateResult:
    """The outcome for one list: a new version stored, the same as stored, or refused."""

    list_id: str
    status: UpdateStatus
    #: Where the main file came from.
    url: str
    #: The version now newest in the store for this list (for a refusal, the last good one,
    #: unchanged), or None when none is stored.
    current: StoredVersion | None
    #: For ADDED and UNCHANGED: the version downloaded.
    published: dt.date | None = None
    entries: int | None = None
    digest: str | None = None
    #: For REFUSED: why, as a sentence (``error`` carries it too).
    error: UpdateError | None = None

    @property
    def ok(self) -> bool:
        return self.status is not UpdateStatus.REFUSED

    def describe(self) -> str:
        """One line for people: what was stored or refused, and what stays in use."""
        if self.status is UpdateStatus.REFUSED:
            assert self.error is not None
            kept = (
                f"; the last good version stays: published {self.current.published}, "
                f"{self.current.entries} entries, sha256:{self.current.digest}"
                if self.current is not None
                else "; no version of it is stored, so screening against it fails closed"
            )
            return f"refused: {self.error}{kept}"
        what = "added" if self.status is UpdateStatus.ADDED else "unchanged (already stored)"
        return (
            f"{what}: {self.list_id} published {self.published}, {self.entries} entries, "
            f"sha256:{self.digest} from {self.url}"
        )


@attrs.frozen
class _Options:
    timeout: float
    retries: int
    backoff: float
    force: bool


def update_lists(
    store: Store | Path | str | None = None,
    *,
    sources: Iterable[str] | None = None,
    config: Path | str | None = None,
    force: bool = False,
    timeout: float = DEFAULT_TIMEOUT,
    retries: int = DEFAULT_RETRIES,
    backoff: float = DEFAULT_BACKOFF,
) -> list[UpdateResult]:
    """Download, verify and store the official lists; one result per list, in order.

    ``store`` is a :class:`~watchlist.lists.store.Store` or its directory (default: the per-user
    store). ``sources`` names the lists to update (list ids, default: every source);
    ``config`` a sources file laid over the shipped one (see :func:`load_sources`). ``force``
    stores a version that the shrink or date checks would refuse (never one that fails
    to download, parse or verify). ``timeout`` is in seconds, per request; a failed request
    is tried again ``retries`` times, waiting ``backoff`` seconds, then twice that, and so on.

    A refused list does not stop the others: its result says why (``.error``, an
    :class:`~watchlist.errors.UpdateError`) and the store keeps its last good version. A
    store that cannot be used safely raises :class:`~watchlist.errors.StoreError`.
    """
    if not isinstance(store, Store):
        store = Store.default() if store is None else Store(store)
    if isinstance(sources, str):
        sources = [sources]
    known = load_sources(config)
    wanted = list(dict.fromkeys(known if sources is None else sources))
    if unknown := [name for name in wanted if name not in known]:
        msg = f"no source for {', '.join(unknown)}; sources: {', '.join(known)}"
        raise UpdateError(msg, list_id=unknown[0])
    if timeout <= 0 or retries < 0 or backoff < 0:
        msg = "timeout must be positive, retries and backoff at least 0"
        raise UpdateError(msg, list_id=wanted[0] if wanted else "-")
    options = _Options(timeout=timeout, retries=retries, backoff=backoff, force=force)
    return [_update_one(store, known[name], options) for name in wanted]


def _update_one(store: Store, source: Source, options: _Options) -> UpdateResult:
    stored = store.versions(source.list_id)
    newest = stored[-1] if stored else None
    main_url = source.files[0].url
    try:
        with tempfile.TemporaryDirectory(prefix="watchlist-update-") as scratch:
            directory = Path(scratch)
            fetched = [
                _fetch(source, each, directory / each.name, options) for each in source.files
            ]
            version = _verify(source, directory / source.files[0].name, fetched[0])
            if any(each.digest == version.digest for each in stored):
                return _result(store, source, UpdateStatus.UNCHANGED, version)
            if not options.force:
                _check_against(source, version, newest)
            try:
                with warnings.catch_warnings():
                    # Already said when the download was read, above.
                    warnings.simplefilter("ignore", IncompleteListWarning)
                    store.add(source.list_id, directory / source.files[0].name, version.published)
            except ListFormatError as error:
                # A different version already stored for that day, or the file changed while
                # it was copied: the store refused it and is unchanged.
                reason = error.reason
                if "a day has one version" in reason:
                    reason += (
                        " (a publisher that publishes twice in a day: the version stored first "
                        "stays in use until one dated a later day is published; screen the "
                        "newer file's additions by other means meanwhile)"
                    )
                raise UpdateError(reason, list_id=source.list_id, url=main_url) from None
            return _result(store, source, UpdateStatus.ADDED, version)
    except UpdateError as error:
        return UpdateResult(
            list_id=source.list_id,
            status=UpdateStatus.REFUSED,
            url=main_url,
            current=newest,
            error=error,
        )


def _result(
    store: Store, source: Source, status: UpdateStatus, version: ListVersion
) -> UpdateResult:
    stored = store.versions(source.list_id)
    return UpdateResult(
        list_id=source.list_id,
        status=status,
        url=source.files[0].url,
        current=stored[-1] if stored else None,
        published=version.published,
        entries=len(version.entries),
        digest=version.digest,
    )


@attrs.frozen
class _Fetched:
    """One downloaded file: where from (after redirects), and its Last-Modified date."""

    url: str
    last_modified: dt.date | None


def _verify(source: Source, main: Path, fetched: _Fetched) -> ListVersion:
    """The downloaded files parsed by their reader, or an UpdateError saying why not."""
    refuse = _refuser(source)
    try:
        with main.open("rb") as stream:
            head = stream.read(512)
    except OSError as error:
        raise refuse(f"cannot read the download: {error.strerror or error}") from None
    if head.lstrip().lower().startswith(_HTML_STARTS):
        raise refuse(
            "the server sent an HTML page, not the list file (a publisher's error, login or "
            "maintenance page); nothing was stored"
        )
    try:
        found = registry.check_format(source.list_id, main)
    except ListFormatError as error:
        raise refuse(f"not a file of this list: {error.reason}") from None
    if found is not source.format:
        raise refuse(
            f"the file is {registry.FORMATS[found].title}, but this source is configured for "
            f"{registry.FORMATS[source.format].title}"
        )
    published = None
    if not registry.FORMATS[found].dated:
        published = fetched.last_modified
        if published is None:
            raise refuse(
                f"{registry.FORMATS[found].title} states no publication date and the server "
                "sent no Last-Modified header to date it by; use a dated format of the list"
            )
    try:
        # An OFAC CSV set configured without its companion files warns here, once.
        version = registry.read(source.list_id, main, published=published)
    except ListFormatError as error:
        where = f" (line {error.line})" if error.line is not None else ""
        record = f" (record {error.record})" if error.record is not None else ""
        raise refuse(
            f"the file does not parse as {registry.FORMATS[found].title}{where}{record}: "
            f"{error.reason}"
        ) from None
    tomorrow = dt.datetime.now(dt.UTC).date() + dt.timedelta(days=1)
    if version.published > tomorrow:
        raise refuse(
            f"the file says it was published {version.published}, after tomorrow; check the "
            "source and this machine's clock"
        )
    return version


def _check_against(source: Source, version: ListVersion, newest: StoredVersion | None) -> None:
    """The shrink and date checks against the newest stored version (skipped by ``force``)."""
    if newest is None:
        return
    refuse = _refuser(source)
    if version.published < newest.published:
        raise refuse(
            f"the file was published {version.published}, before the newest stored version "
            f"({newest.published}, sha256:{newest.digest}): a stale mirror or cache? "
            "Run again with --force to record it as an older version"
        )
    floor = newest.entries * source.min_entries_ratio
    if len(version.entries) < floor:
        drop = 1 - len(version.entries) / newest.entries
        raise refuse(
            f"the file has {len(version.entries)} entries, {drop:.0%} fewer than the "
            f"{newest.entries} of the newest stored version (published {newest.published}); "
            f"a list rarely shrinks below {source.min_entries_ratio:.0%} of itself at once: "
            "check the source, then run again with --force to store it"
        )


def _refuser(source: Source) -> Callable[[str], UpdateError]:
    def refuse(reason: str) -> UpdateError:
        return UpdateError(reason, list_id=source.list_id, url=source.files[0].url)

    return refuse


# Downloading.


class _Transient(Exception):
    """A failure worth another attempt (a timeout, a dropped connection, HTTP 5xx)."""

    def __init__(self, reason: str, *, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after


class _Refused(Exception):
    """A failure that another attempt would not fix (HTTP 404, too large, not https)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _fetch(source: Source, file: SourceFile, target: Path, options: _Options) -> _Fetched:
    """Download ``file`` to ``target``, retrying what may pass; UpdateError when it fails."""
    url = file.url
    scheme = urllib.parse.urlsplit(url).scheme.lower()
    local = scheme in ("", "file") or (len(scheme) == 1 and os.name == "nt")
    attempts = options.retries + 1
    for attempt in range(attempts):
        try:
            if local:
                return _copy_local(source, url, target)
            return _download(source, url, target, options.timeout)
        except _Refused as refused:
            raise UpdateError(refused.reason, list_id=source.list_id, url=url) from None
        except _Transient as failure:
            if attempt + 1 == attempts:
                tried = f" (tried {attempts} times)" if attempts > 1 else ""
                raise UpdateError(failure.reason + tried, list_id=source.list_id, url=url) from None
            wait = options.backoff * 2**attempt
            if failure.retry_after is not None:
                wait = max(wait, failure.retry_after)
            sleep(min(wait, MAX_BACKOFF))
    raise AssertionError("unreachable")  # pragma: no cover


def _copy_local(source: Source, url: str, target: Path) -> _Fetched:
    """A configured mirror on the file system."""
    if url.lower().startswith("file:"):
        path = Path(urllib.request.url2pathname(urllib.parse.urlsplit(url).path))
    else:
        path = Path(url).expanduser()
    try:
        size = path.stat().st_size
        if not path.is_file():
            msg = f"the mirror path {path} is not a file"
            raise _Refused(msg)
        if size > source.max_bytes:
            raise _Refused(_too_large(size, source.max_bytes))
        with path.open("rb") as stream, target.open("xb") as out:
            _copy_limited(stream, out, source.max_bytes, deadline=None)
        modified = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC).date()
    except FileNotFoundError:
        msg = f"the mirror file {path} does not exist"
        raise _Refused(msg) from None
    except OSError as error:
        msg = f"cannot read the mirror file {path}: {error.strerror or error}"
        raise _Refused(msg) from None
    return _Fetched(url=str(path), last_modified=modified)


class _HttpsRedirects(urllib.request.HTTPRedirectHandler):
    """Follow redirects to https URLs only, and not too many."""

    max_redirections = _MAX_REDIRECTS

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: HTTPMessage,
        newurl: str,
    ) -> urllib.request.Request | None:
        target = urllib.parse.urljoin(req.full_url, newurl)
        if urllib.parse.urlsplit(target).scheme.lower() != "https":
            fp.close()
            reason = (
                f"the server redirected (HTTP {code}) to {target}, which is not https; a list "
                "is only downloaded over https"
            )
            raise _Refused(reason)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _opener() -> urllib.request.OpenerDirector:
    # build_opener adds a ProxyHandler reading the standard proxy variables, and an
    # HTTPSHandler with the default context: certificates verified against the system's store.
    return urllib.request.build_opener(_HttpsRedirects())


_RETRIED_STATUS = frozenset({408, 429, 500, 502, 503, 504})


def _download(source: Source, url: str, target: Path, timeout: float) -> _Fetched:
    scheme = urllib.parse.urlsplit(url).scheme.lower()
    if scheme == "http" and not source.allow_http:
        msg = (
            "not https: a list is only downloaded over https (for a mirror you trust on your "
            "own network, set allow_http = true in its [sources.ID] table)"
        )
        raise _Refused(msg)
    if scheme not in ("http", "https"):
        msg = f"unsupported URL scheme {scheme!r}: use https, or a local path for a mirror"
        raise _Refused(msg)
    request = urllib.request.Request(
        url, headers={"User-Agent": user_agent(), "Accept-Encoding": "identity"}
    )
    deadline = time.monotonic() + timeout
    try:
        with _opener().open(request, timeout=timeout) as response:
            length = response.headers.get("Content-Length")
            expected = int(length) if length and length.strip().isdigit() else None
            if expected is not None and expected > source.max_bytes:
                raise _Refused(_too_large(expected, source.max_bytes))
            with target.open("xb") as out:
                size = _copy_limited(response, out, source.max_bytes, deadline=deadline)
            if expected is not None and size < expected:
                msg = (
                    f"truncated download: the connection closed after {size} of the "
                    f"{expected} bytes announced"
                )
                with contextlib.suppress(OSError):
                    target.unlink()
                raise _Transient(msg)
            return _Fetched(
                url=response.geturl(),
                last_modified=_http_date(response.headers.get("Last-Modified")),
            )
    except urllib.error.HTTPError as error:
        error.close()
        with contextlib.suppress(OSError):
            target.unlink()
        reason = f"HTTP {error.code} {error.reason}"
        if error.code in _RETRIED_STATUS:
            raise _Transient(reason, retry_after=_retry_after(error.headers)) from None
        raise _Refused(reason) from None
    except urllib.error.URLError as error:
        with contextlib.suppress(OSError):
            target.unlink()
        cause = error.reason
        if isinstance(cause, ssl.SSLCertVerificationError):
            msg = f"the server's TLS certificate could not be verified: {cause.verify_message}"
            raise _Refused(msg) from None
        if isinstance(cause, _Refused):
            raise cause from None
        if isinstance(cause, TimeoutError):
            msg = f"timed out after {timeout:g} seconds"
            raise _Transient(msg) from None
        raise _Transient(f"cannot connect: {cause}") from None
    except TimeoutError:
        with contextlib.suppress(OSError):
            target.unlink()
        msg = f"timed out after {timeout:g} seconds"
        raise _Transient(msg) from None
    except (HTTPException, ConnectionError) as error:
        with contextlib.suppress(OSError):
            target.unlink()
        msg = f"the connection failed while downloading: {type(error).__name__} {error}".strip()
        raise _Transient(msg) from None
    except _Refused:
        with contextlib.suppress(OSError):
            target.unlink()
        raise


def _copy_limited(
    stream: IO[bytes] | Any, out: IO[bytes], limit: int, *, deadline: float | None
) -> int:
    size = 0
    # read1 returns what one read of the socket brings, so that a server trickling bytes
    # meets the deadline rather than a read that waits for the whole chunk.
    read = getattr(stream, "read1", stream.read)
    while chunk := read(_CHUNK):
        size += len(chunk)
        if size > limit:
            raise _Refused(_too_large(size, limit, at_least=True))
        if deadline is not None and time.monotonic() > deadline:
            raise TimeoutError
        out.write(chunk)
    return size


def _too_large(size: int, limit: int, *, at_least: bool = False) -> str:
    more = "over " if at_least else ""
    return (
        f"the file is {more}{size} bytes, above the limit of {limit} bytes (max_bytes); "
        "raise max_bytes for this source if the list really grew so much"
    )


def _http_date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return email.utils.parsedate_to_datetime(value).astimezone(dt.UTC).date()
    except (TypeError, ValueError):
        return None


def _retry_after(headers: Message | None) -> float | None:
    value = headers.get("Retry-After") if headers is not None else None
    if value is None:
        return None
    with contextlib.suppress(ValueError):
        return max(0.0, float(value))
    return None


# Status.


class ListState(enum.StrEnum):
    """Whether screening today could use a list."""

    CURRENT = "current"
    STALE = "stale"
    MISSING = "missing"
    NOT_COVERED = "not covered"


@attrs.frozen
class ListStatus:
    """One list a jurisdiction applies on the day: the version screening would use."""

    jurisdiction: str
    list_id: str
    state: ListState
    #: ``curated`` (a TOML file in the lists directory) or ``store``; None when missing.
    origin: str | None = None
    published: dt.date | None = None
    digest: str | None = None
    age_days: int | None = None
    max_age_days: int | None = None
    #: What to run to make screening possible, when it would fail closed.
    fix: str | None = None

    @property
    def fails_closed(self) -> bool:
        return self.state is not ListState.CURRENT


@attrs.frozen
class JurisdictionLists:
    """A jurisdiction's lists on a day, as :func:`list_status` finds them."""

    code: str
    name: str
    day: dt.date
    lists: tuple[ListStatus, ...]

    @property
    def fails_closed(self) -> bool:
        return not self.lists or any(each.fails_closed for each in self.lists)


@attrs.frozen
class _Known:
    origin: str
    newest: dt.date
    digest: str
    coverage_start: dt.date
    max_age_days: int


def list_status(
    store: Store,
    jurisdictions: Mapping[str, Jurisdiction] | None = None,
    *,
    lists_dir: Path | str | None = None,
    day: dt.date | None = None,
) -> list[JurisdictionLists]:
    """Per jurisdiction, each list it applies on ``day`` (default today) and its state.

    Read from the store's metadata and the curated files, without parsing the official
    files: it is cheap enough to run before every batch, or from a monitor.
    """
    day = as_of_day(day)
    directory = shipped_lists_dir() if lists_dir is None else Path(lists_dir)
    if jurisdictions is None:
        jurisdictions = load_jurisdictions(directory / JURISDICTIONS_FILE)
    known: dict[str, _Known] = {}
    for file in sorted(directory.glob("*.toml")):
        if file.name == JURISDICTIONS_FILE:
            continue
        version = curated.parse(file)
        known[version.info.id] = _Known(
            origin="curated",
            newest=version.published,
            digest=version.digest,
            coverage_start=version.info.coverage_start,
            max_age_days=version.info.max_age_days,
        )
    for list_id in store.lists():
        versions = store.versions(list_id)
        newest = versions[-1]
        known[list_id] = _Known(
            origin="store",
            newest=newest.published,
            digest=newest.digest,
            coverage_start=min(each.coverage_start for each in versions),
            max_age_days=newest.max_age_days,
        )
    sources = _sources_or_none()
    rows = []
    for code in sorted(jurisdictions):
        jurisdiction = jurisdictions[code]
        applied = dict.fromkeys(each.list_id for each in jurisdiction.lists_on(day))
        rows.append(
            JurisdictionLists(
                code=code,
                name=jurisdiction.name,
                day=day,
                lists=tuple(
                    _list_state(code, list_id, known.get(list_id), day, store, sources)
                    for list_id in applied
                ),
            )
        )
    return rows


def _sources_or_none() -> Mapping[str, Source]:
    try:
        return load_sources()
    except WatchlistError:
        return {}


def _list_state(
    code: str,
    list_id: str,
    known: _Known | None,
    day: dt.date,
    store: Store,
    sources: Mapping[str, Source],
) -> ListStatus:
    fetch = fix_command(list_id, store, sources)
    if known is None:
        return ListStatus(jurisdiction=code, list_id=list_id, state=ListState.MISSING, fix=fetch)
    age = (day - known.newest).days
    state = ListState.CURRENT
    fix = None
    if day < known.coverage_start:
        state = ListState.NOT_COVERED
    elif age > known.max_age_days:
        state = ListState.STALE
        fix = fetch if known.origin == "store" else None
    return ListStatus(
        jurisdiction=code,
        list_id=list_id,
        state=state,
        origin=known.origin,
        published=known.newest,
        digest=known.digest,
        age_days=age,
        max_age_days=known.max_age_days,
        fix=fix,
    )


def fix_command(
    list_id: str, store: Store | None = None, sources: Mapping[str, Source] | None = None
) -> str:
    """The command that loads ``list_id`` into a store: ``lists update`` when it has a source,
    else ``lists add``."""
    if sources is None:
        sources = _sources_or_none()
    where = f" --store {store.path}" if store is not None else ""
    if list_id in sources:
        return f"watchlist lists update --source {list_id}{where}"
    return f"watchlist lists add {list_id} FILE{where}"
