"""SPDX 3.0 JSON-LD: an AI package as a model card, a dataset package as a dataset record."""

# A document holds a graph of elements; the package chosen (the first, or `select` by spdxId or
# name) is mapped together with the relationships that start from it (trainedOn, testedOn,
# dependsOn, hasDeclaredLicense...). Other elements are context, not fields of the card, and are not
# listed as unmapped; other packages of the same kind are.

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from govern.errors import InputError
from govern.evidence.dataset import DatasetRecord
from govern.evidence.model_card import ModelCard
from govern.load.containment import excerpt
from govern.load.documents import FieldPath, SourceDocument, parse_document
from govern.load.importers.interface import ImportResult, Kind
from govern.load.importers.mapping import Mapping, date, integer, number, pointer, slug, text, texts
from govern.load.importers.result import finish
from govern.load.importers.shape import Rule, check_shape

_SIGNATURE = re.compile(r"spdx\.org/rdf/3\.")
_ROLE_RELATIONSHIPS = {"trainedOn": "training", "testedOn": "testing"}
# Elements are objects; the lists read below are lists in the SPDX 3 JSON-LD serialisation.
_SHAPE: tuple[Rule, ...] = (
    ("@graph.*", dict),
    ("@graph.*.externalIdentifier", list),
    ("@graph.*.externalIdentifier.*", dict),
    ("@graph.*.verifiedUsing", list),
    ("@graph.*.verifiedUsing.*", dict),
    ("@graph.*.originatedBy", (list, str)),
    ("@graph.*.to", (list, str)),
    ("@graph.*.ai_hyperparameter", list),
    ("@graph.*.ai_metric", list),
    ("@graph.*.ai_metricDecisionThreshold", list),
    ("@graph.*.ai_energyConsumption", dict),
    ("@graph.*.dataset_sensor", list),
)


class _Graph:
    """The elements of an SPDX 3 document, indexed by spdxId."""

    def __init__(self, data: dict[str, Any]) -> None:
        graph = data.get("@graph")
        self.items: list[dict[str, Any]] = (
            [e for e in graph if isinstance(e, dict)] if isinstance(graph, list) else []
        )
        self.index: dict[str, int] = {}
        for position, element in enumerate(graph if isinstance(graph, list) else []):
            if isinstance(element, dict) and (ident := _id(element)):
                self.index[ident] = position
        self.raw: list[Any] = graph if isinstance(graph, list) else []

    def of_type(self, suffix: str) -> list[tuple[int, dict[str, Any]]]:
        return [
            (i, e)
            for i, e in enumerate(self.raw)
            if isinstance(e, dict) and _type(e).split("_")[-1].split("/")[-1] == suffix
        ]

    def get(self, ident: Any) -> dict[str, Any] | None:
        if isinstance(ident, dict):
            return ident
        position = self.index.get(str(ident))
        if position is None:
            return None
        element = self.raw[position]
        return element if isinstance(element, dict) else None

    def name(self, ident: Any) -> str | None:
        element = self.get(ident)
        if element is not None and text(element.get("name")):
            return text(element.get("name"))
        if isinstance(ident, str):
            return ident.rstrip("/").rsplit("/", 1)[-1] or None
        return None

    def relationships(self, source: str) -> list[tuple[int, dict[str, Any]]]:
        return [
            (i, e)
            for i, e in enumerate(self.raw)
            if isinstance(e, dict) and _type(e).endswith("Relationship") and e.get("from") == source
        ]

    def pointing_at(self, target: str) -> list[tuple[int, dict[str, Any]]]:
        return [
            (i, e)
            for i, e in enumerate(self.raw)
            if isinstance(e, dict) and _type(e).endswith("Relationship") and target in _targets(e)
        ]


def _type(element: dict[str, Any]) -> str:
    return str(element.get("type") or element.get("@type") or "")


def _id(element: dict[str, Any]) -> str | None:
    value = element.get("spdxId") or element.get("@id")
    return str(value) if value else None


