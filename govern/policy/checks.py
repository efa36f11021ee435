"""Check operators: compiled from a rule's `check:` data and evaluated by plain Python, never eval.

Operators: present, equals, one_of, matches, contains, min, max, count, all, any, not, each,
attestation, within_days, and the statistical gates on evaluation evidence, evaluation and
red_team (govern.policy.eval_gates).
Each leaf reports what it expected and what it found, at the concrete evidence path.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from govern.evidence.placeholders import has_value, is_placeholder
from govern.policy.paths import (
    ITEM_ROOT,
    MISSING,
    EvidencePath,
    Leaf,
    PathSyntaxError,
    parse_path,
    resolve,
)
from govern.policy.regex import PackPattern, PatternError, compile_pattern

CI_MODES = ("point", "interval", "conservative")
# How deep `not`/`all`/`any`/`each` may nest. Real rules stay under ten levels; a limit keeps a
# hostile pack from exhausting the stack, and evaluation is linear in the check's size below it.
MAX_CHECK_DEPTH = 64
OPERATORS = (
    "contains",
    "each",
    "present",
    "equals",
    "one_of",
    "matches",
    "min",
    "max",
    "count",
    "all",
    "any",
    "not",
    "attestation",
    "within_days",
    "evaluation",
    "red_team",
)


class CheckSyntaxError(ValueError):
    """A check that cannot be compiled; `where` is the path inside the check data."""

    def __init__(self, message: str, where: tuple[str | int, ...] = ()) -> None:
        super().__init__(message)
        self.where = where


# ---------------------------------------------------------------------------------------------
# Compiled checks


@dataclass(frozen=True)
class ParamRef:
    name: str


@dataclass(frozen=True)
class PathRef:
    """A threshold read from the evidence itself, e.g. an evaluation entry's own threshold."""

    path: EvidencePath


Number = float | ParamRef | PathRef


@dataclass(frozen=True)
class Check:
    def params(self) -> list[tuple[str, str]]:
        """(parameter name, direction) pairs: 'min' means a higher value is stricter."""
        return []

    def describe(self, params: dict[str, Any]) -> str:
        raise NotImplementedError


@dataclass(frozen=True)
class Present(Check):
    path: EvidencePath

    def describe(self, params: dict[str, Any]) -> str:
        return f"{self.path} is filled in"


@dataclass(frozen=True)
class Equals(Check):
    path: EvidencePath
    value: Any

    def describe(self, params: dict[str, Any]) -> str:
        return f"{self.path} = {plain(self.value)}"


@dataclass(frozen=True)
class OneOf(Check):
    path: EvidencePath
    values: tuple[Any, ...]

    def describe(self, params: dict[str, Any]) -> str:
        return f"{self.path} is one of {', '.join(plain(v) for v in self.values)}"


@dataclass(frozen=True)
class Matches(Check):
    path: EvidencePath
    pattern: PackPattern

    def describe(self, params: dict[str, Any]) -> str:
        return f"{self.path} matches /{self.pattern.pattern}/"


@dataclass(frozen=True)
class Bound(Check):
    """A threshold. On a bootstrapped metric ({value, ci}) `ci` says how the interval counts:
    `point` gates on the point value, `interval` fails only when the whole interval is beyond
    the threshold (and warns when it straddles it), `conservative` fails unless the whole
    interval is within it."""

    path: EvidencePath
    limit: Number
    is_min: bool
    ci: str = "point"
    # On a fairness metric: the smallest group n the value may rest on; below it the metric is
    # not estimable and the check yields insufficient_evidence, neither pass nor plain fail.
    min_n: Number | None = None

    def params(self) -> list[tuple[str, str]]:
        return bound_params(self.limit, self.is_min, self.min_n)

    def describe(self, params: dict[str, Any]) -> str:
        op = ">=" if self.is_min else "<="
        how = {
            "point": "",
            "interval": " (fails only if the whole confidence interval is beyond)",
            "conservative": " (for the whole confidence interval)",
        }[self.ci]
        enough = ""
        if self.min_n is not None:
            enough = f", on groups of at least {_shown_limit(self.min_n, params)}"
        return f"{self.path} {op} {_shown_limit(self.limit, params)}{how}{enough}"


@dataclass(frozen=True)
class Contains(Check):
    path: EvidencePath
    value: Any

    def describe(self, params: dict[str, Any]) -> str:
        return f"{self.path} includes {plain(self.value)}"


@dataclass(frozen=True)
class Each(Check):
    """For every entry at `path` (for which `when` holds), `check` holds; `item` names the entry.
    No entries means nothing to check: require them with a separate `present` or `count`."""

    path: EvidencePath
    check: Check
    when: Check | None = None

    def params(self) -> list[tuple[str, str]]:
        inner = self.check.params()
        return inner + ([(n, "fixed") for n, _ in self.when.params()] if self.when else [])

    def describe(self, params: dict[str, Any]) -> str:
        condition = f" where {self.when.describe(params)}" if self.when else ""
        return f"for each {self.path}{condition}: {self.check.describe(params)}"


@dataclass(frozen=True)
class Count(Check):
    path: EvidencePath
    at_least: Number | None
    at_most: Number | None

    def params(self) -> list[tuple[str, str]]:
        out = []
        if isinstance(self.at_least, ParamRef):
            out.append((self.at_least.name, "min"))
        if isinstance(self.at_most, ParamRef):
            out.append((self.at_most.name, "max"))
        return out

    def describe(self, params: dict[str, Any]) -> str:
        parts = []
        if self.at_least is not None:
            parts.append(f"at least {_shown_limit(self.at_least, params)}")
        if self.at_most is not None:
            parts.append(f"at most {_shown_limit(self.at_most, params)}")
        return f"{' and '.join(parts)} entries at {self.path}"


