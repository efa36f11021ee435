"""A portfolio as GitHub-flavoured Markdown: a table of systems, the summary, then each system's
own Markdown summary as `-o markdown` writes it alone. Every value goes through the one escape."""

from __future__ import annotations

from govern.engine.assessment import Assessment
from govern.engine.portfolio import Portfolio, PortfolioSummary, SystemRun
from govern.render import markdown
from govern.render.interface import RenderOptions
from govern.render.markdown_escape import md_code, md_text
from govern.render.portfolio.interface import PortfolioFunctionRenderer, SystemPlace


def render(portfolio: Portfolio, options: RenderOptions | None = None) -> str:
    """The table and summary first (what a reviewer reads), then the systems in input order."""
    summary = portfolio.summary
    lines = [
        f"# govern: portfolio of {summary.systems} systems: exit code {summary.exit_code}",
        "",
        "| Verdict | System | Path | Blocking |",
        "| --- | --- | --- | --- |",
        *(_row(run) for run in portfolio.systems),
        "",
        *_summary(summary),
    ]
    lines += ["\n" + run.parts["markdown"] for run in portfolio.systems if run.facts is not None]
    return "\n".join(lines) + "\n"


def system_part(assessment: Assessment, place: SystemPlace, options: RenderOptions) -> str:
    """The system's summary as `-o markdown` writes it alone."""
    return markdown.render(assessment, base_path=place.base_path).rstrip("\n")


def _row(run: SystemRun) -> str:
    path = md_code(run.path, in_table=True)
    if run.facts is None:
        return f"| **BROKEN** | {md_text(run.error or '')} | {path} | |"
    return (
        f"| **{run.verdict.upper()}** | {md_text(run.facts.name)} "
        f"({md_code(run.facts.id, in_table=True)}) | {path} | {len(run.facts.gating)} |"
    )


def _summary(summary: PortfolioSummary) -> list[str]:
    verdicts = ", ".join(f"{summary.verdicts[v]} {v}" for v in ("pass", "fail", "broken"))
    lines = [f"**Systems:** {verdicts}", "", "**Blocking failures that recur most:**", ""]
    lines += [
        f"- {md_code(f.rule_id)} in {f.systems} system(s): {md_text(f.title)}"
        for f in summary.recurring_failures
    ] or ["- none"]
    lines += ["", f"**Waivers expiring within {summary.waiver_horizon_days} days:**", ""]
    lines += [
        f"- {w.expires}: {md_code(w.system)} {md_code(w.rule or '?')}, "
        f"approved by {md_text(w.approved_by or '?')}"
        for w in summary.expiring_waivers
    ] or ["- none"]
    horizon = summary.obligation_horizon_days
    lines += ["", f"**Obligations coming into force within {horizon} days:**", ""]
    lines += [
        f"- {o.date}: {len(o.rules)} obligation(s) in {len(o.systems)} system(s) "
        f"({md_text(o.basis)})"
        for o in summary.upcoming_obligations
    ] or ["- none"]
    return lines


PORTFOLIO_RENDERER = PortfolioFunctionRenderer("markdown", system_part, render)
