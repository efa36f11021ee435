"""Build evidence_fields.json: the field table of every evidence model that rule paths lint against.

`govern.policy.schema_paths` checks each rule path against the evidence models' fields. Reading
them from the pydantic models meant importing every evidence model (and its validators) on each
run just to lint paths; the table holds the same answers, made here from the models, so a run
reads one small JSON file instead. Regenerate it with `python -m govern.policy.evidence_fields`
after changing an evidence model; tests/policy/test_evidence_fields.py fails while it is stale.

A node of the table is one type, already reduced the way a path walk sees it (`X | None` and
`Annotated[X, ...]` are X; a union of several kinds is `any`, or one scalar if none has fields or
entries): `{"kind": "model", "name": ...}` (fields in the table's `models`), `"list"` and `"map"`
(with the node of their entries, `of`), `"scalar"` or `"any"`. Each but `any` carries `describe`,
the words messages use for it.
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
import types
import typing
from dataclasses import dataclass
from typing import Any, Literal, Union

from pydantic import BaseModel

from govern.policy.schema_paths import TABLE_FILE

TABLE_FORMAT = "govern.evidence-fields/1"

# Each evidence root's model (module, class, and whether the view holds a list of them).
ROOT_MODELS: dict[str, tuple[str, str, bool]] = {
    "system": ("govern.load.manifest", "System", False),
    "model_card": ("govern.evidence.model_card", "ModelCard", False),
    "datasets": ("govern.evidence.dataset", "DatasetRecord", True),
    "fairness": ("govern.evidence.fairness", "FairnessReport", True),
    "attestations": ("govern.evidence.attestation", "Attestation", True),
    "incidents": ("govern.evidence.incident", "IncidentRecord", True),
    "post_market": ("govern.evidence.post_market", "PostMarketPlan", False),
    "fria": ("govern.evidence.fria", "Fria", False),
    "evaluations": ("govern.evidence.evaluation", "EvaluationReport", True),
}


@dataclass(frozen=True)
class _Fields:
    """A mapping view whose keys are known: a model, or the engine's classification answers."""

    name: str
    fields: dict[str, Any]


@dataclass(frozen=True)
class _Scalar:
    name: str


def root_types() -> dict[str, Any]:
    """Every root's type, as the evidence view holds it."""
    return {key: _root_type(key) for key in (*ROOT_MODELS, "classification", "gpai")}


def _root_type(key: str) -> Any:
    if key == "classification":
        from govern.load.manifest import Classification

        # The engine adds the screening outcome to the answers (engine.evaluate._evidence_view).
        return _Fields(
            "classification", {**_model_fields(Classification), "tier": str, "high_risk": bool}
        )
    if key == "gpai":
        from govern.evidence.gpai import (
            CopyrightPolicy,
            ModelDocumentation,
            TrainingContentSummary,
        )

        return _Fields(
            "gpai",
            {
                "model_documentation": ModelDocumentation,
                "training_content_summary": TrainingContentSummary,
                "copyright_policy": CopyrightPolicy,
            },
        )
    module, name, many = ROOT_MODELS[key]
    model = getattr(importlib.import_module(module), name)
    return list[model] if many else model  # type: ignore[valid-type]


def build_table() -> dict[str, Any]:
    """The table, from the evidence models as they are now."""
    models: dict[str, dict[str, Any]] = {}

    def node(tp: Any) -> dict[str, Any]:
        tp = _unwrap(tp)
        if tp is Any:
            return {"kind": "any"}
        fields = _fields_of(tp)
        if fields is not None:
            name = f"<{tp.name}>" if isinstance(tp, _Fields) else f"{tp.__module__}.{tp.__name__}"
            if name not in models:
                models[name] = {}  # taken before the fields are made: models may nest themselves
                models[name] = {key: node(field) for key, field in fields.items()}
            return {"kind": "model", "name": name, "describe": _describe(tp)}
        value = _mapping_value(tp)
        if value is not None:
            return {"kind": "map", "of": node(value), "describe": _describe(tp)}
        element = _element(tp)
        if element is not None:
            return {"kind": "list", "of": node(element), "describe": _describe(tp)}
        return {"kind": "scalar", "describe": _describe(tp)}

    roots = {key: node(tp) for key, tp in root_types().items()}
    return {"format": TABLE_FORMAT, "roots": roots, "models": models}


def table_text() -> str:
    """evidence_fields.json as it should be on disk."""
    return json.dumps(build_table(), ensure_ascii=False, indent=1) + "\n"


def write_table() -> None:
    """Regenerate evidence_fields.json (after an evidence model changed)."""
    from govern.outputs import write_atomic

    write_atomic(TABLE_FILE, table_text())


def _unwrap(tp: Any) -> Any:
    """X from `X | None` and `Annotated[X, ...]`; Any for a union of several kinds."""
    while True:
        origin = typing.get_origin(tp)
        if origin is typing.Annotated:
            tp = typing.get_args(tp)[0]
            continue
        if origin in (Union, types.UnionType):
            options = [a for a in typing.get_args(tp) if a is not type(None)]
            if len(options) == 1:
                tp = options[0]
                continue
            if all(_fields_of(o) is None and _element(o) is None for o in options):
                return _Scalar(" or ".join(_describe(o) for o in options))
            return Any
        return tp


def _fields_of(tp: Any) -> dict[str, Any] | None:
    if isinstance(tp, _Fields):
        return tp.fields
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return _model_fields(tp)
    return None


def _model_fields(model: type[BaseModel]) -> dict[str, Any]:
    if not model.__pydantic_fields_complete__:
        # A field naming a model defined further down its module stays a forward reference
        # until the model is rebuilt (as validating with it would do).
        model.model_rebuild()
    # The evidence view is dumped by alias (RiskManagement.register_ref is `register`).
    return {info.alias or name: info.annotation for name, info in model.model_fields.items()}


def _mapping_value(tp: Any) -> Any | None:
    if typing.get_origin(tp) is dict:
        args = typing.get_args(tp)
        return args[1] if len(args) == 2 else Any
    if tp is dict:
        return Any
    return None


def _element(tp: Any) -> Any | None:
    origin = typing.get_origin(tp)
    if origin is list:
        args = typing.get_args(tp)
        return args[0] if args else Any
    if origin is tuple:
        kinds = [a for a in typing.get_args(tp) if a is not Ellipsis]
        return kinds[0] if len(set(kinds)) == 1 else Any
    if tp in (list, tuple):
        return Any
    return None


def _describe(tp: Any) -> str:
    if isinstance(tp, _Scalar | _Fields):
        return tp.name
    if typing.get_origin(tp) is Literal:
        return "one of " + ", ".join(repr(a) for a in typing.get_args(tp))
    names = {str: "text", int: "a number", float: "a number", bool: "true/false"}
    if tp in names:
        return names[tp]
    if tp in (dt.date, dt.datetime):
        return "a date"
    return getattr(tp, "__name__", str(tp))


if __name__ == "__main__":
    write_table()
