"""Gates on evaluation evidence: a threshold decided by the interval, never by the point alone.

`evaluation` gates benchmark results and `red_team` gates attack success rates. Each matching
result passes only when its whole interval (given, from the standard error, or Wilson from n for
a proportion) is on the right side of the threshold, fails only when it is wholly on the wrong
side, and warns when it straddles it. It is `insufficient_evidence`, neither pass nor fail, when
it rests on fewer samples than the pack's minimum, states no generation settings, was run on
another model revision than the one released, or predates the release it is evidence for.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from govern.policy.checks import (
    FAIL,
    INSUFFICIENT,
    PASS,
    WARN,
    CheckSyntaxError,
    Context,
    Gate,
    Held,
    LeafFinding,
    Number,
    Outcome,
    PathRef,
    bound_params,
    number_arg,
    numeric,
    plain,
)
from govern.policy.paths import parse_path

_INDEPENDENCE = ("internal", "independent_internal", "third_party")
Where = tuple[str | int, ...]


@dataclass(frozen=True)
class Selection:
    """Which entries a gate reads: by category, or by benchmark/attack-class name."""

    categories: tuple[str, ...] = ()
    names: tuple[str, ...] = ()
    metric: str | None = None

    def matches(self, name: str, categories: list[str], metric: str | None) -> bool:
        if self.metric is not None and metric is not None and _key(metric) != _key(self.metric):
            return False
        if not self.categories and not self.names:
            return True
        if set(self.categories) & set(categories):
            return True
        return any(_key(name).startswith(_key(wanted)) for wanted in self.names)

    def describe(self, noun: str) -> str:
        parts = [f"{c.replace('_', ' ')}" for c in self.categories] + list(self.names)
        what = f" of {', '.join(parts)}" if parts else ""
        metric = f" ({self.metric})" if self.metric else ""
        return f"{noun}{what}{metric}"


@dataclass(frozen=True)
class EvidenceGate(Gate):
    kind: str  # "evaluation" | "red_team"
    selection: Selection
    limit: Number | None
    is_min: bool
    level: float
    min_n: Number | None
    require_generation: bool
    independence: tuple[str, ...]

    def params(self) -> list[tuple[str, str]]:
        return bound_params(self.limit, self.is_min, self.min_n)

    def describe(self, params: dict[str, Any]) -> str:
        noun = "evaluation results" if self.kind == "evaluation" else "red-team results"
        parts = [self.selection.describe(noun)]
        if self.limit is not None:
            op = ">=" if self.is_min else "<="
            what = "value" if self.kind == "evaluation" else "attack success rate"
            parts.append(
                f"{what} {op} {plain(numeric(self.limit, params))} "
                f"for the whole {plain(round(self.level * 100, 1))}% interval"
            )
        if self.min_n is not None:
            parts.append(f"n >= {plain(numeric(self.min_n, params))}")
        if self.require_generation:
            parts.append("generation settings stated")
        if self.independence:
            parts.append(f"tested by {' or '.join(self.independence)}")
        parts.append("of the released model revision, not older than the release")
        return "; ".join(parts)

    def run(self, ctx: Context) -> Outcome:
        entries = list(_entries(self, ctx.view))
        expected = self.describe(ctx.params)
        if not entries:
            found = f"no {self.selection.describe('result')} in the evaluation evidence"
            return Outcome(FAIL, [LeafFinding(expected, found, ("evaluations",))])
        results = [
            _judge(self, report, entry, where, ctx, expected) for report, entry, where in entries
        ]
        findings = [f for f, _ in results if f is not None and f.status != WARN]
        warnings = [f for f, _ in results if f is not None and f.status == WARN]
        if findings:
            statuses = {f.status for f in findings}
            status = next(s for s in (FAIL, INSUFFICIENT) if s in statuses)
            return Outcome(status, findings, warnings=warnings)
        held = [h for _, h in results if h is not None]
        return Outcome(PASS, warnings=warnings, held=held)


def _entries(gate: EvidenceGate, view: dict[str, Any]) -> Any:
    """(report, entry, path of the entry) for each entry the gate selects."""
    key = "results" if gate.kind == "evaluation" else "red_team"
    for i, report in enumerate(view.get("evaluations") or []):
        for j, entry in enumerate(report.get(key) or []):
            name = entry["benchmark"]["id"] if key == "results" else entry["attack_class"]
            if gate.selection.matches(name, entry.get("categories") or [], entry.get("metric")):
                yield report, entry, ("evaluations", i, key, j)


def _judge(
    gate: EvidenceGate,
    report: dict[str, Any],
    entry: dict[str, Any],
    where: Where,
    ctx: Context,
    expected: str,
) -> tuple[LeafFinding | None, Held | None]:
    value, n = _value_and_n(gate, entry)
    lower, upper = _interval(gate, entry, value, n)
    shown = _shown(entry, value, n, lower, upper, gate.kind)
    reason = _insufficient(gate, report, entry, n, ctx)
    if reason is not None:
        return LeafFinding(expected, f"{shown}: {reason}", where, INSUFFICIENT), None
    if gate.limit is None:
        return None, Held(where, text=shown)
    if value is None:
        return LeafFinding(expected, f"{shown}: no value", where, INSUFFICIENT), None
    if lower is None or upper is None:
        why = "no interval: neither a standard error, an interval, nor n for a proportion"
        return LeafFinding(expected, f"{shown}: {why}", where, INSUFFICIENT), None
    wrong_way = entry.get("direction") == ("lower" if gate.is_min else "higher")
    if gate.kind == "evaluation" and wrong_way:
        why = (
            f"{entry['direction']} is better for this metric; the pack's bound points the other way"
        )
        return LeafFinding(expected, f"{shown}: {why}", where, INSUFFICIENT), None
    limit = numeric(gate.limit, ctx.params)
    near, far = (lower, upper) if gate.is_min else (upper, lower)
    if _within(near, limit, gate.is_min):
        return None, Held(where, text=shown)
    if not _within(far, limit, gate.is_min):
        return LeafFinding(expected, shown, where, FAIL), None
    straddles = f"{shown}: the interval straddles the threshold"
    return LeafFinding(expected, straddles, where, WARN), Held(where, text=straddles)


def _within(x: float, limit: float, is_min: bool) -> bool:
    return x >= limit if is_min else x <= limit


def _value_and_n(gate: EvidenceGate, entry: dict[str, Any]) -> tuple[float | None, int | None]:
    if gate.kind == "evaluation":
        return entry.get("value"), entry.get("n")
    attempts, successes = entry.get("attempts"), entry.get("successes")
    rate = successes / attempts if successes is not None and attempts else entry.get("success_rate")
    return rate, attempts


def _interval(
    gate: EvidenceGate, entry: dict[str, Any], value: float | None, n: int | None
) -> tuple[float | None, float | None]:
    """The entry's own interval, else value ± z·stderr, else Wilson for a proportion of n."""
    # Imported on use: packs compile these gates on every run, but only a system with evaluation
    # evidence reaches here, and the evaluation models are costly to build.
    from govern.evidence.evaluation import wilson, z_score

    given = entry.get("interval")
    if given:
        return given["lower"], given["upper"]
    if value is None:
        return None, None
    proportion = gate.kind == "red_team" or entry.get("proportion")
    stderr = entry.get("stderr")
    # A zero standard error at 0 or 1 is the normal approximation failing, not certainty.
    if stderr is not None and not (stderr == 0 and proportion and n):
        half = z_score(gate.level) * stderr
        return value - half, value + half
    if proportion and n and 0 <= value <= 1:
        successes = entry.get("successes")
        return wilson(successes if successes is not None else value * n, n, gate.level)
    return None, None


