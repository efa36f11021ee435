"""The interface of a portfolio output format: one text for every system of a run."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from govern.engine.portfolio import Portfolio
    from govern.render.interface import RenderOptions


class PortfolioRenderer(Protocol):
    """A format for many systems: its name on the command line and the text it writes."""

    @property
    def name(self) -> str: ...

    def render(self, portfolio: Portfolio, options: RenderOptions) -> str: ...


@dataclass(frozen=True)
class PortfolioFunctionRenderer:
    """A portfolio format whose module renders with one function."""

    name: str
    function: _RenderFunction

    def render(self, portfolio: Portfolio, options: RenderOptions) -> str:
        return self.function(portfolio, options)


class _RenderFunction(Protocol):
    def __call__(self, portfolio: Portfolio, options: RenderOptions, /) -> str: ...
