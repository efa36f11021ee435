"""Croissant 1.0/1.1 JSON-LD dataset descriptions, with the RAI vocabulary and PROV-O provenance."""

# Keys are matched by meaning, not spelling: `rai:dataBiases`, a full
# `http://mlcommons.org/croissant/RAI/dataBiases` IRI, or any prefix the file's own `@context` binds
# to the same namespace. The `@context` is read from the file only; its URLs are never fetched.

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from govern.errors import InputError
from govern.evidence.dataset import DatasetRecord
from govern.load.containment import excerpt
from govern.load.documents import FieldPath, SourceDocument, parse_document
from govern.load.importers.interface import ImportResult, Kind
from govern.load.importers.mapping import Mapping, date, integer, pointer, slug, text
from govern.load.importers.result import finish
from govern.load.importers.shape import Rule, check_shape

SCHEMA = "https://schema.org/"
CROISSANT = "http://mlcommons.org/croissant/"
RAI = "http://mlcommons.org/croissant/RAI/"
PROV = "http://www.w3.org/ns/prov#"
DCT = "http://purl.org/dc/terms/"
_DEFAULT_PREFIXES = {
    "sc": SCHEMA,
    "schema": SCHEMA,
    "cr": CROISSANT,
    "rai": RAI,
    "prov": PROV,
    "dct": DCT,
}
_SIGNATURE = re.compile(r"mlcommons\.org/croissant")
_SHA256 = re.compile(r"^[0-9a-fA-F]{64}$")
_SIZE = re.compile(r"^\s*(\d+)\s*(B|bytes?)?\s*$", re.IGNORECASE)
# The JSON-LD structure Croissant files are written in (keys as the spec writes them).
_SHAPE: tuple[Rule, ...] = (
    ("@context", (dict, list, str)),
    ("@type", (str, list)),
    ("distribution", (list, dict)),
    ("distribution.*", dict),
    ("recordSet", (list, dict)),
    ("recordSet.*", dict),
)


def _canonical(iri: str) -> str:
    """schema.org is written with http and https alike; treat them as one namespace."""
    return (
        SCHEMA + iri[len("http://schema.org/") :] if iri.startswith("http://schema.org/") else iri
    )


class _Context:
    """Expands the keys of one Croissant document to full IRIs using its own @context."""

    def __init__(self, context: Any) -> None:
        self.prefixes = dict(_DEFAULT_PREFIXES)
        self.terms: dict[str, str] = {}
        self.vocab = SCHEMA
        for item in context if isinstance(context, list) else [context]:
            if not isinstance(item, dict):
                continue  # a remote context URL: never fetched
            for key, value in item.items():
                target = value.get("@id") if isinstance(value, dict) else value
                if key == "@vocab" and isinstance(value, str):
                    self.vocab = value
                elif isinstance(target, str) and not key.startswith("@"):
                    if target.endswith(("/", "#")) and ":" not in key:
                        self.prefixes[key] = target
                    else:
                        self.terms[key] = target

    def expand(self, key: str) -> str:
        if key.startswith("@"):
            return key
        if key in self.terms:
            key = self.terms[key]
        if "://" in key:
            return _canonical(key)
        prefix, sep, local = key.partition(":")
        if sep and prefix in self.prefixes:
            return _canonical(self.prefixes[prefix] + local)
        return _canonical(self.vocab + key)


