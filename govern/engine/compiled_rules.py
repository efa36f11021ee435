"""The part of each rule's result that depends on the rule alone, worked out once per pack set.

A run over a portfolio assesses the same few hundred rules for every system: their titles,
references, tightenings and fairness gates, and the check in words, are the same each time, so
each rule's result is validated once per loaded pack set, as a template, and every system's
result is that template with the fields the system decides (status, message, findings...).
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from functools import cached_property
from typing import Any, TypeVar

from pydantic import BaseModel

from govern.engine.assessment import (
    AttestationInfo,
    EffectiveDate,
    EvidenceRead,
    FairnessGate,
    Finding,
    RuleResult,
    Status,
    TighteningInfo,
    WaiverInfo,
)
from govern.policy.checks import (
    AttestationCheck,
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
    Present,
    WithinDays,
)
from govern.policy.loader import PackSet
from govern.policy.model import Rule

# The checks whose evaluation reads no parameter but those their params() names. Any other kind
# (the evaluation gates, a check added later) is keyed with all of its rule's parameters.
_PARAMS_NAMED = (
    AttestationCheck,
    Bound,
    Combine,
    Contains,
    Count,
    Equals,
    Matches,
    Not,
    OneOf,
    Present,
    WithinDays,
)


@dataclass(frozen=True)
class CompiledRule:
    """A loaded rule with its result validated once, as far as it does not depend on the system."""

    rule: Rule
    # Its fields that depend on the rule alone are every result's: they are never mutated.
    template: RuleResult
    # When the rule applies, as canonical text: rules with the same conditions share one answer
    # per system (None: it always applies).
    condition: str | None
    # Each part of the check by its id: the key of its outcome, the same for every part that
    # asks the same question with the same parameters, whichever rule it is in (see
    # govern.policy.checks.Context.outcomes; an `each` body's outcome is kept per entry).
    keys: dict[int, int]

    def result(
        self,
        *,
        status: Status,
        gating: bool,
        message: str,
        found: str,
        effective: EffectiveDate | None,
        findings: list[Finding],
        notes: list[Finding],
        waiver: WaiverInfo | None,
        attestations: list[AttestationInfo],
        observations: list[Finding],
        evidence_read: list[EvidenceRead],
    ) -> RuleResult:
        """The rule's result for one system. Not validated again: the template was, and these
        fields are typed as the model types them (tests/engine/test_compiled_rules.py checks
        that validating a result changes nothing). Made as `model_copy(update=...)` makes it,
        without its generic steps (a template has no extra or private fields to copy)."""
        decided = {
            "status": status,
            "gating": gating,
            "message": message,
            "found": found,
            "effective": effective,
            "findings": findings,
            "notes": notes,
            "waiver": waiver,
            "attestations": attestations,
            "observations": observations,
            "evidence_read": evidence_read,
        }
        values = self.template.__dict__ | decided
        return unvalidated(RuleResult, values, self.fields_set.copy())

    @cached_property
    def fields_set(self) -> set[str]:
        """A result's fields set: the template's and those `result` decides (each result gets
        its own copy, as from model_copy)."""
        return self.template.__pydantic_fields_set__ | _DECIDED


# The fields `CompiledRule.result` sets for each system: its keyword parameters.
_DECIDED = frozenset(inspect.signature(CompiledRule.result).parameters) - {"self"}


_M = TypeVar("_M", bound=BaseModel)
_setattr = object.__setattr__
# BaseModel's slots, set through their descriptors: `model`'s own __setattr__ refuses (frozen),
# and object.__setattr__ looks each name up first.
_set_fields_set = BaseModel.__dict__["__pydantic_fields_set__"].__set__
_set_extra = BaseModel.__dict__["__pydantic_extra__"].__set__
_set_private = BaseModel.__dict__["__pydantic_private__"].__set__


def unvalidated(model: type[_M], values: dict[str, Any], fields_set: set[str] | None = None) -> _M:
    """The model `model(**values)` would make, without validating again what the engine typed:
    `values` holds every field of the model, in its order, each of the field's own type (a
    system's results cite some 750 places and values, each a model). `fields_set` defaults to
    every field given. tests/engine/test_compiled_rules.py holds what this makes to its
    validated self."""
    made = object.__new__(model)
    _setattr(made, "__dict__", values)
    _set_fields_set(made, set(values) if fields_set is None else fields_set)
    _set_extra(made, None)
    _set_private(made, None)
    return made


def check_keys(rule: Rule, interned: dict[str, int]) -> dict[int, int]:
    """The outcome key of each part of the rule's check, by the part's id.

    A key stands for the part's full text (its repr: kind, paths, values with their types, so
    that 1, 1.0 and true differ) and the values of the parameters its evaluation and wording
    read: two parts with the same key have the same outcome against one system's evidence."""
    keys: dict[int, int] = {}
    params = rule.params
    stack: list[Check] = [rule.check]
    while stack:
        check = stack.pop()
        if type(check) in _PARAMS_NAMED:
            names = sorted({name for name, _ in check.params()})
        else:
            names = sorted(params)
        used = [(name, params.get(name, _UNSET)) for name in names]
        kind = type(check)
        text = f"{kind.__module__}.{kind.__qualname__} {check!r} {used!r}"
        keys[id(check)] = interned.setdefault(text, len(interned))
        if isinstance(check, Combine):
            stack.extend(check.items)
        elif isinstance(check, Not):
            stack.append(check.item)
        elif isinstance(check, Each):
            # Its body is evaluated per entry: the key stands for the body in each entry.
            stack.append(check.check)
            if check.when is not None:
                stack.append(check.when)
    return keys


