"""A portfolio as one JSON document: each system's assessment as `-o json` writes it, and the
summary; a system that could not be assessed is listed with its error line and exit code 2.

Each assessment is encoded once, where it was made (a worker process), and nested as text
(govern.render.portfolio.layout): the document reads as `json.dumps(indent=2, sort_keys=True)`
of the whole.
"""

from __future__ import annotations

from govern import __version__
from govern.engine.assessment import Assessment
from govern.engine.portfolio import PORTFOLIO_FORMAT, Portfolio, SystemRun
from govern.render.interface import RenderOptions
from govern.render.portfolio.interface import PortfolioFunctionRenderer, SystemPlace
from govern.render.portfolio.layout import array_text, encoded, object_text


def assessment_part(assessment: Assessment, place: SystemPlace, options: RenderOptions) -> str:
    """The assessment as govern.render.json writes it, without the final line break."""
    return encoded(assessment.model_dump(mode="json"))


def render(portfolio: Portfolio, options: RenderOptions | None = None) -> str:
    """The `govern.portfolio/1` document, keys sorted as the assessment JSON's are."""
    document = object_text(
        [
            ("exit_code", encoded(portfolio.summary.exit_code)),
            ("format", encoded(PORTFOLIO_FORMAT)),
            ("summary", encoded(portfolio.summary.model_dump(mode="json"))),
            ("systems", array_text([_system(run) for run in portfolio.systems])),
            ("tool", encoded({"name": "govern", "version": __version__})),
        ]
    )
    return document + "\n"


def _system(run: SystemRun) -> str:
    return object_text(
        [
            ("assessment", run.parts["json"] if run.facts is not None else "null"),
            ("error", encoded(run.error)),
            ("exit_code", encoded(run.exit_code)),
            ("path", encoded(run.path)),
            ("verdict", encoded(run.verdict)),
        ]
    )


PORTFOLIO_RENDERER = PortfolioFunctionRenderer("json", assessment_part, render)
