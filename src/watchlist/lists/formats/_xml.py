"""Streaming, hardened XML reading for the official list formats.

Official lists run to tens of megabytes, so they are read as a stream, and every element is
cleared once handled. The parser is defusedxml's: a document type declaration, an entity
declaration (the "billion laughs") or an external entity is rejected before anything is
expanded, as a :class:`~watchlist.errors.ListFormatError` naming the file.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import defusedxml
import defusedxml.ElementTree

from watchlist.errors import ListFormatError


def local_name(tag: str) -> str:
    """An element's name without its ``{namespace}``."""
    return tag.rpartition("}")[2]


def iter_elements(path: Path, tags: frozenset[str]) -> Iterator[ET.Element]:
    """Each complete element whose local name is in ``tags``, in document order.

    The caller reads each element as it comes; it is cleared afterwards to keep memory flat.
    """
    try:
        events = defusedxml.ElementTree.iterparse(
            str(path), events=("end",), forbid_dtd=True, forbid_entities=True,
            forbid_external=True,
        )  # fmt: skip
        for _event, element in events:
            if local_name(element.tag) in tags:
                yield element
                element.clear()
    except defusedxml.DefusedXmlException as error:
        msg = f"unsafe XML rejected: {type(error).__name__}: {error}"
        raise ListFormatError(msg, path=path) from None
    except ET.ParseError as error:
        line, _column = error.position
        msg = f"malformed XML: {error}"
        raise ListFormatError(msg, path=path, line=line) from None
    except OSError as error:
        msg = f"cannot read list file: {error.strerror or error}"
        raise ListFormatError(msg, path=path) from None


def text_of(element: ET.Element, child: str) -> str | None:
    """The stripped text of the first direct child named ``child`` (any namespace), or None."""
    for node in element:
        if local_name(node.tag) == child:
            text = (node.text or "").strip()
            return text or None
    return None
