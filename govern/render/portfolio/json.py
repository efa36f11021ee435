"""A portfolio as one JSON document: each system's assessment as `-o json` writes it, and the
summary; a system that could not be assessed is listed with its error line and exit code 2."""

from __future__ import annotations

import json
from typing import Any

from govern import __version__
from govern.engine.portfolio import PORTFOLIO_FORMAT, Portfolio, SystemRun
from govern.render.interface import RenderOptions
from govern.render.portfolio.interface import PortfolioFunctionRenderer


def render(portfolio: Portfolio, options: RenderOptions | None = None) -> str:
    """The `govern.portfolio/1` document, keys sorted as the assessment JSON's are."""
    data = {
        "format": PORTFOLIO_FORMAT,
        "tool": {"name": "govern", "version": __version__},
        "exit_code": portfolio.summary.exit_code,
        "summary": portfolio.summary.model_dump(mode="json"),
        "systems": [_system(run) for run in portfolio.systems],
    }
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _system(run: SystemRun) -> dict[str, Any]:
    return {
        "path": run.path,
        "verdict": run.verdict,
        "exit_code": run.exit_code,
        "error": run.error,
        "assessment": None if run.assessment is None else run.assessment.model_dump(mode="json"),
    }


PORTFOLIO_RENDERER = PortfolioFunctionRenderer("json", render)
