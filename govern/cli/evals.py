"""`govern evals import`: an evaluation tool's output as govern's evaluation evidence."""

from __future__ import annotations

from pathlib import Path

import click

from govern.load.importers.evals import FORMATS

# What the imported file's header calls it.
EVIDENCE_KIND = "evaluation evidence"


@click.group("evals")
def group() -> None:
    """Evaluation results and red-team reports of generative models."""


@group.command("import")
@click.argument("source", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--from",
    "source_format",
    type=click.Choice(["auto", *FORMATS]),
    default="auto",
    show_default=True,
    help="The tool that wrote SOURCE (sniffed from its content when auto).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write the evaluation evidence here (YAML) instead of standard output; fields with "
    "no place in it go to OUTPUT.unmapped.yaml.",
)
@click.option("--force", is_flag=True, help="Replace an OUTPUT that is not YAML.")
def import_command(source: Path, source_format: str, output: Path | None, force: bool) -> None:
    """Read SOURCE (Every Eval Ever, lm-evaluation-harness, Inspect, Hugging Face
    .eval_results or model-index, garak, promptfoo) and write it as evidence to list under
    evidence.evaluations in govern.yaml."""
    from govern.cli.card import echo_unmapped, render_yaml, write_imported
    from govern.load.importers.evals import import_evaluation
    from govern.outputs import refuse_replacing_other_kinds

    if output is not None:
        refuse_replacing_other_kinds([(output, "yaml")], force)
    fmt = None if source_format == "auto" else source_format
    document, result = import_evaluation(source, fmt, str(source))
    sidecar = output.with_name(output.name + ".unmapped.yaml") if output else None
    unmapped_beside = sidecar if result.unmapped else None
    text = render_yaml(result.model, document, result.format, unmapped_beside, EVIDENCE_KIND)
    write_imported(source, output, sidecar, text, document, result)
    model = result.model
    click.echo(
        f"{len(model.results)} evaluation result(s), "  # type: ignore[attr-defined]
        f"{len(model.red_team)} red-team result(s) from {result.format}",  # type: ignore[attr-defined]
        err=True,
    )
    echo_unmapped(result, limit=40)
