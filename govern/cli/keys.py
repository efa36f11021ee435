"""`govern keys`: create the key pair (and certificate) that signs reports."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from govern.sign.keys import Algorithm


@click.group("keys")
def group() -> None:
    """Manage signing keys: for reports, and for attesters (`govern attest sign`)."""


@group.command("generate")
@click.option(
    "--out",
    "prefix",
    type=click.Path(path_type=Path, dir_okay=False),
    default="govern-signing",
    show_default=True,
    envvar="GOVERN_KEY_OUT",
    help="Path prefix: writes PREFIX.key (private, mode 0600), PREFIX.pub and PREFIX.crt.",
)
@click.option(
    "--passphrase/--no-passphrase",
    default=False,
    envvar="GOVERN_KEY_ENCRYPT",
    help="Encrypt the private key with a passphrase (GOVERN_KEY_PASSPHRASE, or asked for).",
)
@click.option(
    "--algorithm",
    type=click.Choice(["ecdsa-p256", "ed25519"]),
    default="ecdsa-p256",
    show_default=True,
    envvar="GOVERN_KEY_ALGORITHM",
    help="ecdsa-p256: PDF readers (pdfsig, Evince, Okular, Acrobat) verify its PAdES "
    "signature. ed25519: DSSE envelopes only; most readers cannot check it in a PDF.",
)
@click.option(
    "--x509/--no-x509",
    "x509_cert",
    default=True,
    show_default=True,
    envvar="GOVERN_KEY_X509",
    help="Also write a self-signed certificate, so PDFs get a PAdES signature.",
)
@click.option(
    "--subject",
    default="govern report signer",
    show_default=True,
    envvar="GOVERN_KEY_SUBJECT",
    help="Common name in the certificate (who signs, e.g. 'ACME Model Risk Office').",
)
@click.option(
    "--days",
    type=click.IntRange(1, 3650),
    default=730,
    show_default=True,
    envvar="GOVERN_KEY_DAYS",
    help="Certificate validity in days.",
)
@click.option("--force", is_flag=True, help="Overwrite existing key files.")
def generate(
    prefix: Path,
    passphrase: bool,
    algorithm: Algorithm,
    x509_cert: bool,
    subject: str,
    days: int,
    force: bool,
) -> None:
    """Write a new key pair (ECDSA P-256 and a certificate by default); print its fingerprint.

    Give the .pub file (or the .crt) to the people who will verify your reports; keep the .key.
    """
    from govern.cli.worktree import tracked_by_default
    from govern.errors import UsageError
    from govern.sign.keys import generate_keys

    secret = None
    if passphrase:
        text = os.environ.get("GOVERN_KEY_PASSPHRASE")
        if text is None:
            if not sys.stdin.isatty():
                raise UsageError("--passphrase: no terminal to ask on; set GOVERN_KEY_PASSPHRASE")
            text = click.prompt(
                "Passphrase for the new key", hide_input=True, confirmation_prompt=True, err=True
            )
        if not text:
            raise UsageError("--passphrase: the passphrase is empty")
        secret = text.encode("utf-8")
    keys = generate_keys(
        prefix,
        secret,
        certificate_subject=subject if x509_cert else None,
        days=days,
        overwrite=force,
        algorithm=algorithm,
    )
    click.echo(f"wrote {keys.private_key} (private key, keep it secret)", err=True)
    if tracked_by_default(keys.private_key):
        click.echo(
            f"warning: {keys.private_key} is inside a git work tree that does not ignore it; "
            "add it to .gitignore or move it out of the repository",
            err=True,
        )
    click.echo(f"wrote {keys.public_key} (public key, give it to verifiers)", err=True)
    if keys.certificate is not None:
        click.echo(f"wrote {keys.certificate} (self-signed certificate for PAdES)", err=True)
    if keys.removed_certificate is not None:
        click.echo(f"removed {keys.removed_certificate} (it certified the replaced key)", err=True)
    click.echo(keys.keyid)