def _targets(relationship: dict[str, Any]) -> list[Any]:
    return _many(relationship.get("to"))


def _many(value: Any) -> list[Any]:
    """A JSON-LD value that may be one item or a list of them, as a list."""
    return value if isinstance(value, list) else [value] if value else []


class _Spdx3:
    name = "spdx3"
    package_type = ""

    def detect(self, path: Path, text_: str) -> bool:
        return bool(_SIGNATURE.search(text_)) and '"@graph"' in text_ and self.package_type in text_

    def read(self, path: Path, display: str, raw: bytes, text_: str) -> SourceDocument:
        document = parse_document(text_, raw, path, display, fmt="json")
        if not isinstance(document.data, dict) or not isinstance(document.data.get("@graph"), list):
            raise InputError.single(display, 'not an SPDX 3 JSON-LD document (no "@graph" list)')
        check_shape(document, _SHAPE)
        return document

    def _choose(
        self, graph: _Graph, select: str | None, display: str
    ) -> tuple[int, dict[str, Any], list[tuple[int, dict[str, Any]]]]:
        packages = graph.of_type(self.package_type)
        if not packages:
            raise InputError.single(
                display, f"no {self.package_type} element in this SPDX document"
            )
        if select is None:
            position, element = packages[0]
            return position, element, packages
        for position, element in packages:
            if select in (_id(element), element.get("name")):
                return position, element, packages
        names = ", ".join(repr(e.get("name") or _id(e)) for _, e in packages)
        raise InputError.single(
            display, f"no {self.package_type} named {excerpt(select)}; the document has {names}"
        )

    def _scope(
        self,
        m: Mapping,
        graph: _Graph,
        position: int,
        element: dict[str, Any],
        packages: list[tuple[int, dict[str, Any]]],
    ) -> list[tuple[int, dict[str, Any]]]:
        """Limit `unmapped` to this package, its relationships and the other packages."""
        ident = _id(element) or ""
        relationships = graph.relationships(ident)
        keep = {position, *(i for i, _ in relationships), *(i for i, _ in packages)}
        m.use(("@context",))
        for other in range(len(graph.raw)):
            if other not in keep:
                m.use(("@graph", other))
        base: FieldPath = ("@graph", position)
        m.use((*base, "type"), (*base, "@type"), (*base, "creationInfo"))
        if len(packages) > 1:
            others = ", ".join(repr(e.get("name") or _id(e)) for i, e in packages if i != position)
            m.warn(
                f"the document has several {self.package_type} elements; imported "
                f"{excerpt(element.get('name') or ident)} (choose another with --select: {others})"
            )
        for relationship_position, _ in relationships:
            m.use(
                ("@graph", relationship_position, "type"),
                ("@graph", relationship_position, "@type"),
                ("@graph", relationship_position, "spdxId"),
                ("@graph", relationship_position, "creationInfo"),
                ("@graph", relationship_position, "from"),
            )
        return relationships


def _agent(graph: _Graph, ident: Any) -> tuple[str | None, str | None]:
    """(name, e-mail) of a Person/Organization/Agent element."""
    element = graph.get(ident)
    if element is None:
        return (graph.name(ident), None)
    email = None
    for external in element.get("externalIdentifier") or []:
        if isinstance(external, dict) and external.get("externalIdentifierType") == "email":
            email = text(external.get("identifier"))
    return text(element.get("name")), email


def _licence(graph: _Graph, ident: Any) -> str | None:
    element = graph.get(ident)
    if element is None:
        return graph.name(ident)
    for key in ("simplelicensing_licenseExpression", "licenseExpression"):
        if text(element.get(key)):
            return text(element.get(key))
    return text(element.get("name")) or text(element.get("simplelicensing_licenseText"))


def _dictionary(value: Any) -> list[tuple[int, str, Any]]:
    """DictionaryEntry lists as (index, key, value)."""
    entries = []
    for index, entry in enumerate(value if isinstance(value, list) else []):
        if isinstance(entry, dict) and text(entry.get("key")):
            entries.append((index, str(text(entry.get("key"))), entry.get("value")))
    return entries