class Croissant:
    name = "croissant"
    kind: Kind = "dataset"
    title = "Croissant JSON-LD (with RAI and PROV-O)"

    def detect(self, path: Path, text_: str) -> bool:
        return '"@context"' in text_ and bool(_SIGNATURE.search(text_))

    def read(self, path: Path, display: str, raw: bytes, text_: str) -> SourceDocument:
        document = parse_document(text_, raw, path, display, fmt="json")
        data = document.data
        if not isinstance(data, dict):
            raise InputError.single(
                display, "a Croissant file is one JSON-LD object (a Dataset)", 1, 1
            )
        if "@context" not in data:
            raise InputError.single(
                display, 'not a Croissant file: no JSON-LD "@context"', 1, 1, "@context"
            )
        check_shape(document, _SHAPE)
        context = _Context(data["@context"])
        declared = data.get("@type")
        types = [
            context.expand(t)
            for t in (declared if isinstance(declared, list) else [declared])
            if isinstance(t, str)
        ]
        if SCHEMA + "Dataset" not in types and not _SIGNATURE.search(text_):
            position = document.locate(("@type",))
            raise InputError.single(
                display,
                "not a Croissant file: its @type is not a schema.org Dataset and it does not use "
                "the Croissant vocabulary",
                position.line,
                position.column,
                "@type",
            )
        return document

    def load(self, document: SourceDocument, select: str | None = None) -> ImportResult:
        data: dict[str, Any] = document.data
        context = _Context(data.get("@context"))
        fields = {context.expand(k): k for k in data}
        m = Mapping(data)
        m.use(("@context",), ("@type",), ("@id",))
        conforms = fields.get(DCT + "conformsTo")
        if conforms:
            m.use((conforms,))

        def key(iri: str) -> str | None:
            return fields.get(iri)

        def value(iri: str) -> Any:
            found = key(iri)
            return data.get(found) if found else None

        def src(iri: str) -> FieldPath:
            return (key(iri) or iri,)

        name = _plain(value(SCHEMA + "name"))
        dataset_id = slug(name or document.path.stem)
        m.set(("id",), dataset_id, None)
        m.set(("name",), name, src(SCHEMA + "name"))
        m.set(("description",), _plain(value(SCHEMA + "description")), src(SCHEMA + "description"))
        m.set(("version",), _plain(value(SCHEMA + "version")), src(SCHEMA + "version"))
        m.set(
            ("published",),
            date(_plain(value(SCHEMA + "datePublished"))),
            src(SCHEMA + "datePublished"),
        )
        for iri in (SCHEMA + "publisher", SCHEMA + "creator"):
            names = _names(value(iri))
            if names and m.set_default(("publisher",), "; ".join(names), src(iri)):
                break
        licences = _names(value(SCHEMA + "license"))
        if licences:
            m.set(("rights", "licence"), "; ".join(licences), src(SCHEMA + "license"))
        usage = _names(value(SCHEMA + "usageInfo"))
        if usage:
            m.set(("rights", "restrictions"), "; ".join(usage), src(SCHEMA + "usageInfo"))
        _distribution(m, value(SCHEMA + "distribution"), src(SCHEMA + "distribution"), context)
        _rai(m, data, fields)
        _provenance(m, data, fields)
        live = value(CROISSANT + "isLiveDataset")
        if live is True and m.peek(("maintenance", "update_policy")) is None:
            m.set(
                ("maintenance", "update_policy"),
                "Live dataset: updated continuously (Croissant isLiveDataset)",
                src(CROISSANT + "isLiveDataset"),
            )
        return finish(m, DatasetRecord, document, self.name, subject=dataset_id)


def _plain(value: Any) -> str | None:
    """A literal from a JSON-LD value: a string, {"@value": ...}, or the first of a list."""
    if isinstance(value, list):
        for item in value:
            found = _plain(item)
            if found:
                return found
        return None
    if isinstance(value, dict):
        return text(value.get("@value"))
    return text(value)


def _names(value: Any) -> list[str]:
    """Names of agents, licences or terms: strings, {name|@id|url} objects, or lists of them."""
    found: list[str] = []
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, dict):
            label = (
                text(item.get("name"))
                or text(item.get("sc:name"))
                or text(item.get("prov:label"))
                or text(item.get("url"))
                or text(item.get("@id"))
                or text(item.get("@value"))
            )
            if label:
                found.append(label)
        elif (label := text(item)) is not None:
            found.append(label)
    return found


def _distribution(m: Mapping, value: Any, src: FieldPath, context: _Context) -> None:
    for index, resource in enumerate(
        value if isinstance(value, list) else [value] if value else []
    ):
        if not isinstance(resource, dict):
            continue
        keys = {context.expand(k): k for k in resource}
        digest = resource.get(keys.get(SCHEMA + "sha256", "sha256"))
        if not isinstance(digest, str) or not _SHA256.match(digest):
            if isinstance(digest, str):
                m.warn(
                    f"{pointer((*src, index))}: sha256 {excerpt(digest)} is not a SHA-256 digest "
                    f"({len(digest)} hex digits); the file is kept as unmapped"
                )
            continue
        path = (
            _plain(resource.get(keys.get(SCHEMA + "contentUrl", "contentUrl")))
            or _plain(resource.get(keys.get(SCHEMA + "name", "name")))
            or str(resource.get("@id", f"file {index + 1}"))
        )
        item: dict[str, Any] = {"path": path, "sha256": digest.lower()}
        used: list[FieldPath] = [(*src, index, keys.get(SCHEMA + "sha256", "sha256"))]
        size_key = keys.get(SCHEMA + "contentSize")
        size = _plain(resource.get(size_key)) if size_key else None
        if size and (match := _SIZE.match(size)):
            item["bytes"] = int(match.group(1))
            used.append((*src, index, str(size_key)))
        row = m.append(("files",), item, (*src, index), use=False)
        for key in (SCHEMA + "contentUrl", SCHEMA + "name", "@type", "@id"):
            if key in keys:
                used.append((*src, index, keys[key]))
        m.use(*used)
        m.origin(("files", row, "sha256"), used[0])


