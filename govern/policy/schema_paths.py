"""Check paths against the evidence models, so a misspelt field is an error, never a silent pass.

`each: {path: datasets[*].bias_examinaton, ...}` resolves to nothing on every system; without this
check it would pass as "nothing to check". Each path of a rule is walked through the pydantic model
of its root (the model card, a dataset record, a fairness report, an attestation, the manifest's
system and classification). `policies lint` reports a path the model does not have as an error;
`check` gives that rule status `error`.

Free-form maps are data, not schema: under `dict[str, X]` fields (fairness metrics by name, group
shares, hyperparameters) any key is accepted and the walk goes on with X; below an `Any` value
nothing can be known and nothing is refused.
"""

from __future__ import annotations

import datetime as dt
import difflib
import importlib
import types
import typing
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, Union

from pydantic import BaseModel

from govern.policy.checks import (
    Bound,
    Check,
    Combine,
    Contains,
    Count,
    Each,
    Equals,
    Matches,
    Not,
    OneOf,
    PathRef,
    Present,
    WithinDays,
)
from govern.policy.paths import ITEM_ROOT, EvidencePath

if TYPE_CHECKING:
    from govern.errors import Problem
    from govern.policy.model import Rule


@dataclass(frozen=True)
class _Fields:
    """A mapping view whose keys are known: a model, or the engine's classification answers."""

    name: str
    fields: dict[str, Any]


@dataclass(frozen=True)
class _Scalar:
    name: str


# Each evidence root's model, imported only when a rule's path starts there: a run checks the
# paths of the rules that apply to its system, and most systems have no GPAI or evaluation rules.
_ROOT_MODELS: dict[str, tuple[str, str, bool]] = {
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


def _root_type(key: str) -> Any:
    """The type the evidence view holds under `key` (module, class, and whether it is a list)."""
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
    module, name, many = _ROOT_MODELS[key]
    model = getattr(importlib.import_module(module), name)
    return list[model] if many else model  # type: ignore[valid-type]


def _root_types() -> dict[str, Any]:
    """Every root's type at once (tests check the roots are those of govern.policy.paths)."""
    return {key: _root(key) for key in (*_ROOT_MODELS, "classification", "gpai")}


_ROOTS: dict[str, Any] = {}


def _root(key: str) -> Any:
    if key not in _ROOTS:
        _ROOTS[key] = _root_type(key)
    return _ROOTS[key]


def unknown_paths(check: Check) -> list[str]:
    """One sentence per path of `check` that names a field its evidence kind does not have."""
    problems: list[str] = []
    _visit(check, _Item(Any, ITEM_ROOT), problems)
    return problems


def rule_path_problems(rule: Rule) -> list[Problem]:
    """`unknown_paths` of a rule, as lint problems at the rule's check."""
    return [
        rule.document.problem((*rule.where, "check"), f"rule {rule.id}: {message}")
        for message in unknown_paths(rule.check)
    ]


@dataclass(frozen=True)
class _Item:
    """What `item` is inside an `each`: the type its path reaches, and how to name it."""

    type: Any
    label: str


def _visit(check: Check, item: _Item, problems: list[str]) -> None:
    if isinstance(check, Combine):
        for part in check.items:
            _visit(part, item, problems)
    elif isinstance(check, Not):
        _visit(check.item, item, problems)
    elif isinstance(check, Each):
        inner = _Item(
            _walk(check.path, item, problems), f"item (an entry of {_short(check.path.text)})"
        )
        if check.when is not None:
            _visit(check.when, inner, problems)
        _visit(check.check, inner, problems)
    elif isinstance(check, Count):
        _walk(check.path, item, problems)
        for limit in (check.at_least, check.at_most):
            if isinstance(limit, PathRef):
                _walk(limit.path, item, problems)
    elif isinstance(check, Bound):
        _walk(check.path, item, problems)
        if isinstance(check.limit, PathRef):
            _walk(check.limit.path, item, problems)
    elif isinstance(check, WithinDays):
        _walk(check.start, item, problems)
        _walk(check.end, item, problems)
    elif isinstance(check, Present | Equals | OneOf | Matches | Contains):
        _walk(check.path, item, problems)


def _walk(path: EvidencePath, item: _Item, problems: list[str]) -> Any:
    """The type a path reaches, or Any after reporting where it leaves the schema."""
    first, *rest = path.steps
    if first.key == ITEM_ROOT:
        here, current = item.label, item.type
    else:
        here, current = first.key, _root(first.key)
    for step in rest:
        current = _unwrap(current)
        if current is Any:
            return Any
        if step.kind == "key":
            shown = f"{here}.{_short(step.key)}"
            found = _key(current, step.key, here)
        else:
            selector = "*" if step.kind == "star" else _short(step.value) or step.index
            shown = f"{here}[{selector}]"
            found = _entry(current, step.kind, step.key, here)
        if isinstance(found, str):
            problems.append(f"path {_cut(path.text)}: {found}")
            return Any
        current, here = found[0], shown
    return current


def _key(current: Any, key: str, here: str) -> tuple[Any] | str:
    fields = _fields_of(current)
    if fields is not None and key in fields:
        return (fields[key],)
    key = _short(key)
    if fields is not None:
        close = difflib.get_close_matches(key, list(fields), n=1, cutoff=0.75)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        return f"{here} has no field {key!r}{hint}"
    mapping = _mapping_value(current)
    if mapping is not None:
        return (mapping,)
    if _element(current) is not None:
        return f"{here} is a list: write {here}[*].{key} (or [N], or [field=value])"
    return f"{here} is a single value ({_describe(current)}); it has no field {key!r}"


def _entry(current: Any, kind: str, key: str, here: str) -> tuple[Any] | str:
    element = _element(current)
    if element is None:
        return f"{here} is not a list ({_describe(current)}); [..] selects entries of a list"
    if kind == "filter":
        key = _short(key)
        element = _unwrap(element)
        fields = _fields_of(element)
        if fields is not None and key not in fields:
            return f"the entries of {here} have no field {key!r} to filter on"
        if fields is None and element is not Any and _mapping_value(element) is None:
            return f"the entries of {here} are single values; they have no field {key!r}"
    return (element,)


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


def _short(text: str) -> str:
    """A name from a pack, short enough for a one-line error."""
    return text if len(text) <= 60 else text[:57] + "..."


def _cut(text: str) -> str:
    return repr(_short(text))


def _describe(tp: Any) -> str:
    if isinstance(tp, _Scalar):
        return tp.name
    if typing.get_origin(tp) is Literal:
        return "one of " + ", ".join(repr(a) for a in typing.get_args(tp))
    names = {str: "text", int: "a number", float: "a number", bool: "true/false"}
    if tp in names:
        return names[tp]
    if tp in (dt.date, dt.datetime):
        return "a date"
    return getattr(tp, "__name__", str(tp))
