"""Policy tests: run a pack on fixture systems and compare each rule's status with the expected."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from govern.engine.assessment import Assessment, CalendarName, Status
from govern.engine.law import DEFAULT_CALENDAR
from govern.errors import InputError, UsageError
from govern.evidence.base import Record
from govern.load.documents import load_document
from govern.load.manifest import MANIFEST_NAME

TESTS_FOLDER = "tests"
EXPECTED_FILE = "expected.yaml"
PACK_FILE = "pack.yaml"


class Expectation(Record):
    """A case's expected.yaml: the options to assess with and the outcome to expect."""

    as_of: dt.date | None = None
    fail_on: Literal["critical", "high", "medium", "low"] = "high"
    only_in_force: bool = False
    calendar: CalendarName = DEFAULT_CALENDAR
    allow_unattested: bool = False
    verdict: Literal["pass", "fail"] | None = None
    rules: dict[str, Status] = {}


@dataclass(frozen=True)
class Mismatch:
    """One expectation the case did not meet."""

    rule: str | None  # None: the verdict
    expected: str
    actual: str
    detail: str = ""


@dataclass(frozen=True)
class CaseResult:
    """The outcome of one case: passed, failed (mismatches) or could not run (problems)."""

    pack: Path
    case: Path
    checked: int
    mismatches: list[Mismatch] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def outcome(self) -> Literal["pass", "fail", "error"]:
        if self.problems:
            return "error"
        return "fail" if self.mismatches else "pass"


def discover(targets: list[Path]) -> list[tuple[Path, Path]]:
    """(pack folder, case folder) pairs under each target: a pack, or a folder of packs.

    A case is a folder under PACK/tests/ holding a govern.yaml; the cases of one pack run in name
    order, so output and failures read the same on every machine.
    """
    pairs: list[tuple[Path, Path]] = []
    for target in targets:
        if not target.is_dir():
            raise UsageError(f"{target}: not a folder")
        packs = (
            [target]
            if (target / PACK_FILE).is_file() or (target / TESTS_FOLDER).is_dir()
            else sorted(p for p in target.iterdir() if (p / PACK_FILE).is_file())
        )
        for pack in packs:
            tests = pack / TESTS_FOLDER
            if tests.is_dir():
                pairs += [
                    (pack, case)
                    for case in sorted(tests.iterdir())
                    if case.is_dir() and (case / MANIFEST_NAME).is_file()
                ]
    if not pairs:
        where = ", ".join(str(t) for t in targets)
        raise UsageError(
            f"no policy test cases under {where}: a case is a folder "
            f"PACK/{TESTS_FOLDER}/NAME/ with {MANIFEST_NAME}, its evidence and {EXPECTED_FILE}"
        )
    return pairs


def run_case(pack: Path, case: Path, as_of: dt.date) -> CaseResult:
    """Assess the case's system with the pack under test and compare with expected.yaml.

    The pack under test is added to the packs the case's govern.yaml lists (by default the
    built-in pack of each framework in scope), so a pack that tightens built-in rules is tested
    together with them; `policies: []` in the case tests the pack alone.
    """
    try:
        expectation = _expectation(case)
        assessment = _assess(pack, case, expectation, as_of)
    except InputError as exc:
        return CaseResult(pack, case, 0, problems=exc.diagnostics())
    except UsageError as exc:
        return CaseResult(pack, case, 0, problems=exc.diagnostics())
    return CaseResult(pack, case, len(expectation.rules), _compare(expectation, assessment))


def _expectation(case: Path) -> Expectation:
    from govern.load.validation import load_validate

    # Named relative to the case folder, as load_system names the case's evidence files.
    path = case / EXPECTED_FILE
    if not path.is_file():
        raise InputError.single(
            EXPECTED_FILE, f"missing: each case states its expected outcome in {EXPECTED_FILE}"
        )
    return load_validate(Expectation, load_document(path, EXPECTED_FILE))


def _assess(pack: Path, case: Path, expectation: Expectation, as_of: dt.date) -> Assessment:
    from govern.engine.evaluate import EngineOptions, assess
    from govern.load.bundle import load_system
    from govern.policy.lint import reference_problems
    from govern.policy.loader import load_packs, resolve_source

    bundle = load_system(case)
    sources = bundle.manifest.policy_sources()
    listed = {resolve_source(s, bundle.root)[0].resolve() for s in sources}
    trusted: tuple[Path, ...] = ()
    if (pack / PACK_FILE).is_file() and pack.resolve() not in listed:
        sources.append(str(pack.resolve()))
        trusted = (pack.resolve(),)
    packs = load_packs(sources, bundle.root, bundle.manifest_document, trusted=trusted)
    problems = reference_problems(packs)
    if problems:
        raise InputError(problems)
    options = EngineOptions(
        as_of=expectation.as_of or as_of,
        fail_on=expectation.fail_on,
        only_in_force=expectation.only_in_force,
        calendar=expectation.calendar,
        allow_unattested=expectation.allow_unattested,
    )
    return assess(bundle, packs, options)


def _compare(expectation: Expectation, assessment: Assessment) -> list[Mismatch]:
    results = {r.rule_id: r for r in assessment.results}
    mismatches = []
    for rule, status in expectation.rules.items():
        result = results.get(rule)
        if result is None:
            mismatches.append(Mismatch(rule, status, "no such rule", "not in the packs applied"))
        elif result.status != status:
            mismatches.append(Mismatch(rule, status, result.status, result.message))
    verdict = assessment.summary.verdict
    if expectation.verdict is not None and verdict != expectation.verdict:
        gating = ", ".join(assessment.summary.gating) or "no rule fails the run"
        mismatches.append(Mismatch(None, expectation.verdict, verdict, gating))
    return mismatches
