"""CycloneDX 1.5-1.7 ML-BOMs: the `modelCard` of a machine-learning-model component, both ways."""

# Import maps the model component, its model card, the data components it references and the other
# components of the BOM (its dependencies) onto our model card. Export writes a CycloneDX 1.7 BOM
# (1.6 on request) from our model card, dataset records and fairness reports; sections of our card
# that CycloneDX has no field for travel as `govern:<section>` properties, so a govern card
# survives the round trip.

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path
from typing import Any

from govern.errors import GovernError, InputError
from govern.evidence.dataset import DatasetRecord
from govern.evidence.fairness import FairnessReport
from govern.evidence.model_card import ModelCard
from govern.load.containment import excerpt
from govern.load.documents import FieldPath, SourceDocument, json_too_deep, parse_document
from govern.load.importers.interface import ImportResult, Kind
from govern.load.importers.mapping import Mapping, guess_role, number, pointer, slug, text, texts
from govern.load.importers.result import finish
from govern.load.importers.shape import Rule, check_shape

# Export writes 1.7 unless 1.6 is asked for; both are validated against their own schema.
SPEC_VERSION = "1.7"
SPEC_VERSIONS = ("1.6", "1.7")
PROPERTY_PREFIX = "govern:"
ROLE_PROPERTY = "govern:dataset-role"
_SIGNATURE = re.compile(r'"bomFormat"\s*:\s*"CycloneDX"')
_MODEL_TYPE = "machine-learning-model"

# What the CycloneDX 1.5-1.7 schemas say these are; anything else is not a BOM we can read.
_BOM_SHAPE: tuple[Rule, ...] = (
    ("metadata", dict),
    ("metadata.component", dict),
    ("metadata.tools", (dict, list)),
    ("components", list),
    ("components.*", dict),
    ("dependencies", list),
)
_COMPONENT_SHAPE: tuple[Rule, ...] = (
    ("type", str),
    ("name", str),
    ("version", str),
    ("bom-ref", str),
    ("purl", str),
    ("components", list),
    ("components.*", dict),
    ("licenses", list),
    ("licenses.*", dict),
    ("licenses.*.license", dict),
    ("externalReferences", list),
    ("externalReferences.*", dict),
    ("hashes", list),
    ("hashes.*", dict),
    ("properties", list),
    ("properties.*", dict),
    ("pedigree", dict),
    ("pedigree.ancestors", list),
    ("pedigree.ancestors.*", dict),
    ("manufacturer", dict),
    ("supplier", dict),
    ("manufacturer.contact", list),
    ("supplier.contact", list),
    ("modelCard", dict),
    ("modelCard.properties", list),
    ("modelCard.properties.*", dict),
    ("modelCard.modelParameters", dict),
    ("modelCard.modelParameters.approach", dict),
    ("modelCard.modelParameters.datasets", list),
    ("modelCard.modelParameters.datasets.*", dict),
    ("modelCard.modelParameters.datasets.*.ref", str),
    ("modelCard.modelParameters.inputs", list),
    ("modelCard.modelParameters.inputs.*", dict),
    ("modelCard.modelParameters.outputs", list),
    ("modelCard.modelParameters.outputs.*", dict),
    ("modelCard.quantitativeAnalysis", dict),
    ("modelCard.quantitativeAnalysis.performanceMetrics", list),
    ("modelCard.quantitativeAnalysis.performanceMetrics.*", dict),
    ("modelCard.considerations", dict),
    ("modelCard.considerations.users", list),
    ("modelCard.considerations.useCases", list),
    ("modelCard.considerations.technicalLimitations", list),
    ("modelCard.considerations.performanceTradeoffs", list),
    ("modelCard.considerations.ethicalConsiderations", list),
    ("modelCard.considerations.ethicalConsiderations.*", dict),
    ("modelCard.considerations.fairnessAssessments", list),
    ("modelCard.considerations.fairnessAssessments.*", dict),
    ("modelCard.considerations.environmentalConsiderations", dict),
    ("modelCard.considerations.environmentalConsiderations.energyConsumptions", list),
    ("modelCard.considerations.environmentalConsiderations.energyConsumptions.*", dict),
)


