"""What a model card, dataset record or fairness report lacks for a risk tier and framework."""

# The field table (govern/reference/fields.yaml) follows the reference catalogue's `mc.*`, `dp.*`
# and `bm.*` fields: the provisions each serves, the profiles (risk tier, GPAI, Art.50 triggers)
# that require or recommend it, and its checks written in the policy-check language, evaluated by
# the same code as policy packs so "present" means the same thing in `card lint` and `check`.

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import yaml

from govern.engine.gpai_view import gpai_view, locate_gpai
from govern.load.documents import FieldPath, Position, SourceDocument, format_field_path
from govern.policy.checks import (
    ERROR,
    FAIL,
    Check,
    Context,
    LeafFinding,
    compile_check,
    evaluate,
)
from govern.reference import FRAMEWORKS


@dataclass(frozen=True)
class FieldCheck:
    check: Check
    roots: frozenset[str]
    when: frozenset[str] | None = None
    advisory: bool = False
    message: str | None = None
    frameworks: frozenset[str] | None = None


@dataclass(frozen=True)
class FieldSpec:
    key: str
    title: str
    document: str
    provisions: dict[str, tuple[str, ...]]
    required_for: frozenset[str]
    recommended_for: frozenset[str]
    checks: tuple[FieldCheck, ...]
    weak: tuple[FieldCheck, ...]


@dataclass(frozen=True)
class Gap:
    """One thing missing or weak, where it is (or should be), and what it is needed for."""

    field: str
    title: str
    blocking: bool
    kind: str  # missing | weak
    path: str
    file: str
    line: int
    column: int
    expected: str
    found: str
    provisions: dict[str, tuple[str, ...]]

    def where(self) -> str:
        return f"{self.file}:{self.line}:{self.column}" if self.line else self.file


@dataclass(frozen=True)
class LintTarget:
    """Evidence to lint: the view checks read, and how to place a path in its file."""

    label: str
    view: dict[str, Any]
    locate: Callable[[FieldPath], tuple[str, Position]]


@dataclass(frozen=True)
class Completeness:
    """How many of the fields a framework requires at a tier are filled (not placeholders)."""

    framework: str
    tier: str
    filled: int
    required: int
    missing: tuple[str, ...] = ()

    @property
    def share(self) -> float | None:
        return self.filled / self.required if self.required else None


@dataclass(frozen=True)
class LintReport:
    target: str
    profile: tuple[str, ...]
    frameworks: tuple[str, ...]
    gaps: tuple[Gap, ...]
    unchecked: tuple[str, ...] = field(default=())
    completeness: tuple[Completeness, ...] = field(default=())

    @property
    def blocking(self) -> list[Gap]:
        return [g for g in self.gaps if g.blocking]

    @property
    def advisory(self) -> list[Gap]:
        return [g for g in self.gaps if not g.blocking]


# ---------------------------------------------------------------------------------------------
# The field table


@cache
def load_fields() -> tuple[FieldSpec, ...]:
    """The field table shipped with the package (compiled once per process)."""
    resource = resources.files("govern.reference").joinpath("fields.yaml")
    loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    data = yaml.load(resource.read_text(encoding="utf-8"), Loader=loader)  # noqa: S506 - safe loader
    return tuple(_field(entry) for entry in data["fields"])


def _field(entry: dict[str, Any]) -> FieldSpec:
    provisions = {fw: tuple(entry.get("provisions", {}).get(fw, [])) for fw in FRAMEWORKS}
    return FieldSpec(
        key=entry["key"],
        title=entry["title"],
        document=entry.get("document", ""),
        provisions=provisions,
        required_for=frozenset(entry.get("required_for") or ()),
        recommended_for=frozenset(entry.get("recommended_for") or ()),
        checks=tuple(_check(item) for item in entry.get("checks") or ()),
        weak=tuple(_check(item) for item in entry.get("weak") or ()),
    )


def _check(item: dict[str, Any]) -> FieldCheck:
    when = item.get("when")
    frameworks = item.get("frameworks")
    return FieldCheck(
        check=compile_check(item["check"]),
        roots=frozenset(_roots(item["check"])),
        when=frozenset(when) if when else None,
        advisory=bool(item.get("advisory", False)),
        message=item.get("message"),
        frameworks=frozenset(frameworks) if frameworks else None,
    )


def _roots(data: Any) -> Iterable[str]:
    """Evidence roots a check reads (`model_card`, `datasets`...), to skip what is not there."""
    if isinstance(data, dict):
        for key, value in data.items():
            reads = key in ("path", "present") and isinstance(value, str)
            if reads and not value.startswith("item"):
                yield value.split(".")[0].split("[")[0]
            yield from _roots(value)
    elif isinstance(data, list):
        for item in data:
            yield from _roots(item)


