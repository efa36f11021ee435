"""Find, load and compile policy packs; apply organisation packs' tightenings to built-in rules."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, replace
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any

from govern.errors import InputError, Problem
from govern.load.containment import inside
from govern.load.documents import SourceDocument, load_document, parse_document, read_text_file
from govern.load.validation import load_validate
from govern.policy.checks import CheckSyntaxError, compile_check
from govern.policy.model import (
    SEVERITY_RANK,
    ApplicationDate,
    Pack,
    PackInfo,
    Rule,
    RuleSpec,
    Tightening,
)
from govern.policy.parsed import parsed_document, read_parsed

BUILTIN_PREFIX = "builtin:"
PACK_FILE = "pack.yaml"


@dataclass(frozen=True)
class PackSet:
    packs: tuple[Pack, ...]
    rules: tuple[Rule, ...]

    def rule(self, rule_id: str) -> Rule | None:
        return next((r for r in self.rules if r.id == rule_id), None)

    @cached_property
    def rule_ids(self) -> frozenset[str]:
        """Every rule's id: asked once per system assessed, the same for each."""
        return frozenset(rule.id for rule in self.rules)


def builtin_root() -> Path:
    """Built-in packs: inside the installed wheel, or policies/ beside an uninstalled checkout."""
    try:
        return Path(str(resources.files("govern._policies")))
    except ModuleNotFoundError:
        return Path(__file__).resolve().parents[2] / "policies"


def builtin_packs() -> list[str]:
    root = builtin_root()
    return sorted(p.name for p in root.iterdir() if (p / PACK_FILE).is_file())


def resolve_source(source: str, base: Path) -> tuple[Path, str]:
    """Folder of a pack named `builtin:NAME` or by a path relative to `base`, and its label."""
    if source.startswith(BUILTIN_PREFIX):
        name = source.removeprefix(BUILTIN_PREFIX)
        return builtin_root() / name, source
    path = Path(source)
    return (path if path.is_absolute() else base / path), path.as_posix()


def load_packs(
    sources: list[str],
    base: Path,
    manifest: SourceDocument | None = None,
    boundary: Path | None = None,
    trusted: tuple[Path, ...] = (),
) -> PackSet:
    """Load packs in order; all problems of all packs are reported together.

    Packs a manifest names (`manifest` given) are read only from inside its folder, or
    `boundary`: a pull request must not point govern at files elsewhere. `trusted` folders
    were given on the command line (`policies test PACK`) and are exempt.
    """
    problems: list[Problem] = []
    packs: list[Pack] = []
    for index, source in enumerate(sources):
        folder, display = resolve_source(source, base)
        refused = _refused_pack(source, base, boundary, trusted) if manifest is not None else None
        if refused is not None:
            assert manifest is not None
            problems.append(manifest.problem(("policies", index), refused))
            continue
        if not (folder / PACK_FILE).is_file():
            message = _missing_pack_message(source, folder)
            if manifest is not None:
                problems.append(manifest.problem(("policies", index), message))
            else:
                problems.append(Problem(display, 0, 0, "", message))
            continue
        try:
            packs.append(load_pack(folder, display))
        except InputError as exc:
            problems.extend(exc.problems)
    if problems:
        raise InputError(problems)
    return _merge(packs)


def _refused_pack(
    source: str, base: Path, boundary: Path | None, trusted: tuple[Path, ...]
) -> str | None:
    """Why a pack folder named in a manifest may not be read, or None when it may."""
    from govern.load.containment import PathRefused, contained

    if source.startswith(BUILTIN_PREFIX):
        return None
    if any(Path(source) == folder for folder in trusted):
        return None
    try:
        contained(base, source, boundary, folder=True, noun="policy pack folder")
    except PathRefused as exc:
        if "does not exist" in exc.message:
            return None  # reported below with the usual wording
        return exc.message
    return None


def _missing_pack_message(source: str, folder: Path) -> str:
    if source.startswith(BUILTIN_PREFIX):
        available = ", ".join(f"builtin:{name}" for name in builtin_packs())
        return f"no built-in pack {source!r}; available: {available}"
    if not folder.exists():
        return f"policy pack folder {source!r} does not exist"
    return f"policy pack folder {source!r} has no {PACK_FILE}"


def rule_files(folder: Path) -> list[Path]:
    """The files of a pack besides pack.yaml: every YAML file in its folder, in name order.

    `govern verify --evidence` re-hashes the same list, so a rule file added later is caught.
    """
    return sorted(
        p for p in folder.iterdir() if p.suffix in (".yaml", ".yml") and p.name != PACK_FILE
    )


def load_pack(folder: Path, display: str) -> Pack:
    # A built-in pack's YAML comes pre-parsed (govern.policy.parsed); other packs are parsed here.
    parsed = read_parsed(folder) if display.startswith(BUILTIN_PREFIX) else {}
    info_doc = _pack_document(folder / PACK_FILE, f"{display}/{PACK_FILE}", parsed)
    info = load_validate(PackInfo, info_doc)
    files = [(info_doc.display, info_doc.sha256)]
    rules: list[Rule] = []
    problems: list[Problem] = []
    for path in rule_files(folder):
        if not inside(path, folder):
            problems.append(
                Problem(
                    f"{display}/{path.name}", 0, 0, "", "is a symlink out of its pack; not read"
                )
            )
            continue
        try:
            document = _pack_document(path, f"{display}/{path.name}", parsed)
        except InputError as exc:
            problems.extend(exc.problems)
            continue
        files.append((document.display, document.sha256))
        rules.extend(_rules_in(document, info, problems))
    if problems:
        raise InputError(problems)
    return Pack(info, display, tuple(files), tuple(rules), info_doc)