class CycloneDXModelCard:
    name = "cyclonedx"
    kind: Kind = "model_card"
    title = "CycloneDX 1.5-1.7 ML-BOM (modelCard)"

    def detect(self, path: Path, text_: str) -> bool:
        return bool(_SIGNATURE.search(text_))

    def read(self, path: Path, display: str, raw: bytes, text_: str) -> SourceDocument:
        document = parse_document(text_, raw, path, display, fmt="json")
        data = document.data
        if not isinstance(data, dict) or data.get("bomFormat") != "CycloneDX":
            raise InputError.single(display, 'not a CycloneDX BOM (no "bomFormat": "CycloneDX")')
        version = str(data.get("specVersion", ""))
        if version not in ("1.5", "1.6", "1.7"):
            line = document.locate(("specVersion",))
            raise InputError.single(
                display,
                f"CycloneDX {version or '(no specVersion)'} has no modelCard; "
                "ML-BOMs need specVersion 1.5, 1.6 or 1.7",
                line.line,
                line.column,
                "specVersion",
            )
        check_shape(document, _BOM_SHAPE)
        for component_path, _ in _all_components(data):
            check_shape(document, _COMPONENT_SHAPE, component_path)
        return document

    def load(self, document: SourceDocument, select: str | None = None) -> ImportResult:
        m = Mapping(document.data)
        # BOM bookkeeping, not facts about the model
        m.use(("$schema",), ("bomFormat",), ("specVersion",), ("serialNumber",), ("version",))
        m.use(("metadata", "timestamp"), ("metadata", "tools"), ("dependencies",))
        # An earlier assessment's conclusions (CycloneDX 1.6+ attestations): read past, never
        # taken as evidence about the model.
        m.use(("declarations",), ("definitions",))
        components = _all_components(document.data)
        models = [(path, c) for path, c in components if c.get("type") == _MODEL_TYPE]
        if not models:
            raise InputError.single(
                document.display,
                'no component of type "machine-learning-model" in this BOM: nothing to import',
            )
        path, model = _choose(models, select, document.display)
        if len(models) > 1 and select is None:
            others = ", ".join(repr(c.get("name")) for _, c in models if c is not model)
            m.warn(
                f"the BOM describes several models; imported {excerpt(model.get('name'))} "
                f"(choose another with --select: {others})"
            )
        refs = {c.get("bom-ref"): (p, c) for p, c in components if c.get("bom-ref")}
        _component(m, path, model)
        card = model.get("modelCard")
        if isinstance(card, dict):
            _model_card(m, (*path, "modelCard"), card, refs)
        _other_components(m, components, path)
        return finish(m, ModelCard, document, self.name, subject=text(model.get("name")))


# ---------------------------------------------------------------------------------------------
# Import


def _all_components(bom: dict[str, Any]) -> list[tuple[FieldPath, dict[str, Any]]]:
    found: list[tuple[FieldPath, dict[str, Any]]] = []

    def walk(items: Any, path: FieldPath) -> None:
        if not isinstance(items, list):
            return
        for index, item in enumerate(items):
            if isinstance(item, dict):
                found.append(((*path, index), item))
                walk(item.get("components"), (*path, index, "components"))

    metadata = bom.get("metadata")
    if isinstance(metadata, dict) and isinstance(metadata.get("component"), dict):
        found.append((("metadata", "component"), metadata["component"]))
        walk(metadata["component"].get("components"), ("metadata", "component", "components"))
    walk(bom.get("components"), ("components",))
    return found


def _choose(
    models: list[tuple[FieldPath, dict[str, Any]]], select: str | None, display: str
) -> tuple[FieldPath, dict[str, Any]]:
    if select is None:
        return models[0]
    for path, component in models:
        if select in (component.get("bom-ref"), component.get("name")):
            return path, component
    names = ", ".join(repr(c.get("name")) for _, c in models)
    raise InputError.single(
        display, f"no model component named {excerpt(select)}; the BOM has {names}"
    )


def _component(m: Mapping, path: FieldPath, model: dict[str, Any]) -> None:
    m.use((*path, "type"), (*path, "bom-ref"))
    m.set(("identity", "name"), text(model.get("name")), (*path, "name"))
    m.set(("identity", "version"), text(model.get("version")), (*path, "version"))
    m.set(("identity", "model_id"), text(model.get("purl")), (*path, "purl"))
    for key in ("manufacturer", "supplier"):
        entity = model.get(key)
        if isinstance(entity, dict) and m.peek(("provider", "name")) is None:
            src: FieldPath = (*path, key)
            m.set(("provider", "name"), text(entity.get("name")), (*src, "name"))
            urls = texts(entity.get("url"))
            if urls:
                m.set(("provider", "website"), urls[0], (*src, "url", 0))
            for index, contact in enumerate(entity.get("contact") or []):
                if isinstance(contact, dict) and m.peek(("provider", "contact")) is None:
                    m.set(
                        ("provider", "contact"),
                        text(contact.get("email")),
                        (*src, "contact", index, "email"),
                    )
    if m.peek(("provider", "name")) is None:
        m.set(("provider", "name"), text(model.get("publisher")), (*path, "publisher"))
    _licences(m, ("licence",), model.get("licenses"), (*path, "licenses"))
    for index, ref in enumerate(model.get("externalReferences") or []):
        if not isinstance(ref, dict):
            continue
        src = (*path, "externalReferences", index)
        target = {
            "vcs": ("identity", "repository"),
            "website": ("provider", "website"),
            "documentation": ("instructions", "instructions_for_use"),
            "support": ("feedback", "contact"),
        }.get(str(ref.get("type")))
        if target and m.peek(target) is None:
            m.set(target, text(ref.get("url")), (*src, "url"))
            m.use((*src, "type"))
    for index, ancestor in enumerate((model.get("pedigree") or {}).get("ancestors") or []):
        if isinstance(ancestor, dict):
            item = _component_item(ancestor, "base_model")
            if item:
                m.append(("components",), item, (*path, "pedigree", "ancestors", index))
    _properties(m, model.get("properties"), (*path, "properties"))