def _insufficient(
    gate: EvidenceGate, report: dict[str, Any], entry: dict[str, Any], n: int | None, ctx: Context
) -> str | None:
    """Why the entry cannot be evidence for the released model at all, or None."""
    if gate.min_n is not None:
        minimum = numeric(gate.min_n, ctx.params)
        if n is None:
            return "sample size not stated"
        if n < minimum:
            return f"n={n}, below the pack's minimum {plain(minimum)}"
    if gate.require_generation and not (entry.get("generation") or report.get("generation")):
        return "generation settings (temperature, top-p, max tokens, n-shot) not stated"
    if gate.independence:
        tester = entry.get("tester_independence")
        if tester not in gate.independence:
            return f"tested by {tester or 'an unstated party'}"
    release = (ctx.view.get("system") or {}).get("release") or {}
    return _provenance(release, report, entry)


def _provenance(
    release: dict[str, Any], report: dict[str, Any], entry: dict[str, Any]
) -> str | None:
    released = release.get("model_revision")
    evaluated = (report.get("model") or {}).get("revision")
    if released is not None and evaluated != released:
        if evaluated is None:
            return f"evaluated model revision not stated (released: {released})"
        return f"evaluated revision {evaluated}, released revision {released}"
    frozen = release.get("date")
    when = entry.get("date") or report.get("date")
    if isinstance(frozen, dt.date):
        if not isinstance(when, dt.date):
            return f"undated (the release was frozen on {frozen})"
        if when < frozen:
            return f"dated {when}, before the release it is evidence for ({frozen})"
    return None


