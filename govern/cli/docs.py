"""`govern docs`: draft the Annex IV technical documentation and the Annex V declaration."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import click

from govern.cli.options import engine_options

if TYPE_CHECKING:
    from govern.engine.technical_docs import Draft

DraftKind = Literal["annex-iv", "declaration"]


@click.group("docs")
def group() -> None:
    """Draft the documents a provider signs off, from the evidence; every gap is marked."""


def _options(function: Callable[..., Any]) -> Callable[..., Any]:
    decorators = [
        click.argument("target", type=click.Path(path_type=Path), default=".", required=False),
        click.option(
            "-o",
            "--output",
            type=click.Path(path_type=Path, dir_okay=False),
            help="Write the draft to this file (default: Markdown on standard output).",
        ),
        click.option(
            "--format",
            "fmt",
            type=click.Choice(["markdown", "pdf"]),
            help="Markdown or PDF/A (default: pdf when --output ends in .pdf, else markdown).",
        ),
        engine_options,
    ]
    for decorator in reversed(decorators):
        function = decorator(function)
    return function


@group.command("annex-iv")
@_options
def annex_iv_command(**kwargs: Any) -> None:
    """Draft the technical documentation of Annex IV (its nine sections) for TARGET.

    Each section quotes the evidence the EU AI Act pack's rules for it read (file, line) and
    marks every gap. Exits 1 when a gap remains, 0 otherwise, 2 on bad input.
    """
    _run("annex-iv", **kwargs)


@group.command("declaration")
@_options
def declaration_command(**kwargs: Any) -> None:
    """Draft the EU declaration of conformity (the fields of Annex V) for TARGET.

    Conformity is never stated for the provider: point 4 names the rules still unmet, or leaves
    the statement to the signatory. Exits 1 when a gap remains, 0 otherwise, 2 on bad input.
    """
    _run("declaration", **kwargs)


def _run(
    kind: DraftKind,
    target: Path,
    output: Path | None,
    fmt: str | None,
    as_of: dt.date | None,
    fail_on: str,
    only_in_force: bool,
    calendar: str,
    allow_unattested: bool,
) -> None:
    from govern.cli.run import (
        check_outputs_spare_inputs,
        engine_options_from,
        load_system_and_packs,
    )
    from govern.engine.evaluate import assess
    from govern.engine.technical_docs import annex_iv, declaration
    from govern.errors import UsageError
    from govern.outputs import write_atomic

    chosen = fmt or (
        "pdf" if output is not None and output.suffix.lower() == ".pdf" else "markdown"
    )
    if chosen == "pdf" and output is None:
        raise UsageError(
            "--format pdf needs --output FILE.pdf (a PDF is not written to a terminal)"
        )
    options = engine_options_from(as_of, fail_on, only_in_force, calendar, allow_unattested)
    bundle, packs = load_system_and_packs(target)
    if output is not None:
        check_outputs_spare_inputs([output], bundle, packs)
    assessment = assess(bundle, packs, options)
    draft = (
        annex_iv(assessment, bundle, packs)
        if kind == "annex-iv"
        else declaration(assessment, bundle)
    )
    content = _render(draft, chosen)
    if output is None:
        click.echo(content, nl=False)
    else:
        write_atomic(output, content)
        click.echo(f"wrote {output}", err=True)
    click.echo(_summary(draft), err=True)
    if draft.gaps:
        raise click.exceptions.Exit(1)


def _render(draft: Draft, fmt: str) -> str | bytes:
    if fmt == "pdf":
        from govern.report.drafts import render_draft_pdf

        pdf = render_draft_pdf(draft)
        if pdf.missing_characters:
            shown = " ".join(f"U+{ord(c):04X}" for c in pdf.missing_characters[:10])
            click.echo(
                f"warning: {len(pdf.missing_characters)} character(s) have no glyph in the "
                f"installed fonts and show as empty boxes in the PDF ({shown}); install fonts "
                "that cover them (docs/reports.md)",
                err=True,
            )
        return pdf.data
    from govern.render.drafts import render_markdown

    return render_markdown(draft)


def _summary(draft: Draft) -> str:
    sections = sum(1 for s in draft.sections if s.gaps)
    if not draft.gaps:
        return f"{draft.title}: draft with no gap in {len(draft.sections)} sections (unsigned)"
    return (
        f"{draft.title}: draft with {draft.gaps} gap(s) in {sections} of "
        f"{len(draft.sections)} sections (unsigned)"
    )
