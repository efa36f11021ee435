"""`govern classify`: the EU AI Act tier of a system and the reasons for it."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import click

from govern.cli.options import DATE


@click.command("classify")
@click.argument("target", type=click.Path(path_type=Path), default=".", required=False)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    envvar="GOVERN_FORMAT",
    show_default=True,
)
@click.option(
    "--as-of",
    type=DATE,
    envvar="GOVERN_AS_OF",
    help="Classify as of this date (default: today in UTC): prohibitions added by Regulation "
    "(EU) 2026/1744 count from the day they apply.",
)
def command(target: Path, fmt: str, as_of: dt.date | None) -> None:
    """Print the EU AI Act risk tier of the system in TARGET, with the provisions behind it."""
    from govern.engine.classify import classify
    from govern.evidence.filled import utc_today
    from govern.load.bundle import load_manifest

    document, manifest = load_manifest(target)
    result = classify(manifest, document, as_of or utc_today())
    if fmt == "json":
        click.echo(json.dumps(result.model_dump(mode="json"), indent=2, sort_keys=True))
        return
    from govern.render.display import visible_values

    # Manifest text reaches the terminal with control and bidi characters shown, not obeyed.
    system, result = visible_values(manifest.system), visible_values(result)
    click.echo(click.style(f"{system.name} {system.version}", bold=True) + f" ({system.id})")
    click.echo(
        f"EU AI Act tier: {click.style(result.label, bold=True)}"
        + (f" (Annex III {result.annex_iii})" if result.high_risk and result.annex_iii else "")
    )
    click.echo(
        f"General-purpose AI model: {'yes' if result.gpai else 'no'}"
        f"{'; with systemic risk' if result.gpai_systemic_risk else ''}"
    )
    click.echo(f"Role: {result.role}")
    click.echo("Because:")
    for reason in result.reasons:
        click.echo(f"  - {reason.conclusion}")
        click.echo(f"    provisions: {', '.join(reason.provisions)}")
        click.echo(f"    answers:    {'; '.join(reason.answers)}")
    for warning in result.warnings:
        click.echo(click.style(f"warning: {warning}", fg="yellow"))