@dataclass(frozen=True)
class Combine(Check):
    kind: str  # "all" | "any"
    items: tuple[Check, ...]

    def params(self) -> list[tuple[str, str]]:
        return [p for item in self.items for p in item.params()]

    def describe(self, params: dict[str, Any]) -> str:
        joiner = " and " if self.kind == "all" else " or "
        return joiner.join(item.describe(params) for item in self.items)


@dataclass(frozen=True)
class Not(Check):
    item: Check

    def params(self) -> list[tuple[str, str]]:
        # Negation flips direction; such parameters cannot be tightened safely.
        return [(name, "fixed") for name, _ in self.item.params()]

    def describe(self, params: dict[str, Any]) -> str:
        return f"not ({self.item.describe(params)})"


ASSURANCES = ("recorded", "signed")


@dataclass(frozen=True)
class AttestationCheck(Check):
    """An attestation of `control`; `assurance: signed` accepts only one signed by a listed
    attester (govern.load.seals), `recorded` (the default) also a plain YAML entry."""

    control: str
    max_age_days: Number | None = None
    assurance: str = "recorded"

    def params(self) -> list[tuple[str, str]]:
        if isinstance(self.max_age_days, ParamRef):
            return [(self.max_age_days.name, "max")]
        return []

    def describe(self, params: dict[str, Any]) -> str:
        age = ""
        if self.max_age_days is not None:
            age = f", dated within {plain(numeric(self.max_age_days, params))} days"
        kind = "a signed attestation" if self.assurance == "signed" else "an attestation"
        return f"{kind} of control {self.control!r}{age}"


@dataclass(frozen=True)
class WithinDays(Check):
    """A deadline: the earliest date at `end` is at most `days` days after the date at `start`.
    While `end` holds no date on or before the assessment date, the assessment date stands in:
    an open deadline fails only once it has passed (a report due in 15 days is not late on day 3).
    """

    start: EvidencePath
    end: EvidencePath
    days: Number

    def params(self) -> list[tuple[str, str]]:
        return [(self.days.name, "max")] if isinstance(self.days, ParamRef) else []

    def describe(self, params: dict[str, Any]) -> str:
        return f"{self.end} at most {plain(numeric(self.days, params))} days after {self.start}"


@dataclass(frozen=True)
class Gate(Check):
    """A check that evaluates itself: the gates on evaluation evidence (eval_gates), whose
    verdict weighs intervals, sample sizes and provenance rather than comparing one value."""

    path: EvidencePath

    def run(self, ctx: Context) -> Outcome:
        raise NotImplementedError


def compile_check(
    data: Any, where: tuple[str | int, ...] = (), in_each: bool = False, depth: int = 0
) -> Check:
    if depth >= MAX_CHECK_DEPTH:
        raise CheckSyntaxError(
            f"checks nest more than {MAX_CHECK_DEPTH} levels deep (not/all/any/each); "
            "flatten the rule",
            where,
        )
    if not isinstance(data, dict) or len(data) != 1:
        raise CheckSyntaxError(
            f"a check is a mapping with exactly one operator ({', '.join(OPERATORS)})", where
        )
    ((operator, arg),) = data.items()
    here = (*where, operator)
    if operator not in OPERATORS:
        raise CheckSyntaxError(
            f"unknown operator {operator!r}; known operators: {', '.join(OPERATORS)}", here
        )
    if operator in ("all", "any"):
        if not isinstance(arg, list) or not arg:
            raise CheckSyntaxError(f"'{operator}' takes a non-empty list of checks", here)
        return Combine(
            operator,
            tuple(
                compile_check(item, (*here, i), in_each, depth + 1) for i, item in enumerate(arg)
            ),
        )
    if operator == "not":
        return Not(compile_check(arg, here, in_each, depth + 1))
    if operator == "each":
        args = _args(arg, here, required=("path", "check"), optional=("when",))
        when = args.get("when")
        return Each(
            _path(args["path"], here, in_each),
            compile_check(args["check"], (*here, "check"), True, depth + 1),
            compile_check(when, (*here, "when"), True, depth + 1) if when is not None else None,
        )
    if operator in ("evaluation", "red_team"):
        # Imported here: eval_gates builds on this module's types.
        from govern.policy.eval_gates import compile_gate

        return compile_gate(operator, arg, here)
    if operator == "present":
        return Present(_path(arg, here, in_each))
    if operator == "contains":
        args = _args(arg, here, required=("path", "value"))
        return Contains(_path(args["path"], here, in_each), args["value"])
    if operator == "attestation":
        args = _args(arg, here, required=("control",), optional=("max_age_days", "assurance"))
        if not isinstance(args["control"], str) or not args["control"]:
            raise CheckSyntaxError("'attestation' needs a control id", (*here, "control"))
        max_age = number_arg(args.get("max_age_days"), (*here, "max_age_days"))
        if isinstance(max_age, PathRef):
            raise CheckSyntaxError("max_age_days takes a number or {param: NAME}", here)
        assurance = args.get("assurance", "recorded")
        if assurance not in ASSURANCES:
            raise CheckSyntaxError(
                f"assurance must be one of {', '.join(ASSURANCES)}", (*here, "assurance")
            )
        return AttestationCheck(args["control"], max_age, assurance)
    if operator == "within_days":
        args = _args(arg, here, required=("from", "to", "days"))
        start = _path(args["from"], (*here, "from"), in_each)
        if any(step.kind in ("star", "filter") for step in start.steps):
            raise CheckSyntaxError("'from' must name one date (no [*] or filters)", here)
        days = number_arg(args["days"], (*here, "days"))
        if days is None or isinstance(days, PathRef):
            raise CheckSyntaxError("'days' takes a number or {param: NAME}", (*here, "days"))
        return WithinDays(start, _path(args["to"], (*here, "to"), in_each), days)
    if operator == "count":
        args = _args(arg, here, required=("path",), optional=("min", "max"))
        if "min" not in args and "max" not in args:
            raise CheckSyntaxError("'count' needs min, max or both", here)
        return Count(
            _path(args["path"], here, in_each),
            number_arg(args.get("min"), here),
            number_arg(args.get("max"), here),
        )
    if operator in ("min", "max"):
        args = _args(arg, here, required=("path", "value"), optional=("ci", "min_n"))
        limit = number_arg(args["value"], (*here, "value"), in_each)
        assert limit is not None
        ci = args.get("ci", "point")
        if ci not in CI_MODES:
            raise CheckSyntaxError(f"ci must be one of {', '.join(CI_MODES)}", (*here, "ci"))
        min_n = number_arg(args.get("min_n"), (*here, "min_n"))
        if isinstance(min_n, PathRef):
            raise CheckSyntaxError("min_n takes a number or {param: NAME}", (*here, "min_n"))
        path = _path(args["path"], here, in_each)
        return Bound(path, limit, operator == "min", ci, min_n)
    if operator == "equals":
        args = _args(arg, here, required=("path", "value"))
        return Equals(_path(args["path"], here, in_each), args["value"])
    if operator == "one_of":
        args = _args(arg, here, required=("path", "values"))
        if not isinstance(args["values"], list) or not args["values"]:
            raise CheckSyntaxError("'one_of' needs a non-empty list of values", (*here, "values"))
        return OneOf(_path(args["path"], here, in_each), tuple(args["values"]))
    args = _args(arg, here, required=("path", "pattern"))
    try:
        pattern = compile_pattern(str(args["pattern"]))
    except PatternError as exc:
        raise CheckSyntaxError(f"invalid regular expression: {exc}", (*here, "pattern")) from None
    return Matches(_path(args["path"], here, in_each), pattern)


