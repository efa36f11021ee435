"""Terminal emphasis as ANSI escapes, without click: the CLI decides whether they reach a terminal.

click.echo strips these codes when output is not a terminal, so files and pipes get plain text.
"""

from __future__ import annotations

import re

_COLOURS = {
    "red": 31,
    "green": 32,
    "yellow": 33,
    "blue": 34,
    "magenta": 35,
    "cyan": 36,
    "bright_black": 90,
}
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def style(text: str, fg: str | None = None, bold: bool = False) -> str:
    """`text` in colour `fg` and/or bold, reset afterwards (the same codes click.style writes)."""
    codes = ([str(_COLOURS[fg])] if fg else []) + (["1"] if bold else [])
    if not codes:
        return text
    return f"\x1b[{';'.join(codes)}m{text}\x1b[0m"


def unstyle(text: str) -> str:
    """`text` without ANSI styling codes."""
    return _ANSI.sub("", text)
