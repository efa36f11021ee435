"""Evidence paths: `datasets[*].bias_examination.method`, `model_card.evaluation[metric=auc]`.

A path is parsed once when its pack loads; resolving it against evidence yields one leaf per
branch, including branches that broke off (so "no datasets" is a missing value, not a pass).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any, NamedTuple

ROOTS = (
    "system",
    "classification",
    "model_card",
    "datasets",
    "fairness",
    "attestations",
    "incidents",
    "post_market",
    "fria",
    "gpai",
    "evaluations",
)
# `item` is the entry being checked inside an `each` operator.
ITEM_ROOT = "item"

_TOKEN = re.compile(
    r"""(?P<name>[A-Za-z_][A-Za-z0-9_\-]*)
      | \[(?P<index>\d+)\]
      | \[(?P<star>\*)\]
      | \[(?P<fkey>[A-Za-z_][A-Za-z0-9_]*)=(?P<fval>[^\]]*)\]
      | (?P<dot>\.)""",
    re.VERBOSE,
)


class PathSyntaxError(ValueError):
    pass


class _Missing:
    """A value that is not there. Distinct from None, which a file may hold explicitly."""

    _instance: _Missing | None = None

    def __new__(cls) -> _Missing:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "MISSING"

    def __bool__(self) -> bool:
        return False


MISSING: Any = _Missing()


@dataclass(frozen=True)
class Step:
    kind: str  # "key" | "index" | "star" | "filter"
    key: str = ""
    index: int = 0
    value: str = ""


@dataclass(frozen=True)
class EvidencePath:
    text: str
    steps: tuple[Step, ...]

    @property
    def root(self) -> str:
        return self.steps[0].key

    @cached_property
    def branches(self) -> bool:
        """Whether the path can reach more than one value (a [*] or a filter in it)."""
        return any(step.kind in ("star", "filter") for step in self.steps)

    def __str__(self) -> str:
        return self.text


class Leaf(NamedTuple):
    """One resolved branch: the concrete path reached and the value there (or MISSING).

    A named tuple rather than a frozen dataclass: resolving makes thousands per system, and a
    tuple is made in half the time."""

    path: tuple[str | int, ...]
    value: Any


def parse_path(text: str) -> EvidencePath:
    if not isinstance(text, str) or not text.strip():
        raise PathSyntaxError("a path must be a non-empty string")
    return _parse(text)


@lru_cache(maxsize=4096)
def _parse(text: str) -> EvidencePath:
    """Parsed once per text: the built-in packs name ~300 paths ~800 times, and paths are
    immutable, so rules share them."""
    steps: list[Step] = []
    position = 0
    expect_name = True
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            raise PathSyntaxError(f"unexpected {text[position]!r} at character {position + 1}")
        position = match.end()
        if match.group("dot"):
            if expect_name:
                raise PathSyntaxError(f"empty name before '.' at character {position}")
            expect_name = True
            continue
        if match.group("name"):
            if not expect_name:
                raise PathSyntaxError(f"missing '.' before {match.group('name')!r}")
            steps.append(Step("key", key=match.group("name")))
        elif not steps:
            raise PathSyntaxError("a path must start with a name")
        elif match.group("index") is not None:
            steps.append(Step("index", index=int(match.group("index"))))
        elif match.group("star"):
            steps.append(Step("star"))
        else:
            steps.append(Step("filter", key=match.group("fkey"), value=match.group("fval").strip()))
        expect_name = False
    if expect_name:
        raise PathSyntaxError("a path cannot end with '.'")
    if steps[0].key not in (*ROOTS, ITEM_ROOT):
        raise PathSyntaxError(
            f"path must start with one of {', '.join(ROOTS)}, not {steps[0].key!r}"
        )
    return EvidencePath(text, tuple(steps))


def resolve(path: EvidencePath, root: dict[str, Any]) -> list[Leaf]:
    """One leaf per branch of `path` in `root`, in document order, broken-off branches included.

    Walked step by step over a list of open branches rather than by recursion: rules resolve
    their paths for every system assessed, so this is among the engine's hottest loops.
    """
    if not path.branches:
        return [_follow(path, root)]
    # (value, concrete path, ended): an ended branch broke off and keeps its MISSING leaf.
    branches: list[tuple[Any, tuple[str | int, ...], bool]] = [(root, (), False)]
    for step in path.steps:
        if step.kind == "key":  # most steps: `_step`'s key case, without a call per branch
            key = step.key
            branches = [
                branch
                if branch[2]
                else (MISSING, branch[1], True)
                if branch[0] is MISSING or branch[0] is None
                else (branch[0][key], (*branch[1], key), False)
                if isinstance(branch[0], dict) and key in branch[0]
                else (MISSING, (*branch[1], key), True)
                for branch in branches
            ]
        else:
            branches = [reached for branch in branches for reached in _step(branch, step)]
    return [Leaf(here, node) for node, here, _ in branches]


def _follow(path: EvidencePath, root: dict[str, Any]) -> Leaf:
    """The one leaf of a path of keys and indexes: `resolve` without the branch bookkeeping."""
    node: Any = root
    here: tuple[str | int, ...] = ()
    for step in path.steps:
        if node is MISSING or node is None:
            return Leaf(here, MISSING)
        if step.kind == "key":
            if isinstance(node, dict) and step.key in node:
                node, here = node[step.key], (*here, step.key)
                continue
            return Leaf((*here, step.key), MISSING)
        if isinstance(node, list) and step.index < len(node):
            node, here = node[step.index], (*here, step.index)
            continue
        return Leaf((*here, step.index), MISSING)
    return Leaf(here, node)


def _step(
    branch: tuple[Any, tuple[str | int, ...], bool], step: Step
) -> list[tuple[Any, tuple[str | int, ...], bool]]:
    node, here, ended = branch
    if ended:
        return [branch]
    if node is MISSING or node is None:
        return [(MISSING, here, True)]
    # Key steps never come here: resolve takes them inline, the commonest step.
    if step.kind == "index":
        if isinstance(node, list) and step.index < len(node):
            return [(node[step.index], (*here, step.index), False)]
        return [(MISSING, (*here, step.index), True)]
    items = node if isinstance(node, list) else []
    matched: list[tuple[Any, tuple[str | int, ...], bool]] = [
        (item, (*here, i), False)
        for i, item in enumerate(items)
        if step.kind == "star" or _filter_matches(item, step)
    ]
    return matched or [(MISSING, here, True)]


def _filter_matches(item: Any, step: Step) -> bool:
    if not isinstance(item, dict) or step.key not in item:
        return False
    value = item[step.key]
    if isinstance(value, bool):
        return str(value).lower() == step.value.lower()
    return str(value) == step.value