def _pack_document(path: Path, display: str, parsed: dict[str, Any]) -> SourceDocument:
    """A pack file, from its pre-parsed entry when there is one made from these very bytes."""
    if not parsed:
        return load_document(path, display)
    raw, text = read_text_file(path, display)
    digest = hashlib.sha256(raw).hexdigest()
    document = parsed_document(path, display, raw, text, digest, parsed.get(path.name))
    return document if document is not None else parse_document(text, raw, path, display)


def _rules_in(document: SourceDocument, info: PackInfo, problems: list[Problem]) -> list[Rule]:
    data = document.data
    prefix: tuple[str | int, ...] = ()
    if isinstance(data, dict) and set(data) == {"rules"}:
        data, prefix = data["rules"], ("rules",)
    if not isinstance(data, list):
        problems.append(document.problem(prefix, "a rule file holds a list of rules"))
        return []
    rules = []
    for index, raw in enumerate(data):
        where = (*prefix, index)
        try:
            spec = load_validate(RuleSpec, document, raw, where)
        except InputError as exc:
            problems.extend(exc.problems)
            continue
        try:
            check = compile_check(spec.check)
        except CheckSyntaxError as exc:
            message = f"rule {spec.id}: {exc}"
            problems.append(document.problem((*where, "check", *exc.where), message))
            continue
        missing = sorted({name for name, _ in check.params()} - set(spec.params))
        if missing:
            problems.append(
                document.problem(
                    (*where, "check"), f"check uses undeclared parameter {missing[0]!r}"
                )
            )
            continue
        effective = _effective(spec, info, document, where, problems)
        line = document.locate(where).line
        rules.append(
            Rule(
                spec,
                check,
                info,
                document,
                where,
                document.display,
                line,
                effective,
                spec.severity,
                spec.blocking,
                dict(spec.params),
            )
        )
    return rules


def _effective(
    spec: RuleSpec,
    info: PackInfo,
    document: SourceDocument,
    where: tuple[str | int, ...],
    problems: list[Problem],
) -> ApplicationDate | None:
    value = spec.effective_from
    if value is None:
        return None
    if isinstance(value, dt.date):
        return ApplicationDate(date=value, basis=f"rule {spec.id}")
    if value not in info.application_dates:
        known = ", ".join(sorted(info.application_dates)) or "none defined in pack.yaml"
        problems.append(
            document.problem(
                (*where, "effective_from"), f"unknown application date {value!r}; known: {known}"
            )
        )
        return None
    return info.application_dates[value]


def _merge(packs: list[Pack]) -> PackSet:
    problems: list[Problem] = []
    seen: dict[str, Rule] = {}
    for pack in packs:
        for rule in pack.rules:
            if rule.id in seen:
                first = seen[rule.id]
                problems.append(
                    Problem(
                        rule.file,
                        rule.line,
                        1,
                        "id",
                        f"duplicate rule id {rule.id!r} (first defined in "
                        f"{first.file}:{first.line}); to change a rule of another "
                        "pack use `overrides:` in pack.yaml",
                    )
                )
            else:
                seen[rule.id] = rule
    for pack in packs:
        for index, override in enumerate(pack.info.overrides):
            where = ("overrides", index)
            target = seen.get(override.rule)
            if target is None:
                problems.append(
                    _pack_problem(pack, where, f"override names unknown rule {override.rule!r}")
                )
                continue
            try:
                seen[override.rule] = _tighten(target, override, pack)
            except ValueError as exc:
                problems.append(_pack_problem(pack, where, f"{override.rule}: {exc}"))
    if problems:
        raise InputError(problems)
    return PackSet(tuple(packs), tuple(seen[rule.id] for pack in packs for rule in pack.rules))


def _pack_problem(pack: Pack, where: tuple[str | int, ...], message: str) -> Problem:
    if pack.document is None:
        return Problem(f"{pack.source}/{PACK_FILE}", 0, 0, "", message)
    return pack.document.problem(where, message)


def _tighten(rule: Rule, override: Any, pack: Pack) -> Rule:
    changes: list[Tightening] = []
    severity, blocking, params = rule.severity, rule.blocking, dict(rule.params)
    if override.severity is not None and override.severity != severity:
        if SEVERITY_RANK[override.severity] < SEVERITY_RANK[severity]:
            raise ValueError(f"cannot lower severity from {severity} to {override.severity}")
        changes.append(
            Tightening(pack.info.id, "severity", severity, override.severity, override.reason)
        )
        severity = override.severity
    if override.blocking is not None and override.blocking != blocking:
        if not override.blocking:
            raise ValueError("cannot make a blocking rule non-blocking (use a waiver instead)")
        changes.append(Tightening(pack.info.id, "blocking", blocking, True, override.reason))
        blocking = True
    directions = dict(rule.check.params())
    for name, value in override.params.items():
        if name not in params:
            raise ValueError(f"rule has no parameter {name!r}")
        direction = directions.get(name)
        old = params[name]
        if (direction == "min" and value < old) or (direction == "max" and value > old):
            raise ValueError(f"parameter {name!r} {old:g} -> {value:g} would loosen the rule")
        if direction not in ("min", "max"):
            raise ValueError(f"parameter {name!r} cannot be overridden")
        if value != old:
            changes.append(
                Tightening(
                    pack.info.id, f"param {name}", _plain(old), _plain(value), override.reason
                )
            )
            params[name] = value
    return replace(
        rule,
        severity=severity,
        blocking=blocking,
        params=params,
        tightenings=rule.tightenings + tuple(changes),
    )


def _plain(number: float) -> float | int:
    """365, not 365.0, where a whole number was meant (thresholds are floats internally)."""
    return int(number) if isinstance(number, float) and number.is_integer() else number
