"""`govern report`: assess a system and write its report as PDF/A, HTML and JSON, signed or not."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

import click

from govern.cli.check import OutputSpec, OutputSpecType
from govern.cli.options import engine_options, record_assessment, record_options

if TYPE_CHECKING:  # kept out of the start-up path
    from govern.engine.assessment import Assessment
    from govern.engine.diff import Diff
    from govern.engine.evaluate import EngineOptions
    from govern.outputs import OutputKind
    from govern.sign.keys import SigningKey


@click.command("report")
@click.argument("target", type=click.Path(path_type=Path), default=".", required=False)
@click.option(
    "--pdf",
    "pdf",
    type=click.Path(path_type=Path, dir_okay=False),
    envvar="GOVERN_REPORT_PDF",
    help="Write the report as PDF/A-3b, with the assessment JSON attached.",
)
@click.option(
    "--html",
    "html",
    type=click.Path(path_type=Path, dir_okay=False),
    envvar="GOVERN_REPORT_HTML",
    help="Write the report as one self-contained HTML file.",
)
@click.option(
    "--json",
    "json_out",
    type=click.Path(path_type=Path, dir_okay=False),
    envvar="GOVERN_REPORT_JSON",
    help="Write the assessment JSON (the same bytes as the PDF attachment).",
)
@click.option(
    "-o",
    "--output",
    "outputs",
    type=OutputSpecType(),
    multiple=True,
    envvar="GOVERN_REPORT_OUTPUT",
    help="Also write FORMAT to PATH (FORMAT=PATH, e.g. oscal=report.oscal.json) beside the "
    "report, from the same run; signed with the report files. Repeatable.",
)
@click.option(
    "--sign-key",
    type=click.Path(path_type=Path),
    envvar="GOVERN_SIGN_KEY",
    help="Private key (PEM, ECDSA P-256 or Ed25519): sign the report files in a DSSE envelope "
    "beside them (and inside a PAdES-signed PDF).",
)
@click.option(
    "--sign-cert",
    type=click.Path(path_type=Path),
    envvar="GOVERN_SIGN_CERT",
    help="Certificate for --sign-key: the PDF also gets a PAdES signature readers show "
    "(default: KEY's .crt beside it, as `govern keys generate` writes).",
)
@click.option(
    "--envelope",
    type=click.Path(path_type=Path, dir_okay=False),
    envvar="GOVERN_REPORT_ENVELOPE",
    help="Where to write the signature envelope (default: beside the first report file, "
    "REPORT.intoto.jsonl).",
)
@click.option(
    "--template",
    "template_dir",
    type=click.Path(path_type=Path, file_okay=False),
    envvar="GOVERN_TEMPLATE",
    help="Folder of templates and assets that override the built-in ones by name.",
)
@click.option(
    "--force",
    is_flag=True,
    envvar="GOVERN_FORCE",
    help="Replace output files that hold another kind of content (an earlier report of the "
    "same kind is always replaced).",
)
@click.option(
    "--repo-root",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    envvar="GOVERN_REPO_ROOT",
    help="Let evidence and packs be read from anywhere inside this folder (it must hold the "
    "system folder); by default nothing outside the system folder is read.",
)
@engine_options
@record_options
def command(
    target: Path,
    pdf: Path | None,
    html: Path | None,
    json_out: Path | None,
    outputs: tuple[OutputSpec, ...],
    sign_key: Path | None,
    sign_cert: Path | None,
    envelope: Path | None,
    template_dir: Path | None,
    force: bool,
    repo_root: Path | None,
    as_of: dt.date | None,
    fail_on: str,
    only_in_force: bool,
    calendar: str,
    allow_unattested: bool,
    record: bool,
    db_url: str | None,
) -> None:
    """Write the compliance report of the AI system in TARGET (a folder with govern.yaml).

    The report shows the verdict, the EU AI Act classification, every control's result with its
    evidence, fairness charts, the evidence inventory with digests, waivers and attestations.
    Exits 0 when the report was written (whatever the verdict), 2 on bad input or usage.
    """
    # First of all, before the evidence is read: the child that will lay out the PDF starts
    # importing WeasyPrint now, on the other core (govern.report.pdf_worker).
    from govern.report.pdf_worker import ForkedPdfRenderer

    worker = None
    if pdf is not None:
        worker = ForkedPdfRenderer.start(_preload_pades if sign_key is not None else None)
    try:
        from govern.cli.run import engine_options_from
        from govern.errors import UsageError
        from govern.outputs import FORMAT_KINDS
        from govern.report.build import Outputs, render_report
        from govern.report.context import Signer
        from govern.report.html import TemplateSet
        from govern.sign.files import envelope_path, sign_and_write
        from govern.sign.keys import algorithm_name
        from govern.sign.svr import svr_path

        extra = _extra_outputs(outputs)
        if pdf is None and html is None and json_out is None:
            raise UsageError("nothing to write: give --pdf, --html or --json (or several)")
        if sign_cert is not None and sign_key is None:
            raise UsageError("--sign-cert needs --sign-key, the private key it certifies")
        _check_distinct([p for p in (pdf, html, json_out, envelope, *extra) if p is not None])
        templates = TemplateSet.load(template_dir)
        key = _signing_key(sign_key, sign_cert, pades=pdf is not None)
        options = engine_options_from(as_of, fail_on, only_in_force, calendar, allow_unattested)
        primary = next(p for p in (pdf, html, json_out) if p is not None)
        envelope_file = (envelope or envelope_path(primary)) if key is not None else None
        report_files = Outputs(pdf=pdf, html=html, json=json_out, envelope=envelope_file)
        wanted: list[tuple[Path | None, OutputKind]] = [
            (pdf, "pdf"),
            (html, "html"),
            (json_out, "json"),
        ]
        kinds = [(path, kind) for path, kind in wanted if path is not None]
        kinds.extend((path, FORMAT_KINDS.get(fmt, "text")) for path, fmt in extra.items())
        if envelope_file is not None:
            kinds.append((envelope_file, "json"))
            kinds.append((svr_path(envelope_file), "json"))
        assessment, system_dir = _assess(target, options, kinds, force, repo_root)
        since_approved = _since_approved(assessment, db_url, system_dir)
        signer = (
            None
            if key is None
            else Signer(key.keyid, key.certificate_subject, algorithm_name(key.public))
        )
        rendered = render_report(
            assessment, templates, report_files, signer, since_approved, pdf_renderer=worker
        )
        font_warning = rendered.font_warning()
        if font_warning is not None:
            click.echo(f"warning: {font_warning}", err=True)
        files: list[tuple[Path, bytes]] = []
        if pdf is not None and rendered.pdf is not None:
            files.append((pdf, rendered.pdf))
        if html is not None:
            files.append((html, rendered.html.html.encode("utf-8")))
        if json_out is not None:
            files.append((json_out, rendered.json))
        files.extend(_render_extra(assessment, extra))
        written = sign_and_write(files, pdf, assessment, rendered.json, envelope_file, key)
        for path in written.files:
            suffix = f" ({rendered.pages} pages, PDF/A-3b)" if path == pdf else ""
            click.echo(f"wrote {path}{suffix}", err=True)
        if written.envelope is not None and key is not None:
            what = "DSSE envelope" + (" and PAdES signature" if written.pades else "")
            click.echo(f"signed {what} with {key.keyid}: {written.envelope}", err=True)
            if written.pades:
                click.echo(f"{pdf} also holds its envelope: it verifies when sent alone", err=True)
            if written.svr is not None:
                click.echo(f"wrote {written.svr} (in-toto Simple Verification Result)", err=True)
        if record:
            record_assessment(assessment, db_url, system_dir)
        verdict = assessment.summary.verdict.upper()
        click.echo(f"verdict: {verdict} ({assessment.system.name} {assessment.system.version})")

    finally:
        if worker is not None:
            worker.close()


def _preload_pades() -> None:
    """Import pyHanko while the PDF worker lays out the pages; a failure here is left for the
    signing step to report, as it would without the worker."""
    import contextlib

    from govern.sign.pades import preload

    with contextlib.suppress(ImportError):
        preload()


def _extra_outputs(outputs: tuple[OutputSpec, ...]) -> dict[Path, str]:
    """The -o outputs by file; a report writes only files, so each needs FORMAT=PATH."""
    from govern.errors import UsageError

    for spec in outputs:
        if spec.path is None:
            raise UsageError(f"-o {spec.format}: give a file, as -o {spec.format}=PATH")
    return {spec.path: spec.format for spec in outputs if spec.path is not None}


def _render_extra(assessment: Assessment, extra: dict[Path, str]) -> list[tuple[Path, bytes]]:
    from govern.render import get_renderer
    from govern.render.interface import RenderOptions

    return [
        (path, get_renderer(fmt).render(assessment, RenderOptions()).encode("utf-8"))
        for path, fmt in extra.items()
    ]


def _check_distinct(paths: list[Path]) -> None:
    from govern.errors import UsageError

    resolved = [p.resolve() for p in paths]
    if len(set(resolved)) != len(resolved):
        raise UsageError("--pdf, --html, --json, -o and --envelope must name different files")


def _signing_key(key_path: Path | None, cert_path: Path | None, pades: bool) -> SigningKey | None:
    """The key to sign with and, for a PDF, its certificate: --sign-cert, else KEY's .crt."""
    if key_path is None:
        return None
    from govern.sign.keys import KeyFileError, certificate_beside, load_signing_key

    passphrase = key_passphrase(key_path)
    found = cert_path is None and pades
    if found:
        cert_path = certificate_beside(key_path)
    try:
        key = load_signing_key(key_path, passphrase, cert_path)
    except KeyFileError as exc:
        if found and cert_path is not None and str(exc).startswith(str(cert_path)):
            raise KeyFileError(
                f"{exc} (found beside the key: give the right one with --sign-cert, or move it)"
            ) from None
        raise
    if key.certificate is not None and pades:
        how = " (found beside the key; --sign-cert to choose another)" if found else ""
        subject = key.certificate.subject.rfc4514_string() or "no subject"
        click.echo(f"PAdES certificate: {cert_path} [{subject}]{how}", err=True)
    return key


