"""The one interface every output format implements, so adding a format touches nothing else."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from govern.engine.assessment import Assessment


@dataclass(frozen=True)
class RenderOptions:
    """What the caller may ask of any renderer; a format ignores what does not apply to it.

    `base_path` is govern.yaml's folder relative to the repository root, so that CI tools
    (SARIF, JUnit, GitHub annotations) can place findings at repository paths.
    """

    verbose: bool = False
    base_path: str = ""
    # Blocking rules that still fail but a baseline reported as known, for the verdict to name.
    baselined: tuple[str, ...] = ()


class Renderer(Protocol):
    """An output format: its name on the command line, its media type, and the text it writes."""

    @property
    def name(self) -> str: ...

    @property
    def media_type(self) -> str: ...

    def render(self, assessment: Assessment, options: RenderOptions) -> str: ...


@dataclass(frozen=True)
class FunctionRenderer:
    """A format whose module renders with one function of the assessment and the options."""

    name: str
    media_type: str
    function: _RenderFunction

    def render(self, assessment: Assessment, options: RenderOptions) -> str:
        return self.function(assessment, options)


class _RenderFunction(Protocol):
    def __call__(self, assessment: Assessment, options: RenderOptions, /) -> str: ...