def _args(
    arg: Any,
    where: tuple[str | int, ...],
    required: tuple[str, ...],
    optional: tuple[str, ...] = (),
) -> dict[str, Any]:
    if not isinstance(arg, dict):
        raise CheckSyntaxError(f"expected a mapping with {', '.join(required)}", where)
    unknown = set(arg) - set(required) - set(optional)
    if unknown:
        raise CheckSyntaxError(f"unknown argument {sorted(unknown)[0]!r}", where)
    missing = [name for name in required if name not in arg]
    if missing:
        raise CheckSyntaxError(f"missing argument {missing[0]!r}", where)
    return arg


def _path(text: Any, where: tuple[str | int, ...], in_each: bool = False) -> EvidencePath:
    try:
        path = parse_path(text)
    except PathSyntaxError as exc:
        raise CheckSyntaxError(f"invalid path {text!r}: {exc}", where) from None
    if path.root == ITEM_ROOT and not in_each:
        raise CheckSyntaxError(f"path {text!r}: 'item' is only defined inside 'each'", where)
    return path


def bound_params(limit: Number | None, is_min: bool, min_n: Number | None) -> list[tuple[str, str]]:
    """The pack parameters a bound reads, each with the direction a tightening may move it:
    the limit the way the bound points, a minimum group size only up."""
    out = []
    if isinstance(limit, ParamRef):
        out.append((limit.name, "min" if is_min else "max"))
    if isinstance(min_n, ParamRef):
        out.append((min_n.name, "min"))
    return out


def number_arg(value: Any, where: tuple[str | int, ...], in_each: bool = False) -> Number | None:
    """A numeric operand as a pack writes it: a number, `{param: NAME}` or `{path: PATH}`."""
    if value is None:
        return None
    if isinstance(value, dict) and set(value) == {"param"} and isinstance(value["param"], str):
        return ParamRef(value["param"])
    if isinstance(value, dict) and set(value) == {"path"}:
        path = _path(value["path"], where, in_each)
        if any(step.kind in ("star", "filter") for step in path.steps):
            raise CheckSyntaxError(
                "a threshold path must name one value (no [*] or filters)", where
            )
        return PathRef(path)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise CheckSyntaxError(
            f"expected a number, {{param: NAME}} or {{path: PATH}}, found {value!r}", where
        )
    return float(value)


def numeric(value: Number, params: dict[str, Any]) -> float:
    """A compiled number or parameter as the value a comparison uses (paths need the evidence)."""
    if isinstance(value, ParamRef):
        return float(params[value.name])
    if isinstance(value, PathRef):
        raise TypeError("a path threshold needs the evidence: use _limit()")
    return value


def _shown_limit(value: Number, params: dict[str, Any]) -> str:
    return (
        f"the value of {value.path}"
        if isinstance(value, PathRef)
        else plain(numeric(value, params))
    )


def plain(value: Any) -> str:
    """A value as expectations and messages spell it: true, null, 3 for 3.0, text quoted and cut
    at 60 characters."""
    if value is MISSING:
        return "missing"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, str):
        text = value if len(value) <= 60 else value[:57] + "..."
        return repr(text)
    if isinstance(value, dt.date):
        return value.isoformat()
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


# ---------------------------------------------------------------------------------------------
# Evaluation