# RAI property -> (our field, as list). Text values; lists become several items.
_RAI_FIELDS: tuple[tuple[str, FieldPath, bool], ...] = (
    ("dataCollection", ("origin", "collection_method"), False),
    ("dataCollectionType", ("origin", "collection_type"), True),
    ("dataCollectionRawData", ("origin", "sources"), True),
    ("dataCollectionMissingData", ("quality", "missing_data"), False),
    ("dataAnnotationProtocol", ("annotation", "protocol"), False),
    ("dataAnnotationPlatform", ("annotation", "platform"), False),
    ("dataAnnotationAnalysis", ("annotation", "quality_assurance"), False),
    ("machineAnnotationTools", ("annotation", "machine_annotation"), False),
    ("annotatorDemographics", ("annotation", "annotators", "demographics"), False),
    ("personalSensitiveInformation", ("personal_data", "categories"), True),
    ("dataBiases", ("bias_examination", "findings"), True),
    ("dataLimitations", ("gaps_limitations",), True),
    ("dataUseCases", ("uses", "intended"), True),
    ("dataSocialImpact", ("social_impact",), False),
    ("dataReleaseMaintenancePlan", ("maintenance", "update_policy"), False),
)
_NOTHING = ("none", "no", "not applicable")
_RAI_STEPS = (
    ("dataPreprocessingProtocol", "preprocessing"),
    ("dataManipulationProtocol", "manipulation"),
    ("dataImputationProtocol", "imputation"),
)


def _rai(m: Mapping, data: dict[str, Any], fields: dict[str, str]) -> None:
    for prop, dst, as_list in _RAI_FIELDS:
        key = fields.get(RAI + prop)
        if key is None:
            continue
        values = [v for v in _texts(data[key]) if v.strip().lower() not in _NOTHING]
        if not values:
            m.use((key,))  # "None": the file says there is nothing to record
            continue
        if as_list:
            for index, item in enumerate(values):
                src: FieldPath = (key, index) if isinstance(data[key], list) else (key,)
                m.append(dst, item, src)
        elif values:
            m.set(dst, "\n\n".join(values), (key,))
    for prop, step in _RAI_STEPS:
        key = fields.get(RAI + prop)
        if key is None:
            continue
        for index, item in enumerate(_texts(data[key])):
            src = (key, index) if isinstance(data[key], list) else (key,)
            m.append(("preparation",), {"step": step, "description": item}, src)
    key = fields.get(RAI + "annotationsPerItem")
    if key is not None:
        count = integer(_plain(data[key]))
        if count is not None:
            m.set(("annotation", "annotations_per_item"), count, (key,))
    key = fields.get(RAI + "dataCollectionTimeframe")
    if key is not None:
        _timeframe(m, data[key], (key,))


def _texts(value: Any) -> list[str]:
    if isinstance(value, list):
        return [t for item in value if (t := _plain(item))]
    found = _plain(value)
    return [found] if found else []


def _timeframe(m: Mapping, value: Any, src: FieldPath) -> None:
    """ISO 8601 interval "2020/2022", or a list [start, end] of dates or date-times."""
    items = _texts(value)
    if len(items) == 1 and "/" in items[0]:
        items = items[0].split("/", 1)
    start = _boundary(items[0]) if items else None
    end = _boundary(items[-1], end=True) if len(items) > 1 else None
    if start:
        m.set(("origin", "timeframe", "start"), start, src)
    if end:
        m.set(("origin", "timeframe", "end"), end, src)


def _boundary(value: str, end: bool = False) -> Any:
    import datetime as dt

    found = date(value)
    if found:
        return found
    if re.fullmatch(r"\s*\d{4}\s*", value):
        return dt.date(int(value), 12, 31) if end else dt.date(int(value), 1, 1)
    return None


def _provenance(m: Mapping, data: dict[str, Any], fields: dict[str, str]) -> None:
    """Croissant 1.1 PROV-O at dataset level: derivation, generating activity, responsible agent."""
    key = fields.get(PROV + "wasDerivedFrom")
    if key is not None:
        for index, entity in enumerate(data[key] if isinstance(data[key], list) else [data[key]]):
            names = _names(entity)
            src: FieldPath = (key, index) if isinstance(data[key], list) else (key,)
            for name in names:
                m.append(("origin", "derived_from"), name, src)
    key = fields.get(PROV + "wasAttributedTo")
    if key is not None:
        names = _names(data[key])
        if names:
            m.set(("origin", "collected_by"), "; ".join(names), (key,))
    key = fields.get(PROV + "wasGeneratedBy")
    if key is not None:
        for index, activity in enumerate(data[key] if isinstance(data[key], list) else [data[key]]):
            src = (key, index) if isinstance(data[key], list) else (key,)
            labels = _names(activity)
            if not labels:
                continue
            label = labels[0]
            step: dict[str, Any] = {"step": label, "description": "prov:wasGeneratedBy activity"}
            if isinstance(activity, dict):
                ended = activity.get("prov:endedAtTime") or activity.get("endedAtTime")
                if text(ended):
                    step["description"] += f", ended {text(ended)}"
            m.append(("preparation",), step, src)
