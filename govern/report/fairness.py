"""The report's one input besides the Assessment: per-group fairness numbers and the gates on them.

The Assessment records each fairness report's digest and the gate results, not the per-group
rates a chart needs. The report command therefore passes the validated FairnessReport models from
the same evidence bundle the engine assessed (checked against the Assessment's digests), and the
thresholds of the fairness gates from the same loaded packs, after organisation tightening.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from govern.engine.assessment import Assessment
from govern.errors import GovernError
from govern.evidence.fairness import FairnessReport

if TYPE_CHECKING:
    from govern.load.bundle import EvidenceBundle
    from govern.policy.loader import PackSet

_GATE_PATH = re.compile(
    r"^fairness\[\*\]\.features\[\*\]\.disparities\.(?P<metric>[a-z_]+)\."
    r"(?P<reference>between_groups|to_overall)$"
)


class SnapshotError(GovernError):
    """The fairness numbers do not come from the bytes the assessment hashed."""


@dataclass(frozen=True)
class FairnessSource:
    """One fairness report: where it is, the digest the Assessment recorded, and its content."""

    path: str
    sha256: str
    report: FairnessReport


@dataclass(frozen=True)
class FairnessGate:
    """A rule that gates a disparity metric: `op` is min or max, `ci` the interval mode."""

    rule_id: str
    metric: str
    reference: str
    op: str
    threshold: float
    ci: str


@dataclass(frozen=True)
class FairnessInput:
    sources: tuple[FairnessSource, ...] = ()
    gates: tuple[FairnessGate, ...] = ()


def collect(bundle: EvidenceBundle, packs: PackSet, assessment: Assessment) -> FairnessInput:
    """The fairness reports and gates of one run; refuses a report the Assessment did not hash."""
    recorded = {(e.path, e.sha256) for e in assessment.evidence if e.kind == "fairness"}
    sources = []
    for item in bundle.fairness:
        if (item.path, item.sha256) not in recorded:
            raise SnapshotError(
                f"{item.path}: not the fairness report the assessment hashed; run the report again"
            )
        sources.append(FairnessSource(item.path, item.sha256, item.model))
    applicable = {r.rule_id for r in assessment.results if r.status != "not_applicable"}
    gates = [
        gate
        for rule in packs.rules
        if rule.id in applicable
        for gate in gates_in_check(rule.id, rule.spec.check, rule.params)
    ]
    return FairnessInput(tuple(sources), tuple(gates))


def gates_in_check(
    rule_id: str, check: dict[str, Any], params: dict[str, float], base: str = ""
) -> Iterator[FairnessGate]:
    """Every min/max on a fairness disparity in a rule's check, with its effective threshold.

    `base` is the path an `each` over the fairness reports binds `item` to (a gate that skips
    some reports, such as one needing a true label, is still drawn on the others).
    """
    for op, body in check.items():
        if op in ("min", "max") and isinstance(body, dict):
            path = str(body.get("path", ""))
            if base and path.startswith("item."):
                path = base + path[len("item") :]
            match = _GATE_PATH.match(path)
            threshold = _threshold(body.get("value"), params)
            if match and threshold is not None:
                yield FairnessGate(
                    rule_id,
                    match["metric"],
                    match["reference"],
                    op,
                    threshold,
                    str(body.get("ci", "point")),
                )
        elif op in ("all", "any") and isinstance(body, list):
            for sub in body:
                if isinstance(sub, dict):
                    yield from gates_in_check(rule_id, sub, params, base)
        elif op == "each" and isinstance(body, dict) and body.get("path") == "fairness[*]":
            inner = body.get("check")
            if isinstance(inner, dict):
                yield from gates_in_check(rule_id, inner, params, "fairness[*]")
        elif op == "not" and isinstance(body, dict):
            continue  # a negated bound is not a threshold a chart can draw


def _threshold(value: Any, params: dict[str, float]) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, dict) and isinstance(value.get("param"), str):
        return params.get(value["param"])
    return None  # evidence-valued thresholds differ per item; the table shows them instead
