"""Turn mapped data into a validated model, keeping whatever does not fit as unmapped."""

# A foreign file is read as it is: one odd value (a metric written as prose, a hash that is not
# SHA-256) must not make the whole file unusable, so it moves to `unmapped` with a warning instead.

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from govern.errors import InputError
from govern.load.documents import FieldPath, Position, SourceDocument, format_field_path
from govern.load.importers.interface import ImportResult
from govern.load.importers.mapping import ABSENT, Mapping, child, pointer

M = TypeVar("M", bound=BaseModel)

_MAX_REPAIRS = 500


def finish(
    mapping: Mapping,
    model: type[M],
    document: SourceDocument,
    fmt: str,
    subject: str | None = None,
) -> ImportResult:
    """Validate the mapped data, dropping (and reporting) each value our model cannot hold."""
    for _ in range(_MAX_REPAIRS):
        try:
            validated = model.model_validate(mapping.data)
        except ValidationError as exc:
            error = exc.errors(include_url=False)[0]
            _drop(mapping, tuple(error["loc"]), str(error["msg"]), error["type"], document)
            continue
        return ImportResult(
            model=validated,
            unmapped=mapping.unmapped(),
            warnings=list(dict.fromkeys(mapping.warnings)),
            origins=dict(mapping.origins),
            format=fmt,
            subject=subject,
        )
    raise InputError.single(document.display, f"could not map this {fmt} file to govern's model")


def _drop(
    mapping: Mapping, loc: tuple[Any, ...], message: str, kind: str, document: SourceDocument
) -> None:
    path = _existing(mapping.data, loc)
    if kind == "missing" or not path:
        # A required field of an item is absent: the whole item goes (its parts stay unmapped).
        path = _item_of(path or loc[:-1])
    if not path:
        raise InputError.single(
            document.display, f"cannot be read as govern's model: {message}"
        ) from None
    value = mapping.peek(path)
    sources = [src for dst, src in mapping.origins.items() if dst[: len(path)] == path]
    for src in sources:
        mapping.used.discard(src)
    where = pointer(sources[0]) if sources else format_field_path(path)
    shown = repr(value)
    if len(shown) > 60:
        shown = shown[:57] + "..."
    mapping.warn(
        f"{where}: {shown} does not fit {format_field_path(path)} ({message}); kept as unmapped"
    )
    _remove(mapping, path)


def _existing(data: Any, loc: tuple[Any, ...]) -> FieldPath:
    """The longest prefix of a pydantic location that indexes real data."""
    node = data
    path: list[str | int] = []
    for part in loc:
        found = child(node, part)
        if found is ABSENT:
            break
        node = found
        path.append(part)
    return tuple(path)


def _item_of(path: FieldPath) -> FieldPath:
    """The innermost list item containing `path` (what to drop when a required key is missing)."""
    for index in range(len(path) - 1, -1, -1):
        if isinstance(path[index], int):
            return path[: index + 1]
    return ()


def _remove(mapping: Mapping, path: FieldPath) -> None:
    parent = mapping.peek(path[:-1]) if len(path) > 1 else mapping.data
    last = path[-1]
    if isinstance(parent, list) and isinstance(last, int):
        del parent[last]
        _shift_origins(mapping, path[:-1], last)
    elif isinstance(parent, dict):
        parent.pop(str(last), None)
    for dst in [d for d in mapping.origins if d[: len(path)] == path]:
        del mapping.origins[dst]


def _shift_origins(mapping: Mapping, list_path: FieldPath, removed: int) -> None:
    depth = len(list_path)
    shifted: dict[FieldPath, FieldPath] = {}
    for dst, src in mapping.origins.items():
        if dst[:depth] == list_path and len(dst) > depth and isinstance(dst[depth], int):
            index = dst[depth]
            assert isinstance(index, int)
            if index == removed:
                continue
            if index > removed:
                dst = (*list_path, index - 1, *dst[depth + 1 :])
        shifted[dst] = src
    mapping.origins = shifted


def positions_for(result: ImportResult, document: SourceDocument) -> dict[FieldPath, Position]:
    """Positions keyed by our model's field paths, each at the source line the value came from."""
    source = document.positions
    out: dict[FieldPath, Position] = {(): Position(1, 1)}
    for dst, src in result.origins.items():
        path = src
        while path and path not in source:
            path = path[:-1]
        if path:
            out[dst] = source[path]
    return out


def import_warnings(result: ImportResult, display: str, command: str) -> list[str]:
    """What an evidence file read in a tool's format says on stderr: the importer's own warnings,
    then the fields it could not place, with the `govern COMMAND import` that lists them."""
    warnings = [f"{display}: {w}" for w in result.warnings]
    if result.unmapped:
        keys = ", ".join(list(result.unmapped)[:8])
        more = f" and {len(result.unmapped) - 8} more" if len(result.unmapped) > 8 else ""
        warnings.append(
            f"{display}: {len(result.unmapped)} {result.format} field(s) have no place in "
            f"govern's model and were not used: {keys}{more} "
            f"(`govern {command} import {display}` lists them with their values)"
        )
    return warnings
