"""SVG charts for the report, as pure functions from numbers to escaped SVG text.

Group names come from evidence, so every text node and attribute is escaped here; the templates
insert the result as markup. Charts are drawn in a fixed coordinate system and scaled by CSS, so
the same numbers always give the same bytes.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

FONT = "DejaVu Sans, Helvetica, Arial, sans-serif"
INK = "#1d2939"
MUTED = "#667085"
GRID = "#e4e7ec"
POINT = "#1f3a5f"
SMALL = "#b54708"
THRESHOLD = "#b42318"
BAND = "#dcfae6"
REFERENCE = "#475467"

WIDTH = 640
LABEL_WIDTH = 150
COUNT_WIDTH = 92
ROW_HEIGHT = 22
TOP = 34
BOTTOM = 24
MAX_LABEL = 22
DASH = "\u2013"


@dataclass(frozen=True)
class Point:
    """One row: a group's value and, when bootstrapped, its interval."""

    label: str
    value: float | None
    lower: float | None = None
    upper: float | None = None
    note: str = ""
    flagged: bool = False


@dataclass(frozen=True)
class Marker:
    """A vertical line: a gate's threshold (red, dashed) or a reference such as the overall rate."""

    value: float
    label: str
    kind: str = "threshold"


@dataclass(frozen=True)
class Band:
    """The range every group must fall in for a gate to pass, shaded behind the points."""

    lower: float
    upper: float