PASS, FAIL, ERROR, NEEDS_ATTESTATION = "pass", "fail", "error", "needs_attestation"
# The evidence cannot estimate what the check measures: never a pass, never a plain fail.
INSUFFICIENT = "insufficient_evidence"
WARN = "warn"


class LeafFinding(NamedTuple):
    """One piece of evidence that did not meet the check.

    `held` marks a failed `not`: the value is there and meets the check it must not meet (so a
    placeholder found this way is a value to change, not a missing one). A named tuple, as Held
    and Observed: every value a passing rule shows is worded as one and looked up by it, and a
    tuple is made and hashed in C."""

    expected: str
    found: str
    path: tuple[str | int, ...]
    status: str = FAIL
    held: bool = False


@dataclass(frozen=True)
class AttestationUse:
    control: str
    attestation: Any  # govern.evidence.attestation.Attestation | None
    problem: str | None = None
    seal: Any = None  # govern.load.seals.Seal | None
    # signed, recorded or invalid (a bad signature, or a certificate not valid at the date).
    assurance: str | None = None


class Held(NamedTuple):
    """Where a check that holds found what it needs, and what is there: the subject a failed
    `not` points at. `text` describes it when it is not one value ("3 entries")."""

    path: tuple[str | int, ...]
    value: Any = None
    text: str | None = None

    def found(self) -> str:
        return self.text if self.text is not None else show_value(self.value)


class Observed(NamedTuple):
    """A value a check that holds compared: its expectation, where it is and what is there.

    Worded (`finding`) only when a result shows it: a pass may compare thousands of values, of
    which a result shows a few and counts the rest. Held and Observed are named tuples, not
    frozen dataclasses: a check makes one per value it reads, and a tuple is made in half the
    time."""

    expected: str
    path: tuple[str | int, ...]
    value: Any = None
    text: str | None = None

    def finding(self) -> LeafFinding:
        found = self.text if self.text is not None else show_value(self.value)
        return LeafFinding(self.expected, found, self.path, PASS)


@dataclass
class Outcome:
    """A check's result. `held` is gathered in the same pass, so that `not` over `all`/`any`
    never evaluates its operand again: evaluation stays linear in the size of the check."""

    status: str
    findings: list[LeafFinding] = field(default_factory=list)
    attestations: list[AttestationUse] = field(default_factory=list)
    warnings: list[LeafFinding] = field(default_factory=list)
    held: list[Held] = field(default_factory=list)
    # For a pass: what the check compared, each leaf's expectation and the value it found (see
    # govern.policy.reads), gathered in the same pass so a passing rule is never evaluated twice.
    observed: list[Observed] = field(default_factory=list)


@dataclass
class EntryMemo:
    """One entry of a shared view as `each` bodies see it: the view with `item` naming the
    entry, and the leaves resolved and outcomes evaluated in it (rebased: moved to the entry's
    own path, by the body's key)."""

    view: dict[str, Any]
    resolved: dict[str, list[Leaf]] = field(default_factory=dict)
    outcomes: dict[int, Outcome] = field(default_factory=dict)
    rebased: dict[int, Outcome] = field(default_factory=dict)


@dataclass(slots=True)
class Context:
    """What checks evaluate against: the evidence view, rule params, attestations, the clock.

    Never changed once made (treat it as frozen). Not declared frozen: a frozen dataclass sets
    each field through object.__setattr__, five times the cost of making it, and a system's run
    makes one per rule and per `each` entry."""

    view: dict[str, Any]
    params: dict[str, Any]
    find_attestation: Callable[[str], list[Any]]
    as_of: dt.date
    # The seal (govern.load.seals.Seal) of the attestation at an index; None: recorded.
    seal_of: Callable[[int], Any] = field(default=lambda index: None)
    # Leaves already resolved against this very view, by path text: the rules of one system
    # read the same fields again and again. None: resolve afresh (an `each` entry's view).
    resolved: dict[str, list[Leaf]] | None = None
    # Each check's description with these params, by the check's id: the caller's rule keeps it
    # (govern.policy.model.Rule.expectations), so a rule words its checks once, not per system.
    # None: describe afresh.
    expectations: dict[int, str] | None = None
    # Outcomes already evaluated against this very view, by the part's canonical key; `keys`
    # gives each part of the rule's check its key, by the part's id (see
    # govern.engine.compiled_rules.check_keys). The rules of one system ask the same questions
    # again and again ("model_card.identity.name is filled in", an attestation of a control):
    # each is answered once. None: evaluate afresh.
    outcomes: dict[int, Outcome] | None = None
    keys: dict[int, int] | None = None
    # What the `each` bodies of one system's rules found in each entry of the view, by the
    # entry's path: an entry is the same whichever rule walks it, so what is resolved and
    # evaluated in it is kept for the next rule. None: nothing is kept (an entry's own context).
    entries: dict[tuple[str | int, ...], EntryMemo] | None = None

    def expected(self, check: Check) -> str:
        """`check.describe(self.params)`, once per check for a kept cache of expectations."""
        if self.expectations is None:
            return check.describe(self.params)
        text = self.expectations.get(id(check))
        if text is None:
            text = self.expectations[id(check)] = check.describe(self.params)
        return text

    def for_item(self, item: Any, where: tuple[str | int, ...] | None = None) -> Context:
        """The context an `each` body evaluates in: `item` names the entry, whose paths are not
        the shared view's. With the entry's place in a view whose entries are kept (`entries`),
        what the body resolves and evaluates in it is kept with the entry; else nothing is."""
        memo = None
        if where is not None and self.entries is not None:
            memo = self.entries.get(where)
            if memo is None:
                memo = self.entries[where] = EntryMemo({**self.view, ITEM_ROOT: item})
        if memo is None:
            view, resolved, outcomes = {**self.view, ITEM_ROOT: item}, None, None
        else:
            view, resolved, outcomes = memo.view, memo.resolved, memo.outcomes
        return Context(
            view=view,
            params=self.params,
            find_attestation=self.find_attestation,
            as_of=self.as_of,
            seal_of=self.seal_of,
            resolved=resolved,
            expectations=self.expectations,
            outcomes=outcomes,
            keys=self.keys,
        )

    def resolve(self, path: EvidencePath) -> list[Leaf]:
        """`resolve(path, self.view)`, once per path for a shared view. Callers do not mutate."""
        if self.resolved is None:
            return resolve(path, self.view)
        leaves = self.resolved.get(path.text)
        if leaves is None:
            leaves = self.resolved[path.text] = resolve(path, self.view)
        return leaves


