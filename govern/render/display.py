"""How text from evidence, manifests and packs is shown to people: one rule for every output.

Evidence is written by whoever opens the pull request, so a value may carry characters that make a
reader see something other than what is there: Unicode bidi controls reorder the text around them
(a name that reads `txt.exe` but is `exe.txt`), and control characters (ANSI escapes, carriage
returns, line breaks) repaint or forge lines in a terminal or a CI log. Stripping them would hide
that the value is odd; so each one is shown visibly as `<U+XXXX>`, and the rest is left as it is.

Every human-facing output applies `visible` to such values: the text report (and the log summary
of `-o github`), Markdown (through `govern.render.markdown_escape`), workflow-command messages,
JUnit messages and the HTML/PDF report. Machine outputs (JSON, SARIF data fields) keep values
exactly, since their consumers compare them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from typing import Any, TypeVar

from pydantic import BaseModel

T = TypeVar("T")

# Explicit directional formatting characters (Unicode UAX #9 and the Trojan Source paper):
# embeddings and overrides U+202A-U+202E, isolates U+2066-U+2069, and the implicit marks
# LRM, RLM and the Arabic letter mark.
BIDI_CONTROLS = frozenset(
    [chr(c) for c in range(0x202A, 0x202F)]
    + [chr(c) for c in range(0x2066, 0x206A)]
    + ["\u200e", "\u200f", "\u061c"]
)

_BIDI = "".join(sorted(BIDI_CONTROLS))
# C0 and C1 controls and DEL (tab kept: it moves the cursor, nothing more), the line and
# paragraph separators some viewers break lines at, lone surrogates (no encoding can write
# them) and the bidi controls above.
_SHOWN_AS_CODE = re.compile(f"[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff{_BIDI}]")
# The same, less line feed and carriage return: for HTML, where a line break in text is a space.
_SHOWN_AS_CODE_IN_HTML = re.compile(
    f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff{_BIDI}]"
)


def code_point(char: str) -> str:
    """`<U+202E>`: how a character that must not act is shown instead."""
    return f"<U+{ord(char):04X}>"


def visible(text: str) -> str:
    """`text` with every bidi control, control character and line break shown as `<U+XXXX>`.

    The result is one line that displays in the order it is stored and cannot move the cursor,
    change colours or end a line; every other character is unchanged.
    """
    return _SHOWN_AS_CODE.sub(lambda m: code_point(m.group()), text)


def visible_in_html(text: str, *, markup: bool = False) -> str:
    """`visible`, except that line breaks stay: HTML lays them out as spaces.

    With `markup`, `text` is already HTML, so the code points are written as escaped HTML.
    """
    if markup:
        return _SHOWN_AS_CODE_IN_HTML.sub(lambda m: f"&lt;U+{ord(m.group()):04X}&gt;", text)
    return _SHOWN_AS_CODE_IN_HTML.sub(lambda m: code_point(m.group()), text)


def is_visible(text: str) -> bool:
    """True when `visible` would leave `text` unchanged."""
    return _SHOWN_AS_CODE.search(text) is None


def visible_values(value: T) -> T:
    """A copy of a record (an Assessment, say) with `visible` applied to every string in it.

    Renderers for people start from this copy, so no field, present or future, reaches the
    reader raw; the machine outputs keep using the original.
    """
    return _visible_values(value)  # type: ignore[no-any-return]


def _visible_values(value: Any) -> Any:
    """`value` with every string made visible; a record whose strings all show as they are is
    returned as it is (records are immutable), so a clean assessment is not copied field by field.
    """
    # Tested by exact type, commonest first, and strings and atoms of a record or list are
    # handled in its own loop: an assessment holds tens of thousands of values, and this walk
    # is most of what rendering it for people costs.
    kind = type(value)
    if kind is str:
        return value if is_visible(value) else visible(value)
    if kind in _ATOMS:
        return value
    if kind is list:
        items = _visible_items(value)
        return value if items is None else items
    if kind is tuple:
        items = _visible_items(value)
        return value if items is None else tuple(items)
    if kind is dict:
        pairs = [(_visible_values(k), _visible_values(v), k, v) for k, v in value.items()]
        if all(nk is k and nv is v for nk, nv, k, v in pairs):
            return value
        return {nk: nv for nk, nv, _, _ in pairs}
    if isinstance(value, BaseModel):
        changes = {}
        for name in _field_names(kind):
            old = getattr(value, name)
            old_kind = type(old)
            if old_kind in _ATOMS or (old_kind is str and is_visible(old)):
                continue
            changed = _visible_values(old)
            if changed is not old:
                changes[name] = changed
        return value.model_copy(update=changes) if changes else value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {
            f.name: changed
            for f in dataclasses.fields(value)
            if f.init and (changed := _visible_values(old := getattr(value, f.name))) is not old
        }
        return dataclasses.replace(value, **fields) if fields else value
    return value


def _visible_items(items: list[Any] | tuple[Any, ...]) -> list[Any] | None:
    """The items with every string made visible, or None when all show as they are."""
    changed_items: list[Any] | None = None
    for index, old in enumerate(items):
        kind = type(old)
        if kind in _ATOMS or (kind is str and is_visible(old)):
            continue
        changed = _visible_values(old)
        if changed is not old:
            if changed_items is None:
                changed_items = list(items)
            changed_items[index] = changed
    return changed_items


# Values with no text in them, returned as they are without further tests.
_ATOMS = frozenset({int, float, bool, type(None), dt.date, dt.datetime})
_FIELD_NAMES: dict[type[BaseModel], tuple[str, ...]] = {}


def _field_names(model: type[BaseModel]) -> tuple[str, ...]:
    names = _FIELD_NAMES.get(model)
    if names is None:
        names = _FIELD_NAMES[model] = tuple(model.model_fields)
    return names
