"""`govern check`: evaluate a system's evidence against its policy packs and gate on the result."""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from govern.cli.options import engine_options, record_assessment, record_options
from govern.render import RENDERERS, get_renderer
from govern.render.interface import RenderOptions

if TYPE_CHECKING:
    from govern.engine.assessment import Assessment
from govern.outputs import FORMAT_KINDS

if TYPE_CHECKING:
    from govern.engine.assessment import Assessment
    from govern.outputs import OutputKind

FORMATS = list(RENDERERS)


@dataclass(frozen=True)
class OutputSpec:
    """One requested output: a format, and a file (None for standard output)."""

    format: str
    path: Path | None


class OutputSpecType(click.ParamType):  # type: ignore[type-arg]
    """FORMAT (standard output) or FORMAT=PATH; anything else is refused with a suggestion."""

    name = "FORMAT[=PATH]"

    def split_envvar_value(self, rv: str) -> list[str]:
        # GOVERN_OUTPUT="github sarif=govern.sarif" or "github,sarif=govern.sarif".
        return [part for part in re.split(r"[\s,]+", rv) if part]

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> OutputSpec:
        if isinstance(value, OutputSpec):
            return value
        raw = str(value)
        if raw.lower() in RENDERERS:
            return OutputSpec(raw.lower(), None)
        fmt, sep, path = raw.partition("=")
        if sep and fmt.lower() in RENDERERS:
            return OutputSpec(fmt.lower(), None if path in ("", "-") else Path(path))
        self.fail(_not_an_output(raw, fmt if sep else None), param, ctx)


def _not_an_output(raw: str, fmt: str | None) -> str:
    """Why RAW is no output, and the closest thing the user may have meant."""
    import difflib

    choices = ", ".join(FORMATS)
    if fmt is not None:
        close = difflib.get_close_matches(fmt.lower(), FORMATS, n=1, cutoff=0.5)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        return f"unknown format {fmt!r}{hint} (choose from {choices})"
    # A file name: suggest the format its suffix names, else the closest format name.
    by_suffix = {".json": "json", ".sarif": "sarif", ".xml": "junit", ".md": "markdown"}
    suffix = Path(raw).suffix.lower()
    if suffix in by_suffix or suffix == ".txt":
        suggestion = f"-o {by_suffix.get(suffix, 'text')}={raw}"
    else:
        close = difflib.get_close_matches(raw.lower(), FORMATS, n=1, cutoff=0.5)
        suggestion = f"-o {close[0]}" if close else f"-o FORMAT={raw}"
    return f"{raw!r} is neither a format ({choices}) nor FORMAT=PATH; did you mean {suggestion!r}?"