def is_automated(check: Check) -> bool:
    """Some part of the check reads evidence, rather than only asking for an attestation."""
    if isinstance(check, AttestationCheck):
        return False
    if isinstance(check, Combine):
        return any(is_automated(item) for item in check.items)
    if isinstance(check, Not):
        return is_automated(check.item)
    if isinstance(check, Each):
        return is_automated(check.check)
    return True


def is_present(value: Any) -> bool:
    return value is not MISSING and has_value(value)


def evaluate(check: Check, ctx: Context) -> Outcome:
    """The check's outcome against the context's evidence. An outcome may be handed to several
    callers (see Context.outcomes): none mutates one it did not make."""
    outcomes = ctx.outcomes
    if outcomes is not None and ctx.keys is not None:
        key = ctx.keys.get(id(check))
        if key is not None:
            outcome = outcomes.get(key)
            if outcome is None:
                outcome = outcomes[key] = _evaluate(check, ctx)
            return outcome
    return _evaluate(check, ctx)


def _evaluate(check: Check, ctx: Context) -> Outcome:
    if check.__class__ is Present:
        return _present(check, ctx)
    if isinstance(check, Combine):
        return _combine(check, ctx)
    if isinstance(check, Not):
        return _negate(check, ctx)
    if isinstance(check, AttestationCheck):
        return _attestation(check, ctx)
    if isinstance(check, Each):
        return _each(check, ctx)
    if isinstance(check, WithinDays):
        return _within_days(check, ctx)
    if isinstance(check, Gate):
        return _gate(check, ctx)
    leaves = ctx.resolve(check.path)  # type: ignore[attr-defined]
    if isinstance(check, Count):
        return _count(check, leaves, ctx)
    # Described once per check, not once per value it reads: the text is the same for all.
    expected = ctx.expected(check)
    results = [f for leaf in leaves if (f := _leaf(check, leaf, ctx, expected)) is not None]
    findings = [f for f in results if f.status != WARN]
    warnings = [f for f in results if f.status == WARN]
    if not findings:
        return Outcome(
            PASS,
            warnings=warnings,
            held=[Held(x.path, x.value) for x in leaves],
            observed=[Observed(expected, x.path, x.value) for x in leaves],
        )
    statuses = {f.status for f in findings}
    status = next(s for s in (FAIL, ERROR, INSUFFICIENT) if s in statuses)
    return Outcome(status, findings, warnings=warnings)


def _present(check: Present, ctx: Context) -> Outcome:
    """`_evaluate` of the commonest check (three in five a system's rules ask), in one pass:
    what `_leaf` says of each value for `present`, which never warns."""
    leaves = ctx.resolve(check.path)
    expected = ctx.expected(check)
    findings = [
        LeafFinding(expected, _describe_absent(leaf.value), leaf.path)
        for leaf in leaves
        if not is_present(leaf.value)
    ]
    if findings:
        return Outcome(FAIL, findings)
    return Outcome(
        PASS,
        [],
        [],
        [],
        [Held(x.path, x.value) for x in leaves],
        [Observed(expected, x.path, x.value) for x in leaves],
    )


def _negate(check: Not, ctx: Context) -> Outcome:
    inner = evaluate(check.item, ctx)
    expected = ctx.expected(check)
    if inner.status == FAIL:
        seen = [Observed(expected, f.path, text=f.found) for f in inner.findings]
        return Outcome(
            PASS,
            held=[Held(f.path, text=f.found) for f in inner.findings],
            observed=seen or [Observed(expected, (), text="it does not hold")],
        )
    if inner.status != PASS:
        return inner
    held = inner.held or [Held((), text="it holds")]
    return Outcome(FAIL, [LeafFinding(expected, h.found(), h.path, held=True) for h in held])


def show_value(value: Any) -> str:
    """A value as a finding shows it: placeholders named as such, metrics with their interval."""
    if is_placeholder(value):
        return _describe_absent(value)
    if isinstance(value, dict) and "value" in value:
        interval = value.get("ci")
        ends = interval if isinstance(interval, dict) else {}
        lower, upper = ends.get("lower"), ends.get("upper")
        both = _is_number(lower) and _is_number(upper)
        return plain(value["value"]) + (f" [{lower:.4g}, {upper:.4g}]" if both else "")
    return plain(value)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _gate(check: Gate, ctx: Context) -> Outcome:
    """A gate's outcome, with what a passing gate compared observed like any other check's."""
    outcome = check.run(ctx)
    if outcome.status == PASS and not outcome.observed:
        expected = ctx.expected(check)
        outcome.observed = [Observed(expected, h.path, h.value, h.text) for h in outcome.held]
    return outcome