def _licences(m: Mapping, dst: FieldPath, licences: Any, src: FieldPath) -> None:
    for index, choice in enumerate(licences if isinstance(licences, list) else []):
        if not isinstance(choice, dict) or m.peek((*dst, "id")) is not None:
            continue
        if text(choice.get("expression")):
            m.set((*dst, "id"), text(choice.get("expression")), (*src, index, "expression"))
            continue
        licence = choice.get("license")
        if isinstance(licence, dict):
            key = "id" if text(licence.get("id")) else "name"
            m.set((*dst, "id"), text(licence.get(key)), (*src, index, "license", key))
            m.set((*dst, "url"), text(licence.get("url")), (*src, index, "license", "url"))


def _licence_text(licences: Any) -> str | None:
    for choice in licences if isinstance(licences, list) else []:
        if isinstance(choice, dict):
            if text(choice.get("expression")):
                return text(choice.get("expression"))
            licence = choice.get("license")
            if isinstance(licence, dict):
                return text(licence.get("id")) or text(licence.get("name"))
    return None


def _model_card(
    m: Mapping,
    base: FieldPath,
    card: dict[str, Any],
    refs: dict[Any, tuple[FieldPath, dict[str, Any]]],
) -> None:
    m.use((*base, "bom-ref"))
    params = card.get("modelParameters")
    if isinstance(params, dict):
        _parameters(m, (*base, "modelParameters"), params, refs)
    analysis = card.get("quantitativeAnalysis")
    if isinstance(analysis, dict):
        _metrics(
            m,
            (*base, "quantitativeAnalysis", "performanceMetrics"),
            analysis.get("performanceMetrics"),
        )
    considerations = card.get("considerations")
    if isinstance(considerations, dict):
        _considerations(m, (*base, "considerations"), considerations)
    _properties(m, card.get("properties"), (*base, "properties"))


def _parameters(
    m: Mapping,
    base: FieldPath,
    params: dict[str, Any],
    refs: dict[Any, tuple[FieldPath, dict[str, Any]]],
) -> None:
    m.set(("architecture", "task"), text(params.get("task")), (*base, "task"))
    m.set(
        ("architecture", "architecture_family"),
        text(params.get("architectureFamily")),
        (*base, "architectureFamily"),
    )
    m.set(
        ("architecture", "model_type"),
        text(params.get("modelArchitecture")),
        (*base, "modelArchitecture"),
    )
    for direction in ("inputs", "outputs"):
        for index, item in enumerate(params.get(direction) or []):
            if isinstance(item, dict):
                m.append(
                    ("io", direction),
                    {"format": text(item.get("format"))},
                    (*base, direction, index),
                )
    for index, dataset in enumerate(params.get("datasets") or []):
        if isinstance(dataset, dict):
            _dataset(m, (*base, "datasets", index), dataset, refs)


def _dataset(
    m: Mapping,
    src: FieldPath,
    dataset: dict[str, Any],
    refs: dict[Any, tuple[FieldPath, dict[str, Any]]],
) -> None:
    if "ref" in dataset:
        target = refs.get(dataset["ref"])
        if target is None:
            m.warn(
                f"{pointer(src)}: dataset reference {excerpt(dataset['ref'])} names no component"
            )
            return
        path, component = target
        properties = _property_map(component.get("properties"))
        name = text(component.get("name")) or str(dataset["ref"])
        ref: dict[str, Any] = {
            "id": name,
            "role": _role(m, src, name, properties.get(ROLE_PROPERTY)),
        }
        if text(component.get("version")):
            ref["version"] = text(component.get("version"))
        digest: FieldPath | None = None
        for number_, hash_ in enumerate(component.get("hashes") or []):
            if isinstance(hash_, dict) and hash_.get("alg") == "SHA-256" and digest is None:
                ref["sha256"] = str(hash_.get("content", "")).lower()
                digest = (*path, "hashes", number_)
        index = m.append(("datasets",), ref, src)
        m.use((*path, "name"), (*path, "version"), (*path, "type"), (*path, "bom-ref"))
        if digest is not None:
            m.use(digest)
            m.origin(("datasets", index, "sha256"), digest)
        _mark_properties(m, component.get("properties"), (*path, "properties"), {ROLE_PROPERTY})
        return
    inline_name = text(dataset.get("name"))
    if not inline_name:
        return
    ref = {"id": inline_name, "role": _role(m, src, inline_name, None)}
    m.append(("datasets",), ref, (*src, "name"))
    m.use((*src, "type"))


def _role(m: Mapping, src: FieldPath, name: str, stated: str | None) -> str:
    if stated in ("training", "validation", "testing", "fine_tuning", "retrieval", "calibration"):
        return stated
    role = guess_role(name)
    if role is None:
        m.warn(
            f"{pointer(src)}: the role of dataset {excerpt(name)} is not stated; "
            "recorded as training "
            "(CycloneDX lists the datasets used to train and evaluate without saying which)"
        )
        return "training"
    return role


