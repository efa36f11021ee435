"""The part of each rule's result that depends on the rule alone, worked out once per pack set.

A run over a portfolio assesses the same few hundred rules for every system: their titles,
references, tightenings and fairness gates, and the check in words, are the same each time, so
they are made into result fields (validated models included) once per loaded pack set, however
many systems the run assesses.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from govern.engine.assessment import FairnessGate, TighteningInfo
from govern.policy.loader import PackSet
from govern.policy.model import Rule


@dataclass(frozen=True)
class CompiledRule:
    """A loaded rule with the result fields that do not depend on the system assessed."""

    rule: Rule
    # RuleResult fields, keyword by keyword; read-only: every result of the rule shares them.
    fields: dict[str, Any]


def compile_rule(rule: Rule) -> CompiledRule:
    return CompiledRule(
        rule,
        dict(
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
    rules = tuple(compile_rule(rule) for rule in packs.rules)
    _COMPILED[id(packs)] = (packs, rules)
    return rules
