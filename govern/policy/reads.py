"""What a compiled check reads and compares, so every result can say so without re-walking packs.

The engine records, for each rule, the evidence kinds its check looks at, the values it compared
(for passes as well as failures), and the fairness thresholds it gates on; the report, the ledger
and the renderers then read those from the Assessment and never parse rule paths themselves.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from govern.policy.checks import (
    AttestationCheck,
    Bound,
    Check,
    Combine,
    Each,
    ParamRef,
    PathRef,
)
from govern.policy.paths import ITEM_ROOT, EvidencePath, Step

# Evidence kinds (as in the Assessment's evidence records) behind each root of a check path.
ROOT_KINDS: dict[str, str] = {
    "system": "manifest",
    "classification": "manifest",
    "model_card": "model_card",
    "datasets": "dataset",
    "fairness": "fairness",
    "attestations": "attestations",
    "incidents": "incident",
    "post_market": "post_market",
    "fria": "fria",
    "gpai": "gpai",
    "evaluations": "evaluation",
}
KIND_ORDER = tuple(dict.fromkeys(ROOT_KINDS.values()))
# A pass records at most this many compared values; the count of the rest is kept.
MAX_OBSERVATIONS = 10


def evidence_kinds(check: Check) -> list[str]:
    """The evidence kinds a compiled check looks at, in the order evidence is listed."""
    found = set(_kinds(check))
    return [kind for kind in KIND_ORDER if kind in found]


def _kinds(check: Check) -> Iterator[str]:
    if isinstance(check, AttestationCheck):
        yield "attestations"
    for item in dataclasses.fields(check):
        yield from _kinds_in(getattr(check, item.name))


def _kinds_in(value: object) -> Iterator[str]:
    if isinstance(value, EvidencePath):
        if value.root != ITEM_ROOT and value.root in ROOT_KINDS:
            yield ROOT_KINDS[value.root]
    elif isinstance(value, PathRef):
        yield from _kinds_in(value.path)
    elif isinstance(value, Check):
        yield from _kinds(value)
    elif isinstance(value, tuple):
        for item in value:
            yield from _kinds_in(item)


@dataclass(frozen=True)
class FairnessGate:
    """A bound on a fairness disparity: `op` min or max, the effective threshold, the ci mode."""

    metric: str
    reference: str
    op: str
    threshold: float
    ci: str


def fairness_gates(check: Check, params: dict[str, Any]) -> list[FairnessGate]:
    """Every bound on `fairness[*].features[*].disparities.METRIC.REFERENCE` in a check.

    Negated bounds are left out: a threshold that must not hold is not one a chart can draw, and
    thresholds read from the evidence differ per item, so only fixed or parameter limits count.
    """
    gates = []
    for bound, steps in _bounds(check):
        shape = _disparity_path(steps)
        limit = _fixed_limit(bound.limit, params)
        if shape is not None and limit is not None:
            metric, reference = shape
            op = "min" if bound.is_min else "max"
            gates.append(FairnessGate(metric, reference, op, limit, bound.ci))
    return gates


def _bounds(check: Check, base: tuple[Step, ...] = ()) -> Iterator[tuple[Bound, tuple[Step, ...]]]:
    """Every bound with the absolute steps of its path (`item.` resolved through `each`)."""
    if isinstance(check, Bound):
        yield check, _absolute(check.path, base)
    elif isinstance(check, Combine):
        for item in check.items:
            yield from _bounds(item, base)
    elif isinstance(check, Each):
        yield from _bounds(check.check, _absolute(check.path, base))


def _absolute(path: EvidencePath, base: tuple[Step, ...]) -> tuple[Step, ...]:
    if path.root == ITEM_ROOT:
        return (*base, *path.steps[1:])
    return path.steps


def _disparity_path(steps: tuple[Step, ...]) -> tuple[str, str] | None:
    shape = [(s.kind, s.key) for s in steps]
    expected = [("key", "fairness"), ("star", ""), ("key", "features"), ("star", "")]
    if len(steps) != 7 or shape[:4] != expected or shape[4] != ("key", "disparities"):
        return None
    metric, reference = steps[5], steps[6]
    if metric.kind != "key" or reference.kind != "key":
        return None
    if reference.key not in ("between_groups", "to_overall"):
        return None
    return metric.key, reference.key


def _fixed_limit(limit: object, params: dict[str, Any]) -> float | None:
    value = params.get(limit.name) if isinstance(limit, ParamRef) else limit
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)
