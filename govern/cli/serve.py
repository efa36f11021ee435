"""`govern serve`: the read-only web view over the ledger, for the people who sign off releases."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from govern.cli.ledger import database_url

if TYPE_CHECKING:
    from govern.serve.config import ServeConfig


@click.command("serve")
@click.option(
    "--db",
    metavar="URL",
    envvar=["GOVERN_SERVE_DB", "GOVERN_DATABASE_URL"],
    help="Ledger database (default: .govern/ledger.db in --dir).",
)
@click.option(
    "--dir",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    default=".",
    envvar="GOVERN_DIR",
    show_default=True,
    help="System folder whose .govern/ledger.db is served when no --db is given.",
)
@click.option(
    "--host",
    default="127.0.0.1",
    envvar="GOVERN_SERVE_HOST",
    show_default=True,
    help="Address to listen on. Anything but loopback requires credentials "
    "(GOVERN_SERVE_TOKEN_SHA256, or GOVERN_SERVE_USER with GOVERN_SERVE_BASIC_HASH).",
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    envvar="GOVERN_SERVE_PORT",
    show_default=True,
    help="Port to listen on.",
)
@click.option(
    "--sign-key",
    type=click.Path(path_type=Path, dir_okay=False),
    envvar="GOVERN_SERVE_SIGN_KEY",
    help="Private key to sign the reports it renders (its .crt beside it adds a PAdES "
    "signature); without one, reports are served unsigned and say so.",
)
@click.option(
    "--trusted-key",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    envvar="GOVERN_SERVE_TRUSTED_KEY",
    help="Public key (.pub or .crt) the verify page uses when no key is uploaded.",
)
@click.option(
    "--max-upload",
    type=click.IntRange(1),
    default=20 * 1024 * 1024,
    envvar="GOVERN_SERVE_MAX_UPLOAD",
    show_default=True,
    help="Largest upload the verify page accepts, in bytes (larger: 413).",
)
@click.option(
    "--cache",
    "cache_dir",
    type=click.Path(path_type=Path, file_okay=False),
    envvar="GOVERN_SERVE_CACHE",
    help="Folder for rendered reports (default: a new temporary folder).",
)
@click.option(
    "--hash-password",
    is_flag=True,
    help="Read a password on standard input, print its hash for GOVERN_SERVE_BASIC_HASH, exit.",
)
def command(
    db: str | None,
    directory: Path,
    host: str,
    port: int,
    sign_key: Path | None,
    trusted_key: Path | None,
    max_upload: int,
    cache_dir: Path | None,
    hash_password: bool,
) -> None:
    """Serve the ledger as web pages: portfolio, systems, diffs, reports, verify, ledger health.

    Read-only: nothing a visitor does changes the ledger. Listens on 127.0.0.1 unless told
    otherwise, and refuses to listen elsewhere without credentials (stored hashed, from the
    environment). Stop it with Ctrl-C.
    """
    if hash_password:
        _print_hash()
        return
    config = _config(
        database_url(db, directory), host, port, sign_key, trusted_key, max_upload, cache_dir
    )
    _run(config)


def _print_hash() -> None:
    import sys

    from govern.errors import UsageError
    from govern.serve.config import hash_password

    password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        raise UsageError("--hash-password: give the password on standard input")
    click.echo(hash_password(password))


def _config(
    url: str,
    host: str,
    port: int,
    sign_key: Path | None,
    trusted_key: Path | None,
    max_upload: int,
    cache_dir: Path | None,
) -> ServeConfig:
    import os

    from govern.serve.config import Credentials, ServeConfig

    credentials = Credentials(
        token_sha256=os.environ.get("GOVERN_SERVE_TOKEN_SHA256") or None,
        user=os.environ.get("GOVERN_SERVE_USER") or None,
        password_hash=os.environ.get("GOVERN_SERVE_BASIC_HASH") or None,
    )
    config = ServeConfig(
        db_url=url,
        host=host,
        port=port,
        credentials=credentials,
        sign_key=sign_key,
        trusted_key=trusted_key,
        max_upload=max_upload,
        cache_dir=cache_dir,
    )
    config.check()
    return config


def _run(config: ServeConfig) -> None:
    from govern.errors import UsageError

    try:
        import uvicorn

        from govern.serve.app import create_app
    except ModuleNotFoundError as exc:
        raise UsageError(
            f"govern serve needs {exc.name}, which comes with govern: reinstall govern"
        ) from None
    from govern.store.ledger import Ledger

    with Ledger.open(config.db_url) as ledger:  # a missing ledger fails now, not on every page
        shown = ledger.target.display  # the password, if the URL has one, masked
    app = create_app(config)
    auth = "credentials required" if config.auth_required else "no credentials: loopback only"
    click.echo(f"serving {shown} on http://{config.host}:{config.port}/ ({auth})", err=True)
    uvicorn.run(app, host=config.host, port=config.port, log_level="warning", proxy_headers=True)
