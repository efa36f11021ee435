"""`govern attest sign`: a listed attester signs their attestation of a control with their key."""

from __future__ import annotations

from pathlib import Path

import click


@click.group("attest")
def group() -> None:
    """Sign attestations, so that checks can tell them from plain recorded entries."""


@group.command("sign")
@click.argument(
    "target", type=click.Path(path_type=Path), default=".", required=False, metavar="[DIR]"
)
@click.option("--control", required=True, help="The control id of the attestation to sign.")
@click.option(
    "--key",
    "key_path",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="Your private key (`govern keys generate`); its public key must be listed under "
    "attesters: in govern.yaml.",
)
def sign(target: Path, control: str, key_path: Path) -> None:
    """Sign your attestation of CONTROL in the system at DIR (default: here).

    The signature (a DSSE envelope over an in-toto statement of the entry's exact text) is
    written beside the attestations file as ATTESTATIONS.intoto.jsonl; signing again replaces
    your earlier signature of the same control. Any later edit of the entry makes it invalid.
    """
    from govern.cli.report import key_passphrase
    from govern.errors import UsageError
    from govern.load.bundle import load_system
    from govern.load.seals import load_attester_keys
    from govern.sign.attest import append_signature, attestation_envelope_line, choose
    from govern.sign.files import signing_time
    from govern.sign.keys import load_signing_key

    bundle = load_system(target)
    if bundle.attestations is None:
        raise UsageError(f"{bundle.manifest_document.display}: evidence.attestations names no file")
    key = load_signing_key(key_path, key_passphrase(key_path))
    manifest = bundle.manifest
    trusted = load_attester_keys(manifest.attesters, bundle.manifest_document, bundle.root, None)
    attester = next((t for t in trusted if t.keyid == key.keyid), None)
    if attester is None:
        raise UsageError(
            f"{key_path}: key {key.keyid} is not listed under attesters: in govern.yaml; add "
            "{name: ..., role: ..., public_key: PATH.pub} for it first"
        )
    entries = bundle.attestation_list()
    index = choose(entries, control, attester.name)
    display = bundle.attestations.path
    line = attestation_envelope_line(
        entries[index], f"{display}#{control}", key, attester.role, signing_time()
    )
    written = append_signature(bundle.attestations.document.path, line, control, attester.name)
    click.echo(
        f"signed the attestation of {control!r} by {attester.name} with key {key.keyid}: {written}"
    )