@click.command("check")
@click.argument("targets", metavar="[TARGET]...", type=click.Path(path_type=Path), nargs=-1)
@click.option(
    "--all",
    "all_root",
    metavar="ROOT",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    envvar="GOVERN_ALL",
    help="Check every system under ROOT (each folder holding a govern.yaml; hidden folders, "
    ".git, .venv and node_modules are skipped) as one portfolio.",
)
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    envvar="GOVERN_JOBS",
    help="Worker processes for a portfolio (default: the machine's cores; 1 checks in this "
    "process).",
)
@click.option(
    "-o",
    "--output",
    "outputs",
    type=OutputSpecType(),
    multiple=True,
    envvar="GOVERN_OUTPUT",
    help=f"Write FORMAT ({', '.join(FORMATS)}) to PATH, or to standard output without =PATH. "
    "Repeat for several outputs from one run; at most one goes to standard output. "
    "Env: space- or comma-separated list.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    envvar="GOVERN_FORMAT",
    help="Format of standard output (default text); the same as -o FORMAT.",
)
@engine_options
@click.option(
    "--baseline",
    type=click.Path(path_type=Path, dir_okay=False),
    envvar="GOVERN_BASELINE",
    help="Report, and fail on, only failures that are not recorded in this baseline file.",
)
@click.option(
    "--write-baseline",
    type=click.Path(path_type=Path, dir_okay=False),
    envvar="GOVERN_WRITE_BASELINE",
    help="Record every current failure in this file; the run is then judged against it "
    "(or against --baseline, when given).",
)
@click.option(
    "--repo-root",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    envvar="GOVERN_REPO_ROOT",
    help="Repository root that sarif, junit, github and markdown paths are relative to "
    "(default: the enclosing git work tree, else the system folder). When given, evidence "
    "and packs may also be read from anywhere inside it, not only from the system folder.",
)
@click.option(
    "-v",
    "--verbose",
    is_flag=True,
    envvar="GOVERN_VERBOSE",
    help="List passing and not-applicable rules too.",
)
@click.option(
    "--force",
    is_flag=True,
    envvar="GOVERN_FORCE",
    help="Replace output files that hold another kind of content (an earlier run's output of "
    "the same kind is always replaced).",
)
@record_options
def command(
    targets: tuple[Path, ...],
    all_root: Path | None,
    jobs: int | None,
    outputs: tuple[OutputSpec, ...],
    fmt: str | None,
    fail_on: str,
    as_of: dt.date | None,
    only_in_force: bool,
    calendar: str,
    allow_unattested: bool,
    baseline: Path | None,
    write_baseline: Path | None,
    repo_root: Path | None,
    verbose: bool,
    force: bool,
    record: bool,
    db_url: str | None,
) -> None:
    """Check the AI system in TARGET (a folder with govern.yaml, or the file itself).

    Exits 0 when no blocking rule at or above --fail-on fails, 1 when one does (with a baseline:
    one that is new since the baseline), 2 on bad input or usage. Several TARGETs, or --all ROOT,
    check a portfolio: one line per system and a summary; the exit code is the worst system's.
    """
    if all_root is not None or len(targets) > 1:
        from govern.cli.portfolio import check_portfolio_params

        check_portfolio_params(click.get_current_context().params)
        return
    target = targets[0] if targets else Path(".")
    from govern.cli.run import (
        check_outputs_spare_inputs,
        engine_options_from,
        load_system_and_packs,
    )
    from govern.engine.evaluate import assess
    from govern.outputs import refuse_replacing_other_kinds

    plan = plan_outputs(outputs, fmt)
    bundle, packs = load_system_and_packs(target, repo_root)
    options = engine_options_from(as_of, fail_on, only_in_force, calendar, allow_unattested)
    full = assess(bundle, packs, options)
    reported, baseline_text = _judge(full, baseline, write_baseline)
    render_options = RenderOptions(
        verbose=verbose,
        base_path=system_base_path(bundle.root, repo_root),
        # Blocking rules that still fail but were hidden as known: the verdict says so.
        baselined=tuple(r for r in full.summary.gating if r not in reported.summary.gating),
    )

    # Render everything before writing anything: a failing renderer leaves no file half-done.
    rendered = [(spec, _render(spec.format, reported, render_options)) for spec in plan]
    summary_file = os.environ.get("GITHUB_STEP_SUMMARY")
    step_summary = None
    if summary_file and any(spec.format == "github" for spec in plan):
        step_summary = _render("markdown", reported, render_options)

    files = _planned_files(rendered, write_baseline, baseline_text)
    check_outputs_spare_inputs([path for path, _, _ in files], bundle, packs)
    refuse_replacing_other_kinds([(path, kind) for path, _, kind in files], force)
    if record:
        # The full assessment, not the baseline-filtered view. Recorded before any file is
        # written, so an unreachable ledger leaves no outputs claiming a recorded run.
        record_assessment(full, db_url, bundle.root)
    for path, body, _ in files:
        if write_output(path, body):
            click.echo(f"wrote {path}", err=True)
    for spec, body in rendered:
        if spec.path is None:
            click.echo(body, nl=False)
    if step_summary is not None and summary_file:
        with open(summary_file, "a", encoding="utf-8") as handle:
            handle.write(step_summary + "\n")
    if reported.summary.verdict == "fail":
        raise click.exceptions.Exit(1)