def key_passphrase(key_path: Path) -> bytes | None:
    """GOVERN_KEY_PASSPHRASE, or asked on the terminal, for an encrypted key; else None."""
    import os
    import sys

    from govern.sign.keys import KeyFileError, private_key_is_encrypted

    if not private_key_is_encrypted(key_path):
        return None
    secret = os.environ.get("GOVERN_KEY_PASSPHRASE")
    if secret is None:
        if not sys.stdin.isatty():
            raise KeyFileError(
                f"{key_path}: the key is encrypted; set GOVERN_KEY_PASSPHRASE "
                "(no terminal to ask for the passphrase)"
            )
        secret = click.prompt(f"Passphrase for {key_path}", hide_input=True, err=True)
    return secret.encode("utf-8")


def _assess(
    target: Path,
    options: EngineOptions,
    planned: list[tuple[Path, OutputKind]],
    force: bool = False,
    repo_root: Path | None = None,
) -> tuple[Assessment, Path]:
    """The same run as `govern check`; the report renders from the Assessment alone.

    The output paths are checked as soon as the inputs are known, before the slow rendering.
    """
    from govern.cli.run import check_outputs_spare_inputs, load_system_and_packs
    from govern.engine.evaluate import assess
    from govern.outputs import refuse_replacing_other_kinds

    bundle, packs = load_system_and_packs(target, repo_root)
    check_outputs_spare_inputs([path for path, _ in planned], bundle, packs)
    refuse_replacing_other_kinds(planned, force)
    assessment = assess(bundle, packs, options)
    return assessment, bundle.root


