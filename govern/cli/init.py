"""`govern init`: start a new system with a manifest, a model card and dataset records to fill."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from govern.load.choices import GENERATIVE_TRIGGERS, TIERS, TRANSPARENCY_TRIGGERS

if TYPE_CHECKING:
    from govern.scaffold import Answers


@click.command("init")
@click.argument(
    "directory", type=click.Path(path_type=Path, file_okay=False), default=".", required=False
)
@click.option(
    "--tier",
    type=click.Choice(TIERS),
    envvar="GOVERN_TIER",
    help="EU AI Act risk tier to scaffold for (asked if not given; --no-input: high).",
)
@click.option("--name", help="The system's name (default: the directory's name).")
@click.option(
    "--no-input",
    is_flag=True,
    envvar="GOVERN_NO_INPUT",
    help="Ask nothing: take the defaults and mark every answer still needed TODO.",
)
@click.option(
    "--gpai",
    is_flag=True,
    envvar="GOVERN_GPAI",
    help="Also write a GPAI provider's documents: the Code of Practice Model Documentation Form, "
    "the public training-content summary (Art.53(1)(d)) and the copyright policy (Art.53(1)(c)) "
    "(--no-input: tier minimal unless --tier is given).",
)
@click.option("--force", is_flag=True, help="Overwrite files that already exist.")
def command(
    directory: Path, tier: str | None, name: str | None, no_input: bool, gpai: bool, force: bool
) -> None:
    """Write govern.yaml, a model card, dataset records and an attestations file into DIRECTORY.

    Every field still to fill is marked TODO; `govern card lint` then lists them with the
    provisions each serves, and `govern check` passes once they are filled in.
    """
    from dataclasses import replace

    from govern.errors import UsageError
    from govern.outputs import write_atomic
    from govern.scaffold import ATTESTATIONS, attestations, render

    answers = replace(_ask(directory, tier, name, no_input, gpai), gpai=gpai)
    files = render(answers)
    existing = [path for path in files if (directory / path).exists()]
    if existing and not force:
        raise UsageError(
            f"{directory}: {', '.join(existing)} already exist(s); nothing was written "
            "(pass --force to overwrite)"
        )
    for path, text in files.items():
        write_atomic(directory / path, text)
    controls = _controls(directory)
    if controls:
        write_atomic(directory / ATTESTATIONS, attestations(controls))
    for path in files:
        click.echo(f"wrote {directory / path}")
    target = "" if directory == Path(".") else f" {directory}"
    click.echo(
        f"\nNext: fill in the TODOs (tier {answers.tier}), then\n"
        f"  govern card lint{target}   what is still missing, with the provisions it serves\n"
        f"  govern check{target}       the audit"
    )


def _ask(
    directory: Path, tier: str | None, name: str | None, no_input: bool, gpai: bool = False
) -> Answers:
    from govern.reference import ANNEX_III_POINTS
    from govern.scaffold import Answers, slug

    default_name = name or (directory.resolve().name.replace("-", " ").replace("_", " ").title())
    default_name = default_name or "My AI System"
    if no_input:
        # A GPAI model is not itself an AI system with a risk tier: its duties are Art.53-55.
        default_tier = "minimal" if gpai else "high"
        return Answers(name=default_name, system_id=slug(default_name), tier=tier or default_tier)
    chosen_name = name or click.prompt("System name", default=default_name)
    system_id = click.prompt("System id (a slug)", default=slug(chosen_name))
    version = click.prompt("Version", default="0.1.0")
    role = click.prompt(
        "EU AI Act role", type=click.Choice(["provider", "deployer"]), default="provider"
    )
    purpose = click.prompt(
        "Intended purpose (one sentence; leave empty to fill in later)",
        default="",
        show_default=False,
    )
    chosen_tier = tier or click.prompt("Risk tier", type=click.Choice(TIERS), default="high")
    annex_iii = annex_i = None
    profiling = False
    triggers: tuple[str, ...] = ()
    if chosen_tier == "high":
        point = click.prompt(
            "Annex III point (e.g. 5(b); empty if the system is a safety component under Annex I)",
            type=click.Choice(["", *ANNEX_III_POINTS]),
            default="",
            show_choices=False,
            show_default=False,
        )
        annex_iii = point or None
        if annex_iii is None:
            act = click.prompt(
                "Annex I product legislation (empty to fill in later)",
                default="",
                show_default=False,
            )
            annex_i = act or None
        # Profiling natural persons rules out the Art.6(3) derogation (Art.6(3) last subparagraph).
        profiling = click.confirm(
            "Does the system profile natural persons (automated evaluation of personal aspects, "
            "GDPR Art.4(4))?",
            default=False,
        )
    triggers = click.prompt(
        "Art.50 triggers (comma-separated, empty for none)",
        default="interacts_with_persons" if chosen_tier == "limited" else "",
        show_default=chosen_tier == "limited",
        value_proc=_comma_list(TRANSPARENCY_TRIGGERS, "trigger"),
    )
    prohibited: tuple[str, ...] = ()
    if GENERATIVE_TRIGGERS.intersection(triggers):
        # Art.5(1)(ba) and (bb), added by Regulation (EU) 2026/1744, apply from 2 December 2026:
        # a provider is caught where the output is intended or reasonably foreseeable without
        # adequate safeguards (Art.5(1a)), so the question is about capability, not intent.
        prohibited = tuple(
            letter
            for letter, question in (
                (
                    "ba",
                    "Can it generate or manipulate realistic intimate or sexually explicit images, "
                    "video or audio of an identifiable person without their consent, despite its "
                    "safeguards (Art.5(1)(ba))?",
                ),
                (
                    "bb",
                    "Can it generate or manipulate child sexual abuse material, despite its "
                    "safeguards (Art.5(1)(bb))?",
                ),
            )
            if click.confirm(question, default=False)
        )
    chosen_frameworks = click.prompt(
        "Frameworks (comma-separated: eu-ai-act, iso-42001, nist-ai-rmf)",
        default="eu-ai-act",
        value_proc=_comma_list(("eu-ai-act", "iso-42001", "nist-ai-rmf"), "framework"),
    )
    return Answers(
        name=chosen_name,
        system_id=slug(system_id),
        version=version,
        role=role,
        intended_purpose=purpose.strip(),
        tier=chosen_tier,
        annex_iii=annex_iii,
        annex_i=annex_i,
        profiling=profiling,
        transparency=triggers,
        prohibited_practices=prohibited,
        frameworks=chosen_frameworks or ("eu-ai-act",),
    )


def _comma_list(allowed: tuple[str, ...], what: str) -> Callable[[str], tuple[str, ...]]:
    """Parse a comma-separated answer; an unknown item makes click ask the question again."""

    def parse(answer: str) -> tuple[str, ...]:
        items = tuple(item.strip() for item in answer.split(",") if item.strip())
        unknown = [item for item in items if item not in allowed]
        if unknown:
            raise click.BadParameter(
                f"unknown {what}(s) {', '.join(unknown)}; choose from {', '.join(allowed)}"
            )
        return items

    return parse


def _controls(directory: Path) -> list[tuple[str, list[str]]]:
    """The attestation controls the new system's packs ask for (read back from its manifest)."""
    from govern.load.bundle import load_manifest
    from govern.scaffold import attestation_controls

    _, manifest = load_manifest(directory)
    return attestation_controls(manifest)
