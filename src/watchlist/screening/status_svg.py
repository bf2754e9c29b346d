"""A :class:`~watchlist.screening.status.StatusTimeline` drawn as SVG, with the standard library.

One lane per jurisdiction, in the order asked for; in a lane one track per listed entry, its
periods as bars, each change marked where it happened and labelled, on a line of its own,
with its date, legal event and basis (the whole basis in the label's tooltip). A lane where
the query never hits says so, and which lists it was screened against. The document is built
with :mod:`xml.etree.ElementTree`, so names and bases in any script are escaped as XML needs;
no plotting library is involved.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from collections.abc import Sequence

from watchlist.screening.status import (
    JurisdictionStatus,
    ListedPeriod,
    StatusChange,
    StatusEvent,
    StatusTimeline,
)

SVG_NAMESPACE = "http://www.w3.org/2000/svg"

WIDTH = 1200
LEFT = 170
RIGHT = 30
TOP = 78
BAR_HEIGHT = 16
LABEL_HEIGHT = 15
LANE_GAP = 14
TRACK_GAP = 8
#: The mean advance of a character of the labels' 10-pixel font, in pixels: a basis longer
#: than the room beside its mark is cut (with an ellipsis); the tooltip keeps all of it.
_CHAR_WIDTH = 5.9

_FONT = "DejaVu Sans, Verdana, Arial, sans-serif"
_LIST_COLOURS = ("#b03a2e", "#1f618d", "#7d3c98", "#117a65", "#af601a", "#5d6d7e")
_MARK_COLOURS = {
    StatusEvent.DESIGNATION: "#145a32",
    StatusEvent.RELISTING: "#145a32",
    StatusEvent.LIST_APPLIED: "#145a32",
    StatusEvent.AMENDMENT: "#7e5109",
    StatusEvent.SUSPENSION: "#1b2631",
    StatusEvent.REMOVAL: "#1b2631",
    StatusEvent.EXPIRY: "#1b2631",
    StatusEvent.LIST_WITHDRAWN: "#1b2631",
}


def render_svg(timeline: StatusTimeline) -> str:
    """The picture of ``timeline`` as an SVG document (UTF-8 text with its XML declaration)."""
    ET.register_namespace("", SVG_NAMESPACE)
    scale = _Scale(timeline.start, timeline.end)
    colours = _list_colours(timeline)
    lanes = []
    y: float = TOP
    for lane in timeline.jurisdictions:
        group, lane_height = _lane(lane, timeline, scale, colours, y)
        lanes.append(group)
        y += lane_height + LANE_GAP
    height = y + 24
    svg = ET.Element(
        _tag("svg"),
        {
            "width": str(WIDTH),
            "height": str(height),
            "viewBox": f"0 0 {WIDTH} {height}",
            "font-family": _FONT,
            "font-size": "11",
        },
    )
    _sub(svg, "title").text = _title(timeline)
    _sub(svg, "rect", x=0, y=0, width=WIDTH, height=height, fill="white")
    _text(svg, LEFT, 22, _title(timeline), size=15, weight="bold")
    _text(
        svg,
        LEFT,
        40,
        f"threshold {timeline.threshold:.2f}, scorer {timeline.scorer}; bars: in force and "
        "matching; marks: changes, each with its legal basis (hover for the whole text)",
        size=11,
        fill="#444",
    )
    _axis(svg, scale, y - LANE_GAP)
    for group in lanes:
        svg.append(group)
    _text(
        svg,
        LEFT,
        height - 8,
        "Lists used: "
        + ", ".join(
            f"{use.list_id} {use.published.isoformat()} ({use.coverage})"
            for use in timeline.lists_used
        ),
        size=9,
        fill="#666",
    )
    body = ET.tostring(svg, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{body}\n'


class _Scale:
    """Days of the range to x positions: the range's first day at ``LEFT``, the day after its
    last at the right edge."""

    def __init__(self, first: dt.date, last: dt.date) -> None:
        self.first = first
        self.stop = last + dt.timedelta(days=1)
        self.days = (self.stop - first).days

    def x(self, day: dt.date) -> float:
        clipped = min(max(day, self.first), self.stop)
        return round(LEFT + (WIDTH - LEFT - RIGHT) * (clipped - self.first).days / self.days, 1)


def _title(timeline: StatusTimeline) -> str:
    return (
        f"{timeline.query.name!r}: status by jurisdiction, "
        f"{timeline.start.isoformat()} to {timeline.end.isoformat()}"
    )


def _list_colours(timeline: StatusTimeline) -> dict[str, str]:
    lists = dict.fromkeys(
        period.list_id for lane in timeline.jurisdictions for period in lane.periods
    )
    return {list_id: _LIST_COLOURS[k % len(_LIST_COLOURS)] for k, list_id in enumerate(lists)}


def _axis(svg: ET.Element, scale: _Scale, bottom: float) -> None:
    group = _sub(svg, "g", **{"class": "axis"})
    years = range(scale.first.year, scale.stop.year + 1)
    step = next(s for s in (1, 2, 5, 10, 20, 50, 100) if len(years) / s <= 16)
    for year in years:
        day = dt.date(year, 1, 1)
        if year % step or not scale.first <= day < scale.stop:
            continue
        x = scale.x(day)
        _sub(group, "line", x1=x, y1=TOP - 14, x2=x, y2=bottom, stroke="#ddd")
        _text(group, x, TOP - 18, str(year), size=10, fill="#555", anchor="middle")


def _lane(
    lane: JurisdictionStatus,
    timeline: StatusTimeline,
    scale: _Scale,
    colours: dict[str, str],
    top: float,
) -> tuple[ET.Element, float]:
    group = ET.Element(
        _tag("g"), {"class": "lane", "data-jurisdiction": lane.code, "id": f"lane-{lane.code}"}
    )
    tracks = _tracks(lane.periods)
    rows = []
    y = top + 6
    for periods in tracks:
        labels = _labels(periods, lane.changes, timeline.start)
        rows.append((y, periods, labels))
        y += BAR_HEIGHT + 4 + LABEL_HEIGHT * len(labels) + TRACK_GAP
    if not tracks:
        y += BAR_HEIGHT + 4 + TRACK_GAP
    height = y - top
    _sub(
        group,
        "rect",
        x=4,
        y=top,
        width=WIDTH - 8,
        height=height,
        fill="#f7f7f7",
        stroke="#ccc",
        rx=3,
    )
    _text(group, 12, top + 18, lane.code, size=16, weight="bold")
    _text(group, 12, top + 33, lane.name, size=9, fill="#555")
    if not tracks:
        _text(
            group,
            LEFT,
            top + 6 + BAR_HEIGHT - 3,
            f"no hit from {timeline.start.isoformat()} to {timeline.end.isoformat()} on the "
            "lists this jurisdiction applies",
            size=11,
            fill="#555",
            style="italic",
        )
    for track_y, periods, labels in rows:
        _track(group, scale, colours, track_y, periods, labels)
    return group, height


def _tracks(periods: Sequence[ListedPeriod]) -> list[list[ListedPeriod]]:
    """One track per listed entry (list and entry id), in the order they first hit."""
    tracks: dict[tuple[str, str], list[ListedPeriod]] = {}
    for period in periods:
        tracks.setdefault((period.list_id, period.entry_id), []).append(period)
    return list(tracks.values())


def _labels(
    periods: Sequence[ListedPeriod], changes: Sequence[StatusChange], first: dt.date
) -> list[tuple[dt.date, StatusEvent, str, str]]:
    """The labelled marks of one track: the changes of its entry in the range, and for a
    period that opened before the range, what it has been in force on since."""
    list_id, entry_id = periods[0].list_id, periods[0].entry_id
    labels = [
        (
            period.opened.day,
            period.opened.event,
            f"since {period.opened.day.isoformat()} ({period.opened.event})",
            period.opened.basis,
        )
        for period in periods
        if period.opened.day < first
    ]
    labels.extend(
        (change.day, change.event, f"{change.day.isoformat()} {change.event}", change.basis)
        for change in changes
        if change.list_id == list_id and change.entry_id == entry_id
    )
    return labels


def _track(
    group: ET.Element,
    scale: _Scale,
    colours: dict[str, str],
    y: float,
    periods: Sequence[ListedPeriod],
    labels: Sequence[tuple[dt.date, StatusEvent, str, str]],
) -> None:
    track = _sub(
        group,
        "g",
        **{"class": "track", "data-list": periods[0].list_id, "data-entry": periods[0].entry_id},
    )
    colour = colours[periods[0].list_id]
    for period in periods:
        x1 = scale.x(period.start)
        x2 = scale.x(period.end) if period.end is not None else scale.x(scale.stop)
        bar = _sub(
            track,
            "rect",
            x=x1,
            y=y,
            width=max(x2 - x1, 1.0),
            height=BAR_HEIGHT,
            fill=colour,
            rx=2,
            **{"class": "period"},
        )
        until = period.end.isoformat() if period.end is not None else "open"
        _sub(bar, "title").text = (
            f"{period.list_id} / {period.entry_id} ({period.entry.primary_name.value}): "
            f"in force from {period.start.isoformat()} until {until}; matched "
            f"{period.match.name.value!r} at {period.score:.2f}; designation: "
            f"{period.designation.basis}"
        )
    first = periods[0]
    caption = f"{first.list_id} / {first.entry_id}: {first.entry.primary_name.value}"
    _text(
        track,
        scale.x(first.start) + 5,
        y + BAR_HEIGHT - 4,
        caption,
        size=10,
        fill="white",
        weight="bold",
    )
    middle = (LEFT + WIDTH - RIGHT) / 2
    for row, (day, event, head, basis) in enumerate(labels):
        x = scale.x(day)
        label_y = y + BAR_HEIGHT + 4 + LABEL_HEIGHT * (row + 1) - 4
        mark = _MARK_COLOURS[event]
        _sub(
            track,
            "line",
            x1=x,
            y1=y - 3,
            x2=x,
            y2=label_y - 9,
            stroke=mark,
            **{"stroke-width": "1.5", "class": "change", "data-event": str(event)},
        )
        _sub(
            track,
            "path",
            d=f"M {x} {y - 7} l 4 4 l -4 4 l -4 -4 z",
            fill=mark,
        )
        anchor = "start" if x <= middle else "end"
        room = (WIDTH - RIGHT - x if anchor == "start" else x - 8) / _CHAR_WIDTH - len(head) - 2
        short = _shortened(basis, max(int(room), 20))
        label = _text(
            track,
            x + (3 if anchor == "start" else -3),
            label_y,
            "",
            size=10,
            anchor=anchor,
        )
        # Keeps the space between the two spans, which renderers otherwise collapse.
        label.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        head_span = _sub(label, "tspan", **{"font-weight": "bold", "fill": mark})
        head_span.text = f"{head}: "
        _sub(label, "tspan", fill="#222").text = short
        _sub(label, "title").text = f"{head}: {basis}"


def _shortened(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:(") + "…"


def _tag(name: str) -> str:
    return f"{{{SVG_NAMESPACE}}}{name}"


def _sub(parent: ET.Element, name: str, **attributes: object) -> ET.Element:
    return ET.SubElement(parent, _tag(name), {key: str(value) for key, value in attributes.items()})


def _text(
    parent: ET.Element,
    x: float,
    y: float,
    text: str,
    *,
    size: int,
    fill: str = "#111",
    weight: str | None = None,
    anchor: str = "start",
    style: str | None = None,
) -> ET.Element:
    attributes: dict[str, object] = {"x": x, "y": y, "font-size": size, "fill": fill}
    if weight:
        attributes["font-weight"] = weight
    if anchor != "start":
        attributes["text-anchor"] = anchor
    if style:
        attributes["font-style"] = style
    element = _sub(parent, "text", **attributes)
    if text:
        element.text = text
    return element
