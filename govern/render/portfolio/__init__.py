"""Portfolio outputs: each module renders a Portfolio; this registry maps format names to them.

A format not registered here cannot hold more than one system, and `govern check` refuses it for
a portfolio with one line. Modules are imported on use, like govern.render's.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from govern.render.portfolio.interface import PortfolioRenderer

PORTFOLIO_RENDERERS: dict[str, str] = {
    "text": "govern.render.portfolio.text",
    "json": "govern.render.portfolio.json",
    "sarif": "govern.render.portfolio.sarif",
    "junit": "govern.render.portfolio.junit",
    "markdown": "govern.render.portfolio.markdown",
    "github": "govern.render.portfolio.github",
}
# The parts a format puts together besides its own: github ends with the portfolio's text.
PARTS_NEEDED: dict[str, tuple[str, ...]] = {"github": ("text",)}


def parts_for(formats: list[str]) -> tuple[str, ...]:
    """Every format whose per-system part the workers must render for `formats`, once each."""
    return tuple(dict.fromkeys(n for f in formats for n in (f, *PARTS_NEEDED.get(f, ()))))


def get_portfolio_renderer(name: str) -> PortfolioRenderer:
    """The portfolio renderer registered under `name` (a key of PORTFOLIO_RENDERERS)."""
    module = importlib.import_module(PORTFOLIO_RENDERERS[name])
    renderer: PortfolioRenderer = module.PORTFOLIO_RENDERER
    return renderer
