"""`govern policies`: lint and list policy packs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from govern.cli.policy_tests import command as policy_test_command


class PackTarget(click.ParamType):  # type: ignore[type-arg]
    """A pack folder, a folder of packs, or a built-in pack named `builtin:NAME`."""

    name = "DIR|builtin:NAME"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Path:
        from govern.policy.loader import BUILTIN_PREFIX, builtin_packs, resolve_source

        if isinstance(value, Path):
            return value
        raw = str(value)
        if raw.startswith(BUILTIN_PREFIX):
            if raw.removeprefix(BUILTIN_PREFIX) not in builtin_packs():
                known = ", ".join(f"{BUILTIN_PREFIX}{n}" for n in builtin_packs())
                self.fail(f"no built-in pack {raw!r}; available: {known}", param, ctx)
            return resolve_source(raw, Path.cwd())[0]
        path = Path(raw)
        if not path.is_dir():
            self.fail(f"{raw!r} is not a folder (nor builtin:NAME)", param, ctx)
        return path


@click.group("policies")
def group() -> None:
    """Work with policy packs."""


group.add_command(policy_test_command)


@group.command("lint")
@click.argument("targets", nargs=-1, required=True, type=PackTarget())
@click.option(
    "--strict", is_flag=True, envvar="GOVERN_LINT_STRICT", help="Treat warnings as problems."
)
@click.option(
    "--crosswalk",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    envvar="GOVERN_CROSSWALK",
    help="Validate this crosswalk file instead of the one shipped with govern.",
)
def lint_command(targets: tuple[Path, ...], strict: bool, crosswalk: Path | None) -> None:
    """Check pack folders (or a folder of packs): structure, operators, regexes, parameters,
    application dates and framework references. Exits 1 when a problem is found."""
    from govern.policy.lint import lint

    report = lint(list(targets), crosswalk)
    for problem in report.problems:
        click.echo(f"error: {problem.format()}", err=True)
    for warning in report.warnings:
        click.echo(f"warning: {warning.format()}", err=True)
    failed = bool(report.problems) or (strict and bool(report.warnings))
    packs = ", ".join(f"{p.info.id} {p.info.version} ({len(p.rules)} rules)" for p in report.packs)
    summary = f"{len(report.problems)} problem(s), {len(report.warnings)} warning(s)" + (
        f" in {packs}" if packs else ""
    )
    click.echo(("FAIL: " if failed else "ok: ") + summary)
    if failed:
        raise click.exceptions.Exit(1)


@group.command("list")
def list_command() -> None:
    """List the built-in packs."""
    from govern.policy.loader import builtin_packs, builtin_root, load_pack

    for name in builtin_packs():
        pack = load_pack(builtin_root() / name, f"builtin:{name}")
        click.echo(
            f"builtin:{name}  {pack.info.version}  {len(pack.rules)} rules  {pack.info.title}"
        )


@group.command("coverage")
@click.option(
    "--framework",
    "frameworks",
    multiple=True,
    type=click.Choice(["eu-ai-act", "iso-42001", "nist-ai-rmf"]),
    envvar="GOVERN_FRAMEWORK",
    help="Only this framework (repeatable). Default: all.",
)
@click.option(
    "--policy",
    "sources",
    multiple=True,
    envvar="GOVERN_POLICIES",
    help="Packs to measure: builtin:NAME or a folder (repeatable). Default: all built-in packs.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    envvar="GOVERN_FORMAT",
    show_default=True,
)
@click.option("--uncovered", is_flag=True, help="List only provisions not covered.")
def coverage_command(
    frameworks: tuple[str, ...], sources: tuple[str, ...], fmt: str, uncovered: bool
) -> None:
    """List every provision of each framework with the automated and attestation rules that
    cover it, or "not covered", and the percentages."""
    import json

    from govern.policy.coverage import framework_coverage
    from govern.policy.loader import builtin_packs, load_packs
    from govern.policy.standards import standards_coverage, standards_lines, standards_payload
    from govern.reference import FRAMEWORKS

    packs = load_packs(list(sources) or [f"builtin:{n}" for n in builtin_packs()], Path.cwd())
    results = [framework_coverage(packs, f) for f in (frameworks or FRAMEWORKS)]
    if fmt == "json":
        payload = [
            {
                "framework": c.framework,
                "title": c.title,
                "obligations": c.counted,
                "counts": c.counts,
                "covered_percent": round(100 * c.covered_share, 1),
                "automated_percent": round(100 * c.automated_share, 1),
                "provisions": [
                    {
                        "id": p.id,
                        "title": p.title,
                        "kind": p.kind,
                        "verified": p.verified,
                        "counted": p.counted,
                        "status": p.status,
                        "automated_rules": list(p.automated_rules),
                        "attestation_rules": list(p.attestation_rules),
                    }
                    for p in c.provisions
                ],
                **(
                    {"standards": standards_payload(standards_coverage(packs))}
                    if c.framework == "eu-ai-act"
                    else {}
                ),
            }
            for c in results
        ]
        click.echo(json.dumps(payload, indent=2, ensure_ascii=False))
        return
    labels = {
        "automated": ("automated", "green"),
        "attestation": ("attestation", "yellow"),
        "via_points": ("via its points", "green"),
        "not_covered": ("not covered", "red"),
    }
    for c in results:
        click.echo(
            click.style(c.title, bold=True) + f": {c.counted} obligations, "
            f"{100 * c.covered_share:.0f}% covered ({100 * c.automated_share:.0f}% "
            f"automated, {100 * c.share('attestation'):.0f}% by attestation, "
            f"{100 * c.share('via_points'):.0f}% via their points), "
            f"{c.counts.get('not_covered', 0)} not covered"
        )
        for p in c.provisions:
            if uncovered and p.status != "not_covered":
                continue
            label, colour = labels[p.status]
            note = "" if p.counted else f" ({p.kind}, not counted)"
            rules = ", ".join(
                [*p.automated_rules, *(f"{r} (attested)" for r in p.attestation_rules)]
            )
            click.echo(
                f"  {p.id:<22} {click.style(label, fg=colour)}{note}"
                + (f": {rules}" if rules else "")
            )
        if c.framework == "eu-ai-act" and not uncovered:
            for line in standards_lines(standards_coverage(packs)):
                click.echo(line)
        click.echo("")


@group.command("export")
@click.option(
    "--oscal",
    "oscal_dir",
    type=click.Path(path_type=Path, file_okay=False),
    required=True,
    envvar="GOVERN_OSCAL_DIR",
    help="Write each pack as an OSCAL catalog (PACK.catalog.json) and a profile per framework "
    "(FRAMEWORK.profile.json) into this folder.",
)
@click.option(
    "--policy",
    "sources",
    multiple=True,
    envvar="GOVERN_POLICIES",
    help="Packs to export: builtin:NAME or a folder (repeatable). Default: all built-in packs.",
)
def export_command(oscal_dir: Path, sources: tuple[str, ...]) -> None:
    """Export policy packs as OSCAL 1.1 catalogs and profiles, for GRC tools that read OSCAL."""
    from govern.outputs import write_atomic
    from govern.policy.loader import builtin_packs, load_packs
    from govern.reference import FRAMEWORKS
    from govern.render.oscal_catalog import export

    chosen = list(sources) or [f"builtin:{n}" for n in builtin_packs()]
    packs = load_packs(chosen, Path.cwd())
    oscal_dir.mkdir(parents=True, exist_ok=True)
    for document in export(list(packs.packs), FRAMEWORKS):
        write_atomic(oscal_dir / document.name, document.text)
        click.echo(f"wrote {oscal_dir / document.name}", err=True)
