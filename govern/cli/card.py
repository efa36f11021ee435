"""`govern card`: lint a model card for a risk tier, import one from another format, export it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from govern.cli.options import DateType
from govern.load.choices import TRANSPARENCY_TRIGGERS

if TYPE_CHECKING:
    from govern.load.importers.interface import ImportResult

_FORMATS = ("auto", "huggingface", "mct", "cyclonedx", "spdx3", "croissant", "govern")
_FRAMEWORKS = ("eu-ai-act", "iso-42001", "nist-ai-rmf")


@click.group("card")
def group() -> None:
    """Model cards: find gaps (lint), convert other formats (import), write CycloneDX (export)."""


@group.command("lint")
@click.argument("target", type=click.Path(path_type=Path), default=".", required=False)
@click.option(
    "--tier",
    type=click.Choice(["high", "limited", "minimal"]),
    envvar="GOVERN_TIER",
    help="Risk tier to lint for (default: from govern.yaml, or high for a single file).",
)
@click.option(
    "--framework",
    "frameworks",
    type=click.Choice(_FRAMEWORKS),
    multiple=True,
    envvar="GOVERN_FRAMEWORK",
    help="Framework whose provisions count (repeatable; default: govern.yaml's, or all three).",
)
@click.option(
    "--gpai", is_flag=True, default=None, help="Also lint for a general-purpose AI model."
)
@click.option(
    "--systemic-risk", is_flag=True, default=None, help="Also lint for GPAI with systemic risk."
)
@click.option(
    "--transparency",
    type=click.Choice(TRANSPARENCY_TRIGGERS),
    multiple=True,
    help="Art.50 trigger that applies (repeatable; default: govern.yaml's).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    envvar="GOVERN_FORMAT",
    show_default=True,
    help="Output format.",
)
@click.option(
    "--from",
    "source_format",
    type=click.Choice(_FORMATS),
    default="auto",
    help="Format of a single TARGET file (default: detected).",
)
def lint_command(
    target: Path,
    tier: str | None,
    frameworks: tuple[str, ...],
    gpai: bool | None,
    systemic_risk: bool | None,
    transparency: tuple[str, ...],
    fmt: str,
    source_format: str,
) -> None:
    """Say what TARGET still lacks for its risk tier, blocking gaps first.

    TARGET is a system folder or govern.yaml (the model card, dataset records and fairness
    reports it names), or one model card or dataset record file in any supported format.
    Exits 1 when a blocking gap remains, 0 otherwise, 2 on bad input.
    """
    from govern.engine.card_gaps import lint, profile_for
    from govern.render.gaps import render_json, render_text

    target_obj, defaults = _lint_target(target, source_format)
    chosen_tier = tier or defaults.get("tier") or "high"
    triggers = transparency or tuple(defaults.get("transparency") or ())
    if chosen_tier == "limited" and not triggers:
        triggers = ("interacts_with_persons",)
    profile = profile_for(
        chosen_tier,
        gpai=bool(defaults.get("gpai")) if gpai is None else gpai,
        systemic=bool(defaults.get("gpai_systemic_risk"))
        if systemic_risk is None
        else systemic_risk,
        transparency=triggers,
    )
    report = lint(target_obj, profile, frameworks or defaults.get("frameworks") or _FRAMEWORKS)
    click.echo(render_json(report) if fmt == "json" else render_text(report), nl=False)
    if report.blocking:
        raise click.exceptions.Exit(1)


def _lint_target(target: Path, source_format: str) -> tuple[Any, dict[str, Any]]:
    from govern.engine.card_gaps import card_target, dataset_target, system_target
    from govern.load.containment import file_kind

    if file_kind(target) == "directory" or target.name == "govern.yaml":
        from govern.engine.classify import classify
        from govern.load.bundle import load_system

        bundle = load_system(target)
        _warn(bundle.warnings)
        result = classify(bundle.manifest)
        answers = bundle.manifest.classification
        defaults = {
            "tier": result.tier if result.tier != "prohibited" else "high",
            "gpai": answers.gpai,
            "gpai_systemic_risk": answers.gpai_systemic_risk,
            "transparency": list(answers.transparency),
            "frameworks": list(bundle.manifest.frameworks),
        }
        return system_target(bundle, result), defaults
    document, model, kind = load_any(target, source_format)
    if kind == "dataset":
        return dataset_target(document, model), {}
    return card_target(document, model), {}


def load_any(path: Path, source_format: str = "auto") -> tuple[Any, Any, str]:
    """A model card or dataset record in any supported format: (document, model, kind)."""
    from govern.errors import UsageError
    from govern.load.containment import file_kind
    from govern.load.documents import read_text_file
    from govern.load.importers import detect_kind, load_evidence_model

    if file_kind(path) in ("missing", "name too long"):
        raise UsageError(f"{path}: no such file or directory")
    fmt = None if source_format == "auto" else source_format
    _, text = read_text_file(path, str(path))
    kind: str | None = None if fmt == "govern" else detect_kind(path, text, fmt)
    if kind is None:
        kind = "dataset" if _looks_like_dataset(path) else "model_card"
    loaded = load_evidence_model(path, str(path), kind, fmt)
    _warn(loaded.warnings)
    return loaded.document, loaded.model, kind


def _warn(warnings: Any) -> None:
    for warning in warnings:
        click.echo(f"warning: {warning}", err=True)


def _looks_like_dataset(path: Path) -> bool:
    from govern.load.documents import load_document

    data = load_document(path).data
    return isinstance(data, dict) and "id" in data and "identity" not in data


# ---------------------------------------------------------------------------------------------


@group.command("import")
@click.argument("source", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write govern's model card here (YAML); default: standard output.",
)
@click.option(
    "--from",
    "source_format",
    type=click.Choice(["auto", "huggingface", "mct", "cyclonedx", "spdx3"]),
    default="auto",
    show_default=True,
    help="Format of SOURCE.",
)
@click.option("--select", metavar="ID", help="Which model, when SOURCE describes several.")
@click.option("--force", is_flag=True, help="Overwrite OUTPUT if it exists.")
def import_command(
    source: Path, output: Path | None, source_format: str, select: str | None, force: bool
) -> None:
    """Convert a Hugging Face card, Model Card Toolkit JSON, CycloneDX ML-BOM or SPDX 3 AI package
    into govern's model card, listing every source field that has no place in it."""
    write_import(source, output, "model_card", source_format, select, force)


