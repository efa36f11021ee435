"""A portfolio as one SARIF 2.1.0 log: a run per system, each as `-o sarif` writes it alone.

Each run keeps its own automation category (`govern/SYSTEM/`), so code scanning tracks every
system's alerts apart. A system that could not be assessed is a run whose invocation failed, with
its error as a tool notification: the log says it was not checked, rather than leaving it out.
"""

from __future__ import annotations

import json
from typing import Any

from govern import __version__
from govern.engine.portfolio import Portfolio, SystemRun
from govern.render import sarif
from govern.render.interface import RenderOptions
from govern.render.portfolio.interface import PortfolioFunctionRenderer


def render(portfolio: Portfolio, options: RenderOptions | None = None) -> str:
    """The log; paths in each run are relative to the repository root, as for one system."""
    runs = [_run(system) for system in portfolio.systems]
    log = {"$schema": sarif.SARIF_SCHEMA, "version": sarif.SARIF_VERSION, "runs": runs}
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def _run(system: SystemRun) -> dict[str, Any]:
    if system.assessment is None:
        return _broken_run(system)
    log = json.loads(sarif.render(system.assessment, base_path=system.base_path))
    run: dict[str, Any] = log["runs"][0]
    run["properties"]["path"] = system.path
    return run


def _broken_run(system: SystemRun) -> dict[str, Any]:
    return {
        "tool": {"driver": {"name": "govern", "version": __version__}},
        "automationDetails": {"id": f"govern/{system.path}/"},
        "invocations": [
            {
                "executionSuccessful": False,
                "exitCode": system.exit_code,
                "toolExecutionNotifications": [
                    {"level": "error", "message": {"text": system.error or "not assessed"}}
                ],
            }
        ],
        "results": [],
        "properties": {"path": system.path, "verdict": system.verdict},
    }


PORTFOLIO_RENDERER = PortfolioFunctionRenderer("sarif", render)