def _since_approved(assessment: Assessment, db_url: str | None, system_dir: Path) -> Diff | None:
    """The run compared with the newest passing run in the ledger, when there is a ledger.

    The ledger is `--db` (or GOVERN_DATABASE_URL), else the system's own `.govern/ledger.db` if
    one was recorded; with neither, the report says no ledger was given. It is only read.
    """
    if db_url is None and not (system_dir / ".govern" / "ledger.db").is_file():
        return None
    # Imported only when there is a ledger: the store (SQLAlchemy, SQLModel) takes a third of a
    # second to import, a report without a ledger need not pay it.
    import dataclasses

    from govern.engine.diff import Snapshot, compare
    from govern.errors import UsageError
    from govern.store import default_url
    from govern.store.errors import LedgerError, NoLedger, RunNotFound
    from govern.store.ledger import Ledger

    try:
        with Ledger.open(db_url or default_url(system_dir)) as ledger:
            system = assessment.system.id
            before = ledger.snapshot(ledger.resolve("latest", system))
            if before.assessment.summary.verdict != "pass":
                before = ledger.snapshot(ledger.resolve("approved", system))
    except (NoLedger, RunNotFound):
        return None
    except LedgerError as exc:
        raise UsageError(f"ledger for the comparison with the last approved run: {exc}") from None
    current = Snapshot("this run", assessment, None)
    return compare(dataclasses.replace(before, label="approved"), current)
