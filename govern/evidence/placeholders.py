"""What counts as a value still to be written (TODO, TBD, N/A, ...): one rule for every stage.

Importers skip placeholders rather than map them, the engine treats them as absent evidence, and
waivers and attestations that rest on one do not count; keeping the rule here, beside the evidence
models, lets all of them share it without depending on each other.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

_PLACEHOLDER = re.compile(
    r"^\s*(\[?more information needed\]?|\[?needs more information\]?|todo\b.*|tbd\b.*"
    r"|fixme\b.*|n/?a\.?|lorem ipsum.*|<[^>]*>|\.\.\.|[-?\u2013\u2014]+"
    r"|forthcoming\.?|coming soon\.?|tba\.?|to be (?:announced|added|determined|confirmed)\.?)\s*$",
    re.IGNORECASE | re.DOTALL,
)


def is_placeholder(value: Any) -> bool:
    """Text that stands in for an answer still to be written: TODO, TBD, N/A, Forthcoming, `-`,
    `...`, blank."""
    return isinstance(value, str) and _placeholder_text(value)


@lru_cache(maxsize=4096)
def _placeholder_text(value: str) -> bool:
    """Cached: every rule of every system asks about the same few hundred strings."""
    return not value.strip() or bool(_PLACEHOLDER.match(value))


def has_value(value: Any) -> bool:
    """A real answer: not None, not a placeholder, not an empty list or mapping."""
    if value is None:
        return False
    if isinstance(value, str):
        return not is_placeholder(value)
    if isinstance(value, list | dict | tuple):
        return len(value) > 0
    return True