def _metrics(m: Mapping, base: FieldPath, metrics: Any) -> None:
    for index, metric in enumerate(metrics if isinstance(metrics, list) else []):
        if not isinstance(metric, dict):
            continue
        src: FieldPath = (*base, index)
        value = number(metric.get("value"))
        name = text(metric.get("type"))
        if value is None or name is None:
            m.warn(
                f"{pointer(src)}: metric {name or '(no type)'!s} has no numeric value "
                f"({excerpt(metric.get('value'))}); kept as unmapped"
            )
            continue
        item: dict[str, Any] = {"metric": name, "value": value}
        used: list[FieldPath] = [(*src, "type"), (*src, "value")]
        if text(metric.get("slice")):
            item["slice"] = text(metric.get("slice"))
            used.append((*src, "slice"))
        interval = metric.get("confidenceInterval")
        if isinstance(interval, dict):
            low, high = number(interval.get("lowerBound")), number(interval.get("upperBound"))
            if low is not None and high is not None:
                item["confidence_interval"] = [low, high]
                used.append((*src, "confidenceInterval"))
        row = m.append(("evaluation",), item, src, use=False)
        m.use(*used)
        m.origin(("evaluation", row, "value"), (*src, "value"))


def _considerations(m: Mapping, base: FieldPath, considerations: dict[str, Any]) -> None:
    for index, user in enumerate(considerations.get("users") or []):
        m.append(("intended_purpose", "users"), text(user), (*base, "users", index))
    _joined(
        m, ("intended_purpose", "description"), considerations.get("useCases"), (*base, "useCases")
    )
    for index, item in enumerate(considerations.get("technicalLimitations") or []):
        m.append(
            ("limitations", "known_limitations"), text(item), (*base, "technicalLimitations", index)
        )
    _joined(
        m,
        ("architecture", "design_choices"),
        considerations.get("performanceTradeoffs"),
        (*base, "performanceTradeoffs"),
    )
    for index, risk in enumerate(considerations.get("ethicalConsiderations") or []):
        if isinstance(risk, dict) and text(risk.get("name")):
            item = {"description": text(risk.get("name"))}
            if text(risk.get("mitigationStrategy")):
                item["mitigation"] = text(risk.get("mitigationStrategy"))
            m.append(("limitations", "risks"), item, (*base, "ethicalConsiderations", index))
    for index, assessment in enumerate(considerations.get("fairnessAssessments") or []):
        if isinstance(assessment, dict):
            _fairness(m, (*base, "fairnessAssessments", index), assessment)
    energy = considerations.get("environmentalConsiderations")
    if isinstance(energy, dict):
        _energy(m, (*base, "environmentalConsiderations"), energy)


def _joined(m: Mapping, dst: FieldPath, items: Any, src: FieldPath) -> None:
    """A list of statements kept as one text, paragraph per statement (export splits them again)."""
    values = [(v, (*src, i)) for i, item in enumerate(items or []) if (v := text(item))]
    if values:
        m.set(dst, "\n\n".join(v for v, _ in values), values[0][1])
        m.use(*(path for _, path in values))


def _fairness(m: Mapping, src: FieldPath, assessment: dict[str, Any]) -> None:
    group = text(assessment.get("groupAtRisk"))
    harms = text(assessment.get("harms"))
    if not group and not harms:
        return
    item: dict[str, Any] = {"description": harms or f"Fairness assessment for {group}"}
    used: list[FieldPath] = [(*src, "harms"), (*src, "groupAtRisk")]
    if group:
        item["affected"] = [group]
    if text(assessment.get("mitigationStrategy")):
        item["mitigation"] = text(assessment.get("mitigationStrategy"))
        used.append((*src, "mitigationStrategy"))
    m.append(("limitations", "risks"), item, src, use=False)
    m.use(*used)


def _energy(m: Mapping, base: FieldPath, energy: dict[str, Any]) -> None:
    targets = {"training": "training", "fine-tuning": "fine_tuning"}
    totals: dict[str, float] = {}
    co2 = 0.0
    co2_sources: list[FieldPath] = []
    for index, item in enumerate(energy.get("energyConsumptions") or []):
        if not isinstance(item, dict):
            continue
        src: FieldPath = (*base, "energyConsumptions", index)
        cost = item.get("activityEnergyCost")
        target = targets.get(str(item.get("activity")))
        if target and isinstance(cost, dict) and cost.get("unit") == "kWh":
            value = number(cost.get("value"))
            if value is not None:
                totals[target] = totals.get(target, 0.0) + value
                m.use((*src, "activity"), (*src, "activityEnergyCost"))
                m.origin(("compute_energy", "energy_kwh", target), (*src, "activityEnergyCost"))
        equivalent = item.get("co2CostEquivalent")
        if target and isinstance(equivalent, dict) and equivalent.get("unit") == "tCO2eq":
            value = number(equivalent.get("value"))
            if value is not None:
                co2 += value * 1000
                co2_sources.append((*src, "co2CostEquivalent"))
    for target, value in totals.items():
        m.set(("compute_energy", "energy_kwh", target), value, None)
    if co2_sources:
        m.set(("compute_energy", "co2e_kg"), round(co2, 6), co2_sources[0])
        m.use(*co2_sources)


