"""`govern diff`: what got worse (or better) between two recorded runs or assessment JSON files."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from govern.cli.ledger import database_options, database_url

if TYPE_CHECKING:
    from govern.engine.diff import Snapshot
    from govern.store.ledger import Ledger

REFERENCES = "a run id, latest, latest~N, previous, approved, or an assessment JSON file"


@click.command("diff")
@click.argument("before", default="previous", required=False)
@click.argument("after", default="latest", required=False)
@click.option(
    "--system",
    envvar="GOVERN_SYSTEM",
    help="System whose latest/previous/approved runs to use (default: the only one recorded).",
)
@database_options
@click.option(
    "--tolerance",
    type=click.FloatRange(min=0),
    default=0.02,
    envvar="GOVERN_DIFF_TOLERANCE",
    show_default=True,
    help="Fairness metrics that move by no more than this are not reported.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "markdown"]),
    default="text",
    envvar="GOVERN_FORMAT",
    show_default=True,
    help="Output format; markdown fits a pull-request comment.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    envvar="GOVERN_OUTPUT",
    help="Write the output to this file (atomically).",
)
@click.option(
    "--force",
    is_flag=True,
    envvar="GOVERN_FORCE",
    help="Replace an existing -o file that holds another kind of content.",
)
@click.option(
    "--fail-on-regression",
    is_flag=True,
    envvar="GOVERN_FAIL_ON_REGRESSION",
    help="Exit 1 when anything got worse.",
)
def command(
    before: str,
    after: str,
    system: str | None,
    db: str | None,
    directory: Path,
    tolerance: float,
    fmt: str,
    output: Path | None,
    force: bool,
    fail_on_regression: bool,
) -> None:
    """Compare BEFORE with AFTER (default: previous and latest run). Each is a run id, latest,
    latest~N, previous, approved (the newest passing run before the latest) or an assessment
    JSON file: new failures, fixed rules, changed statuses, expired waivers, fairness moves."""
    from govern.engine.diff import compare
    from govern.outputs import refuse_replacing_other_kinds
    from govern.render.history import DIFF
    from govern.store.ledger import Ledger, is_run_reference

    if output is not None:
        refuse_replacing_other_kinds([(output, "json" if fmt == "json" else "text")], force)
    runs = [ref for ref in (before, after) if is_run_reference(ref) and not _is_file(Path(ref))]
    if runs:
        with Ledger.open(database_url(db, directory)) as ledger:
            sides = [_snapshot(ref, system, ledger) for ref in (before, after)]
    else:
        sides = [_snapshot(ref, system, None) for ref in (before, after)]
    diff = compare(sides[0], sides[1], tolerance)
    text = DIFF[fmt](diff)
    if output is not None:
        from govern.outputs import write_atomic

        write_atomic(output, text)
        click.echo(f"wrote {output}", err=True)
    else:
        click.echo(text, nl=False)
    if fail_on_regression and diff.regressions:
        raise click.exceptions.Exit(1)


def _snapshot(reference: str, system: str | None, ledger: Ledger | None) -> Snapshot:
    from govern.errors import UsageError
    from govern.store.ledger import is_run_reference

    path = Path(reference)
    if ledger is not None and is_run_reference(reference) and not _is_file(path):
        return ledger.snapshot(ledger.resolve(reference, system))
    if not _is_file(path):
        raise UsageError(f"{reference}: no such file, and not a run reference ({REFERENCES})")
    return _from_file(path)


def _is_file(path: Path) -> bool:
    """Path.is_file, false for names the OS refuses (too long, NUL) instead of raising."""
    from govern.load.containment import file_kind

    return file_kind(path) == "file"


def _from_file(path: Path) -> Snapshot:
    from govern.engine.assessment import ASSESSMENT_FORMAT, Assessment
    from govern.engine.diff import Snapshot
    from govern.errors import InputError
    from govern.load.documents import load_document
    from govern.load.validation import load_validate

    document = load_document(path, str(path), fmt="json")
    data = document.data
    if not (isinstance(data, dict) and data.get("format") == ASSESSMENT_FORMAT):
        raise InputError.single(str(path), f"not a govern assessment JSON ({_looks_like(data)})")
    return Snapshot(label=path.name, assessment=load_validate(Assessment, document), fairness=None)


def _looks_like(data: object) -> str:
    """A hint at what the file is, for the usual mix-ups in a CI workspace."""
    from govern.engine.assessment import ASSESSMENT_FORMAT

    if isinstance(data, dict):
        if "runs" in data and "$schema" in data and "sarif" in str(data.get("$schema")):
            return "this looks like SARIF; give the output of `govern check --format json`"
        if "payloadType" in data and "signatures" in data:
            return "this looks like a signature envelope; give the report's JSON"
        if "features" in data and "parameters" in data:
            return "this looks like a fairness report"
        if "format" in data:
            return f"its format is {data['format']!r}, expected {ASSESSMENT_FORMAT!r}"
    return "give the output of `govern check --format json` or `govern report --json`"
