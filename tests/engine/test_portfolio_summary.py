"""The portfolio summary: counts add up, the exit code is the worst, and order does not matter."""

from __future__ import annotations

import datetime as dt
import random

from hypothesis import given
from hypothesis import strategies as st

from govern.engine.portfolio import (
    ComingObligation,
    ExpiringWaiver,
    GatingRule,
    SystemFacts,
    SystemRun,
    summarize_portfolio,
)

AS_OF = dt.date(2026, 12, 6)
RULES = ["EUAIA-9-RISK", "EUAIA-10-DATA", "EUAIA-13-INFO"]


def run(index: int, verdict: str, failing: list[str]) -> SystemRun:
    if verdict == "broken":
        return SystemRun(path=f"s{index}", error="govern.yaml:1:1: broken")
    facts = SystemFacts(
        id=f"s{index}",
        name=f"System {index}",
        version="1",
        verdict="fail" if failing else "pass",
        as_of=AS_OF,
        counts={"fail": len(failing)},
        gating=[GatingRule(rule_id=r, title=r.lower()) for r in failing],
        expiring_waivers=[
            ExpiringWaiver(
                system=f"s{index}", rule=RULES[0], expires=AS_OF, approved_by="Head of Risk"
            )
        ],
        coming_obligations=[
            ComingObligation(rule_id=r, date=dt.date(2027, 2, 2), basis="Art.113") for r in failing
        ],
    )
    return SystemRun(path=f"s{index}", facts=facts)


systems = st.lists(
    st.tuples(
        st.sampled_from(["assessed", "broken"]),
        st.lists(st.sampled_from(RULES), unique=True),
    ),
    max_size=8,
).map(lambda drawn: [run(i, kind, failing) for i, (kind, failing) in enumerate(drawn)])


@given(systems, st.randoms(use_true_random=False))
def test_the_summary_adds_up_and_ignores_order(runs: list[SystemRun], rng: random.Random) -> None:
    summary = summarize_portfolio(runs)
    assert sum(summary.verdicts.values()) == summary.systems == len(runs)
    assert summary.exit_code == max((r.exit_code for r in runs), default=0)
    for failure in summary.recurring_failures:
        holding = [
            r for r in runs if r.facts and failure.rule_id in {g.rule_id for g in r.facts.gating}
        ]
        assert failure.systems == len(holding)
    counts = [f.systems for f in summary.recurring_failures]
    assert counts == sorted(counts, reverse=True)
    shuffled = list(runs)
    rng.shuffle(shuffled)
    assert summarize_portfolio(shuffled) == summary


def test_obligations_are_grouped_by_date_and_basis() -> None:
    summary = summarize_portfolio([run(0, "assessed", RULES[:2]), run(1, "assessed", RULES[1:])])
    (coming,) = summary.upcoming_obligations
    assert coming.rules == sorted(RULES)
    assert coming.systems == ["s0", "s1"]
    assert [w.system for w in summary.expiring_waivers] == ["s0", "s1"]