_UNSET = "<unset>"


def compile_rule(rule: Rule, interned: dict[str, int] | None = None) -> CompiledRule:
    return CompiledRule(
        rule,
        RuleResult(
            status="not_applicable",
            gating=False,
            message="",
            rule_id=rule.id,
            title=rule.spec.title,
            pack=rule.pack.id,
            framework=rule.framework,
            refs={k: list(v) for k, v in rule.spec.refs.items()},
            severity=rule.severity,
            blocking=rule.blocking,
            automated=rule.automated,
            remediation=rule.spec.remediation,
            tightened=[
                TighteningInfo(
                    pack=t.pack, what=t.what, before=t.before, after=t.after, reason=t.reason
                )
                for t in rule.tightenings
            ],
            rule_file=rule.file,
            rule_line=rule.line,
            check=rule.description,
            expected=rule.description,
            fairness_gates=[
                FairnessGate(
                    metric=g.metric,
                    reference=g.reference,
                    op=g.op,
                    threshold=g.threshold,
                    ci=g.ci,
                )
                for g in rule.fairness_gates
            ],
        ),
        condition=(
            rule.spec.applies_when.model_dump_json() if rule.spec.applies_when is not None else None
        ),
        keys=check_keys(rule, {} if interned is None else interned),
    )


# Compiled rules of the pack sets this process assessed with, by the pack set's identity (the
# pack set is kept with them, so the identity is not reused while the entry lives).
_COMPILED: dict[int, tuple[PackSet, tuple[CompiledRule, ...]]] = {}
_COMPILED_MAX = 8


def compiled_rules(packs: PackSet) -> tuple[CompiledRule, ...]:
    """Every rule of the pack set, compiled, in the pack set's order; once per pack set."""
    entry = _COMPILED.get(id(packs))
    if entry is not None and entry[0] is packs:
        return entry[1]
    if len(_COMPILED) >= _COMPILED_MAX:
        _COMPILED.clear()
    interned: dict[str, int] = {}
    rules = tuple(compile_rule(rule, interned) for rule in packs.rules)
    _COMPILED[id(packs)] = (packs, rules)
    return rules
