"""JSON documents put together from already-encoded parts, laid out as `json.dumps(indent=2)`.

Portfolio documents hold one large part per system, encoded where the system was assessed; the
parent only nests those texts, so it never decodes or re-encodes an assessment.
"""

from __future__ import annotations

import json
from typing import Any

_INDENT = "  "


def encoded(value: Any, *, sort_keys: bool = True) -> str:
    """`value` as indented JSON text, as every govern JSON output writes it."""
    return json.dumps(value, indent=2, sort_keys=sort_keys, ensure_ascii=False)


def object_text(members: list[tuple[str, str]]) -> str:
    """A JSON object from (key, encoded value) pairs, in the order given."""
    return _block("{", [f"{encoded(key)}: {value}" for key, value in members], "}")


def array_text(items: list[str]) -> str:
    """A JSON array of encoded values, in the order given."""
    return _block("[", items, "]")


def _block(opening: str, members: list[str], closing: str) -> str:
    if not members:
        return opening + closing
    # Encoded JSON has no raw line break inside a string, so every break starts a nested line.
    body = ",\n".join(_INDENT + member.replace("\n", "\n" + _INDENT) for member in members)
    return f"{opening}\n{body}\n{closing}"
