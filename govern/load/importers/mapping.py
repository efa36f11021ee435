"""Build our model's data from a foreign document while recording what was used and from where."""

# Importers only say which source value goes to which of our fields; what was left over (the
# `unmapped` list every import reports) is computed here from what they used, so a field an importer
# forgets is reported rather than silently dropped.

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from govern.evidence.placeholders import has_value as is_present
from govern.load.documents import FieldPath

ABSENT: Any = object()  # what `child` returns for a step that is not there


class Mapping:
    """Our model's data under construction, with the source path of every value placed in it."""

    def __init__(self, source: Any) -> None:
        self.source = source
        self.data: dict[str, Any] = {}
        self.origins: dict[FieldPath, FieldPath] = {}
        self.used: set[FieldPath] = set()
        self.opened: set[FieldPath] = set()
        self.warnings: list[str] = []

    # ----------------------------------------------------------------------------------------
    # Reading the source

    def get(self, src: FieldPath, default: Any = None) -> Any:
        """The source value at `src`, or `default` when any step is absent."""
        node = self.source
        for part in src:
            node = child(node, part)
            if node is ABSENT:
                return default
        return node

    def use(self, *sources: FieldPath) -> None:
        """Mark source values as accounted for (mapped, or structure that carries no content)."""
        self.used.update(sources)

    def open(self, *containers: FieldPath) -> None:
        """List what is unmapped inside these containers item by item, never as one block."""
        self.opened.update(containers)

    # ----------------------------------------------------------------------------------------
    # Writing our data

    def set(self, dst: FieldPath, value: Any, src: FieldPath | None, *, use: bool = True) -> bool:
        """Place a value unless it is absent or a placeholder; True when it was placed."""
        if not _meaningful(value):
            if src is not None and use and value is not None:
                self.used.add(src)  # a placeholder carries nothing to keep
            return False
        parent = self._container(dst[:-1])
        parent[str(dst[-1])] = value
        if src is not None:
            self.origins.setdefault(dst, src)
            if use:
                self.used.add(src)
        return True

    def set_default(self, dst: FieldPath, value: Any, src: FieldPath | None) -> bool:
        """Like `set`, but keep a value another source already placed there.

        A second source saying the same thing is accounted for; one saying something else stays
        unmapped, so the difference is visible.
        """
        current = self.peek(dst)
        if current is not None:
            if src is not None and current == value:
                self.used.add(src)
            return False
        return self.set(dst, value, src)

    def append(self, dst: FieldPath, value: Any, src: FieldPath | None, *, use: bool = True) -> int:
        """Append to the list at `dst`; returns the new item's index, or -1 if nothing was added."""
        if not _meaningful(value):
            if src is not None and use and value is not None:
                self.used.add(src)
            return -1
        items = self._container(dst[:-1]).setdefault(str(dst[-1]), [])
        items.append(value)
        index = len(items) - 1
        if src is not None:
            self.origins.setdefault((*dst, index), src)
            self.origins.setdefault(dst, src)
            if use:
                self.used.add(src)
        return index

    def origin(self, dst: FieldPath, src: FieldPath) -> None:
        self.origins.setdefault(dst, src)

    def peek(self, dst: FieldPath) -> Any:
        node: Any = self.data
        for part in dst:
            node = child(node, part)
            if node is ABSENT:
                return None
        return node

    def warn(self, message: str) -> None:
        self.warnings.append(message)

    def _container(self, path: FieldPath) -> dict[str, Any]:
        node: Any = self.data
        for part in path:
            node = node[part] if isinstance(part, int) else node.setdefault(part, {})
        if not isinstance(node, dict):
            raise TypeError(f"cannot set a field inside {path!r}: it is not a mapping")
        return node

    # ----------------------------------------------------------------------------------------
    # What is left

    def unmapped(self) -> dict[str, Any]:
        """Every source value no importer used, by JSON pointer, as large a piece as possible."""
        prefixes: set[FieldPath] = set(self.opened)
        for path in self.used | self.opened:
            prefixes.update(path[:i] for i in range(len(path)))
        out: dict[str, Any] = {}

        def walk(node: Any, path: FieldPath) -> None:
            if path in self.used:
                return
            if path not in prefixes:
                if _meaningful(node):
                    out[pointer(path)] = node
                return
            if isinstance(node, dict):
                for key, value in node.items():
                    walk(value, (*path, key))
            elif isinstance(node, list):
                for index, value in enumerate(node):
                    walk(value, (*path, index))

        walk(self.source, ())
        return out


def child(node: Any, part: str | int) -> Any:
    """`node[part]` when it exists, else a sentinel (never an exception)."""
    if isinstance(node, dict) and isinstance(part, str) and part in node:
        return node[part]
    if isinstance(node, list) and type(part) is int and 0 <= part < len(node):
        return node[part]
    return ABSENT


def pointer(path: FieldPath) -> str:
    """A JSON pointer (RFC 6901) for a source path."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in path) or "/"


def _meaningful(value: Any) -> bool:
    if value is None:
        return False
    if isinstance(value, str):
        return is_present(value)
    if isinstance(value, list | dict | tuple):
        return any(_meaningful(v) for v in (value.values() if isinstance(value, dict) else value))
    return True


# ---------------------------------------------------------------------------------------------
# Value helpers shared by the formats


def text(value: Any) -> str | None:
    """A trimmed string, or None for absent values and template placeholders."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return str(value)
    if not isinstance(value, str):
        return None
    value = value.strip()
    return value if is_present(value) else None


def texts(value: Any) -> list[str]:
    """A list of present strings from a string or a list of strings."""
    items = value if isinstance(value, list) else [value]
    return [t for item in items if (t := text(item)) is not None]


def number(value: Any) -> float | None:
    """A finite number from a number or a numeric string ("0.9", "85%" is not a number here)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        result = float(value)
    elif isinstance(value, str):
        try:
            result = float(value.strip())
        except ValueError:
            return None
    else:
        return None
    return result if result == result and result not in (float("inf"), float("-inf")) else None


def integer(value: Any) -> int | None:
    result = number(value)
    if result is None or result != int(result):
        return None
    return int(result)


_DATE = re.compile(r"^\s*(\d{4})[-/](\d{1,2})[-/](\d{1,2})")


def date(value: Any) -> dt.date | None:
    """A calendar date from a date, a date-time, or a YYYY-MM-DD / YYYY/MM/DD string."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        return None
    match = _DATE.match(value)
    if not match:
        return None
    try:
        return dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None


def slug(value: str) -> str:
    """An id usable as a dataset id: lower case, digits, dots, dashes and underscores."""
    cleaned = re.sub(r"[^a-z0-9._-]+", "-", value.strip().lower()).strip("-._")
    return cleaned or "dataset"


_ROLE_WORDS = (
    ("validation", ("valid", "dev")),
    ("testing", ("test", "eval", "benchmark")),
    ("fine_tuning", ("fine-tun", "finetun", "fine_tun")),
    ("retrieval", ("retriev", "rag")),
    ("training", ("train",)),
)


def guess_role(*hints: str | None) -> str | None:
    """The dataset role a name or description states, if it states one."""
    joined = " ".join(h.lower() for h in hints if h)
    for role, words in _ROLE_WORDS:
        if any(word in joined for word in words):
            return role
    return None