# ---------------------------------------------------------------------------------------------
# AI packages


class Spdx3AIPackage(_Spdx3):
    kind: Kind = "model_card"
    title = "SPDX 3 AI package (ai_AIPackage)"
    package_type = "AIPackage"

    def load(self, document: SourceDocument, select: str | None = None) -> ImportResult:
        graph = _Graph(document.data)
        m = Mapping(document.data)
        position, element, packages = self._choose(graph, select, document.display)
        relationships = self._scope(m, graph, position, element, packages)
        base: FieldPath = ("@graph", position)
        _package_identity(m, graph, base, element)
        _ai_fields(m, base, element)
        _model_relationships(m, graph, relationships)
        return finish(m, ModelCard, document, self.name, subject=text(element.get("name")))


def _package_identity(m: Mapping, graph: _Graph, base: FieldPath, element: dict[str, Any]) -> None:
    m.set(("identity", "name"), text(element.get("name")), (*base, "name"))
    m.set(
        ("identity", "version"),
        text(element.get("software_packageVersion")),
        (*base, "software_packageVersion"),
    )
    key = "spdxId" if element.get("spdxId") else "@id"
    m.set(("identity", "model_id"), text(element.get(key)), (*base, key))
    released = date(element.get("releaseTime"))
    if released:
        m.set(("identity", "release_date"), released, (*base, "releaseTime"))
        m.set(("release", "date"), released, (*base, "releaseTime"))
    supplier = element.get("suppliedBy")
    if supplier:
        name, email = _agent(graph, supplier)
        m.set(("provider", "name"), name, (*base, "suppliedBy"))
        m.set(("provider", "contact"), email, (*base, "suppliedBy"))
    location = text(element.get("software_downloadLocation"))
    if location:
        m.append(("runtime", "distribution"), location, (*base, "software_downloadLocation"))


def _ai_fields(m: Mapping, base: FieldPath, element: dict[str, Any]) -> None:
    def get(key: str) -> Any:
        return element.get(f"ai_{key}", element.get(key))

    def src(key: str) -> FieldPath:
        return (*base, f"ai_{key}" if f"ai_{key}" in element else key)

    domains = texts(get("domain"))
    if domains:
        m.set(("intended_purpose", "deployment_context"), "; ".join(domains), src("domain"))
    m.set(
        ("intended_purpose", "description"),
        text(get("informationAboutApplication")),
        src("informationAboutApplication"),
    )
    m.set(
        ("training", "method"),
        text(get("informationAboutTraining")),
        src("informationAboutTraining"),
    )
    steps = texts(get("modelDataPreprocessing"))
    if steps:
        m.set(("training", "preprocessing"), "\n".join(steps), src("modelDataPreprocessing"))
    types = texts(get("typeOfModel"))
    if types:
        m.set(("architecture", "model_type"), "; ".join(types), src("typeOfModel"))
    for item in texts(get("limitation")):
        m.append(("limitations", "known_limitations"), item, src("limitation"))
    for item in texts(get("modelExplainability")):
        m.append(("explainability", "methods"), item, src("modelExplainability"))
    for item in texts(get("standardCompliance")):
        m.append(("conformity", "standards"), item, src("standardCompliance"))
    params: dict[str, Any] = {}
    for index, key, value in _dictionary(get("hyperparameter")):
        params[key] = value
        m.use((*src("hyperparameter"), index))
    if params:
        m.set(("training", "hyperparameters"), params, None)
        m.origin(("training", "hyperparameters"), src("hyperparameter"))
    thresholds = {
        key: (index, value) for index, key, value in _dictionary(get("metricDecisionThreshold"))
    }
    for index, key, value in _dictionary(get("metric")):
        parsed = number(value)
        entry_src: FieldPath = (*src("metric"), index)
        if parsed is None:
            m.warn(
                f"{pointer(entry_src)}: metric {excerpt(key)} is not a single number; "
                "kept as unmapped"
            )
            continue
        result: dict[str, Any] = {"metric": key, "value": parsed}
        if key in thresholds and (limit := number(thresholds[key][1])) is not None:
            result["threshold"] = limit
            m.use((*src("metricDecisionThreshold"), thresholds[key][0]))
        m.append(("evaluation",), result, entry_src)
    _energy(m, src("energyConsumption"), get("energyConsumption"))