def _planned_files(
    rendered: list[tuple[OutputSpec, str]], write_baseline: Path | None, baseline_text: str | None
) -> list[tuple[Path, str, OutputKind]]:
    files: list[tuple[Path, str, OutputKind]] = [
        (spec.path, body, FORMAT_KINDS.get(spec.format, "text"))
        for spec, body in rendered
        if spec.path is not None
    ]
    if write_baseline is not None and baseline_text is not None:
        files.append((write_baseline, baseline_text, "json"))
    return files


def plan_outputs(outputs: tuple[OutputSpec, ...], fmt: str | None) -> list[OutputSpec]:
    """Resolve -o and --format into the outputs to write, refusing ambiguous combinations."""
    from govern.errors import UsageError

    plan = list(outputs)
    if fmt is not None:
        plan.insert(0, OutputSpec(fmt, None))
    if not plan:
        plan = [OutputSpec("text", None)]
    to_stdout = [spec.format for spec in plan if spec.path is None]
    if len(to_stdout) > 1:
        raise UsageError(
            f"more than one output goes to standard output ({', '.join(map(str, to_stdout))}); "
            "give the others a file with -o FORMAT=PATH"
        )
    # Devices such as /dev/null may take any number of outputs.
    paths = [
        spec.path.resolve()
        for spec in plan
        if spec.path is not None and not (spec.path.exists() and not spec.path.is_file())
    ]
    duplicate = next((p for p in paths if paths.count(p) > 1), None)
    if duplicate is not None:
        raise UsageError(f"two outputs would both be written to {duplicate}")
    return plan


def _judge(
    full: Assessment, baseline: Path | None, write_baseline: Path | None
) -> tuple[Assessment, str | None]:
    """The assessment to report, and the new baseline's text when one is to be written.

    Writing a baseline records every current failure, so nothing is new relative to it: the run
    is judged against the file it writes, unless --baseline names the one to judge against.
    """
    if baseline is None and write_baseline is None:
        return full, None
    from govern.engine.baseline import apply_baseline, build_baseline, dump_baseline, load_baseline
    from govern.load.documents import load_document

    baseline_text = None
    judged_against = None
    if write_baseline is not None:
        written = build_baseline(full)
        baseline_text = dump_baseline(written)
        judged_against = (written, str(write_baseline))
    if baseline is not None:
        document = load_document(baseline, str(baseline), "json")
        judged_against = (load_baseline(document, full.system.id), str(baseline))
    if judged_against is None:
        return full, baseline_text
    recorded, label = judged_against
    return apply_baseline(full, recorded, label).assessment, baseline_text


def _render(fmt: str, assessment: Assessment, options: RenderOptions) -> str:
    return get_renderer(fmt).render(assessment, options)


def system_base_path(system_root: Path, repo_root: Path | None) -> str:
    """govern.yaml's folder relative to the repository root, for paths CI tools can place."""
    from govern.errors import UsageError

    system = system_root.resolve()
    root = repo_root.resolve() if repo_root is not None else _git_root(system) or system
    try:
        relative = system.relative_to(root)
    except ValueError:
        raise UsageError(
            f"--repo-root {repo_root}: the system folder {system_root} is not inside it"
        ) from None
    return "" if relative == Path() else relative.as_posix()


def _git_root(start: Path) -> Path | None:
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    return None


def write_output(path: Path, body: str) -> bool:
    """Write a report file atomically, and say whether a file was written.

    Devices and pipes (/dev/null, a FIFO) are written in place: renaming a temporary file over
    them would replace the device.
    """
    from govern.outputs import write_atomic

    if path.exists() and not path.is_file():
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(click.unstyle(body))
        return False
    write_atomic(path, click.unstyle(body))
    return True
