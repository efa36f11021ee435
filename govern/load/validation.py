"""Validate a parsed document against a model and report every problem at its line and column."""

from __future__ import annotations

import difflib
import types
import typing
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from govern.errors import InputError, Problem
from govern.load.containment import excerpt
from govern.load.documents import FieldPath, SourceDocument

M = TypeVar("M", bound=BaseModel)


def load_validate(
    model: type[M], document: SourceDocument, data: Any = None, prefix: FieldPath = ()
) -> M:
    """Build `model` from a document (or from `data` found at `prefix` inside it)."""
    payload = document.data if data is None else data
    if not isinstance(payload, dict):
        kind = type(payload).__name__ if payload is not None else "nothing"
        raise InputError([document.problem(prefix, f"expected a mapping of fields, found {kind}")])
    if payload and not set(map(str, payload)) & set(_field_names(model)):
        # A file of another kind entirely (a config file, /etc/shadow): its keys are its
        # content, so none is quoted back.
        raise InputError(
            [
                document.problem(
                    prefix,
                    f"not a {_kind_name(model)}: none of its {len(payload)} keys is a field of "
                    "one (keys not shown)",
                )
            ]
        )
    try:
        return model.model_validate(payload)
    except ValidationError as exc:
        raise InputError(problems_from(exc, model, document, payload, prefix)) from None


def _field_names(model: type[BaseModel]) -> set[str]:
    names = set(model.model_fields)
    names.update(f.alias for f in model.model_fields.values() if f.alias)
    return names


def _kind_name(model: type[BaseModel]) -> str:
    """ModelCard -> "model card", for messages about a whole file."""
    words = "".join(f" {c.lower()}" if c.isupper() else c for c in model.__name__).strip()
    return words


def problems_from(
    exc: ValidationError,
    model: type[BaseModel],
    document: SourceDocument,
    payload: Any,
    prefix: FieldPath = (),
) -> list[Problem]:
    problems = []
    for error in exc.errors(include_url=False):
        path = _data_path(payload, error["loc"], error["type"])
        message = _message(error, model, path)
        problems.append(document.problem((*prefix, *path), message))
    return problems


def _data_path(payload: Any, loc: tuple[Any, ...], kind: str) -> FieldPath:
    """Keep the parts of pydantic's location that index real data (drop union member tags)."""
    path: list[str | int] = []
    node = payload
    for index, part in enumerate(loc):
        last = index == len(loc) - 1
        child = _child(node, part)
        if child is not _ABSENT:
            path.append(part)
            node = child
        elif last and kind in ("missing", "extra_forbidden") and isinstance(part, str):
            path.append(part)
    return tuple(path)


_ABSENT = object()


def _child(node: Any, part: Any) -> Any:
    if isinstance(node, dict) and isinstance(part, str):
        return node.get(part, _ABSENT)
    if isinstance(node, list) and type(part) is int and 0 <= part < len(node):
        return node[part]
    return _ABSENT


def _message(error: Any, model: type[BaseModel], path: FieldPath) -> str:
    kind = error["type"]
    if kind == "extra_forbidden":
        key = str(path[-1]) if path else "?"
        allowed = _fields_at(model, path[:-1])
        hint = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
        suggestion = f" (did you mean {hint[0]!r}?)" if hint else ""
        known = f"; known fields: {', '.join(sorted(allowed))}" if allowed and not hint else ""
        return f"unknown field {excerpt(key)}{suggestion}{known}"
    if kind == "missing":
        return "required field is missing"
    shown = excerpt(error.get("input"))
    message = str(error["msg"])
    if kind.startswith(("value_error", "assertion_error")):
        return message.removeprefix("Value error, ")
    return f"{message} (found {shown})"


def _fields_at(model: type[BaseModel], path: FieldPath) -> list[str]:
    """Field names of the model reached by following `path` (for 'did you mean' hints)."""
    current: Any = model
    for part in path:
        if isinstance(part, int):
            continue
        model_cls = _model_in(current)
        if model_cls is None or part not in model_cls.model_fields:
            return []
        current = model_cls.model_fields[part].annotation
    model_cls = _model_in(current)
    return list(model_cls.model_fields) if model_cls else []


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _model_in(typing.get_args(annotation)[0])
    if origin in (list, tuple, dict, typing.Union, types.UnionType):
        for arg in reversed(typing.get_args(annotation)):
            found = _model_in(arg)
            if found is not None:
                return found
    return None
