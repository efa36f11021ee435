"""The Starlette application: routes from URLs to ledger reads and templates, guards around them.

Every page is server-rendered HTML from templates/serve/ with jinja2 autoescaping; the only asset
is a stylesheet served from the package. Reads run in the thread pool, one ledger session each.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from govern.errors import GovernError
from govern.serve import reads, reports
from govern.serve.config import ServeConfig
from govern.serve.pages import Pages
from govern.serve.security import RequireAuth, SecurityHeaders, TooLarge
from govern.store.errors import LedgerError, NoLedger, RunNotFound

STATIC = ("serve.css", "print.css")
LOOPBACK_NAMES = ["localhost", "127.0.0.1", "[::1]"]


class Server:
    """The state one process shares between requests: config, caches, templates."""

    def __init__(self, config: ServeConfig) -> None:
        self.config = config
        self.snapshots = reads.SnapshotCache()
        key = reports.load_key(config.sign_key) if config.sign_key is not None else None
        self.reports = reports.ReportCache(config.cache_dir, key)
        self.pages = Pages(config)

    async def call(self, function: Callable[..., Any], *args: Any) -> Any:
        return await run_in_threadpool(function, *args)


def create_app(config: ServeConfig) -> Starlette:
    """The ASGI application for `config`; refuses (UsageError) an open host without credentials."""
    config.check()
    server = Server(config)
    from govern.serve import routes

    middleware = [Middleware(SecurityHeaders)]
    if config.auth_required:
        middleware.append(Middleware(RequireAuth, credentials=config.credentials))
    else:
        # Without credentials only this machine may ask; a page elsewhere that rebinds its own
        # name to 127.0.0.1 (DNS rebinding) still sends its name as Host, and is refused.
        middleware.append(Middleware(TrustedHostMiddleware, allowed_hosts=LOOPBACK_NAMES))
    app = Starlette(
        routes=[
            *routes.routes(server),
            Route("/static/{name}", _static, methods=["GET"]),
        ],
        middleware=middleware,
        exception_handlers={
            HTTPException: _http_error(server),
            GovernError: _govern_error(server),
            TooLarge: _too_large(server),
        },
    )
    app.state.server = server
    return app


async def _static(request: Request) -> Response:
    name = request.path_params["name"]
    if name not in STATIC:
        raise HTTPException(404, "no such file")
    folder = Pages.template_folder() / "static"
    return FileResponse(folder / name, media_type="text/css", headers=_cached())


def _cached() -> dict[str, str]:
    return {"cache-control": "public, max-age=3600"}


def _http_error(server: Server) -> Callable[[Request, Exception], Any]:
    async def handle(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        return server.pages.error(request, exc.status_code, str(exc.detail))

    return handle


def _govern_error(server: Server) -> Callable[[Request, Exception], Any]:
    """A missing run is 404; an unreadable ledger is 503, its message shown (it names no secret)."""

    async def handle(request: Request, exc: Exception) -> Response:
        if isinstance(exc, RunNotFound | NoLedger):
            return server.pages.error(request, 404, str(exc))
        if isinstance(exc, LedgerError):
            return server.pages.error(request, 503, str(exc))
        return server.pages.error(request, 400, str(exc))

    return handle


def _too_large(server: Server) -> Callable[[Request, Exception], Any]:
    async def handle(request: Request, exc: Exception) -> Response:
        limit = server.config.max_upload
        return server.pages.error(
            request, 413, f"the upload is larger than the limit of {limit:,} bytes"
        )

    return handle