def _properties(m: Mapping, properties: Any, src: FieldPath) -> None:
    """`govern:<section>` properties (written by our export) restore whole sections of our card.

    Export writes one only for a section CycloneDX cannot carry unchanged, holding the whole
    section; it therefore replaces what was mapped from the BOM's own fields for that section.
    """
    for index, prop in enumerate(properties if isinstance(properties, list) else []):
        if not isinstance(prop, dict):
            continue
        name = str(prop.get("name", ""))
        section = name.removeprefix(PROPERTY_PREFIX)
        if name in (section, ROLE_PROPERTY) or section not in ModelCard.model_fields:
            continue
        try:
            text = str(prop.get("value", ""))
            if json_too_deep(text) is not None:
                raise ValueError("nested too deeply")
            value = json.loads(text)
        except (ValueError, RecursionError):
            m.warn(
                f"{pointer((*src, index))}: property {name} does not hold JSON; kept as unmapped"
            )
            continue
        _unuse_differing(m, section, value, (*src, index))
        m.data.pop(section, None)
        for dst in [d for d in m.origins if d[:1] == (section,)]:
            del m.origins[dst]
        m.set((section,), value, (*src, index))
        m.use((*src, index))


def _unuse_differing(m: Mapping, section: str, value: Any, src: FieldPath) -> None:
    """BOM values the `govern:<section>` property does not say too are kept, not overwritten.

    A BOM edited after its export (or fairness assessments added from reports) may say more than
    the property; those values become unmapped, with a warning, instead of disappearing.
    """
    mapped = {dst: origin for dst, origin in m.origins.items() if dst[:1] == (section,)}
    differing: list[FieldPath] = []
    for dst, origin in mapped.items():
        current = m.peek(dst)
        container = isinstance(current, list) and any(
            other[: len(dst)] == dst and other != dst for other in mapped
        )
        if container or _agrees(current, _lookup(value, dst[1:])):
            continue
        m.used.difference_update([u for u in m.used if u[: len(origin)] == origin])
        differing.append(origin)
    outer = sorted(
        {d for d in differing if not any(o != d and d[: len(o)] == o for o in differing)},
        key=lambda path: [str(part).zfill(8) for part in path],
    )
    if outer:
        shown = ", ".join(pointer(d) for d in outer[:3])
        more = f" and {len(outer) - 3} more" if len(outer) > 3 else ""
        m.warn(
            f"{pointer(src)}: {PROPERTY_PREFIX}{section} (written by govern's export) stands for "
            f"this section; {len(outer)} BOM value(s) it does not contain ({shown}{more}) are "
            "kept as unmapped"
        )


def _lookup(value: Any, path: FieldPath) -> Any:
    for part in path:
        if isinstance(value, dict) and isinstance(part, str):
            value = value.get(part)
        elif isinstance(value, list) and isinstance(part, int) and part < len(value):
            value = value[part]
        else:
            return None
    return value


def _agrees(mapped: Any, stated: Any) -> bool:
    """Whether the property says at least what was mapped from the BOM."""
    if isinstance(mapped, dict):
        return isinstance(stated, dict) and all(
            _agrees(v, stated.get(k)) for k, v in mapped.items()
        )
    if isinstance(mapped, list | tuple):
        return (
            isinstance(stated, list | tuple)
            and len(mapped) == len(stated)
            and all(_agrees(a, b) for a, b in zip(mapped, stated, strict=True))
        )
    return bool(mapped == stated)


def _property_map(properties: Any) -> dict[str, str]:
    return {
        str(p.get("name")): str(p.get("value", ""))
        for p in (properties if isinstance(properties, list) else [])
        if isinstance(p, dict)
    }


def _mark_properties(m: Mapping, properties: Any, src: FieldPath, names: set[str]) -> None:
    for index, prop in enumerate(properties if isinstance(properties, list) else []):
        if isinstance(prop, dict) and prop.get("name") in names:
            m.use((*src, index))


_KINDS = {
    "library": "library",
    "framework": "library",
    "application": "tool",
    "platform": "service",
    "machine-learning-model": "model",
}


def _component_item(component: dict[str, Any], kind: str | None = None) -> dict[str, Any] | None:
    name = text(component.get("name"))
    if not name:
        return None
    item: dict[str, Any] = {
        "name": name,
        "kind": kind or _KINDS.get(str(component.get("type")), "library"),
    }
    if text(component.get("version")):
        item["version"] = text(component.get("version"))
    licence = _licence_text(component.get("licenses"))
    if licence:
        item["licence"] = licence
    source = text(component.get("purl"))
    for ref in component.get("externalReferences") or []:
        if isinstance(ref, dict) and not source:
            source = text(ref.get("url"))
    if source:
        item["source"] = source
    if text(component.get("description")):
        item["integration"] = text(component.get("description"))
    return item


def _other_components(
    m: Mapping, components: list[tuple[FieldPath, dict[str, Any]]], model_path: FieldPath
) -> None:
    """The BOM's other components are the model's dependencies: our card's `components`.

    Data components are datasets (mapped where the model card references them); components nested
    inside the model component are its parts and stay unmapped.
    """
    for path, component in components:
        nested = path[: len(model_path)] == model_path
        if nested or component.get("type") in (_MODEL_TYPE, "data"):
            continue
        item = _component_item(component)
        if item is None:
            continue
        m.append(("components",), item, path, use=False)
        keys = ("type", "name", "version", "licenses", "purl", "description", "bom-ref")
        m.use(*((*path, key) for key in keys))
        if not component.get("purl") and item.get("source"):
            m.use((*path, "externalReferences", 0, "url"), (*path, "externalReferences", 0, "type"))


