"""The summary and verdict of a set of results: computed here once, for a run and for a baseline.

`govern check` summarises the engine's results; with `--baseline` the same function summarises
what the baseline leaves, so the verdict of both follows one rule: any gating result fails.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

from govern.engine.assessment import STATUSES, Coverage, FrameworkSummary, RuleResult, Summary
from govern.engine.coherence import TITLE as COHERENCE_TITLE
from govern.reference import FRAMEWORK_TITLES

GATING_STATUSES = {"fail", "error", "insufficient_evidence", "needs_attestation"}


def summarize(results: list[RuleResult], coverage: Mapping[str, Coverage | None]) -> Summary:
    """Counts, gating rules and verdict of `results`, per framework in the order of `coverage`.

    `coverage` names every framework (or pack, for rules outside one) to summarise, with how much
    of it the packs check; one with no results left keeps its line with zero rules.
    """
    counts: Counter[str] = Counter(r.status for r in results)
    groups: dict[str, list[RuleResult]] = {name: [] for name in coverage}
    for result in results:
        groups.setdefault(result.framework or result.pack, []).append(result)
    gating = [r.rule_id for r in results if r.gating]
    return Summary(
        verdict="fail" if gating else "pass",
        counts={status: counts.get(status, 0) for status in STATUSES},
        gating=gating,
        not_in_force_failures=[
            r.rule_id
            for r in results
            if r.effective is not None and not r.effective.in_force and r.status in GATING_STATUSES
        ],
        frameworks=[_framework(name, group, coverage.get(name)) for name, group in groups.items()],
    )


def _framework(name: str, group: list[RuleResult], coverage: Coverage | None) -> FrameworkSummary:
    """One framework's line: its results counted in one pass each, not once per status."""
    counts: Counter[str] = Counter(r.status for r in group)
    automated = sum(1 for r in group if r.automated)
    return FrameworkSummary(
        framework=name,
        title=FRAMEWORK_TITLES.get(name, COHERENCE_TITLE if name == "govern" else name),
        rules=len(group),
        counts={status: counts.get(status, 0) for status in STATUSES},
        automated=automated,
        attestation_based=len(group) - automated,
        coverage=coverage,
    )
