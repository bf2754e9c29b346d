"""Loading lists: the curated ``lists/`` shipped with watchlist, a directory of curated lists
with its ``jurisdictions.toml``, and the official lists' versions from a store.

A screener is built from what this module loads (:meth:`Screener.from_directory
<watchlist.screening.screener.Screener.from_directory>`); :class:`LoadedLists` is what the
other parts of :mod:`watchlist.lists` need of it (a diff between two dates, say).
"""

from __future__ import annotations

import importlib.resources
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Protocol

from watchlist.errors import ListFormatError, ListNotFoundError
from watchlist.lists import registry
from watchlist.lists.formats import curated
from watchlist.lists.jurisdictions import Jurisdiction, load_jurisdictions
from watchlist.lists.store import Store
from watchlist.lists.timeline import Timeline
from watchlist.model import ListVersion

#: The name of the file, in a lists directory, that says which lists each jurisdiction applies.
JURISDICTIONS_FILE = "jurisdictions.toml"


class LoadedLists(Protocol):
    """Lists loaded for screening: each list's timeline by id, and the jurisdictions."""

    @property
    def timelines(self) -> Mapping[str, Timeline]: ...

    @property
    def jurisdictions(self) -> Mapping[str, Jurisdiction]: ...


def shipped_lists_dir() -> Path:
    """The curated ``lists/`` shipped with watchlist.

    A wheel carries them inside the package; a source checkout (an editable install) has them
    at the top of the repository.
    """
    packaged = Path(str(importlib.resources.files("watchlist"))) / "_lists"
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parents[3] / "lists"
    if checkout.is_dir():
        return checkout
    msg = "the shipped lists are missing from this installation"
    raise ListFormatError(msg, path=packaged)


def load_directory(
    path: Path | str,
    *,
    store: Store | Path | str | None = None,
    jurisdictions: Path | str | None = None,
) -> tuple[list[ListVersion], dict[str, Jurisdiction]]:
    """Every ``*.toml`` list in ``path`` and the jurisdictions of its ``jurisdictions.toml``.

    ``store`` (a :class:`~watchlist.lists.store.Store` or its directory) adds every list
    version recorded there, such as the official lists' history. ``jurisdictions`` reads the
    jurisdictions from another file instead, say a bank's own, naming official list ids such
    as ``us-ofac-sdn``.
    """
    path = Path(path)
    if not path.is_dir():
        msg = "not a directory of lists"
        raise ListFormatError(msg, path=path)
    versions = [
        curated.parse(file)
        for file in sorted(path.glob("*.toml"))
        if file.name != JURISDICTIONS_FILE
    ]
    if store is not None:
        versions.extend((store if isinstance(store, Store) else Store(store)).load_all())
    jurisdictions_file = path / JURISDICTIONS_FILE if jurisdictions is None else jurisdictions
    return versions, load_jurisdictions(jurisdictions_file)


def is_official(list_id: str) -> bool:
    """Whether ``list_id`` is an official list, read from the version store (not a curated
    file that should be in the lists directory)."""
    try:
        registry.official_list(list_id)
    except ListFormatError:
        return False
    return True


def missing_list(
    list_id: str, loaded: Iterable[str], *, needed_by: str | None = None
) -> ListNotFoundError:
    """The error for a jurisdiction applying a list with no version loaded, naming the
    command that loads one."""
    # Imported here: the update module reads the shipped lists with this one.
    from watchlist.lists.update import fix_command

    fix = (
        f"load a version: run `{fix_command(list_id)}` and screen with --store pointing at "
        "that store (in Python: Screener.from_directory(..., store=...))"
    )
    return ListNotFoundError(list_id, loaded, needed_by=needed_by, fix=fix)