# ---------------------------------------------------------------------------------------------
# Export


class ExportError(GovernError):
    """The BOM we built does not validate: a bug in govern, reported with the schema's reason."""

    exit_code = 3


def export_bom(
    card: ModelCard,
    datasets: list[DatasetRecord] | None = None,
    fairness: list[FairnessReport] | None = None,
    tool_version: str = "",
    spec_version: str = SPEC_VERSION,
) -> dict[str, Any]:
    """A CycloneDX BOM (1.7, or 1.6 on request) for one model card, its datasets and fairness.

    What CycloneDX has a field for goes there; each section of the card that does not come back
    unchanged when the BOM is imported again also travels whole as a `govern:<section>` property.
    """
    records = {record.id: record for record in datasets or []}
    model_ref = f"model:{slug(card.identity.name or 'model')}"
    data_components = [_data_component(ref, records.get(ref.id)) for ref in card.datasets]
    model_card = _export_card(card, model_ref, data_components, fairness or [])
    model = _export_model(card, model_ref, model_card)
    parts = [
        _export_component(c, i) for i, c in enumerate(card.components) if c.kind != "base_model"
    ]
    bom: dict[str, Any] = {
        "$schema": f"http://cyclonedx.org/schema/bom-{spec_version}.schema.json",
        "bomFormat": "CycloneDX",
        "specVersion": spec_version,
        "version": 1,
        "metadata": {
            "tools": {
                "components": [{"type": "application", "name": "govern", "version": tool_version}]
            }
        },
        "components": [model, *data_components, *parts],
    }
    refs = [c["bom-ref"] for c in (*data_components, *parts)]
    bom["dependencies"] = [{"ref": model_ref, "dependsOn": refs}] + [{"ref": r} for r in refs]
    _carry_rest(bom, card)
    return with_serial_number(bom)


def with_serial_number(bom: dict[str, Any]) -> dict[str, Any]:
    """The BOM with a serial number derived from its content, in the usual key order."""
    body = {key: value for key, value in bom.items() if key != "serialNumber"}
    serial = serial_number(json.dumps(body, sort_keys=True, ensure_ascii=False))
    head = {key: body.pop(key) for key in ("$schema", "bomFormat", "specVersion")}
    return {**head, "serialNumber": serial, **body}


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
_URL = re.compile(r"^[a-z][a-z0-9+.-]*://[^\s]+$", re.IGNORECASE)


def _url(value: str | None) -> str | None:
    return value if value and _URL.match(value) else None


def _licence_choice(licence: str | None, url: str | None = None) -> list[dict[str, Any]]:
    if not licence and not url:
        return []
    if licence and _is_spdx_id(licence):
        entry: dict[str, Any] = {"id": licence}
    elif licence and _is_spdx_expression(licence):
        return [{"expression": licence}]
    else:
        entry = {"name": licence or url}
    if _url(url):
        entry["url"] = url
    return [{"license": entry}]


def _is_spdx_id(value: str) -> bool:
    from cyclonedx.spdx import is_supported_id

    return bool(is_supported_id(value))


def _is_spdx_expression(value: str) -> bool:
    if not re.fullmatch(r"[A-Za-z0-9.+:()\- ]+", value):
        return False
    if not (" AND " in value or " OR " in value or " WITH " in value or "LicenseRef-" in value):
        return False
    from cyclonedx.spdx import is_expression

    return bool(is_expression(value))


def _export_model(card: ModelCard, model_ref: str, model_card: dict[str, Any]) -> dict[str, Any]:
    model: dict[str, Any] = {
        "type": _MODEL_TYPE,
        "bom-ref": model_ref,
        "name": card.identity.name or "unnamed model",
    }
    if card.identity.version:
        model["version"] = card.identity.version
    provider = card.provider
    if provider.name:
        entity: dict[str, Any] = {"name": provider.name}
        if _url(provider.website):
            entity["url"] = [provider.website]
        if provider.contact and _EMAIL.match(provider.contact):
            entity["contact"] = [{"email": provider.contact}]
        model["manufacturer"] = entity
    licences = _licence_choice(card.licence.id, card.licence.url)
    if licences:
        model["licenses"] = licences
    references = []
    for kind, value in (
        ("vcs", card.identity.repository),
        ("documentation", card.instructions.instructions_for_use),
        ("support", card.feedback.contact),
    ):
        if _url(value):
            references.append({"type": kind, "url": value})
    if references:
        model["externalReferences"] = references
    ancestors = [
        {**_export_component(c, i), "type": _MODEL_TYPE}
        for i, c in enumerate(card.components)
        if c.kind == "base_model"
    ]
    if ancestors:
        model["pedigree"] = {"ancestors": ancestors}
    model["modelCard"] = model_card
    return model