def _energy(m: Mapping, src: FieldPath, value: Any) -> None:
    if not isinstance(value, dict):
        return
    for key, target in (
        ("ai_trainingEnergyConsumption", "training"),
        ("ai_finetuningEnergyConsumption", "fine_tuning"),
    ):
        total = 0.0
        found = False
        for index, item in enumerate(value.get(key) or []):
            if not isinstance(item, dict):
                continue
            quantity = number(item.get("ai_energyQuantity"))
            unit = item.get("ai_energyUnit")
            if quantity is None or unit not in ("kilowattHour", "megajoule"):
                continue
            total += quantity if unit == "kilowattHour" else quantity / 3.6
            found = True
            m.use((*src, key, index))
        if found:
            m.set(("compute_energy", "energy_kwh", target), total, None)
            m.origin(("compute_energy", "energy_kwh", target), (*src, key))


def _model_relationships(
    m: Mapping, graph: _Graph, relationships: list[tuple[int, dict[str, Any]]]
) -> None:
    for position, relationship in relationships:
        kind = str(relationship.get("relationshipType", ""))
        src: FieldPath = ("@graph", position)
        targets = _targets(relationship)
        if kind in _ROLE_RELATIONSHIPS:
            for index, target in enumerate(targets):
                ref = {"id": graph.name(target), "role": _ROLE_RELATIONSHIPS[kind]}
                m.append(("datasets",), ref, (*src, "to", index))
        elif kind == "dependsOn":
            for index, target in enumerate(targets):
                element = graph.get(target) or {}
                item: dict[str, Any] = {"name": graph.name(target), "kind": "library"}
                if text(element.get("software_packageVersion")):
                    item["version"] = text(element.get("software_packageVersion"))
                if text(element.get("software_downloadLocation")):
                    item["source"] = text(element.get("software_downloadLocation"))
                m.append(("components",), item, (*src, "to", index))
        elif kind == "descendantOf":
            for index, target in enumerate(targets):
                m.append(
                    ("components",),
                    {"name": graph.name(target), "kind": "base_model"},
                    (*src, "to", index),
                )
        elif kind in ("hasDeclaredLicense", "hasConcludedLicense") and targets:
            if kind == "hasConcludedLicense" and m.peek(("licence", "id")) is not None:
                m.use((*src, "to"))
            else:
                m.set(("licence", "id"), _licence(graph, targets[0]), (*src, "to"))
        else:
            continue
        m.use((*src, "relationshipType"))


# ---------------------------------------------------------------------------------------------
# Dataset packages


class Spdx3DatasetPackage(_Spdx3):
    kind: Kind = "dataset"
    title = "SPDX 3 dataset package (dataset_DatasetPackage)"
    package_type = "DatasetPackage"

    def load(self, document: SourceDocument, select: str | None = None) -> ImportResult:
        graph = _Graph(document.data)
        m = Mapping(document.data)
        position, element, packages = self._choose(graph, select, document.display)
        relationships = self._scope(m, graph, position, element, packages)
        base: FieldPath = ("@graph", position)
        name = text(element.get("name"))
        dataset_id = slug(name or _id(element) or document.path.stem)
        m.set(("id",), dataset_id, None)
        m.set(("name",), name, (*base, "name"))
        m.use((*base, "spdxId"), (*base, "@id"))
        _dataset_fields(m, graph, base, element)
        _dataset_relationships(m, graph, relationships)
        for _, relationship in graph.pointing_at(_id(element) or ""):
            role = _ROLE_RELATIONSHIPS.get(str(relationship.get("relationshipType")))
            if role and role not in (m.peek(("roles",)) or []):
                m.append(("roles",), role, None)
        return finish(m, DatasetRecord, document, self.name, subject=dataset_id)


