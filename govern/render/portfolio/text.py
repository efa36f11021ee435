"""A portfolio for people at a terminal: one line per system, then what recurs and falls due.

System names, ids, paths and error lines come from the systems' own files, so each is made
visible (govern.render.display) before it reaches the terminal: a name cannot repaint the screen
or print a line that looks like govern's own.
"""

from __future__ import annotations

from govern.engine.assessment import STATUSES, Assessment
from govern.engine.portfolio import Portfolio, PortfolioSummary, SystemRun
from govern.render.display import visible
from govern.render.interface import RenderOptions
from govern.render.portfolio.interface import PortfolioFunctionRenderer, SystemPlace
from govern.render.style import style
from govern.render.text import name_some

_LABEL = {"pass": ("PASS", "green"), "fail": ("FAIL", "red"), "broken": ("BROKEN", "magenta")}
_WIDTH = max(len(label) for label, _ in _LABEL.values())


def render(portfolio: Portfolio, options: RenderOptions | None = None) -> str:
    """One line per system in input order, a blank line, then the portfolio summary."""
    lines = [run.parts["text"] if run.facts else broken_line(run) for run in portfolio.systems]
    lines += ["", *summary_lines(portfolio.summary)]
    return "\n".join(lines) + "\n"


def system_line(assessment: Assessment, place: SystemPlace, options: RenderOptions) -> str:
    """`VERDICT  id  name version  path  (blocking; counts)` for an assessed system."""
    system = assessment.system
    summary = assessment.summary
    counts = ", ".join(
        f"{summary.counts[s]} {s.replace('_', ' ')}" for s in STATUSES if summary.counts.get(s)
    )
    gating = f"{len(summary.gating)} blocking" if summary.gating else "none blocking"
    return (
        f"{_head(summary.verdict)}  {visible(system.id)}  {visible(system.name)} "
        f"{visible(system.version)}  {visible(place.path)}  ({gating}; {counts})"
    )


def broken_line(run: SystemRun) -> str:
    """`BROKEN  path  error: ...` for a system that could not be assessed."""
    return f"{_head('broken')}  {visible(run.path)}  error: {visible(run.error or '')}"


def _head(verdict: str) -> str:
    label, colour = _LABEL[verdict]
    return style(label.ljust(_WIDTH), fg=colour, bold=True)


def summary_lines(summary: PortfolioSummary) -> list[str]:
    """The summary as text: counts by verdict, recurring failures, waivers, obligations."""
    verdicts = ", ".join(f"{summary.verdicts[v]} {v}" for v in ("pass", "fail", "broken"))
    as_of = f" · as of {summary.as_of}" if summary.as_of is not None else ""
    lines = [style(f"Portfolio: {summary.systems} systems ({verdicts}){as_of}", bold=True)]
    lines.append("Blocking failures that recur most:")
    lines += [
        f"  {visible(f.rule_id)}  in {f.systems} system(s)  {visible(f.title)}"
        for f in summary.recurring_failures
    ] or ["  none"]
    lines.append(f"Waivers expiring within {summary.waiver_horizon_days} days:")
    lines += [
        f"  {w.expires}  {visible(w.system)}  {visible(w.rule or '?')}  "
        f"approved by {visible(w.approved_by or '?')}"
        for w in summary.expiring_waivers
    ] or ["  none"]
    lines.append(f"Obligations coming into force within {summary.obligation_horizon_days} days:")
    lines += [
        f"  {o.date}  {len(o.rules)} obligation(s) in {len(o.systems)} system(s) "
        f"({visible(o.basis)}): {name_some([visible(r) for r in o.rules])}"
        for o in summary.upcoming_obligations
    ] or ["  none"]
    lines.append(f"Exit code: {summary.exit_code} (the worst of the systems)")
    return lines


PORTFOLIO_RENDERER = PortfolioFunctionRenderer("text", system_line, render)
