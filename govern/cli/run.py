"""The steps `check` and `report` share, so that both judge the same system the same way."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from govern.engine.evaluate import EngineOptions
    from govern.load.bundle import EvidenceBundle
    from govern.policy.loader import PackSet


def load_system_and_packs(
    target: Path, repo_root: Path | None = None
) -> tuple[EvidenceBundle, PackSet]:
    """The system in TARGET and the packs its govern.yaml names, refused if a pack cites a
    provision id the reference catalogues do not have. Nothing outside the system folder (or
    `repo_root`) is read."""
    from govern.errors import InputError
    from govern.load.bundle import load_system, read_boundary
    from govern.policy.lint import reference_problems
    from govern.policy.loader import load_packs

    bundle = load_system(target, repo_root)
    packs = load_packs(
        bundle.manifest.policy_sources(),
        bundle.root,
        bundle.manifest_document,
        read_boundary(bundle.root, repo_root),
    )
    problems = reference_problems(packs)
    if problems:
        raise InputError(problems)
    return bundle, packs


def engine_options_from(
    as_of: dt.date | None,
    fail_on: str,
    only_in_force: bool,
    calendar: str,
    allow_unattested: bool,
) -> EngineOptions:
    """What the options of `govern.cli.options.engine_options` ask of the engine."""
    from govern.engine.evaluate import EngineOptions
    from govern.engine.law import calendar_name
    from govern.evidence.filled import utc_today

    return EngineOptions(
        as_of=as_of or utc_today(),
        fail_on=fail_on,  # type: ignore[arg-type]  # click.Choice guarantees the literal
        only_in_force=only_in_force,
        calendar=calendar_name(calendar),
        allow_unattested=allow_unattested,
    )


def check_outputs_spare_inputs(
    outputs: Iterable[Path], bundle: EvidenceBundle, packs: PackSet
) -> None:
    """Refuse outputs that cannot be written or would replace a file the run read."""
    from govern.outputs import check_outputs

    check_outputs(
        outputs,
        inputs=bundle.input_paths(),
        input_folders=[pack.folder for pack in packs.packs if pack.folder is not None],
    )
