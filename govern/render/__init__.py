"""Output formats: each module renders an Assessment; this registry maps format names to them.

Adding a format means adding a module that defines `RENDERER` (see `govern.render.interface`)
and one line here. Modules are imported on use, so `govern check` loads only the formats asked for.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from govern.render.interface import Renderer

RENDERERS: dict[str, str] = {
    "text": "govern.render.text",
    "json": "govern.render.json",
    "sarif": "govern.render.sarif",
    "junit": "govern.render.junit",
    "markdown": "govern.render.markdown",
    "github": "govern.render.github",
    "oscal": "govern.render.oscal",
}


def get_renderer(name: str) -> Renderer:
    """The renderer registered under `name` (a key of RENDERERS)."""
    module = importlib.import_module(RENDERERS[name])
    renderer: Renderer = module.RENDERER
    return renderer
