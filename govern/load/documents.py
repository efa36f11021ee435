"""Read YAML and JSON input files safely, keeping the line and column of every key and item.

Every later message ("FILE:LINE:COL: field: message") depends on the positions kept here, and every
report claim depends on the sha256 taken here, from the very bytes that were parsed.
"""

from __future__ import annotations

import bisect
import contextlib
import functools
import hashlib
import json
import operator
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, NamedTuple

import yaml

from govern.errors import InputError, Problem
from govern.load.containment import PathRefused, excerpt, read_regular, regular_file

FieldPath = tuple[str | int, ...]
# By the id of each mapping and list built from a YAML document: where each of its keys or
# items starts, as (line << 32) | column, 1-based. Plain numbers, kept in place of the composed
# nodes (and their marks) so a loaded document holds no more objects than its data.
YamlMarks = dict[int, dict[str | int, int]]

DEFAULT_MAX_FILE_MB = 16
# Alias expansion is bounded by node count, not depth: a "billion laughs" file has few nodes on disk
# and billions once expanded. Real evidence files stay far below this.
MAX_NODES = 200_000
# Evidence is a few levels deep; hundreds of levels only serve to exhaust the recursion of
# whatever walks the data next (validation, checks, importers), so they are refused on reading.
MAX_DEPTH = 100

_YAML_CORE_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
}

_BaseLoader: type[Any] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_STR_TAG = "tag:yaml.org,2002:str"
# The safe loader's resolver: its implicit resolvers are fixed tables, and it has no path
# resolvers (a loader with some keeps PyYAML's own methods below).
_RESOLVER = yaml.resolver.Resolver()


class _Loader(_BaseLoader):  # type: ignore[misc]
    """The safe loader, without the Python calls its parser makes on every node.

    The parser asks `resolve` for each node's implicit tag, running the resolvers' regular
    expressions over every scalar of every file, and evidence repeats itself: the same keys
    and enum values in every file and every system. The answer depends on the arguments alone,
    so it is kept, in a bounded table (lru_cache: a hit runs no Python). Around each node the
    parser also calls `descend_resolver` and `ascend_resolver`, which only track path
    resolvers: with none they return at once, so C callables that ignore their arguments stand
    in for them. Together, a third of composing a file (tests/load/test_yaml_loader.py holds
    the nodes to the safe loader's)."""

    if not _RESOLVER.yaml_path_resolvers:
        resolve = staticmethod(functools.lru_cache(maxsize=4_096)(_RESOLVER.resolve))
        descend_resolver = staticmethod(operator.is_)  # (node, index), the result ignored
        ascend_resolver = staticmethod(tuple)  # (), the result ignored


class Position(NamedTuple):
    """A line and column, 1-based. A named tuple: a pack set keeps thousands, and tuples of
    numbers are left out of the cyclic collector's passes."""

    line: int
    column: int


