"""Check that a foreign file has the structure its format prescribes before mapping it."""

# A value of the wrong kind where the format puts a section or a list (`"modelCard": "x"`,
# `"@graph": {}`) means the file is not what it claims to be: it is reported at its line as bad
# input, never mapped by guesswork. A wrong value inside a well-formed section (a metric written as
# prose) is a different matter: importers keep it as unmapped, with a warning.

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from govern.errors import InputError
from govern.load.containment import excerpt
from govern.load.documents import FieldPath, SourceDocument

# (path pattern, expected kind): dot-separated keys, `*` for every item of a list.
Rule = tuple[str, type | tuple[type, ...]]

_KIND_NAMES = {
    dict: "an object",
    list: "a list",
    str: "a string",
    int: "an integer",
    float: "a number",
    bool: "true or false",
}


def check_shape(document: SourceDocument, rules: tuple[Rule, ...], base: FieldPath = ()) -> None:
    """Raise one InputError naming every value (at its line) whose kind breaks a rule."""
    problems = []
    for pattern, expected in rules:
        for path, value in _matches(_at(document.data, base), base, pattern.split(".")):
            if value is None or _fits(value, expected):
                continue
            problems.append(
                document.problem(path, f"expected {_names(expected)}, found {_kind(value)}")
            )
    if problems:
        raise InputError(problems)


def _at(data: Any, base: FieldPath) -> Any:
    node = data
    for part in base:
        if isinstance(node, dict) and isinstance(part, str):
            node = node.get(part)
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        else:
            return None
    return node


def _matches(node: Any, path: FieldPath, parts: list[str]) -> Iterator[tuple[FieldPath, Any]]:
    if not parts:
        yield path, node
        return
    head, rest = parts[0], parts[1:]
    if head == "*":
        if isinstance(node, list):
            for index, item in enumerate(node):
                yield from _matches(item, (*path, index), rest)
    elif isinstance(node, dict) and head in node:
        yield from _matches(node[head], (*path, head), rest)


def _fits(value: Any, expected: type | tuple[type, ...]) -> bool:
    kinds = expected if isinstance(expected, tuple) else (expected,)
    if isinstance(value, bool):
        return bool in kinds
    if isinstance(value, int) and float in kinds:
        return True
    return isinstance(value, kinds)


def _names(expected: type | tuple[type, ...]) -> str:
    kinds = expected if isinstance(expected, tuple) else (expected,)
    return " or ".join(_KIND_NAMES.get(kind, kind.__name__) for kind in kinds)


def _kind(value: Any) -> str:
    if isinstance(value, str):
        return f"the string {excerpt(value, 30)}"
    if isinstance(value, bool):
        return f"{str(value).lower()}"
    if isinstance(value, int | float):
        return f"the number {value}"
    return _KIND_NAMES.get(type(value), type(value).__name__)
