"""`govern dataset`: convert dataset descriptions from other formats into dataset records."""

from __future__ import annotations

from pathlib import Path

import click


@click.group("dataset")
def group() -> None:
    """Dataset records: convert Croissant, Hugging Face dataset cards or SPDX 3 (import)."""


@group.command("import")
@click.argument("source", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write govern's dataset record here (YAML); default: standard output.",
)
@click.option(
    "--from",
    "source_format",
    type=click.Choice(["auto", "croissant", "huggingface", "spdx3"]),
    default="auto",
    show_default=True,
    help="Format of SOURCE.",
)
@click.option("--select", metavar="ID", help="Which dataset, when SOURCE describes several.")
@click.option("--id", "dataset_id", metavar="ID", help="The record's id (default: from its name).")
@click.option("--force", is_flag=True, help="Overwrite OUTPUT if it exists.")
def import_command(
    source: Path,
    output: Path | None,
    source_format: str,
    select: str | None,
    dataset_id: str | None,
    force: bool,
) -> None:
    """Convert a Croissant JSON-LD file (with its RAI fields), a Hugging Face dataset card or an
    SPDX 3 dataset package into govern's dataset record, listing every source field that has no
    place in it."""
    from govern.cli.card import write_import

    write_import(source, output, "dataset", source_format, select, force, dataset_id)
