"""Check paths against the evidence models, so a misspelt field is an error, never a silent pass.

`each: {path: datasets[*].bias_examinaton, ...}` resolves to nothing on every system; without this
check it would pass as "nothing to check". Each path of a rule is walked through the pydantic model
of its root (the model card, a dataset record, a fairness report, an attestation, the manifest's
system and classification). `policies lint` reports a path the model does not have as an error;
`check` gives that rule status `error`.

Free-form maps are data, not schema: under `dict[str, X]` fields (fairness metrics by name, group
shares, hyperparameters) any key is accepted and the walk goes on with X; below an `Any` value
nothing can be known and nothing is refused.

The models' fields are read from evidence_fields.json (made from the models by
govern.policy.evidence_fields), so linting paths imports no evidence model.
"""

from __future__ import annotations

import difflib
import json
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

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

# A type as the table holds it (govern.policy.evidence_fields says what the kinds are).
Node = dict[str, Any]
ANY: Node = {"kind": "any"}


# The table, beside this module; govern.policy.evidence_fields writes it.
TABLE_FILE = Path(__file__).with_name("evidence_fields.json")


@cache
def _table() -> dict[str, Any]:
    table: dict[str, Any] = json.loads(TABLE_FILE.read_text(encoding="utf-8"))
    return table


def _root_types() -> dict[str, Node]:
    """Every root's type (tests check the roots are those of govern.policy.paths)."""
    roots: dict[str, Node] = _table()["roots"]
    return roots


def unknown_paths(check: Check) -> list[str]:
    """One sentence per path of `check` that names a field its evidence kind does not have."""
    problems: list[str] = []
    _visit(check, _Item(ANY, ITEM_ROOT), problems)
    return problems


def rule_path_problems(rule: Rule) -> list[Problem]:
    """`unknown_paths` of a rule, as lint problems at the rule's check."""
    return [
        rule.document.problem((*rule.where, "check"), f"rule {rule.id}: {message}")
        for message in unknown_paths(rule.check)
    ]


class _Item:
    """What `item` is inside an `each`: the type its path reaches, and how to name it."""

    __slots__ = ("label", "type")

    def __init__(self, type: Node, label: str) -> None:
        self.type = type
        self.label = label


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


def _walk(path: EvidencePath, item: _Item, problems: list[str]) -> Node:
    """The type a path reaches, or ANY after reporting where it leaves the schema."""
    first, *rest = path.steps
    if first.key == ITEM_ROOT:
        here, current = item.label, item.type
    else:
        here, current = first.key, _root_types()[first.key]
    for step in rest:
        if current["kind"] == "any":
            return ANY
        if step.kind == "key":
            shown = f"{here}.{_short(step.key)}"
            found = _key(current, step.key, here)
        else:
            selector = "*" if step.kind == "star" else _short(step.value) or step.index
            shown = f"{here}[{selector}]"
            found = _entry(current, step.kind, step.key, here)
        if isinstance(found, str):
            problems.append(f"path {_cut(path.text)}: {found}")
            return ANY
        current, here = found, shown
    return current


def _key(current: Node, key: str, here: str) -> Node | str:
    fields = _fields_of(current)
    if fields is not None and key in fields:
        field: Node = fields[key]
        return field
    key = _short(key)
    if fields is not None:
        close = difflib.get_close_matches(key, list(fields), n=1, cutoff=0.75)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        return f"{here} has no field {key!r}{hint}"
    if current["kind"] == "map":
        mapping: Node = current["of"]
        return mapping
    if current["kind"] == "list":
        return f"{here} is a list: write {here}[*].{key} (or [N], or [field=value])"
    return f"{here} is a single value ({current['describe']}); it has no field {key!r}"


def _entry(current: Node, kind: str, key: str, here: str) -> Node | str:
    if current["kind"] != "list":
        return f"{here} is not a list ({current['describe']}); [..] selects entries of a list"
    element: Node = current["of"]
    if kind == "filter":
        key = _short(key)
        fields = _fields_of(element)
        if fields is not None and key not in fields:
            return f"the entries of {here} have no field {key!r} to filter on"
        if fields is None and element["kind"] not in ("any", "map"):
            return f"the entries of {here} are single values; they have no field {key!r}"
    return element


def _fields_of(node: Node) -> dict[str, Node] | None:
    if node["kind"] != "model":
        return None
    fields: dict[str, Node] = _table()["models"][node["name"]]
    return fields


def _short(text: str) -> str:
    """A name from a pack, short enough for a one-line error."""
    return text if len(text) <= 60 else text[:57] + "..."


def _cut(text: str) -> str:
    return repr(_short(text))