def write_import(
    source: Path,
    output: Path | None,
    kind: str,
    source_format: str,
    select: str | None,
    force: bool,
    dataset_id: str | None = None,
) -> None:
    """Shared by `card import` and `dataset import`: import, write, and report what was left."""
    from govern.load.importers import import_document
    from govern.outputs import refuse_replacing_other_kinds

    if output is not None:
        refuse_replacing_other_kinds([(output, "yaml")], force)
    fmt = None if source_format == "auto" else source_format
    document, result = import_document(source, kind, fmt, str(source), select)  # type: ignore[arg-type]
    model = result.model
    if dataset_id is not None:
        model = type(model).model_validate({**model.model_dump(by_alias=True), "id": dataset_id})
    sidecar = output.with_name(output.name + ".unmapped.yaml") if output else None
    text = render_yaml(model, document, result.format, sidecar if result.unmapped else None)
    write_imported(source, output, sidecar, text, document, result)
    echo_unmapped(result)
    if kind == "model_card":
        _echo_completeness(document, model)


def _echo_completeness(document: Any, model: Any) -> None:
    """The imported card's completeness per framework and tier (the figure `card lint` prints)."""
    from govern.engine.card_gaps import card_target, completeness, profile_for
    from govern.render.gaps import completeness_lines

    rows = completeness(card_target(document, model), profile_for("high"))
    for line in completeness_lines(rows):  # framework titles and counts: no value of the card
        click.echo(line, err=True)
    click.echo(
        "(`govern card lint` lists the missing fields and the provisions needing them)", err=True
    )


