"""Assess many systems over worker processes, packs parsed once per process, results in order.

Each worker loads a system and assesses it exactly as `govern check DIR` does; a system that
cannot be assessed comes back as its one-line error instead of stopping the others. Results are
returned in the order the systems were given, never in the order workers finish, so every output
is the same bytes whatever `--jobs` is.
"""

from __future__ import annotations

import gc
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from govern.engine.assessment import Assessment
    from govern.engine.evaluate import EngineOptions
    from govern.engine.portfolio import SystemRun
    from govern.load.bundle import EvidenceBundle
    from govern.policy.loader import PackSet

PackKey = tuple[object, ...]
# Loaded pack sets of this process, keyed by every pack's folder, label and file digests: a
# worker assessing a thousand systems on the built-in packs parses them once.
_PACKS: dict[PackKey, PackSet] = {}


@dataclass(frozen=True)
class SystemJob:
    """One system to assess: its folder, how the user named it, the run's options, the formats
    to render its part of, and whether its assessment is to be recorded."""

    path: Path
    display: str
    repo_root: Path | None
    options: EngineOptions
    formats: tuple[str, ...] = ()
    verbose: bool = False
    record: bool = False


def run_systems(jobs: Sequence[SystemJob], workers: int) -> list[SystemRun]:
    """Every job's result, in the order of `jobs`; `workers` <= 1 assesses in this process."""
    if workers <= 1 or len(jobs) <= 1:
        return [assess_system(job) for job in jobs]
    from concurrent.futures import ProcessPoolExecutor

    workers = min(workers, len(jobs))
    # Chunks amortise the hand-off; several per worker keep the load even at the end.
    chunk = max(1, len(jobs) // (workers * 4))
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(assess_system, jobs, chunksize=chunk))


def assess_system(job: SystemJob) -> SystemRun:
    """The system's facts and its part of each output, or the one line saying why it could not
    be assessed."""
    from govern.engine.evaluate import assess
    from govern.engine.portfolio import SystemRun
    from govern.errors import GovernError

    try:
        bundle, packs = load_system_cached(job.path, job.repo_root)
        assessment = assess(bundle, packs, job.options)
        return _assessed(job, assessment, bundle, packs)
    except GovernError as exc:
        return SystemRun(path=job.display, error=_one_line(exc.diagnostics()))
    except Exception as exc:  # an internal bug in one system must not hide the others' results
        return SystemRun(path=job.display, error=f"internal error: {type(exc).__name__}: {exc}")


def _assessed(
    job: SystemJob, assessment: Assessment, bundle: EvidenceBundle, packs: PackSet
) -> SystemRun:
    from govern.cli.check import system_base_path
    from govern.engine.portfolio import SystemRun, facts_of
    from govern.render.interface import RenderOptions
    from govern.render.portfolio import get_portfolio_renderer
    from govern.render.portfolio.interface import SystemPlace

    place = SystemPlace(job.display, system_base_path(bundle.root, job.repo_root))
    options = RenderOptions(verbose=job.verbose, base_path=place.base_path)
    return SystemRun(
        path=job.display,
        facts=facts_of(assessment),
        parts={f: get_portfolio_renderer(f).part(assessment, place, options) for f in job.formats},
        assessment_json=assessment.model_dump_json() if job.record else None,
        root=str(bundle.root),
        inputs=tuple(str(path) for path in bundle.input_paths()),
        input_folders=tuple(str(p.folder) for p in packs.packs if p.folder is not None),
    )


def _one_line(diagnostics: list[str]) -> str:
    more = len(diagnostics) - 1
    first = diagnostics[0] if diagnostics else "cannot be assessed"
    return first + (f" (and {more} more problem{'s' if more > 1 else ''})" if more > 0 else "")


def load_system_cached(target: Path, repo_root: Path | None) -> tuple[EvidenceBundle, PackSet]:
    """What govern.cli.run.load_system_and_packs returns, with the packs parsed once per
    process for each set of pack files (by content), and checked against the catalogues once."""
    from govern.errors import InputError
    from govern.load.bundle import load_system, read_boundary
    from govern.policy.lint import reference_problems
    from govern.policy.loader import load_packs

    bundle = load_system(target, repo_root)
    sources = bundle.manifest.policy_sources()
    boundary = read_boundary(bundle.root, repo_root)
    key = _pack_key(sources, bundle.root, boundary)
    cached = _PACKS.get(key) if key is not None else None
    if cached is not None:
        return bundle, cached
    packs = load_packs(sources, bundle.root, bundle.manifest_document, boundary)
    problems = reference_problems(packs)
    if problems:
        raise InputError(problems)
    if key is not None:
        _PACKS[key] = packs
        # The pack set, like the modules imported by now, lives as long as this process: moved
        # out of the cyclic collector's reach, its full passes over a long portfolio walk only
        # what each system adds rather than every rule, model schema and module again. Only in
        # the govern command: a library caller's (or a test run's) heap is not ours to freeze.
        from govern.__main__ import running_as_command

        if running_as_command():
            gc.freeze()
    return bundle, packs


def _pack_key(sources: list[str], base: Path, boundary: Path | None) -> PackKey | None:
    """The packs' identity: each folder and label, the file digests of a pack that is not
    built in, and the read boundary when a pack lives in the system's tree. None when a pack
    may not be read: the loader says why."""
    from govern.load.containment import PathRefused, contained
    from govern.policy.loader import BUILTIN_PREFIX, PACK_FILE, resolve_source

    parts: list[object] = []
    local = False
    for source in sources:
        builtin = source.startswith(BUILTIN_PREFIX)
        if not builtin:
            local = True
            try:
                contained(base, source, boundary, folder=True, noun="policy pack folder")
            except PathRefused:
                return None
        folder, display = resolve_source(source, base)
        if not (folder / PACK_FILE).is_file():
            return None
        # A built-in pack is part of this installed govern, like its code: named, not re-read
        # and re-hashed for every system (~900 kB, 3 ms). A pack beside the systems is.
        parts.append((source, str(folder), display, () if builtin else _digests(folder)))
    return (tuple(parts), str(boundary) if local else "")


def _digests(folder: Path) -> tuple[tuple[str, str], ...]:
    """sha256 of pack.yaml and each rule file; a symlink out of the pack is named, not read."""
    from govern.load.containment import inside
    from govern.policy.loader import PACK_FILE, rule_files

    files = [folder / PACK_FILE, *rule_files(folder)]
    return tuple(
        (path.name, hashlib.sha256(path.read_bytes()).hexdigest() if inside(path, folder) else "")
        for path in files
    )
