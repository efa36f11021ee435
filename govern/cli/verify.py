"""`govern verify`: check a signed report offline against the signer's public key."""

from __future__ import annotations

from pathlib import Path

import click


@click.command("verify")
@click.argument("report", type=click.Path(path_type=Path))
@click.option(
    "--key",
    "key_path",
    type=click.Path(path_type=Path),
    required=True,
    envvar="GOVERN_VERIFY_KEY",
    help="The signer's public key (.pub, PEM) or certificate (.crt) that you trust.",
)
@click.option(
    "--evidence",
    "evidence_dir",
    type=click.Path(path_type=Path, file_okay=False),
    envvar="GOVERN_VERIFY_EVIDENCE",
    help="The system folder (with govern.yaml): check that its evidence and policy pack files "
    "are unchanged.",
)
def command(report: Path, key_path: Path, evidence_dir: Path | None) -> None:
    """Verify REPORT (the PDF, HTML or JSON of a report, or its .intoto.jsonl envelope).

    The first line says VALID or INVALID; the verdict is shown, "as signed", only for a valid
    report. A PDF sent alone is verified from the envelope and PAdES signature inside it.
    Checks the envelope's signature, the sha256 of REPORT and of every other signed file that is
    present (one that is absent is listed as not checked), the assessment attached to the PDF,
    the PDF's PAdES signature when it has one, and with --evidence the evidence and policy pack
    files. Exits 0 when valid, 1 when anything does not match or the report is unsigned, 2 on
    usage.
    """
    from govern.errors import UsageError
    from govern.load.containment import file_kind
    from govern.render.display import visible, visible_values
    from govern.sign.files import envelope_path
    from govern.sign.keys import load_public_key
    from govern.sign.verify import verify_report

    if file_kind(report) == "directory":
        raise UsageError(f"{report}: is a folder; name the report's PDF, HTML or JSON file")
    if evidence_dir is not None and file_kind(evidence_dir) != "directory":
        raise UsageError(f"{evidence_dir}: --evidence must be the system folder with govern.yaml")
    trusted = load_public_key(key_path)
    result = verify_report(report, trusted, evidence_dir)
    if not result.signed:
        click.echo(
            f"INVALID: unsigned: no signature envelope for {report} "
            f"(expected {envelope_path(report).name} beside it, or a PDF signed by govern "
            "with the envelope inside)"
        )
        raise click.exceptions.Exit(1)
    failed = sum(1 for c in result.checks if c.state == "fail")
    if result.valid:
        how = " (alone: the signatures inside the PDF)" if result.inside_pdf else ""
        click.echo(f"VALID: {report}{how}")
    else:
        click.echo(f"INVALID: {failed} check(s) failed for {report}")
    for check in result.checks:
        mark = {"ok": "ok  ", "fail": "FAIL", "skip": "--  "}[check.state]
        detail = f": {check.detail}" if check.detail else ""
        # Names and details come from the envelope, which anyone can write: shown, never obeyed.
        click.echo(visible(f"{mark} {check.what}{detail}"))
    predicate = result.predicate
    if predicate is not None and result.valid:
        # What an invalid report claims is not evidence of anything: no verdict is shown for it.
        system = visible_values(predicate.system)
        click.echo(f"signer   {visible(predicate.signer.keyid)}")
        click.echo(f"signed   {predicate.signed_at.isoformat()} (signer's clock)")
        click.echo(
            f"verdict as signed: {predicate.verdict.upper()}: {system.name} {system.version}, "
            f"as of {predicate.as_of.isoformat()}"
        )
    if not result.valid:
        raise click.exceptions.Exit(1)
