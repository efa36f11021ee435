"""The web view's guards: authentication, security headers, CSRF tokens and the upload limit.

Written as plain ASGI middleware so that every response, errors included, carries the headers,
and no route can be reached without the credentials when they are required.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from starlette.requests import Request

from govern.serve.config import Credentials

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

CSRF_COOKIE = "govern_csrf"
CSRF_FIELD = "csrf"
# No script at all, styles and images from our own origin only, never framed, forms post home.
CSP = (
    "default-src 'self'; script-src 'none'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'; img-src 'self' data:"
)
HEADERS = (
    (b"content-security-policy", CSP.encode("ascii")),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
)


class SecurityHeaders:
    """Adds the headers above to every HTTP response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {name for name, _ in HEADERS}
                kept = [(k, v) for k, v in message.get("headers", []) if k.lower() not in names]
                message["headers"] = kept + list(HEADERS)
            await send(message)

        await self.app(scope, receive, with_headers)


class RequireAuth:
    """Answers 401 to any request without a valid bearer token or basic credentials."""

    def __init__(self, app: ASGIApp, credentials: Credentials) -> None:
        self.app = app
        self.credentials = credentials

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self._allowed(scope):
            await self.app(scope, receive, send)
            return
        challenge = b'Basic realm="govern", charset="UTF-8"' if self.credentials.user else b"Bearer"
        await send(
            {
                "type": "http.response.start",
                "status": 401,
                "headers": [
                    (b"www-authenticate", challenge),
                    (b"content-type", b"text/plain; charset=utf-8"),
                    (b"cache-control", b"no-store"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": b"authentication required\n"})

    def _allowed(self, scope: Scope) -> bool:
        header = dict(scope.get("headers", [])).get(b"authorization", b"")
        kind, _, value = header.decode("latin-1").partition(" ")
        if kind.lower() == "bearer":
            return self.credentials.token_ok(value.strip())
        if kind.lower() == "basic":
            user, password = _basic(value.strip())
            return user is not None and self.credentials.basic_ok(user, password)
        return False


def _basic(value: str) -> tuple[str | None, str]:
    try:
        decoded = base64.b64decode(value, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None, ""
    user, colon, password = decoded.partition(":")
    return (user, password) if colon else (None, "")


# --- CSRF: a random cookie, and a form field that is its HMAC under the server's secret ---------


def csrf_cookie(request: Request) -> str:
    """The visitor's CSRF cookie value, or a new one (the caller sets it on the response)."""
    found = request.cookies.get(CSRF_COOKIE, "")
    return found if _well_formed(found) else secrets.token_urlsafe(32)


def csrf_token(secret: bytes, cookie: str) -> str:
    return hmac.new(secret, cookie.encode("ascii"), hashlib.sha256).hexdigest()


def csrf_ok(secret: bytes, cookie: str | None, field: object) -> bool:
    """Whether a form post came from a page this server rendered for this browser."""
    if not cookie or not _well_formed(cookie) or not isinstance(field, str):
        return False
    return hmac.compare_digest(csrf_token(secret, cookie), field)


def _well_formed(cookie: str) -> bool:
    return 20 <= len(cookie) <= 100 and all(c.isalnum() or c in "-_" for c in cookie)


class TooLarge(Exception):
    """The request body is larger than the upload limit."""


async def limited_body(request: Request, limit: int) -> bytes:
    """The whole request body, refusing (TooLarge) as soon as it passes `limit` bytes."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise TooLarge
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise TooLarge
        chunks.append(chunk)
    body = b"".join(chunks)
    request._body = body  # Starlette's own cache, so that request.form() parses these bytes
    return body
