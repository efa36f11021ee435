"""What a `govern serve` process is told: its ledger, address, credentials and limits.

Credentials are only ever held hashed: a bearer token as its SHA-256 (tokens are long random
strings, so a fast hash is enough) and a basic-auth password as scrypt with a salt (people pick
passwords, so the hash must be slow). A server bound to anything but loopback refuses to start
without one of them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import ipaddress
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from govern.errors import UsageError

DEFAULT_MAX_UPLOAD = 20 * 1024 * 1024
# scrypt cost: about 50 ms and 16 MiB per check, a fair price for a login, dear for a guesser.
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}
_HEX = frozenset("0123456789abcdef")


def is_loopback(host: str) -> bool:
    """Whether `host` only accepts connections from this machine (localhost, 127/8, ::1)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def hash_password(password: str, salt: bytes | None = None) -> str:
    """`scrypt$SALT$HASH` (hex) for GOVERN_SERVE_BASIC_HASH; `govern serve --hash-password`."""
    salt = salt if salt is not None else secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, **_SCRYPT)
    return f"scrypt${salt.hex()}${digest.hex()}"


def _is_hex(text: str, length: int | None = None) -> bool:
    return bool(text) and set(text) <= _HEX and (length is None or len(text) == length)


@dataclass(frozen=True)
class Credentials:
    """Who may read: a token's SHA-256 and/or a user with a scrypt password hash."""

    token_sha256: str | None = None
    user: str | None = None
    password_hash: str | None = None

    def __post_init__(self) -> None:
        if self.token_sha256 is not None and not _is_hex(self.token_sha256.lower(), 64):
            raise UsageError("GOVERN_SERVE_TOKEN_SHA256 must be 64 hex digits (sha256sum of it)")
        if (self.user is None) != (self.password_hash is None):
            raise UsageError("basic credentials need both GOVERN_SERVE_USER and _BASIC_HASH")
        if self.password_hash is not None and not _parse_scrypt(self.password_hash):
            raise UsageError(
                "GOVERN_SERVE_BASIC_HASH must be scrypt$SALT$HASH as "
                "`govern serve --hash-password` prints it"
            )

    @property
    def configured(self) -> bool:
        return self.token_sha256 is not None or self.user is not None

    def token_ok(self, token: str) -> bool:
        if self.token_sha256 is None:
            return False
        found = hashlib.sha256(token.encode("utf-8")).hexdigest()
        return hmac.compare_digest(found, self.token_sha256.lower())

    def basic_ok(self, user: str, password: str) -> bool:
        if self.user is None or self.password_hash is None:
            return False
        parsed = _parse_scrypt(self.password_hash)
        assert parsed is not None  # checked when the credentials were made
        salt, _ = parsed
        same_user = hmac.compare_digest(user.encode("utf-8"), self.user.encode("utf-8"))
        same_hash = hmac.compare_digest(hash_password(password, salt), self.password_hash)
        return same_user and same_hash


def _parse_scrypt(stored: str) -> tuple[bytes, bytes] | None:
    parts = stored.split("$")
    if len(parts) != 3 or parts[0] != "scrypt" or not (_is_hex(parts[1]) and _is_hex(parts[2])):
        return None
    return bytes.fromhex(parts[1]), bytes.fromhex(parts[2])


def _today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


@dataclass(frozen=True)
class ServeConfig:
    """Everything the web application needs; the CLI builds it from options and environment."""

    db_url: str
    host: str = "127.0.0.1"
    port: int = 8000
    credentials: Credentials = field(default_factory=Credentials)
    sign_key: Path | None = None
    trusted_key: Path | None = None
    max_upload: int = DEFAULT_MAX_UPLOAD
    cache_dir: Path | None = None
    today: Callable[[], dt.date] = _today
    # Signs CSRF tokens; a fresh one per process unless given (several workers must share it).
    secret: bytes = field(default_factory=lambda: secrets.token_bytes(32))

    @property
    def auth_required(self) -> bool:
        """Off loopback always; on loopback only when credentials were configured anyway."""
        return not is_loopback(self.host) or self.credentials.configured

    def check(self) -> None:
        """Refuse to serve the ledger to the network without credentials."""
        if not is_loopback(self.host) and not self.credentials.configured:
            raise UsageError(
                f"--host {self.host} is reachable from other machines: set "
                "GOVERN_SERVE_TOKEN_SHA256 (sha256 of a bearer token) or GOVERN_SERVE_USER with "
                "GOVERN_SERVE_BASIC_HASH (from `govern serve --hash-password`), or bind to "
                "127.0.0.1"
            )
