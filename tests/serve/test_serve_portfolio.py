"""What the portfolio counts, over a real recorded assessment, with `today` fixed."""

from __future__ import annotations

import datetime as dt
import re

from hypothesis import given
from hypothesis import strategies as st

from govern.engine.assessment import Assessment, WaiverInfo
from govern.serve import portfolio
from govern.serve.config import ServeConfig
from govern.store.ledger import Ledger
from tests.serve.conftest import CREDIT, Filled, local_client

RETENTION = "EUAIA-19-LOG-RETENTION"


def latest_credit(filled: Filled) -> Assessment:
    with Ledger.open(filled.url) as ledger:
        return ledger.snapshot(ledger.resolve("latest", CREDIT)).assessment


def waiver(expires: dt.date, state: str = "active") -> WaiverInfo:
    return WaiverInfo(
        rule=RETENTION,
        reason="Log store migration",
        approved_by="Head of Model Risk",
        expires=expires,
        state=state,  # type: ignore[arg-type]
        manifest_line=30,
    )


def test_waivers_expiring_within_30_days_are_counted(filled: Filled) -> None:
    today = dt.date(2026, 12, 1)
    assessment = latest_credit(filled).model_copy(
        update={
            "waivers": [
                waiver(dt.date(2026, 12, 31)),  # 30 days: counted
                waiver(dt.date(2027, 1, 1)),  # 31 days: not yet
                waiver(dt.date(2026, 11, 30), "expired"),  # already a failure, not "expiring"
            ]
        }
    )
    assert [w.expires for w in portfolio.expiring_waivers(assessment, today)] == [
        dt.date(2026, 12, 31)
    ]


def test_obligations_coming_into_force_within_90_days(filled: Filled) -> None:
    """The retention rule applies to high-risk systems from 2 Dec 2027 (amended calendar)."""
    assessment = latest_credit(filled)
    retention = next(r for r in assessment.results if r.rule_id == RETENTION)
    assert retention.effective is not None
    starts = retention.effective.applies_from

    def coming_on(day: dt.date) -> set[str]:
        return {r.rule_id for r in portfolio.upcoming(assessment, day)}

    assert RETENTION in coming_on(starts - dt.timedelta(90))
    assert RETENTION not in coming_on(starts - dt.timedelta(91))
    assert RETENTION not in coming_on(starts)
    coming = portfolio.upcoming(assessment, starts - dt.timedelta(30))
    config = ServeConfig(db_url=filled.url, today=lambda: starts - dt.timedelta(30))
    page = local_client(config).get("/")
    shown = re.sub(r"\s+", " ", page.text)
    assert f"{coming[0].rule_id}: {starts.day} {starts:%b %Y}" in shown
    if len(coming) > 5:
        assert f"and {len(coming) - 5:,} more" in shown


def test_failing_blocking_controls_are_the_ones_the_page_names(filled: Filled) -> None:
    assessment = latest_credit(filled)
    failing = portfolio.failing_blocking(assessment)
    assert [r.rule_id for r in failing] == [RETENTION]
    assert all(r.blocking and r.status in ("fail", "error") for r in failing)


def _row(name: str, failing: int, verdict: str) -> portfolio.SystemRow:
    return portfolio.SystemRow(
        id=name.lower(),
        name=name,
        version="1",
        runs=1,
        run_id=1,
        recorded_at=None,
        verdict=verdict,
        tier="high",
        tier_label="high-risk",
        frameworks=("eu-ai-act",),
        owners=(),
        failing_blocking=tuple([None] * failing),  # type: ignore[list-item]
        insufficient=(),
        expiring_waivers=(),
        open_incidents=(),
        upcoming=(),
        trend=(),
    )


rows = st.lists(
    st.builds(
        _row,
        st.text(min_size=1, max_size=8),
        st.integers(0, 5),
        st.sampled_from(["pass", "fail"]),
    ),
    max_size=8,
)


@given(rows, st.sampled_from(portfolio.SORT_KEYS))
def test_sorting_keeps_every_system_and_reverses_cleanly(
    systems: list[portfolio.SystemRow], sort: str
) -> None:
    up = portfolio.select(systems, portfolio.Filters(sort=sort))
    down = portfolio.select(systems, portfolio.Filters(sort=sort, descending=True))
    assert sorted(map(id, up)) == sorted(map(id, systems))
    assert [s.id for s in down] == [s.id for s in reversed(up)] or len(
        {(s.name.casefold(), s.id) for s in systems}
    ) < len(systems)
