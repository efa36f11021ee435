"""The pack linter: structure, operators, regexes, parameters, dates and framework references."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from govern.errors import InputError, Problem
from govern.policy.loader import (
    BUILTIN_PREFIX,
    PACK_FILE,
    PackSet,
    builtin_packs,
    builtin_root,
    load_packs,
)
from govern.policy.model import Pack, Rule
from govern.policy.schema_paths import rule_path_problems
from govern.reference import load_catalogue


@dataclass
class LintReport:
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    packs: list[Pack] = field(default_factory=list)

    @property
    def rule_count(self) -> int:
        return sum(len(p.rules) for p in self.packs)


def pack_folders(targets: list[Path]) -> list[Path]:
    """A target is a pack folder, or a folder of pack folders (like policies/)."""
    folders = []
    for target in targets:
        if (target / PACK_FILE).is_file():
            folders.append(target)
        elif target.is_dir():
            folders.extend(sorted(p for p in target.iterdir() if (p / PACK_FILE).is_file()))
    return folders


def pack_id(folder: Path) -> str | None:
    """The `id` a pack folder's pack.yaml declares, or None when it cannot be read.

    The full load reports any problem later, with its place; here a bad file just matches nothing.
    """
    from govern.load.documents import load_document

    try:
        data = load_document(folder / PACK_FILE).data
    except InputError:
        return None
    value = data.get("id") if isinstance(data, dict) else None
    return value if isinstance(value, str) else None


def lint(targets: list[Path], crosswalk: Path | None = None) -> LintReport:
    """Lint pack folders, and the crosswalk (the packaged one unless another is named)."""
    report = LintReport()
    report.problems.extend(_crosswalk_problems(crosswalk))
    folders = pack_folders(targets)
    if not folders:
        names = ", ".join(str(t) for t in targets)
        report.problems.append(Problem(names, 0, 0, "", f"no {PACK_FILE} found"))
        return report
    # Built-in packs are loaded as context so that an organisation pack's overrides resolve;
    # a linted pack that is a built-in one, or a copy of it, stands in for it.
    linted = {f.resolve() for f in folders}
    linted_ids = {pack_id(f) for f in folders}
    context = [
        f"builtin:{name}"
        for name in builtin_packs()
        if (builtin_root() / name).resolve() not in linted
        and pack_id(builtin_root() / name) not in linted_ids
    ]
    sources = context + [str(f) for f in folders]
    try:
        packset = load_packs(sources, Path.cwd())
    except InputError as exc:
        report.problems.extend(exc.problems)
        return report
    report.packs = [p for p in packset.packs if p.source not in context]
    for pack in report.packs:
        report.problems.extend(pack_date_problems(pack))
        for rule in pack.rules:
            errors, warnings = rule_problems(rule)
            report.problems.extend(errors)
            # Not in rule_problems: `check` refuses packs with those, but runs a rule with a bad
            # path and reports it as that rule's error.
            report.problems.extend(rule_path_problems(rule))
            report.warnings.extend(warnings)
    return report


def _crosswalk_problems(path: Path | None) -> list[Problem]:
    from govern.policy.crosswalk import crosswalk_problems
    from govern.reference import index_path

    if path is None:
        return crosswalk_problems(index_path().parent / "crosswalk.yaml", "crosswalk.yaml")
    try:
        return crosswalk_problems(path)
    except InputError as exc:
        return list(exc.problems)


def reference_problems(packset: PackSet) -> list[Problem]:
    """Unknown reference ids in packs from outside the wheel (built-in packs are linted in CI)."""
    problems = []
    for pack in packset.packs:
        if pack.source.startswith(BUILTIN_PREFIX):
            continue
        for rule in pack.rules:
            problems.extend(rule_problems(rule)[0])
    return problems


def rule_problems(rule: Rule) -> tuple[list[Problem], list[Problem]]:
    errors: list[Problem] = []
    warnings: list[Problem] = []
    doc, where = rule.document, rule.where
    for framework, ids in rule.spec.refs.items():
        catalogue = load_catalogue(framework)
        if not ids:
            errors.append(doc.problem((*where, "refs", framework), "empty reference list"))
        for index, provision in enumerate(ids):
            at = (*where, "refs", framework, index)
            if provision not in catalogue:
                errors.append(
                    doc.problem(
                        at,
                        f"{provision!r} is not a {framework} provision id "
                        "in the reference catalogue",
                    )
                )
            elif not catalogue.provisions[provision].verified and not _acknowledged(rule):
                warnings.append(
                    doc.problem(
                        at,
                        f"{provision!r} is marked verified: false in the reference catalogue; "
                        "say 'verified: false' in the rule's description",
                    )
                )
    if rule.pack.framework and rule.pack.framework not in rule.spec.refs:
        errors.append(
            doc.problem(
                (*where, "refs"),
                f"a rule of a {rule.pack.framework} pack must cite "
                f"{rule.pack.framework} provisions",
            )
        )
    used = {name for name, _ in rule.check.params()}
    for name in sorted(set(rule.spec.params) - used):
        warnings.append(doc.problem((*where, "params", name), f"parameter {name!r} is never used"))
    if rule.pack.framework == "eu-ai-act" and rule.spec.effective_from is None:
        warnings.append(
            doc.problem(where, "no effective_from: the rule is treated as always in force")
        )
    return errors, warnings


def _acknowledged(rule: Rule) -> bool:
    """A rule may cite an unverified provision when its description says so."""
    return "verified: false" in (rule.spec.description or "")


def pack_date_problems(pack: Pack) -> list[Problem]:
    """Application dates of a framework pack must be dates the reference catalogue knows."""
    framework = pack.info.framework
    if framework is None:
        return []
    known = load_catalogue(framework).application_dates
    if not known or pack.document is None:
        return []
    document = pack.document
    problems = []
    for key, spec in pack.info.application_dates.items():
        candidates = [(spec.date, "date")]
        if spec.amended is not None:
            candidates.append((spec.amended.date, "amended.date"))
        if spec.annex_i is not None:
            candidates.append((spec.annex_i.date, "annex_i.date"))
            if spec.annex_i.amended is not None:
                candidates.append((spec.annex_i.amended.date, "annex_i.amended.date"))
        for date, name in candidates:
            if date not in known:
                problems.append(
                    document.problem(
                        ("application_dates", key, *name.split(".")),
                        f"{date} is not an application date in the {framework} reference catalogue",
                    )
                )
    return problems