def write_imported(
    source: Path,
    output: Path | None,
    sidecar: Path | None,
    text: str,
    document: Any,
    result: ImportResult,
) -> None:
    """Write an imported document (or print it), with the fields it left out beside it.

    Without OUTPUT the unmapped fields follow the YAML as comments; with it they go to the
    sidecar, and a sidecar left from an earlier import of fields now mapped is removed.
    """
    from govern.outputs import write_atomic

    for warning in result.warnings:
        click.echo(f"warning: {source}: {warning}", err=True)
    if output is None:
        if result.unmapped:
            # No file to keep them beside: they follow the card, as comments it loads with.
            text += commented(render_unmapped(result.unmapped, document, result.format))
        click.echo(text, nl=False)
        return
    write_atomic(output, text)
    click.echo(f"wrote {output}", err=True)
    if sidecar is None:
        return
    if result.unmapped:
        write_atomic(sidecar, render_unmapped(result.unmapped, document, result.format))
        click.echo(f"wrote {sidecar} (the fields below, with their values)", err=True)
    elif sidecar.exists():
        sidecar.unlink()


def echo_unmapped(result: ImportResult, limit: int | None = None) -> None:
    """The source fields govern's model has no place for, on stderr (the first `limit`)."""
    from govern.load.importers import describe

    if not result.unmapped:
        return
    click.echo(
        f"{len(result.unmapped)} {result.format} field(s) have no place in govern's model "
        "and were not used:",
        err=True,
    )
    for pointer, value in list(result.unmapped.items())[:limit]:
        click.echo(f"  {pointer}: {describe(value)}", err=True)


def render_yaml(
    model: Any, document: Any, fmt: str, sidecar: Path | None, kind: str | None = None
) -> str:
    """Our model as YAML, headed by where it came from."""
    import yaml

    from govern import __version__

    data = model.model_dump(mode="json", by_alias=True, exclude_defaults=True)
    data = {"schema_version": model.schema_version, **data}
    if kind is None:
        kind = "model card" if "identity" in type(model).model_fields else "dataset record"
    header = [
        f"# govern {kind} imported from {document.display} ({fmt}) by govern {__version__}",
        f"# source sha256: {document.sha256}",
    ]
    if sidecar is not None:
        header.append(f"# fields with no place in govern's model are kept in {sidecar.name}")
    body = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    return "\n".join(header) + "\n" + body


def commented(text: str) -> str:
    """YAML text turned into comments, so it travels with a document without becoming part of it."""
    lines = (line if line.startswith("#") else f"# {line}".rstrip() for line in text.splitlines())
    return "\n" + "".join(f"{line}\n" for line in lines)


def render_unmapped(unmapped: dict[str, Any], document: Any, fmt: str) -> str:
    import yaml

    payload = {
        "source": document.display,
        "format": fmt,
        "sha256": document.sha256,
        "unmapped": unmapped,
    }
    header = (
        "# Source fields govern's model has no place for, keyed by JSON pointer, values as found\n"
    )
    return header + yaml.safe_dump(payload, sort_keys=False, allow_unicode=True, width=100)


# ---------------------------------------------------------------------------------------------


