"""Hostile and broken XML: the UN and EU readers refuse it before expanding anything."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from watchlist.errors import ListFormatError
from watchlist.lists.formats import eu_xml, un_xml
from watchlist.model import ListVersion

Reader = Callable[..., ListVersion]
READERS = [
    pytest.param(un_xml.parse, "CONSOLIDATED_LIST", id="un_xml"),
    pytest.param(eu_xml.parse, "export", id="eu_xml"),
]

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE {root} [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<{root} dateGenerated="2020-01-01" generationDate="2020-01-01T00:00:00">&lol9;</{root}>
"""

EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE {root} [ <!ENTITY secret SYSTEM "file://{target}"> ]>
<{root} dateGenerated="2020-01-01" generationDate="2020-01-01T00:00:00">&secret;</{root}>
"""


@pytest.mark.parametrize(("reader", "root"), READERS)
def test_billion_laughs_is_rejected(tmp_path: Path, reader: Reader, root: str) -> None:
    path = tmp_path / "laughs.xml"
    path.write_text(BILLION_LAUGHS.format(root=root), encoding="utf-8")
    with pytest.raises(ListFormatError, match="unsafe XML rejected") as caught:
        reader(path)
    assert caught.value.path == path


@pytest.mark.parametrize(("reader", "root"), READERS)
def test_external_entity_is_rejected(tmp_path: Path, reader: Reader, root: str) -> None:
    target = tmp_path / "secret.txt"
    target.write_text("do not read me", encoding="utf-8")
    path = tmp_path / "external.xml"
    path.write_text(EXTERNAL_ENTITY.format(root=root, target=target), encoding="utf-8")
    with pytest.raises(ListFormatError, match="unsafe XML rejected") as caught:
        reader(path)
    assert "do not read me" not in str(caught.value)


@pytest.mark.parametrize(("reader", "root"), READERS)
def test_malformed_xml_names_its_line(tmp_path: Path, reader: Reader, root: str) -> None:
    path = tmp_path / "malformed.xml"
    path.write_text(
        f'<?xml version="1.0"?>\n<{root} dateGenerated="2020-01-01">\n  <a>\n  </b>\n</{root}>\n',
        encoding="utf-8",
    )
    with pytest.raises(ListFormatError, match="malformed XML") as caught:
        reader(path)
    assert caught.value.line == 4


@pytest.mark.parametrize(("reader", "root"), READERS)
def test_truncated_xml_names_its_line(tmp_path: Path, reader: Reader, root: str) -> None:
    path = tmp_path / "truncated.xml"
    path.write_text(f'<?xml version="1.0"?>\n<{root} dateGenerated="2020-01-01">\n  <a>te', "utf-8")
    with pytest.raises(ListFormatError, match="malformed XML") as caught:
        reader(path)
    assert caught.value.line == 3


@pytest.mark.parametrize(("reader", "root"), READERS)
def test_empty_file_is_malformed(tmp_path: Path, reader: Reader, root: str) -> None:
    path = tmp_path / f"{root}.xml"
    path.write_bytes(b"")
    with pytest.raises(ListFormatError, match="malformed XML"):
        reader(path)
