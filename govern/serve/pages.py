"""Templates of the web view and the filters that format numbers and dates for people.

Autoescaping is on for every template: a system name or an evidence value is text, whatever
characters it holds. Values also pass through render.display.visible, so control characters and
bidirectional overrides from a hostile file cannot disguise what the page shows.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import jinja2
from starlette.requests import Request
from starlette.responses import HTMLResponse

from govern.render.display import visible
from govern.report.context import STATUS_LABELS
from govern.report.html import default_template_dir
from govern.serve.config import ServeConfig
from govern.serve.security import CSRF_COOKIE, csrf_cookie, csrf_token


def number(value: int | float | None, digits: int = 3) -> str:
    """1,234 for counts; a float to `digits` significant places; an en dash for nothing."""
    if value is None:
        return "\u2013"
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:,.{digits}g}" if abs(value) < 1000 else f"{value:,.0f}"


def day(value: dt.date | dt.datetime | None) -> str:
    """6 Dec 2026: day, month name, year, read the same way everywhere."""
    if value is None:
        return "\u2013"
    return f"{value.day} {value:%b %Y}"


def moment(value: dt.datetime | None) -> str:
    """6 Dec 2026, 04:00 UTC."""
    if value is None:
        return "\u2013"
    utc = value.astimezone(dt.UTC) if value.tzinfo else value
    return f"{day(utc)}, {utc:%H:%M} UTC"


def short_hash(value: str | None, size: int = 12) -> str:
    return (value or "")[:size]


def status_word(status: str | None) -> str:
    return STATUS_LABELS.get(status or "", status or "absent")


def shown(value: object) -> str:
    """Text safe to look at: control and bidi characters made visible (escaped by jinja)."""
    return visible(str(value))


class Pages:
    """Renders a named template with the context every page shares."""

    def __init__(self, config: ServeConfig) -> None:
        self.config = config
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(self.template_folder()),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.filters.update(
            number=number,
            day=day,
            moment=moment,
            short_hash=short_hash,
            status_word=status_word,
            shown=shown,
        )

    @staticmethod
    def template_folder() -> Path:
        return default_template_dir() / "serve"

    def render(
        self, request: Request, template: str, status: int = 200, **context: Any
    ) -> HTMLResponse:
        cookie = csrf_cookie(request)
        body = self.env.get_template(template).render(
            request=request,
            path=request.url.path,
            csrf=csrf_token(self.config.secret, cookie),
            signing=self.config.sign_key is not None,
            **context,
        )
        response = HTMLResponse(body, status_code=status, headers={"cache-control": "no-store"})
        if request.cookies.get(CSRF_COOKIE) != cookie:
            response.set_cookie(
                CSRF_COOKIE,
                cookie,
                httponly=True,
                samesite="strict",
                secure=request.url.scheme == "https",
            )
        return response

    def error(self, request: Request, status: int, message: str) -> HTMLResponse:
        return self.render(request, "error.html.j2", status, code=status, message=message)