def profile_for(
    tier: str,
    gpai: bool = False,
    systemic: bool = False,
    transparency: Iterable[str] = (),
) -> frozenset[str]:
    """The tags fields are required or recommended for: tier, GPAI flags, Art.50 triggers."""
    tags = {tier, *transparency}
    if gpai or systemic:
        tags.add("gpai")
    if systemic:
        tags.add("gpai_systemic")
    return frozenset(tags)


# ---------------------------------------------------------------------------------------------
# Linting


def lint(
    target: LintTarget,
    profile: frozenset[str],
    frameworks: Iterable[str] = FRAMEWORKS,
    as_of: dt.date | None = None,
) -> LintReport:
    """Every gap of the target's evidence for this profile, blocking gaps first."""
    selected = tuple(fw for fw in FRAMEWORKS if fw in set(frameworks))
    context = Context(target.view, {}, lambda control: [], as_of or dt.date.today())
    gaps: list[Gap] = []
    unchecked: list[str] = []
    specs = load_fields()
    order = {spec.key: index for index, spec in enumerate(specs)}
    for spec in specs:
        provisions = {fw: spec.provisions[fw] for fw in selected if spec.provisions[fw]}
        if not provisions:
            continue
        required = bool(spec.required_for & profile)
        recommended = bool(spec.recommended_for & profile)
        scoped = any(c.frameworks and c.frameworks & set(selected) for c in spec.checks)
        if not (required or recommended or scoped):
            continue
        if not spec.checks and not spec.weak:
            unchecked.append(spec.key)
            continue
        gaps.extend(_field_gaps(spec, target, context, profile, required, selected, provisions))
    gaps = _dedupe(gaps)
    gaps.sort(key=lambda g: (not g.blocking, order[g.field], g.file, g.line, g.path))
    return LintReport(
        target=target.label,
        profile=tuple(sorted(profile)),
        frameworks=selected,
        gaps=tuple(gaps),
        unchecked=tuple(unchecked),
        completeness=completeness(target, profile, selected, context.as_of),
    )


# ---------------------------------------------------------------------------------------------
# Completeness

TIERS = ("high", "limited", "minimal")


def completeness(
    target: LintTarget,
    profile: frozenset[str],
    frameworks: Iterable[str] = FRAMEWORKS,
    as_of: dt.date | None = None,
) -> tuple[Completeness, ...]:
    """Per framework and risk tier: the share of required fields the target fills.

    A field counts when the framework cites it and it is required at that tier (or a check of it
    is scoped to the framework, which holds at every tier), and when the target holds the kind of
    evidence its checks read (a lone model card is not scored on dataset fields). It is filled
    when none of those checks finds it absent, empty or a placeholder; a value that is there but
    weak still counts as filled, as `lint` reports it as weak rather than missing.
    """
    context = Context(target.view, {}, lambda control: [], as_of or dt.date.today())
    others = profile - set(TIERS)
    tiers = [t for t in TIERS if t in profile] + [t for t in TIERS if t not in profile]
    rows: list[Completeness] = []
    for framework in (fw for fw in FRAMEWORKS if fw in set(frameworks)):
        for tier in tiers:
            rows.append(_completeness(target, context, framework, tier, others | {tier}))
    return tuple(rows)


def _completeness(
    target: LintTarget, context: Context, framework: str, tier: str, profile: frozenset[str]
) -> Completeness:
    required = filled = 0
    missing: list[str] = []
    for spec in load_fields():
        if not spec.provisions[framework]:
            continue
        in_play = bool(spec.required_for & profile)
        checks = [
            c
            for c in spec.checks
            if _applies(c, profile, target.view, in_play, (framework,))
            and (in_play or c.frameworks is not None)
        ]
        if not checks:
            continue
        required += 1
        if any(_absent(evaluate(c.check, context).findings) for c in checks):
            missing.append(spec.key)
        else:
            filled += 1
    return Completeness(framework, tier, filled, required, tuple(missing))


def _absent(findings: Iterable[LeafFinding]) -> bool:
    return any(f.status == ERROR or (f.status == FAIL and _is_absence(f)) for f in findings)


def _applies(
    check: FieldCheck,
    profile: frozenset[str],
    view: dict[str, Any],
    field_in_play: bool,
    selected: tuple[str, ...],
) -> bool:
    """A check runs when its evidence is there and its field, framework or profile asks for it."""
    if not check.roots <= set(view):
        return False
    if check.frameworks is not None:
        if not check.frameworks & set(selected):
            return False
    elif not field_in_play:
        return False
    return check.when is None or bool(check.when & profile)