@group.command("export")
@click.argument("source", type=click.Path(path_type=Path), default=".", required=False)
@click.option(
    "--to",
    "target_format",
    type=click.Choice(["cyclonedx"]),
    default="cyclonedx",
    show_default=True,
    help="Format to write.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write the BOM here; default: standard output.",
)
@click.option(
    "--dataset",
    "datasets",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    multiple=True,
    help="Dataset record to describe as a data component (for a single card file; repeatable).",
)
@click.option(
    "--fairness",
    "fairness",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    multiple=True,
    help="Fairness report to include as fairness assessments (repeatable).",
)
@click.option(
    "--spec-version",
    type=click.Choice(["1.7", "1.6"]),
    default="1.7",
    show_default=True,
    envvar="GOVERN_CYCLONEDX_VERSION",
    help="CycloneDX specification version to write.",
)
@click.option(
    "--as-of",
    type=DateType(),
    envvar="GOVERN_AS_OF",
    help="For a system folder: the date its assessment (the BOM's declarations) is made as of "
    "(default: today).",
)
@click.option(
    "--force", is_flag=True, help="Overwrite OUTPUT when it holds something other than JSON."
)
def export_command(
    source: Path,
    target_format: str,
    output: Path | None,
    datasets: tuple[Path, ...],
    fairness: tuple[Path, ...],
    spec_version: str,
    as_of: dt.date | None,
    force: bool,
) -> None:
    """Write SOURCE's model card as a CycloneDX ML-BOM (1.7, or 1.6 on request), validated
    against that version's schema.

    SOURCE is a system folder or govern.yaml (its model card, dataset records and fairness reports
    go in, and its assessment as the BOM's declarations: each framework's requirements, claims
    and evidence with conformance and confidence scores), or a model card file in any format.
    """
    import json

    from govern import __version__
    from govern.load.importers.cyclonedx import (
        ExportError,
        export_bom,
        validate_bom,
        with_serial_number,
    )
    from govern.outputs import refuse_replacing_other_kinds, write_atomic

    if output is not None:
        refuse_replacing_other_kinds([(output, "json")], force)
    card, records, reports = _export_inputs(source, datasets, fairness)
    bom = export_bom(card, records, reports, __version__, spec_version)
    if _is_system(source):
        bom = with_serial_number({**bom, **_declarations(source, as_of, bom)})
    problems = validate_bom(bom)
    if problems:
        raise ExportError(
            f"the CycloneDX BOM govern built does not validate against the {spec_version} "
            f"schema (a bug in govern, please report it): {problems[0]}"
        )
    text = json.dumps(bom, indent=2, ensure_ascii=False) + "\n"
    if output is None:
        click.echo(text, nl=False)
    else:
        write_atomic(output, text)
        click.echo(f"wrote {output} (CycloneDX {spec_version}, validated)", err=True)


def _is_system(source: Path) -> bool:
    return source.is_dir() or source.name == "govern.yaml"


def _declarations(source: Path, as_of: dt.date | None, bom: dict[str, Any]) -> dict[str, Any]:
    """The system's assessment as the BOM's `declarations` and `definitions` (render/cyclonedx)."""
    from govern.cli.run import engine_options_from, load_system_and_packs
    from govern.engine.evaluate import assess
    from govern.render.cyclonedx import declarations

    bundle, packs = load_system_and_packs(source.parent if source.is_file() else source)
    assessment = assess(bundle, packs, engine_options_from(as_of, "high", False, "amended", False))
    body, definitions = declarations(assessment, bom["components"][0]["bom-ref"])
    return {"declarations": body, "definitions": definitions}


def _export_inputs(
    source: Path, datasets: tuple[Path, ...], fairness: tuple[Path, ...]
) -> tuple[Any, list[Any], list[Any]]:
    from govern.errors import UsageError
    from govern.evidence.fairness import FairnessReport
    from govern.load.documents import load_document
    from govern.load.validation import load_validate

    records: list[Any] = []
    reports: list[Any] = []
    if _is_system(source):
        from govern.load.bundle import load_system

        bundle = load_system(source)
        _warn(bundle.warnings)
        if bundle.model_card is None:
            raise UsageError(f"{source}: govern.yaml names no model card (evidence.model_card)")
        card = bundle.model_card.model
        records = [item.model for item in bundle.datasets]
        reports = [item.model for item in bundle.fairness]
    else:
        _, card, kind = load_any(source)
        if kind != "model_card":
            raise UsageError(f"{source}: this is a dataset record; export needs a model card")
    for path in datasets:
        _, record, kind = load_any(path)
        if kind != "dataset":
            raise UsageError(f"{path}: not a dataset record")
        records.append(record)
    for path in fairness:
        reports.append(load_validate(FairnessReport, load_document(path)))
    return card, records, reports