def _num(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _clip(text: str, limit: int = MAX_LABEL) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values from at or below `low` to at or above `high` (0.10, 0.12, ...)."""
    if high <= low:
        high = low + 1.0
    raw = (high - low) / max(count - 1, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    first = math.floor(low / step + 1e-9)
    last = math.ceil(high / step - 1e-9)
    return [round(i * step, 10) for i in range(first, max(last, first + 1) + 1)]


def interval_chart(
    points: Sequence[Point],
    markers: Sequence[Marker] = (),
    band: Band | None = None,
    title: str = "",
    value_format: str = "{:.3f}",
) -> str:
    """Dot-and-whisker rows, one per group, with threshold lines and the passing band."""
    values = [v for p in points for v in (p.value, p.lower, p.upper) if v is not None]
    values += [m.value for m in markers]
    if band is not None:
        values += [band.lower, band.upper]
    if not values:
        values = [0.0, 1.0]
    span = max(values) - min(values)
    pad = span * 0.08 if span else 0.05
    low = max(0.0, min(values) - pad) if min(values) >= 0 else min(values) - pad
    ticks = nice_ticks(low, max(values) + pad)
    lo, hi = ticks[0], ticks[-1]
    plot_left, plot_right = LABEL_WIDTH, WIDTH - COUNT_WIDTH
    height = TOP + ROW_HEIGHT * max(len(points), 1) + BOTTOM

    def x(value: float) -> float:
        return plot_left + (value - lo) / (hi - lo) * (plot_right - plot_left)

    out: list[str] = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" role="img" aria-label={quoteattr(title)} '
        f'font-family={quoteattr(FONT)} font-size="11" class="chart">'
    ]
    if title:
        out.append(f"<title>{escape(title)}</title>")
    bottom = TOP + ROW_HEIGHT * max(len(points), 1)
    if band is not None:
        left, right = x(max(band.lower, lo)), x(min(band.upper, hi))
        out.append(
            f'<rect x="{left:.1f}" y="{TOP - 4}" width="{max(right - left, 0.5):.1f}" '
            f'height="{bottom - TOP + 4}" fill="{BAND}"/>'
        )
    for tick in ticks:
        tx = x(tick)
        out.append(
            f'<line x1="{tx:.1f}" y1="{TOP - 4}" x2="{tx:.1f}" y2="{bottom}" '
            f'stroke="{GRID}" stroke-width="1"/>'
        )
        out.append(
            f'<text x="{tx:.1f}" y="{bottom + 14}" text-anchor="middle" fill="{MUTED}" '
            f'font-size="10">{escape(_num(tick))}</text>'
        )
    out.append(
        f'<line x1="{plot_left}" y1="{bottom}" x2="{plot_right}" y2="{bottom}" '
        f'stroke="{MUTED}" stroke-width="1"/>'
    )
    out.extend(_markers(markers, x, bottom))
    for row, point in enumerate(points):
        out.extend(_row(point, row, x, value_format))
    out.append("</svg>")
    return "".join(out)


def _markers(markers: Sequence[Marker], x: Callable[[float], float], bottom: int) -> list[str]:
    out: list[str] = []
    for index, marker in enumerate(markers):
        mx = x(marker.value)
        threshold = marker.kind == "threshold"
        colour = THRESHOLD if threshold else REFERENCE
        dash = "5,3" if threshold else "2,2"
        out.append(
            f'<line x1="{mx:.1f}" y1="{TOP - 8}" x2="{mx:.1f}" y2="{bottom}" stroke="{colour}" '
            f'stroke-width="1.5" stroke-dasharray="{dash}"/>'
        )
        anchor = "end" if mx > WIDTH - COUNT_WIDTH - 60 else ("start" if mx < 220 else "middle")
        label = f"{marker.label} = {marker.value:.3f}" if threshold else marker.label
        out.append(
            f'<text x="{mx:.1f}" y="{TOP - 12 - 11 * (index % 2)}" text-anchor="{anchor}" '
            f'fill="{colour}" font-size="10">{escape(_clip(label, 48))}</text>'
        )
    return out


def _row(point: Point, row: int, x: Callable[[float], float], value_format: str) -> list[str]:
    cy = TOP + ROW_HEIGHT * row + ROW_HEIGHT / 2
    colour = SMALL if point.flagged else POINT
    out = [
        f'<text x="{LABEL_WIDTH - 8}" y="{cy + 4:.1f}" text-anchor="end" fill="{INK}">'
        f"{escape(_clip(point.label))}</text>"
    ]
    if point.lower is not None and point.upper is not None:
        x1, x2 = x(point.lower), x(point.upper)
        out.append(
            f'<line x1="{x1:.1f}" y1="{cy:.1f}" x2="{x2:.1f}" y2="{cy:.1f}" stroke="{colour}" '
            f'stroke-width="1.5"/>'
        )
        for end in (x1, x2):
            out.append(
                f'<line x1="{end:.1f}" y1="{cy - 5:.1f}" x2="{end:.1f}" y2="{cy + 5:.1f}" '
                f'stroke="{colour}" stroke-width="1.5"/>'
            )
    if point.value is None:
        out.append(
            f'<text x="{LABEL_WIDTH + 6}" y="{cy + 4:.1f}" fill="{MUTED}" font-style="italic">'
            "undefined</text>"
        )
    else:
        fill = "#ffffff" if point.flagged else colour
        out.append(
            f'<circle cx="{x(point.value):.1f}" cy="{cy:.1f}" r="4" fill="{fill}" '
            f'stroke="{colour}" stroke-width="1.5"/>'
        )
    value = DASH if point.value is None else value_format.format(point.value)
    note = f" {point.note}" if point.note else ""
    out.append(
        f'<text x="{WIDTH - COUNT_WIDTH + 8}" y="{cy + 4:.1f}" fill="{MUTED}" font-size="10">'
        f"{escape(_clip(value + note, 18))}</text>"
    )
    return out


@dataclass(frozen=True)
class Segment:
    label: str
    count: int
    colour: str


def stacked_bar(segments: Sequence[Segment], title: str = "") -> str:
    """One horizontal bar split by status, for the executive summary."""
    width, height, bar = 640, 30, 18
    total = sum(s.count for s in segments) or 1
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label={quoteattr(title)} '
        f'font-family={quoteattr(FONT)} font-size="10" class="chart">'
    ]
    if title:
        out.append(f"<title>{escape(title)}</title>")
    left = 0.0
    for segment in segments:
        if not segment.count:
            continue
        w = segment.count / total * width
        out.append(
            f'<rect x="{left:.1f}" y="4" width="{w:.1f}" height="{bar}" '
            f"fill={quoteattr(segment.colour)}/>"
        )
        if w > 26:
            out.append(
                f'<text x="{left + w / 2:.1f}" y="{4 + bar / 2 + 3.5:.1f}" text-anchor="middle" '
                f'fill="#ffffff" font-weight="bold">{segment.count}</text>'
            )
        left += w
    out.append("</svg>")
    return "".join(out)