@dataclass(frozen=True)
class SourceDocument:
    """A parsed input file: its data, its digest, and where each field sits in the text."""

    path: Path
    display: str
    sha256: str
    size: int
    data: Any
    text: str = field(repr=False)
    format: str = "yaml"
    _yaml_positions: dict[FieldPath, Position] | None = field(default=None, repr=False)
    # Where each child of each mapping and list of `data` starts in the YAML text, by the id of
    # the container (see _YamlBuilder): positions are read from it when asked for.
    _yaml_marks: YamlMarks | None = field(default=None, repr=False, compare=False)
    # Positions as a pre-parsed pack stores them ([key path, line, column] rows): a run cites
    # few of a pack's thousands of positions, so they become `positions` only when asked for.
    _position_rows: list[Any] | None = field(default=None, repr=False, compare=False)

    @cached_property
    def positions(self) -> dict[FieldPath, Position]:
        """Every key's and item's position (importers map them all); `locate` needs none."""
        if self._yaml_positions is not None:
            return self._yaml_positions
        if self._position_rows is not None:
            return {tuple(key): Position(line, column) for key, line, column in self._position_rows}
        if self._yaml_marks is not None:
            return _yaml_positions(self.data, self._yaml_marks)
        return _json_positions(self.text)

    @cached_property
    def _walked(self) -> dict[FieldPath, tuple[Position, int]]:
        return {}

    @cached_property
    def _rows_by_depth(self) -> dict[int, list[Any]]:
        """The position rows by the length of their key path: a rule's line is looked up at
        depth one or two, so the thousands of deeper rows are never made into an index."""
        rows: dict[int, list[Any]] = {}
        for row in self._position_rows or ():
            rows.setdefault(len(row[0]), []).append(row)
        return rows

    @cached_property
    def _row_indexes(self) -> dict[int, dict[FieldPath, tuple[int, int]]]:
        return {}

    def _row_index(self, depth: int) -> dict[FieldPath, tuple[int, int]]:
        index = self._row_indexes.get(depth)
        if index is None:
            rows = self._rows_by_depth.get(depth, ())
            index = self._row_indexes[depth] = {tuple(key): (line, col) for key, line, col in rows}
        return index

    def _row_locate(self, path: FieldPath) -> Position:
        """`locate` in a pre-parsed pack's positions: the field's, else its nearest ancestor's."""
        while path:
            found = self._row_index(len(path)).get(path)
            if found is not None:
                return Position(*found)
            path = path[:-1]
        return Position(1, 1)

    @cached_property
    def _json_members(self) -> dict[int, _JsonMembers]:
        return {}

    def locate(self, field_path: FieldPath) -> Position:
        """Position of a field, or of its nearest ancestor that exists in the file.

        A file is walked only along the path asked for, and only when a result cites it: a
        fairness report runs to thousands of values, of which a run cites a handful.
        """
        path = tuple(field_path)
        if self._yaml_positions is None and "positions" not in self.__dict__:
            if self._position_rows is not None:
                return self._row_locate(path)
            if self._yaml_marks is not None:
                return _yaml_locate(self.data, path, self._yaml_marks)
            return _json_locate(self.text, path, self._walked, self._json_members)
        positions = self.positions
        while path:
            if path in positions:
                return positions[path]
            path = path[:-1]
        return Position(1, 1)

    def problem(self, field_path: FieldPath, message: str) -> Problem:
        pos = self.locate(field_path)
        return Problem(self.display, pos.line, pos.column, format_field_path(field_path), message)


