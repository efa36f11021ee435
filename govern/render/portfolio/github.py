"""A portfolio as GitHub Actions workflow commands: each system's annotations and report as
`-o github` writes them alone, then the portfolio's text (govern.render.portfolio.text), fenced so
the runner never executes a line of it (govern.render.github.inert_report)."""

from __future__ import annotations

from govern.engine.assessment import Assessment
from govern.engine.portfolio import Portfolio
from govern.render import github
from govern.render.interface import RenderOptions
from govern.render.portfolio import text
from govern.render.portfolio.interface import PortfolioFunctionRenderer, SystemPlace
from govern.render.style import unstyle


def system_part(assessment: Assessment, place: SystemPlace, options: RenderOptions) -> str:
    """The system's annotations and its plain-text report."""
    return github.render(assessment, base_path=place.base_path)


def render(portfolio: Portfolio, options: RenderOptions | None = None) -> str:
    """Every assessed system in input order, then the portfolio text, broken systems included."""
    parts = [run.parts["github"] for run in portfolio.systems if run.facts is not None]
    summary = github.inert_report(unstyle(text.render(portfolio)))
    return "".join(parts) + "\n".join(summary) + "\n"


PORTFOLIO_RENDERER = PortfolioFunctionRenderer("github", system_part, render)