def _shown(
    entry: dict[str, Any],
    value: float | None,
    n: int | None,
    lower: float | None,
    upper: float | None,
    kind: str,
) -> str:
    if kind == "evaluation":
        what = f"{entry['benchmark']['id']} {entry['metric']}"
    else:
        what = f"{entry['attack_class']} success rate"
    point = "no value" if value is None else f"{value:.4g}"
    interval = f" [{lower:.4g}, {upper:.4g}]" if lower is not None and upper is not None else ""
    size = f" (n={n})" if n is not None else ""
    return f"{what} {point}{interval}{size}"


def _key(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


# ---------------------------------------------------------------------------------------------
# Compiling


_COMMON = ("categories", "level", "min_n")
_OPTIONS = {
    "evaluation": (*_COMMON, "benchmarks", "metric", "min", "max", "require_generation"),
    "red_team": (*_COMMON, "attack_classes", "max_success_rate", "independence"),
}


def compile_gate(operator: str, arg: Any, where: Where) -> EvidenceGate:
    if not isinstance(arg, dict):
        raise CheckSyntaxError(
            f"'{operator}' takes a mapping of {', '.join(_OPTIONS[operator])}", where
        )
    unknown = set(arg) - set(_OPTIONS[operator])
    if unknown:
        raise CheckSyntaxError(f"unknown argument {sorted(unknown)[0]!r}", where)
    names = "benchmarks" if operator == "evaluation" else "attack_classes"
    selection = Selection(
        _words(arg.get("categories"), (*where, "categories")),
        _words(arg.get(names), (*where, names)),
        _text(arg.get("metric"), (*where, "metric")),
    )
    if operator == "evaluation":
        if "min" in arg and "max" in arg:
            raise CheckSyntaxError("give min or max, not both", where)
        is_min = "max" not in arg
        limit = number_arg(arg.get("min", arg.get("max")), where)
        require_generation = arg.get("require_generation", True)
        if not isinstance(require_generation, bool):
            raise CheckSyntaxError("require_generation is true or false", where)
    else:
        is_min, require_generation = False, False
        limit = number_arg(arg.get("max_success_rate"), (*where, "max_success_rate"))
    independence = _words(arg.get("independence"), (*where, "independence"))
    if any(word not in _INDEPENDENCE for word in independence):
        raise CheckSyntaxError(f"independence is one of {', '.join(_INDEPENDENCE)}", where)
    level = arg.get("level", 0.95)
    if isinstance(level, bool) or not isinstance(level, int | float) or not 0 < level < 1:
        raise CheckSyntaxError("level is a confidence level between 0 and 1, e.g. 0.95", where)
    min_n = number_arg(arg.get("min_n"), (*where, "min_n"))
    if isinstance(limit, PathRef) or isinstance(min_n, PathRef):
        raise CheckSyntaxError("thresholds here take a number or {param: NAME}", where)
    path = parse_path(
        "evaluations[*].results[*]" if operator == "evaluation" else "evaluations[*].red_team[*]"
    )
    return EvidenceGate(
        path,
        operator,
        selection,
        limit,
        is_min,
        float(level),
        min_n,
        require_generation,
        independence,
    )


def _words(value: Any, where: Where) -> tuple[str, ...]:
    if value is None:
        return ()
    items = value if isinstance(value, list) else [value]
    if not all(isinstance(item, str) and item for item in items):
        raise CheckSyntaxError("expected a name or a list of names", where)
    return tuple(items)


def _text(value: Any, where: Where) -> str | None:
    if value is not None and not isinstance(value, str):
        raise CheckSyntaxError("expected a name", where)
    return value