def format_field_path(path: FieldPath) -> str:
    """`("datasets", 0, "licence")` -> `datasets[0].licence`."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def max_file_bytes() -> int:
    raw = os.environ.get("GOVERN_MAX_FILE_MB", str(DEFAULT_MAX_FILE_MB))
    try:
        return int(float(raw) * 1024 * 1024)
    except ValueError:
        return DEFAULT_MAX_FILE_MB * 1024 * 1024


def read_text_file(path: Path, display: str) -> tuple[bytes, str]:
    """Read a small text file, refusing what cannot be an evidence or policy document."""
    limit = max_file_bytes()
    try:
        size = regular_file(path).st_size
        if size <= limit:
            raw = read_regular(path, limit)
            size = len(raw)
    except PathRefused as exc:
        raise InputError.single(display, exc.message) from None
    if size > limit:
        raise InputError.single(
            display,
            f"file is {size / 1048576:.1f} MB, larger than the {limit / 1048576:.0f} MB limit "
            "for input documents (set GOVERN_MAX_FILE_MB to raise it)",
        )
    if not raw.strip():
        raise InputError.single(display, "file is empty")
    if b"\x00" in raw:
        raise InputError.single(
            display, "binary file (contains NUL bytes), expected YAML or JSON text"
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError.single(
            display, f"not UTF-8 text (invalid byte at offset {exc.start})", line=line, column=1
        ) from None
    return raw, text


def load_document(path: Path, display: str | None = None, fmt: str | None = None) -> SourceDocument:
    """Parse a YAML or JSON file. `fmt` is "yaml", "json", or None to decide by the file name."""
    display = display or str(path)
    raw, text = read_text_file(path, display)
    return parse_document(text, raw, path, display, fmt)


def parse_document(
    text: str, raw: bytes, path: Path, display: str, fmt: str | None = None
) -> SourceDocument:
    if fmt is None:
        suffix = path.suffix.lower()
        if suffix == ".json" or suffix == ".jsonld":
            fmt = "json"
        elif suffix in (".yaml", ".yml"):
            fmt = "yaml"
        else:
            fmt = "json" if text.lstrip()[:1] in "{[" else "yaml"
    digest = hashlib.sha256(raw).hexdigest()
    if fmt == "json":
        data = _parse_json(text, display)
        return SourceDocument(path, display, digest, len(raw), data, text, "json")
    data, marks = _parse_yaml(text, display)
    return SourceDocument(path, display, digest, len(raw), data, text, "yaml", None, marks)


# ---------------------------------------------------------------------------------------------
# YAML


class _YamlBuilder:
    """Turns composed YAML nodes into plain data, recording positions and refusing unsafe input."""

    def __init__(self, display: str) -> None:
        self.display = display
        self.problems: list[Problem] = []
        self.nodes = 0
        self.active: set[int] = set()
        self.scalars = yaml.constructor.SafeConstructor()
        self.marks: YamlMarks = {}

    def problem(self, node: yaml.Node, path: FieldPath, message: str) -> None:
        mark = node.start_mark
        self.problems.append(
            Problem(self.display, mark.line + 1, mark.column + 1, format_field_path(path), message)
        )

    def build(self, node: yaml.Node, path: FieldPath) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise _TooLarge(node)
        if len(path) > MAX_DEPTH:
            raise _TooDeep(node)
        if id(node) in self.active:
            self.problem(node, path, "recursive YAML alias")
            return None
        if node.tag not in _YAML_CORE_TAGS:
            self.problem(node, path, f"unsupported YAML tag {node.tag!r}; only plain data is read")
            return None
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node)
        self.active.add(id(node))
        try:
            if isinstance(node, yaml.SequenceNode):
                return self.sequence(node, path)
            assert isinstance(node, yaml.MappingNode)
            return self.mapping(node, path)
        finally:
            self.active.discard(id(node))

    def scalar(self, node: yaml.ScalarNode) -> Any:
        constructor = self.scalars.yaml_constructors[node.tag]
        try:
            return constructor(self.scalars, node)
        except (ValueError, OverflowError):
            # A timestamp-shaped but impossible date (2027-02-30) stays text so that the model
            # layer can say which field holds a malformed date.
            return node.value

    def sequence(self, node: yaml.SequenceNode, path: FieldPath) -> list[Any]:
        items = []
        where: dict[str | int, int] = {}
        depth = len(path) + 1
        for index, item in enumerate(node.value):
            if item.__class__ is yaml.ScalarNode and item.tag == _STR_TAG:
                # A plain string (most of a file): `build`'s limits and the safe constructor's
                # string, without their calls.
                self.nodes += 1
                if self.nodes > MAX_NODES:
                    raise _TooLarge(item)
                if depth > MAX_DEPTH:
                    raise _TooDeep(item)
                items.append(item.value)
            else:
                items.append(self.build(item, (*path, index)))
            mark = item.start_mark
            where[index] = (mark.line + 1) << 32 | (mark.column + 1)
        self.marks[id(items)] = where
        return items

    def mapping(self, node: yaml.MappingNode, path: FieldPath) -> dict[str, Any]:
        try:
            self.scalars.flatten_mapping(node)
        except yaml.constructor.ConstructorError as exc:
            self.problem(node, path, f"invalid YAML merge: {exc.problem}")
            return {}
        result: dict[str, Any] = {}
        where: dict[str | int, int] = {}
        depth = len(path) + 1
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.problem(key_node, path, "mapping keys must be plain scalars")
                continue
            key = str(key_node.value)
            if key in result:
                self.problem(key_node, (*path, key), f"duplicate key {excerpt(key)}")
                continue
            if value_node.__class__ is yaml.ScalarNode and value_node.tag == _STR_TAG:
                # A plain string (most of a file): `build`'s limits and the safe constructor's
                # string, without their calls.
                self.nodes += 1
                if self.nodes > MAX_NODES:
                    raise _TooLarge(value_node)
                if depth > MAX_DEPTH:
                    raise _TooDeep(value_node)
                result[key] = value_node.value
            else:
                result[key] = self.build(value_node, (*path, key))
            mark = key_node.start_mark
            where[key] = (mark.line + 1) << 32 | (mark.column + 1)
        self.marks[id(result)] = where
        return result


class _TooLarge(Exception):
    def __init__(self, node: yaml.Node) -> None:
        self.node = node


class _TooDeep(_TooLarge):
    pass


def _too_deep(display: str, line: int, column: int) -> InputError:
    return InputError.single(
        display,
        f"document is nested more than {MAX_DEPTH} levels deep; refusing to read it",
        line,
        column,
    )


def _pos(node: yaml.Node) -> Position:
    return Position(node.start_mark.line + 1, node.start_mark.column + 1)


def _unmark(mark: int) -> Position:
    """A position as YamlMarks keep it: `(line + 1) << 32 | (column + 1)`, packed inline by
    _YamlBuilder for each node it builds (a call per node would cost more than the packing)."""
    return Position(mark >> 32, mark & 0xFFFFFFFF)


def _parse_yaml(text: str, display: str) -> tuple[Any, YamlMarks]:
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        what = exc.problem or exc.context or "invalid YAML"
        if "nesting depth" in what:  # libyaml's own limit (1000 levels), worded as ours
            raise _too_deep(display, line, col) from None
        raise InputError.single(display, f"YAML syntax error: {what}", line, col) from None
    except yaml.YAMLError as exc:
        raise InputError.single(display, f"YAML syntax error: {exc}") from None
    if root is None:
        raise InputError.single(display, "file has no content (only comments or blank lines)")
    builder = _YamlBuilder(display)
    try:
        data = builder.build(root, ())
    except _TooDeep as exc:
        pos = _pos(exc.node)
        raise _too_deep(display, pos.line, pos.column) from None
    except _TooLarge:
        raise InputError.single(
            display,
            f"document expands to more than {MAX_NODES} nodes (YAML alias bomb?); "
            "refusing to read it",
            1,
            1,
        ) from None
    except RecursionError:
        raise InputError.single(display, "document is nested too deeply", 1, 1) from None
    if builder.problems:
        raise InputError(builder.problems)
    return data, builder.marks


def _yaml_positions(data: Any, marks: YamlMarks) -> dict[FieldPath, Position]:
    """Every key's and item's position in a YAML document the builder accepted, in document
    order (the order the builder met them)."""
    positions: dict[FieldPath, Position] = {(): Position(1, 1)}
    # Depth first, without recursion: (path, container, its children not yet visited).
    stack: list[tuple[FieldPath, Any, Iterator[tuple[str | int, Any]]]] = [
        ((), data, _children(data))
    ]
    while stack:
        path, container, children = stack[-1]
        step = next(children, None)
        if step is None:
            stack.pop()
            continue
        part, child = step
        where = marks.get(id(container))
        child_path = (*path, part)
        if where is not None and part in where and child_path not in positions:
            positions[child_path] = _unmark(where[part])
            stack.append((child_path, child, _children(child)))
    return positions


def _children(value: Any) -> Iterator[tuple[str | int, Any]]:
    if isinstance(value, dict):
        yield from value.items()
    elif isinstance(value, list):
        yield from enumerate(value)


def _yaml_locate(data: Any, path: FieldPath, marks: YamlMarks) -> Position:
    """The position of `path`, or of its nearest existing ancestor, walking only along it."""
    node, found = data, None
    for part in path:
        where = marks.get(id(node))
        if where is None or part not in where:
            break
        found = where[part]
        node = node[part]
    return Position(1, 1) if found is None else _unmark(found)


# ---------------------------------------------------------------------------------------------
# JSON


def _parse_json(text: str, display: str) -> Any:
    def no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key, value in pairs:
            if key in result:
                raise _DuplicateKey(key)
            result[key] = value
        return result

    def no_constants(name: str) -> Any:
        raise ValueError(f"{name} is not valid JSON; write null for a missing number")

    try:
        data = json.loads(text, object_pairs_hook=no_duplicates, parse_constant=no_constants)
    except (ValueError, RecursionError, _DuplicateKey) as exc:
        # Too deep a document is refused as such, whatever else is wrong with it.
        _refuse_deep_json(text, display)
        raise _json_problem(exc, text, display) from None
    # Measured on the data json built (in C) rather than by scanning the text: the scan, slower,
    # runs only to say where a document that is too deep goes too deep.
    if _nesting_exceeds(data, MAX_DEPTH):
        _refuse_deep_json(text, display)
    return data


def _json_problem(exc: Exception, text: str, display: str) -> InputError:
    if isinstance(exc, json.JSONDecodeError):
        return InputError.single(display, f"JSON syntax error: {exc.msg}", exc.lineno, exc.colno)
    if isinstance(exc, _DuplicateKey):
        line, col = _find_key(text, exc.key)
        return InputError.single(display, f"duplicate key {excerpt(exc.key)}", line, col)
    if isinstance(exc, ValueError):
        return InputError.single(display, f"JSON error: {exc}")
    return InputError.single(display, "document is nested too deeply", 1, 1)


def _refuse_deep_json(text: str, display: str) -> None:
    deep = json_too_deep(text)
    if deep is not None:
        line = text.count("\n", 0, deep) + 1
        raise _too_deep(display, line, deep - (text.rfind("\n", 0, deep) + 1) + 1)


def _nesting_exceeds(data: Any, limit: int) -> bool:
    """Whether lists and mappings nest more than `limit` deep in parsed JSON (no recursion)."""
    level: list[Any] = [data] if isinstance(data, dict | list) else []
    for _ in range(limit):
        if not level:
            return False
        level = [
            child
            for node in level
            for child in (node.values() if isinstance(node, dict) else node)
            if isinstance(child, dict | list)
        ]
    return bool(level)


_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*(?:"|\\?\Z)|[\[\]{}]', re.DOTALL)


def json_too_deep(text: str, limit: int = MAX_DEPTH) -> int | None:
    """Offset of the first bracket nested deeper than `limit` in JSON text, or None.

    Scanned without recursion before json.loads, which would otherwise recurse once per level.
    Brackets inside strings are skipped; an unterminated string ends the scan (json.loads then
    reports it).
    """
    depth = 0
    for match in _JSON_TOKEN.finditer(text):
        bracket = match.group()
        if bracket in ("[", "{"):
            depth += 1
            if depth > limit:
                return match.start()
        elif bracket in ("]", "}"):
            depth -= 1
    return None


class _DuplicateKey(Exception):
    def __init__(self, key: str) -> None:
        self.key = key


def _find_key(text: str, key: str) -> tuple[int, int]:
    needle = json.dumps(key) + ""
    hits = [m.start() for m in re.finditer(re.escape(needle) + r"\s*:", text)]
    offset = hits[1] if len(hits) > 1 else (hits[0] if hits else 0)
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


_WS = re.compile(r"[ \t\r\n]*")
_DECODER = json.JSONDecoder()
# json's C string scanner: (decoded string, offset past its closing quote) from after the quote.
_scan_string: Callable[[str, int], tuple[str, int]] = json.decoder.scanstring  # type: ignore[attr-defined]
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_OTHER = re.compile(r"[^,\]\}\s]+")


def _json_positions(text: str) -> dict[FieldPath, Position]:
    """Positions of keys and items in JSON text that json.loads already accepted."""
    line_starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def to_pos(offset: int) -> Position:
        line = bisect.bisect_right(line_starts, offset)
        return Position(line, offset - line_starts[line - 1] + 1)

    positions: dict[FieldPath, Position] = {(): Position(1, 1)}

    def skip(i: int) -> int:
        match = _WS.match(text, i)
        return match.end() if match else i

    def value(i: int, path: FieldPath) -> int:
        i = skip(i)
        char = text[i]
        if char == "{":
            i = skip(i + 1)
            if text[i] == "}":
                return i + 1
            while True:
                i = skip(i)
                match = _STRING.match(text, i)
                assert match is not None
                key = json.loads(match.group())
                positions.setdefault((*path, key), to_pos(i))
                i = skip(match.end()) + 1  # past ':'
                i = skip(value(i, (*path, key)))
                if text[i] == ",":
                    i += 1
                    continue
                return i + 1
        if char == "[":
            i = skip(i + 1)
            if text[i] == "]":
                return i + 1
            index = 0
            while True:
                i = skip(i)
                positions.setdefault((*path, index), to_pos(i))
                i = skip(value(i, (*path, index)))
                index += 1
                if text[i] == ",":
                    i += 1
                    continue
                return i + 1
        if char == '"':
            match = _STRING.match(text, i)
            assert match is not None
            return match.end()
        match = _OTHER.match(text, i)
        assert match is not None
        return match.end()

    # Positions are a convenience; the data itself was parsed by json.loads.
    with contextlib.suppress(IndexError, AssertionError, RecursionError):
        value(0, ())
    return positions


def _json_locate(
    text: str,
    path: FieldPath,
    walked: dict[FieldPath, tuple[Position, int]] | None = None,
    members: dict[int, _JsonMembers] | None = None,
) -> Position:
    """Where `path` (or its nearest existing ancestor) sits in JSON text json.loads accepted.

    Values beside the path are skipped by json's C scanner, so the cost is the text up to the
    value, not a walk of every key in the file. `walked` keeps, per path already found, its
    position and where its value starts, so paths sharing a prefix walk it once; `members` keeps
    what each container's scan met, so no sibling is skipped twice.
    """
    walked = {} if walked is None else walked
    members = {} if members is None else members
    if () not in walked:
        walked[()] = (Position(1, 1), _skip_ws(text, 0))
    depth = len(path)
    while path[:depth] not in walked:
        depth -= 1
    position, i = walked[path[:depth]]
    with contextlib.suppress(IndexError, AssertionError, ValueError):
        for end in range(depth + 1, len(path) + 1):
            found = _json_member(text, i, path[end - 1], members)
            if found is None:
                break
            at, i = found
            position = _offset_position(text, at)
            walked[path[:end]] = (position, i)
    return position


class _JsonMembers:
    """The members of one JSON container met so far (key or index -> where the member starts,
    where its value starts), the offset its scan resumes from (None: scanned to the end), and
    the offset just past it once known."""

    __slots__ = ("count", "end", "found", "opening", "resume")

    def __init__(self, text: str, start: int) -> None:
        self.opening = text[start]
        self.found: dict[str | int, tuple[int, int]] = {}
        first = _skip_ws(text, start + 1)
        empty = text[first] in "}]"
        self.resume: int | None = None if empty else first
        self.end: int | None = first + 1 if empty else None
        self.count = 0


def _json_member(
    text: str, i: int, part: str | int, members: dict[int, _JsonMembers]
) -> tuple[int, int] | None:
    """(where the key or item starts, where its value starts) of `part` in the container at i."""
    opening = text[i]
    if (opening, isinstance(part, int)) not in (("{", False), ("[", True)):
        return None
    container = members.get(i)
    if container is None:
        container = members[i] = _JsonMembers(text, i)
    while part not in container.found and container.resume is not None:
        _scan_member(text, container, members)
    return container.found.get(part)


def _scan_member(text: str, container: _JsonMembers, members: dict[int, _JsonMembers]) -> None:
    """Meet the next member of a container whose scan is not done."""
    assert container.resume is not None
    at = i = _skip_ws(text, container.resume)
    key: str | int
    if container.opening == "{":
        key, end = _scan_string(text, i + 1)
        i = _skip_ws(text, _skip_ws(text, end) + 1)  # past ':'
    else:
        key = container.count
    after = _skip_ws(text, _value_end(text, i, members))
    container.found.setdefault(key, (at, i))
    container.count += 1
    if text[after] == ",":
        container.resume = after + 1
    else:
        container.resume, container.end = None, after + 1


def _value_end(text: str, i: int, members: dict[int, _JsonMembers]) -> int:
    """The offset just past the value at i: a container already entered is scanned on from
    where it was left (no value is decoded twice), any other value decoded by json's C scanner."""
    container = members.get(i)
    if container is None:
        return _skip_value(text, i)
    while container.resume is not None:
        _scan_member(text, container, members)
    assert container.end is not None
    return container.end


def _skip_value(text: str, i: int) -> int:
    """The offset just past the JSON value starting at i (decoded by json's C scanner)."""
    return int(_DECODER.raw_decode(text, i)[1])


def _skip_ws(text: str, i: int) -> int:
    match = _WS.match(text, i)
    return match.end() if match else i


def _offset_position(text: str, offset: int) -> Position:
    line_start = text.rfind("\n", 0, offset) + 1
    return Position(text.count("\n", 0, offset) + 1, offset - line_start + 1)


def iter_field_paths(data: Any, prefix: FieldPath = ()) -> Iterator[FieldPath]:
    """Every path in a parsed document, for tools that walk it (linters, importers)."""
    yield prefix
    if isinstance(data, dict):
        for key, value in data.items():
            yield from iter_field_paths(value, (*prefix, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from iter_field_paths(value, (*prefix, index))