def _each(check: Each, ctx: Context) -> Outcome:
    outcomes = []
    leaves = ctx.resolve(check.path)
    kept = ctx.entries
    key = None if ctx.keys is None else ctx.keys.get(id(check.check))
    for leaf in leaves:
        if leaf.value is MISSING:
            continue
        inner = ctx.for_item(leaf.value, leaf.path)
        if check.when is not None and evaluate(check.when, inner).status != PASS:
            continue
        memo = kept.get(leaf.path) if kept is not None else None
        if memo is None or key is None:
            outcomes.append(_rebase(evaluate(check.check, inner), leaf.path))
            continue
        rebased = memo.rebased.get(key)
        if rebased is None:
            rebased = memo.rebased[key] = _rebase(evaluate(check.check, inner), leaf.path)
        outcomes.append(rebased)
    statuses = [o.status for o in outcomes]
    order = (FAIL, ERROR, INSUFFICIENT, NEEDS_ATTESTATION)
    status = next((s for s in order if s in statuses), PASS)
    held = [h for o in outcomes for h in o.held]
    if not held:
        held = [Held(_count_location(leaves), text="no entries")]
    observed = [seen for o in outcomes for seen in o.observed]
    if not observed:
        expected = ctx.expected(check)
        where = _count_location(leaves)
        entries = sum(1 for leaf in leaves if leaf.value is not MISSING)
        found = (
            f"no entries to check ({entries} {'entry' if entries == 1 else 'entries'}, none "
            "meeting the rule's condition)"
            if entries and check.when is not None
            else "no entries to check"
        )
        observed = [Observed(expected, where, text=found)]
    return Outcome(
        status,
        [f for o in outcomes if o.status != PASS for f in o.findings],
        [a for o in outcomes for a in o.attestations],
        [w for o in outcomes for w in o.warnings],
        held,
        observed,
    )


def _rebase(outcome: Outcome, base: tuple[str | int, ...]) -> Outcome:
    """Turn `item.x` paths of an `each` body into the concrete path of the entry."""

    def move(path: tuple[str | int, ...]) -> tuple[str | int, ...]:
        return (*base, *path[1:]) if path[:1] == (ITEM_ROOT,) else path

    return Outcome(
        outcome.status,
        [f._replace(path=move(f.path)) for f in outcome.findings],
        outcome.attestations,
        [w._replace(path=move(w.path)) for w in outcome.warnings],
        [h._replace(path=move(h.path)) for h in outcome.held],
        [o._replace(path=move(o.path)) for o in outcome.observed],
    )


def _limit(value: Number, ctx: Context) -> float | None:
    """A threshold's value; None when it reads the evidence and finds no number there."""
    if not isinstance(value, PathRef):
        return numeric(value, ctx.params)
    leaves = ctx.resolve(value.path)
    found = leaves[0].value if leaves else MISSING
    if isinstance(found, bool) or not isinstance(found, int | float):
        return None
    return float(found)


def _combine(check: Combine, ctx: Context) -> Outcome:
    # One loop over the operands' outcomes rather than a comprehension per list: every rule
    # combines its checks, so this runs a few hundred times per system.
    outcomes = [evaluate(item, ctx) for item in check.items]
    attestations: list[AttestationUse] = []
    warnings: list[LeafFinding] = []
    failed: list[LeafFinding] = []  # the findings of operands that did not pass
    every: list[LeafFinding] = []
    observed: list[Observed] = []
    statuses = set()
    held: list[Held] | None = None  # the first passing operand's, if it has any
    passed: list[Observed] | None = None  # the first passing operand's observations
    for o in outcomes:
        status = o.status
        statuses.add(status)
        attestations += o.attestations
        warnings += o.warnings
        every += o.findings
        observed += o.observed
        if status != PASS:
            failed += o.findings
        else:
            if passed is None:
                passed = o.observed
            if held is None and o.held:
                held = o.held
    if check.kind == "all":
        order = (FAIL, ERROR, INSUFFICIENT, NEEDS_ATTESTATION)
        status = next((s for s in order if s in statuses), PASS)
        findings = failed
    else:
        order = (PASS, NEEDS_ATTESTATION, INSUFFICIENT, ERROR)
        status = next((s for s in order if s in statuses), FAIL)
        findings = [] if status == PASS else every
        # An `any` that holds rests on its first operand that holds.
        observed = passed if passed is not None else []
    return Outcome(status, findings, attestations, warnings, held or [], observed)