def _export_component(component: Any, index: int) -> dict[str, Any]:
    kinds = {
        "library": "library",
        "tool": "application",
        "model": _MODEL_TYPE,
        "service": "platform",
    }
    item: dict[str, Any] = {
        "type": kinds.get(component.kind, "library"),
        "bom-ref": f"component:{slug(component.name)}:{index}",
        "name": component.name,
    }
    if component.version:
        item["version"] = component.version
    if component.integration:
        item["description"] = component.integration
    licences = _licence_choice(component.licence)
    if licences:
        item["licenses"] = licences
    source = component.source or ""
    if source.startswith("pkg:"):
        item["purl"] = source
    elif _url(source):
        item["externalReferences"] = [{"type": "website", "url": source}]
    return item


def _data_component(ref: Any, record: DatasetRecord | None) -> dict[str, Any]:
    component: dict[str, Any] = {
        "type": "data",
        "bom-ref": f"data:{slug(ref.id)}:{ref.role}",
        "name": ref.id,
    }
    version = ref.version or (record.version if record else None)
    if version:
        component["version"] = version
    if ref.sha256:
        component["hashes"] = [{"alg": "SHA-256", "content": ref.sha256}]
    component["properties"] = [{"name": ROLE_PROPERTY, "value": ref.role}]
    if record is None:
        return component
    if record.description:
        component["description"] = record.description
    licences = _licence_choice(record.rights.licence)
    if licences:
        component["licenses"] = licences
    data: dict[str, Any] = {"type": "dataset", "name": record.name or record.id}
    if record.description:
        data["description"] = record.description
    urls = [f.path for f in record.files if _url(f.path)]
    if urls:
        data["contents"] = {"url": urls[0]}
    sensitive = [*record.personal_data.categories, *record.personal_data.special_categories]
    if sensitive:
        data["sensitiveData"] = sensitive
    if record.publisher:
        data["governance"] = {"owners": [{"organization": {"name": record.publisher}}]}
    component["data"] = [data]
    return component


def _export_card(
    card: ModelCard,
    model_ref: str,
    data_components: list[dict[str, Any]],
    fairness: list[FairnessReport],
) -> dict[str, Any]:
    params: dict[str, Any] = {}
    for key, value in (
        ("task", card.architecture.task),
        ("architectureFamily", card.architecture.architecture_family),
        ("modelArchitecture", card.architecture.model_type),
    ):
        if value:
            params[key] = value
    if data_components:
        params["datasets"] = [{"ref": c["bom-ref"]} for c in data_components]
    for direction in ("inputs", "outputs"):
        items = [{"format": i.format} for i in getattr(card.io, direction) if i.format]
        if items:
            params[direction] = items
    metrics = [_metric(e.metric, e.value, e.slice, e.confidence_interval) for e in card.evaluation]
    for report in fairness:
        metrics.extend(_group_metrics(report))
    considerations = _export_considerations(card, fairness)
    model_card: dict[str, Any] = {"bom-ref": f"{model_ref}:card"}
    if params:
        model_card["modelParameters"] = params
    if metrics:
        model_card["quantitativeAnalysis"] = {"performanceMetrics": metrics}
    if considerations:
        model_card["considerations"] = considerations
    return model_card


def _metric(
    name: str, value: float, slice_: str | None, interval: tuple[float, float] | None
) -> dict[str, Any]:
    metric: dict[str, Any] = {"type": name, "value": _num(value)}
    if slice_:
        metric["slice"] = slice_
    if interval:
        metric["confidenceInterval"] = {
            "lowerBound": _num(interval[0]),
            "upperBound": _num(interval[1]),
        }
    return metric


def _num(value: float) -> str:
    return repr(float(value))


def _paragraphs(value: str | None) -> list[str]:
    return [p.strip() for p in (value or "").split("\n\n") if p.strip()]