def _field_gaps(
    spec: FieldSpec,
    target: LintTarget,
    context: Context,
    profile: frozenset[str],
    required: bool,
    selected: tuple[str, ...],
    provisions: dict[str, tuple[str, ...]],
) -> list[Gap]:
    in_play = required or bool(spec.recommended_for & profile)
    gaps: list[Gap] = []
    missing_paths: set[FieldPath] = set()
    for kind, checks in (("missing", spec.checks), ("weak", spec.weak)):
        for item in checks:
            if not _applies(item, profile, target.view, in_play, selected):
                continue
            blocking = (required or item.frameworks is not None) and not item.advisory
            outcome = evaluate(item.check, context)
            for finding in outcome.findings:
                if finding.status not in (FAIL, ERROR):
                    continue
                absent = _is_absence(finding)
                if kind == "weak" and (absent or finding.path in missing_paths):
                    continue  # a missing value is reported as missing, not as weak
                if kind == "missing":
                    missing_paths.add(finding.path)
                gaps.append(_gap(spec, target, finding, blocking, kind, item.message, provisions))
    return gaps


def _is_absence(finding: LeafFinding) -> bool:
    """The finding reports a value that is not there (not one there that must change)."""
    found = finding.found
    return not finding.held and (
        found in ("missing", "empty")
        or found.startswith("placeholder")
        or found.endswith("but no threshold to compare with")
    )


def _gap(
    spec: FieldSpec,
    target: LintTarget,
    finding: LeafFinding,
    blocking: bool,
    kind: str,
    message: str | None,
    provisions: dict[str, tuple[str, ...]],
) -> Gap:
    file, position = target.locate(finding.path)
    expected = finding.expected if message is None else f"{message} ({finding.expected})"
    return Gap(
        field=spec.key,
        title=spec.title,
        blocking=blocking,
        kind=kind,
        path=format_field_path(finding.path),
        file=file,
        line=position.line,
        column=position.column,
        expected=expected,
        found=finding.found,
        provisions=provisions,
    )


def _dedupe(gaps: list[Gap]) -> list[Gap]:
    """One gap per field and path: several expectations on an absent list become one line."""
    merged: dict[tuple[str, str, str], Gap] = {}
    for gap in gaps:
        key = (gap.field, gap.path, gap.kind)
        if key not in merged:
            merged[key] = gap
            continue
        first = merged[key]
        if gap.expected in first.expected:
            continue
        merged[key] = Gap(
            **{
                **first.__dict__,
                "expected": f"{first.expected}; {gap.expected}",
                "blocking": first.blocking or gap.blocking,
            }
        )
    return list(merged.values())


# ---------------------------------------------------------------------------------------------
# Targets


def card_target(document: SourceDocument, model: Any) -> LintTarget:
    """One model card on its own (no manifest, datasets or fairness reports to look at)."""
    view = {"model_card": model.model_dump(by_alias=True)}

    def locate(path: FieldPath) -> tuple[str, Position]:
        return document.display, document.locate(path[1:])

    return LintTarget(document.display, view, locate)


def dataset_target(document: SourceDocument, model: Any) -> LintTarget:
    """One dataset record on its own."""
    view = {"datasets": [model.model_dump(by_alias=True)]}

    def locate(path: FieldPath) -> tuple[str, Position]:
        return document.display, document.locate(path[2:])

    return LintTarget(document.display, view, locate)


def system_target(bundle: Any, classification: Any) -> LintTarget:
    """A whole system: govern.yaml and every evidence file it names."""
    manifest = bundle.manifest
    answers = manifest.classification.model_dump()
    answers.update(tier=classification.tier, high_risk=classification.high_risk)
    view: dict[str, Any] = {
        "system": manifest.system.model_dump(by_alias=True),
        "classification": answers,
        "datasets": [item.model.model_dump(by_alias=True) for item in bundle.datasets],
        "fairness": [item.model.model_dump(by_alias=True) for item in bundle.fairness],
    }
    if bundle.model_card is not None:
        view["model_card"] = bundle.model_card.model.model_dump(by_alias=True)
    else:
        view["model_card"] = {}
    view["gpai"] = gpai_view(bundle)
    keys = {"model_card": "model_card", "datasets": "datasets", "fairness": "fairness"}

    def locate(path: FieldPath) -> tuple[str, Position]:
        manifest_doc: SourceDocument = bundle.manifest_document
        root, rest = (path[0], path[1:]) if path else ("", ())
        if root == "model_card" and bundle.model_card is not None:
            document: SourceDocument = bundle.model_card.document
            return document.display, document.locate(rest)
        if root in ("datasets", "fairness"):
            items = bundle.datasets if root == "datasets" else bundle.fairness
            if rest and isinstance(rest[0], int) and rest[0] < len(items):
                document = items[rest[0]].document
                return document.display, document.locate(rest[1:])
        if root in keys:
            return manifest_doc.display, manifest_doc.locate(("evidence", keys[str(root)]))
        if root == "gpai":
            document, inner = locate_gpai(path, bundle)
            return document.display, document.locate(inner)
        return manifest_doc.display, manifest_doc.locate(path)

    return LintTarget(manifest.system.name, view, locate)