def _leaf(check: Check, leaf: Leaf, ctx: Context, expected: str) -> LeafFinding | None:
    value = leaf.value
    if isinstance(check, Present):
        if is_present(value):
            return None
        return LeafFinding(expected, _describe_absent(value), leaf.path)
    if isinstance(check, Bound) and check.min_n is not None:
        small = _small_group(leaf.path, ctx.view, numeric(check.min_n, ctx.params))
        if small is not None:
            return LeafFinding(expected, f"{show_value(value)}: {small}", leaf.path, INSUFFICIENT)
    if isinstance(check, Bound) and isinstance(value, dict) and "value" in value:
        return _bound_metric(check, value, leaf.path, expected, ctx)
    if isinstance(check, Bound) and is_placeholder(value):
        found = f"{_describe_absent(value)}: no value to compare with the threshold"
        return LeafFinding(expected, found, leaf.path, INSUFFICIENT)
    if value is MISSING or value is None:
        return LeafFinding(expected, "missing", leaf.path)
    if isinstance(check, Equals):
        return None if _same(value, check.value) else LeafFinding(expected, plain(value), leaf.path)
    if isinstance(check, OneOf):
        ok = any(_same(value, option) for option in check.values)
        return None if ok else LeafFinding(expected, plain(value), leaf.path)
    if isinstance(check, Contains):
        if not isinstance(value, list):
            return LeafFinding(expected, f"{plain(value)} (not a list)", leaf.path, ERROR)
        ok = any(_same(item, check.value) for item in value)
        return None if ok else LeafFinding(expected, plain(value), leaf.path)
    if isinstance(check, Matches):
        if not isinstance(value, str):
            return LeafFinding(expected, f"{plain(value)} (not text)", leaf.path, ERROR)
        return (
            None if check.pattern.search(value) else LeafFinding(expected, plain(value), leaf.path)
        )
    if isinstance(check, Bound):
        if isinstance(value, bool) or not isinstance(value, int | float):
            return LeafFinding(expected, f"{plain(value)} (not a number)", leaf.path, ERROR)
        limit = _limit(check.limit, ctx)
        if limit is None:
            return LeafFinding(
                expected, f"{plain(value)}, but no threshold to compare with", leaf.path
            )
        ok = value >= limit if check.is_min else value <= limit
        return None if ok else LeafFinding(expected, plain(value), leaf.path)
    raise AssertionError(f"unhandled check {check!r}")


def _bound_metric(
    check: Bound, metric: dict[str, Any], path: tuple[str | int, ...], expected: str, ctx: Context
) -> LeafFinding | None:
    """A threshold on a bootstrapped metric ({value, ci: {lower, upper}})."""
    limit = _limit(check.limit, ctx)
    point = metric.get("value")
    if limit is None:
        return LeafFinding(expected, "no threshold to compare with", path)
    interval = metric.get("ci") or {}
    lower, upper = interval.get("lower"), interval.get("upper")
    if point is None:
        why = metric.get("reason") or (
            "the evidence cannot estimate this metric, e.g. a group with no positives"
        )
        return LeafFinding(expected, f"undefined (null: {why})", path, INSUFFICIENT)

    def within(x: float) -> bool:
        return x >= limit if check.is_min else x <= limit

    # Point and interval at the same precision, so neither looks more exact than the other.
    shown = (
        f"{point:.4g} [{lower:.4g}, {upper:.4g}]"
        if lower is not None and upper is not None
        else f"{plain(point)}"
    )
    if check.ci == "point" or lower is None or upper is None:
        result = None if within(point) else LeafFinding(expected, shown, path)
        if check.ci != "point" and result is None:
            return LeafFinding(
                expected, f"{shown}: no confidence interval, gated on the point value", path, WARN
            )
        return result
    near, far = (upper, lower) if check.is_min else (lower, upper)
    if within(far):
        return None
    if check.ci == "conservative" or not within(near):
        return LeafFinding(expected, shown, path)
    return LeafFinding(expected, f"{shown}: the interval straddles the threshold", path, WARN)


def _within_days(check: WithinDays, ctx: Context) -> Outcome:
    expected = ctx.expected(check)
    (start,) = ctx.resolve(check.start)
    if not isinstance(start.value, dt.date):
        shown = "missing" if start.value is MISSING or start.value is None else "not a date"
        return Outcome(FAIL, [LeafFinding(expected, f"{check.start} is {shown}", start.path)])
    ends = [
        leaf
        for leaf in ctx.resolve(check.end)
        if isinstance(leaf.value, dt.date) and leaf.value <= ctx.as_of
    ]
    limit = numeric(check.days, ctx.params)
    if ends:
        first = min(ends, key=lambda leaf: leaf.value)
        elapsed = (first.value - start.value).days
        found = f"{first.value} ({elapsed} days after {start.value})"
        where = first.path
    else:
        elapsed = (ctx.as_of - start.value).days
        found = f"none by {ctx.as_of} ({elapsed} days after {start.value})"
        where = _count_location(ctx.resolve(check.end))
    if elapsed > limit:
        return Outcome(FAIL, [LeafFinding(expected, found, where)])
    observed = [
        Observed(expected, leaf.path, leaf.value) for leaf in (start, *ctx.resolve(check.end))
    ]
    return Outcome(PASS, held=[Held(where, text=found)], observed=observed)


def _small_group(path: tuple[str | int, ...], view: dict[str, Any], min_n: float) -> str | None:
    """Which group a fairness value rests on has fewer than `min_n` members, or None.

    A group's own metric rests on that group; a disparity on every group of its feature. Values
    outside a fairness report's features have no group size, so min_n does not apply to them.
    """
    if len(path) < 4 or path[0] != "fairness" or path[2] != "features":
        return None
    try:
        feature = view["fairness"][path[1]]["features"][path[3]]
        groups = feature["groups"]
    except (KeyError, IndexError, TypeError):
        return None
    if len(path) > 5 and path[4] == "groups" and isinstance(path[5], int):
        groups = groups[path[5] : path[5] + 1]
    small = [g for g in groups if isinstance(g.get("count"), int) and g["count"] < min_n]
    if not small:
        return None
    g = min(small, key=lambda group: group["count"])
    more = f" (and {len(small) - 1} more)" if len(small) > 1 else ""
    return (
        f"group {g.get('group')!r} has n={g['count']}{more}, below the pack's minimum "
        f"{plain(min_n)}: not estimable"
    )


