"""The report as one self-contained HTML page, from jinja2 templates an organisation can override.

Every expression is HTML-escaped (evidence text stays text) and an undefined name is an error, not
an empty string. Template assets (logo, images, fonts) are inlined as data: URLs that the PDF
renderer's fetcher recognises as the only resources it may serve.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path, PurePosixPath
from typing import Any

import jinja2
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup, escape

from govern.errors import GovernError
from govern.render.display import visible_in_html
from govern.report.context import ReportContext
from govern.report.wording import readable_field, remediation_html

REPORT_TEMPLATE = "report.html.j2"
STYLESHEETS = ("style.css", "theme.css")
LOGOS = ("logo.svg", "logo.png", "logo.jpg")
DEFAULT_PREFIX = "default"
MIME_TYPES = {
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
}
MAX_ASSET_BYTES = 4 * 1024 * 1024


class TemplateError(GovernError):
    """A report template is missing, malformed or uses a name the context does not have."""


def default_template_dir() -> Path:
    """Built-in templates: in the installed wheel, or templates/ beside an uninstalled checkout."""
    try:
        return Path(str(resources.files("govern._templates")))
    except ModuleNotFoundError:
        return Path(__file__).resolve().parents[2] / "templates"


@dataclass(frozen=True)
class TemplateSet:
    """Where templates and assets are looked up: the organisation's folder first, then ours."""

    default: Path
    override: Path | None = None

    @classmethod
    def load(cls, override: Path | None = None) -> TemplateSet:
        if override is not None and not override.is_dir():
            raise TemplateError(f"{override}: --template must be a folder of templates")
        return cls(default_template_dir(), override)

    @property
    def folders(self) -> tuple[Path, ...]:
        return (self.override, self.default) if self.override else (self.default,)


@dataclass(frozen=True)
class Asset:
    name: str
    mime: str
    data: bytes


@dataclass
class AssetRegistry:
    """Template assets handed out as data: URLs; the PDF fetcher serves these and nothing else."""

    templates: TemplateSet
    served: dict[str, Asset] = field(default_factory=dict)

    def find(self, name: str) -> Path | None:
        relative = PurePosixPath(name)
        if relative.is_absolute() or ".." in relative.parts or not relative.parts:
            raise TemplateError(f"asset {name!r}: must be a plain path inside the template folder")
        for folder in self.templates.folders:
            candidate = (folder / relative).resolve()
            if candidate.is_relative_to(folder.resolve()) and candidate.is_file():
                return candidate
        return None

    def url(self, name: str) -> str:
        path = self.find(name)
        if path is None:
            raise TemplateError(f"asset {name!r}: not found in {self._where()}")
        mime = MIME_TYPES.get(path.suffix.lower())
        if mime is None:
            raise TemplateError(f"{path}: assets must be one of {', '.join(sorted(MIME_TYPES))}")
        data = path.read_bytes()
        if len(data) > MAX_ASSET_BYTES:
            raise TemplateError(f"{path}: larger than {MAX_ASSET_BYTES // 1024 // 1024} MB")
        url = f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"
        self.served[url] = Asset(name, mime, data)
        return url

    def first(self, names: tuple[str, ...]) -> str | None:
        return next((self.url(n) for n in names if self.find(n) is not None), None)

    def _where(self) -> str:
        return " or ".join(str(f) for f in self.templates.folders)


@dataclass(frozen=True)
class RenderedHtml:
    html: str
    assets: Mapping[str, Asset]

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.html.encode("utf-8")).hexdigest()


def environment(templates: TemplateSet) -> SandboxedEnvironment:
    """A sandboxed environment: override templates may lay out data, never reach into Python."""
    folders = [str(f) for f in templates.folders]
    loader = jinja2.ChoiceLoader(
        [
            jinja2.FileSystemLoader(folders),
            # `{% extends "default/report.html.j2" %}` reaches the built-in even when overridden.
            jinja2.PrefixLoader({DEFAULT_PREFIX: jinja2.FileSystemLoader(str(templates.default))}),
        ]
    )
    env = SandboxedEnvironment(
        loader=loader,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=_visible,
    )
    env.filters["thousands"] = lambda n: f"{int(n):,}"
    env.filters["percent"] = lambda x: f"{float(x):.0f}%"
    env.filters["breakable"] = breakable
    env.filters["plural"] = plural
    env.filters["readable_field"] = readable_field
    env.filters["markdown"] = remediation_html
    return env


def _visible(value: object) -> object:
    """Every `{{ expression }}` as it is shown: bidi and control characters as `<U+XXXX>`.

    A name with U+202E in it would otherwise display reversed in the report. Markup (filters'
    output, charts) is already escaped HTML, so its code points are written escaped.
    """
    if isinstance(value, Markup):
        return Markup(visible_in_html(str(value), markup=True))  # noqa: S704
    if isinstance(value, str):
        return visible_in_html(value)
    return value


_BREAK_AFTER = re.compile(r"([._/])(?=[A-Za-z_])")


def breakable(text: object) -> Markup:
    """Escaped text with line-break opportunities after dots, underscores and slashes.

    Evidence paths such as `model_card.transparency.ai_disclosure` then wrap between their parts
    in a narrow column instead of in the middle of a word. Escaping comes first, and no entity
    that escaping produces contains one of these characters, so the text stays text.
    """
    return Markup(_BREAK_AFTER.sub(r"\1<wbr>", str(escape(str(text)))))  # noqa: S704


def plural(count: int, singular: str, many: str | None = None) -> str:
    """`1 control`, `3 controls`; `many` for irregular forms (`is`/`are`)."""
    return singular if count == 1 else (many or singular + "s")


def render_html(context: ReportContext, templates: TemplateSet) -> RenderedHtml:
    """Render the report page; the stylesheets go inline so the file stands alone."""
    env = environment(templates)
    assets = AssetRegistry(templates)
    env.globals["asset"] = assets.url
    try:
        stylesheet = "\n".join(
            env.get_template(name).render(ctx=context) for name in STYLESHEETS if _exists(env, name)
        )
        if "</style" in stylesheet.lower():
            raise TemplateError("a stylesheet contains '</style'; it would end the style element")
        html = env.get_template(REPORT_TEMPLATE).render(
            ctx=context,
            stylesheet=Markup(stylesheet),  # noqa: S704 - the organisation's own CSS, not evidence
            logo=assets.first(LOGOS),
        )
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(f"{exc.filename or exc.name}:{exc.lineno}: {exc.message}") from None
    except jinja2.TemplateNotFound as exc:
        raise TemplateError(
            f"template {exc.name!r} not found in {' or '.join(map(str, templates.folders))}"
        ) from None
    except jinja2.UndefinedError as exc:
        raise TemplateError(
            f"{_template_position(exc)}{exc.message}; see docs/reports.md "
            "for the names a template can use"
        ) from None
    except jinja2.exceptions.SecurityError as exc:
        raise TemplateError(
            f"{_template_position(exc)}{exc}: not allowed in report templates"
        ) from None
    return RenderedHtml(html, dict(assets.served))


def _exists(env: jinja2.Environment, name: str) -> bool:
    try:
        env.get_template(name)
    except jinja2.TemplateNotFound:
        return False
    return True


def _template_position(exc: BaseException) -> str:
    """FILE:LINE of the template frame that raised, found in the traceback jinja2 rewrites."""
    tb: Any = exc.__traceback__
    where = ""
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith((".j2", ".css")):
            where = f"{filename}:{tb.tb_lineno}: "
        tb = tb.tb_next
    return where