def _export_considerations(card: ModelCard, fairness: list[FairnessReport]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    lists = (
        ("users", card.intended_purpose.users),
        ("useCases", _paragraphs(card.intended_purpose.description)),
        ("technicalLimitations", card.limitations.known_limitations),
        ("performanceTradeoffs", _paragraphs(card.architecture.design_choices)),
    )
    for key, values in lists:
        if values:
            out[key] = list(values)
    ethical = [
        {"name": r.description, **({"mitigationStrategy": r.mitigation} if r.mitigation else {})}
        for r in card.limitations.risks
        if not r.affected
    ]
    if ethical:
        out["ethicalConsiderations"] = ethical
    assessments = [
        {
            "groupAtRisk": ", ".join(r.affected),
            "harms": r.description,
            **({"mitigationStrategy": r.mitigation} if r.mitigation else {}),
        }
        for r in card.limitations.risks
        if r.affected
    ]
    for report in fairness:
        assessments.extend(_fairness_assessments(report))
    if assessments:
        out["fairnessAssessments"] = assessments
    energy = _energy_consumptions(card)
    if energy:
        out["environmentalConsiderations"] = {"energyConsumptions": energy}
    return out


def _energy_consumptions(card: ModelCard) -> list[dict[str, Any]]:
    compute = card.compute_energy
    kwh = compute.energy_kwh
    items = []
    for activity, value in (
        ("training", kwh.training if kwh else None),
        ("fine-tuning", kwh.fine_tuning if kwh else None),
    ):
        if value is None:
            continue
        item: dict[str, Any] = {
            "activity": activity,
            "energyProviders": [
                {
                    "organization": {"name": compute.region or "not stated"},
                    "energySource": "unknown",
                    "energyProvided": {"value": value, "unit": "kWh"},
                }
            ],
            "activityEnergyCost": {"value": value, "unit": "kWh"},
        }
        if activity == "training" and compute.co2e_kg is not None:
            item["co2CostEquivalent"] = {"value": compute.co2e_kg / 1000, "unit": "tCO2eq"}
        items.append(item)
    return items


def _group_metrics(report: FairnessReport) -> list[dict[str, Any]]:
    """Per-group metrics as sliced performance metrics (`slice`: `sex=F`)."""
    metrics = []
    for feature in report.features:
        for group in feature.groups:
            for name, value in group.metrics.items():
                if value.value is None:
                    continue
                interval = None
                if value.ci and value.ci.lower is not None and value.ci.upper is not None:
                    interval = (value.ci.lower, value.ci.upper)
                metrics.append(
                    _metric(name, value.value, f"{feature.name}={group.group}", interval)
                )
    return metrics


def _fairness_assessments(report: FairnessReport) -> list[dict[str, Any]]:
    """One assessment per group (its metrics against the overall ones) and one per feature."""
    level = f"{report.parameters.ci_level:.0%}"
    out = []
    for feature in report.features:
        for group in feature.groups:
            parts = []
            for name, value in group.metrics.items():
                if value.value is None:
                    continue
                overall = report.overall.get(name)
                against = (
                    f" (overall {overall.value:.4g})"
                    if overall and overall.value is not None
                    else ""
                )
                parts.append(f"{name} {value.value:.4g}{against}")
            note = f"n={group.count}" + (", small group: results uncertain" if group.small else "")
            out.append(
                {
                    "groupAtRisk": f"{feature.name}={group.group}",
                    "harms": f"{'; '.join(parts)} ({note})",
                }
            )
        disparities = []
        for name, disparity in feature.disparities.items():
            for method in ("between_groups", "to_overall"):
                value = getattr(disparity, method)
                if value is None or value.value is None:
                    continue
                ci = ""
                if value.ci and value.ci.lower is not None and value.ci.upper is not None:
                    ci = f" ({level} CI {value.ci.lower:.4g} to {value.ci.upper:.4g})"
                disparities.append(f"{name} {method.replace('_', ' ')} {value.value:.4g}{ci}")
        if disparities:
            groups = ", ".join(g.group for g in feature.groups)
            out.append(
                {
                    "groupAtRisk": f"{feature.name}: {groups}",
                    "harms": "Disparities: " + "; ".join(disparities),
                }
            )
    return out


def _carry_rest(bom: dict[str, Any], card: ModelCard) -> None:
    """Add a `govern:<section>` property for each section the BOM alone would not give back."""
    again = _reimport(bom)
    original = card.model_dump(mode="json", by_alias=True)
    restored = again.model_dump(mode="json", by_alias=True) if again else {}
    properties = []
    for section, value in original.items():
        if section == "schema_version" or value == restored.get(section):
            continue
        default = ModelCard.model_fields[section].get_default(call_default_factory=True)
        dumped_default = (
            default.model_dump(mode="json", by_alias=True)
            if hasattr(default, "model_dump")
            else default
        )
        if value == dumped_default and restored.get(section) == dumped_default:
            continue
        properties.append(
            {"name": f"{PROPERTY_PREFIX}{section}", "value": json.dumps(value, ensure_ascii=False)}
        )
    if properties:
        bom["components"][0]["modelCard"]["properties"] = properties


def _reimport(bom: dict[str, Any]) -> ModelCard | None:
    text_ = json.dumps(bom)
    document = parse_document(
        text_, text_.encode("utf-8"), Path("export.cdx.json"), "export", "json"
    )
    try:
        result = CycloneDXModelCard().load(document)
    except InputError:
        return None
    model = result.model
    assert isinstance(model, ModelCard)
    return model


def validate_bom(bom: dict[str, Any]) -> list[str]:
    """Schema errors of a BOM against the strict JSON schema of its own specVersion (1.6 or 1.7,
    cyclonedx-python-lib's); any other version is validated as 1.7."""
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator

    version = SchemaVersion.V1_6 if bom.get("specVersion") == "1.6" else SchemaVersion.V1_7
    validator = JsonStrictValidator(version)
    errors = validator.validate_str(json.dumps(bom), all_errors=True)
    if errors is None:
        return []
    messages = []
    for error in errors:
        inner = getattr(error, "data", None)
        where = "/".join(str(p) for p in getattr(inner, "absolute_path", []))
        reason = getattr(inner, "message", str(error))
        messages.append(f"/{where}: {reason}")
    return messages


def serial_number(payload: str) -> str:
    """A stable urn:uuid for the same content, so an unchanged card exports the same bytes."""
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'govern:' + payload)}"