def _count(check: Count, leaves: list[Leaf], ctx: Context) -> Outcome:
    count = sum(1 for leaf in leaves if is_present(leaf.value))
    low = _limit(check.at_least, ctx) if check.at_least is not None else None
    high = _limit(check.at_most, ctx) if check.at_most is not None else None
    if (low is None or count >= low) and (high is None or count <= high):
        where = _count_location(leaves)
        seen = Observed(ctx.expected(check), where, text=f"{count} entries")
        return Outcome(PASS, held=[Held(where, text=f"{count} entries")], observed=[seen])
    where = _count_location(leaves)
    return Outcome(FAIL, [LeafFinding(ctx.expected(check), f"{count} entries", where)])


def _count_location(leaves: list[Leaf]) -> tuple[str | int, ...]:
    """Where the entries counted live: the list itself, or the branch that broke off."""
    if leaves and leaves[0].value is not MISSING:
        return leaves[0].path[:-1]
    return leaves[0].path if leaves else ()


def _attestation(check: AttestationCheck, ctx: Context) -> Outcome:
    """An invalid signature fails the rule closed whatever else is there: an altered or forged
    attestation is worse than none. Otherwise the first entry that is sound, current and of the
    assurance the pack asks for passes; if none is, the rule still needs an attestation."""
    expected = ctx.expected(check)
    candidates = ctx.find_attestation(check.control)
    if not candidates:
        finding = LeafFinding(
            expected, "no attestation for this control", ("attestations",), NEEDS_ATTESTATION
        )
        return Outcome(NEEDS_ATTESTATION, [finding], [AttestationUse(check.control, None)])
    max_age = numeric(check.max_age_days, ctx.params) if check.max_age_days is not None else None
    uses = []
    for index, attestation in candidates:
        seal = ctx.seal_of(index)
        problem = _seal_problem(seal, ctx.as_of)
        if problem is not None:
            use = AttestationUse(check.control, attestation, problem, seal, "invalid")
            finding = LeafFinding(expected, problem, ("attestations", index), FAIL)
            return Outcome(FAIL, [finding], [use])
        uses.append((index, attestation, seal))
    problems = []
    for index, attestation, seal in uses:
        level = seal.level if seal is not None else "recorded"
        problem = _attestation_problem(attestation, ctx.as_of, max_age)
        if problem is None and check.assurance == "signed" and level != "signed":
            problem = (
                f"attestation by {attestation.attested_by.name} is recorded (unsigned); "
                "the pack requires one signed by a listed attester (`govern attest sign`)"
            )
        if problem is None:
            shown = f"attested by {attestation.attested_by.name} ({level})"
            held = Held(("attestations", index), text=shown)
            use = AttestationUse(check.control, attestation, None, seal, level)
            seen = Observed(expected, ("attestations",), text=_attested(attestation))
            return Outcome(PASS, [], [use], held=[held], observed=[seen])
        problems.append((index, attestation, problem, seal, level))
    index, attestation, problem, seal, level = problems[-1]
    finding = LeafFinding(expected, problem, ("attestations", index), NEEDS_ATTESTATION)
    use = AttestationUse(check.control, attestation, problem, seal, level)
    return Outcome(NEEDS_ATTESTATION, [finding], [use])


def _attested(attestation: Any) -> str:
    person = attestation.attested_by
    role = f" ({person.role})" if getattr(person, "role", None) else ""
    return f"attested by {person.name}{role} on {attestation.date}"


def _seal_problem(seal: Any, as_of: dt.date) -> str | None:
    """Why a signature makes its attestation invalid at `as_of`, or None."""
    if seal is None or seal.level == "recorded":
        return None
    if seal.level == "invalid":
        return f"invalid signature: {seal.problem}"
    if seal.not_after is not None and as_of > seal.not_after:
        return f"invalid signature: {seal.attester}'s certificate expired on {seal.not_after}"
    if seal.not_before is not None and as_of < seal.not_before:
        return f"invalid signature: {seal.attester}'s certificate is valid from {seal.not_before}"
    return None


def _attestation_problem(attestation: Any, as_of: dt.date, max_age: float | None) -> str | None:
    unsigned = _unsigned(attestation)
    if unsigned is not None:
        return unsigned
    who = attestation.attested_by.name
    if attestation.date > as_of:
        return (
            f"attestation by {who} is dated {attestation.date}, after the assessment date {as_of}"
        )
    if attestation.expires is not None and attestation.expires < as_of:
        return f"attestation by {who} expired on {attestation.expires}"
    if max_age is not None and (as_of - attestation.date).days > max_age:
        return f"attestation by {who} dated {attestation.date} is older than {plain(max_age)} days"
    return None


def _unsigned(attestation: Any) -> str | None:
    """A signer or statement left as a placeholder attests nothing, as a placeholder approver
    waives nothing: the attestation is malformed."""
    signer = attestation.attested_by
    fields = (
        ("attested_by.name", signer.name),
        ("attested_by.role", signer.role),
        ("statement", attestation.statement),
    )
    for name, value in fields:
        if value is not None and is_placeholder(value):
            return (
                f"attestation {name} is {_describe_absent(value)}; "
                "a malformed attestation attests nothing"
            )
    return None


def _describe_absent(value: Any) -> str:
    if value is MISSING or value is None:
        return "missing"
    if isinstance(value, str):
        return "empty" if not value.strip() else f"placeholder {plain(value)}"
    return "empty"


def _same(found: Any, expected: Any) -> bool:
    if isinstance(expected, bool) or isinstance(found, bool):
        return found is expected
    if isinstance(found, int | float) and isinstance(expected, int | float):
        return float(found) == float(expected)
    if isinstance(found, dt.date) and isinstance(expected, str):
        return found.isoformat() == expected
    return bool(found == expected)
