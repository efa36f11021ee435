"""The interface of a portfolio output format: each system's part, then the whole.

A part is rendered where its system was assessed (a worker process), from the full assessment;
the whole is put together from the parts and the summary in the order the systems were given.
So the assessments never travel between processes, and the bytes never depend on which worker
finished first.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from govern.engine.assessment import Assessment
    from govern.engine.portfolio import Portfolio
    from govern.render.interface import RenderOptions


@dataclass(frozen=True)
class SystemPlace:
    """Where a system sits: its folder as the user named it, and under the repository root."""

    path: str
    base_path: str = ""


class PortfolioRenderer(Protocol):
    """A format for many systems: its name on the command line, a system's part, the whole."""

    @property
    def name(self) -> str: ...

    def part(self, assessment: Assessment, place: SystemPlace, options: RenderOptions) -> str: ...

    def render(self, portfolio: Portfolio, options: RenderOptions) -> str: ...


@dataclass(frozen=True)
class PortfolioFunctionRenderer:
    """A portfolio format whose module renders with two functions."""

    name: str
    part_function: _PartFunction
    function: _RenderFunction

    def part(self, assessment: Assessment, place: SystemPlace, options: RenderOptions) -> str:
        return self.part_function(assessment, place, options)

    def render(self, portfolio: Portfolio, options: RenderOptions) -> str:
        return self.function(portfolio, options)


class _PartFunction(Protocol):
    def __call__(
        self, assessment: Assessment, place: SystemPlace, options: RenderOptions, /
    ) -> str: ...


class _RenderFunction(Protocol):
    def __call__(self, portfolio: Portfolio, options: RenderOptions, /) -> str: ...
