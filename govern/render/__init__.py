"""Output formats: each module renders an Assessment; this registry maps format names to them."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from govern.engine.assessment import Assessment

Renderer = Callable[["Assessment"], str]

# Adding a format means adding a module with `render(assessment) -> str` and one line here.
RENDERERS: dict[str, str] = {
    "text": "govern.render.text",
    "json": "govern.render.json",
    "sarif": "govern.render.sarif",
    "junit": "govern.render.junit",
    "markdown": "govern.render.markdown",
    "github": "govern.render.github",
}


def get_renderer(name: str) -> Renderer:
    module = importlib.import_module(RENDERERS[name])
    renderer: Renderer = module.render
    return renderer
