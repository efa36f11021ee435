"""`govern evals import`: an evaluation tool's output as govern's evaluation evidence."""

from __future__ import annotations

from pathlib import Path

import click

from govern.load.importers.evals import FORMATS


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
    from govern.cli.card import commented, render_unmapped
    from govern.load.importers import describe
    from govern.load.importers.evals import import_evaluation
    from govern.outputs import refuse_replacing_other_kinds, write_atomic

    if output is not None:
        refuse_replacing_other_kinds([(output, "yaml")], force)
    fmt = None if source_format == "auto" else source_format
    document, result = import_evaluation(source, fmt, str(source))
    sidecar = output.with_name(output.name + ".unmapped.yaml") if output else None
    text = _yaml(result.model, document, result.format, sidecar if result.unmapped else None)
    for warning in result.warnings:
        click.echo(f"warning: {source}: {warning}", err=True)
    if output is None:
        if result.unmapped:
            text += commented(render_unmapped(result.unmapped, document, result.format))
        click.echo(text, nl=False)
    else:
        write_atomic(output, text)
        click.echo(f"wrote {output}", err=True)
        if sidecar is not None and result.unmapped:
            write_atomic(sidecar, render_unmapped(result.unmapped, document, result.format))
            click.echo(f"wrote {sidecar} (the fields below, with their values)", err=True)
    model = result.model
    click.echo(
        f"{len(model.results)} evaluation result(s), "  # type: ignore[attr-defined]
        f"{len(model.red_team)} red-team result(s) from {result.format}",  # type: ignore[attr-defined]
        err=True,
    )
    if result.unmapped:
        click.echo(
            f"{len(result.unmapped)} {result.format} field(s) have no place in govern's model "
            "and were not used:",
            err=True,
        )
        for pointer, value in list(result.unmapped.items())[:40]:
            click.echo(f"  {pointer}: {describe(value)}", err=True)


def _yaml(model: object, document: object, fmt: str, sidecar: Path | None) -> str:
    import yaml

    from govern import __version__

    data = model.model_dump(mode="json", exclude_defaults=True)  # type: ignore[attr-defined]
    header = [
        f"# govern evaluation evidence imported from {document.display} ({fmt}) "  # type: ignore[attr-defined]
        f"by govern {__version__}",
        f"# source sha256: {document.sha256}",  # type: ignore[attr-defined]
    ]
    if sidecar is not None:
        header.append(f"# fields with no place in govern's model are kept in {sidecar.name}")
    body = yaml.safe_dump(
        {"schema_version": model.schema_version, **data},  # type: ignore[attr-defined]
        sort_keys=False,
        allow_unicode=True,
        width=100,
    )
    return "\n".join(header) + "\n" + body
