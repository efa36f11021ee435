"""`govern check DIR DIR...` and `govern check --all ROOT`: many systems in one run.

Called by govern.cli.check when more than one system is named. The systems are assessed by
govern.cli.portfolio_run, summarised by govern.engine.portfolio and written by the formats in
govern.render.portfolio; this module only resolves which systems, checks the outputs, records,
writes and sets the exit code: the worst of the systems.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from govern.cli.check import OutputSpec
    from govern.cli.portfolio_run import SystemJob
    from govern.engine.evaluate import EngineOptions
    from govern.engine.portfolio import Portfolio, SystemRun
    from govern.outputs import OutputKind


@dataclass(frozen=True)
class PortfolioRequest:
    """What the command line asked of a portfolio run."""

    targets: tuple[Path, ...]
    all_root: Path | None
    jobs: int | None
    plan: list[OutputSpec]
    options: EngineOptions
    repo_root: Path | None
    verbose: bool
    force: bool
    record: bool
    db_url: str | None


def check_portfolio_params(params: dict[str, Any]) -> None:
    """`govern check` with several systems: its parsed parameters in, refusing what only fits
    one system (a baseline is one system's failures)."""
    from govern.cli.check import plan_outputs
    from govern.cli.run import engine_options_from
    from govern.errors import UsageError

    if params["targets"] and params["all_root"] is not None:
        raise UsageError("give system folders or --all ROOT, not both")
    if params["baseline"] is not None or params["write_baseline"] is not None:
        raise UsageError("--baseline and --write-baseline apply to one system, not a portfolio")
    engine = ("as_of", "fail_on", "only_in_force", "calendar", "allow_unattested")
    check_portfolio(
        PortfolioRequest(
            targets=params["targets"],
            all_root=params["all_root"],
            jobs=params["jobs"],
            plan=plan_outputs(params["outputs"], params["fmt"]),
            options=engine_options_from(*(params[name] for name in engine)),
            repo_root=params["repo_root"],
            verbose=params["verbose"],
            force=params["force"],
            record=params["record"],
            db_url=params["db_url"],
        )
    )


def check_portfolio(request: PortfolioRequest) -> None:
    """Assess every system, write the outputs, and exit with the worst system's code."""
    from govern.cli.portfolio_run import run_systems
    from govern.engine.portfolio import build_portfolio

    _refuse_single_system_formats(request.plan)
    systems = _systems(request)
    workers = request.jobs if request.jobs is not None else os.cpu_count() or 1
    portfolio = build_portfolio(run_systems(systems, workers))
    rendered = [(spec, _render(spec.format, portfolio, request.verbose)) for spec in request.plan]
    _check_files(rendered, portfolio.systems, request.force)
    code = portfolio.summary.exit_code
    if request.record:
        code = max(code, _record(portfolio.systems, request.db_url))
    _write(rendered)
    if _step_summary(request.plan):
        _append_step_summary(_render("markdown", portfolio, request.verbose))
    if code:
        raise click.exceptions.Exit(code)


def _refuse_single_system_formats(plan: Sequence[OutputSpec]) -> None:
    from govern.errors import UsageError
    from govern.render.portfolio import PORTFOLIO_RENDERERS

    for spec in plan:
        if spec.format not in PORTFOLIO_RENDERERS:
            raise UsageError(
                f"-o {spec.format} holds one system, not a portfolio; use one of "
                f"{', '.join(PORTFOLIO_RENDERERS)}, or check the systems one at a time"
            )


def _systems(request: PortfolioRequest) -> list[SystemJob]:
    """The systems to assess, in the order given (DIRs) or found (--all), each named once."""
    from govern.cli.portfolio_run import SystemJob
    from govern.errors import UsageError
    from govern.render.portfolio import parts_for

    folders = _discovered(request.all_root) if request.all_root else list(request.targets)
    seen: dict[Path, Path] = {}
    for folder in folders:
        real = (folder.parent if folder.is_file() else folder).resolve()
        if real in seen:
            raise UsageError(f"{folder}: the same system as {seen[real]}; name each system once")
        seen[real] = folder
    formats = parts_for([spec.format for spec in request.plan] + _step_summary(request.plan))
    return [
        SystemJob(
            f, str(f), request.repo_root, request.options, formats, request.verbose, request.record
        )
        for f in folders
    ]


def _discovered(root: Path) -> list[Path]:
    from govern.errors import UsageError
    from govern.load.discover import MANIFEST_NAME, find_systems

    found = find_systems(root)
    for link in found.refused:
        click.echo(f"note: not following {link}: a symlink to a folder outside {root}", err=True)
    if not found.systems:
        raise UsageError(f"--all {root}: no folder under it holds a {MANIFEST_NAME}")
    return list(found.systems)


def _render(fmt: str, portfolio: Portfolio, verbose: bool) -> str:
    from govern.render.interface import RenderOptions
    from govern.render.portfolio import get_portfolio_renderer

    return get_portfolio_renderer(fmt).render(portfolio, RenderOptions(verbose=verbose))


def _check_files(
    rendered: list[tuple[OutputSpec, str]], systems: Sequence[SystemRun], force: bool
) -> None:
    """Refuse outputs that would replace a file any system read, or another kind of file."""
    from govern.outputs import FORMAT_KINDS, check_outputs, refuse_replacing_other_kinds

    files: list[tuple[Path, OutputKind]] = [
        (spec.path, FORMAT_KINDS.get(spec.format, "text"))
        for spec, _ in rendered
        if spec.path is not None
    ]
    check_outputs(
        [path for path, _ in files],
        inputs=[Path(p) for run in systems for p in run.inputs],
        input_folders=[Path(p) for run in systems for p in run.input_folders],
    )
    refuse_replacing_other_kinds(files, force)


def _record(systems: Sequence[SystemRun], db_url: str | None) -> int:
    """Append each assessed system's run, in input order; 2 if any could not be recorded."""
    from govern.cli.options import record_assessment
    from govern.engine.assessment import Assessment
    from govern.errors import GovernError

    code = 0
    for run in systems:
        if run.assessment_json is None or run.root is None:
            continue
        assessment = Assessment.model_validate_json(run.assessment_json)
        try:
            record_assessment(assessment, db_url, Path(run.root))
        except GovernError as exc:
            click.echo(f"error: {run.path}: {exc.diagnostics()[0]}", err=True)
            code = 2
    return code


def _write(rendered: list[tuple[OutputSpec, str]]) -> None:
    from govern.cli.check import write_output as write_file

    for spec, body in rendered:
        if spec.path is not None and write_file(spec.path, body):
            click.echo(f"wrote {spec.path}", err=True)
    for spec, body in rendered:
        if spec.path is None:
            click.echo(body, nl=False)


def _step_summary(plan: Sequence[OutputSpec]) -> list[str]:
    """["markdown"] when `-o github` runs in a GitHub job: the job summary gets the portfolio."""
    wanted = os.environ.get("GITHUB_STEP_SUMMARY") and any(s.format == "github" for s in plan)
    return ["markdown"] if wanted else []


def _append_step_summary(markdown: str) -> None:
    with open(os.environ["GITHUB_STEP_SUMMARY"], "a", encoding="utf-8") as handle:
        handle.write(markdown + "\n")
