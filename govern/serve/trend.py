"""The portfolio's failure trend: a small inline SVG of failures over the last runs, no script.

Only numbers go into the drawing; the accessible name spells the series out in words, so a
screen reader (or a printout in black and white) gets the same facts as the picture.
"""

from __future__ import annotations

from collections.abc import Sequence
from xml.sax.saxutils import quoteattr

from markupsafe import Markup

from govern.serve.portfolio import TrendPoint

WIDTH, HEIGHT, PAD = 96, 28, 4
LINE = "#1f3a5f"
FAIL = "#b42318"
GOOD = "#067647"


def describe(points: Sequence[TrendPoint]) -> str:
    if not points:
        return "no runs"
    series = ", ".join(f"run {p.run_id}: {p.failures}" for p in points)
    return f"Failures over the last {len(points)} run(s): {series}"


def sparkline(points: Sequence[TrendPoint]) -> Markup:
    """Failures per run, oldest left; each run a dot, red when its verdict was fail."""
    label = describe(points)
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" role="img" aria-label={quoteattr(label)} '
        'class="trend" focusable="false">'
    )
    if not points:
        return Markup(head + "</svg>")  # noqa: S704 - numbers and an escaped label only
    top = max(p.failures for p in points) or 1
    step = (WIDTH - 2 * PAD) / max(len(points) - 1, 1)
    xy = [
        (PAD + i * step, HEIGHT - PAD - p.failures / top * (HEIGHT - 2 * PAD))
        for i, p in enumerate(points)
    ]
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in xy)
    parts = [head, f'<polyline points="{path}" fill="none" stroke="{LINE}" stroke-width="1.5"/>']
    for (x, y), point in zip(xy, points, strict=True):
        colour = FAIL if point.verdict == "fail" else GOOD
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" fill="{colour}"/>')
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - numbers and an escaped label only
