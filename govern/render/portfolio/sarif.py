"""A portfolio as one SARIF 2.1.0 log: a run per system, each as `-o sarif` writes it alone.

Each run keeps its own automation category (`govern/SYSTEM/`), so code scanning tracks every
system's alerts apart. A system that could not be assessed is a run whose invocation failed, with
its error as a tool notification: the log says it was not checked, rather than leaving it out.
"""

from __future__ import annotations

import json
from typing import Any

from govern import __version__
from govern.engine.assessment import Assessment
from govern.engine.portfolio import Portfolio, SystemRun
from govern.render import sarif
from govern.render.interface import RenderOptions
from govern.render.portfolio.interface import PortfolioFunctionRenderer, SystemPlace
from govern.render.portfolio.layout import array_text, encoded, object_text


def run_part(assessment: Assessment, place: SystemPlace, options: RenderOptions) -> str:
    """The system's run as `-o sarif` writes it, with the folder it was checked in."""
    log = json.loads(sarif.render(assessment, base_path=place.base_path))
    run: dict[str, Any] = log["runs"][0]
    run["properties"]["path"] = place.path
    return encoded(run, sort_keys=False)


def render(portfolio: Portfolio, options: RenderOptions | None = None) -> str:
    """The log; paths in each run are relative to the repository root, as for one system."""
    runs = [run.parts["sarif"] if run.facts else _broken_run(run) for run in portfolio.systems]
    log = object_text(
        [
            ("$schema", encoded(sarif.SARIF_SCHEMA)),
            ("version", encoded(sarif.SARIF_VERSION)),
            ("runs", array_text(runs)),
        ]
    )
    return log + "\n"


def _broken_run(system: SystemRun) -> str:
    run = {
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
    return encoded(run, sort_keys=False)


PORTFOLIO_RENDERER = PortfolioFunctionRenderer("sarif", run_part, render)