def _dataset_fields(m: Mapping, graph: _Graph, base: FieldPath, element: dict[str, Any]) -> None:
    def get(key: str) -> Any:
        return element.get(f"dataset_{key}", element.get(key))

    def src(key: str) -> FieldPath:
        return (*base, f"dataset_{key}" if f"dataset_{key}" in element else key)

    m.set(
        ("version",),
        text(element.get("software_packageVersion")),
        (*base, "software_packageVersion"),
    )
    for key in ("description", "summary", "comment"):
        if m.set_default(("description",), text(element.get(key)), (*base, key)):
            break
    for key in ("releaseTime", "builtTime"):
        if (when := date(element.get(key))) and m.set_default(("published",), when, (*base, key)):
            break
    creators = [_agent(graph, c)[0] for c in _many(element.get("originatedBy"))]
    names = [n for n in creators if n]
    if names:
        m.set(("publisher",), "; ".join(names), (*base, "originatedBy"))
    elif element.get("suppliedBy"):
        m.set(("publisher",), _agent(graph, element.get("suppliedBy"))[0], (*base, "suppliedBy"))
    m.set(
        ("origin", "collection_method"),
        text(get("dataCollectionProcess")),
        src("dataCollectionProcess"),
    )
    for index, key, value in _dictionary(get("sensor")):
        m.append(("origin", "collection_type"), f"sensor {key}: {value}", (*src("sensor"), index))
    for index, step in enumerate(texts(get("dataPreprocessing"))):
        item = {"step": f"preprocessing step {index + 1}", "description": step}
        m.append(("preparation",), item, (*src("dataPreprocessing"), index))
    m.set(("size", "bytes"), integer(get("datasetSize")), src("datasetSize"))
    for use in texts(get("intendedUse")):
        m.append(("uses", "intended"), use, src("intendedUse"))
    for bias in texts(get("knownBias")):
        m.append(("bias_examination", "findings"), bias, src("knownBias"))
    sensitive = text(get("hasSensitivePersonalInformation"))
    if sensitive in ("yes", "no"):
        m.set(
            ("personal_data", "contains_personal_data"),
            sensitive == "yes",
            src("hasSensitivePersonalInformation"),
        )
    methods = texts(get("anonymizationMethodUsed"))
    if methods:
        m.set(
            ("personal_data", "anonymisation"), "; ".join(methods), src("anonymizationMethodUsed")
        )
    m.set(
        ("maintenance", "update_policy"),
        text(get("datasetUpdateMechanism")),
        src("datasetUpdateMechanism"),
    )
    location = text(element.get("software_downloadLocation"))
    for index, digest in enumerate(element.get("verifiedUsing") or []):
        if isinstance(digest, dict) and str(digest.get("algorithm")).lower() == "sha256":
            item = {
                "path": location or str(element.get("name")),
                "sha256": str(digest.get("hashValue", "")).lower(),
            }
            m.append(("files",), item, (*base, "verifiedUsing", index))


def _dataset_relationships(
    m: Mapping, graph: _Graph, relationships: list[tuple[int, dict[str, Any]]]
) -> None:
    for position, relationship in relationships:
        kind = str(relationship.get("relationshipType", ""))
        src: FieldPath = ("@graph", position)
        targets = _targets(relationship)
        if kind in ("hasDeclaredLicense", "hasConcludedLicense") and targets:
            if kind == "hasConcludedLicense" and m.peek(("rights", "licence")) is not None:
                m.use((*src, "to"))
            else:
                m.set(("rights", "licence"), _licence(graph, targets[0]), (*src, "to"))
            m.use((*src, "relationshipType"))
